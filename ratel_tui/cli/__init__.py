"""The `ratel-tui` command line; with no command, the app.

Parsing imports nothing heavy, so `--help` and `--version` answer at once;
each command imports what it needs when it runs. Exit codes: 0 ok, 1 error,
2 usage, 3 auth, 4 network. Errors are one line on stderr; `--debug` adds
the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ratel_tui import __version__

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NETWORK = 4


class CliError(Exception):
    """An error the command line reports in one line, with an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="ratel-tui",
        description="Keyboard-first terminal client for Ratel.",
    )
    parser.add_argument(
        "--version", action="version", version=f"ratel-tui {__version__}"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks and debug logs (secrets redacted)",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="open the app on a local sandbox with demo data, signed in as a demo user",
    )
    parser.add_argument(
        "--profile",
        dest="app_profile",
        metavar="PROFILE",
        help="open the app with this profile (default: RATEL_PROFILE or the config's)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from ratel_tui.cli import account, local, moderation, posting, reading, sandbox

    account.add_commands(commands)
    reading.add_commands(commands)
    posting.add_commands(commands)
    local.add_commands(commands)
    sandbox.add_command(commands)
    moderation.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        from ratel_tui.cli.tui import run_app

        args.run = run_app
    try:
        return int(args.run(args))
    except CliError as exc:
        if args.debug:
            raise
        print(f"ratel-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`ratel-tui feed | head`): not an error of ours.
        # Point stdout at nothing so that the interpreter's final flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if args.debug:
            raise
        print(
            f"ratel-tui: unexpected error: {type(exc).__name__}: {exc} "
            "(run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR
