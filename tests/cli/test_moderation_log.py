"""`ratel-tui moderation log`: the local audit log, for people and as JSON."""

from __future__ import annotations

import json
import os
import stat
from typing import Any

from ratel_tui.cli import EXIT_OK, main
from ratel_tui.store.audit import AuditLog, audit_path


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_empty_machine_says_it_has_no_decisions(capsys):
    code, out, _ = run(capsys, "moderation", "log")
    assert code == EXIT_OK
    assert out.strip() == "No moderation decisions on this machine."
    assert json.loads(run(capsys, "moderation", "log", "--json")[1]) == []


def test_the_log_lists_every_decision_with_its_state(capsys):
    audit = AuditLog(audit_path("default"))
    first = audit.record(
        server="127.0.0.1",
        moderator="ada",
        item_id="mod_1",
        action="remove",
        note="Spam.",
        author="gus",
    )
    audit.record(server="127.0.0.1", moderator="ada", item_id="mod_2", action="ban")
    audit.set_state(first, "undone", "restored")
    audit.close()
    assert stat.S_IMODE(os.stat(audit_path("default")).st_mode) == 0o600

    code, out, _ = run(capsys, "moderation", "log")
    lines = out.splitlines()
    assert code == EXIT_OK and len(lines) == 2
    assert "remove" in lines[0] and "undone" in lines[0] and "@gus" in lines[0]
    assert "Spam." in lines[0]

    code, out, _ = run(capsys, "moderation", "log", "--json")
    entries = json.loads(out)
    assert [e["item_id"] for e in entries] == ["mod_1", "mod_2"]
    assert entries[0]["state"] == "undone" and entries[1]["state"] == "queued"


def test_another_profile_has_its_own_log(capsys):
    audit = AuditLog(audit_path("work"))
    audit.record(moderator="ada", item_id="mod_9", action="approve")
    audit.close()
    out = run(capsys, "moderation", "log", "--json", "--profile", "work")[1]
    assert [e["item_id"] for e in json.loads(out)] == ["mod_9"]
    assert json.loads(run(capsys, "moderation", "log", "--json")[1]) == []
