"""Media uploads and webhooks over loopback, against the shared sandbox (these
tests only add uploads and webhooks of their own)."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ratel_tui.api import media, webhooks
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import InvalidRequestError
from ratel_tui.sandbox.server import SandboxServer

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
"""A small payload that starts like a PNG file."""


@pytest.fixture
async def ada(sandbox: SandboxServer) -> AsyncIterator[ApiClient]:
    """Ada, signed in to the shared sandbox."""
    async with ApiClient(sandbox.url, sandbox.key_for("ada")) as client:
        yield client


# --- Media -------------------------------------------------------------------


async def test_upload_bytes_answers_the_stored_media(ada: ApiClient) -> None:
    progress: list[tuple[int, int]] = []

    stored = await media.upload(
        ada,
        PNG,
        filename="map.png",
        content_type="image/png",
        alt_text="A map",
        on_progress=lambda sent, total: progress.append((sent, total)),
    )

    assert stored.id.startswith("media_") and stored.type == "image"
    assert (stored.size, stored.content_type, stored.alt_text) == (
        len(PNG),
        "image/png",
        "A map",
    )
    assert progress and progress[-1] == (len(PNG), len(PNG))
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(stored.url)
    assert fetched.content == PNG


async def test_upload_from_a_path_guesses_the_content_type(
    ada: ApiClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Minutes of the meeting")

    stored = await media.upload(ada, path)

    assert (stored.filename, stored.content_type, stored.type) == (
        "notes.txt",
        "text/plain",
        "file",
    )


def _refusing_client(calls: list[httpx.Request]) -> ApiClient:
    """A client whose every request is recorded and fails the test."""

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    return ApiClient(
        "http://127.0.0.1:9/v2", "t", transport=httpx.MockTransport(refuse)
    )


@pytest.mark.parametrize("size", [10 * 1024 * 1024 + 1, 0])
async def test_an_oversized_or_empty_upload_is_refused_before_any_request(
    size: int,
) -> None:
    calls: list[httpx.Request] = []

    async with _refusing_client(calls) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await media.upload(client, bytes(size), content_type="image/png")

    assert calls == []
    assert caught.value.details["limit_bytes"] == 10 * 1024 * 1024
    assert "10 MB" in caught.value.message or "empty" in caught.value.message


async def test_an_oversized_file_on_disk_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "film.mp4"
    with path.open("wb") as handle:
        handle.truncate(12 * 1024 * 1024)
    calls: list[httpx.Request] = []

    async with _refusing_client(calls) as client:
        with pytest.raises(InvalidRequestError, match=r"12\.0 MB"):
            await media.upload(client, path)

    assert calls == []


# --- Webhooks ----------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    """Keeps every delivery it is sent."""

    deliveries: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        length = int(self.headers["Content-Length"])
        self.deliveries.append((dict(self.headers), self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A loopback HTTP server taking webhook deliveries: its URL and its inbox."""
    inbox: list[tuple[dict[str, str], bytes]] = []
    handler = type("Receiver", (_Receiver,), {"deliveries": inbox})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", inbox
    server.shutdown()
    server.server_close()


async def test_a_webhook_is_created_listed_tested_and_deleted(
    ada: ApiClient, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, inbox = receiver

    hook = await webhooks.create_webhook(ada, url, ["post.created", "space.joined"])
    listed = await webhooks.list_webhooks(ada)
    result = await webhooks.test_webhook(ada, hook.id)
    await webhooks.delete_webhook(ada, hook.id)
    after = await webhooks.list_webhooks(ada)

    assert hook.secret and hook.events == ("post.created", "space.joined")
    assert [h.secret for h in listed.items if h.id == hook.id] == [None]
    assert result.delivered and result.status_code == 204
    headers, payload = inbox[0]
    signature = hmac.new(hook.secret.encode(), payload, hashlib.sha256).hexdigest()
    assert headers["X-Ratel-Signature"] == signature
    assert hook.id not in {h.id for h in after.items}


async def test_a_webhook_test_off_loopback_says_why_nothing_was_sent(
    ada: ApiClient,
) -> None:
    hook = await webhooks.create_webhook(
        ada, "https://hooks.example.org/ratel", ["post.created"]
    )

    result = await webhooks.test_webhook(ada, hook.id)

    assert not result.delivered and result.error
