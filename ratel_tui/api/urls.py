"""Which base URLs the client talks to: https anywhere, plain http on loopback only.

The rules exist so the token cannot be sent in clear text over a network, nor
to a host other than the one the user meant: `http://localhost.evil.com`,
`http://127.0.0.1@evil.com` and look-alike Unicode hosts are the classic ways
to make a URL read as one host while it names another.
"""

from __future__ import annotations

import ipaddress

import httpx

from ratel_tui.api.errors import InsecureUrlError
from ratel_tui.api.redaction import redact

LOOPBACK_NAMES = frozenset({"localhost"})
"""Host names that always mean this machine; other names must be IP literals."""


def check_base_url(url: str) -> str:
    """The normalised form of `url` (no trailing "/"), or InsecureUrlError."""
    parsed = _parse(url)

    if parsed.scheme not in ("http", "https"):
        raise _refused(url, "only https:// (or http:// to this machine) is supported")
    if not parsed.host:
        raise _refused(url, "it names no host")
    if parsed.userinfo:
        raise _refused(url, "a user name or password inside the URL is not allowed")
    if parsed.query or parsed.fragment:
        raise _refused(url, "it must not carry a query (?…) or fragment (#…)")
    if parsed.scheme == "http" and not is_loopback(parsed.host):
        raise _refused(
            url,
            "plain http:// would send your key unencrypted; it is only allowed "
            "for this machine (localhost, 127.0.0.1, ::1): use https://",
        )

    return str(parsed.copy_with(path=parsed.path.rstrip("/"))).rstrip("/")


def is_loopback(host: str) -> bool:
    """Whether `host` is `localhost`, an address in 127.0.0.0/8, or ::1.

    Only canonical IP literals count: `127.1`, `2130706433` and
    `::ffff:127.0.0.1` mean loopback to some parsers and not to others, and a
    URL that different programs read differently is refused rather than guessed.
    """
    host = host.lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        return address == ipaddress.IPv6Address("::1")
    return address in ipaddress.IPv4Network("127.0.0.0/8")


def display_host(url: str) -> str:
    """The host (and port) of `url` as the network sees it, for confirmation UIs.

    An internationalised host is shown in its punycode form, followed by the
    Unicode form in brackets, so a look-alike such as a Cyrillic "а" stands out.
    """
    parsed = _parse(url)
    ascii_host = parsed.raw_host.decode("ascii")
    port = f":{parsed.port}" if parsed.port is not None else ""

    shown = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if ascii_host != parsed.host:
        return f"{shown}{port} ({parsed.host})"
    return f"{shown}{port}"


def _parse(url: str) -> httpx.URL:
    """`url` parsed by the same code that will send the requests."""
    if any(ch.isspace() or ch == "\\" or not ch.isprintable() for ch in url):
        raise _refused(url, "it contains spaces, backslashes or control characters")
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise _refused(url, "it is not a valid URL") from None


def _refused(url: str, why: str) -> InsecureUrlError:
    """The error for a refused base URL, shown without userinfo or anything
    shaped like a key."""
    if "@" in url:
        url = url.split("://", 1)[0] + "://…@" + url.rsplit("@", 1)[-1]
    shown = redact(url[:200])
    return InsecureUrlError(f"Refusing the server address {shown!r}: {why}.")
