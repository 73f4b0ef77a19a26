"""The hostile strings of the research note, built as it says, plus markers
whose raw form a terminal must never receive."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HOSTILE_FILE = Path(__file__).resolve().parent / "data" / "hostile-inputs.json"
"""A copy of the research note's `hostile-inputs.json`, kept with the tests
so that they run the same from any checkout."""

MARKERS = {
    "osc52_st": "M1\x1b]52;c;U0VDUkVUTUFSSw==\x1b\\Z1",
    "osc52_bel": "M2\x1b]52;c;U0VDUkVUTUFSSw==\x07Z2",
    "osc0_title": "M3\x1b]0;TITLEMARK\x07Z3",
    "osc8_link": "M4\x1b]8;;http://evil.example/osc8\x1b\\LINKMARK\x1b]8;;\x1b\\Z4",
    "dsr": "M5\x1b[6nZ5",
    "da1": "M6\x1b[cZ6",
    "decrqss": "M7\x1bP$qm\x1b\\Z7",
    "osc52_query": "M8\x1b]52;c;?\x1b\\Z8",
    "ris": "M9\x1bcZ9",
    "c1_csi": "MA\x9b6nZA",
    "c1_osc": "MB\x9d0;C1TITLE\x9cZB",
    "apc": "MC\x1b_APCMARK\x1b\\ZC",
}
"""Content carrying one escape each; `RAW` below is what must not leave."""

RAW = [
    "\x1b]52;c;U0VDUkVUTUFSSw==",
    "\x1b]0;TITLEMARK",
    "\x1b]8;;http://evil.example/osc8",
    "M5\x1b[6n",
    "M6\x1b[c",
    "\x1bP$qm",
    "\x1b]52;c;?",
    "M9\x1bc",
    "\x9b6n",
    "\x9d0;C1TITLE",
    "\x1b_APCMARK",
]
"""Raw sequences of `MARKERS` (with a neighbour where Textual could send the
sequence itself): finding one in the output means content reached the tty."""

VISIBLE = [
    "␛]52;c;U0VDUkVUTUFSSw==␛\\Z1",
    "␛]0;TITLEMARK",
    "␛[6nZ5",
    "␛P$qm␛\\Z7",
]
"""The same markers as the cleaning path shows them: visible text."""


def build(entry: dict[str, Any]) -> str:
    """One entry's string: `prefix + input*repeat + suffix*suffix_repeat + tail`."""
    text = entry["input"] * entry.get("repeat", 1)
    text += entry.get("suffix", "") * entry.get("suffix_repeat", 1)
    return entry.get("prefix", "") + text + entry.get("tail", "")


@cache
def entries() -> tuple[dict[str, Any], ...]:
    """Every entry of the hostile file."""
    return tuple(json.loads(HOSTILE_FILE.read_text(encoding="utf-8")))


def hostile(*categories: str) -> dict[str, str]:
    """id → string of the entries of `categories` (all but HTTP bodies when
    none is named)."""
    wanted = set(categories) or {
        e["category"] for e in entries() if e["category"] != "http_body"
    }
    return {e["id"]: build(e) for e in entries() if e["category"] in wanted}
