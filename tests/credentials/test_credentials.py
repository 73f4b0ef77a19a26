"""API keys: environment, keyring (working, missing, locked, hanging, insecure),
the key file, masking, and the key never showing up anywhere."""

from __future__ import annotations

import io
import logging
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from pydantic import SecretStr

from ratel_tui import credentials
from ratel_tui.credentials import (
    Credential,
    CredentialError,
    FileStoreError,
    KeyringUnavailable,
    child_environment,
    file_store,
    keyring_store,
    mask,
    read_key,
)
from ratel_tui.settings import Settings, SettingsError, save_profile
from tests.credentials.conftest import (
    KEY,
    OTHER_KEY,
    CryptFileKeyring,
    EchoingKeyring,
    ForgetfulKeyring,
    HangingKeyring,
    InitErrorKeyring,
    LockedKeyring,
    MemoryKeyring,
    NoDbusKeyring,
    PlaintextKeyring,
    chained,
)

UseKeyring = Callable[[KeyringBackend], KeyringBackend]

SETTINGS = Settings.model_validate(
    {"profiles": {"work": {"api_url": "https://work.example/v2"}}}
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def keyring_problem(
    profile: str = "work", where: credentials.Where = "keyring"
) -> KeyringUnavailable:
    with pytest.raises(KeyringUnavailable) as caught:
        credentials.store(profile, KEY, where)
    return caught.value


# Environment


def test_environment_key_wins_over_the_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.store("work", OTHER_KEY)
    monkeypatch.setenv("RATEL_API_KEY", KEY)
    monkeypatch.setenv("RATEL_API_URL", "http://localhost:8000/v2/")

    found = credentials.resolve("work", SETTINGS)

    assert found is not None
    assert found.key.get_secret_value() == KEY
    assert (found.source, found.api_url) == ("env", "http://localhost:8000/v2")


def test_environment_key_without_url_uses_the_profile_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATEL_API_KEY", KEY)

    found = credentials.resolve("work", SETTINGS)

    assert found is not None
    assert found.api_url == "https://work.example/v2"


def test_url_variable_alone_never_redirects_a_stored_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials.store("work", KEY)
    monkeypatch.setenv("RATEL_API_URL", "https://elsewhere.example/v2")

    found = credentials.resolve("work", SETTINGS)

    assert found is not None
    assert (found.source, found.api_url) == ("keyring", "https://work.example/v2")


def test_environment_url_over_plain_http_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RATEL_API_KEY", KEY)
    monkeypatch.setenv("RATEL_API_URL", "http://api.example.com/v2")

    with pytest.raises(
        SettingsError, match="^RATEL_API_URL: Refusing .* only allowed for this machine"
    ):
        credentials.resolve("work", SETTINGS)


def test_child_environment_drops_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATEL_API_KEY", KEY)
    monkeypatch.setenv("RATEL_API_URL", "https://work.example/v2")

    child = child_environment()

    assert "RATEL_API_KEY" not in child
    assert child["RATEL_API_URL"] == "https://work.example/v2"
    assert KEY not in "".join(child.values())


# A working keyring


def test_keyring_store_read_and_delete(memory_keyring: MemoryKeyring) -> None:
    result = credentials.store("work", SecretStr(KEY))

    assert result.warning is None
    assert result.backend.endswith("conftest.MemoryKeyring")
    assert memory_keyring.items == {("ratel-tui", "work"): KEY}
    found = credentials.resolve("work", SETTINGS)
    assert found is not None
    assert (found.source, found.key.get_secret_value()) == ("keyring", KEY)

    removed = credentials.delete("work")

    assert removed.removed == (result.backend,)
    assert removed.problems == ()
    assert credentials.resolve("work", SETTINGS) is None


def test_storing_in_the_keyring_removes_a_file_copy() -> None:
    credentials.store("work", OTHER_KEY, "file")

    credentials.store("work", KEY)

    assert file_store.read_key("work") is None
    found = credentials.resolve("work", SETTINGS)
    assert found is not None
    assert found.key.get_secret_value() == KEY


def test_keyring_of_a_chain_uses_its_real_member(use_keyring: UseKeyring) -> None:
    memory = MemoryKeyring()
    use_keyring(chained(PlaintextKeyring(), memory))

    result = credentials.store("work", KEY)

    assert result.backend.endswith("MemoryKeyring")
    assert memory.items == {("ratel-tui", "work"): KEY}


# No keyring, or none worth using


def test_fail_backend_says_no_system_keyring_and_offers_the_fallbacks(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(fail.Keyring())

    problem = keyring_problem()

    assert problem.reason == "none"
    message = str(problem)
    assert message.startswith("no system keyring (keyring.backends.fail.Keyring)")
    assert "RATEL_API_KEY" in message
    assert "--store file" in message
    assert not file_store.file_path().exists()


def test_without_a_keyring_the_file_store_works_only_when_asked(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(fail.Keyring())
    assert credentials.resolve("work", SETTINGS) is None

    result = credentials.store("work", KEY, "file")

    path = file_store.file_path()
    assert result.backend == f"the key file {path}"
    assert result.warning is not None
    assert "plain text" in result.warning
    assert str(path) in result.warning
    found = credentials.resolve("work", SETTINGS)
    assert found is not None
    assert (found.source, found.key.get_secret_value()) == ("file", KEY)


def test_null_backend_is_never_reported_as_saved(use_keyring: UseKeyring) -> None:
    use_keyring(null.Keyring())

    problem = keyring_problem()

    assert problem.reason == "disabled"
    assert "keyring.backends.null.Keyring" in str(problem)


def test_a_keyring_that_drops_the_key_is_caught_on_read_back(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(ForgetfulKeyring())

    problem = keyring_problem()

    assert problem.reason == "not-kept"
    assert str(problem).startswith("the keyring did not keep the key")


@pytest.mark.parametrize("backend", [PlaintextKeyring, CryptFileKeyring])
def test_file_keyrings_are_refused_as_insecure(
    use_keyring: UseKeyring, backend: type[MemoryKeyring]
) -> None:
    chosen = use_keyring(backend())

    problem = keyring_problem()

    assert problem.reason == "insecure"
    assert type(chosen).__module__ in str(problem)
    assert chosen.items == {}  # type: ignore[attr-defined]


def test_a_chain_of_file_keyrings_only_is_refused(use_keyring: UseKeyring) -> None:
    use_keyring(chained(CryptFileKeyring(), PlaintextKeyring()))

    assert keyring_problem().reason == "insecure"


def test_missing_dbus_counts_as_no_keyring(use_keyring: UseKeyring) -> None:
    use_keyring(NoDbusKeyring())

    problem = keyring_problem()

    assert problem.reason == "none"
    assert "DBUS_SESSION_BUS_ADDRESS" in str(problem)
    assert credentials.resolve("work", SETTINGS) is None


# Locked and hanging keyrings


@pytest.mark.parametrize("backend", [LockedKeyring, InitErrorKeyring])
def test_locked_keyring_is_said_and_the_fallback_offered(
    use_keyring: UseKeyring, backend: type[MemoryKeyring]
) -> None:
    use_keyring(backend())

    problem = keyring_problem()

    assert problem.reason == "locked"
    assert str(problem).startswith("keyring locked (")
    assert "--store file" in str(problem)


def test_locked_keyring_without_a_file_key_is_an_error_not_a_logout(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(LockedKeyring())

    with pytest.raises(KeyringUnavailable, match="cannot read the key of profile"):
        credentials.resolve("work", SETTINGS)


def test_locked_keyring_falls_back_to_the_file_key(use_keyring: UseKeyring) -> None:
    credentials.store("work", KEY, "file")
    use_keyring(LockedKeyring())

    found = credentials.resolve("work", SETTINGS)

    assert found is not None
    assert found.source == "file"


def test_hanging_keyring_gives_up_after_three_seconds(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(HangingKeyring())

    started = time.monotonic()
    problem = keyring_problem()
    elapsed = time.monotonic() - started

    assert 2.9 <= elapsed < 3.5
    assert problem.reason == "timeout"
    assert str(problem).startswith("keyring unavailable (timeout)")
    assert "--store file" in str(problem)


def test_after_one_timeout_the_keyring_is_not_waited_for_again(
    use_keyring: UseKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring_store, "TIMEOUT", 1.0)
    use_keyring(HangingKeyring())
    keyring_problem()

    started = time.monotonic()
    status = credentials.status("work", SETTINGS)

    assert time.monotonic() - started < 0.5
    assert "earlier in this run" in status.keyring
    assert status.problem is not None
    assert "timeout" in status.problem


def test_hanging_keyring_falls_back_to_the_file_key(
    use_keyring: UseKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.store("work", KEY, "file")
    monkeypatch.setattr(keyring_store, "TIMEOUT", 0.2)
    use_keyring(HangingKeyring())

    found = credentials.resolve("work", SETTINGS)

    assert found is not None
    assert found.source == "file"


HANGING_LOGIN = """
    import threading, time
    import keyring
    from keyring.backend import KeyringBackend

    class Hanging(KeyringBackend):
        priority = -1
        def get_password(self, *args):
            time.sleep(60)
        set_password = delete_password = get_password

    keyring.set_keyring(Hanging())
    from ratel_tui import credentials
    started = time.monotonic()
    try:
        credentials.store("work", "ratel_sk_test_" + "x" * 24)
    except credentials.KeyringUnavailable as exc:
        print(exc.reason, round(time.monotonic() - started, 1), flush=True)
"""


def test_a_hung_keyring_call_does_not_keep_the_process_alive() -> None:
    started = time.monotonic()

    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(HANGING_LOGIN)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=Path(__file__).parents[2],
    )

    assert done.returncode == 0, done.stderr
    reason, seconds = done.stdout.split()
    assert reason == "timeout"
    assert 2.9 <= float(seconds) <= 3.5
    assert time.monotonic() - started < 10


# The key file


def test_key_file_is_0600_in_a_0700_folder_and_keeps_other_profiles() -> None:
    credentials.store("home", OTHER_KEY, "file")

    credentials.store("work", KEY, "file")

    path = file_store.file_path()
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700
    assert file_store.read_key("home") == OTHER_KEY
    assert file_store.read_key("work") == KEY
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.toml"]


def test_key_file_write_is_atomic(monkeypatch: pytest.MonkeyPatch) -> None:
    credentials.store("work", KEY, "file")
    path = file_store.file_path()
    before = path.read_bytes()

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ratel_tui.settings.os.replace", fail)
    with pytest.raises(FileStoreError, match="cannot write: No space left"):
        credentials.store("work", OTHER_KEY, "file")

    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["credentials.toml"]


def test_shared_key_file_is_refused_with_the_fix(
    caplog: pytest.LogCaptureFixture,
) -> None:
    credentials.store("work", KEY, "file")
    path = file_store.file_path()
    path.chmod(0o644)

    with pytest.raises(FileStoreError) as caught:
        credentials.resolve("work", SETTINGS)

    message = str(caught.value)
    assert str(path) in message
    assert "mode 0644" in message
    assert f"chmod 600 {path}" in message
    assert mode_of(path) == 0o644
    assert message in caplog.text


def test_logout_removes_a_key_even_from_a_shared_file() -> None:
    credentials.store("work", KEY, "file")
    file_store.file_path().chmod(0o644)

    result = credentials.delete("work")

    assert result.removed == (f"the key file {file_store.file_path()}",)
    assert not file_store.file_path().exists()


def test_storing_in_the_file_removes_an_older_keyring_key(
    memory_keyring: MemoryKeyring,
) -> None:
    credentials.store("work", OTHER_KEY)

    credentials.store("work", KEY, "file")

    assert memory_keyring.items == {}
    found = credentials.resolve("work", SETTINGS)
    assert found is not None
    assert found.key.get_secret_value() == KEY


def test_broken_key_file_is_named_without_quoting_it() -> None:
    path = file_store.file_path()
    path.write_text(f'[keys]\nwork = "{KEY}\n')
    path.chmod(0o600)

    with pytest.raises(FileStoreError) as caught:
        credentials.resolve("work", SETTINGS)

    assert str(caught.value) == f"{path}: not a valid key file"


# Logout and status


def test_logout_clears_every_store_and_names_the_variable(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials.store("work", KEY, "file")
    memory_keyring.set_password("ratel-tui", "work", OTHER_KEY)
    monkeypatch.setenv("RATEL_API_KEY", KEY)

    result = credentials.delete("work")

    assert len(result.removed) == 2
    assert result.problems == (
        "RATEL_API_KEY is still set; `unset RATEL_API_KEY` to stop using it",
    )
    assert memory_keyring.items == {}


def test_logout_with_a_locked_keyring_says_it_was_not_cleared(
    use_keyring: UseKeyring,
) -> None:
    use_keyring(LockedKeyring())

    result = credentials.delete("work")

    assert result.removed == ()
    assert result.problems[0].startswith("the keyring was not cleared: keyring locked")


def test_status_names_the_backend_and_masks_the_key() -> None:
    credentials.store("work", KEY)

    status = credentials.status("work", SETTINGS)

    assert status.source == "keyring"
    assert status.masked == "ratel_sk_test_…5cde"
    assert status.keyring.endswith("conftest.MemoryKeyring")
    text = "\n".join(status.lines())
    assert "ratel_sk_test_…5cde from keyring tests.credentials.conftest" in text
    assert KEY not in text + repr(status)


def test_status_without_a_keyring_says_so(use_keyring: UseKeyring) -> None:
    use_keyring(fail.Keyring())

    status = credentials.status("work", SETTINGS)

    assert status.source is None
    assert status.problem is None
    assert status.keyring == "no system keyring (keyring.backends.fail.Keyring)"
    assert "key:     none stored (run `ratel-tui login`)" in status.lines()


def test_status_of_an_unknown_profile_is_a_problem_not_a_crash() -> None:
    status = credentials.status("nowhere", SETTINGS)

    assert status.api_url is None
    assert status.problem is not None
    assert "no profile named 'nowhere'" in status.problem


def test_resolve_uses_the_saved_profile_url() -> None:
    settings = save_profile("lab", "http://127.0.0.1:8000/v2", "ada")
    credentials.store("lab", KEY)

    found = credentials.resolve("lab", settings)

    assert found is not None
    assert found.api_url == "http://127.0.0.1:8000/v2"


# Masking and reading


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        (KEY, "ratel_sk_test_…5cde"),
        (OTHER_KEY, "ratel_sk_live_…8zab"),
        ("ratel_sk_test_short", "ratel_sk_test_…"),
        ("0123456789abcdefWXYZ", "…WXYZ"),
        ("tiny", "…"),
        (SecretStr(KEY), "ratel_sk_test_…5cde"),
    ],
)
def test_mask_shows_the_prefix_and_at_most_four_characters(
    key: str | SecretStr, masked: str
) -> None:
    assert mask(key) == masked


def test_read_key_takes_one_line_from_a_pipe() -> None:
    key = read_key(io.StringIO(f"  {KEY}\n"))

    assert key.get_secret_value() == KEY


def test_read_key_prompts_without_echo_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return KEY

    monkeypatch.setattr("getpass.getpass", getpass)

    assert read_key(Terminal()).get_secret_value() == KEY
    assert prompts == ["Ratel API key: "]


@pytest.mark.parametrize("text", ["", "\n", f"{KEY} {KEY}\n", f"{KEY}\x1b[0m"])
def test_read_key_refuses_what_is_not_a_key_without_quoting_it(text: str) -> None:
    with pytest.raises(CredentialError) as caught:
        read_key(io.StringIO(text))

    assert KEY not in str(caught.value)


# The key never shows


LEAKY_PATHS: list[Callable[[], KeyringBackend]] = [
    MemoryKeyring,
    fail.Keyring,
    null.Keyring,
    ForgetfulKeyring,
    LockedKeyring,
    InitErrorKeyring,
    NoDbusKeyring,
    EchoingKeyring,
    PlaintextKeyring,
]


@pytest.mark.parametrize("backend", LEAKY_PATHS, ids=lambda b: b.__name__)
def test_the_key_never_appears_in_reprs_logs_or_errors(
    backend: Callable[[], KeyringBackend],
    use_keyring: UseKeyring,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    use_keyring(backend())
    seen: list[str] = []

    def attempt(action: Callable[[], object]) -> None:
        try:
            result = action()
        except Exception as exc:  # noqa: BLE001 - every error path is examined
            seen.extend([str(exc), repr(exc), str(exc.__cause__), str(exc.__context__)])
        else:
            seen.extend([str(result), repr(result)])

    attempt(lambda: credentials.store("work", KEY))
    attempt(lambda: credentials.store("work", KEY, "file"))
    attempt(lambda: credentials.resolve("work", SETTINGS))
    attempt(lambda: credentials.status("work", SETTINGS))
    file_store.file_path().chmod(0o640)
    attempt(lambda: credentials.resolve("work", SETTINGS))
    monkeypatch.setenv("RATEL_API_KEY", KEY)
    attempt(lambda: credentials.resolve("work", SETTINGS))
    attempt(lambda: credentials.status("work", SETTINGS))
    attempt(lambda: credentials.delete("work"))

    records = [record.getMessage() for record in caplog.records]
    assert records, "expected some logging to examine"
    assert KEY not in "\n".join(seen + records)


def test_credential_repr_and_str_show_the_masked_key_only() -> None:
    credential = Credential("https://work.example/v2", SecretStr(KEY), "env", "x")

    assert KEY not in repr(credential)
    assert KEY not in str(credential)
    assert "ratel_sk_test_…5cde" in repr(credential)
