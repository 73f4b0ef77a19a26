"""Uploaded media."""

from __future__ import annotations

from ratel_tui.api.models.base import Model, UtcDateTime


class Media(Model):
    """`POST /media/upload`: `{id, url, type, size, created_at}`."""

    id: str
    url: str
    type: str
    """Known: image, video, audio, file."""
    size: int | None = None
    created_at: UtcDateTime | None = None
    content_type: str | None = None
    filename: str | None = None
    alt_text: str | None = None
