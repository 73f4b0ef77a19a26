"""Triage of moderation queues: merging, filters with counts, templates, decisions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ACTIONS = ("approve", "remove", "dismiss", "escalate", "ban")
"""What a moderator can decide about an item (ban: ban the author and remove)."""

PAST = {
    "approve": "approved",
    "remove": "removed",
    "dismiss": "dismissed",
    "escalate": "escalated",
    "ban": "banned",
}
"""Each decision in words, as the counter and the log say it."""

BAN_DURATIONS: tuple[int | None, ...] = (1, 7, 30, None)
"""The ban lengths offered, in days; None bans for good."""

REASONS = ("spam", "harassment", "misinformation", "off_topic", "other")
"""Why content is reported (the saved filters by reason)."""


@dataclass(frozen=True, slots=True)
class Template:
    """A reason template: a decision and its note, on one number key."""

    key: str
    action: str
    note: str


DEFAULT_TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template("1", "remove", "Spam or advertising."),
        Template("2", "remove", "Harassment or personal attack."),
        Template("3", "remove", "Misinformation against the Space's rules."),
        Template("4", "remove", "Off topic for this Space."),
        Template("5", "approve", "Within the rules; reports not upheld."),
        Template("6", "dismiss", "Duplicate or mistaken report."),
        Template("7", "escalate", "Needs an admin's judgement."),
    )
}
"""The templates used where `config.toml` sets none."""


def templates_from(configured: Mapping[str, Any] | None) -> dict[str, Template]:
    """The defaults overridden by `[moderation_templates]` of the settings
    (already validated there: "1".."9" → {action, note})."""
    templates = dict(DEFAULT_TEMPLATES)
    for key, value in (configured or {}).items():
        action = _get(value, "action")
        note = _get(value, "note") or ""
        templates[str(key)] = Template(str(key), str(action), str(note))
    return dict(sorted(templates.items()))


def _get(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, Mapping) else getattr(value, name)


# Items --------------------------------------------------------------------


def target_of(item: Any) -> Any:
    """The reported post or comment (None once deleted)."""
    return getattr(item, "target", None)


def author_of(item: Any) -> Any:
    """The author (UserBrief) of the reported content, or None."""
    target = target_of(item)
    return None if target is None else target.author


def merge_queues(queues: Iterable[Iterable[Any]]) -> list[Any]:
    """Every Space's pending items as one queue, oldest first, each item once."""
    seen: dict[str, Any] = {}
    for items in queues:
        for item in items:
            if item.status == "pending":
                seen.setdefault(item.id, item)
    return sorted(seen.values(), key=lambda item: (item.created_at, item.id))


_REASONS_SEEN: dict[tuple[str, int, int], dict[str, int]] = {}
"""`open_reasons` by (item, report count, open count): filters ask it often."""


def open_reasons(item: Any) -> dict[str, int]:
    """The item's reports by reason, open ones where the server says which."""
    key = (item.id, item.report_count, item.open_report_count or 0)
    found = _REASONS_SEEN.get(key)
    if found is None:
        if len(_REASONS_SEEN) > 10_000:
            _REASONS_SEEN.clear()
        found = _REASONS_SEEN[key] = _open_reasons(item)
    return found


def _open_reasons(item: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for report in item.reports:
        if report.open is False:
            continue
        counts[report.reason] = counts.get(report.reason, 0) + 1
    return counts or dict(item.reasons)


def reports_by_reason(item: Any) -> dict[str, list[Any]]:
    """The item's reports grouped by reason, the most given reason first."""
    groups: dict[str, list[Any]] = {}
    for report in item.reports:
        groups.setdefault(report.reason, []).append(report)
    return dict(sorted(groups.items(), key=lambda pair: (-len(pair[1]), pair[0])))


def matches(item: Any, text: str) -> bool:
    """Whether the `/` filter `text` is in the item's content or author name."""
    needle = text.casefold().strip()
    if not needle:
        return True
    target = target_of(item)
    if target is None:
        return False
    author = target.author
    hay = " ".join(
        (target.content, getattr(target, "title", None) or "", author.username)
    )
    return needle in (hay + " " + author.display_name).casefold()


# Saved filters --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """A named view of the queue: which items, in which order."""

    key: str
    label: str
    keep: Callable[[Any], bool]
    order: Callable[[list[Any]], list[Any]] = field(default=lambda items: items)

    def apply(self, items: list[Any]) -> list[Any]:
        return self.order([i for i in items if self.keep(i)])


def _most_reported(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda i: -i.report_count)


def saved_filters(spaces: Mapping[str, str]) -> list[SavedFilter]:
    """Oldest first, most reported, one per reason and one per Space (id →
    name)."""
    found = [
        SavedFilter("oldest", "Oldest first", lambda i: True),
        SavedFilter("most", "Most reported", lambda i: True, _most_reported),
    ]
    for reason in REASONS:
        found.append(
            SavedFilter(
                f"reason:{reason}",
                reason.replace("_", " ").capitalize(),
                lambda i, r=reason: r in open_reasons(i),
            )
        )
    for space_id, name in spaces.items():
        found.append(
            SavedFilter(
                f"space:{space_id}", name, lambda i, s=space_id: i.space_id == s
            )
        )
    return found


def filter_counts(filters: list[SavedFilter], items: list[Any]) -> dict[str, int]:
    """How many of `items` each saved filter keeps (the live counts)."""
    return {f.key: sum(1 for i in items if f.keep(i)) for f in filters}


# Decisions --------------------------------------------------------------------


@dataclass(slots=True)
class Write:
    """One outbox write of a decision, and how it went."""

    action: str
    payload: dict[str, Any]
    seq: int
    state: str = "queued"
    """queued, sent, refused, or taken back (discarded before sending)."""


@dataclass(slots=True)
class Decision:
    """A decision of this session about one item."""

    number: int
    item: Any
    action: str
    note: str | None
    writes: list[Write]
    at: float
    duration_days: int | None = None
    state: str = "queued"
    """queued, sent, refused or undone."""
    reason: str = ""
    audit_id: int | None = None


def decision_writes(
    item: Any, action: str, note: str | None, duration_days: int | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """The outbox writes (action, payload) that make a decision on `item`."""
    if action != "ban":
        return [("decide", {"item_id": item.id, "action": action, "note": note})]
    author = author_of(item)
    writes: list[tuple[str, dict[str, Any]]] = []
    if author is not None:
        writes.append(
            (
                "ban",
                {
                    "space_id": item.space_id,
                    "user_id": author.id,
                    "reason": note,
                    "duration_days": duration_days,
                },
            )
        )
    writes.append(("decide", {"item_id": item.id, "action": "remove", "note": note}))
    return writes


def inverse(write: Write) -> tuple[str, dict[str, Any]] | None:
    """The write that takes back one already sent (restore, unban)."""
    if write.action == "decide":
        return ("decide", {"item_id": write.payload["item_id"], "action": "restore"})
    if write.action == "ban":
        payload = {k: write.payload[k] for k in ("space_id", "user_id")}
        return ("unban", payload)
    return None


class Triage:
    """The queue being worked through and this session's decisions: what is
    left, what was decided, and the counter."""

    def __init__(self, items: list[Any] | None = None) -> None:
        self.items: list[Any] = list(items or [])
        """The pending items not yet decided here, in queue order."""
        self.decisions: list[Decision] = []
        self.started = time.monotonic()
        self._first: float | None = None

    def load(self, items: list[Any]) -> None:
        """Take a fresh read of the queue, leaving out what is decided here."""
        busy = {d.item.id for d in self.decisions if d.state in ("queued", "sent")}
        self.items = [i for i in items if i.id not in busy]

    def decide(
        self,
        items: list[Any],
        action: str,
        note: str | None,
        seqs: Callable[[str, dict[str, Any]], int],
        *,
        duration_days: int | None = None,
    ) -> list[Decision]:
        """Decide each of `items`: `seqs(action, payload)` stores one write and
        gives its outbox seq. The items leave the queue at once."""
        made = []
        for item in items:
            writes = [
                Write(a, p, seqs(a, p))
                for a, p in decision_writes(item, action, note, duration_days)
            ]
            number = len(self.decisions) + 1
            decision = Decision(
                number, item, action, note, writes, time.monotonic(), duration_days
            )
            self.decisions.append(decision)
            made.append(decision)
        gone = {item.id for item in items}
        self.items = [i for i in self.items if i.id not in gone]
        if self._first is None and made:
            self._first = made[0].at
        return made

    def heard(self, seq: int, state: str, reason: str = "") -> Decision | None:
        """The sender's word on write `seq`; the decision it belongs to, which
        goes back into the queue (first) when the server refused it."""
        for decision in reversed(self.decisions):
            for write in decision.writes:
                if write.seq != seq:
                    continue
                write.state = state
                if decision.state == "undone":
                    return decision
                if state == "refused":
                    decision.state, decision.reason = "refused", reason
                    self.put_back(decision.item)
                elif all(w.state == "sent" for w in decision.writes):
                    decision.state = "sent"
                return decision
        return None

    def last_standing(self) -> Decision | None:
        """The latest decision that can still be undone."""
        for decision in reversed(self.decisions):
            if decision.state in ("queued", "sent"):
                return decision
        return None

    def undo(
        self,
        decision: Decision,
        discard: Callable[[int], bool],
        send: Callable[[str, dict[str, Any]], int],
    ) -> int:
        """Take `decision` back: each write still queued is discarded
        (`discard(seq)` says whether it was), each sent one gets its inverse
        sent. The item comes back first in the queue; how many inverse
        writes went out."""
        sent = 0
        for write in reversed(decision.writes):
            if write.state in ("refused", "taken back"):
                continue
            if write.state == "queued" and discard(write.seq):
                write.state = "taken back"
                continue
            opposite = inverse(write)
            if opposite is not None:
                send(*opposite)
                sent += 1
        decision.state = "undone"
        self.put_back(decision.item)
        return sent

    def put_back(self, item: Any) -> None:
        """Show `item` again, first."""
        self.items = [item, *(i for i in self.items if i.id != item.id)]

    # The counter

    @property
    def decided(self) -> int:
        """Decisions of this session that stand (queued or sent)."""
        return sum(1 for d in self.decisions if d.state in ("queued", "sent"))

    def rate(self, now: float | None = None) -> float:
        """Decisions per minute since the first one."""
        if self._first is None:
            return 0.0
        moment = time.monotonic() if now is None else now
        minutes = max((moment - self._first) / 60.0, 1 / 60)
        return self.decided / minutes

    def counter(self, now: float | None = None) -> str:
        """ "12 decided · 42 left · 6.0/min"."""
        return (
            f"{self.decided} decided · {len(self.items)} left · "
            f"{self.rate(now):.1f}/min"
        )
