"""How a value read from the server is written to the read cache and read back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ratel_tui.api.models import Page, PageMeta

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Codec(Generic[T]):
    """A pair of functions: to JSON for the cache, and back (may raise ValueError)."""

    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def model(kind: type[M]) -> Codec[M]:
    """One model."""
    return Codec(lambda value: value.model_dump(mode="json"), kind.model_validate)


def page(kind: type[M]) -> Codec[Page[M]]:
    """A page of models with its paging figures."""

    def encode(value: Page[M]) -> Any:
        return {
            "items": [item.model_dump(mode="json") for item in value.items],
            "meta": value.meta.model_dump(mode="json"),
        }

    def decode(data: Any) -> Page[M]:
        items = tuple(kind.model_validate(item) for item in data["items"])
        return Page(items, PageMeta.model_validate(data["meta"]))

    return Codec(encode, decode)


def models(kind: type[M]) -> Codec[tuple[M, ...]]:
    """A sequence of models."""
    return Codec(
        lambda value: [item.model_dump(mode="json") for item in value],
        lambda data: tuple(kind.model_validate(item) for item in data),
    )
