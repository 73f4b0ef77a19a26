"""The models against real sandbox answers, and against answers they must survive."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from ratel_tui.api import models
from ratel_tui.api.envelope import Envelope
from ratel_tui.api.errors import InvalidRequestError, ProtocolError
from ratel_tui.api.models import base
from ratel_tui.api.models.base import Page, PageMeta, list_of, parse, parse_page
from ratel_tui.api.models.deliberations import Deliberation, DeliberationExport, Results
from ratel_tui.api.models.moderation import (
    Ban,
    CommentItem,
    ModerationItem,
    ModerationLogEntry,
    OtherItem,
    PostItem,
    QueueCounts,
)
from ratel_tui.api.models.oracle import Verification
from ratel_tui.api.models.posts import Comment, Post
from ratel_tui.api.models.spaces import Analytics, Space, SpaceMember
from ratel_tui.api.models.users import (
    ActivityItem,
    Attestation,
    Follow,
    Preferences,
    User,
)
from ratel_tui.api.models.webhooks import Webhook
from tests.conftest import Api


@pytest.fixture(scope="module")
def ada(as_user: Callable[..., Api]) -> Api:
    """Ada: admin of civic-tech, so she sees its moderation queue."""
    return as_user("ada")


def body_of(api: Api, path: str, **params: Any) -> dict[str, Any]:
    """The whole JSON body of a successful GET."""
    response = api.get(path, params=params)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def first_id(api: Api, path: str, **params: Any) -> str:
    """The id of the first item a list endpoint answers."""
    items = body_of(api, path, **params)["data"]
    assert items, (path, params)
    return items[0]["id"]


def a_post(api: Api) -> dict[str, Any]:
    """A real post of the feed, as the server sent it."""
    return copy.deepcopy(body_of(api, "/posts", per_page=1)["data"][0])


LISTS = [
    ("/users/ada/attestations", {}, Attestation),
    ("/users/ada/followers", {}, Follow),
    ("/users/ada/following", {}, Follow),
    ("/users/ada/activity", {"per_page": 100}, ActivityItem),
    ("/posts", {"per_page": 100}, Post),
    ("/spaces", {}, Space),
    ("/spaces/civic-tech/members", {}, SpaceMember),
    ("/deliberations", {"per_page": 100}, Deliberation),
    ("/oracle/verifications", {"per_page": 100}, Verification),
    ("/spaces/civic-tech/bans", {}, Ban),
    ("/spaces/civic-tech/moderation/log", {"per_page": 100}, ModerationLogEntry),
    ("/webhooks", {}, Webhook),
]


@pytest.mark.parametrize(("path", "params", "model"), LISTS)
def test_every_list_answer_parses_into_a_page(
    ada: Api, path: str, params: dict[str, Any], model: type
) -> None:
    answer = body_of(ada, path, **params)
    envelope = Envelope(answer["data"], answer["meta"], None, 200)

    page = parse_page(model, envelope, f"GET {path}")

    assert all(isinstance(item, model) for item in page.items)
    assert page.meta.total is not None and page.meta.total >= len(page.items)
    assert page.meta.per_page is not None


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/users/me", User),
        ("/users/bruno", User),
        ("/users/me/preferences", Preferences),
        ("/spaces/civic-tech", Space),
        ("/spaces/civic-tech/analytics", Analytics),
    ],
)
def test_every_single_answer_parses(ada: Api, path: str, model: type) -> None:
    value = parse(model, body_of(ada, path)["data"], f"GET {path}")

    assert isinstance(value, model)


def test_a_post_parses_with_its_author_stats_and_media(ada: Api) -> None:
    with_comments = next(
        p
        for p in body_of(ada, "/posts", per_page=100)["data"]
        if p["stats"]["comments"]
    )

    post = parse(Post, with_comments, "GET /posts/{post_id}")
    comments = parse(
        list_of(Comment),
        body_of(ada, f"/posts/{post.id}/comments")["data"],
        "GET /posts/{post_id}/comments",
    )

    assert post.author.username and post.stats.comments > 0
    assert post.created_at.tzinfo is UTC
    assert isinstance(post.media, tuple)
    assert comments and all(c.post_id == post.id for c in comments)


def test_a_user_profile_carries_stats_and_follow_relations(ada: Api) -> None:
    bruno = parse(User, body_of(ada, "/users/bruno")["data"], "GET /users/{user_id}")

    assert bruno.username == "bruno"
    assert bruno.stats.followers > 0
    assert bruno.followed_by_me is True


def test_a_space_carries_stats_settings_and_my_role(ada: Api) -> None:
    space = parse(Space, body_of(ada, "/spaces/civic-tech")["data"], "GET /spaces/{id}")

    assert space.slug == "civic-tech"
    assert space.my_role == "admin"
    assert space.stats.members > 0
    assert space.settings.moderation == "community"


def test_analytics_parse_period_metrics_and_timeline(ada: Api) -> None:
    data = body_of(ada, "/spaces/civic-tech/analytics")["data"]

    analytics = parse(Analytics, data, "GET /spaces/{space_id}/analytics")

    assert analytics.period.start <= analytics.period.end
    assert analytics.metrics.total_posts is not None
    assert analytics.timeline and analytics.timeline[0].date >= analytics.period.start


def test_analytics_with_some_metrics_leave_the_others_unset(ada: Api) -> None:
    data = body_of(ada, "/spaces/civic-tech/analytics", metrics="total_posts")["data"]

    analytics = parse(Analytics, data, "GET /spaces/{space_id}/analytics")

    assert analytics.metrics.total_posts is not None
    assert analytics.metrics.new_members is None


def test_a_completed_deliberation_has_surveys_results_and_export(ada: Api) -> None:
    delib_id = first_id(ada, "/deliberations", status="completed")

    delib = parse(
        Deliberation, body_of(ada, f"/deliberations/{delib_id}")["data"], "GET"
    )
    results = parse(
        Results, body_of(ada, f"/deliberations/{delib_id}/results")["data"], "GET"
    )
    export = parse(
        DeliberationExport,
        body_of(ada, f"/deliberations/{delib_id}/export")["data"],
        "GET",
    )

    assert delib.status == "completed" and delib.pre_survey and delib.post_survey
    assert delib.pre_survey.questions[0].id
    assert delib.my_responses is not None
    assert results.final and results.pre and results.post and results.shift
    question_types = {q.type for q in results.pre.questions}
    for question in results.pre.questions:
        if question.type in ("multiple_choice", "checkbox"):
            assert question.options and question.options[0].percentage is not None
        elif question.type == "likert":
            assert question.distribution is not None
    assert {"multiple_choice", "likert"} <= question_types
    assert export.responses and export.questions


def test_a_decided_verification_shows_votes_and_voters(ada: Api) -> None:
    verification_id = first_id(ada, "/oracle/verifications", status="approved")

    data = body_of(ada, f"/oracle/verifications/{verification_id}")["data"]
    verification = parse(Verification, data, "GET /oracle/verifications/{id}")

    assert verification.status == "approved"
    assert verification.decided_at is not None
    assert verification.votes.approve >= 2
    assert verification.voters and verification.voters[0].user.username
    assert verification.requester is not None


def test_the_moderation_queue_holds_post_and_comment_items(ada: Api) -> None:
    answer = body_of(
        ada, "/spaces/civic-tech/moderation/queue", status="all", per_page=100
    )

    items = parse(list_of(ModerationItem), answer["data"], "GET queue")
    counts = parse(QueueCounts, answer["meta"]["counts"], "GET queue")

    kinds = {type(item) for item in items}
    assert {PostItem, CommentItem} <= kinds
    post_item = next(i for i in items if isinstance(i, PostItem))
    comment_item = next(i for i in items if isinstance(i, CommentItem))
    assert post_item.target is None or isinstance(post_item.target, Post)
    assert comment_item.target is None or isinstance(comment_item.target, Comment)
    assert post_item.reports and post_item.reports[0].reason
    assert post_item.author_history is not None
    assert counts.pending >= 0 and "spam" in counts.reasons


def test_a_queue_item_of_an_unknown_kind_does_not_fail_the_queue(ada: Api) -> None:
    answer = body_of(ada, "/spaces/civic-tech/moderation/queue", status="all")
    data = copy.deepcopy(answer["data"])
    data[0]["target_type"] = "deliberation_comment"
    data[0]["target"] = {"id": "x", "shape": "unknown"}

    items = parse(list_of(ModerationItem), data, "GET queue")

    assert isinstance(items[0], OtherItem)
    assert items[0].target_type == "deliberation_comment"


def test_unknown_fields_are_ignored_at_every_level(ada: Api) -> None:
    post = a_post(ada)
    post["brand_new"] = {"nested": [1, 2, 3]}
    post["author"]["pronouns"] = "they/them"
    post["stats"]["reposts"] = 4

    parsed = parse(Post, post, "GET /posts/{post_id}")

    assert parsed.id == post["id"]
    assert not hasattr(parsed, "brand_new")
    assert not hasattr(parsed.author, "pronouns")


def test_unknown_values_of_open_fields_parse(ada: Api) -> None:
    post = a_post(ada)
    post.update(type="video_story", status="archived", visibility="followers")

    parsed = parse(Post, post, "GET /posts/{post_id}")

    assert (parsed.type, parsed.status) == ("video_story", "archived")


def test_missing_optional_fields_take_their_defaults(ada: Api) -> None:
    post = a_post(ada)
    for name in ("title", "status", "scheduled_at", "media", "stats", "visibility"):
        del post[name]
    for name in ("updated_at", "removed", "liked", "space_id", "type"):
        post.pop(name, None)
    del post["author"]["display_name"]

    parsed = parse(Post, post, "GET /posts/{post_id}")

    assert parsed.title is None and parsed.status == "published"
    assert parsed.stats.likes == 0 and parsed.media == ()
    assert parsed.author.display_name == ""


def test_a_missing_required_field_names_endpoint_and_field(ada: Api) -> None:
    post = a_post(ada)
    del post["author"]["username"]

    with pytest.raises(ProtocolError) as caught:
        parse(Post, post, "GET /posts/{post_id}", request_id="req_123")

    error = caught.value
    assert error.message == "GET /posts/{post_id}: author.username: Field required"
    assert error.endpoint == "GET /posts/{post_id}"
    assert error.request_id == "req_123"


def test_a_wrong_type_names_the_field(ada: Api) -> None:
    post = a_post(ada)
    post["stats"]["likes"] = "many"

    with pytest.raises(ProtocolError, match=r"GET /posts/\{post_id\}: stats\.likes: "):
        parse(Post, post, "GET /posts/{post_id}")


def test_a_bad_item_of_a_list_names_its_index(ada: Api) -> None:
    posts = body_of(ada, "/posts", per_page=5)["data"]
    posts[3]["created_at"] = "yesterday"

    with pytest.raises(ProtocolError, match=r"GET /posts: 3\.created_at: "):
        parse(list_of(Post), posts, "GET /posts")


def test_a_body_that_is_not_an_object_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="GET /users/me: data: "):
        parse(User, ["not", "a", "user"], "GET /users/me")


def test_a_list_endpoint_answering_an_object_is_a_protocol_error() -> None:
    envelope = Envelope({"id": "post_1"}, {}, "req_1", 200)

    with pytest.raises(ProtocolError) as caught:
        parse_page(Post, envelope, "GET /posts")

    assert caught.value.request_id == "req_1"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2025-05-15T10:30:00Z", datetime(2025, 5, 15, 10, 30, tzinfo=UTC)),
        ("2025-05-15T12:30:00+02:00", datetime(2025, 5, 15, 10, 30, tzinfo=UTC)),
        ("2025-05-15T10:30:00", datetime(2025, 5, 15, 10, 30, tzinfo=UTC)),
        ("2025-05-15T10:30:00.250Z", datetime(2025, 5, 15, 10, 30, 0, 250_000, UTC)),
    ],
)
def test_times_become_aware_utc_datetimes(wire: str, expected: datetime) -> None:
    item = parse(ActivityItem, {"type": "post", "id": "p", "created_at": wire}, "GET")

    assert item.created_at == expected
    assert item.created_at.tzinfo is UTC


def test_models_are_frozen(ada: Api) -> None:
    post = parse(Post, a_post(ada), "GET /posts/{post_id}")

    with pytest.raises(ValidationError):
        post.content = "edited"  # type: ignore[misc]


def test_page_says_whether_more_follows() -> None:
    by_cursor = Page((), PageMeta(next_cursor="abc"))
    by_number = Page((), PageMeta(page=1, total_pages=3))
    last = Page((), PageMeta(page=3, total_pages=3))
    bare = Page((), PageMeta())

    assert by_cursor.has_more and by_number.has_more
    assert not last.has_more and not bare.has_more


def test_a_naive_time_is_refused_for_a_request() -> None:
    with pytest.raises(InvalidRequestError, match="scheduled_at needs a time zone"):
        base.body(scheduled_at=datetime(2030, 1, 1, 9, 0))


def test_request_bodies_and_queries_leave_out_what_was_not_given() -> None:
    moment = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    assert base.body(a=None, b=0, when=moment) == {
        "b": 0,
        "when": "2030-01-01T09:00:00Z",
    }
    assert base.query(a=None, flag=True, off=False) == {"flag": "true", "off": "false"}


@pytest.mark.parametrize(
    ("ident", "wire"),
    [
        ("post_abc", "post_abc"),
        ("../spaces", "..%2Fspaces"),
        ("..", "%2E%2E"),
        ("a?b#c", "a%3Fb%23c"),
        ("Gustavo Ríos", "Gustavo%20R%C3%ADos"),
    ],
)
def test_an_id_in_a_path_stays_one_segment(ident: str, wire: str) -> None:
    assert base.segment(ident) == wire


def test_an_empty_id_is_refused() -> None:
    with pytest.raises(InvalidRequestError):
        base.segment("")


def test_every_exported_name_resolves() -> None:
    assert sorted(models.__all__) == sorted(models._MODULE_OF)
    for name in models.__all__:
        assert getattr(models, name) is not None, name


def test_importing_the_package_defines_no_model() -> None:
    script = (
        "import sys, ratel_tui.api.models as m\n"
        "assert 'pydantic' not in sys.modules, 'pydantic imported'\n"
        "m.Post\n"
        "loaded = sorted(k for k in sys.modules if k.startswith(m.__name__ + '.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip() == "ratel_tui.api.models.base,ratel_tui.api.models.posts"
    )
