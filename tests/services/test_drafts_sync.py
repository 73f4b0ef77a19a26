"""Syncing post drafts with a sandbox: pulled once, pushed once, edits kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ratel_tui.api.client import ApiClient
from ratel_tui.sandbox.server import SandboxServer
from ratel_tui.services.drafts_sync import SyncReport, edited, sync_drafts
from ratel_tui.store.journal import Draft, Journal, new_draft
from ratel_tui.store.local import LocalStore
from ratel_tui.store.outbox import Outbox
from tests.conftest import Api, posts_with, start_sandbox


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox of this module's own; each test syncs as a user of its own."""
    server = start_sandbox(tmp_path_factory.mktemp("drafts") / "world.db")
    yield server
    server.stop()


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    """The local drafts of the test."""
    return Journal(LocalStore(tmp_path / "local.db"))


@pytest.fixture
async def sync(
    world: SandboxServer, journal: Journal
) -> AsyncIterator[Callable[..., Any]]:
    """`await sync("chen")`: one sync of `journal` as that user."""
    clients: list[ApiClient] = []

    async def run(username: str, **options: Any) -> SyncReport:
        clients.append(ApiClient(world.url, world.key_for(username)))
        return await sync_drafts(journal, clients[-1], **options)

    yield run
    for client in clients:
        await client.aclose()


def server_drafts(api: Api) -> dict[str, dict[str, Any]]:
    """The user's drafts and scheduled posts on the server, by id."""
    found = {}
    for status in ("draft", "scheduled"):
        for post in api.data(
            "GET", "/posts", params={"status": status, "per_page": 100}
        ):
            found[post["id"]] = post
    return found


def by_server_id(journal: Journal) -> dict[str | None, Draft]:
    return {d.server_id: d for d in journal.all()}


async def test_server_drafts_and_scheduled_posts_come_down_once(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    chen = Api(world, "chen")
    later = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    chen.data(
        "POST",
        "/posts",
        json={"content": "Heat plan notes", "title": "Heat", "status": "draft"},
    )
    chen.data(
        "POST",
        "/posts",
        json={
            "content": "Retrofit grants open",
            "status": "scheduled",
            "scheduled_at": later,
            "space_id": "climate-policy",
        },
    )
    on_server = server_drafts(chen)

    first = await sync("chen", per_page=1)
    second = await sync("chen", per_page=1)

    local = by_server_id(journal)
    assert set(local) == set(on_server) and len(on_server) >= 4
    assert first.pulled == len(on_server) and second.pulled == 0
    assert second == SyncReport()
    heat = next(d for d in local.values() if d.title == "Heat")
    grants = next(d for d in local.values() if d.body == "Retrofit grants open")
    assert heat.kind == "post" and heat.body == "Heat plan notes"
    assert heat.state == "editing" and heat.fields["status"] == "draft"
    assert grants.fields["schedule"] == later
    assert grants.target == {"space_id": on_server[grants.server_id]["space_id"]}
    assert not any(edited(d) for d in local.values())


async def test_a_server_edit_reaches_a_local_copy_not_edited_here(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    dilnoza = Api(world, "dilnoza")
    made = dilnoza.data(
        "POST", "/posts", json={"content": "Replication v1", "status": "draft"}
    )
    await sync("dilnoza")
    dilnoza.data("PATCH", f"/posts/{made['id']}", json={"content": "Replication v2"})

    report = await sync("dilnoza")

    copy = by_server_id(journal)[made["id"]]
    assert report.refreshed == 1 and report.patched == 0
    assert copy.body == "Replication v2" and not edited(copy)


async def test_a_local_edit_goes_to_the_server_and_is_never_overwritten(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    emeka = Api(world, "emeka")
    made = emeka.data(
        "POST", "/posts", json={"content": "Minutes, first go", "status": "draft"}
    )
    await sync("emeka")
    copy = by_server_id(journal)[made["id"]]
    journal.save(copy.with_text(body="Minutes, as edited here"), editing=False)
    emeka.data("PATCH", f"/posts/{made['id']}", json={"content": "Edited elsewhere"})

    report = await sync("emeka")
    again = await sync("emeka")

    assert report.patched == 1 and report.refreshed == 0
    assert emeka.data("GET", f"/posts/{made['id']}")["content"] == (
        "Minutes, as edited here"
    )
    assert by_server_id(journal)[made["id"]].body == "Minutes, as edited here"
    assert again.patched == 0 and again.refreshed == 0


async def test_a_local_draft_is_pushed_once_as_a_server_draft(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    farah = Api(world, "farah")
    draft = journal.save(
        new_draft(
            "post",
            body="Ride to work week",
            title="Ride",
            target={"space_id": "cycling"},
        ),
        editing=False,
    )

    report = await sync("farah")
    again = await sync("farah")

    pushed = journal.get(draft.id)
    assert report.pushed == 1 and again.pushed == 0
    assert pushed is not None and pushed.server_id is not None
    assert not edited(pushed)
    twin = server_drafts(farah)[pushed.server_id]
    assert (twin["content"], twin["title"], twin["status"]) == (
        "Ride to work week",
        "Ride",
        "draft",
    )
    assert posts_with(world, "Ride to work week") == 1


async def test_a_push_whose_record_was_lost_makes_no_second_server_draft(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    draft = journal.save(new_draft("post", body="Only one of me"), editing=False)
    await sync("gus")
    first_id = journal.get(draft.id).server_id  # type: ignore[union-attr]
    # As if the process died between the server's answer and the local write.
    with journal.store.transaction() as conn:
        conn.execute("UPDATE drafts SET server_id = NULL WHERE id = ?", (draft.id,))

    report = await sync("gus")

    assert report.pushed == 1
    assert journal.get(draft.id).server_id == first_id  # type: ignore[union-attr]
    assert posts_with(world, "Only one of me") == 1


async def test_empty_and_queued_drafts_stay_local(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    journal.save(new_draft("post", body="   "), editing=False)
    queued = journal.save(new_draft("post", body="On its way"), editing=False)
    Outbox(journal.store).add(
        "create_post", {"content": queued.body}, draft_id=queued.id
    )
    journal.save(new_draft("comment", body="A comment draft"), editing=False)

    report = await sync("hana")

    assert report.pushed == 0
    assert posts_with(world, "On its way") == 0
    assert posts_with(world, "A comment draft") == 0


async def test_a_draft_the_server_refuses_is_reported_and_the_rest_still_go(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    closed = journal.save(
        new_draft(
            "post", body="Into the announcements", target={"space_id": "announcements"}
        ),
        editing=False,
    )
    fine = journal.save(new_draft("post", body="Somewhere open"), editing=False)

    report = await sync("ivan")

    assert report.pushed == 1 and len(report.problems) == 1
    assert "Into the announcements" in report.problems[0]
    assert "does not take posts" in report.problems[0]
    assert journal.get(closed.id).server_id is None  # type: ignore[union-attr]
    assert journal.get(fine.id).server_id is not None  # type: ignore[union-attr]
    assert "1 refused" in report.summary()


async def test_a_draft_open_in_a_compose_screen_keeps_its_text(
    world: SandboxServer, journal: Journal, sync: Callable[..., Any]
) -> None:
    june = Api(world, "june")
    made = june.data("POST", "/posts", json={"content": "Open here", "status": "draft"})
    await sync("june")
    with journal.store.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET editor = 'elsewhere:1:abcd' WHERE server_id = ?",
            (made["id"],),
        )
    june.data("PATCH", f"/posts/{made['id']}", json={"content": "Changed on the web"})

    report = await sync("june")

    assert report.refreshed == 0
    assert by_server_id(journal)[made["id"]].body == "Open here"


async def test_a_part_a_server_is_reported_as_having_no_drafts(
    make_sandbox: Callable[..., SandboxServer], journal: Journal
) -> None:
    part_a = make_sandbox(features=frozenset())
    draft = journal.save(new_draft("post", body="Stays on this machine"), editing=False)

    async with ApiClient(part_a.url, part_a.key_for("ada")) as client:
        report = await sync_drafts(journal, client)

    assert report.unsupported is True
    assert report.summary().startswith("this server has no drafts")
    assert journal.get(draft.id).server_id is None  # type: ignore[union-attr]
    assert posts_with(part_a, "Stays on this machine") == 0
