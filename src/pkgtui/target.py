"""Which screen the TUI opens on: parsed by the CLI, read by the app (so neither imports the other)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartTarget:
    """The screen the TUI opens on: ``kind`` is home, package, grid, category or search."""

    kind: str = "home"
    key: str = ""
