"""A second floor for start-up: the bare app, but its label shows the categories, fetched first.

The least any app can do that paints the categories of a first start through pkgtui's HTTP
stack: it imports Textual and pkgtui's API client (httpx, httpcore, msgspec), asks for
``categories/`` with no cache, and paints their titles in one label. No home screen, no
tables, no footer. The start-up case compares it with the one-label app: the gap is the
price of the HTTP stack alone, before pkgtui draws anything of its own.

Run as a script (not ``-m``), like ``bare_app.py``: ``bare_fetch_app.py API_URL``.
"""

from __future__ import annotations

import sys

from textual import work
from textual.app import App, ComposeResult
from textual.widgets import Label

from pkgtui.api import open_client
from pkgtui.text import clean


class BareFetchApp(App[None]):
    def __init__(self, api_url: str) -> None:
        super().__init__()
        self.client = open_client(api_url)  # no cache_file: no cache

    def compose(self) -> ComposeResult:
        yield Label("", markup=False)  # titles from the server, shown literally

    def on_mount(self) -> None:
        self.fetch()

    @work
    async def fetch(self) -> None:
        categories = await self.client.categories()
        self.query_one(Label).update(" ".join(clean(category.display_title) for category in categories))

    async def on_unmount(self) -> None:
        await self.client.aclose()


if __name__ == "__main__":
    BareFetchApp(sys.argv[1]).run()
