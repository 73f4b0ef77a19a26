"""`drafts list|sync` and `outbox list|flush`: the profile's local database."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ratel_tui.cli import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
)
from ratel_tui.cli.output import age, emit
from ratel_tui.cli.session import call, client_options, load_profile
from ratel_tui.text import clean_line

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient
    from ratel_tui.services.sender import FlushReport, Sender
    from ratel_tui.store.local import LocalStore
    from ratel_tui.store.outbox import Outbox


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `drafts` and `outbox` to the command line."""
    options = client_options()
    drafts = commands.add_parser("drafts", help="the drafts kept on this machine")
    draft_actions = drafts.add_subparsers(
        dest="drafts_command", metavar="COMMAND", required=True
    )
    listing = draft_actions.add_parser(
        "list", parents=[options], help="the local drafts, last edited first (offline)"
    )
    listing.set_defaults(run=run_drafts_list)
    sync = draft_actions.add_parser(
        "sync",
        parents=[options],
        help="pull the server's drafts and scheduled posts, push local post drafts",
    )
    sync.set_defaults(run=run_drafts_sync)

    outbox = commands.add_parser("outbox", help="writes waiting to be sent")
    outbox_actions = outbox.add_subparsers(
        dest="outbox_command", metavar="COMMAND", required=True
    )
    items = outbox_actions.add_parser(
        "list", parents=[options], help="every write, oldest first (offline)"
    )
    items.set_defaults(run=run_outbox_list)
    flush = outbox_actions.add_parser(
        "flush",
        parents=[options],
        help="send every waiting write now; exit 4 if the server cannot be "
        "reached, 3 if it refuses the key, 1 if a write was refused",
    )
    flush.set_defaults(run=run_outbox_flush)


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a local database failure (a full disk, say) into one line, exit 1."""
    from ratel_tui.store.local import StoreError

    try:
        yield
    except StoreError as exc:
        raise CliError(str(exc), EXIT_ERROR) from None


def open_local(args: argparse.Namespace) -> LocalStore:
    """The local database of the command's profile; no key or network needed."""
    import sys

    from ratel_tui.services.connect import local_path
    from ratel_tui.store.local import LocalStore

    _, profile = load_profile(args)
    with store_errors():
        store = LocalStore(local_path(profile))
    if store.moved_aside is not None:
        print(
            f"ratel-tui: the local database could not be read; it was moved to "
            f"{store.moved_aside} and a new one started",
            file=sys.stderr,
        )
    return store


def _when(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def run_drafts_list(args: argparse.Namespace) -> int:
    from ratel_tui.store.journal import Journal

    with store_errors():
        drafts = Journal(open_local(args)).all()
    lines = [_draft_line(d) for d in drafts] or ["No drafts on this machine."]
    emit(args.json, [asdict(d) for d in drafts], lines)
    return EXIT_OK


def _draft_line(draft: Any) -> str:
    from ratel_tui.services.drafts_sync import edited

    if draft.server_id is None:
        where = "local"
    else:
        where = "edited" if edited(draft) else "synced"
    text = clean_line(draft.title or draft.body, max_chars=70) or "(empty)"
    line = (
        f"{draft.id[:8]}  {age(_when(draft.updated_at)):>10}  {draft.label:<15} "
        f"{draft.state:<7} {where:<6}  {text}"
    )
    if draft.problem:
        line += f"  [refused: {clean_line(draft.problem, max_chars=120)}]"
    return line


def run_drafts_sync(args: argparse.Namespace) -> int:
    from ratel_tui.services.drafts_sync import sync_drafts
    from ratel_tui.store.journal import Journal

    journal = Journal(open_local(args))

    async def work(client: ApiClient) -> Any:
        return await sync_drafts(journal, client)

    with store_errors():
        report = call(args, work)
    if report.unsupported:
        raise CliError(report.summary(), EXIT_ERROR)
    refused = [f"  refused {problem}" for problem in report.problems]
    emit(args.json, asdict(report), [report.summary(), *refused])
    return EXIT_ERROR if report.problems else EXIT_OK


def run_outbox_list(args: argparse.Namespace) -> int:
    from ratel_tui.store.outbox import Outbox

    with store_errors():
        items = Outbox(open_local(args)).items()
    lines = [_item_line(item) for item in items] or ["The outbox is empty."]
    emit(args.json, [asdict(item) for item in items], lines)
    return EXIT_OK


def _item_line(item: Any) -> str:
    tries = f"{item.attempts} {'try' if item.attempts == 1 else 'tries'}"
    line = (
        f"#{item.seq:<5} {item.action:<20} {item.state:<8} {tries:<9} "
        f"{clean_line(item.summary, max_chars=60)}"
    )
    if item.last_error and item.state != "sent":
        line += f"  ({clean_line(item.last_error, max_chars=120)})"
    return line


def observed_sender(
    outbox: Outbox, client: ApiClient, failures: list[BaseException]
) -> Sender:
    """A Sender of `outbox` that adds every failure it meets to `failures`,
    so that the exit code can follow the error that stopped it."""
    from ratel_tui.services.sender import Sender

    async def observe(work: Any) -> Any:
        try:
            return await work(client)
        except Exception as exc:
            failures.append(exc)
            raise

    return Sender(outbox, client, call=observe)


def exit_code(state: str, failure: BaseException | None) -> int:
    """The exit status for a write left `state` (waiting or refused) by `failure`."""
    from ratel_tui.api import errors

    if isinstance(failure, errors.AuthError | errors.ScopeError):
        return EXIT_AUTH
    if isinstance(failure, errors.InsecureUrlError):
        return EXIT_USAGE
    # Waiting means "try again later": offline, a failing server, a rate limit.
    return EXIT_NETWORK if state == "waiting" else EXIT_ERROR


def run_outbox_flush(args: argparse.Namespace) -> int:
    from ratel_tui.store.outbox import Outbox

    outbox = Outbox(open_local(args))
    with store_errors():
        # A manual flush sends now: no waiting out the backoff, and the claims
        # of senders that died (a killed app) are freed first.
        outbox.release_dead_claims()
        outbox.retry_all()
        due = outbox.pending_count()
    failures: list[BaseException] = []

    async def work(client: ApiClient) -> FlushReport:
        return await observed_sender(outbox, client, failures).flush()

    report = None
    if due:
        with store_errors():
            report = call(args, work)
    return _flush_result(args, outbox, report, failures)


def _flush_result(
    args: argparse.Namespace,
    outbox: Outbox,
    report: FlushReport | None,
    failures: list[BaseException],
) -> int:
    """Print what the flush did; its exit status."""
    with store_errors():
        waiting = outbox.pending_count()
    outcomes = report.outcomes if report else []
    sent = sum(1 for o in outcomes if o.state == "sent")
    refused = [o for o in outcomes if o.state == "refused"]
    stop = next((o for o in outcomes if o.state == "waiting"), None)
    summary = {
        "sent": sent,
        "refused": len(refused),
        "waiting": waiting,
        "stopped": stop.reason if stop else None,
        "outcomes": [
            {"seq": o.item.seq, "action": o.item.action, "state": o.state}
            | ({"reason": o.reason} if o.reason else {})
            for o in outcomes
        ],
    }
    lines = [f"Sent {sent}, refused {len(refused)}, waiting {waiting}."]
    lines += [
        f"  #{o.item.seq} {o.item.action} refused: {clean_line(o.reason)}"
        for o in refused
    ]
    emit(args.json, summary, lines)
    if stop is not None and waiting:
        code = exit_code("waiting", failures[-1] if failures else None)
        raise CliError(
            f"{clean_line(stop.reason)}; {waiting} waiting in the outbox: "
            "`ratel-tui outbox flush` sends them later",
            code,
        )
    return EXIT_ERROR if refused else EXIT_OK
