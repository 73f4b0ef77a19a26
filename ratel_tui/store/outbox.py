"""The outbox: every write the app makes, stored with its Idempotency-Key
before it is sent, so nothing is lost offline and nothing is sent twice.

An item goes `pending` → `sent` (confirmed by the server) or `refused` (the
server said no for good; the reason is kept and any draft with it). A
sender takes an item with `claim`, which gives it to one process at a time
for `LEASE_S`; a sender that dies leaves its claim to run out (or to be
released by the next start on this machine), and the resend carries the same
key, which the server answers with its first answer instead of acting again.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from ratel_tui.store.local import LocalStore, is_alive

LEASE_S = 120.0
"""How long a claim keeps other senders off an item (longer than a request's
deadline with its retries)."""

BACKOFF_CAP_S = 300.0
"""The longest wait between two tries of a failing item."""

KEEP_SENT_S = 7 * 24 * 3600.0
"""How long sent items stay listed (the Outbox screen's history)."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One write: what to call, with what, and how it went."""

    seq: int
    action: str
    payload: dict[str, Any]
    idempotency_key: str
    summary: str
    draft_id: str | None
    state: str
    attempts: int
    next_try_at: float
    last_error: str | None
    created_at: float
    sent_at: float | None
    result: Any
    claimed_by: str | None = None
    lane: str = ""


class Outbox:
    """The writes of one profile waiting for (or done by) the server."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def add(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        summary: str = "",
        draft_id: str | None = None,
        lane: str = "",
    ) -> OutboxItem:
        """Store a write to send; its draft (if any) is marked queued with it.

        Writes in one `lane` go out in the order they were made; different
        lanes may go out side by side (a like of one post and a decision on
        another item do not wait for each other)."""
        now = time.time()
        key = str(uuid.uuid4())
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO outbox (action, payload, idempotency_key, summary,"
                " draft_id, created_at, lane) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (action, json.dumps(payload), key, summary, draft_id, now, lane),
            )
            if draft_id is not None:
                conn.execute(
                    "UPDATE drafts SET state = 'queued', problem = NULL, editor = NULL"
                    " WHERE id = ?",
                    (draft_id,),
                )
            seq = int(cursor.lastrowid or 0)
        item = self.get(seq)
        assert item is not None
        return item

    def claim(
        self, *, seq: int | None = None, now: float | None = None
    ) -> OutboxItem | None:
        """The oldest due item at the head of its lane (or item `seq`), given
        to this process alone until its lease runs out; None when there is
        none. An item waits while an earlier one of its lane is pending (due
        or not, held by a sender or not), so a lane never reorders."""
        moment = time.time() if now is None else now
        with self.store.transaction(immediate=True) as conn:
            free = "(o.claimed_until IS NULL OR o.claimed_until < ?)"
            if seq is not None:
                row = conn.execute(
                    "SELECT seq FROM outbox o WHERE o.state = 'pending' AND o.seq = ?"
                    f" AND o.next_try_at <= ? AND {free}",
                    (seq, moment, moment),
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT seq FROM outbox o WHERE o.state = 'pending'"
                    f" AND o.next_try_at <= ? AND {free} AND NOT EXISTS ("
                    "  SELECT 1 FROM outbox e WHERE e.lane = o.lane"
                    "  AND e.state = 'pending' AND e.seq < o.seq)"
                    " ORDER BY o.seq LIMIT 1",
                    (moment, moment),
                ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ?,"
                " attempts = attempts + 1 WHERE seq = ?",
                (self.store.owner, moment + LEASE_S, row[0]),
            )
        return self.get(int(row[0]))

    def mark_sent(self, seq: int, result: Any = None) -> None:
        """The server confirmed it: done, and its draft is forgotten."""
        # IMMEDIATE: a read then a write in a deferred transaction fails at
        # once (no busy wait) when another instance wrote in between.
        with self.store.transaction(immediate=True) as conn:
            row = conn.execute(
                "SELECT draft_id FROM outbox WHERE seq = ?", (seq,)
            ).fetchone()
            conn.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?, result = ?,"
                " claimed_by = NULL, claimed_until = NULL, last_error = NULL"
                " WHERE seq = ?",
                (time.time(), json.dumps(result), seq),
            )
            if row is not None and row[0] is not None:
                conn.execute("DELETE FROM drafts WHERE id = ?", (row[0],))
            conn.execute(
                "DELETE FROM outbox WHERE state = 'sent' AND sent_at < ?",
                (time.time() - KEEP_SENT_S,),
            )

    def mark_retry(self, seq: int, error: str, *, delay: float | None = None) -> float:
        """It failed for now (offline, a 5xx, a wait): try again later; when."""
        item = self.get(seq)
        attempts = item.attempts if item else 1
        if delay is None:
            delay = random.uniform(0.5, 1.0) * min(BACKOFF_CAP_S, 2.0**attempts)
        when = time.time() + delay
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET next_try_at = ?, last_error = ?, claimed_by = NULL,"
                " claimed_until = NULL WHERE seq = ?",
                (when, error, seq),
            )
        return when

    def mark_refused(self, seq: int, reason: str) -> None:
        """The server refused it for good: kept with the reason, and its draft
        comes back to be edited."""
        with self.store.transaction(immediate=True) as conn:
            row = conn.execute(
                "SELECT draft_id FROM outbox WHERE seq = ?", (seq,)
            ).fetchone()
            conn.execute(
                "UPDATE outbox SET state = 'refused', last_error = ?, claimed_by = NULL,"
                " claimed_until = NULL WHERE seq = ?",
                (reason, seq),
            )
            if row is not None and row[0] is not None:
                conn.execute(
                    "UPDATE drafts SET state = 'editing', problem = ? WHERE id = ?",
                    (reason, row[0]),
                )

    def retry_now(self, seq: int) -> None:
        """Send a pending or refused item at the next pass; a refused item's
        draft is queued with it again. A refused item retried by hand counts
        as written now (the user has checked it), so the sender's hold on
        writes older than the server's replay window lets it go."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET created_at = ?, attempts = 0 WHERE seq = ?"
                " AND state = 'refused'",
                (time.time(), seq),
            )
            conn.execute(
                "UPDATE drafts SET state = 'queued', problem = NULL, editor = NULL"
                " WHERE id = (SELECT draft_id FROM outbox WHERE seq = ?"
                " AND state = 'refused')",
                (seq,),
            )
            conn.execute(
                "UPDATE outbox SET state = 'pending', next_try_at = 0 WHERE seq = ?"
                " AND state IN ('pending', 'refused')",
                (seq,),
            )

    def retry_all(self) -> None:
        """Every waiting item is due now (the server is back, say)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE outbox SET next_try_at = 0 WHERE state = 'pending'")

    def discard(self, seq: int) -> OutboxItem | None:
        """Take an item back before it is sent: its draft stays, to edit.

        Returns the item, or None when it was sent (or is being sent) already."""
        with self.store.transaction(immediate=True) as conn:
            row = conn.execute(
                "SELECT state, claimed_by, claimed_until, draft_id FROM outbox"
                " WHERE seq = ?",
                (seq,),
            ).fetchone()
            if row is None or row["state"] == "sent":
                return None
            busy = (
                row["claimed_until"] is not None and row["claimed_until"] > time.time()
            )
            if busy and is_alive(row["claimed_by"]):
                return None
            item = self._item_row(conn, seq)
            conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            if row["draft_id"] is not None:
                conn.execute(
                    "UPDATE drafts SET state = 'editing' WHERE id = ?",
                    (row["draft_id"],),
                )
        return item

    def release_dead_claims(self) -> int:
        """Free the claims of senders on this machine that are gone; how many."""
        rows = self.store.query(
            "SELECT seq, claimed_by FROM outbox WHERE claimed_by IS NOT NULL"
            " AND state = 'pending'"
        )
        dead = [
            (row["seq"], row["claimed_by"])
            for row in rows
            if not is_alive(row["claimed_by"])
        ]
        if dead:
            # Only the dead owner's claim: a live sender may have taken the
            # item over since the read above.
            with self.store.transaction() as conn:
                conn.executemany(
                    "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL"
                    " WHERE seq = ? AND claimed_by = ?",
                    dead,
                )
        return len(dead)

    def get(self, seq: int) -> OutboxItem | None:
        rows = self.store.query("SELECT * FROM outbox WHERE seq = ?", (seq,))
        return _item(rows[0]) if rows else None

    def items(self, *states: str) -> list[OutboxItem]:
        """Items in these states (all when none is named), oldest first."""
        if states:
            marks = ",".join("?" for _ in states)
            rows = self.store.query(
                f"SELECT * FROM outbox WHERE state IN ({marks}) ORDER BY seq", states
            )
        else:
            rows = self.store.query("SELECT * FROM outbox ORDER BY seq")
        return [_item(row) for row in rows]

    def pending_count(self) -> int:
        return int(
            self.store.query("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")[0][
                0
            ]
        )

    def next_due(self) -> float | None:
        """When `claim` may next find an item (epoch seconds), if any waits:
        the soonest of the lane heads' due times (or their claims' ends)."""
        rows = self.store.query(
            "SELECT MIN(MAX(o.next_try_at, COALESCE(o.claimed_until, 0)))"
            " FROM outbox o WHERE o.state = 'pending' AND NOT EXISTS ("
            "  SELECT 1 FROM outbox e WHERE e.lane = o.lane"
            "  AND e.state = 'pending' AND e.seq < o.seq)"
        )
        value = rows[0][0]
        return None if value is None else float(value)

    @staticmethod
    def _item_row(conn: Any, seq: int) -> OutboxItem:
        return _item(
            conn.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
        )


def _item(row: Any) -> OutboxItem:
    try:
        payload = json.loads(row["payload"])
    except ValueError:
        payload = {}
    try:
        result = json.loads(row["result"]) if row["result"] else None
    except ValueError:
        result = None
    return OutboxItem(
        seq=row["seq"],
        action=row["action"],
        payload=payload if isinstance(payload, dict) else {},
        idempotency_key=row["idempotency_key"],
        summary=row["summary"],
        draft_id=row["draft_id"],
        state=row["state"],
        attempts=row["attempts"],
        next_try_at=row["next_try_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        result=result,
        claimed_by=row["claimed_by"],
        lane=row["lane"],
    )
