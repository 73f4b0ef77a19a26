"""Triage bookkeeping without Textual: merging, filters, templates, undo, counter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ratel_tui.api.models.base import list_of
from ratel_tui.api.models.moderation import ModerationItem
from ratel_tui.services import moderation as mod

START = datetime(2026, 12, 1, tzinfo=UTC)


def item(n: int, *, space: str = "s1", reasons: tuple[str, ...] = ("spam",)) -> Any:
    """A pending post item n, reported once per reason, by @author{n % 3}."""
    data = {
        "id": f"mod_{n}",
        "status": "pending",
        "target_type": "post",
        "space_id": space,
        "target_id": f"post_{n}",
        "created_at": (START + timedelta(hours=n)).isoformat(),
        "report_count": len(reasons),
        "reasons": {r: 1 for r in reasons},
        "reports": [{"reason": r, "note": f"note {r}", "open": True} for r in reasons],
        "target": {
            "id": f"post_{n}",
            "author": {"id": f"user_{n % 3}", "username": f"author{n % 3}"},
            "content": f"Post number {n} about bikes",
            "created_at": START.isoformat(),
        },
    }
    return list_of(ModerationItem).validate_python([data])[0]


class Store:
    """Stands in for the outbox: numbers the writes and can discard queued ones."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, dict[str, Any]]] = []
        self.discarded: list[int] = []
        self.busy: set[int] = set()

    def add(self, action: str, payload: dict[str, Any]) -> int:
        self.writes.append((action, payload))
        return len(self.writes)

    def discard(self, seq: int) -> bool:
        if seq in self.busy:
            return False
        self.discarded.append(seq)
        return True


def test_queues_merge_oldest_first_each_item_once():
    merged = mod.merge_queues([[item(3), item(1)], [item(2, space="s2"), item(1)]])
    assert [i.id for i in merged] == ["mod_1", "mod_2", "mod_3"]


def test_saved_filters_count_by_reason_and_space_and_sort_by_reports():
    items = [item(1), item(2, reasons=("spam", "harassment")), item(3, space="s2")]
    filters = mod.saved_filters({"s1": "One", "s2": "Two"})
    counts = mod.filter_counts(filters, items)
    assert counts["oldest"] == 3 and counts["reason:spam"] == 3
    assert counts["reason:harassment"] == 1 and counts["space:s2"] == 1
    most = next(f for f in filters if f.key == "most")
    assert most.apply(items)[0].id == "mod_2"


def test_the_text_filter_looks_at_content_and_author():
    assert mod.matches(item(4), "author1")
    assert mod.matches(item(4), "BIKES")
    assert not mod.matches(item(4), "trains")


def test_configured_templates_override_the_defaults():
    templates = mod.templates_from({"1": {"action": "dismiss", "note": "Fine."}})
    assert templates["1"] == mod.Template("1", "dismiss", "Fine.")
    assert templates["2"] == mod.DEFAULT_TEMPLATES["2"]


def test_a_ban_bans_the_author_and_removes_the_item():
    writes = mod.decision_writes(item(5), "ban", "Go away.", 7)
    assert writes[0] == (
        "ban",
        {
            "space_id": "s1",
            "user_id": "user_2",
            "reason": "Go away.",
            "duration_days": 7,
        },
    )
    assert writes[1][1]["action"] == "remove"


def test_undo_discards_queued_writes_and_restores_sent_ones():
    store = Store()
    triage = mod.Triage([item(1), item(2), item(3)])
    first, second = triage.decide([item(1), item(2)], "remove", None, store.add)
    assert [i.id for i in triage.items] == ["mod_3"]
    assert triage.decided == 2

    triage.heard(second.writes[0].seq, "sent")
    assert second.state == "sent"
    assert triage.undo(second, store.discard, store.add) == 1
    assert store.writes[-1] == ("decide", {"item_id": "mod_2", "action": "restore"})
    assert triage.items[0].id == "mod_2"

    assert triage.undo(first, store.discard, store.add) == 0
    assert store.discarded == [first.writes[0].seq]
    assert triage.decided == 0 and triage.last_standing() is None


def test_a_refused_write_puts_the_item_back_first_with_the_reason():
    store = Store()
    triage = mod.Triage([item(1), item(2)])
    (decision,) = triage.decide([item(2)], "approve", None, store.add)
    triage.heard(decision.writes[0].seq, "refused", "Conflict: already decided")
    assert decision.state == "refused" and decision.reason.startswith("Conflict")
    assert [i.id for i in triage.items] == ["mod_2", "mod_1"]


def test_the_counter_says_decided_left_and_rate():
    store = Store()
    triage = mod.Triage([item(n) for n in range(1, 5)])
    decisions = triage.decide([item(1), item(2)], "dismiss", None, store.add)
    now = decisions[0].at + 60.0
    assert triage.counter(now) == "2 decided · 2 left · 2.0/min"


def test_a_bad_template_in_config_toml_gets_a_one_line_message(tmp_path):
    import pytest

    from ratel_tui.settings import SettingsError, load_settings

    path = tmp_path / "config.toml"
    path.write_text('[moderation_templates."1"]\naction = "nuke"\nnote = "x"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "line 2" in message and "unknown action 'nuke'" in message

    path.write_text('[moderation_templates."3"]\naction = "dismiss"\nnote = "Ok."\n')
    templates = mod.templates_from(load_settings(path).moderation_templates)
    assert templates["3"] == mod.Template("3", "dismiss", "Ok.")
