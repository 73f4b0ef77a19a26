"""The real app with one extra key, ctrl+t, whose handler holds the API key in
its locals and fails: what does the terminal show? Run by `test_credentials.py`:
`python -m tests.hostile.crash_app [--debug]`."""

from __future__ import annotations

import os
import sys

from textual.binding import Binding

from ratel_tui.app import RatelApp


class CrashingApp(RatelApp):
    """`RatelApp` whose ctrl+t fails in a handler that holds the key."""

    BINDINGS = [Binding("ctrl+t", "crash", "Crash", id="test.crash")]

    def action_crash(self) -> None:
        api_key = os.environ["RATEL_API_KEY"]
        headers = {"Authorization": f"Bearer {api_key}"}
        raise RuntimeError(f"the handler failed with {headers}")


if __name__ == "__main__":
    app = CrashingApp(debug="--debug" in sys.argv)
    app.run()
    raise SystemExit(app.return_code or 0)
