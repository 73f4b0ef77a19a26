"""A deliberation's export: read from the server as CSV or JSON and written
to a file whole or not at all (shared by the CLI and the app)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ratel_tui.api import deliberations

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient

FORMATS = ("csv", "json")
"""The formats the server exports."""


class ExportError(Exception):
    """The export file could not be written; the message says why, in one line."""


async def fetch_export(client: ApiClient, deliberation_id: str, fmt: str) -> bytes:
    """The export as the file holds it: the server's CSV, or indented JSON."""
    if fmt == "csv":
        return await deliberations.export_csv(client, deliberation_id)

    export = await deliberations.export_json(client, deliberation_id)
    return (export.model_dump_json(indent=2) + "\n").encode()


def format_of(path: Path, default: str = "csv") -> str:
    """`json` for a `.json` file, `csv` for `.csv`, else `default`."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else default


def write_file(path: Path, data: bytes) -> None:
    """Write `data` whole or not at all: a temp file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
