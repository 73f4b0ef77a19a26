"""`moderation log`: the local audit log of the moderation decisions made here."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ratel_tui.cli import EXIT_ERROR, EXIT_OK, CliError
from ratel_tui.cli.output import emit
from ratel_tui.cli.session import client_options, load_profile
from ratel_tui.text import clean_line

if TYPE_CHECKING:
    from ratel_tui.store.audit import AuditEntry


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `moderation log` to the command line."""
    moderation = commands.add_parser(
        "moderation", help="moderation decisions made on this machine"
    )
    actions = moderation.add_subparsers(
        dest="moderation_command", metavar="COMMAND", required=True
    )
    listing = actions.add_parser(
        "log",
        parents=[client_options()],
        help="every decision of the local audit log, oldest first (offline)",
    )
    listing.set_defaults(run=run_moderation_log)


def run_moderation_log(args: argparse.Namespace) -> int:
    import sqlite3

    from ratel_tui.store.audit import AuditLog, audit_path

    _, profile = load_profile(args)
    path = audit_path(profile)
    if not path.exists():
        emit(args.json, [], ["No moderation decisions on this machine."])
        return EXIT_OK
    try:
        audit = AuditLog(path)
    except sqlite3.Error as exc:
        raise CliError(
            f"{path}: cannot read the audit log: {exc}", EXIT_ERROR
        ) from None
    try:
        entries = audit.entries()
    finally:
        audit.close()
    lines = [_line(e) for e in entries] or ["No moderation decisions on this machine."]
    emit(args.json, [e.to_json() for e in entries], lines)
    return EXIT_OK


def _line(entry: AuditEntry) -> str:
    at = datetime.fromtimestamp(entry.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
    author = f" @{entry.author}" if entry.author else ""
    note = f" - {entry.note}" if entry.note else ""
    reason = f" ({entry.reason})" if entry.reason else ""
    text = (
        f"{at}  {entry.action:<8} {entry.state:<8}{reason} {entry.item_id}{author}"
        f" by {entry.moderator}{note}"
    )
    return clean_line(text, max_chars=300)
