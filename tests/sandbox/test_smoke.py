"""The sandbox starts, answers the envelope and knows its callers."""

from __future__ import annotations


def test_discovery_lists_every_feature(as_user):
    data = as_user(None).data("GET", "/")
    assert data["version"] == "v2"
    assert "moderation" in data["features"]


def test_me_is_the_key_owner(as_user):
    me = as_user("ada").data("GET", "/users/me")
    assert me["username"] == "ada"
    assert me["id"].startswith("user_")
