"""The system keyring, used with care: no plaintext backends, no prompts, no hangs.

keyring picks a backend by itself, and on a headless box it picks badly: a
`fail` backend that raises, a `null` one that drops what it is given, or a
file backend from `keyrings.alt`/`keyrings.cryptfile` that stores keys
unprotected or asks for a passphrase on the terminal. Only a real system
keyring is used here; anything else is reported as `KeyringUnavailable`.

Every call runs in a daemon thread and is given up after `TIMEOUT` seconds: a
locked or absent Secret Service can block forever, and a daemon thread does
not keep the process from exiting. After one timeout the keyring counts as
unavailable for the rest of the process instead of being waited for again.
A backend that asks for a passphrase with `getpass` inside that thread is
stopped before it writes to the terminal (`_no_prompts`).
"""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import InitError, KeyringLocked, PasswordDeleteError

from ratel_tui.credentials.model import KeyringUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE = "ratel-tui"
"""The keyring service name; the user name is the profile."""

TIMEOUT = 3.0
"""Seconds any keyring call may take before it counts as unavailable."""

_INSECURE_MODULES = ("keyrings.alt", "keyrings.cryptfile")
_INSECURE_CLASSES = frozenset(
    {"EncryptedKeyring", "PlaintextKeyring", "CryptFileKeyring"}
)


_THREAD = "ratel-keyring"
"""The name of the threads keyring calls run in."""


class _PromptRefused(Exception):
    """A keyring backend asked for a passphrase on the terminal."""


def _no_prompts(ask: Callable[..., str]) -> Callable[..., str]:
    """`getpass.getpass`, refusing in keyring threads: a prompt there would be
    written over the running app and read its keys."""

    def guarded(*args: Any, **kwargs: Any) -> str:
        if threading.current_thread().name == _THREAD:
            raise _PromptRefused("the keyring asked for a passphrase on the terminal")
        return ask(*args, **kwargs)

    guarded.__wrapped__ = ask  # type: ignore[attr-defined]
    return guarded


if not hasattr(getpass.getpass, "__wrapped__"):
    getpass.getpass = _no_prompts(getpass.getpass)


class _State:
    """What this process learnt about the keyring: the backend that hung, if any."""

    hung: str | None = None


def forget_timeout() -> None:
    """Try the keyring again after a timeout (for tests, or after the user fixed it)."""
    _State.hung = None


def backend_name(backend: object) -> str:
    """The dotted class path of a backend, as keyring's own config names it."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def get_key(profile: str) -> tuple[str | None, str]:
    """The key of `profile` in the keyring (None if absent), and the backend name."""
    return _run(lambda backend: backend.get_password(SERVICE, profile))


def set_key(profile: str, key: str) -> str:
    """Store the key of `profile`, read it back, and return the backend name.

    Raises `KeyringUnavailable` with reason `not-kept` when the backend took
    the key but does not return it (a `null`-like backend).
    """

    def write(backend: KeyringBackend) -> bool:
        backend.set_password(SERVICE, profile, key)
        return bool(backend.get_password(SERVICE, profile) == key)

    kept, name = _run(write, secret=key)
    if not kept:
        raise KeyringUnavailable(
            "not-kept",
            name,
            f"the keyring did not keep the key ({name} accepted it, "
            "but reading it back gave something else)",
        )
    log.info("stored the key of profile %s in %s", profile, name)
    return name


def delete_key(profile: str) -> tuple[bool, str]:
    """Remove the key of `profile`; whether there was one, and the backend name."""

    def remove(backend: KeyringBackend) -> bool:
        if backend.get_password(SERVICE, profile) is None:
            return False
        try:
            backend.delete_password(SERVICE, profile)
        except PasswordDeleteError:
            return False
        return True

    return _run(remove)


def describe() -> str:
    """The keyring in use, or why there is none usable, in one line."""
    try:
        _, name = _run(lambda backend: None)
    except KeyringUnavailable as exc:
        return str(exc)
    return name


def _run(
    operation: Callable[[KeyringBackend], T], secret: str | None = None
) -> tuple[T, str]:
    """`operation` on the usable backend in a daemon thread, within `TIMEOUT`."""
    if _State.hung is not None:
        raise _timeout(_State.hung, earlier=True)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            backend = _usable(keyring.get_keyring())
            box["backend"] = backend_name(backend)
            box["value"] = operation(backend)
        except Exception as exc:  # noqa: BLE001 - every failure is mapped below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name=_THREAD, daemon=True).start()
    if not done.wait(TIMEOUT):
        _State.hung = box.get("backend", "the keyring")
        raise _timeout(_State.hung, earlier=False)
    if "error" in box:
        raise _translate(box["error"], box.get("backend", "the keyring"), secret)
    return box["value"], box["backend"]


def _usable(backend: KeyringBackend) -> KeyringBackend:
    """`backend`, or the first usable one it chains; raises if there is none."""
    candidates: list[KeyringBackend] = [backend]
    if isinstance(backend, ChainerBackend):
        candidates = list(backend.backends)
    refusals = []
    for candidate in candidates:
        refusal = _refusal(candidate)
        if refusal is None:
            return candidate
        refusals.append(refusal)
    if refusals:
        raise refusals[0]
    raise KeyringUnavailable(
        "none", backend_name(backend), "no system keyring (no keyring backend found)"
    )


def _refusal(backend: KeyringBackend) -> KeyringUnavailable | None:
    """Why `backend` must not hold a key, or None if it is a real system keyring."""
    name = backend_name(backend)
    module = type(backend).__module__
    if module == "keyring.backends.fail":
        return KeyringUnavailable("none", name, f"no system keyring ({name})")
    if module == "keyring.backends.null":
        return KeyringUnavailable(
            "disabled",
            name,
            f"no usable system keyring: it is disabled ({name}, "
            "set by `keyring --disable` or PYTHON_KEYRING_BACKEND)",
        )
    if module.startswith(_INSECURE_MODULES) or type(backend).__name__ in (
        _INSECURE_CLASSES
    ):
        return KeyringUnavailable(
            "insecure",
            name,
            f"no usable system keyring: {name} keeps keys in a file without "
            "real protection or asks for a passphrase on the terminal, "
            "so ratel-tui does not use it",
        )
    return None


def _timeout(name: str, *, earlier: bool) -> KeyringUnavailable:
    when = " earlier in this run" if earlier else ""
    return KeyringUnavailable(
        "timeout",
        name,
        f"keyring unavailable (timeout): {name} did not answer within "
        f"{TIMEOUT:g} s{when}",
    )


def _translate(exc: Exception, name: str, secret: str | None) -> KeyringUnavailable:
    """The `KeyringUnavailable` for an error raised by keyring or a backend."""
    if isinstance(exc, KeyringUnavailable):
        return exc
    detail = _one_line(str(exc) or type(exc).__name__, secret)
    log.debug("keyring %s failed: %s: %s", name, type(exc).__name__, detail)
    if isinstance(exc, _PromptRefused):
        return KeyringUnavailable(
            "insecure",
            name,
            f"keyring not used: {name} asks for a passphrase on the terminal",
        )
    if isinstance(exc, ValueError) and "MAC check failed" in detail:
        return KeyringUnavailable(
            "locked", name, f"keyring locked: wrong passphrase ({name})"
        )
    if isinstance(exc, KeyringLocked | InitError):
        return KeyringUnavailable("locked", name, f"keyring locked ({name}: {detail})")
    if isinstance(exc, RuntimeError):
        # NoKeyringError is a RuntimeError, and so is SecretService's
        # "Unable to initialize" when D-Bus is missing.
        return KeyringUnavailable("none", name, f"no system keyring ({name}: {detail})")
    return KeyringUnavailable(
        "error", name, f"keyring error ({name}: {type(exc).__name__}: {detail})"
    )


def _one_line(text: str, secret: str | None) -> str:
    """`text` on one line, with `secret` cut out should a backend have echoed it."""
    if secret:
        text = text.replace(secret, "…")
    return " ".join(text.split())
