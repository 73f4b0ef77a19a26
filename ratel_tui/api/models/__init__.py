"""Pydantic models of the Ratel v2 contract, one module per resource group.

Every name below can be imported from here; each group's module is loaded
only when one of its names is first asked for, so that importing one model
does not define all of them (class definitions cost start-up time).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_GROUPS = {
    "base": ("Model", "Page", "PageMeta", "UserBrief", "UtcDateTime", "parse"),
    "users": (
        "ActivityItem",
        "Attestation",
        "Follow",
        "FollowState",
        "Preferences",
        "User",
        "UserStats",
    ),
    "posts": ("Comment", "LikeState", "MediaRef", "Post", "PostReceipt", "PostStats"),
    "spaces": (
        "Analytics",
        "Membership",
        "Metrics",
        "Period",
        "Space",
        "SpaceMember",
        "SpaceSettings",
        "SpaceStats",
        "TimelinePoint",
    ),
    "deliberations": (
        "Answer",
        "AnswerValue",
        "Deliberation",
        "DeliberationExport",
        "ExportQuestion",
        "ExportResponse",
        "HiddenReasons",
        "MyResponses",
        "OptionCount",
        "OptionShift",
        "Participants",
        "Question",
        "QuestionResult",
        "QuestionShift",
        "Results",
        "Survey",
        "SurveyResponse",
        "SurveyResults",
    ),
    "oracle": ("Evidence", "MyVote", "Verification", "Voter", "VoteTally"),
    "moderation": (
        "ActiveBan",
        "AuthorHistory",
        "Ban",
        "CommentContext",
        "CommentItem",
        "ModerationItem",
        "ModerationLogEntry",
        "ModerationQueue",
        "OtherItem",
        "PostItem",
        "QueueCounts",
        "Report",
        "ReportReceipt",
    ),
    "media": ("Media",),
    "webhooks": ("Webhook", "WebhookTest"),
}
"""Which module defines each exported name."""

_MODULE_OF = {name: group for group, names in _GROUPS.items() for name in names}

__all__ = [
    "ActiveBan",
    "ActivityItem",
    "Analytics",
    "Answer",
    "AnswerValue",
    "Attestation",
    "AuthorHistory",
    "Ban",
    "Comment",
    "CommentContext",
    "CommentItem",
    "Deliberation",
    "DeliberationExport",
    "Evidence",
    "ExportQuestion",
    "ExportResponse",
    "Follow",
    "FollowState",
    "HiddenReasons",
    "LikeState",
    "Media",
    "MediaRef",
    "Membership",
    "Metrics",
    "Model",
    "ModerationItem",
    "ModerationLogEntry",
    "ModerationQueue",
    "MyResponses",
    "MyVote",
    "OptionCount",
    "OptionShift",
    "OtherItem",
    "Page",
    "PageMeta",
    "Participants",
    "Period",
    "Post",
    "PostItem",
    "PostReceipt",
    "PostStats",
    "Preferences",
    "Question",
    "QuestionResult",
    "QuestionShift",
    "QueueCounts",
    "Report",
    "ReportReceipt",
    "Results",
    "Space",
    "SpaceMember",
    "SpaceSettings",
    "SpaceStats",
    "Survey",
    "SurveyResponse",
    "SurveyResults",
    "TimelinePoint",
    "User",
    "UserBrief",
    "UserStats",
    "UtcDateTime",
    "Verification",
    "VoteTally",
    "Voter",
    "Webhook",
    "WebhookTest",
    "parse",
]


def __getattr__(name: str) -> Any:
    group = _MODULE_OF.get(name)
    if group is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{group}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from ratel_tui.api.models.base import (
        Model,
        Page,
        PageMeta,
        UserBrief,
        UtcDateTime,
        parse,
    )
    from ratel_tui.api.models.deliberations import (
        Answer,
        AnswerValue,
        Deliberation,
        DeliberationExport,
        ExportQuestion,
        ExportResponse,
        HiddenReasons,
        MyResponses,
        OptionCount,
        OptionShift,
        Participants,
        Question,
        QuestionResult,
        QuestionShift,
        Results,
        Survey,
        SurveyResponse,
        SurveyResults,
    )
    from ratel_tui.api.models.media import Media
    from ratel_tui.api.models.moderation import (
        ActiveBan,
        AuthorHistory,
        Ban,
        CommentContext,
        CommentItem,
        ModerationItem,
        ModerationLogEntry,
        ModerationQueue,
        OtherItem,
        PostItem,
        QueueCounts,
        Report,
        ReportReceipt,
    )
    from ratel_tui.api.models.oracle import (
        Evidence,
        MyVote,
        Verification,
        Voter,
        VoteTally,
    )
    from ratel_tui.api.models.posts import (
        Comment,
        LikeState,
        MediaRef,
        Post,
        PostReceipt,
        PostStats,
    )
    from ratel_tui.api.models.spaces import (
        Analytics,
        Membership,
        Metrics,
        Period,
        Space,
        SpaceMember,
        SpaceSettings,
        SpaceStats,
        TimelinePoint,
    )
    from ratel_tui.api.models.users import (
        ActivityItem,
        Attestation,
        Follow,
        FollowState,
        Preferences,
        User,
        UserStats,
    )
    from ratel_tui.api.models.webhooks import Webhook, WebhookTest
