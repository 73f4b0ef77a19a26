"""`Session`: one signed-in profile, its API client and its read cache.

Screens read through `read()`, which returns what the server says and keeps
a copy; when the server cannot be reached it returns the copy instead,
marked with when it was fetched. Every call goes through `call()`, which
keeps the online/offline state, the rate-limit figures and any wait in
progress for the status bar, and tells listeners when they change.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ratel_tui.api import posts as posts_api
from ratel_tui.api import spaces as spaces_api
from ratel_tui.api import users as users_api
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ApiError, NetworkError, UnsupportedError
from ratel_tui.api.models import Post, Space, User
from ratel_tui.services import codecs
from ratel_tui.services.sender import Outcome, Sender, lane_of
from ratel_tui.store.feed import FeedItem
from ratel_tui.store.journal import Journal
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox, OutboxItem

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ratel_tui.api.envelope import RateLimit
    from ratel_tui.store.cache import ReadCache

T = TypeVar("T")
M = TypeVar("M", bound="BaseModel")


class WriteRefused(ApiError):
    """The server refused a write from the outbox for good (the reason is the
    message; it stays listed in the Outbox)."""

    title = "Refused"


FEED_PAGE = 50
"""Posts asked for per feed page."""

PREFETCH_FRESH_S = 10.0
"""How long the feed page read while signing in stands in for the first read."""

FEED_CACHE_ITEMS = 1_000
"""How many of a feed's newest posts the read cache keeps for offline reading."""


@dataclass(frozen=True, slots=True)
class Fetched(Generic[T]):
    """A value and where it came from."""

    value: T
    fetched_at: float
    """When the server gave it (epoch seconds)."""
    cached: bool = False
    """True when it came from the read cache because the server was out of reach."""


@dataclass(frozen=True, slots=True)
class Feed:
    """Which posts a feed shows."""

    kind: str = "all"
    """all, following or space."""
    space_id: str | None = None

    @property
    def key(self) -> str:
        """The name of this feed in the read cache and the saved positions."""
        return (
            f"feed:space:{self.space_id}"
            if self.kind == "space"
            else f"feed:{self.kind}"
        )


@dataclass(slots=True)
class FeedPage:
    """A page of a feed: the items, and the token of the next page (None: the end)."""

    items: list[FeedItem]
    next: str | int | None
    fetched_at: float
    cached: bool = False


@dataclass(slots=True)
class Status:
    """What the status bar shows about the connection."""

    online: bool | None = None
    """None until the first answer (or failure)."""
    rate_limit: RateLimit | None = None
    wait_until: float | None = None
    """When a rate-limit or retry wait in progress ends (monotonic seconds)."""
    wait_reason: str = ""
    outbox: int = 0
    """Writes waiting in the outbox."""
    listeners: list[Callable[[], None]] = field(default_factory=list)


class Session:
    """A signed-in profile: who, where, and the client and cache to use."""

    def __init__(
        self,
        *,
        profile: str,
        base_url: str,
        token: str,
        cache: ReadCache,
        client: ApiClient | None = None,
        local: LocalStore | None = None,
    ) -> None:
        self.profile = profile
        self.cache = cache
        self.status = Status()
        self.client = client or ApiClient(base_url, token, on_wait=self._on_wait)
        self.local = local or LocalStore(None)
        """The draft journal and outbox file of this profile."""
        self.journal = Journal(self.local)
        self.outbox = Outbox(self.local)
        self.sender = Sender(self.outbox, self.client, call=self.call)
        self.sender.listeners.append(self._sent)
        self.me: User | None = None
        self.features: frozenset[str] = frozenset()
        self.space_names: dict[str, str] = {}
        self._feeds: dict[str, list[FeedItem]] = {}
        self._prefetched: dict[str, FeedPage] = {}

    def __repr__(self) -> str:
        return f"Session(profile={self.profile!r}, server={self.display_host!r})"

    @property
    def display_host(self) -> str:
        return self.client.display_host

    @property
    def base_url(self) -> str:
        return self.client.base_url

    def supports(self, feature: str) -> bool:
        """Whether the server has the [ext] group `feature` (known after `open()`)."""
        return feature in self.features

    async def open(self) -> User:
        """Check the key and learn the server: who I am, which extensions it has.

        Offline with a cached profile, the session opens on the cache; an
        auth error is raised as is (the key is wrong or revoked).
        """
        # All at once: round trips saved on every start. The first page of
        # the feed the app opens on comes along, kept for its first read.
        me, features, _ = await asyncio.gather(
            self.read("me", users_api.me, codecs.model(User)),
            self.call(lambda client: client.features()),
            self._prefetch(Feed()),
            return_exceptions=True,
        )
        if isinstance(me, BaseException):
            raise me
        self.me = me.value
        if not me.cached and not isinstance(features, BaseException):
            # A cache is one account's: another key or server starts it afresh.
            identity = [self.base_url, me.value.id]
            previous = self.cache.get("identity")
            if previous is not None and previous.body != identity:
                self.cache.clear()
                self.cache.put("me", codecs.model(User).encode(me.value))
            self.cache.put("identity", identity)
            self.features = features
            self.cache.put("features", sorted(features))
        else:
            found = self.cache.get("features")
            self.features = frozenset(found.body) if found else frozenset()
        return self.me

    async def close(self) -> None:
        await self.client.aclose()
        self.cache.close()
        self.local.close()

    # Writes: every one through the outbox

    def write(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        summary: str,
        draft_id: str | None = None,
    ) -> OutboxItem:
        """Store a write in the outbox and wake the sender; the stored item.

        Raises StoreError when it cannot be stored (the caller keeps the text)."""
        item = self.outbox.add(
            action,
            payload,
            summary=summary,
            draft_id=draft_id,
            lane=lane_of(action, payload),
        )
        self.count_outbox()
        self.sender.poke()
        return item

    async def send(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        summary: str,
        draft_id: str | None = None,
        wait: float = 10.0,
    ) -> Outcome | None:
        """`write`, then wait up to `wait` seconds for the answer; None while
        it still waits (offline: it goes out when the server is back)."""
        item = self.write(action, payload, summary=summary, draft_id=draft_id)
        return await self.sender.outcome(item.seq, wait)

    async def perform(
        self,
        action: str,
        payload: dict[str, Any],
        *,
        summary: str,
        model: type[M],
        wait: float = 10.0,
    ) -> M | None:
        """`send` a write whose answer the screen shows: the answer as `model`,
        or None while it waits in the outbox. Raises WriteRefused when the
        server said no (the outbox keeps the reason) and StoreError when it
        could not be stored."""
        outcome = await self.send(action, payload, summary=summary, wait=wait)
        if outcome is None:
            return None
        if outcome.state == "refused":
            raise WriteRefused(outcome.reason)
        return model.model_validate(outcome.result)

    def count_outbox(self) -> None:
        """Count the waiting writes again for the status bar."""
        self.status.outbox = self.outbox.pending_count()
        self._changed()

    def _sent(self, outcome: Outcome) -> None:
        self.count_outbox()

    # Calls and reads

    async def call(self, fetch: Callable[[ApiClient], Awaitable[T]]) -> T:
        """Run one request (or a few) and keep the connection state."""
        try:
            value = await fetch(self.client)
        except NetworkError:
            self._set_online(False)
            raise
        except ApiError as exc:
            if exc.status is not None:
                self._set_online(True)
            raise
        else:
            self._set_online(True)
            return value
        finally:
            self.status.rate_limit = self.client.last_rate_limit
            self._changed()

    async def read(
        self,
        key: str,
        fetch: Callable[[ApiClient], Awaitable[T]],
        codec: codecs.Codec[T],
    ) -> Fetched[T]:
        """`fetch` from the server and keep a copy under `key`; out of reach,
        the copy (or the error, when there is none)."""
        try:
            value = await self.call(fetch)
        except NetworkError:
            found = self.cache.get(key)
            if found is None:
                raise
            try:
                return Fetched(codec.decode(found.body), found.fetched_at, cached=True)
            except (ValueError, KeyError, TypeError):
                raise NetworkError(
                    "The server cannot be reached and the saved copy is unreadable"
                ) from None
        moment = time.time()
        self.cache.put(key, codec.encode(value), moment)
        return Fetched(value, moment)

    # The feed

    async def _prefetch(self, feed: Feed) -> None:
        page = await self.feed_page(feed)
        if not page.cached:
            self._prefetched[feed.key] = page

    async def feed_page(self, feed: Feed, token: str | int | None = None) -> FeedPage:
        """The first page of `feed` (token None) or the one `token` names."""
        if token is None:
            early = self._prefetched.pop(feed.key, None)
            if early is not None and time.time() - early.fetched_at < PREFETCH_FRESH_S:
                return early
        params: dict[str, Any] = {"per_page": FEED_PAGE}
        if feed.kind == "space":
            params["space_id"] = feed.space_id
        elif feed.kind == "following":
            params["following"] = True
        if isinstance(token, str):
            params["cursor"] = token
        elif isinstance(token, int):
            params["page"] = token
        try:
            page = await self.call(
                lambda client: posts_api.list_posts(client, **params)
            )
        except NetworkError:
            if token is not None:
                raise
            return self._cached_feed(feed)
        items = [FeedItem.from_post(post) for post in page.items]
        if page.meta.next_cursor:
            after: str | int | None = page.meta.next_cursor
        elif page.has_more:
            after = (page.meta.page or 1) + 1
        else:
            after = None
        self._remember_feed(feed, items, first=token is None)
        return FeedPage(items, after, time.time())

    def _remember_feed(self, feed: Feed, items: list[FeedItem], *, first: bool) -> None:
        held = self._feeds.setdefault(feed.key, [])
        if first:
            held.clear()
        if len(held) >= FEED_CACHE_ITEMS:
            return
        held.extend(items[: FEED_CACHE_ITEMS - len(held)])
        self.cache.put(feed.key, [item.to_json() for item in held])

    def _cached_feed(self, feed: Feed) -> FeedPage:
        found = self.cache.get(feed.key)
        if found is None:
            raise NetworkError(
                "The server cannot be reached and this feed was never read here"
            )
        items = []
        for row in found.body:
            try:
                items.append(FeedItem.from_json(row))
            except (ValueError, TypeError):
                continue
        return FeedPage(items, None, found.fetched_at, cached=True)

    async def load_space_names(self) -> dict[str, str]:
        """The names of the Spaces I can see, for feeds (cached; best effort)."""
        from ratel_tui.text import clean_line

        async def every_space(client: ApiClient) -> tuple[Space, ...]:
            found: list[Space] = []
            page = 1
            while True:
                answer = await spaces_api.list_spaces(client, page=page, per_page=100)
                found.extend(answer.items)
                if not answer.has_more or page >= 20:
                    return tuple(found)
                page += 1

        try:
            spaces = await self.read("spaces:names", every_space, codecs.models(Space))
        except (NetworkError, UnsupportedError):
            return self.space_names
        self.space_names = {
            space.id: clean_line(space.name, max_chars=60) for space in spaces.value
        }
        return self.space_names

    async def post(self, post_id: str) -> Fetched[Post]:
        """One post, full."""
        return await self.read(
            f"post:{post_id}",
            lambda client: posts_api.get_post(client, post_id),
            codecs.model(Post),
        )

    # Status

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener` (no arguments) whenever the status changes."""
        self.status.listeners.append(listener)

    def _set_online(self, online: bool) -> None:
        self.status.online = online

    def _changed(self) -> None:
        for listener in list(self.status.listeners):
            listener()

    async def _on_wait(self, seconds: float, reason: str) -> None:
        self.status.wait_until = time.monotonic() + seconds
        self.status.wait_reason = reason
        self._changed()
