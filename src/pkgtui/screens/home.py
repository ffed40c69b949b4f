"""Home: the categories, every grid, and a search box.

Typing in the box filters the grids at once and, after a short pause, asks the API's
``search/?q=``; while the box holds text the categories give way to the search results.
"""

from __future__ import annotations

from typing import ClassVar, cast

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from ..api import APIError, Category, Grid, SearchResult
from ..filtering import filter_order, haystack
from ..format import format_count
from ..sorting import natural_key
from ..text import clean
from ..widgets import Column, FilterInput, VirtualTable
from .base import DataScreen

SEARCH_DEBOUNCE = 0.35  # seconds of no typing before the API is asked
DIM = Style(dim=True)  # a Style, not the name "dim": the table draws styled cells without Rich's parser


class HomeScreen(DataScreen):
    HELP_TITLE = "Home"
    FILTER_ID = "filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Clear search", show=False, id="home.clear"),
        Binding("backspace", "back", "Clear search", show=False, id="home.clear_backspace"),
    ]
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("tab", "Move between the search box and the lists"),
        ("enter", "In the search box: go to the results"),
    ]

    def __init__(self, search: str = "") -> None:
        super().__init__()
        self.initial_search = search.strip()
        self.categories: list[Category] = []
        self.grids: list[Grid] = []
        self.results: list[SearchResult] = []
        self._grid_haystacks: list[str] = []
        self._searched_for: str | None = None
        self._search_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield FilterInput(
            "Search packages and grids (/)",
            value=self.initial_search,
            id="filter",
            leave_to=self._query_leads_to,
        )
        with Vertical(id="categories-pane"):
            yield Static("Categories", classes="section-title", id="categories-title")
            yield VirtualTable(
                [
                    Column("Category", width=20),
                    Column("Packages", width=8, align="right"),
                    Column("Description", min_width=10),
                ],
                empty_text="No categories yet.",
                id="categories",
            )
        with Vertical(id="grids-pane"):
            yield Static("Grids", classes="section-title", id="grids-title", markup=False)
            yield VirtualTable(
                [
                    Column("Grid", width=28),
                    Column("Packages", width=8, align="right"),
                    Column("Description", min_width=10),
                ],
                empty_text="No grids yet.",
                id="grids",
            )
        with Vertical(id="results-pane"):
            yield Static("Search results", classes="section-title", id="results-title", markup=False)
            yield VirtualTable(
                [
                    Column("Title", width=24),
                    Column("Type", width=7, hide_below=70),
                    Column("Stars", width=7, align="right"),
                    Column("Category", width=12, hide_below=64),
                    Column("Description", min_width=10),
                ],
                empty_text="Type to search.",
                id="results",
            )

    def on_mount(self) -> None:
        self.sub_title = "Home"
        self._show_search_panes(bool(self.initial_search))
        if self.initial_search:
            self.query_one("#results", VirtualTable).focus()
        else:
            self.query_one("#categories", VirtualTable).focus()

    def on_screen_resume(self) -> None:
        # Package counts become known once a category screen has loaded the catalogue.
        if self.categories:
            self._fill_categories()

    # -- loading ---------------------------------------------------------------------------

    @work(exclusive=True, group="home", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        self.show_loading("Loading categories and grids…")
        started = self.pkgtui.take_home_data()  # asked for at start-up: the first load only
        try:
            categories, grids = await (started or self.pkgtui.fetch_home_data(refresh))
        except APIError as error:
            self.show_error(error)
            return
        self.categories = sorted(categories, key=lambda c: natural_key(clean(c.display_title)))
        self.grids = sorted(grids, key=lambda g: natural_key(clean(g.display_title)))
        self.pkgtui.session.add_categories(categories)
        self.pkgtui.session.add_grids(grids)
        self._grid_haystacks = [
            haystack(clean(g.title), clean(g.slug), clean(g.description)) for g in self.grids
        ]
        self.clear_message()
        self._fill_categories()
        self._fill_grids()
        query = self.query_text
        if query and (refresh or self._searched_for != query):
            self.search(query, refresh=refresh)

    def _fill_categories(self) -> None:
        session = self.pkgtui.session
        rows = [
            (
                clean(c.display_title),
                _count_text(session.category_count(c.id)),
                clean(c.description),
            )
            for c in self.categories
        ]
        table = self.query_one("#categories", VirtualTable)
        resized = table.row_count != len(rows)
        table.set_rows(rows, [c.id for c in self.categories])
        if resized:
            # This table is as tall as its rows (height: auto), and set_rows tells only its
            # scrollbar that the row count changed, so the screen must be asked to measure it
            # again. Home relied on the loading message going away to re-lay out the screen;
            # when the answer landed before that message was ever styled (home took an answer
            # that was just arriving), nothing changed on screen but the rows, and the table
            # kept the height it had while empty: "Categories (4)" above no rows.
            table.refresh(layout=True)
        self.query_one("#categories-title", Static).update(f"Categories ({len(self.categories)})")

    def _fill_grids(self) -> None:
        query = self.query_text
        shown = filter_order(range(len(self.grids)), self._grid_haystacks, query)
        rows = [
            (
                clean(self.grids[i].display_title),
                format_count(len(self.grids[i].package_ids)),
                clean(self.grids[i].description),
            )
            for i in shown
        ]
        table = self.query_one("#grids", VirtualTable)
        table.set_empty_text(f"No grid matches {query!r}." if query else "No grids.")
        table.set_rows(rows, [self.grids[i].id for i in shown])
        title = f"Grids ({len(shown)} of {len(self.grids)})" if query else f"Grids ({len(self.grids)})"
        self.query_one("#grids-title", Static).update(title)

    # -- search ----------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    @on(Input.Changed, "#filter")
    def _query_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        self._show_search_panes(bool(query))
        if self.grids:
            self._fill_grids()
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if not query:
            self.workers.cancel_group(self, "home-search")
            self._searched_for = None
            self._set_results([], "")
            return
        if query != self._searched_for:
            self.query_one("#results-title", Static).update(f"Searching for {query!r}…")
            self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self.search(query))

    def _query_leads_to(self) -> VirtualTable:
        """Where Enter in the search box goes: the results, or the categories when it is empty."""
        return self.query_one("#results" if self.query_text else "#categories", VirtualTable)

    @on(Input.Submitted, "#filter")
    def _query_submitted(self) -> None:
        query = self.query_text
        if query and query != self._searched_for:
            if self._search_timer is not None:
                self._search_timer.stop()
            self.search(query)

    @work(exclusive=True, group="home-search", exit_on_error=False)
    async def search(self, query: str, refresh: bool = False) -> None:
        self._search_timer = None
        title = self.query_one("#results-title", Static)
        title.update(f"Searching for {query!r}…")
        try:
            results = await self.pkgtui.client.search(query, refresh=refresh)
        except APIError as error:
            title.update(f"Search for {query!r} failed")
            self.show_error(error)
            return
        if query != self.query_text:
            return  # the box changed while we waited; a newer search is on its way
        if self.message.kind == "error":
            self.clear_message()
        self._searched_for = query
        self._set_results(results, query)

    def _set_results(self, results: list[SearchResult], query: str) -> None:
        self.results = results
        rows = [
            (
                clean(r.display_title),
                clean(r.item_type),
                format_count(r.repo_watchers) if r.item_type == "package" else "",
                clean(r.category),
                clean(r.description),
            )
            for r in results
        ]
        table = self.query_one("#results", VirtualTable)
        table.set_empty_text(f"Nothing found for {query!r}." if query else "Type to search.")
        table.set_rows(rows, keep_cursor=False)
        if query:
            self.query_one("#results-title", Static).update(f"Search results for {query!r} ({len(results)})")

    def _show_search_panes(self, searching: bool) -> None:
        self.query_one("#categories-pane").display = not searching
        self.query_one("#results-pane").display = searching

    # -- opening ---------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#categories")
    def _open_category(self, event: VirtualTable.Selected) -> None:
        self.pkgtui.open_screen("category", str(event.key))

    @on(VirtualTable.Selected, "#grids")
    def _open_grid(self, event: VirtualTable.Selected) -> None:
        self.pkgtui.open_screen("grid", str(event.key))

    @on(VirtualTable.Selected, "#results")
    def _open_result(self, event: VirtualTable.Selected) -> None:
        result = self.results[event.index]
        if not result.slug:
            self.notify("This result has no name to look up.", severity="warning")
            return
        kind = "grid" if result.item_type == "grid" else "package"
        self.pkgtui.open_screen(kind, result.slug)

    def action_back(self) -> None:
        """Esc on home clears the search (there is nothing to go back to)."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            box.focus()

    def focused_url(self) -> str | None:
        focused = self.focused
        if not isinstance(focused, VirtualTable) or focused.cursor_key is None:
            return None
        if focused.id == "categories":
            category = self.pkgtui.session.categories.get(cast(int, focused.cursor_key))
            return (
                self.pkgtui.site_url(f"/categories/{category.slug}/") if category and category.slug else None
            )
        if focused.id == "grids":
            grid = self.pkgtui.session.grids.get(cast(int, focused.cursor_key))
            return self.pkgtui.site_url(f"/grids/g/{grid.slug}/") if grid and grid.slug else None
        if focused.id == "results" and 0 <= focused.cursor < len(self.results):
            result = self.results[focused.cursor]
            return self.pkgtui.site_url(result.absolute_url) if result.absolute_url else None
        return None


def _count_text(count: int | None) -> Text | str:
    """A category's package count, or a dim mark until the catalogue has been loaded."""
    return Text("…", style=DIM) if count is None else format_count(count)
