"""The oracle: verification requests of user attributes and community votes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ratel_tui.api.models.base import Page, body, parse_data, parse_page, query, segment
from ratel_tui.api.models.oracle import Verification

if TYPE_CHECKING:
    from ratel_tui.api.client import ApiClient


async def list_verifications(
    client: ApiClient,
    *,
    status: str | None = None,
    attribute_type: str | None = None,
    reviewable: bool = False,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
) -> Page[Verification]:
    """GET /oracle/verifications: newest first.

    `status` is pending, approved or rejected; `reviewable=True` [ext] keeps
    the pending requests the caller may still vote on.
    """
    if reviewable:
        # A server without it would ignore the filter and list everything.
        await client.require("oracle_full", "the review queue of the oracle")
    params = query(
        status=status,
        attribute_type=attribute_type,
        reviewable=reviewable or None,
        page=page,
        per_page=per_page,
        cursor=cursor,
    )

    envelope = await client.get("/oracle/verifications", params=params)
    return parse_page(Verification, envelope, "GET /oracle/verifications")


async def get_verification(client: ApiClient, verification_id: str) -> Verification:
    """GET /oracle/verifications/{verification_id}: with its voters once decided."""
    envelope = await client.get(f"/oracle/verifications/{segment(verification_id)}")
    return parse_data(
        Verification, envelope, "GET /oracle/verifications/{verification_id}"
    )


async def create_verification(
    client: ApiClient,
    attribute_type: str,
    attribute_value: str,
    *,
    evidence: Sequence[Mapping[str, str]] = (),
    description: str | None = None,
    idempotency_key: str | None = None,
) -> Verification:
    """POST /oracle/verifications: ask the community to verify an attribute.

    `evidence` holds `{type, url}` items (type: url, document, reference).
    """
    payload = body(
        attribute_type=attribute_type,
        attribute_value=attribute_value,
        evidence=[dict(item) for item in evidence],
        description=description,
    )

    envelope = await client.post(
        "/oracle/verifications", json=payload, idempotency_key=idempotency_key
    )
    return parse_data(Verification, envelope, "POST /oracle/verifications")


async def vote(
    client: ApiClient,
    verification_id: str,
    vote: str,
    *,
    comment: str | None = None,
    idempotency_key: str | None = None,
) -> Verification:
    """POST /oracle/verifications/{verification_id}/votes: `approve` or `reject`."""
    payload = body(vote=vote, comment=comment)

    envelope = await client.post(
        f"/oracle/verifications/{segment(verification_id)}/votes",
        json=payload,
        idempotency_key=idempotency_key,
    )
    return parse_data(
        Verification, envelope, "POST /oracle/verifications/{verification_id}/votes"
    )
