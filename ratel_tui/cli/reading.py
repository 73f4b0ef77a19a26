"""`feed`, `spaces`, `deliberations`, `deliberation export` and `oracle`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ratel_tui.cli import EXIT_ERROR, EXIT_OK, CliError
from ratel_tui.cli.output import age, emit
from ratel_tui.cli.session import call, client_options
from ratel_tui.text import clean_line

PHASES = ("draft", "pre_survey", "discussion", "post_survey", "completed")
VERIFICATION_STATUSES = ("pending", "approved", "rejected")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text}")
    return value


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the reading commands to the command line."""
    options = client_options()
    feed = commands.add_parser(
        "feed", parents=[options], help="recent posts, newest first"
    )
    feed.add_argument(
        "--space",
        metavar="ID",
        help="only this Space (id, or slug on servers that take one)",
    )
    feed.add_argument(
        "--author", metavar="ID", help="only this author (id or username)"
    )
    feed.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="how many (default 20)"
    )
    feed.set_defaults(run=run_feed)

    spaces = commands.add_parser("spaces", parents=[options], help="list Spaces")
    spaces.add_argument(
        "--mine", action="store_true", help="only the Spaces you belong to"
    )
    spaces.set_defaults(run=run_spaces)

    deliberations = commands.add_parser(
        "deliberations", parents=[options], help="list deliberations"
    )
    deliberations.add_argument("--space", metavar="ID", help="only this Space")
    deliberations.add_argument("--status", choices=PHASES, help="only this phase")
    deliberations.set_defaults(run=run_deliberations)

    deliberation = commands.add_parser("deliberation", help="one deliberation")
    actions = deliberation.add_subparsers(
        dest="deliberation_command", metavar="COMMAND", required=True
    )
    export = actions.add_parser(
        "export", parents=[options], help="every response, anonymised, as CSV or JSON"
    )
    export.add_argument("id", help="the deliberation's id")
    export.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="default: csv"
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout"
    )
    export.set_defaults(run=run_export)

    oracle = commands.add_parser(
        "oracle", parents=[options], help="attribute verification requests"
    )
    oracle.add_argument(
        "--status", choices=VERIFICATION_STATUSES, help="only this status"
    )
    oracle.add_argument(
        "--reviewable",
        action="store_true",
        help="only pending requests you may still vote on",
    )
    oracle.set_defaults(run=run_oracle)


def run_feed(args: argparse.Namespace) -> int:
    from ratel_tui.api import posts

    async def fetch(client: Any) -> list[Any]:
        found = posts.iter_posts(
            client,
            space_id=args.space,
            author_id=args.author,
            per_page=min(args.limit, 100),
            limit=args.limit,
        )
        return [post async for post in found]

    feed = call(args, fetch)
    emit(args.json, feed, [_post_line(post) for post in feed])
    return EXIT_OK


def _post_line(post: Any) -> str:
    text = clean_line(post.title or post.content, max_chars=90)
    counts = f"♥{post.stats.likes} 💬{post.stats.comments}"
    return f"{post.id}  {age(post.created_at):>10}  @{clean_line(post.author.username):<12} {counts:<10} {text}"


def run_spaces(args: argparse.Namespace) -> int:
    from ratel_tui.api.models import Space

    async def fetch(client: Any) -> list[Any]:
        return [
            s
            async for s in _all(
                client, "/spaces", Space, {"member": True} if args.mine else {}
            )
        ]

    found = call(args, fetch)
    lines = [
        f"{clean_line(s.slug or s.id):<20} {clean_line(s.name):<30} {clean_line(s.category or '-'):<12}"
        f" {s.stats.members:>5} members  {s.my_role or ''}"
        for s in found
    ]
    emit(args.json, found, lines or ["No Spaces."])
    return EXIT_OK


def run_deliberations(args: argparse.Namespace) -> int:
    from ratel_tui.api.models import Deliberation

    params = {k: v for k, v in (("space_id", args.space), ("status", args.status)) if v}

    async def fetch(client: Any) -> list[Any]:
        return [d async for d in _all(client, "/deliberations", Deliberation, params)]

    found = call(args, fetch)
    lines = [
        f"{d.id}  {d.status:<11} {_deadline(d.phase_ends_at):<14} {_answered(d):<9} {clean_line(d.title, max_chars=70)}"
        for d in found
    ]
    emit(args.json, found, lines or ["No deliberations."])
    return EXIT_OK


def _deadline(moment: Any) -> str:
    if moment is None:
        return ""
    from datetime import UTC, datetime

    left = (moment - datetime.now(UTC)).total_seconds()
    if left <= 0:
        return "ended"
    hours = int(left // 3600)
    return f"{hours // 24}d {hours % 24}h left" if hours >= 24 else f"{hours}h left"


def _answered(deliberation: Any) -> str:
    mine = deliberation.my_responses
    if mine is None:
        return ""
    return " ".join(
        name for name, done in (("pre✓", mine.pre), ("post✓", mine.post)) if done
    )


def run_export(args: argparse.Namespace) -> int:
    from ratel_tui.services import export

    async def fetch(client: Any) -> bytes:
        return await export.fetch_export(client, args.id, args.format)

    data = call(args, fetch)
    if args.output is None:
        sys.stdout.buffer.write(data)
        return EXIT_OK
    try:
        export.write_file(args.output, data)
    except export.ExportError as exc:
        raise CliError(str(exc), EXIT_ERROR) from None
    print(f"Wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    return EXIT_OK


def run_oracle(args: argparse.Namespace) -> int:
    from ratel_tui.api.models import Verification

    async def fetch(client: Any) -> list[Any]:
        if args.reviewable:
            await client.require("oracle_full", "the review queue of the oracle")
        params = {
            k: v
            for k, v in (
                ("status", args.status),
                ("reviewable", args.reviewable or None),
            )
            if v
        }
        return [
            v async for v in _all(client, "/oracle/verifications", Verification, params)
        ]

    found = call(args, fetch)
    lines = []
    for request in found:
        votes = request.votes
        tally = f"{votes.approve}✓ {votes.reject}✗/{votes.required or '?'}"
        who = clean_line(request.requester.username) if request.requester else "?"
        what = clean_line(
            f"{request.attribute_type}: {request.attribute_value}", max_chars=60
        )
        lines.append(f"{request.id}  {request.status:<8} {tally:<10} @{who:<12} {what}")
    emit(args.json, found, lines or ["No verification requests."])
    return EXIT_OK


async def _all(client: Any, path: str, model: Any, params: dict[str, Any]) -> Any:
    """Every item of a list endpoint, parsed as `model`."""
    from ratel_tui.api.models.base import parse

    async for item in client.pages(path, params=params, per_page=100):
        yield parse(model, item, f"GET {path}")
