"""The settings file, `config.toml` in the config folder: profiles and their API URLs.

The models below are the reference of the file. A profile is a name and an
API URL; the key of a profile is never stored here (see `credentials`):

    default_profile = "work"

    [profiles.work]
    api_url = "https://api.ratel.foundation/v2"
    username = "ada"

A file that cannot be used raises `SettingsError` with one line naming the
file, the line when it can be found, the setting and the problem.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import tomli_w
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ratel_tui import paths
from ratel_tui.api.errors import InsecureUrlError
from ratel_tui.api.urls import check_base_url

CONFIG_FILE = "config.toml"
"""The name of the settings file inside the config folder."""

DEFAULT_PROFILE = "default"
"""The profile used when neither `--profile`, `RATEL_PROFILE` nor the file names one."""

DEFAULT_API_URL = "https://api.ratel.foundation/v2"
"""The API URL of the `default` profile when the file does not set one."""

PROFILE_ENV = "RATEL_PROFILE"
"""The environment variable that selects a profile when `--profile` is not given."""

_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class SettingsError(Exception):
    """The settings cannot be used; the message is one line, fit to show."""


class UnknownProfileError(SettingsError):
    """A profile was asked for that the settings file does not define."""


def check_api_url(url: str) -> str:
    """`url` normalised, if it is https, or http to this machine; else ValueError.

    The rule is the HTTP client's (`ratel_tui.api.urls`), so that no URL is
    saved that the client would then refuse.
    """
    try:
        return check_base_url(url)
    except InsecureUrlError as exc:
        raise ValueError(exc.message) from None


def check_profile_name(name: str) -> str:
    """`name` if it can name a profile (letters, digits, `_` and `-`, up to 64)."""
    if not _PROFILE_NAME.fullmatch(name):
        raise ValueError(
            f"not a valid profile name: {name!r} "
            "(use letters, digits, '_' and '-', up to 64 characters)"
        )
    return name


ProfileName = Annotated[str, AfterValidator(check_profile_name)]
"""A profile name as the models check it."""

ApiUrl = Annotated[str, AfterValidator(check_api_url)]
"""An API base URL as the models check it."""


class Profile(BaseModel):
    """One `[profiles.NAME]` table: where a Ratel account lives."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    api_url: ApiUrl
    """The API base URL, e.g. `https://api.ratel.foundation/v2`. It must use https;
    plain http is accepted for `localhost` and loopback addresses only (the
    sandbox)."""

    username: str | None = None
    """The user name the key belonged to at the last login; shown, never trusted."""


MODERATION_ACTIONS = ("approve", "remove", "dismiss", "escalate")
"""The decisions a moderation template may make."""


def check_template_action(action: str) -> str:
    """`action` if a moderation template may make that decision."""
    if action not in MODERATION_ACTIONS:
        raise ValueError(
            f"unknown action {action!r} (known: {', '.join(MODERATION_ACTIONS)})"
        )
    return action


def check_template_key(key: str) -> str:
    """`key` if it names a number key, "1" to "9"."""
    if key not in tuple("123456789"):
        raise ValueError(f'template keys are "1" to "9", not {key!r}')
    return key


class ModerationTemplate(BaseModel):
    """One `[moderation_templates."N"]` table: a decision and its note on key N."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    action: Annotated[str, AfterValidator(check_template_action)]
    """approve, remove, dismiss or escalate."""

    note: str = Field("", max_length=1_000)
    """The note sent with the decision."""


class Settings(BaseModel):
    """The whole of `config.toml`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    default_profile: ProfileName = DEFAULT_PROFILE
    """The profile used when neither `--profile` nor `RATEL_PROFILE` names one."""

    profiles: dict[ProfileName, Profile] = Field(default_factory=dict)
    """The profiles by name: `[profiles.NAME]` tables."""

    theme: str | None = None
    """The app's colour theme: one of Textual's (`textual-dark`, `textual-ansi`,
    …) or ours (`ratel`, `ratel-light`); the palette's "Theme" command sets it."""

    keys: dict[str, Any] = Field(default_factory=dict)
    """Key binding remaps, `binding id = "key"`; read by the app, not checked here."""

    moderation: dict[str, Any] = Field(default_factory=dict)
    """Moderation preferences; read by the app, not checked here."""

    moderation_templates: dict[
        Annotated[str, AfterValidator(check_template_key)], ModerationTemplate
    ] = Field(default_factory=dict)
    """Reason templates of the triage screen by number key, e.g.
    `[moderation_templates."1"]` with `action = "remove"` and `note = "Spam."`;
    the keys not set keep their defaults."""

    def profile(self, name: str) -> Profile:
        """The profile `name`; the `default` profile exists even if the file lacks it."""
        if name in self.profiles:
            return self.profiles[name]
        if name == DEFAULT_PROFILE:
            return Profile(api_url=DEFAULT_API_URL)
        raise UnknownProfileError(
            f"no profile named {name!r} in {settings_path()}; create it with "
            f"`ratel-tui login --profile {name} --url URL`"
        )


def settings_path() -> Path:
    """Where the settings file is: `config.toml` in the config folder."""
    return paths.config_dir() / CONFIG_FILE


def load_settings(path: Path | None = None) -> Settings:
    """The settings in `path` (default: `settings_path()`); defaults if it is absent."""
    path = settings_path() if path is None else path
    text = _read_text(path)
    if text is None:
        return Settings()
    return _validate(path, text, _parse(path, text))


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        if found is None:
            raise SettingsError(f"{path}: invalid TOML: {message}") from None
        where = f"line {found[1]}, column {found[2]}"
        problem = message[: found.start()]
        raise SettingsError(f"{path}: {where}: invalid TOML: {problem}") from None


def _validate(path: Path, text: str, data: Mapping[str, Any]) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(_describe(path, text, exc)) from None


def _describe(path: Path, text: str, exc: ValidationError) -> str:
    """One line for the first problem of `exc`, with the line it is on if found."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"] if part != "[key]")
    line = _line_of(text, loc)
    where = f"line {line}: " if line is not None else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}: {where}{'.'.join(loc)}: {_problem(first, loc)}{more}"


def _problem(error: Mapping[str, Any], loc: tuple[str, ...]) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        model = Profile if len(loc) == 3 and loc[0] == "profiles" else Settings
        return f"unknown setting (known: {', '.join(model.model_fields)})"
    if kind == "missing":
        return "required, but missing"
    message = message.removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """Best effort: the line of `text` that sets `loc`, else the header of the
    nearest table around it."""
    table: tuple[str, ...] = ()
    headers: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and not line.startswith("[["):
            table = _dotted(line.split("#")[0].strip().strip("[]"))
            headers.setdefault(table, number)
        elif "=" in line and table + _dotted(line.split("=", 1)[0]) == loc:
            return number
    for end in range(len(loc), 0, -1):
        if loc[:end] in headers:
            return headers[loc[:end]]
    return None


def _dotted(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def select_profile(flag: str | None, settings: Settings) -> str:
    """The profile to use: `--profile`, else `RATEL_PROFILE`, else `default_profile`."""
    name, origin = flag, "--profile"
    if not name:
        name, origin = os.environ.get(PROFILE_ENV), PROFILE_ENV
    if not name:
        return settings.default_profile
    try:
        return check_profile_name(name)
    except ValueError as exc:
        raise SettingsError(f"{origin}: {exc}") from None


def save_profile(
    name: str, api_url: str, username: str | None = None, *, path: Path | None = None
) -> Settings:
    """Add or replace profile `name` in the settings file; the new settings.

    Every other setting, known or not yet known, is kept; comments are not.
    A file that does not load is left alone and raises `SettingsError`.
    """
    try:
        check_profile_name(name)
        profile = Profile(api_url=api_url, username=username)
    except ValueError as exc:
        raise SettingsError(f"profile {name!r}: {_first_problem(exc)}") from None

    def change(data: dict[str, Any]) -> None:
        data.setdefault("profiles", {})[name] = profile.model_dump(exclude_none=True)

    return _update(path, change)


def set_default_profile(name: str, *, path: Path | None = None) -> Settings:
    """Make `name` the default profile in the settings file; the new settings."""
    try:
        check_profile_name(name)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None

    def change(data: dict[str, Any]) -> None:
        data["default_profile"] = name

    return _update(path, change)


def set_theme(name: str, *, path: Path | None = None) -> Settings:
    """Remember the app's theme in the settings file; the new settings."""

    def change(data: dict[str, Any]) -> None:
        data["theme"] = name

    return _update(path, change)


def _first_problem(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False, include_input=False)[0]
        loc = tuple(str(part) for part in first["loc"])
        return f"{'.'.join(loc)}: {_problem(first, loc)}"
    return str(exc)


def _update(path: Path | None, change: Callable[[dict[str, Any]], None]) -> Settings:
    """Load the file, apply `change` to its data, and write it back if still valid."""
    path = settings_path() if path is None else path
    text = _read_text(path)
    data = {} if text is None else _parse(path, text)
    if text is not None:
        _validate(path, text, data)

    change(data)
    settings = _validate(path, "", data)
    try:
        write_private_text(path, tomli_w.dumps(data))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return settings


def write_private_text(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically, readable by the owner only (0600).

    The text goes to a temporary file created 0600 beside `path`, is flushed
    to disk, then renamed over `path`, so a crash leaves the old or the new
    file, never half of one.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename is durable only once the folder itself is flushed; some
    # systems cannot open a folder for that, and then the rename is as good
    # as it gets.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def profile_lines(settings: Settings, active: str) -> list[str]:
    """One line per profile for `ratel-tui profiles`, the active one marked `*`."""
    names = sorted(set(settings.profiles) | {settings.default_profile, active})
    lines = []
    for name in names:
        mark = "*" if name == active else " "
        try:
            profile = settings.profile(name)
        except UnknownProfileError:
            lines.append(f"{mark} {name}  (not set up: run `ratel-tui login`)")
            continue
        user = f"  as {profile.username}" if profile.username else ""
        default = "  (default)" if name == settings.default_profile else ""
        lines.append(f"{mark} {name}  {profile.api_url}{user}{default}")
    return lines
