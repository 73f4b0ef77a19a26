"""`ratel-tui` with no command: the terminal app."""

from __future__ import annotations

import argparse
import sys

from ratel_tui.cli import EXIT_USAGE, CliError


def run_app(args: argparse.Namespace) -> int:
    """Run the app until it quits; its exit status."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError(
            "the app needs a terminal; for scripts use a command (see --help)",
            EXIT_USAGE,
        )
    from ratel_tui.app import RatelApp

    app = RatelApp(sandbox=args.sandbox, profile=args.app_profile, debug=args.debug)
    status = app.run()
    return int(status or app.return_code or 0)
