"""Spaces, members, analytics and moderation over loopback, against a sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from ratel_tui.api import moderation, posts, spaces
from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import ConflictError, ForbiddenError, NotFoundError
from ratel_tui.api.models.moderation import CommentItem, PostItem
from ratel_tui.sandbox.server import SandboxServer
from tests.conftest import start_sandbox


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox of this module's own, since these tests change its world."""
    server = start_sandbox(tmp_path_factory.mktemp("spaces") / "world.db")
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
    """Ada, admin of civic-tech."""
    return connect("ada")


# --- Spaces ------------------------------------------------------------------


async def test_list_spaces_filters_by_membership_and_category(ada: ApiClient) -> None:
    every = await spaces.list_spaces(ada)
    mine = await spaces.list_spaces(ada, member=True)
    tech = await spaces.list_spaces(ada, category="technology")

    assert every.meta.total and every.meta.total >= len(mine.items) > 0
    assert all(s.my_role is not None for s in mine.items)
    assert {s.category for s in tech.items} == {"technology"}


async def test_get_space_shows_stats_settings_and_role(ada: ApiClient) -> None:
    space = await spaces.get_space(ada, "civic-tech")

    assert (space.slug, space.my_role) == ("civic-tech", "admin")
    assert space.stats.members > 0 and space.settings.allow_posts


async def test_a_space_is_created_joined_managed_and_deleted(
    connect: Callable[[str], ApiClient],
) -> None:
    hana, gus = connect("hana"), connect("gus")

    created = await spaces.create_space(
        hana,
        "Tide Watchers",
        "tide-watchers",
        description="Where the river floods",
        category="local",
        settings={"allow_deliberations": False},
    )
    updated = await spaces.update_space(hana, created.id, description="High water")
    joined = await spaces.join(gus, created.id)
    promoted = await spaces.change_role(hana, created.id, "gus", "moderator")
    listing = await spaces.members(hana, created.id)
    left = await spaces.leave(gus, created.id)
    await spaces.delete_space(hana, created.id)

    assert created.my_role == "admin" and not created.settings.allow_deliberations
    assert updated.description == "High water"
    assert (joined.role, joined.members) == ("member", 2)
    assert (promoted.user.username, promoted.role) == ("gus", "moderator")
    assert [(m.user.username, m.role) for m in listing.items] == [
        ("hana", "admin"),
        ("gus", "moderator"),
    ]
    assert (left.role, left.members) == (None, 1)
    with pytest.raises(NotFoundError):
        await spaces.get_space(hana, created.id)


async def test_analytics_cover_the_period_and_metrics_asked(ada: ApiClient) -> None:
    end = datetime.now(UTC).date()
    start = end - timedelta(days=6)

    report = await spaces.analytics(
        ada, "civic-tech", start_date=start, end_date=end, metrics=["total_posts"]
    )

    assert (report.period.start, report.period.end) == (start, end)
    assert report.metrics.total_posts is not None
    assert report.metrics.new_members is None
    assert [p.date for p in report.timeline] == [
        start + timedelta(days=n) for n in range(7)
    ]


async def test_analytics_default_to_the_last_month(ada: ApiClient) -> None:
    report = await spaces.analytics(ada, "civic-tech")

    assert report.period.end - report.period.start == timedelta(days=29)
    assert isinstance(report.period.start, date)
    assert report.metrics.average_engagement is not None


# --- Moderation --------------------------------------------------------------


async def _fresh_post(client: ApiClient, text: str) -> str:
    """The id of a new civic-tech post, which nobody has reported yet."""
    post = await posts.create_post(client, text, space_id="civic-tech")
    return post.id


async def test_a_reported_post_is_queued_decided_and_restored(
    connect: Callable[[str], ApiClient], ada: ApiClient
) -> None:
    gus, bruno = connect("gus"), connect("bruno")
    post_id = await _fresh_post(gus, "Cheap bike locks, DM me, limited offer")

    receipt = await moderation.report_post(bruno, post_id, "spam", note="An ad")
    with pytest.raises(ConflictError):
        await moderation.report_post(bruno, post_id, "spam")
    queue = await moderation.queue(ada, "civic-tech", reason="spam", per_page=100)
    removed = await moderation.decide(ada, receipt.item_id or "", "remove", note="Ad")
    restored = await moderation.decide(ada, receipt.item_id or "", "restore")

    assert (receipt.target_type, receipt.target_id) == ("post", post_id)
    queued = next(i for i in queue.items if i.id == receipt.item_id)
    assert isinstance(queued, PostItem) and queued.target
    assert queued.target.id == post_id and queued.reports[0].reason == "spam"
    assert queue.counts and queue.counts.reasons["spam"] >= 1
    assert isinstance(removed, PostItem) and removed.status == "removed"
    assert restored.status == "pending"


async def test_a_reported_comment_is_queued_with_its_context(
    connect: Callable[[str], ApiClient], ada: ApiClient
) -> None:
    gus, chen = connect("gus"), connect("chen")
    post_id = await _fresh_post(chen, "Open data portal: what should it hold?")
    comment = await posts.create_comment(gus, post_id, "Nobody reads these anyway")

    receipt = await moderation.report_comment(chen, comment.id, "off_topic")
    queue = await moderation.queue(ada, "civic-tech", reason="off_topic", per_page=100)

    item = next(i for i in queue.items if i.id == receipt.item_id)
    assert isinstance(item, CommentItem) and item.target
    assert item.target.id == comment.id
    assert item.parent and item.parent.post and item.parent.post.id == post_id


async def test_the_queue_is_for_moderators_only(
    connect: Callable[[str], ApiClient],
) -> None:
    with pytest.raises(ForbiddenError):
        await moderation.queue(connect("bruno"), "civic-tech")


async def test_a_ban_is_listed_lifted_and_logged(ada: ApiClient) -> None:
    banned = await moderation.ban(
        ada, "civic-tech", "gus", reason="Repeated spam", duration_days=7
    )
    in_force = await moderation.bans(ada, "civic-tech")
    lifted = await moderation.unban(ada, "civic-tech", "gus")
    after = await moderation.bans(ada, "civic-tech")
    entries = await moderation.log(ada, "civic-tech", moderator="me")

    assert banned.user.username == "gus" and banned.expires_at and banned.created_at
    assert (
        timedelta(days=6) < banned.expires_at - banned.created_at <= timedelta(days=7)
    )
    assert "gus" in {b.user.username for b in in_force.items}
    assert lifted.lifted_at is not None
    assert "gus" not in {b.user.username for b in after.items}
    assert [e.action for e in entries.items[:2]] == ["unban", "ban"]
    assert entries.items[0].subject and entries.items[0].subject.username == "gus"
    assert all(e.moderator.username == "ada" for e in entries.items)
