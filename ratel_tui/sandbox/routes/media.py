"""Media uploads: `multipart/form-data` with a `file` of at most 10 MB."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from ratel_tui.sandbox.auth import Caller, Db, scoped
from ratel_tui.sandbox.clock import now_iso
from ratel_tui.sandbox.envelope import JsonResponse, Problem, invalid, not_found, ok
from ratel_tui.sandbox.ids import new_id
from ratel_tui.sandbox.routing import ApiRoute

router = APIRouter(prefix="/v2", tags=["media"], route_class=ApiRoute)

MAX_BYTES = 10 * 1024 * 1024
"""The contract's upload limit."""

KINDS = {"image": "image", "video": "video", "audio": "audio"}
OTHER_TYPES = {"application/pdf", "text/plain"}
"""Content types taken besides image/*, video/* and audio/*; they become `file`."""


def _kind(content_type: str) -> str:
    major = content_type.split("/", 1)[0]
    if major in KINDS:
        return KINDS[major]
    if content_type in OTHER_TYPES:
        return "file"
    raise invalid(
        f"Files of type {content_type!r} are not accepted; send an image, video, audio, "
        "PDF or plain text file",
        field="file",
    )


def _view(request: Request, row: object) -> dict[str, object]:
    get = row.__getitem__  # type: ignore[attr-defined]
    return {
        "id": get("id"),
        "url": str(request.url_for("media_file", media_id=get("id"))),
        "type": get("type"),
        "content_type": get("content_type"),
        "filename": get("filename"),
        "size": get("size"),
        "alt_text": get("alt_text"),
        "created_at": get("created_at"),
    }


@router.post("/media/upload", status_code=201)
async def upload(
    request: Request,
    db: Db,
    caller: Annotated[Caller, scoped("write:posts")],
    file: Annotated[UploadFile, File()],
    alt_text: Annotated[str, Form(max_length=1_000)] = "",
) -> JsonResponse:
    """Store an uploaded file and answer where it can be fetched."""
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Problem(
            "invalid_request",
            "The file is larger than 10 MB",
            status=413,
            details={"field": "file", "limit_bytes": MAX_BYTES},
        )
    if not data:
        raise invalid("The file is empty", field="file")
    content_type = (
        (file.content_type or "application/octet-stream").split(";")[0].strip().lower()
    )
    kind = _kind(content_type)
    filename = (file.filename or "upload")[-200:]

    media_id = new_id("media")
    with db.tx() as conn:
        conn.execute(
            "INSERT INTO media(id, owner_id, filename, content_type, type, size, alt_text, data,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                media_id,
                caller.user_id,
                filename,
                content_type,
                kind,
                len(data),
                alt_text,
                data,
                now_iso(),
            ),
        )
    row = db.one("SELECT * FROM media WHERE id = ?", (media_id,))
    return ok(request, _view(request, row), status=201)


@router.get("/media/{media_id}")
async def get_media(
    request: Request,
    db: Db,
    caller: Annotated[Caller, scoped("read:posts")],
    media_id: str,
) -> JsonResponse:
    """What is known of an uploaded file."""
    row = db.one(
        "SELECT id, type, content_type, filename, size, alt_text, created_at FROM media WHERE id = ?",
        (media_id,),
    )
    if row is None:
        raise not_found("media", media_id)
    return ok(request, _view(request, row))


@router.get("/media/{media_id}/file", name="media_file")
async def media_file(db: Db, media_id: str) -> Response:
    """Public: the bytes of an uploaded file, as a CDN would serve them."""
    row = db.one("SELECT content_type, data FROM media WHERE id = ?", (media_id,))
    if row is None:
        raise not_found("media", media_id)
    return Response(
        content=bytes(row["data"]),
        media_type=row["content_type"],
        headers={"X-Content-Type-Options": "nosniff", "Content-Disposition": "inline"},
    )
