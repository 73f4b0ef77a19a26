"""Against a server of Part A alone: every [ext] function says "not supported"
before sending anything, and the Part A functions keep working."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ratel_tui.api import (
    deliberations,
    media,
    moderation,
    oracle,
    posts,
    spaces,
    users,
)
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import UnsupportedError
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import start_sandbox

Call = Callable[[ApiClient], Awaitable[Any]]


async def _first_scheduled(client: ApiClient) -> Any:
    """Start walking the scheduled posts (a generator checks on first step)."""
    return [post async for post in posts.iter_posts(client, status="scheduled")]


SOON = datetime.now(UTC) + timedelta(days=1)

EXT_CALLS: dict[str, tuple[str, Call]] = {
    "follow": ("follows", lambda c: users.follow(c, "bruno")),
    "unfollow": ("follows", lambda c: users.unfollow(c, "bruno")),
    "followers": ("follows", lambda c: users.followers(c, "bruno")),
    "following": ("follows", lambda c: users.following(c, "bruno")),
    "activity": ("follows", lambda c: users.activity(c, "bruno")),
    "get_preferences": ("preferences", users.get_preferences),
    "update_preferences": (
        "preferences",
        lambda c: users.update_preferences(c, language="fr"),
    ),
    "list_drafts": ("post_drafts", lambda c: posts.list_posts(c, status="draft")),
    "following_feed": ("follows", lambda c: posts.list_posts(c, following=True)),
    "iter_scheduled": ("post_drafts", _first_scheduled),
    "create_titled": ("post_drafts", lambda c: posts.create_post(c, "x", title="T")),
    "create_draft": (
        "post_drafts",
        lambda c: posts.create_post(c, "x", status="draft"),
    ),
    "create_scheduled": (
        "post_drafts",
        lambda c: posts.create_post(c, "x", status="scheduled", scheduled_at=SOON),
    ),
    "publish_draft": (
        "post_drafts",
        lambda c: posts.update_post(c, "post_x", status="published"),
    ),
    "members": ("space_members", lambda c: spaces.members(c, "civic-tech")),
    "change_role": (
        "space_members",
        lambda c: spaces.change_role(c, "civic-tech", "bruno", "moderator"),
    ),
    "advance": ("deliberations_full", lambda c: deliberations.advance(c, "delib_x")),
    "discussion": (
        "deliberations_full",
        lambda c: deliberations.list_comments(c, "delib_x"),
    ),
    "discuss": (
        "deliberations_full",
        lambda c: deliberations.create_comment(c, "delib_x", "Hello"),
    ),
    "export_json": (
        "deliberations_full",
        lambda c: deliberations.export_json(c, "delib_x"),
    ),
    "export_csv": (
        "deliberations_full",
        lambda c: deliberations.export_csv(c, "delib_x"),
    ),
    "separate_post_survey": (
        "deliberations_full",
        lambda c: deliberations.create_deliberation(
            c,
            "civic-tech",
            "T",
            [{"text": "Q?", "type": "likert"}],
            1,
            post_survey=[{"text": "Q?", "type": "likert"}],
        ),
    ),
    "reviewable": (
        "oracle_full",
        lambda c: oracle.list_verifications(c, reviewable=True),
    ),
    "report_post": ("moderation", lambda c: moderation.report_post(c, "p", "spam")),
    "report_comment": (
        "moderation",
        lambda c: moderation.report_comment(c, "c", "spam"),
    ),
    "queue": ("moderation", lambda c: moderation.queue(c, "civic-tech")),
    "decide": ("moderation", lambda c: moderation.decide(c, "mod_x", "remove")),
    "ban": ("moderation", lambda c: moderation.ban(c, "civic-tech", "bruno")),
    "unban": ("moderation", lambda c: moderation.unban(c, "civic-tech", "bruno")),
    "bans": ("moderation", lambda c: moderation.bans(c, "civic-tech")),
    "log": ("moderation", lambda c: moderation.log(c, "civic-tech")),
}
"""Every [ext] use of the service layer, with the feature it needs."""


@pytest.fixture(scope="module")
def part_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox serving Part A only, as `make_sandbox(features=frozenset())`
    would, shared by the module because none of these tests change it much."""
    path = tmp_path_factory.mktemp("part-a") / "world.db"
    server = start_sandbox(path, features=frozenset())
    yield server
    server.stop()


@pytest.fixture
async def ada(part_a: SandboxServer) -> AsyncIterator[ApiClient]:
    """Ada, signed in to the Part A server."""
    async with ApiClient(part_a.url, part_a.key_for("ada")) as client:
        yield client


@pytest.mark.parametrize("name", sorted(EXT_CALLS))
async def test_an_ext_function_says_the_server_does_not_support_it(
    ada: ApiClient, name: str
) -> None:
    feature, call = EXT_CALLS[name]

    with pytest.raises(UnsupportedError) as caught:
        await call(ada)

    assert caught.value.feature == feature
    assert caught.value.message.startswith("this server does not support ")


async def test_posts_of_a_part_a_server_parse_without_ext_fields(
    ada: ApiClient,
) -> None:
    page = await posts.list_posts(ada, per_page=5)
    published = await posts.list_posts(ada, status="published", per_page=5)

    assert page.items and page.meta.next_cursor is None
    assert {(p.title, p.status) for p in page.items} == {(None, "published")}
    assert published.items == page.items


async def test_iter_posts_walks_a_part_a_server_by_page_number(
    ada: ApiClient,
) -> None:
    seen = [post async for post in posts.iter_posts(ada, per_page=20, limit=45)]

    assert len({p.id for p in seen}) == 45


async def test_part_a_writes_still_work(ada: ApiClient) -> None:
    picture = await media.upload(
        ada, b"\x89PNG\r\n\x1a\n" + bytes(64), filename="a.png"
    )
    post = await posts.create_post(ada, "Plain and simple", media=[picture])
    comment = await posts.create_comment(ada, post.id, "And a comment")
    space = await spaces.get_space(ada, "civic-tech")

    assert post.status == "published" and post.media[0].url == picture.url
    assert comment.post_id == post.id
    assert space.slug == "civic-tech"


async def test_part_a_reads_of_every_group_still_work(ada: ApiClient) -> None:
    me = await users.me(ada)
    verifications = await oracle.list_verifications(ada, status="approved")
    completed = await deliberations.list_deliberations(ada, status="completed")
    results = await deliberations.results(ada, completed.items[0].id)

    assert me.username == "ada" and me.followed_by_me is None
    assert {v.status for v in verifications.items} == {"approved"}
    assert results.final
