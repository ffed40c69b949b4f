"""Home: the user's bookmarks and recent screens, the categories, every grid, and a search box.

Typing in the box filters the grids at once and, after a short pause, asks the API's
``search/?q=``; while the box holds text the categories (and the user's lists) give way to
the search results. The bookmarks list starts with a "Compare (N)" entry when packages are
marked for comparing; ``H`` clears the recent list.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Static

from ..api import APIError, Category, Grid, Package, SearchResult
from ..api.errors import NotAskedOffline
from ..api.results import skipped_count
from ..filtering import filter_order, haystack
from ..format import format_count
from ..sorting import natural_key
from ..store import CategoryCount
from ..text import clean
from ..userdata import Kind, UserData
from ..widgets import Column, FilterInput, LazyRows, Pane, VirtualTable
from .base import COMPARE_MARK, DataScreen, Subject, compare_marked

if TYPE_CHECKING:
    from ..store.store import SearchResults

SEARCH_DEBOUNCE = 0.35  # seconds of no typing before the API is asked
API_SEARCH_CAP = 20  # the API's search/ answers at most this many hits
# Rows a local search lists (the title gives the whole count): no one scrolls past the first
# thousand hits of a query, and the compare marks' check reads their ids.
MAX_LOCAL_RESULTS = 1000
# A local search's hits are decoded this many at a time, as the table first draws one of them.
# Decoding all 1,000 on each keystroke made typing in home's search take p50 26 ms, p95 41 ms a
# key on 20,000 packages (bench search case, 2026-12-04; 20 ms of it decoding and building rows
# no one sees); a screen shows ~20.
RESULT_BLOCK = 50
DIM = Style(dim=True)  # a Style, not the name "dim": the table draws styled cells without Rich's parser
# Entries home lists of the user's bookmarks and history (the file keeps more: 1,000 and 100).
HOME_BOOKMARKS = 50
HOME_RECENT = 20
KIND_FROM = 36  # the lists' Kind column goes below this width, so names stay whole at 60 columns
COMPARE_ROW = ("compare", "")  # the key of the bookmarks list's "Compare (N)" entry
# A search hit's name is never cut while the description can give way: the Title column is as
# wide as the longest name shown, within these bounds.
TITLE_LEAST, TITLE_MOST = 12, 40


class HomeScreen(DataScreen):
    HELP_TITLE = "Home"
    FILTER_ID = "filter"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Clear search", show=False, id="home.clear"),
        Binding("backspace", "back", "Clear search", show=False, id="home.clear_backspace"),
        Binding("H", "clear_history", "Clear recent", show=False, id="home.clear_history"),
        # Listed by ? and in the palette; the footer keeps home's own keys.
        Binding("d", "readiness", "Django readiness", show=False, id="home.readiness"),
    ]
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("tab", "Move between the search box and the lists"),
        ("enter", "In the search box: go to the results"),
        ("b / m", "on a package or grid: bookmark it / mark a package for the compare list"),
    ]

    def __init__(self, search: str = "") -> None:
        super().__init__()
        self.initial_search = search.strip()
        self.categories: list[Category] = []
        self.grids: list[Grid] = []
        self.results: Sequence[SearchResult] = []
        # A local search's hits (the store's lazy results) while its results are shown.
        self._local_hits: SearchResults | None = None
        self._grid_haystacks: list[str] = []
        self._searched_for: str | None = None
        self._search_timer: Timer | None = None
        self._applied_query: str | None = None  # the box's text the screen shows (_apply_query)
        # Each category's package count from the local catalogue, when one is synced.
        self._store_counts: dict[int, int | None] = {}
        self._capped = False  # whether the API's search stopped at its cap
        self._results_status: str | None = None  # the words under the results, as shown
        # Unreadable items the API's lists and search answer left out (said on the status line).
        self._skipped_lists = 0
        self._skipped_results = 0
        self._has_yours = False  # whether there is anything of the user's to list
        # The user's lists as shown: (kind, slug) -> title, for b and m on their rows.
        self._yours: dict[Hashable, Subject] = {}
        # The compare list's slugs, for the ● on the search results that are on it.
        self._compared: frozenset[str] = frozenset()

    def compose_body(self) -> ComposeResult:
        yield FilterInput(
            "Search packages and grids (/)",
            value=self.initial_search,
            id="filter",
            leave_to=self._query_leads_to,
        )
        with Horizontal(id="yours-pane"):
            with Pane(id="bookmarks-pane"):
                yield Static("Bookmarks", classes="section-title", id="bookmarks-title", markup=False)
                yield VirtualTable(
                    [Column("Bookmark", min_width=12), Column("Kind", width=7, hide_below=KIND_FROM)],
                    empty_text="b on a package or grid bookmarks it.",
                    id="bookmarks",
                )
            with Pane(id="recent-pane"):
                yield Static("Recent", classes="section-title", id="recent-title", markup=False)
                yield VirtualTable(
                    [Column("Opened", min_width=12), Column("Kind", width=7, hide_below=KIND_FROM)],
                    empty_text="Packages and grids you open.",
                    id="recent",
                )
        with Pane(id="categories-pane"):
            yield Static("Categories", classes="section-title", id="categories-title", markup=False)
            yield VirtualTable(
                [
                    Column("Category", width=20),
                    Column("Packages", width=8, align="right"),
                    Column("Description", min_width=10),
                ],
                empty_text="No categories yet.",
                id="categories",
            )
        with Pane(id="grids-pane"):
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
        with Pane(id="results-pane"):
            yield Static("Search results", classes="section-title", id="results-title", markup=False)
            yield VirtualTable(
                [
                    Column("Title", width=24),
                    Column("Stars", width=7, align="right"),
                    Column("Category", width=12, hide_below=64),
                    Column("Description", min_width=10),
                ],
                empty_text="Type to search.",
                id="results",
            )
            yield Static("", id="results-status", markup=False)

    def on_mount(self) -> None:
        self.sub_title = "Home"
        # With a synced local catalogue, the first frame shows it: no request, no worker.
        self._from_store()
        self.watch(self.pkgtui, "catalogue_version", self._catalogue_changed, init=False)
        self._fill_yours(self.read_user_data())
        self._show_search_panes(bool(self.initial_search))
        if self.initial_search:
            self.query_one("#results", VirtualTable).focus()
        else:
            self.query_one("#categories", VirtualTable).focus()

    def on_screen_resume(self) -> None:
        # Package counts become known once a category screen has loaded the catalogue.
        if self.categories:
            self._fill_categories()
        # What was opened, bookmarked or marked on the screens above.
        self._fill_yours(self.read_user_data())

    # -- the user's lists ------------------------------------------------------------------

    def user_data_changed(self, data: UserData) -> None:
        self._fill_yours(data)

    def _fill_yours(self, data: UserData) -> None:
        """The Bookmarks list ("Compare (N)" first, then the newest bookmarks) and the Recent one."""
        self._yours = {}
        rows: list[tuple[str, str]] = []
        keys: list[Hashable] = []
        if data.compare:
            rows.append((f"Compare ({len(data.compare)})", "list"))
            keys.append(COMPARE_ROW)
        for mark in reversed(data.bookmarks[-HOME_BOOKMARKS:]):
            self._yours[(mark.kind, mark.slug)] = Subject(mark.kind, mark.slug, clean(mark.title))
            rows.append((clean(mark.title), mark.kind))
            keys.append((mark.kind, mark.slug))
        self.query_one("#bookmarks", VirtualTable).set_rows(rows, keys)
        count = len(data.bookmarks)
        shown = f"{HOME_BOOKMARKS} newest of {count:,}" if count > HOME_BOOKMARKS else f"{count:,}"
        self.query_one("#bookmarks-title", Static).update(f"Bookmarks ({shown})")
        recent = data.history[:HOME_RECENT]
        for visit in recent:
            self._yours.setdefault(
                (visit.kind, visit.slug), Subject(visit.kind, visit.slug, clean(visit.title))
            )
        self.query_one("#recent", VirtualTable).set_rows(
            [(clean(v.title), v.kind) for v in recent], [(v.kind, v.slug) for v in recent]
        )
        self.query_one("#recent-title", Static).update("Recent (H clears)" if recent else "Recent")
        self._has_yours = bool(data.compare or data.bookmarks or data.history)
        self._show_search_panes(bool(self.query_text))
        compared = frozenset(data.compare)
        if compared != self._compared:
            # m on a result (or on a screen above, seen on coming back): the marks follow.
            self._compared = compared
            if self.results:
                self._draw_results(keep_cursor=True)
                self._update_results_status()

    def action_clear_history(self) -> None:
        if self.change_user_data(lambda store: store.clear_history()) is not None:
            self.notify("Cleared the recent list.", timeout=3)

    # -- loading ---------------------------------------------------------------------------

    def _from_store(self) -> bool:
        """Fill home from the local catalogue, when one has been synced; say whether it was."""
        if not self.pkgtui.catalogue_synced() or self.pkgtui.store is None:
            return False
        store = self.pkgtui.store
        counts = store.category_counts()
        self._store_counts = {c.category.id: c.packages for c in counts}
        self._show(self._store_categories(counts), store.grids())
        return True

    @staticmethod
    def _store_categories(counts: list[CategoryCount]) -> list[Category]:
        return [c.category for c in counts]

    def _catalogue_changed(self, _version: int) -> None:
        """A background sync committed a new catalogue: show it in place."""
        if self._from_store():
            query = self.query_text
            if query:
                self.search(query)

    def _show(self, categories: list[Category], grids: list[Grid]) -> None:
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

    @work(exclusive=True, group="home", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        if self.pkgtui.catalogue_synced():
            if refresh:
                self.pkgtui.sync_catalogue()  # r: the whole catalogue again, in the background
            elif not self.categories:
                self._from_store()
            query = self.query_text
            if query and self._searched_for != query:
                self.search(query)
            return
        self.show_loading("Loading categories and grids…")
        started = self.pkgtui.take_home_data()  # asked for at start-up: the first load only
        try:
            categories, grids = await (started or self.pkgtui.fetch_home_data(refresh))
        except APIError as error:
            self.show_error(error)
            return
        # The lists come without the items that could not be read: the status line says how many.
        self._skipped_lists = skipped_count(categories) + skipped_count(grids)
        self.note_skipped(self._skipped_lists + self._skipped_results)
        self._show(categories, grids)
        self.set_timer(PRELOAD_AFTER, _import_grid_screen)
        query = self.query_text
        if query and (refresh or self._searched_for != query):
            self.search(query, refresh=refresh)

    def _fill_categories(self) -> None:
        session = self.pkgtui.session
        rows = [
            (
                clean(c.display_title),
                _count_text(self._store_counts.get(c.id, session.category_count(c.id))),
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
        self.query_one("#grids-title", Static).update(title, layout=False)  # one line, always

    # -- search ----------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    @on(Input.Changed, "#filter")
    def _query_changed(self, event: Input.Changed) -> None:
        self._apply_query(event.value.strip())

    def _apply_query(self, query: str) -> None:
        """The panes, the grids' filter and the search for ``query``, the box's text, once.

        Typed in one burst ("/otp⏎" arriving in one read, as keys typed while the app starts
        do, or over SSH), Enter is handled as it arrives (a priority binding, so the keys
        after it reach the list), before the box has taken the letters before it: Enter saw
        an empty box and sent the focus to the categories, which the letters then hid, and
        the focus went nowhere. So when the text comes to hide the list that has the focus,
        the focus goes where Enter would have sent it with the whole text."""
        if query == self._applied_query:
            return
        self._applied_query = query
        focused = self.focused
        hidden_lists = ("categories", "bookmarks", "recent")
        leaving = bool(query) and focused is not None and focused.id in hidden_lists
        self._show_query(query)
        if leaving:
            self.set_focus(self._leads_to(query))

    def _show_query(self, query: str) -> None:
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
            if self.pkgtui.catalogue_synced():
                self._search_locally(query)  # within the keystroke: no debounce, no request
                return
            self.query_one("#results-title", Static).update(f"Searching for {query!r}…")
            self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self.search(query))

    def _query_leads_to(self) -> VirtualTable:
        """Where Enter in the search box goes (see _leads_to), the box's text applied first."""
        query = self.query_text
        self._apply_query(query)
        return self._leads_to(query)

    def _leads_to(self, query: str) -> VirtualTable:
        """The categories when ``query`` is empty; else the results, unless the search for it
        found nothing and grids match it. A grid's name typed and Enter then lands on the
        grid, where it used to land on "Nothing found" with the grid one Shift+Tab away."""
        if not query:
            return self.query_one("#categories", VirtualTable)
        results = self.query_one("#results", VirtualTable)
        grids = self.query_one("#grids", VirtualTable)
        searched = self._searched_for == query  # else its results are on their way here
        if searched and not results.row_count and grids.row_count:
            return grids
        return results

    @on(Input.Submitted, "#filter")
    def _query_submitted(self) -> None:
        query = self.query_text
        if query and query != self._searched_for:
            if self._search_timer is not None:
                self._search_timer.stop()
            self.search(query)

    def _search_locally(self, query: str) -> None:
        """Search the whole local catalogue, ranked by the store (exact and prefix title
        matches first, then by stars), with no API cap; the table shows the first
        MAX_LOCAL_RESULTS and the title says how many there are."""
        store = self.pkgtui.store
        if store is None:
            return
        hits = store.search(query)
        count = min(len(hits), MAX_LOCAL_RESULTS)
        categories = {c.id: c for c in self.categories}
        read: set[int] = set()  # the blocks read (the hits keep what they decoded)

        def result(index: int) -> SearchResult:
            start = index - index % RESULT_BLOCK
            if start not in read:
                # The block the table is drawing, decoded in one read; the hits keep them.
                hits[start : min(count, start + RESULT_BLOCK)]
                read.add(start)
            package = hits[index]
            return _as_result(package, categories.get(package.category_id) if package.category_id else None)

        self._searched_for = query
        self._set_results(LazyRows(result, count), query, total=len(hits), hits=hits)

    @work(exclusive=True, group="home-search", exit_on_error=False)
    async def search(self, query: str, refresh: bool = False) -> None:
        self._search_timer = None
        if self.pkgtui.catalogue_synced() and not refresh:
            self._search_locally(query)
            return
        title = self.query_one("#results-title", Static)
        title.update(f"Searching for {query!r}…")
        try:
            results = await self.pkgtui.client.search(query, refresh=refresh)
        except APIError as error:
            offline = isinstance(error, NotAskedOffline)
            # Offline with nothing synced there is nothing to search: said as such, not as a failure.
            title.update(
                f"No local catalogue to search for {query!r}" if offline else f"Search for {query!r} failed"
            )
            self.query_one("#results", VirtualTable).set_empty_text(
                "Offline, search reads the local catalogue: run pkgtui sync while online." if offline else ""
            )
            self.show_error(error)
            return
        if query != self.query_text:
            return  # the box changed while we waited; a newer search is on its way
        if self.message.kind == "error":
            self.clear_message()
        self._searched_for = query
        self._skipped_results = skipped_count(results)
        self.note_skipped(self._skipped_lists + self._skipped_results)
        self._set_results(results, query)

    def _set_results(
        self,
        results: Sequence[SearchResult],
        query: str,
        *,
        total: int | None = None,
        hits: SearchResults | None = None,
    ) -> None:
        """Show ``results``: the API's hits, or a local search's (``hits``, read as drawn)."""
        self.results = results
        self._local_hits = hits
        local = hits is not None
        table = self.query_one("#results", VirtualTable)
        table.set_empty_text(f"Nothing found for {query!r}." if query else "Type to search.")
        self._draw_results(keep_cursor=False)
        if query and self.focused is table and (target := self._leads_to(query)) is not table:
            # Enter came before the answer (see _query_leads_to), which found nothing: on to
            # the grids the text matches.
            target.focus()
        self._capped = False
        if query:
            total = len(results) if total is None else total
            if local:
                count = f"{len(results):,} of {total:,}" if total > len(results) else f"{total:,}"
                where = " in the local catalogue"
            else:
                count, where = f"{total:,}", ""
                # The API's search stops at 20 hits; a synced catalogue has no such cap.
                self._capped = total >= API_SEARCH_CAP
            title = f"Search results for {query!r} ({count}){where}"
            self.query_one("#results-title", Static).update(title, layout=False)  # one line, always
        self._update_results_status()

    def _draw_results(self, *, keep_cursor: bool) -> None:
        """The results table's rows from ``self.results``, packages on the compare list marked;
        each row made when the table first draws it."""
        # The API names a hit's category by its singular title ("App"); every other screen
        # says the plural ("Apps"), as the categories list does.
        plural = {clean(c.title): clean(c.display_title) for c in self.categories if c.title}
        results, compared = self.results, self._compared

        def cells(index: int) -> tuple[Text | str, ...]:
            r = results[index]
            package = r.item_type == "package"
            title = clean(r.display_title)
            return (
                compare_marked(title) if package and r.slug in compared else title,
                format_count(r.repo_watchers) if package else "",
                plural.get(clean(r.category), clean(r.category)) if package else "grid",
                clean(r.description),
            )

        rows = LazyRows(cells, len(results))
        table = self.query_one("#results", VirtualTable)
        # Wide enough for the longest title of the first screenfuls (the API's 20 hits, all of
        # them): a longer one further down a local search's hits is cut with "…".
        longest = max((cell_len(str(row[0])) for row in rows[:RESULT_BLOCK]), default=0)
        title_width = max(TITLE_LEAST, min(TITLE_MOST, longest))
        if table.columns[0].width != title_width:
            table.columns[0] = Column("Title", width=title_width)
            table.set_labels([c.label for c in table.columns])  # and forget lines of the old widths
        table.set_rows(rows, keep_cursor=keep_cursor)

    def _compared_in_results(self) -> bool:
        """Whether a package on the compare list is among the results (their ● needs saying).
        A local search's are checked by id, without decoding its hits."""
        if not self._compared:
            return False
        hits, store = self._local_hits, self.pkgtui.store
        if hits is None or store is None:
            return any(r.item_type == "package" and r.slug in self._compared for r in self.results)
        ids = store.ids_by_slug("packages", self._compared).values()
        return not frozenset(ids).isdisjoint(hits.ids_until(len(self.results)))

    def _update_results_status(self) -> None:
        """Under the results: that the API capped them, and the columns this width hides."""
        parts = []
        if self._compared_in_results():
            parts.append(f"{COMPARE_MARK} compare list")
        if self._capped:
            parts.append(f"the API stops at {API_SEARCH_CAP} hits: pkgtui sync searches everything")
        table = self.query_one("#results", VirtualTable)
        if table.row_count and table.size.width and (hidden := table.hidden_columns()):
            parts.append(f"hidden: {', '.join(hidden)} (wider shows them)")
        text = " · ".join(parts)
        if text == self._results_status:
            return  # the same words: no new layout (its height follows its text) on each key
        self._results_status = text
        status = self.query_one("#results-status", Static)
        status.update(text)
        status.display = bool(parts)

    def on_resize(self) -> None:
        # The columns a width hides are named under the results: after the table has its new size.
        self.call_after_refresh(self._update_results_status)

    def _show_search_panes(self, searching: bool) -> None:
        self.query_one("#yours-pane").display = not searching and self._has_yours
        self.query_one("#categories-pane").display = not searching
        self.query_one("#results-pane").display = searching

    # -- opening ---------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#categories")
    def _open_category(self, event: VirtualTable.Selected) -> None:
        self.pkgtui.open_screen("category", str(event.key))

    @on(VirtualTable.Selected, "#grids")
    def _open_grid(self, event: VirtualTable.Selected) -> None:
        self.pkgtui.open_screen("grid", str(event.key))

    @on(VirtualTable.Selected, "#bookmarks")
    @on(VirtualTable.Selected, "#recent")
    def _open_yours(self, event: VirtualTable.Selected) -> None:
        if event.key == COMPARE_ROW:
            self.pkgtui.open_screen("compare", "")
        elif isinstance(event.key, tuple):
            kind, slug = event.key
            self.pkgtui.open_screen(kind, slug)

    @on(VirtualTable.Selected, "#results")
    def _open_result(self, event: VirtualTable.Selected) -> None:
        result = self.results[event.index]
        if not result.slug:
            self.notify("This result has no name to look up.", severity="warning")
            return
        kind = "grid" if result.item_type == "grid" else "package"
        self.pkgtui.open_screen(kind, result.slug)

    def action_readiness(self) -> None:
        self.pkgtui.open_screen("readiness", "")

    def action_back(self) -> None:
        """Esc on home clears the search (there is nothing to go back to)."""
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            box.focus()

    def subject(self) -> Subject | None:
        """The package or grid under the cursor of the focused list (categories are neither)."""
        focused = self.focused
        if not isinstance(focused, VirtualTable) or focused.cursor_key is None:
            return None
        key = focused.cursor_key
        if focused.id in ("bookmarks", "recent"):
            return self._yours.get(key)
        if focused.id == "grids":
            grid = self.pkgtui.session.grids.get(cast(int, key))
            return Subject.of_grid(grid) if grid is not None else None
        if focused.id == "results" and 0 <= focused.cursor < len(self.results):
            result = self.results[focused.cursor]
            kind: Kind = "grid" if result.item_type == "grid" else "package"
            return Subject(kind, result.slug, clean(result.display_title))
        return None

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


# Seconds after home's lists are shown before the grid screen's code is imported. Right after
# the refresh it still held up the first frame's output: first start 273 -> 288 ms, home with
# its data in memory 227 -> 255 ms (bench startup, 2026-12-02). A person takes longer than
# this to pick a grid.
PRELOAD_AFTER = 0.2


def _import_grid_screen() -> None:
    """The grid screen's code and API v3's, imported once home's lists are painted, while
    the user reads them. Opening a grid the store does not hold then sends its one v3
    request at once: imported on opening, they came before it (~20 ms of the 100 ms a grid
    of 40 took to open at 50 ms latency, bench ``grid`` case, load 0.6)."""
    from .. import readiness  # noqa: F401 - the grid's legend asks it for the Django versions
    from ..store import members  # noqa: F401
    from . import grid  # noqa: F401


def _count_text(count: int | None) -> Text | str:
    """A category's package count, or a dim mark until the catalogue has been loaded."""
    return Text("…", style=DIM) if count is None else format_count(count)


def _as_result(package: Package, category: Category | None) -> SearchResult:
    """A package of the local catalogue in the shape of an API search hit, for the results table."""
    return SearchResult(
        item_type="package",
        title=package.title,
        slug=package.slug,
        description=package.repo_description,
        category=category.display_title if category else "",
        absolute_url=f"/packages/p/{package.slug}/" if package.slug else "",
        repo_watchers=package.repo_watchers,
        repo_forks=package.repo_forks,
    )
