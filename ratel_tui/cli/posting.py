"""`post`: publish, schedule or save as a draft, from an argument or stdin."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from ratel_tui.cli import EXIT_OK, EXIT_USAGE, CliError
from ratel_tui.cli.output import emit
from ratel_tui.cli.session import call, client_options
from ratel_tui.text import clean_line

CONTENT_LIMIT = 5_000
"""The contract's limit on a post, checked before anything is sent."""

_RELATIVE = re.compile(r"^\+(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


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
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip())
    if relative:
        moment = now + timedelta(**{_UNITS[relative[2]]: int(relative[1])})
    else:
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise CliError(
                f"--schedule: not a time: {text!r} (try 2026-12-24T09:00:00Z or +2h)",
                EXIT_USAGE,
            ) from None
        if moment.tzinfo is None:
            raise CliError(
                "--schedule: give a time zone, e.g. a trailing Z for UTC", EXIT_USAGE
            )
    if moment <= now:
        raise CliError(
            f"--schedule: {moment.isoformat()} is not in the future", EXIT_USAGE
        )
    return moment.astimezone(UTC)


def _content(args: argparse.Namespace) -> str:
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
    from ratel_tui.api import posts

    if args.draft and args.schedule:
        raise CliError("--draft and --schedule do not go together", EXIT_USAGE)
    content = _content(args)
    scheduled_at = parse_when(args.schedule) if args.schedule else None
    status = "draft" if args.draft else "scheduled" if scheduled_at else None

    async def send(client: Any) -> Any:
        return await posts.create_post(
            client,
            content,
            space_id=args.space,
            title=args.title,
            status=status,
            scheduled_at=scheduled_at,
        )

    post = call(args, send)
    state = {"draft": "Saved draft", "scheduled": "Scheduled"}.get(
        post.status, "Posted"
    )
    emit(
        args.json,
        post,
        [f"{state} {post.id}: {clean_line(post.content, max_chars=60)}"],
    )
    return EXIT_OK
