"""The token appears in no log line, repr, exception or note, whatever goes wrong."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ApiError, InvalidRequestError
from ratel_tui.api.redaction import REDACTED, Secret, redact
from ratel_tui.sandbox.server import SandboxServer
from tests.api.misbehaving import (
    QUICK_RETRIES,
    MisbehavingServer,
    Received,
    Reply,
    envelope,
    failure,
    html,
)

TOKEN = "ratel_sk_test_RedactionSecret0123456789abcdef"
"""The key given to the misbehaving server: it must never be seen again."""


@pytest.fixture
def hostile() -> Iterator[MisbehavingServer]:
    """A misbehaving server with every route of the hostile session."""
    with MisbehavingServer() as server:
        hostile_routes(server)
        yield server


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """Every record of every logger at DEBUG, written to a real file."""
    path = tmp_path / "session.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()


def echo_token(request: Received, _attempt: int) -> Reply:
    """A 400 that repeats the caller's Authorization header everywhere it can."""
    header = request.headers.get("authorization", "")
    payload = {
        "success": False,
        "error": {
            "code": "invalid_request",
            "message": f"bad key {header}",
            "details": {"got": header, header: [header]},
        },
        "meta": {"request_id": f"req_{header}"},
    }
    return Reply(400, json.dumps(payload).encode())


def hostile_routes(server: MisbehavingServer) -> None:
    limited = failure("rate_limited", "slow", 429)
    limited.headers["Retry-After"] = "0"
    server.route("/html", html(502))
    server.route("/limited", lambda _r, n: limited if n == 1 else envelope([]))
    server.route("/redirect", Reply(302, b"", None, {"Location": "http://e.test/"}))
    server.route("/drip", Reply(200, b" " * 50, drip=0.2))
    server.route("/dropped", Reply(200, b"{", content_length=99))
    server.route("/nan", Reply(200, b'{"success": true, "data": NaN}'))
    server.route("/echo", echo_token)


async def collect(errors: list[BaseException], call: Awaitable[Any]) -> None:
    """Await `call`, keeping the error it raises."""
    try:
        await call
    except Exception as error:  # noqa: BLE001 - every kind is checked for leaks
        errors.append(error)


def texts_of(error: BaseException) -> list[str]:
    """Every text an error can show: str, repr, args, notes, the full traceback."""
    notes = getattr(error, "__notes__", [])
    shown = [str(error), repr(error), *map(repr, error.args), *notes]
    shown.append("".join(traceback.format_exception(error)))
    if isinstance(error, InvalidRequestError):
        shown.append(repr(error.details))
    return shown


async def hostile_session(
    server: MisbehavingServer, errors: list[BaseException]
) -> ApiClient:
    client = ApiClient(server.url, TOKEN, retry=QUICK_RETRIES, deadline=0.6)
    for path in ("/html", "/limited", "/redirect", "/drip", "/dropped", "/nan"):
        await collect(errors, client.get(path))
    await collect(errors, client.post("/echo", json={"content": "x"}))
    await collect(errors, client.patch("/html", json={}))
    await client.aclose()
    return client


async def sandbox_session(
    sandbox: SandboxServer,
    make_sandbox: Callable[..., SandboxServer],
    errors: list[BaseException],
) -> list[ApiClient]:
    clients = [
        ApiClient(sandbox.url, sandbox.key_for("ada")),
        ApiClient(sandbox.url, sandbox.key_for("ada", read_only=True)),
    ]
    full, read_only = clients
    await full.get("/users/me")
    _ = [post async for post in full.pages("/posts", limit=150)]
    await collect(errors, full.get("/posts/post_nope"))
    await collect(errors, full.request("PUT", "/posts"))
    await collect(errors, read_only.post("/posts", json={"content": "no"}))

    flaky = make_sandbox(fail_rate=0.5, fault_seed=5)
    clients.append(ApiClient(flaky.url, flaky.key_for("ada"), retry=QUICK_RETRIES))
    for _ in range(20):
        await collect(errors, clients[-1].get("/posts", params={"per_page": 5}))
    for client in clients:
        await client.aclose()
    return clients


async def test_a_whole_session_with_errors_and_retries_leaks_no_token(
    hostile: MisbehavingServer,
    sandbox: SandboxServer,
    make_sandbox: Callable[..., SandboxServer],
    caplog: pytest.LogCaptureFixture,
    log_file: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    clients = [await hostile_session(hostile, errors)]
    clients += await sandbox_session(sandbox, make_sandbox, errors)

    secrets = [TOKEN, *(demo.key for demo in sandbox.keys)]
    logged = [record.getMessage() for record in caplog.records]
    logged += [caplog.text, log_file.read_text(encoding="utf-8")]
    shown = [repr(client) for client in clients]
    shown += [text for error in errors for text in texts_of(error)]
    assert len(errors) >= 12 and all(isinstance(e, ApiError) for e in errors)
    assert any(" -> 502 in " in line for line in logged)
    assert "ratel_sk_" not in log_file.read_text(encoding="utf-8")
    assert not [text for text in logged + shown if any(s in text for s in secrets)]


async def test_a_token_echoed_by_the_server_is_redacted_from_the_error(
    hostile: MisbehavingServer,
) -> None:
    async with ApiClient(hostile.url, "a-token-of-another-shape-123456") as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.post("/echo", json={})

    error = caught.value
    assert error.message == f"bad key Bearer {REDACTED}"
    assert error.request_id == f"req_Bearer {REDACTED}"
    assert error.details == {
        "got": f"Bearer {REDACTED}",
        f"Bearer {REDACTED}": [f"Bearer {REDACTED}"],
    }
    assert "another-shape" not in "".join(texts_of(error))


def test_the_client_repr_shows_at_most_the_last_four_characters() -> None:
    client = ApiClient("https://api.example.com/v2", TOKEN)

    assert repr(client) == "ApiClient('https://api.example.com/v2', token='…cdef')"
    assert TOKEN[:-4] not in repr(vars(client))


def test_a_short_token_shows_nothing_of_itself() -> None:
    secret = Secret("ratel_sk_1")

    assert repr(secret) == str(secret) == "<token …>"
    assert secret.reveal() == "ratel_sk_1"


def test_anything_shaped_like_a_ratel_credential_is_redacted() -> None:
    text = "keys ratel_sk_live_abcDEF123 and ratel_at_x-y_z, not ratel_tui"

    assert redact(text) == f"keys {REDACTED} and {REDACTED}, not ratel_tui"
    assert redact({"k": ("ratel_rt_1",)}) == {"k": (REDACTED,)}
