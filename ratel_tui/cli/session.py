"""What every client command shares: the profile, its key, one API client,
and service-layer errors turned into one line and an exit code."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from ratel_tui.cli import EXIT_AUTH, EXIT_ERROR, EXIT_NETWORK, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient
    from ratel_tui.credentials import Credential
    from ratel_tui.settings import Settings

T = TypeVar("T")


def client_options() -> argparse.ArgumentParser:
    """The options of every command that talks to a server."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--profile", help="profile to use (default: RATEL_PROFILE or the config's)"
    )
    options.add_argument(
        "--json", action="store_true", help="print machine-readable JSON"
    )
    options.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=argparse.SUPPRESS,
    )
    return options


def load_profile(args: argparse.Namespace) -> tuple[Settings, str]:
    """The settings and the name of the profile this command uses."""
    from ratel_tui import settings as cfg

    try:
        conf = cfg.load_settings()
        return conf, cfg.select_profile(args.profile, conf)
    except cfg.SettingsError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def credential(args: argparse.Namespace) -> Credential:
    """The key this command signs in with; exit 3 when there is none."""
    from ratel_tui import credentials

    conf, name = load_profile(args)
    try:
        found = credentials.resolve(name, conf)
    except credentials.CredentialError as exc:
        raise CliError(str(exc), EXIT_AUTH) from None
    if found is None:
        raise CliError(
            f"not logged in (profile {name}): run `ratel-tui login`, or set "
            "RATEL_API_URL and RATEL_API_KEY",
            EXIT_AUTH,
        )
    return found


def call(
    args: argparse.Namespace,
    work: Callable[[ApiClient], Awaitable[T]],
    *,
    api_url: str | None = None,
    key: str | None = None,
) -> T:
    """Run `work` with a client of the profile's server (or of `api_url`/`key`)."""
    from ratel_tui.api.client import ApiClient

    if api_url is None or key is None:
        found = credential(args)
        api_url, key = found.api_url, found.key.get_secret_value()

    async def main() -> T:
        async with ApiClient(api_url, key, on_wait=_say_wait) as client:
            return await work(client)

    with api_errors():
        return asyncio.run(main())


def _say_wait(seconds: float, reason: str) -> None:
    print(f"waiting {seconds:.0f} s: {reason}", file=sys.stderr, flush=True)


@contextmanager
def api_errors() -> Iterator[None]:
    """Turn a service-layer error into a `CliError` with the exit code it deserves."""
    from ratel_tui.api import errors
    from ratel_tui.text import clean_line

    try:
        yield
    except errors.ApiError as exc:
        if isinstance(exc, errors.AuthError | errors.ScopeError):
            code = EXIT_AUTH
        elif isinstance(exc, errors.NetworkError):
            code = EXIT_NETWORK
        elif isinstance(exc, errors.InsecureUrlError):
            code = EXIT_USAGE
        else:
            code = EXIT_ERROR
        where = f" [{exc.request_id}]" if exc.request_id else ""
        raise CliError(clean_line(f"{exc.title}: {exc.message}{where}"), code) from None
