"""Printing results: `--json` for scripts, cleaned plain lines for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


def as_json(value: Any) -> Any:
    """Models and lists of models as plain JSON values."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    return value


def emit(json_wanted: bool, value: Any, lines: Iterable[str]) -> None:
    """Print `value` as JSON, or `lines` (already cleaned) for a person.

    JSON is written ASCII-only: every character outside ASCII, the C1
    controls among them, is a `\\u` escape that no terminal acts on.
    """
    if json_wanted:
        json.dump(as_json(value), sys.stdout, ensure_ascii=True, indent=2)
        sys.stdout.write("\n")
        return
    for line in lines:
        print(line)


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, shortly: `5m`, `3h`, `2d`, `2024-05-01`."""
    if moment is None:
        return "-"
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 60:
        return "now"
    for unit, size in (("m", 60), ("h", 3_600), ("d", 86_400)):
        if seconds < size * (60 if unit == "m" else 24 if unit == "h" else 30):
            return f"{int(seconds // size)}{unit}"
    return moment.date().isoformat()
