"""What every screen of the app shares: the session, reading in the background,
and showing a failure as one line."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.dom import DOMNode

if TYPE_CHECKING:
    from ratel_tui.services.session import Fetched, Session

M = TypeVar("M")


class Navigator(Protocol):
    """What screens may ask of the app (RatelApp implements it)."""

    session: Session

    def open_post(self, post_id: str) -> None: ...
    def open_user(self, user_id: str) -> None: ...
    def open_space(self, space_id: str) -> None: ...
    def report_error(self, error: BaseException, doing: str) -> None: ...


def nav(node: DOMNode) -> Navigator:
    """The app of `node`, as the screens see it."""
    app: Any = node.app
    return app


def session_of(node: DOMNode) -> Session:
    """The signed-in session of `node`'s app."""
    return nav(node).session


def error_line(error: BaseException) -> str:
    """A failure in one line, fit for a toast or a status line (no traceback).

    API errors carry the server's words (cleaned) and the request id;
    anything else is named by its type.
    """
    from ratel_tui.api.errors import ApiError
    from ratel_tui.text import clean_line

    if isinstance(error, ApiError):
        return clean_line(f"{error.title}: {error}", max_chars=300)
    return clean_line(f"{type(error).__name__}: {error}", max_chars=300)


def freshness(fetched: Fetched[Any], now: float | None = None) -> str:
    """ "" for a fresh read, else "offline: saved 3h ago" for a cached one."""
    if not fetched.cached:
        return ""
    from ratel_tui.widgets.age import age

    moment = time.time() if now is None else now
    return f"offline: saved {age(fetched.fetched_at, moment)} ago"


async def perform_or_say(
    node: DOMNode,
    action: str,
    payload: dict[str, Any],
    *,
    summary: str,
    model: type[M],
    doing: str,
    kept: str = "it is sent when the server is back",
) -> M | None:
    """`Session.perform` for a screen: the server's answer as `model`, or None
    after saying why there is none (refused or unstored: reported as `doing`;
    waiting in the outbox: "Kept in the outbox: {kept}.")."""
    from ratel_tui.api.errors import ApiError
    from ratel_tui.store.local import StoreError

    try:
        answer = await session_of(node).perform(
            action, payload, summary=summary, model=model
        )
    except (ApiError, StoreError) as exc:
        nav(node).report_error(exc, doing)
        return None
    if answer is None:
        node.notify(f"Kept in the outbox: {kept}.")
    return answer
