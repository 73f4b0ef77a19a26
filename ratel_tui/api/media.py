"""Media uploads: `multipart/form-data` with a `file` of at most 10 MB."""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ratel_tui.api.errors import InvalidRequestError
from ratel_tui.api.models.base import parse_data
from ratel_tui.api.models.media import Media

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""The contract's upload limit, checked before anything is sent."""

UPLOAD_TIMEOUT = 120.0
"""Seconds an upload may take: 10 MB over a 1 Mbit/s link needs about 84."""

ProgressCallback = Callable[[int, int], None]
"""Told (bytes sent so far, total bytes) as the file goes out."""

ENDPOINT = "POST /media/upload"


class _ProgressReader(io.BytesIO):
    """The file's bytes, reporting how far httpx has read them.

    httpx rewinds a file before each attempt, so a retried upload starts its
    progress again from zero.
    """

    def __init__(self, data: bytes, on_progress: ProgressCallback) -> None:
        super().__init__(data)
        self._total = len(data)
        self._on_progress = on_progress

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self._on_progress(self.tell(), self._total)
        return chunk


def _refuse(message: str, size: int | None) -> InvalidRequestError:
    details = {"field": "file", "limit_bytes": MAX_UPLOAD_BYTES}
    if size is not None:
        details["size_bytes"] = size
    return InvalidRequestError(message, details=details, endpoint=ENDPOINT)


def _read(source: Path | bytes) -> bytes:
    """The bytes to upload; an empty or oversized file is refused before any
    request, and a file on disk is never read past the limit."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            with source.open("rb") as handle:
                data = handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise _refuse(f"Cannot read {source.name}: {exc.strerror}", None) from None
    if len(data) > MAX_UPLOAD_BYTES:
        size = len(data) if isinstance(source, bytes) else source.stat().st_size
        raise _refuse(
            f"The file is {size / 1_048_576:.1f} MB; uploads are limited to 10 MB",
            size,
        )
    if not data:
        raise _refuse("The file is empty", 0)
    return data


async def upload(
    client: ApiClient,
    source: Path | bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    alt_text: str | None = None,
    on_progress: ProgressCallback | None = None,
    idempotency_key: str | None = None,
) -> Media:
    """POST /media/upload: a file from disk or bytes in memory.

    `filename` defaults to the path's name, `content_type` to a guess from
    the filename. A file over 10 MB raises `InvalidRequestError` before
    any request. `on_progress(sent, total)` follows the upload.
    """
    data = _read(source)
    if filename is None:
        filename = source.name if isinstance(source, Path) else "upload"
    if content_type is None:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    file = data if on_progress is None else _ProgressReader(data, on_progress)
    form = {"alt_text": alt_text} if alt_text else None

    envelope = await client.post(
        "/media/upload",
        files={"file": (filename, file, content_type)},
        data=form,
        idempotency_key=idempotency_key,
        timeout=UPLOAD_TIMEOUT,
    )
    return parse_data(Media, envelope, ENDPOINT)
