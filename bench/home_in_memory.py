"""What-if for the start-up case: pkgtui's real home screen with its data already in memory.

No HTTP at all (httpx is still imported, as pkgtui.app imports it): the client is a stand-in
that answers home's two questions at once. Started on the same pseudo-terminal as the app and
the bare Textual app, it shows what the screen itself costs, apart from the network and cache.
Run as a script (not ``-m``), like ``bare_app.py``.
"""

from __future__ import annotations

import sys

from pkgtui.api import Category, Grid
from pkgtui.app import create_app
from pkgtui.config import load_config

TITLES = sys.argv[1].split(",")


class InMemoryClient:
    """The part of pkgtui.api.Client that home uses."""

    def __init__(self) -> None:
        self.listeners: list = []
        self.cache = None  # no HTTP cache: nothing for the app to hand over to its store

    async def categories(self, refresh: bool = False) -> list[Category]:
        return [Category(id=i, title=title, slug=title.lower()) for i, title in enumerate(TITLES, start=1)]

    async def grids(self, refresh: bool = False) -> list[Grid]:
        return [Grid(id=i, title=f"Grid {i}", slug=f"grid-{i}") for i in range(1, 30)]

    async def aclose(self) -> None:
        pass


if __name__ == "__main__":
    create_app(load_config(use_cache=False), client=InMemoryClient()).run()  # type: ignore[arg-type]
