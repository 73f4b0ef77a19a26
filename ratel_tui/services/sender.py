"""Sending the outbox: each stored write is sent with its own Idempotency-Key,
and the answer decides what becomes of it.

- Sent: the server confirmed; the item is done and its draft forgotten.
- Waiting: the server is out of reach, failing (5xx), asking us to wait
  (429) or refusing the key (401, which a new key mends): tried again later
  with backoff; a pass stops at the first such failure, so writes go out in
  the order they were made.
- Refused: any other answer (a closed phase, a deleted post, a limit): kept
  with the reason, its text back in the drafts to edit and resend.

The app runs `Sender.run()` in the background; the command line calls
`flush()` once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ratel_tui.api import deliberations, moderation, oracle, posts, spaces, users
from ratel_tui.api.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
)
from ratel_tui.api.models.posts import MediaRef
from ratel_tui.store.outbox import Outbox, OutboxItem

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

log = logging.getLogger(__name__)

Action = Callable[["ApiClient", dict[str, Any], str], Awaitable[Any]]
"""Sends one write: the client, the stored payload and its Idempotency-Key;
returns what to keep of the answer (JSON)."""

ACTIONS: dict[str, Action] = {}
"""Every write the outbox can send, by name."""

CONCURRENCY = 8
"""Items sent side by side, each from its own lane: at 300 ms a request, 200
moderation decisions reach the server in about 4 s (at 4, about 12 s)."""

LANE_KEYS = {
    "like": "post_id",
    "unlike": "post_id",
    "follow": "user_id",
    "unfollow": "user_id",
    "join": "space_id",
    "leave": "space_id",
    "report": "target_id",
    "vote": "verification_id",
    "respond": "survey_id",
    "decide": "item_id",
    "ban": "user_id",
    "unban": "user_id",
    "advance": "deliberation_id",
}
"""The payload field whose writes must keep their order; the rest (posts,
comments, requests) share one lane and go out in the order written."""


def lane_of(action: str, payload: dict[str, Any]) -> str:
    """The lane of a write: writes about one thing keep their order, writes
    about different things may overtake each other."""
    field_name = LANE_KEYS.get(action)
    if field_name is None or payload.get(field_name) is None:
        return ""
    return f"{field_name}:{payload[field_name]}"


REPLAY_WINDOW_S = 23 * 3600.0
"""How long after a write was first tried a resend is still answered by the
server's replay (the contract keeps keys 24 h; an hour to spare)."""

AUTH_WAIT_S = 60.0
"""How long an item waits after the server refused the key."""

IN_PROGRESS_WAIT_S = 2.0
"""How long an item waits when the server is still running its first try."""


def action(name: str) -> Callable[[Action], Action]:
    def register(send: Action) -> Action:
        ACTIONS[name] = send
        return send

    return register


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json") if hasattr(model, "model_dump") else model


@action("create_post")
async def _create_post(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    post = await posts.create_post(
        client,
        p["content"],
        post_type=p.get("type"),
        space_id=p.get("space_id"),
        media=[MediaRef(**m) for m in p.get("media") or ()],
        visibility=p.get("visibility"),
        title=p.get("title"),
        status=p.get("status"),
        scheduled_at=_when(p.get("scheduled_at")),
        idempotency_key=key,
    )
    return {"id": post.id, "status": post.status, "space_id": post.space_id}


@action("create_comment")
async def _create_comment(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    comment = await posts.create_comment(
        client,
        p["post_id"],
        p["content"],
        parent_id=p.get("parent_id"),
        idempotency_key=key,
    )
    return _dump(comment)


def _on_one(call: Callable[[ApiClient, str], Awaitable[Any]], field: str) -> Action:
    """An action that calls `call` with the payload's `field`, nothing else."""

    async def send(client: ApiClient, p: dict[str, Any], key: str) -> Any:
        return _dump(await call(client, p[field]))

    return send


for _name, _call in {
    "like": posts.like,
    "unlike": posts.unlike,
    "follow": users.follow,
    "unfollow": users.unfollow,
    "join": spaces.join,
    "leave": spaces.leave,
}.items():
    ACTIONS[_name] = _on_one(_call, LANE_KEYS[_name])


@action("report")
async def _report(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    send = (
        moderation.report_comment
        if p["target_type"] == "comment"
        else (moderation.report_post)
    )
    receipt = await send(
        client, p["target_id"], p["reason"], note=p.get("note"), idempotency_key=key
    )
    return _dump(receipt)


@action("vote")
async def _vote(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await oracle.vote(
        client,
        p["verification_id"],
        p["vote"],
        comment=p.get("comment"),
        idempotency_key=key,
    )
    return _dump(answer)


@action("respond")
async def _respond(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await deliberations.respond(
        client, p["deliberation_id"], p["survey_id"], p["answers"], idempotency_key=key
    )
    return _dump(answer)


@action("deliberation_comment")
async def _deliberation_comment(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    comment = await deliberations.create_comment(
        client,
        p["deliberation_id"],
        p["content"],
        parent_id=p.get("parent_id"),
        idempotency_key=key,
    )
    return _dump(comment)


@action("decide")
async def _decide(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await moderation.decide(
        client, p["item_id"], p["action"], note=p.get("note"), idempotency_key=key
    )
    return _dump(answer)


@action("ban")
async def _ban(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await moderation.ban(
        client,
        p["space_id"],
        p["user_id"],
        reason=p.get("reason"),
        duration_days=p.get("duration_days"),
        idempotency_key=key,
    )
    return _dump(answer)


@action("unban")
async def _unban(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    await moderation.unban(client, p["space_id"], p["user_id"])
    return {"space_id": p["space_id"], "user_id": p["user_id"]}


@action("advance")
async def _advance(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    return _dump(
        await deliberations.advance(client, p["deliberation_id"], idempotency_key=key)
    )


@action("create_deliberation")
async def _create_deliberation(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await deliberations.create_deliberation(
        client,
        p["space_id"],
        p["title"],
        p["pre_survey"],
        p["duration_days"],
        description=p.get("description"),
        post_survey=p.get("post_survey"),
        idempotency_key=key,
    )
    return _dump(answer)


@action("update_post")
async def _update_post(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    post = await posts.update_post(
        client,
        p["post_id"],
        content=p.get("content"),
        title=p.get("title"),
        status=p.get("status"),
        scheduled_at=_when(p.get("scheduled_at")),
    )
    return {"id": post.id, "status": post.status, "space_id": post.space_id}


@action("create_verification")
async def _create_verification(client: ApiClient, p: dict[str, Any], key: str) -> Any:
    answer = await oracle.create_verification(
        client,
        p["attribute_type"],
        p["attribute_value"],
        evidence=p.get("evidence") or [],
        description=p.get("description"),
        idempotency_key=key,
    )
    return _dump(answer)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one item ended up after a try."""

    item: OutboxItem
    state: str
    """sent, refused or waiting."""
    result: Any = None
    reason: str = ""
    offline: bool = False
    """It waits because the server could not be reached."""
    awaited: bool = False
    """Someone was waiting for this answer (a screen that tells it itself)."""


@dataclass(slots=True)
class FlushReport:
    """What one pass over the outbox did."""

    outcomes: list[Outcome] = field(default_factory=list)
    offline: bool = False
    """The pass stopped because the server could not be reached."""

    def count(self, state: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.state == state)


def still_running(error: ApiError) -> bool:
    """Whether a 409 says the first request with this Idempotency-Key is still
    being processed (a resend after a timeout can overtake it): not a refusal,
    since that first request may well succeed."""
    # Limitation: ConflictError does not carry the error's `details`
    # (`in_progress: true` in the sandbox), so the message is what tells.
    text = error.message.lower()
    return isinstance(error, ConflictError) and (
        "idempotency-key" in text and ("processed" in text or "progress" in text)
    )


def describe(error: BaseException) -> str:
    """One line naming why a write failed."""
    if isinstance(error, ApiError):
        return f"{error.title}: {error.message}"
    return f"{type(error).__name__}: {error}"


class Sender:
    """Sends the items of `outbox` with `client`, one process at a time per item."""

    def __init__(
        self,
        outbox: Outbox,
        client: ApiClient,
        *,
        call: Callable[[Callable[[ApiClient], Awaitable[Any]]], Awaitable[Any]]
        | None = None,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self._call = call
        """Runs a request (the session's `call`, which keeps the online state)."""
        self.listeners: list[Callable[[Outcome], None]] = []
        self._wake = asyncio.Event()
        self.running = False
        """Whether `run()` is sending in the background."""
        self._outcomes: dict[int, asyncio.Future[Outcome]] = {}

    def poke(self) -> None:
        """Something was added (or the server is back): send now."""
        self._wake.set()

    async def flush(self, *, only: int | None = None) -> FlushReport:
        """Send every due item (or just item `only`), up to CONCURRENCY at a
        time from different lanes; an item that has to wait holds back the
        later ones of its lane, and the pass stops when the server cannot be
        reached."""
        report = FlushReport()
        if only is not None:
            item = await asyncio.to_thread(self.outbox.claim, seq=only)
            if item is not None:
                await self._send_one(item, report)
            return report
        while not report.offline:
            before = len(report.outcomes)
            await asyncio.gather(*(self._drain(report) for _ in range(CONCURRENCY)))
            if len(report.outcomes) == before:
                return report
        return report

    async def _drain(self, report: FlushReport) -> None:
        """Claim and send until nothing is due (or the server is out of reach)."""
        while not report.offline:
            item = await asyncio.to_thread(self.outbox.claim)
            if item is None:
                return
            await self._send_one(item, report)

    async def _send_one(self, item: OutboxItem, report: FlushReport) -> None:
        outcome = await self._send(item)
        report.outcomes.append(outcome)
        self._tell(outcome)
        if outcome.offline:
            report.offline = True

    async def _send(self, item: OutboxItem) -> Outcome:
        send = ACTIONS.get(item.action)
        if send is None:
            reason = f"This version of ratel-tui cannot send a {item.action!r} write"
            await asyncio.to_thread(self.outbox.mark_refused, item.seq, reason)
            return Outcome(item, "refused", reason=reason)
        if item.attempts > 1 and time.time() - item.created_at > REPLAY_WINDOW_S:
            reason = (
                "Held back: first tried over a day ago, longer than the server "
                "remembers its Idempotency-Key, so a resend could make it twice. "
                "Check whether it arrived, then retry or discard it in the Outbox"
            )
            await asyncio.to_thread(self.outbox.mark_refused, item.seq, reason)
            return Outcome(item, "refused", reason=reason)
        started = time.monotonic()
        try:
            if self._call is None:
                result = await send(self.client, item.payload, item.idempotency_key)
            else:
                result = await self._call(
                    lambda client: send(client, item.payload, item.idempotency_key)
                )
        except (
            NetworkError,
            ServerError,
            ProtocolError,
            RateLimitedError,
            AuthError,
        ) as exc:
            delay = None
            if isinstance(exc, RateLimitedError) and exc.retry_after:
                delay = exc.retry_after
            elif isinstance(exc, AuthError):
                delay = AUTH_WAIT_S
            offline = isinstance(exc, NetworkError)
            reason = describe(exc)
            if offline:
                reason = f"Cannot reach the server ({exc.message})"
            await asyncio.to_thread(
                self.outbox.mark_retry, item.seq, reason, delay=delay
            )
            log.info("outbox %s #%d waits: %s", item.action, item.seq, reason)
            return Outcome(item, "waiting", reason=reason, offline=offline)
        except ApiError as exc:
            reason = describe(exc)
            if still_running(exc):
                await asyncio.to_thread(
                    self.outbox.mark_retry, item.seq, reason, delay=IN_PROGRESS_WAIT_S
                )
                return Outcome(item, "waiting", reason=reason)
            await asyncio.to_thread(self.outbox.mark_refused, item.seq, reason)
            log.info("outbox %s #%d refused: %s", item.action, item.seq, reason)
            return Outcome(item, "refused", reason=reason)
        except (KeyError, TypeError, ValueError) as exc:
            reason = f"The stored write is not valid: {describe(exc)}"
            await asyncio.to_thread(self.outbox.mark_refused, item.seq, reason)
            return Outcome(item, "refused", reason=reason)
        await asyncio.to_thread(self.outbox.mark_sent, item.seq, result)
        log.info(
            "outbox %s #%d sent in %d ms",
            item.action,
            item.seq,
            (time.monotonic() - started) * 1000,
        )
        return Outcome(item, "sent", result=result)

    def _tell(self, outcome: Outcome) -> None:
        future = self._outcomes.get(outcome.item.seq)
        if future is not None and not future.done():
            outcome = replace(outcome, awaited=True)
            future.set_result(outcome)
        for listener in list(self.listeners):
            listener(outcome)

    async def outcome(self, seq: int, timeout: float) -> Outcome | None:
        """Wait up to `timeout` for item `seq` to be sent or refused (by this
        process or another); None while it still waits."""
        future = self._outcomes.setdefault(
            seq, asyncio.get_running_loop().create_future()
        )
        if self.running:
            self.poke()
        else:
            # No background loop (a script, a test host): send in order now,
            # and what is still waiting afterwards waits for a later flush.
            await self.flush()
            if not future.done() or future.result().state == "waiting":
                self._outcomes.pop(seq, None)
                return await self._stored_outcome(seq)
        try:
            found = await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return await self._stored_outcome(seq)
        finally:
            self._outcomes.pop(seq, None)
        return None if found.state == "waiting" else found

    async def _stored_outcome(self, seq: int) -> Outcome | None:
        """What the database says of item `seq` (another process may have sent it)."""
        item = await asyncio.to_thread(self.outbox.get, seq)
        if item is not None and item.state == "sent":
            return Outcome(item, "sent", result=item.result)
        if item is not None and item.state == "refused":
            return Outcome(item, "refused", reason=item.last_error or "")
        return None

    async def run(self) -> None:
        """Send whatever is due, for as long as the app runs: after each write,
        when the earliest waiting item is due, and at least every 30 s."""
        await asyncio.to_thread(self.outbox.release_dead_claims)
        self.running = True
        try:
            await self._loop()
        finally:
            self.running = False

    async def _loop(self) -> None:
        # Up to CONCURRENCY drains at a time: each wake (a new write, a due
        # retry) tops them up, so writes made one by one still go out side
        # by side, and a drain that finds nothing due simply ends.
        drains: set[asyncio.Task[None]] = set()
        while True:
            self._wake.clear()
            report = FlushReport()
            while len(drains) < CONCURRENCY:
                drain = asyncio.create_task(self._guarded_drain(report))
                drains.add(drain)
                drain.add_done_callback(drains.discard)
            due = await asyncio.to_thread(self.outbox.next_due)
            wait = 30.0 if due is None else min(30.0, max(0.05, due - time.time()))
            woken = asyncio.create_task(self._wake.wait())
            try:
                # Wake for a new write, or when a drain ends (the next item
                # of its lane may be due), or when the earliest retry is due.
                await asyncio.wait(
                    {woken, *drains}, timeout=wait, return_when="FIRST_COMPLETED"
                )
            finally:
                woken.cancel()

    async def _guarded_drain(self, report: FlushReport) -> None:
        try:
            await self._drain(report)
        except Exception:  # noqa: BLE001 - a store error must not end sending
            log.exception("outbox drain failed")
