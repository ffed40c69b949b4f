"""Which screen the TUI opens on: parsed by the CLI, read by the app (so neither imports the other)."""

from __future__ import annotations

import msgspec


class StartTarget(msgspec.Struct, frozen=True):
    """The screen the TUI opens on: ``kind`` is home, package, grid, category or search."""

    kind: str = "home"
    key: str = ""
