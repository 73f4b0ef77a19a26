"""`post`: publish, schedule or save as a draft, kept in the outbox until sent."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ratel_tui.cli import EXIT_OK, EXIT_USAGE, CliError
from ratel_tui.cli.local import exit_code, observed_sender, open_local, store_errors
from ratel_tui.cli.output import emit
from ratel_tui.cli.session import call, client_options, credential
from ratel_tui.text import clean_line

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient
    from ratel_tui.services.sender import FlushReport
    from ratel_tui.store.local import LocalStore


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `post` to the command line."""
    post = commands.add_parser(
        "post",
        parents=[client_options()],
        help="publish a post (TEXT, or - to read it from stdin)",
    )
    post.add_argument("text", metavar="TEXT|-", help="the post; - reads it from stdin")
    post.add_argument("--space", metavar="ID", help="the Space to post in")
    post.add_argument("--title", help="a title (servers with drafts and titles)")
    post.add_argument(
        "--draft", action="store_true", help="save as a draft instead of publishing"
    )
    post.add_argument(
        "--schedule",
        metavar="WHEN",
        help="publish later: an ISO 8601 time (2026-12-24T09:00:00Z) or +30m, +2h, +1d",
    )
    post.set_defaults(run=run_post)


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """The moment `--schedule` names; it must be in the future."""
    from ratel_tui.services.compose import parse_when as parse

    try:
        return parse(text, now)
    except ValueError as exc:
        raise CliError(f"--schedule: {exc}", EXIT_USAGE) from None


def _content(args: argparse.Namespace) -> str:
    from ratel_tui.services.compose import CONTENT_LIMIT

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise CliError("the post is empty", EXIT_USAGE)
    if len(text) > CONTENT_LIMIT:
        raise CliError(
            f"the post has {len(text)} characters; the limit is {CONTENT_LIMIT}",
            EXIT_USAGE,
        )
    return text


def run_post(args: argparse.Namespace) -> int:
    if args.draft and args.schedule:
        raise CliError("--draft and --schedule do not go together", EXIT_USAGE)
    content = _content(args)
    scheduled_at = parse_when(args.schedule) if args.schedule else None
    status = "draft" if args.draft else "scheduled" if scheduled_at else None
    found = credential(args)

    store = open_local(args)
    with store_errors():
        seq = _keep(store, args, content, status, scheduled_at)
        report, post, failures = call(
            args,
            lambda client: _send(store, seq, client),
            api_url=found.api_url,
            key=found.key.get_secret_value(),
        )
    return _say(args, report, post, failures, seq)


def _keep(
    store: LocalStore,
    args: argparse.Namespace,
    content: str,
    status: str | None,
    scheduled_at: datetime | None,
) -> int:
    """Store the post before sending it: a draft, and its outbox write; the seq."""
    from ratel_tui.api.models.base import WIRE_TIME
    from ratel_tui.store.journal import Journal, new_draft
    from ratel_tui.store.outbox import Outbox

    when = scheduled_at.strftime(WIRE_TIME) if scheduled_at else None
    draft = new_draft(
        "post",
        body=content,
        title=args.title or "",
        target={"space_id": args.space} if args.space else {},
        fields={"schedule": when} if when else {},
    )
    payload = {
        "content": content,
        "space_id": args.space,
        "title": args.title,
        "status": status,
        "scheduled_at": when,
    }
    kind = {"draft": "server draft", "scheduled": "scheduled post"}.get(
        status or "", "post"
    )
    summary = f"{kind}: {clean_line(args.title or content, max_chars=60)}"

    Journal(store).save(draft, editing=False)
    item = Outbox(store).add(
        "create_post",
        {k: v for k, v in payload.items() if v is not None},
        summary=summary,
        draft_id=draft.id,
    )
    return item.seq


async def _send(
    store: LocalStore, seq: int, client: ApiClient
) -> tuple[FlushReport, Any, list[BaseException]]:
    """Send outbox item `seq`; the report, the post as the server has it (if
    sent) and the failures met."""
    from ratel_tui.api import posts
    from ratel_tui.api.errors import ApiError
    from ratel_tui.store.outbox import Outbox

    failures: list[BaseException] = []
    report = await observed_sender(Outbox(store), client, failures).flush(only=seq)
    post = None
    sent = [o for o in report.outcomes if o.state == "sent"]
    if sent:
        try:
            post = await posts.get_post(client, sent[0].result["id"])
        except ApiError:
            # It is posted; only the full view is missing: say what we know.
            post = sent[0].result
    return report, post, failures


def _say(
    args: argparse.Namespace,
    report: FlushReport,
    post: Any,
    failures: list[BaseException],
    seq: int,
) -> int:
    """Print the posted post, or why it was not; the exit status."""
    outcome = report.outcomes[0] if report.outcomes else None
    failure = failures[-1] if failures else None
    if outcome is not None and outcome.state == "refused":
        raise CliError(
            f"{clean_line(outcome.reason)}; the text is kept as a draft "
            "(`ratel-tui drafts list`)",
            exit_code("refused", failure),
        )
    if outcome is None or outcome.state != "sent":
        reason = clean_line(outcome.reason) if outcome else "another sender has it"
        raise CliError(
            f"{reason}; the post is kept in the outbox (#{seq}) and "
            "`ratel-tui outbox flush` sends it",
            exit_code("waiting", failure),
        )
    if isinstance(post, dict):
        emit(args.json, post, [f"Sent {post.get('id')}"])
        return EXIT_OK
    state = {"draft": "Saved draft", "scheduled": "Scheduled"}.get(
        post.status, "Posted"
    )
    emit(
        args.json,
        post,
        [f"{state} {post.id}: {clean_line(post.content, max_chars=60)}"],
    )
    return EXIT_OK
