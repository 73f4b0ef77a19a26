"""Which server addresses the client accepts, and how it shows their host."""

from __future__ import annotations

import pytest

from ratel_tui.api.client import ApiClient
from ratel_tui.api.errors import InsecureUrlError
from ratel_tui.api.urls import check_base_url, display_host, is_loopback

ALLOWED = {
    "https://api.ratel.foundation/v2": "https://api.ratel.foundation/v2",
    "https://api.ratel.foundation/v2/": "https://api.ratel.foundation/v2",
    "http://localhost:8787/v2": "http://localhost:8787/v2",
    "HTTP://LOCALHOST:8787/v2": "http://localhost:8787/v2",
    "http://127.0.0.1:8787/v2": "http://127.0.0.1:8787/v2",
    "http://127.9.9.9": "http://127.9.9.9",
    "http://[::1]:8787/v2": "http://[::1]:8787/v2",
    "https://аpi.example.com/v2": "https://xn--pi-6kc.example.com/v2",
}
"""Accepted addresses and their normalised form."""

REFUSED = {
    "http://api.example.com": "plain http://",
    "http://localhost.evil.com": "plain http://",
    "http://127.0.0.1.nip.io": "plain http://",
    "http://0.0.0.0": "plain http://",
    "http://127.1": "plain http://",
    "http://2130706433": "plain http://",
    "http://[::ffff:127.0.0.1]": "plain http://",
    "http://127.0.0.1@evil.com": "user name or password",
    "https://user:pw@api.example.com": "user name or password",
    "http://evil.com#@127.0.0.1": "query",
    "https://api.example.com/v2?key=1": "query",
    "ftp://api.example.com": "only https://",
    "javascript:alert(1)": "only https://",
    "//api.example.com": "only https://",
    "api.example.com": "only https://",
    "https://": "no host",
    "https://exa mple.com": "spaces",
    "http://evil.com\\@127.0.0.1": "backslashes",
}
"""Refused addresses and a word the refusal must contain."""


@pytest.mark.parametrize(("url", "normalised"), ALLOWED.items(), ids=ALLOWED.keys())
def test_https_anywhere_and_http_on_loopback_are_accepted(
    url: str, normalised: str
) -> None:
    assert check_base_url(url) == normalised


@pytest.mark.parametrize(("url", "why"), REFUSED.items(), ids=REFUSED.keys())
def test_unsafe_or_ambiguous_addresses_are_refused_with_a_reason(
    url: str, why: str
) -> None:
    with pytest.raises(InsecureUrlError, match=why) as caught:
        check_base_url(url)

    assert caught.value.title == "Insecure server address"


def test_a_refusal_never_repeats_a_password_from_the_url() -> None:
    with pytest.raises(InsecureUrlError) as caught:
        check_base_url("https://user:hunter2@api.example.com")

    assert "hunter2" not in str(caught.value)


def test_a_refusal_never_repeats_a_key_put_in_the_url() -> None:
    with pytest.raises(InsecureUrlError) as caught:
        check_base_url("https://api.example.com/v2?key=ratel_sk_live_abc123")

    assert "ratel_sk_live_abc123" not in str(caught.value)


def test_plain_http_is_refused_with_the_reason_spelled_out() -> None:
    with pytest.raises(InsecureUrlError) as caught:
        check_base_url("http://api.example.com/v2")

    assert "unencrypted" in caught.value.message
    assert "use https://" in caught.value.message


def test_loopback_means_localhost_127_slash_8_and_ipv6_one_only() -> None:
    assert all(map(is_loopback, ["localhost", "LOCALHOST", "127.0.0.1", "127.255.0.9"]))
    assert all(map(is_loopback, ["::1"]))
    assert not any(map(is_loopback, ["localhost.", "128.0.0.1", "::2", "127.0.0.01"]))


def test_an_idn_host_is_displayed_as_punycode_with_its_unicode_form() -> None:
    assert display_host("https://аpi.example.com/v2") == (
        "xn--pi-6kc.example.com (аpi.example.com)"
    )
    assert display_host("https://api.example.com:8443/v2") == "api.example.com:8443"
    assert display_host("http://[::1]:8787/v2") == "[::1]:8787"


def test_the_client_cannot_be_built_on_an_insecure_url() -> None:
    with pytest.raises(InsecureUrlError):
        ApiClient("http://api.example.com/v2", "ratel_sk_test_x")


async def test_the_client_exposes_its_host_for_confirmation() -> None:
    async with ApiClient("https://аpi.example.com/v2/", None) as client:
        assert client.base_url == "https://xn--pi-6kc.example.com/v2"
        assert client.display_host.startswith("xn--pi-6kc.example.com")
