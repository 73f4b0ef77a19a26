"""What every model shares: the base class, UTC times, pages and `parse()`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar, overload
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, TypeAdapter, ValidationError

from ratel_tui.api.errors import InvalidRequestError, ProtocolError

if TYPE_CHECKING:
    from ratel_tui.api.envelope import Envelope

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

WIRE_TIME = "%Y-%m-%dT%H:%M:%SZ"
"""How the contract writes a time: ISO 8601 in UTC with a `Z`."""


class Model(BaseModel):
    """Base of every model: unknown fields ignored, instances immutable.

    `defer_build` leaves the validator unbuilt until the first parse, so
    importing a model module costs a fraction of building every schema.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


def _as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a time without a zone is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A time of the wire (`2025-05-15T10:30:00Z`, any offset) as an aware UTC datetime."""


class UserBrief(Model):
    """The short form of a user inside other resources: `{id, username, display_name}`."""

    id: str
    username: str
    display_name: str = ""


class PageMeta(Model):
    """Paging figures of a list answer; `next_cursor` [ext] when the server pages by cursor."""

    page: int | None = None
    per_page: int | None = None
    total: int | None = None
    total_pages: int | None = None
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and the paging figures."""

    items: tuple[T, ...]
    meta: PageMeta

    @property
    def has_more(self) -> bool:
        """Whether another page follows, by cursor or by page number."""
        meta = self.meta
        if meta.next_cursor:
            return True
        if meta.page is None or meta.total_pages is None:
            return False
        return meta.page < meta.total_pages


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}
"""Validators built so far, by the type they validate: building one costs."""


def adapter(target: Any) -> TypeAdapter[Any]:
    """The (cached) validator of a type that is not a model class (a union)."""
    found = _ADAPTERS.get(target)
    if found is None:
        found = _ADAPTERS[target] = TypeAdapter(target)
    return found


def list_of(item_type: Any) -> TypeAdapter[Any]:
    """The (cached) validator of a JSON list of `item_type` (a model or a union)."""
    return adapter(tuple[item_type, ...])


@overload
def parse(
    target: type[M], data: Any, endpoint: str, *, request_id: str | None = None
) -> M: ...
@overload
def parse(
    target: TypeAdapter[T], data: Any, endpoint: str, *, request_id: str | None = None
) -> T: ...
def parse(
    target: type[BaseModel] | TypeAdapter[Any],
    data: Any,
    endpoint: str,
    *,
    request_id: str | None = None,
) -> Any:
    """Validate `data` against a model or adapter.

    A body that does not fit becomes a `ProtocolError` naming the endpoint
    and the first failing field, e.g. "GET /posts/{post_id}:
    author.username: Field required".
    """
    try:
        if isinstance(target, TypeAdapter):
            return target.validate_python(data)
        return target.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "data"
        raise ProtocolError(
            f"{endpoint}: {where}: {first['msg']}",
            endpoint=endpoint,
            request_id=request_id,
            title="Unexpected answer from server",
        ) from None


@overload
def parse_data(target: type[M], envelope: Envelope, endpoint: str) -> M: ...
@overload
def parse_data(target: TypeAdapter[T], envelope: Envelope, endpoint: str) -> T: ...
def parse_data(target: Any, envelope: Envelope, endpoint: str) -> Any:
    """`parse()` of an envelope's `data`, keeping its request id for the error."""
    return parse(target, envelope.data, endpoint, request_id=envelope.request_id)


def parse_page(item_type: type[T], envelope: Envelope, endpoint: str) -> Page[T]:
    """A list answer as a `Page`: its `data` items and its `meta` paging."""
    items: tuple[T, ...] = parse_data(list_of(item_type), envelope, endpoint)
    return Page(items, parse_meta(envelope, endpoint))


def parse_meta(envelope: Envelope, endpoint: str) -> PageMeta:
    """The paging figures in an envelope's `meta`."""
    return parse(PageMeta, envelope.meta, endpoint, request_id=envelope.request_id)


def segment(ident: str) -> str:
    """An id as one path segment, percent-encoded so that no id (`../me`,
    `a?b`, `x#y`) can reach another endpoint."""
    if not ident:
        raise InvalidRequestError("An id cannot be empty", details={"field": "id"})
    quoted = quote(ident, safe="")
    # `.` and `..` are dot segments that URL normalisation would remove.
    return quoted.replace(".", "%2E") if not quoted.strip(".") else quoted


def query(**params: Any) -> dict[str, Any]:
    """Query parameters without the ones left out (None); booleans as `true`/`false`."""
    return {
        name: ("true" if value else "false") if isinstance(value, bool) else value
        for name, value in params.items()
        if value is not None
    }


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body of the fields given (not None); times in the wire format."""
    return {
        name: wire_time(value, name) if isinstance(value, datetime) else value
        for name, value in fields.items()
        if value is not None
    }


def wire_time(moment: datetime, field: str = "time") -> str:
    """`moment` as the contract writes times; a time without a zone is refused."""
    if moment.tzinfo is None:
        raise InvalidRequestError(
            f"{field} needs a time zone (a naive time could be any hour)",
            details={"field": field},
        )
    return moment.astimezone(UTC).strftime(WIRE_TIME)
