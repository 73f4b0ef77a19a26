"""Reading an answer's body under a size cap, and decoding its JSON strictly.

httpx decompresses a whole network chunk before anyone can look at it, so a
gzip bomb of 64 KiB becomes 64 MB at once. The body is therefore read raw and
inflated here with a bound on every step. The JSON decoder refuses what
`json.loads` quietly accepts: NaN, duplicate keys, absurd nesting, and lone
surrogates (replaced by U+FFFD, since they break SQLite and logging later).
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

import httpx

from ratel_tui.api.errors import ApiError, NetworkError, ProtocolError
from ratel_tui.api.retry import IDEMPOTENT_METHODS

CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection."""

MAX_BODY = 10 * 1024 * 1024
"""Largest decoded body the client reads, in bytes."""

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in an answer."""

INFLATE_STEP = 256 * 1024
"""Most bytes inflated at once: zlib briefly holds twice what one call returns."""

ZLIB_WINDOW = {"gzip": 31, "x-gzip": 31, "deflate": 15}
"""zlib `wbits` for each content encoding the client asks for."""

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A `\\uD800`…`\\uDFFF` escape: the only way a surrogate gets into a JSON text."""

SURROGATE = re.compile("[\ud800-\udfff]")
"""A surrogate code point left alone after decoding."""


class BadBody(Exception):
    """The body cannot be used; the message says why in plain words."""


async def read_body(response: httpx.Response, limit: int = MAX_BODY) -> bytes:
    """The decoded body of a streamed `response`, or BadBody past `limit` bytes."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity") and declared.isdigit() and int(declared) > limit:
        raise BadBody(f"the answer is larger than the {_mib(limit)} limit")

    if response.is_stream_consumed:
        # Built in memory (httpx.MockTransport): httpx has decoded it already.
        body = _CappedBody("identity", limit)
        body.feed(response.content)
        return body.finish()
    body = _CappedBody(encoding, limit)
    async for chunk in response.aiter_raw():
        body.feed(chunk)
    return body.finish()


class _CappedBody:
    """Collects a body, inflating it if compressed, never past the limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        if encoding not in ("", "identity") and encoding not in ZLIB_WINDOW:
            raise BadBody(f"the answer uses an unknown encoding ({encoding[:40]!r})")
        window = ZLIB_WINDOW.get(encoding)
        self.inflater = zlib.decompressobj(window) if window else None
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.fed = False

    def feed(self, chunk: bytes) -> None:
        """Take one raw network chunk."""
        self.fed = self.fed or bool(chunk)
        if self.inflater is None:
            self._keep(chunk)
            return
        pending = chunk
        while pending and not self.inflater.eof:
            try:
                # max_length bounds the output of each call, so the cap holds
                # even when a few KiB of input inflate to gigabytes.
                room = min(INFLATE_STEP, self.limit - self.size + 1)
                out = self.inflater.decompress(pending, room)
            except zlib.error:
                raise BadBody("the compressed answer is corrupt") from None
            self._keep(out)
            pending = self.inflater.unconsumed_tail

    def finish(self) -> bytes:
        """The whole decoded body."""
        if self.inflater is not None and self.fed and not self.inflater.eof:
            raise BadBody("the compressed answer ended early")
        return b"".join(self.parts)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise BadBody(f"the answer is larger than the {_mib(self.limit)} limit")
        self.parts.append(data)


def decode_json(body: bytes) -> Any:
    """The JSON value in `body`, strictly decoded; BadBody otherwise."""
    try:
        text = body.decode("utf-8")
        value = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except RecursionError:
        raise BadBody("the answer is nested too deeply") from None
    except ValueError as error:
        # JSONDecodeError, UnicodeDecodeError and the int-length limit are all
        # ValueErrors; none of their messages quotes the body.
        raise BadBody(f"the answer is not valid JSON ({_reason(error)})") from None

    _check_depth(value)
    if SURROGATE_ESCAPE.search(text):
        return _replace_surrogates(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"duplicate key {twice[:40]!r}")
    return value


def _check_depth(value: Any, depth: int = 1) -> None:
    """Refuse nesting deeper than MAX_DEPTH; only containers are visited."""
    if depth > MAX_DEPTH:
        raise BadBody(f"the answer is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return
    for child in value:
        if isinstance(child, dict | list):
            _check_depth(child, depth + 1)


def _replace_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            _replace_surrogates(key): _replace_surrogates(item)
            for key, item in value.items()
        }
    return value


def _reason(error: ValueError) -> str:
    """A short reason from a decoding error, without any of the body."""
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at character {error.pos}"
    if isinstance(error, UnicodeDecodeError):
        return f"invalid UTF-8 at byte {error.start}"
    return str(error).split(";")[0][:120]


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


def transport_error(
    error: httpx.HTTPError, method: str, endpoint: str, read_timeout: float | None
) -> ApiError:
    """The ApiError for an httpx failure; httpx's text is left out on purpose,
    since some of its messages quote the full URL."""
    context: dict[str, Any] = {"endpoint": endpoint}
    if isinstance(error, httpx.ConnectTimeout | httpx.ConnectError):
        return NetworkError(
            f"Could not connect to the server within {CONNECT_TIMEOUT:g} s"
            if isinstance(error, httpx.ConnectTimeout)
            else "Could not connect to the server",
            kind="connect",
            title="Cannot connect",
            **context,
        )
    if isinstance(error, httpx.TimeoutException):
        limit = read_timeout or 0
        return NetworkError(
            f"No answer from the server within {limit:g} s",
            kind="timeout",
            title="Server timed out",
            **context,
        )
    if isinstance(error, httpx.TransportError):
        maybe = "" if method in IDEMPOTENT_METHODS else "; it may have been applied"
        return NetworkError(
            f"The connection dropped before the whole answer arrived{maybe}",
            kind="dropped",
            title="Connection dropped",
            **context,
        )
    return ProtocolError("The server's answer could not be read", **context)


def redirect_error(response: httpx.Response, endpoint: str) -> ProtocolError:
    """A 3xx is refused: following it could carry the token to another host."""
    location = response.headers.get("location", "")
    try:
        target = response.request.url.join(location)
    except (httpx.InvalidURL, ValueError):
        target = response.request.url
    port = f":{target.port}" if target.port is not None else ""
    return ProtocolError(
        f"The server redirected to {target.host}{port}; redirects are not "
        "followed, so your key is only ever sent to the configured server",
        status=response.status_code,
        endpoint=endpoint,
        request_id=response.headers.get("x-request-id"),
        title="Unexpected redirect",
    )
