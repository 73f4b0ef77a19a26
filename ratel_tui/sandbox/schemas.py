"""The base of every request body model: unknown fields are a 400."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """A JSON request body; a field the contract does not name is refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)
