"""`ratel-tui sandbox`: run the local server of the Ratel v2 contract."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from ratel_tui.cli import EXIT_USAGE, CliError


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def _non_negative(kind: Callable[[str], float | int]) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text}")
    return value


def add_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `ratel-tui sandbox` to the command line."""
    from ratel_tui.sandbox.config import DEFAULT_PORT, DEFAULT_POSTS, DEFAULT_SEED

    sandbox = commands.add_parser(
        "sandbox",
        help="run the local Ratel v2 sandbox server",
        description="Serve the Ratel API v2 contract locally on a seeded SQLite world.",
    )
    sandbox.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    sandbox.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to bind, 0 for any free one (default: %(default)s)",
    )
    sandbox.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database file (default: sandbox.db in the data folder)",
    )
    sandbox.add_argument(
        "--seed",
        type=int,
        default=None,
        help=f"world seed for a new database (default: {DEFAULT_SEED})",
    )
    sandbox.add_argument(
        "--posts",
        type=_non_negative(int),
        default=None,
        help=f"posts in a new world (default: {DEFAULT_POSTS})",
    )
    sandbox.add_argument(
        "--reset", action="store_true", help="delete the database and seed anew"
    )
    sandbox.add_argument(
        "--latency",
        type=_non_negative(float),
        default=0.0,
        metavar="MS",
        help="delay every answer by about MS milliseconds",
    )
    sandbox.add_argument(
        "--fail-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="turn this share of answers into 500, 503 or a dropped connection",
    )
    sandbox.add_argument(
        "--rate-limit",
        action="store_true",
        help="enforce the contract's rate limits with 429",
    )
    sandbox.add_argument(
        "--keys-file",
        type=Path,
        metavar="PATH",
        help="write the demo keys as JSON to PATH (mode 0600)",
    )
    sandbox.add_argument(
        "--public",
        action="store_true",
        help="allow binding to an address other than loopback",
    )
    sandbox.add_argument(
        "--part-a",
        action="store_true",
        help="serve Part A of the contract only, without any [ext] feature",
    )
    sandbox.add_argument("--quiet", action="store_true", help="do not log each request")
    sandbox.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ratel_tui import paths
    from ratel_tui.sandbox.config import DEFAULT_POSTS, DEFAULT_SEED, SandboxConfig
    from ratel_tui.sandbox.db import SchemaTooNewError
    from ratel_tui.sandbox.server import serve
    from ratel_tui.sandbox.server_hosts import is_loopback

    if not is_loopback(args.host):
        if not args.public:
            raise CliError(
                f"refusing to serve on {args.host}: the sandbox binds to loopback only; "
                "add --public to expose it to other machines",
                EXIT_USAGE,
            )
        print(
            f"warning: serving on {args.host}; anyone who can reach it can use the demo keys",
            file=sys.stderr,
        )
    config = SandboxConfig(
        db_path=args.db if args.db is not None else paths.sandbox_db_path(),
        host=args.host,
        port=args.port,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        posts=DEFAULT_POSTS if args.posts is None else args.posts,
        reset=args.reset,
        latency_ms=args.latency,
        fail_rate=args.fail_rate,
        rate_limit=args.rate_limit,
        public=args.public,
        keys_file=args.keys_file,
        access_log=not args.quiet,
        features=frozenset() if args.part_a else None,
    )
    try:
        _warn_if_seeded_otherwise(
            config, explicit=args.seed is not None or args.posts is not None
        )
        return serve(config)
    except SchemaTooNewError as exc:
        raise CliError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise CliError(
            f"{config.db_path} is not a usable sandbox database ({exc}); "
            "pass --reset to start it anew, or --db for another file"
        ) from exc
    except OSError as exc:
        raise CliError(
            f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from exc


def _warn_if_seeded_otherwise(config: object, *, explicit: bool) -> None:
    """Say so when --seed/--posts cannot apply because the world exists already."""
    from ratel_tui.sandbox.config import SandboxConfig
    from ratel_tui.sandbox.db import Database
    from ratel_tui.sandbox.seed import seeded_with

    assert isinstance(config, SandboxConfig)
    if not explicit or config.reset or not config.db_path.exists():
        return
    db = Database(config.db_path)
    try:
        existing = seeded_with(db)
    finally:
        db.close()
    if existing is not None and existing != (config.seed, config.posts):
        print(
            f"note: {config.db_path} already holds the world of seed {existing[0]} with "
            f"{existing[1]} posts; add --reset to seed it anew",
            file=sys.stderr,
        )
