"""The one place a request is sent, retried, timed, logged and mapped to errors.

One `ApiClient` per profile holds one `httpx.AsyncClient`, so connections
are kept alive (building a client costs about 22 ms, a new TCP connection
about 12 ms more). Redirects are never followed: the token goes to the
configured host and nowhere else.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from ratel_tui import __version__
from ratel_tui.api.envelope import Answer, Envelope, RateLimit, interpret
from ratel_tui.api.errors import (
    ApiError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    UnsupportedError,
)
from ratel_tui.api.paging import PageWalk
from ratel_tui.api.redaction import Secret, scrub
from ratel_tui.api.retry import RetryPolicy, is_repeatable
from ratel_tui.api.transport import (
    CONNECT_TIMEOUT,
    MAX_BODY,
    BadBody,
    read_body,
    redirect_error,
    transport_error,
)
from ratel_tui.api.urls import check_base_url, display_host

__all__ = ["ApiClient", "Envelope", "RateLimit", "WaitCallback"]

log = logging.getLogger(__name__)

WaitCallback = Callable[[float, str], Awaitable[None] | None]
"""Told (seconds, reason) before every wait, so the UI can show a countdown."""

DEADLINE = 45.0
"""Seconds one attempt may take in all, body included: read timeouts apply to
each read, so without this a server dripping a byte at a time never times out."""

UPLOAD_TIMEOUT = 120.0
"""Read and write timeout of a request that sends files, unless told otherwise."""

T = TypeVar("T")


class ApiClient:
    """An async client of one Ratel v2 server, signed in with one token."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        on_wait: WaitCallback | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        deadline: float = DEADLINE,
        max_body: int = MAX_BODY,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.last_rate_limit: RateLimit | None = None
        self._token = Secret(token) if token else None
        self._on_wait = on_wait
        self._deadline = deadline
        self._max_body = max_body
        self._retry = retry or RetryPolicy()
        self._features: frozenset[str] | None = None
        self._features_lock = asyncio.Lock()
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
            headers={
                "User-Agent": f"ratel-tui/{__version__}",
                "Accept": "application/json",
                # Bodies are inflated by `transport.read_body` under a size cap.
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def __repr__(self) -> str:
        token = self._token.hint() if self._token else None
        return f"ApiClient({self.base_url!r}, token={token!r})"

    @property
    def display_host(self) -> str:
        """The server's host as the network sees it (punycode), for confirmations."""
        return display_host(self.base_url)

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def get(self, path: str, *, params: dict[str, Any] | None = None) -> Envelope:
        """GET `path` (relative to the base URL)."""
        return await self.request("GET", path, params=params)

    async def post(
        self,
        path: str,
        *,
        json: Any = None,
        idempotency_key: str | None = None,
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Envelope:
        """POST `path`, with an Idempotency-Key (a fresh one unless given)."""
        return await self.request(
            "POST",
            path,
            json=json,
            files=files,
            data=data,
            idempotency_key=idempotency_key,
            timeout=timeout,
        )

    async def patch(self, path: str, *, json: Any = None) -> Envelope:
        """PATCH `path`; never retried after the request may have reached the server."""
        return await self.request("PATCH", path, json=json)

    async def delete(self, path: str) -> Envelope:
        """DELETE `path`."""
        return await self.request("DELETE", path)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        timeout: float | None = None,
    ) -> Envelope:
        """Send a request, retrying what is safe to retry; the Envelope of the answer.

        `timeout` replaces the read and write timeouts (an upload gets
        UPLOAD_TIMEOUT unless given one) and widens the overall deadline to
        match. Raises ApiError subclasses.
        """
        method = method.upper()
        if method == "POST" and idempotency_key is None:
            idempotency_key = str(uuid.uuid4())
        if files is not None and timeout is None:
            timeout = UPLOAD_TIMEOUT
        call = _Call(method, path, params, json, files, data, idempotency_key, timeout)

        return await self._send(call, interpret)

    async def get_raw(
        self, path: str, *, params: dict[str, Any] | None = None
    ) -> bytes:
        """The raw body of a GET that answers no envelope (a CSV export, say)."""
        return await self._send(_Call("GET", path, params), _raw_body)

    async def features(self) -> frozenset[str]:
        """The [ext] groups the server names at `GET /`, asked once per client.

        A server without discovery (404, 405, or no envelope) serves Part A only.
        """
        async with self._features_lock:
            if self._features is None:
                self._features = await self._discover()
            return self._features

    async def require(self, feature: str, what: str) -> None:
        """Raise UnsupportedError unless the server serves the [ext] `feature`."""
        if feature not in await self.features():
            raise UnsupportedError(
                f"this server does not support {what}", feature=feature
            )

    async def pages(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        per_page: int = 100,
        limit: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a list endpoint, page after page, each id once.

        Follows `meta.next_cursor` when the server sends one and page numbers
        up to `meta.total_pages` otherwise; stops after `limit` items.
        """
        query: dict[str, Any] | None = {**(params or {}), "per_page": per_page}
        walk = PageWalk(f"GET {path}")
        yielded = 0
        while query is not None and (limit is None or yielded < limit):
            envelope = await self.get(path, params=query)
            fresh = walk.new_items(envelope)
            for item in fresh[: None if limit is None else limit - yielded]:
                yield item
                yielded += 1
            query = walk.next_query(query, envelope.meta, progressed=bool(fresh))

    async def _discover(self) -> frozenset[str]:
        """The features named by `GET /`; none when the server has no discovery."""
        try:
            envelope = await self.get("/")
        except (NotFoundError, ProtocolError):
            return frozenset()
        except InvalidRequestError as error:
            if error.status == 405:
                return frozenset()
            raise

        data = envelope.data if isinstance(envelope.data, dict) else {}
        features = data.get("features")
        if not isinstance(features, list):
            return frozenset()
        return frozenset(name for name in features if isinstance(name, str))

    async def _send(self, call: _Call, read: Callable[[Answer, str], T]) -> T:
        """`read` of the answer to `call`, after as many attempts as are safe."""
        repeatable = is_repeatable(call.method, call.idempotency_key)
        attempt = 1
        while True:
            try:
                answer = await self._attempt(call)
                return read(answer, call.endpoint)
            except ApiError as error:
                scrub(error, self._token)
                plan = self._retry.next_wait(error, attempt, repeatable)
                if plan is None:
                    raise
            seconds, reason = plan
            log.info(
                "%s: %s; try %d in %.1f s", call.endpoint, reason, attempt + 1, seconds
            )
            await self._wait(seconds, reason)
            attempt += 1

    async def _attempt(self, call: _Call) -> Answer:
        """One request and its whole body, within the overall deadline."""
        request = self._build(call)
        deadline = max(self._deadline, call.timeout or 0.0)
        started = time.perf_counter()
        outcome = "failed"
        try:
            async with asyncio.timeout(deadline):
                answer = await self._exchange(request, call.endpoint)
            outcome = str(answer.status)
            return answer
        except TimeoutError:
            outcome = "deadline"
            raise NetworkError(
                f"The server did not finish answering within {deadline:g} s",
                kind="deadline",
                endpoint=call.endpoint,
                title="Answer took too long",
            ) from None
        except httpx.HTTPError as error:
            read_timeout = call.timeout or self._http.timeout.read
            failure = transport_error(error, call.method, call.endpoint, read_timeout)
            outcome = getattr(failure, "kind", "protocol error")
            raise failure from None
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s -> %s in %d ms", call.method, call.path, outcome, elapsed)

    async def _exchange(self, request: httpx.Request, endpoint: str) -> Answer:
        """Send `request` and read its body under the size cap."""
        response = await self._http.send(request, stream=True)
        try:
            limits = RateLimit.from_headers(response.headers)
            self.last_rate_limit = limits or self.last_rate_limit
            if response.is_redirect:
                raise redirect_error(response, endpoint)
            body = await read_body(response, self._max_body)
        except BadBody as error:
            raise ProtocolError(
                f"The server's answer could not be used: {error}",
                status=response.status_code,
                endpoint=endpoint,
                request_id=response.headers.get("x-request-id"),
            ) from None
        finally:
            await response.aclose()
        return Answer(response.status_code, response.headers, body)

    def _build(self, call: _Call) -> httpx.Request:
        """The httpx request of `call`, addressed to the configured host only."""
        if not call.path.startswith("/") or call.path.startswith("//"):
            raise ValueError(f"API paths start with one '/', not {call.path[:40]!r}")
        headers = {}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token.reveal()}"
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        timeout = (
            httpx.Timeout(call.timeout, connect=CONNECT_TIMEOUT)
            if call.timeout is not None
            else httpx.USE_CLIENT_DEFAULT
        )

        return self._http.build_request(
            call.method,
            self.base_url + call.path,
            params=call.params,
            json=call.json,
            files=call.files,
            data=call.data,
            headers=headers,
            timeout=timeout,
        )

    async def _wait(self, seconds: float, reason: str) -> None:
        """Tell the UI how long and why, then sleep."""
        if self._on_wait is not None:
            told = self._on_wait(seconds, reason)
            if inspect.isawaitable(told):
                await told
        await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class _Call:
    """Everything needed to send one logical request, once or several times."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    files: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    idempotency_key: str | None = None
    timeout: float | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


def _raw_body(answer: Answer, endpoint: str) -> bytes:
    """The body of a successful non-envelope answer; the error of a failed one."""
    if answer.status >= 300:
        interpret(answer, endpoint)
    return answer.body
