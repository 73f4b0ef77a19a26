"""Keyring backends that misbehave on purpose, and a guard for the real keyring."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import InitError, KeyringLocked, PasswordSetError

from ratel_tui.credentials import keyring_store

KEY = "ratel_sk_test_Zq8v3LmN0pXr7TsK2wYb5cde"
"""A key that looks real; no test output may ever contain it."""

OTHER_KEY = "ratel_sk_live_Hh4Jk9Pq2Rs6Tu1Vw3Xy8zab"
"""A second key, to tell stores apart."""


class MemoryKeyring(KeyringBackend):
    """A working keyring that lives in a dict."""

    # Below zero, so keyring never picks these test classes on its own.
    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.items[(service, username)]


class HangingKeyring(MemoryKeyring):
    """A keyring whose every call blocks for a minute, like a Secret Service
    waiting on an unlock prompt no one can see; `release` ends the wait."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(60)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(60)


class LockedKeyring(MemoryKeyring):
    """A Secret Service whose login collection stays locked."""

    def get_password(self, *args: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password  # type: ignore[assignment]


class InitErrorKeyring(MemoryKeyring):
    """A Secret Service without a login keyring and no display to prompt on."""

    def get_password(self, *args: str) -> str | None:
        raise InitError("Failed to create the collection: Prompt dismissed..")

    set_password = delete_password = get_password  # type: ignore[assignment]


class NoDbusKeyring(MemoryKeyring):
    """SecretService without D-Bus: a plain RuntimeError."""

    def get_password(self, *args: str) -> str | None:
        raise RuntimeError(
            "Unable to initialize SecretService: Environment variable "
            "DBUS_SESSION_BUS_ADDRESS is unset"
        )

    set_password = delete_password = get_password  # type: ignore[assignment]


class ForgetfulKeyring(MemoryKeyring):
    """Takes every key and keeps none, like `null` under another name."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class EchoingKeyring(MemoryKeyring):
    """A careless backend that puts the password in its error message."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password!r} for {username}")


class PlaintextKeyring(MemoryKeyring):
    """Looks like `keyrings.alt.file.PlaintextKeyring` to whoever inspects it."""

    __module__ = "keyrings.alt.file"


class CryptFileKeyring(MemoryKeyring):
    """Looks like `keyrings.cryptfile.cryptfile.CryptFileKeyring`."""

    __module__ = "keyrings.cryptfile.cryptfile"


def chained(*children: KeyringBackend) -> KeyringBackend:
    """A keyring `ChainerBackend` over exactly `children`."""
    from keyring.backends.chainer import ChainerBackend

    class FixedChainer(ChainerBackend):
        backends = list(children)

    return FixedChainer()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install an in-memory keyring for every test, so none ever reads or writes
    the keyring of whoever runs the suite; restore keyring's choice after."""
    previous = keyring.core._keyring_backend  # not get_keyring(): it would probe
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    keyring_store.forget_timeout()
    yield backend
    keyring_store.forget_timeout()
    keyring.core._keyring_backend = previous


@pytest.fixture(autouse=True)
def no_profile_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear RATEL_PROFILE, so the shell running the tests cannot pick a profile."""
    monkeypatch.delenv("RATEL_PROFILE", raising=False)


@pytest.fixture
def use_keyring() -> Iterator[Callable[[KeyringBackend], KeyringBackend]]:
    """`use_keyring(backend)` makes `backend` the keyring for this test; hanging
    backends are released at the end so their threads finish."""
    used: list[KeyringBackend] = []

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        used.append(backend)
        return backend

    yield use
    for backend in used:
        if isinstance(backend, HangingKeyring):
            backend.release.set()
