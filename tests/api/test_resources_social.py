"""Users, posts and comments over loopback, against a sandbox of their own."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ratel_tui.api import media, posts, users
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import InvalidRequestError, NotFoundError
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import start_sandbox

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
"""A small payload that starts like a PNG file."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox of this module's own, since these tests change its world."""
    server = start_sandbox(tmp_path_factory.mktemp("social") / "world.db")
    yield server
    server.stop()


@pytest.fixture
async def connect(world: SandboxServer) -> AsyncIterator[Callable[[str], ApiClient]]:
    """`connect("bruno")`: a client of the world signed in as that demo user."""
    clients: list[ApiClient] = []

    def make(username: str) -> ApiClient:
        clients.append(ApiClient(world.url, world.key_for(username)))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def ada(connect: Callable[[str], ApiClient]) -> ApiClient:
    """Ada, who follows bruno, chen, hana, june and emeka."""
    return connect("ada")


# --- Users -------------------------------------------------------------------


async def test_me_is_the_signed_in_user(ada: ApiClient) -> None:
    me = await users.me(ada)

    assert me.username == "ada"
    assert me.stats.posts > 0
    assert me.created_at is not None and me.created_at.tzinfo is UTC


async def test_get_user_takes_a_username_or_an_id(ada: ApiClient) -> None:
    by_name = await users.get_user(ada, "bruno")
    by_id = await users.get_user(ada, by_name.id)

    assert by_id == by_name
    assert by_name.followed_by_me is True


async def test_an_id_cannot_reach_another_endpoint(ada: ApiClient) -> None:
    with pytest.raises(NotFoundError):
        await users.get_user(ada, "../spaces")


async def test_update_me_changes_only_the_fields_given(
    connect: Callable[[str], ApiClient],
) -> None:
    ivan = connect("ivan")
    before = await users.me(ivan)

    after = await users.update_me(ivan, location="Plovdiv")

    assert after.location == "Plovdiv"
    assert (after.display_name, after.bio) == (before.display_name, before.bio)


async def test_attestations_list_what_the_oracle_vouches_for(ada: ApiClient) -> None:
    page = await users.attestations(ada, "ada")

    assert page.items and all(
        a.subject and a.subject.username == "ada" for a in page.items
    )
    assert page.meta.total == len(page.items)


async def test_follow_and_unfollow_change_followers(
    connect: Callable[[str], ApiClient],
) -> None:
    dilnoza = connect("dilnoza")

    followed = await users.follow(dilnoza, "gus")
    followers = await users.followers(dilnoza, "gus", per_page=100)
    following = await users.following(dilnoza, "dilnoza", per_page=100)
    unfollowed = await users.unfollow(dilnoza, "gus")

    assert followed.following and followed.user and followed.user.username == "gus"
    assert "dilnoza" in {f.user.username for f in followers.items}
    assert "gus" in {f.user.username for f in following.items}
    assert not unfollowed.following
    assert unfollowed.followers == (followed.followers or 0) - 1


async def test_activity_pages_by_cursor_newest_first(ada: ApiClient) -> None:
    first = await users.activity(ada, "ada", per_page=10)
    second = await users.activity(
        ada, "ada", per_page=10, cursor=first.meta.next_cursor
    )

    times = [item.created_at for item in first.items + second.items]
    assert len(times) == 20 and times == sorted(times, reverse=True)
    assert not {i.id for i in first.items} & {i.id for i in second.items}


async def test_preferences_can_be_read_and_changed(
    connect: Callable[[str], ApiClient],
) -> None:
    farah = connect("farah")

    before = await users.get_preferences(farah)
    after = await users.update_preferences(farah, email_digest="daily")

    assert before.email_digest == "weekly"
    assert after.email_digest == "daily"
    assert after.language == before.language


# --- Posts -------------------------------------------------------------------


async def test_list_posts_answers_a_page_newest_first(ada: ApiClient) -> None:
    page = await posts.list_posts(ada, per_page=20)

    assert len(page.items) == 20 and page.has_more
    times = [p.created_at for p in page.items]
    assert times == sorted(times, reverse=True)


async def test_list_posts_filters_by_space_author_and_type(ada: ApiClient) -> None:
    in_space = await posts.list_posts(ada, space_id="civic-tech")
    by_bruno = await posts.list_posts(ada, author_id="bruno")
    texts = await posts.list_posts(ada, post_type="text")

    space_ids = {p.space_id for p in in_space.items}
    assert len(space_ids) == 1 and next(iter(space_ids), "").startswith("space_")
    assert {p.author.username for p in by_bruno.items} == {"bruno"}
    assert {p.type for p in texts.items} == {"text"}


async def test_a_following_feed_holds_only_followed_authors(ada: ApiClient) -> None:
    page = await posts.list_posts(ada, following=True, per_page=100)

    authors = {p.author.username for p in page.items}
    assert authors and authors <= {"bruno", "chen", "hana", "june", "emeka"}


async def test_iter_posts_walks_pages_without_repeats(ada: ApiClient) -> None:
    seen = [post async for post in posts.iter_posts(ada, per_page=50, limit=170)]

    assert len(seen) == 170
    assert len({p.id for p in seen}) == 170


async def test_a_published_post_can_be_read_liked_edited_and_deleted(
    ada: ApiClient,
) -> None:
    created = await posts.create_post(
        ada, "Lamp posts on the towpath: a survey", space_id="civic-tech"
    )
    liked = await posts.like(ada, created.id)
    unliked = await posts.unlike(ada, created.id)
    edited = await posts.update_post(ada, created.id, content="Edited text")
    fetched = await posts.get_post(ada, created.id)
    await posts.delete_post(ada, created.id)

    assert created.author.username == "ada" and created.status == "published"
    assert (liked.liked, liked.likes) == (True, 1)
    assert (unliked.liked, unliked.likes) == (False, 0)
    assert edited.content == fetched.content == "Edited text"
    with pytest.raises(NotFoundError):
        await posts.get_post(ada, created.id)


async def test_a_post_can_carry_uploaded_media(ada: ApiClient) -> None:
    picture = await media.upload(ada, PNG, filename="bridge.png", alt_text="A bridge")

    post = await posts.create_post(ada, "The bridge at dawn", media=[picture])

    assert [(m.url, m.type, m.alt_text) for m in post.media] == [
        (picture.url, "image", "A bridge")
    ]


async def test_a_repeated_create_with_one_key_posts_once(ada: ApiClient) -> None:
    key = str(uuid.uuid4())

    first = await posts.create_post(ada, "Said once", idempotency_key=key)
    again = await posts.create_post(ada, "Said once", idempotency_key=key)

    assert again.id == first.id


async def test_drafts_and_schedules_are_listed_and_published(ada: ApiClient) -> None:
    later = datetime.now(UTC) + timedelta(days=2)

    draft = await posts.create_post(
        ada, "Half a thought", title="Notes", status="draft"
    )
    scheduled = await posts.create_post(
        ada, "Meeting tomorrow", status="scheduled", scheduled_at=later
    )
    drafts = await posts.list_posts(ada, status="draft", per_page=100)
    published = await posts.update_post(ada, draft.id, status="published")

    assert (draft.status, draft.title) == ("draft", "Notes")
    assert scheduled.status == "scheduled" and scheduled.scheduled_at is not None
    assert abs((scheduled.scheduled_at - later).total_seconds()) < 1
    assert draft.id in {p.id for p in drafts.items}
    assert published.status == "published"


async def test_a_naive_schedule_time_is_refused_before_sending(ada: ApiClient) -> None:
    with pytest.raises(InvalidRequestError, match="scheduled_at needs a time zone"):
        await posts.create_post(
            ada, "When?", status="scheduled", scheduled_at=datetime(2030, 1, 1, 9)
        )


async def test_comments_make_threads_and_keep_their_place_when_deleted(
    connect: Callable[[str], ApiClient], ada: ApiClient
) -> None:
    bruno = connect("bruno")
    post = await posts.create_post(ada, "What should the council fix first?")

    top = await posts.create_comment(bruno, post.id, "The towpath lights")
    reply = await posts.create_comment(ada, post.id, "Agreed", parent_id=top.id)
    await posts.delete_comment(bruno, top.id)
    page = await posts.list_comments(ada, post.id)
    walked = [c async for c in posts.iter_comments(ada, post.id, per_page=1)]

    assert reply.parent_id == top.id and reply.post_id == post.id
    assert [c.id for c in page.items] == [top.id, reply.id]
    assert page.items[0].deleted and page.items[0].content == ""
    assert [c.id for c in walked] == [top.id, reply.id]


async def test_a_minimal_create_answer_is_completed_by_a_read() -> None:
    full = {
        "id": "post_1",
        "author": {"id": "user_1", "username": "ada", "display_name": "Ada"},
        "content": "Hello",
        "created_at": "2025-05-15T10:30:00Z",
    }
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        data = {k: full[k] for k in ("id", "content", "created_at")}
        if request.method == "GET":
            data = full
        meta = {"request_id": "req_1", "timestamp": "2025-05-15T10:30:00Z"}
        payload = json.dumps({"success": True, "data": data, "meta": meta}).encode()
        # A stream, not `content=`: the client reads bodies as a stream.
        return httpx.Response(
            200,
            headers={"Content-Type": "application/json"},
            stream=httpx.ByteStream(payload),
        )

    transport = httpx.MockTransport(answer)
    async with ApiClient("http://127.0.0.1:9/v2", "t", transport=transport) as client:
        post = await posts.create_post(client, "Hello")

    assert post.author.username == "ada"
    assert seen == ["POST /v2/posts", "GET /v2/posts/post_1"]
