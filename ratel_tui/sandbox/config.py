"""The options a sandbox server runs with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 8787
"""Where `ratel-tui sandbox` listens unless told otherwise."""

DEFAULT_SEED = 7
"""The world seed when none is given."""

DEFAULT_POSTS = 400
"""How many posts a seeded world has when none is given."""


@dataclass(slots=True)
class SandboxConfig:
    """Everything `ratel-tui sandbox` can be told, with its defaults."""

    db_path: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    seed: int = DEFAULT_SEED
    posts: int = DEFAULT_POSTS
    reset: bool = False
    latency_ms: float = 0.0
    """Mean delay added to every answer; each is drawn from 0.5x to 1.5x of it."""
    fail_rate: float = 0.0
    """Share of answers turned into a 500, a 503 or a dropped connection."""
    rate_limit: bool = False
    """Enforce the contract's rate limits (429); the headers are sent either way."""
    public: bool = False
    """Allow a host other than loopback."""
    keys_file: Path | None = None
    fault_seed: int | None = None
    """Seed of the fault and latency draws, for reproducible fault tests."""
    access_log: bool = True
    features: frozenset[str] | None = field(default=None)
    """Which [ext] groups to serve; None serves all of them (tests of Part A
    clients pass an empty set)."""
