"""The command line for scripts and bots, against the sandbox over loopback."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from ratel_tui.cli import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_USAGE, main


@pytest.fixture
def signed_in(sandbox, monkeypatch):
    """The environment of a script signed in as ada through RATEL_API_*."""
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", sandbox.key_for("ada"))
    return sandbox


def run(
    capsys, *argv: str, stdin: str | None = None, monkeypatch=None
) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_whoami_names_the_key_owner(signed_in, capsys):
    code, out, _ = run(capsys, "whoami")
    assert code == EXIT_OK
    assert "(@ada)" in out


def test_json_output_is_machine_readable(signed_in, capsys):
    code, out, _ = run(capsys, "feed", "--limit", "3", "--json")
    posts = json.loads(out)
    assert code == EXIT_OK
    assert len(posts) == 3
    assert all(p["id"].startswith("post_") for p in posts)


def test_feed_filters_by_author_and_space(signed_in, capsys):
    _, out, _ = run(capsys, "feed", "--author", "hana", "--limit", "5", "--json")
    assert {p["author"]["username"] for p in json.loads(out)} == {"hana"}
    space = signed_in.db.scalar("SELECT id FROM spaces WHERE slug = 'cycling'")
    _, out, _ = run(capsys, "feed", "--space", space, "--limit", "5", "--json")
    assert {p["space_id"] for p in json.loads(out)} == {space}


def test_post_from_stdin_lands_once(signed_in, capsys, monkeypatch):
    text = "Posted by a script through stdin."
    code, out, _ = run(
        capsys, "post", "-", "--json", stdin=text, monkeypatch=monkeypatch
    )
    post = json.loads(out)
    assert code == EXIT_OK
    assert post["content"] == text
    count = signed_in.db.scalar("SELECT COUNT(*) FROM posts WHERE content = ?", (text,))
    assert count == 1


def test_post_checks_its_limits_before_sending(signed_in, capsys):
    code, _, err = run(capsys, "post", "x" * 5001)
    assert code == EXIT_USAGE
    assert "limit is 5000" in err
    code, _, err = run(capsys, "post", "late", "--schedule", "2001-01-01T00:00:00Z")
    assert code == EXIT_USAGE
    assert "not in the future" in err


def test_scheduled_and_draft_posts(signed_in, capsys):
    code, out, _ = run(capsys, "post", "tomorrow's news", "--schedule", "+1d", "--json")
    assert code == EXIT_OK
    assert json.loads(out)["status"] == "scheduled"
    code, out, _ = run(
        capsys, "post", "not yet", "--draft", "--title", "Draft", "--json"
    )
    assert json.loads(out)["status"] == "draft"


def test_spaces_mine_lists_only_memberships(signed_in, capsys):
    _, out, _ = run(capsys, "spaces", "--mine", "--json")
    assert all(space["my_role"] for space in json.loads(out))


def test_deliberations_filter_by_phase_and_export_csv(signed_in, capsys, tmp_path):
    _, out, _ = run(capsys, "deliberations", "--status", "completed", "--json")
    completed = json.loads(out)
    assert completed and {d["status"] for d in completed} == {"completed"}
    target = tmp_path / "export.csv"
    code, _, err = run(
        capsys, "deliberation", "export", completed[0]["id"], "-o", str(target)
    )
    assert code == EXIT_OK
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("participant,survey")
    assert "ada" not in target.read_text(encoding="utf-8")


def test_oracle_reviewable_excludes_own_requests(signed_in, capsys):
    _, out, _ = run(capsys, "oracle", "--reviewable", "--json")
    requests = json.loads(out)
    assert requests
    assert all(r["requester"]["username"] != "ada" for r in requests)
    assert all(r["status"] == "pending" for r in requests)


def test_a_bad_key_exits_with_the_auth_code(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("RATEL_API_URL", sandbox.url)
    monkeypatch.setenv("RATEL_API_KEY", "ratel_sk_test_" + "x" * 32)
    code, out, err = run(capsys, "whoami")
    assert code == EXIT_AUTH
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "x" * 32 not in err


def test_an_unreachable_server_exits_with_the_network_code(capsys, monkeypatch):
    monkeypatch.setenv("RATEL_API_URL", "http://127.0.0.1:9/v2")
    monkeypatch.setenv("RATEL_API_KEY", "ratel_sk_test_" + "y" * 32)
    code, _, err = run(capsys, "feed")
    assert code == EXIT_NETWORK
    assert "Traceback" not in err


def test_no_credentials_exits_with_the_auth_code(capsys):
    code, _, err = run(capsys, "feed")
    assert code == EXIT_AUTH
    assert "ratel-tui login" in err


def test_login_without_a_keyring_says_so_and_stores_nothing(
    sandbox, capsys, monkeypatch
):
    key = sandbox.key_for("bruno")
    code, _, err = run(
        capsys, "login", "--url", sandbox.url, stdin=key + "\n", monkeypatch=monkeypatch
    )
    assert code == 1
    assert "keyring" in err and "--store file" in err
    assert key not in err


def test_login_to_a_file_warns_then_auth_status_and_whoami_work(
    sandbox, capsys, monkeypatch
):
    key = sandbox.key_for("bruno")
    code, _, err = run(
        capsys,
        "login",
        "--url",
        sandbox.url,
        "--store",
        "file",
        stdin=key + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == EXIT_OK
    assert "plain text" in err

    code, out, _ = run(capsys, "auth", "status")
    assert code == EXIT_OK
    assert "valid:   yes, as bruno" in out
    assert key not in out and key[-4:] in out
    code, out, _ = run(capsys, "profiles")
    assert "default" in out

    code, out, _ = run(capsys, "logout")
    assert code == EXIT_OK
    code, _, _ = run(capsys, "whoami")
    assert code == EXIT_AUTH


def test_login_rejects_a_plain_http_remote_server(capsys, monkeypatch):
    code, _, err = run(
        capsys,
        "login",
        "--url",
        "http://api.example.com/v2",
        stdin="ratel_sk_test_" + "z" * 32 + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == EXIT_USAGE
    assert "http" in err


def test_help_is_fast_and_imports_nothing_heavy():
    probe = (
        "import sys, ratel_tui.cli as c; c.build_parser();"
        "print(sorted(m for m in ('httpx','pydantic','fastapi','keyring') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"
