"""A tiny real HTTP server on 127.0.0.1 whose routes each misbehave in one way.

It speaks just enough HTTP/1.1 by hand (one request per connection) to send
what a framework would refuse to: a body shorter than its Content-Length, a
body dripped a byte at a time, a gzip bomb. Every request is recorded with
its headers, so tests can count attempts and see where the token went.
"""

from __future__ import annotations

import asyncio
import json
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ratel_tui.api.retry import RetryPolicy

API_PREFIX = "/v2"
"""The path prefix of the API; routes are registered without it."""

QUICK_RETRIES = RetryPolicy(backoff=0.02, backoff_max=0.05)
"""The client's retry policy with backoff short enough for tests about what
is retried (tests about how long it waits use the default)."""


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    """What a route answers, including the ways it can misbehave."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None
    """Declared length, when it should differ from the body (a truncated body)."""
    drip: float | None = None
    """Seconds between single bytes of the body."""
    delay: float = 0.0
    """Seconds to wait before sending anything."""


Route = Callable[[Received, int], Reply]
"""A route: the request and its attempt number on this path (from 1)."""


def envelope(data: Any, status: int = 200, **headers: str) -> Reply:
    """A well-formed success envelope."""
    payload = {"success": True, "data": data, "meta": {"request_id": "req_misbehave"}}
    return Reply(status, json.dumps(payload).encode(), headers=headers)


def failure(code: str, message: str, status: int, **extra: Any) -> Reply:
    """A well-formed error envelope; `extra` goes into `error` (retry_after…)."""
    error = {"code": code, "message": message, "details": {}, **extra}
    payload = {"success": False, "error": error, "meta": {"request_id": "req_fail"}}
    return Reply(status, json.dumps(payload).encode())


def html(status: int) -> Reply:
    """The error page a proxy such as nginx sends."""
    phrase = HTTPStatus(status).phrase
    page = f"<html><body><h1>{status} {phrase}</h1><hr>nginx</body></html>"
    return Reply(status, page.encode(), content_type="text/html")


@cache
def gzip_bomb(size: int = 50 * 1024 * 1024) -> bytes:
    """`size` zero bytes, gzip-compressed (50 MiB → about 50 KiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + compressor.flush()


class MisbehavingServer:
    """The server, in a background thread with its own event loop."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.received: list[Received] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        """The API base URL to give the client."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    def route(self, path: str, answer: Reply | Route) -> None:
        """Answer `path` (without /v2) with a fixed reply or a function of it."""
        self.routes[path] = answer if callable(answer) else (lambda _r, _n: answer)

    def hits(self, path: str) -> list[Received]:
        """The requests received on `path` (without /v2)."""
        return [r for r in self.received if r.path == path]

    def start(self) -> MisbehavingServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        future.result(timeout=5)
        return self

    def stop(self) -> None:
        future = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
        future.result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> MisbehavingServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            request = await _read_request(reader)
            self.received.append(request)
            attempt = len(self.hits(request.path))
            route = self.routes.get(request.path)
            reply = route(request, attempt) if route else html(404)
            await _write_reply(writer, reply)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Received:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    url = urlsplit(target)
    path = url.path.removeprefix(API_PREFIX) or "/"
    return Received(method, path, parse_qs(url.query), headers, body)


async def _write_reply(writer: asyncio.StreamWriter, reply: Reply) -> None:
    await asyncio.sleep(reply.delay)
    length = len(reply.body) if reply.content_length is None else reply.content_length
    headers = {"Content-Length": str(length), "Connection": "close", **reply.headers}
    if reply.content_type is not None:
        headers["Content-Type"] = reply.content_type
    status_line = f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}\r\n"
    head = status_line + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(head.encode("latin-1") + b"\r\n")
    await writer.drain()

    if reply.drip is None:
        writer.write(reply.body)
        await writer.drain()
        return
    for index in range(len(reply.body)):
        writer.write(reply.body[index : index + 1])
        await writer.drain()
        await asyncio.sleep(reply.drip)
