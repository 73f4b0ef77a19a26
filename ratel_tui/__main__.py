"""Allow `python -m ratel_tui`."""

from __future__ import annotations

from ratel_tui.cli import main

raise SystemExit(main())
