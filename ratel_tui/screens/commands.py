"""The command palette's entries: every section and screen by name, and every
action of the screen in view (from its bindings, so nothing is left out)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from ratel_tui.screens.main import SECTIONS

if TYPE_CHECKING:
    from ratel_tui.app import RatelApp

_SKIP_ACTIONS = {"command_palette", "quit"}
"""Actions the palette has already (Textual's own "Quit" and the palette itself)."""


def commands_for(app: RatelApp, screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Commands for the palette opened over `screen`."""
    main = app.main
    if main is not None:
        for section in main.sections:
            key, name, _ = SECTIONS[section]
            yield SystemCommand(
                f"Go to {name}",
                f"Show the {name} section (key {key})",
                partial(app.run_action, f"section('{section}')"),
            )
        yield SystemCommand(
            "My profile", "Open your profile (key P)", app.action_my_profile
        )
    yield SystemCommand("Keys", "List the keys of this screen (key ?)", app.action_keys)
    seen = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action in _SKIP_ACTIONS:
            continue
        if binding.action.startswith("section(") or binding.description in seen:
            continue
        seen.add(binding.description)
        display = app.get_key_display(binding.__class__(key, binding.action))
        node = active.node
        yield SystemCommand(
            binding.description,
            f"{_place(node)} (key {display})",
            partial(_run, node, binding.action),
            discover=active.enabled,
        )


def _place(node: Any) -> str:
    name = type(node).__name__
    for suffix in ("Screen", "Section"):
        name = name.removesuffix(suffix)
    return name or "App"


async def _run(node: Any, action: str) -> None:
    await node.run_action(action)
