"""Home: the categories (placeholder until the browser issue lands)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, ListItem, ListView, Static

from ..api import APIError, Category
from ..text import clean


class HomeScreen(Screen):
    def __init__(self, search: str = "") -> None:
        super().__init__()
        self.search = search

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="status", markup=False)
        yield ListView(id="categories")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="home", exit_on_error=False)
    async def load(self) -> None:
        status = self.query_one("#status", Static)
        try:
            categories: list[Category] = await self.app.client.categories()
        except APIError as error:
            status.update(f"{error.message} — {error.hint}")
            return
        view = self.query_one("#categories", ListView)
        for category in categories:
            view.append(ListItem(Static(clean(category.display_title), markup=False)))
        status.update(f"{len(categories)} categories")
