"""config.toml: loading, one-line errors, atomic 0600 writes, profile selection."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from ratel_tui.settings import (
    DEFAULT_API_URL,
    Profile,
    Settings,
    SettingsError,
    UnknownProfileError,
    check_api_url,
    load_settings,
    profile_lines,
    save_profile,
    select_profile,
    set_default_profile,
    settings_path,
)

VALID = """\
default_profile = "work"

[profiles.work]
api_url = "https://api.ratel.foundation/v2"
username = "ada"

[profiles.sandbox]
api_url = "http://127.0.0.1:8000/v2/"

[keys]
"draft.save" = "ctrl+s"

[moderation]
hide_flagged = true
thresholds = { spam = 0.8, abuse = [1, 2] }
"""


def write_config(text: str) -> Path:
    path = settings_path()
    path.write_text(text, encoding="utf-8")
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_file_gives_the_defaults() -> None:
    loaded = load_settings()

    assert loaded == Settings()
    assert loaded.default_profile == "default"
    assert loaded.profile("default").api_url == DEFAULT_API_URL


def test_valid_file_loads_profiles_and_keeps_free_sections() -> None:
    write_config(VALID)

    loaded = load_settings()

    assert loaded.default_profile == "work"
    assert loaded.profile("work") == Profile(
        api_url="https://api.ratel.foundation/v2", username="ada"
    )
    assert loaded.profile("sandbox").api_url == "http://127.0.0.1:8000/v2"
    assert loaded.keys == {"draft.save": "ctrl+s"}
    assert loaded.moderation["thresholds"]["abuse"] == [1, 2]


def test_every_field_is_documented() -> None:
    """The models are the config reference: each field carries its docstring."""
    for model in (Settings, Profile):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


BAD_FILES = [
    pytest.param(
        'default_profile = "work"\n[profiles.work]\napi_url = \n',
        "line 3, column 11: invalid TOML",
        id="toml-syntax",
    ),
    pytest.param(
        'default_profile = "work"\ncolour = "red"\n',
        "line 2: colour: unknown setting (known: default_profile, profiles",
        id="unknown-top-level-key",
    ),
    pytest.param(
        '[profiles.work]\napi_url = "https://a.example/v2"\ntoken = "x"\n',
        "line 3: profiles.work.token: unknown setting (known: api_url, username)",
        id="unknown-profile-key",
    ),
    pytest.param(
        '\n[profiles.work]\napi_url = "not a url"\n',
        "line 3: profiles.work.api_url: refusing the server address 'not a url'",
        id="bad-url",
    ),
    pytest.param(
        '[profiles.work]\napi_url = "http://api.example.com/v2"\n',
        "line 2: profiles.work.api_url: refusing the server address",
        id="http-not-loopback",
    ),
    pytest.param(
        "default_profile = 3\n",
        "line 1: default_profile: input should be a valid string",
        id="wrong-type",
    ),
    pytest.param(
        'profiles = "work"\n',
        "line 1: profiles: input should be a valid dictionary",
        id="wrong-type-table",
    ),
    pytest.param(
        "[profiles.work]\n",
        "line 1: profiles.work.api_url: required, but missing",
        id="missing-url",
    ),
    pytest.param(
        '[profiles."my work"]\napi_url = "https://a.example/v2"\n',
        "line 1: profiles.my work: not a valid profile name",
        id="bad-profile-name",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_file_gives_one_line_naming_path_and_problem(
    text: str, expected: str
) -> None:
    path = write_config(text)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message
    assert caught.value.__cause__ is None


def test_file_that_is_not_utf8_is_named() -> None:
    path = settings_path()
    path.write_bytes(b'default_profile = "\xff"\n')

    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == f"{path}: not UTF-8 text"


def test_two_problems_say_there_is_more() -> None:
    write_config("default_profile = 3\ncolour = 1\n")

    with pytest.raises(SettingsError, match=r"\(and 1 more\)$"):
        load_settings()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.ratel.foundation/v2", "https://api.ratel.foundation/v2"),
        ("https://api.ratel.foundation/v2/", "https://api.ratel.foundation/v2"),
        ("http://localhost:8000/v2", "http://localhost:8000/v2"),
        ("http://127.0.0.1/v2", "http://127.0.0.1/v2"),
        ("http://[::1]:8000/v2", "http://[::1]:8000/v2"),
    ],
)
def test_https_and_loopback_http_urls_are_accepted(url: str, expected: str) -> None:
    assert check_api_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v2",
        "http://localhost.evil.com/v2",
        "http://127.0.0.1@evil.com/v2",
        "https://user:pw@api.example.com/v2",
        "ftp://api.example.com/v2",
        "https://",
        "api.example.com/v2",
        "https://api.example.com/v2?debug=1",
        "https://api example.com/v2",
        "https://api.example.com/v2\x1b[0m",
    ],
)
def test_unsafe_or_broken_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        check_api_url(url)


def test_save_and_load_round_trip_keeps_other_sections() -> None:
    path = write_config(VALID)

    save_profile("staging", "https://staging.example/v2/", "bob")
    loaded = load_settings()

    assert loaded.profile("staging") == Profile(
        api_url="https://staging.example/v2", username="bob"
    )
    assert loaded.profile("work").username == "ada"
    assert loaded.default_profile == "work"
    assert loaded.keys == {"draft.save": "ctrl+s"}
    assert loaded.moderation == tomllib.loads(VALID)["moderation"]
    assert mode_of(path) == 0o600


def test_save_creates_the_file_0600_in_a_0700_folder() -> None:
    old_umask = os.umask(0o022)
    try:
        save_profile("work", "https://api.ratel.foundation/v2")
    finally:
        os.umask(old_umask)

    path = settings_path()
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700
    assert tomllib.loads(path.read_text()) == {
        "profiles": {"work": {"api_url": "https://api.ratel.foundation/v2"}}
    }


def test_save_replaces_a_0644_file_with_a_0600_one() -> None:
    path = write_config(VALID)
    path.chmod(0o644)

    save_profile("work", "https://api.ratel.foundation/v2", "ada")

    assert mode_of(path) == 0o600


def test_save_leaves_a_broken_file_alone() -> None:
    path = write_config("colour = 'red'\n")

    with pytest.raises(SettingsError, match="colour: unknown setting"):
        save_profile("work", "https://api.ratel.foundation/v2")
    assert path.read_text() == "colour = 'red'\n"


def test_save_refuses_a_bad_url_before_touching_the_file() -> None:
    with pytest.raises(SettingsError, match="only allowed for this machine"):
        save_profile("work", "http://api.example.com/v2")

    assert not settings_path().exists()


def test_save_is_atomic_when_the_rename_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(VALID)

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ratel_tui.settings.os.replace", fail)
    with pytest.raises(SettingsError, match="config.toml: cannot write: No space left"):
        save_profile("staging", "https://staging.example/v2")

    assert path.read_text() == VALID
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_set_default_profile_keeps_profiles() -> None:
    write_config(VALID)

    set_default_profile("sandbox")

    loaded = load_settings()
    assert loaded.default_profile == "sandbox"
    assert set(loaded.profiles) == {"work", "sandbox"}


def test_profile_flag_wins_over_variable_and_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = Settings(default_profile="home")
    monkeypatch.setenv("RATEL_PROFILE", "ci")

    assert select_profile("work", loaded) == "work"
    assert select_profile(None, loaded) == "ci"
    monkeypatch.delenv("RATEL_PROFILE")
    assert select_profile(None, loaded) == "home"
    assert select_profile(None, Settings()) == "default"


def test_bad_profile_names_say_where_they_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SettingsError, match=r"^--profile: not a valid profile name"):
        select_profile("../etc", Settings())
    monkeypatch.setenv("RATEL_PROFILE", "a b")
    with pytest.raises(SettingsError, match=r"^RATEL_PROFILE: not a valid profile"):
        select_profile(None, Settings())


def test_unknown_profile_says_how_to_create_it() -> None:
    with pytest.raises(UnknownProfileError, match="ratel-tui login --profile work"):
        Settings().profile("work")


def test_profile_lines_mark_the_active_and_the_default() -> None:
    write_config(VALID)

    lines = profile_lines(load_settings(), active="sandbox")

    assert lines == [
        "* sandbox  http://127.0.0.1:8000/v2",
        "  work  https://api.ratel.foundation/v2  as ada  (default)",
    ]
