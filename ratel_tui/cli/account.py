"""`login`, `logout`, `auth status`, `profiles` and `whoami`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ratel_tui.cli import (
    EXIT_AUTH,
    EXIT_ERROR,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
)
from ratel_tui.cli.output import emit
from ratel_tui.cli.session import call, client_options, credential, load_profile
from ratel_tui.text import clean_line


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the account commands to the command line."""
    options = client_options()
    login = commands.add_parser(
        "login",
        parents=[options],
        help="store an API key for a profile (pasted, or read from stdin)",
        description="Read an API key without echo (or from stdin), check it with "
        "GET /users/me, then store it in the system keyring.",
    )
    login.add_argument(
        "--url", help="the server's API URL, e.g. https://api.ratel.foundation/v2"
    )
    login.add_argument(
        "--store",
        choices=("keyring", "file"),
        default="keyring",
        help="where to keep the key: the system keyring (default), or a 0600 file "
        "in the config folder when no keyring works (plain text; you will be warned)",
    )
    login.set_defaults(run=run_login)

    logout = commands.add_parser(
        "logout", parents=[options], help="forget a profile's key"
    )
    logout.set_defaults(run=run_logout)

    auth = commands.add_parser("auth", help="credentials")
    auth_commands = auth.add_subparsers(
        dest="auth_command", metavar="COMMAND", required=True
    )
    status = auth_commands.add_parser(
        "status",
        parents=[options],
        help="where the key comes from and whether it works",
    )
    status.set_defaults(run=run_status)

    profiles = commands.add_parser(
        "profiles", parents=[options], help="list the profiles"
    )
    profiles.set_defaults(run=run_profiles)

    whoami = commands.add_parser(
        "whoami", parents=[options], help="who the key belongs to"
    )
    whoami.set_defaults(run=run_whoami)


def run_login(args: argparse.Namespace) -> int:
    from ratel_tui import credentials
    from ratel_tui import settings as cfg
    from ratel_tui.api import users

    conf, name = load_profile(args)
    try:
        api_url = (
            cfg.check_api_url(args.url) if args.url else conf.profile(name).api_url
        )
        key = credentials.read_key()
    except (ValueError, cfg.SettingsError, credentials.CredentialError) as exc:
        raise CliError(clean_line(str(exc)), EXIT_USAGE) from None

    me = call(args, users.me, api_url=api_url, key=key.get_secret_value())
    if args.store == "file":
        print(f"warning: {credentials.plaintext_warning()}", file=sys.stderr)
    try:
        stored = credentials.store(name, key, where=args.store)
    except credentials.CredentialError as exc:
        raise CliError(f"the key was not saved: {exc}", EXIT_ERROR) from None
    cfg.save_profile(name, api_url, me.username)

    who = clean_line(me.username)
    emit(
        args.json,
        {
            "profile": name,
            "api_url": api_url,
            "username": me.username,
            "stored_in": stored.backend,
        },
        [
            f"Logged in to {api_url} as {who} (profile {name}); key kept in {stored.backend}."
        ],
    )
    return EXIT_OK


def run_logout(args: argparse.Namespace) -> int:
    from ratel_tui import credentials

    _, name = load_profile(args)
    result = credentials.delete(name)
    lines = [f"Removed the key of {name} from {where}." for where in result.removed]
    emit(
        args.json,
        {
            "profile": name,
            "removed_from": list(result.removed),
            "problems": list(result.problems),
        },
        lines or [f"No stored key for {name}."],
    )
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return EXIT_ERROR if result.problems else EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from ratel_tui import credentials
    from ratel_tui.api import users

    conf, name = load_profile(args)
    state = credentials.status(name, conf)
    lines = state.lines()
    report: dict[str, Any] = {
        "profile": state.profile,
        "api_url": state.api_url,
        "source": state.source,
        "backend": state.backend,
        "key": state.masked,
        "keyring": state.keyring,
        "problem": state.problem,
        "valid": None,
        "username": None,
    }
    code = EXIT_AUTH
    if state.credential is not None:
        found = state.credential
        try:
            me = call(
                args, users.me, api_url=found.api_url, key=found.key.get_secret_value()
            )
        except CliError as exc:
            lines.append(f"valid:   no ({exc})")
            report["valid"] = False
            code = exc.exit_code if exc.exit_code == EXIT_NETWORK else EXIT_AUTH
        else:
            lines.append(f"valid:   yes, as {clean_line(me.username)}")
            report.update(valid=True, username=me.username)
            code = EXIT_OK
    emit(args.json, report, lines)
    return code


def run_profiles(args: argparse.Namespace) -> int:
    from ratel_tui import settings as cfg

    conf, name = load_profile(args)
    emit(
        args.json,
        {
            "active": name,
            "profiles": {
                profile: {"api_url": entry.api_url, "username": entry.username}
                for profile, entry in conf.profiles.items()
            },
        },
        cfg.profile_lines(conf, name),
    )
    return EXIT_OK


def run_whoami(args: argparse.Namespace) -> int:
    from ratel_tui.api import users

    found = credential(args)
    me = call(args, users.me, api_url=found.api_url, key=found.key.get_secret_value())
    emit(
        args.json,
        me,
        [
            f"{clean_line(me.display_name)} (@{clean_line(me.username)}) {me.id}",
            f"server: {found.api_url}",
        ],
    )
    return EXIT_OK
