"""Save SVG screenshots of the main screens to `screenshots/`, in a sandbox world
pinned in time (the scenes of the snapshot tests), so they change only when
the screens do.

Run from the repository root: `.venv/bin/python scripts/screenshots.py`.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: the scenes live in the test package."""

sys.path.insert(0, str(ROOT))

from tests.tui import scenes_deliberation, scenes_moderation, scenes_oracle  # noqa: E402
from tests.tui import snapshot_world as world  # noqa: E402

AREA_SCENES = {
    "deliberation_results": scenes_deliberation.SCENES["deliberation_results"],
    "deliberation_survey": scenes_deliberation.SCENES["deliberation_survey"],
    "deliberation_discussion": scenes_deliberation.SCENES["deliberation_discussion"],
    "verification": scenes_oracle.SCENES["verification"],
    "verification_new": scenes_oracle.SCENES["verification_new"],
    "triage": scenes_moderation.SCENES["triage"],
    "triage_log": scenes_moderation.SCENES["triage_log"],
}
"""The screens of deliberations, the oracle and moderation that get a shot."""

OUT = ROOT / "screenshots"
"""Where the SVGs go."""

SHOTS = [
    *((name, name, (120, 40), True) for name in world.SIGNED_IN_SCENES),
    *((name, name, (120, 40), True) for name in AREA_SCENES),
    ("deliberation_results-80x24", "deliberation_results", (80, 24), True),
    ("triage-80x24", "triage", (80, 24), True),
    ("feed-80x24", "feed", (80, 24), True),
    ("feed-ansi", "feed_ansi", (120, 40), True),
    ("welcome", "welcome", (120, 40), False),
    ("start-error", "start_error", (120, 40), False),
]
"""(file name, scene, terminal size, signed in) of every screenshot."""

SCENES = {
    **world.SIGNED_IN_SCENES,
    **AREA_SCENES,
    "feed_ansi": world.feed_ansi,
    "welcome": world.welcome,
    "start_error": world.start_error,
}
"""Every scene by name."""

KEY_LIKE = re.compile(r"ratel_sk_[A-Za-z0-9_]{8,}")
"""Anything shaped like an API key (the welcome's placeholder `ratel_sk_…` is not)."""


def private_home(base: Path) -> None:
    """Point config, data, cache and keyring at a scratch place, so the app
    neither reads nor changes the settings and cache of whoever runs this."""
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
    ):
        os.environ[name] = str(base / name.lower())
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


async def shoot(name: str, scene: str, size: tuple[int, int]) -> Path:
    """Run the app through `scene` at `size` and save `screenshots/<name>.svg`."""
    app = world.PinnedStatusApp()
    async with app.run_test(size=size) as pilot:
        await SCENES[scene](pilot)
        saved = app.save_screenshot(filename=f"{name}.svg", path=str(OUT))

    return Path(saved)


TEXT_SPAN = re.compile(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>')
"""One run of text in Rich's SVG, at its position."""


def screen_text(svg: str) -> str:
    """The lines of text an SVG shows: Rich splits a line into a span per style
    (a key could be cut in two by the cursor), so spans are joined by row."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in TEXT_SPAN.findall(svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    return "\n".join("".join(t for _, t in sorted(rows[y])) for y in sorted(rows))


def check_no_secret(path: Path, keys: list[str]) -> None:
    """Stop if a screenshot holds a key of the sandbox or anything key-shaped."""
    svg = path.read_text()
    text = screen_text(svg).replace("\xa0", " ")
    if any(KEY_LIKE.search(t) or any(k in t for k in keys) for t in (svg, text)):
        path.unlink()
        raise SystemExit(f"{path.name} showed an API key; removed it")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, world.frozen_clocks():
        base = Path(scratch)
        server = world.start_frozen_sandbox(base / "world.db")
        try:
            keys = [server.key_for(user) for user in ("ada", "june")]
            for number, (name, scene, size, signed_in) in enumerate(SHOTS):
                private_home(base / f"home{number}")
                os.environ.pop("RATEL_API_URL", None)
                os.environ.pop("RATEL_API_KEY", None)
                if signed_in or scene == "start_error":
                    os.environ["RATEL_API_URL"] = server.url
                    os.environ["RATEL_API_KEY"] = (
                        keys[0] if signed_in else world.REVOKED_KEY
                    )
                path = asyncio.run(shoot(name, scene, size))
                check_no_secret(path, keys)
                print(f"{path.relative_to(ROOT)}  {size[0]}x{size[1]}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
