"""Category: the packages of one category, loaded from the whole catalogue page by page.

API v4 cannot filter packages by category, so every page of ``packages/`` is fetched
(concurrently, by the client) and this category's packages kept. Rows appear as pages
arrive, under a progress bar. Sorting and filtering work on precomputed keys so they
stay within a frame for thousands of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from .. import gc_pauses
from ..api import APIError, Category, Package
from ..api.results import Page, Started
from ..filtering import FilterMemo, haystack
from ..format import count_of, format_count, format_date, sparkline
from ..sorting import SortSpec, sort_arrow, sort_labels, sort_order
from ..text import clean, is_web_url
from ..widgets import Column, FilterInput, LoadProgress, Subset, VirtualTable
from ..widgets.redraw import RedrawThrottle
from .base import DataScreen, Subject

# While the catalogue loads, the rows are redrawn at most this often (seconds).
REDRAW_INTERVAL = 0.1

# Every sort puts equal keys in the order of the lower-case names, A–Z, whichever its direction.
BY_NAME: SortSpec[Package] = SortSpec("name", lambda p: clean(p.display_title).casefold(), column=0)
SORTS: list[SortSpec[Package]] = [
    SortSpec("stars", lambda p: p.stars, descending=True, column=1),
    BY_NAME,  # its keys are the rows' names, made as the rows are (see _sorted)
    SortSpec("forks", lambda p: p.repo_forks, descending=True, column=2),
    SortSpec("last commit", lambda p: p.last_updated, descending=True, column=3),
    SortSpec(
        "52-week commits", lambda p: p.commits_total if p.commits_over_52 else None, descending=True, column=4
    ),
]

COLUMNS = [
    Column("Package", min_width=12),
    Column("Stars", width=7, align="right"),
    Column("Forks", width=6, align="right", hide_below=66),
    Column("Last commit", width=11),
    Column("52 wk", width=6, align="right"),
    Column("Activity", width=13, hide_below=96),
    Column("Description", hide_below=110),
]


class PackageRow(Sequence[str]):
    """A package's cells (see :data:`COLUMNS`), formatted when first drawn.

    Of thousands of rows only a screenful is ever drawn, so counts, dates and sparklines are
    formatted on demand; the cleaned title and description (also searched) are made at once.
    """

    __slots__ = ("_cells", "description", "package", "title")

    def __init__(self, package: Package) -> None:
        self.package = package
        self.title = clean(package.display_title)
        self.description = clean(package.repo_description)
        self._cells: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._cells is None:
            package = self.package
            self._cells = (
                self.title,
                format_count(package.stars),
                format_count(package.repo_forks),
                format_date(package.last_updated),
                format_count(package.commits_total) if package.commits_over_52 else "–",
                sparkline(package.commits_over_52[-13:]) if package.commits_over_52 else "",
                self.description,
            )
        return self._cells

    def __getitem__(self, index):  # int or slice, as a tuple
        return self._all()[index]

    def __len__(self) -> int:
        return len(COLUMNS)


class CategoryScreen(DataScreen):
    HELP_TITLE = "Category"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", id="category.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="category.reverse_sort"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.category: Category | None = None
        self.packages: list[Package] = []
        self._rows: list[PackageRow] = []
        self._haystacks: list[str] = []  # row by row, built when first needed (_build_haystacks)
        self._names: list[str] = []
        self._ids: list[int] = []  # the table's keys, a row each
        self._order: list[int] | None = None  # all rows, sorted; None until needed
        self._sort_keys: dict[int, list] = {}  # sort index -> one key a row, computed once
        self.sort_index = 0
        self.reverse = False
        self.complete = False
        self._filter_memo = FilterMemo()  # remembers results while the rows and their order stay
        # While the catalogue loads, rows and progress are drawn at most every REDRAW_INTERVAL.
        self._redraws = RedrawThrottle(self, REDRAW_INTERVAL, self._draw_loading, name="category redraw")
        self._scanned: tuple[int, int] | None = None  # catalogue packages (read, in all) while loading
        self._froze = False  # whether the catalogue was taken out of the collector's scans

    def compose_body(self) -> ComposeResult:
        yield Static("", id="category-description", markup=False)
        yield LoadProgress(id="progress")
        yield FilterInput("Filter packages (/)", id="filter", leave_to=lambda: self.query_one("#packages"))
        yield VirtualTable(COLUMNS, empty_text="No packages yet.", id="packages")
        yield Static("", id="summary", markup=False)

    def on_mount(self) -> None:
        # Opened from home, the category is known already: its title and description go in
        # the first frame, and its answer from the API then changes nothing on screen (the
        # header and a description arriving later cost a re-layout of the whole screen,
        # right when the first catalogue page was due).
        known = self.pkgtui.session.find_category(self.key)
        if known is not None:
            self._set_category(known)
        else:
            self.sub_title = f"Category {self.key}"
        self.query_one("#packages", VirtualTable).focus()
        self._update_labels()
        # Filter as the value changes, within the keystroke's own handling, so the rows are
        # repainted in the same frame as the box (an Input.Changed message arrives after that
        # frame and costs a second one).
        self.watch(self.query_one("#filter", Input), "value", self._filter_changed, init=False)

    # -- loading ---------------------------------------------------------------------------

    def prefetch(self) -> None:
        store = self.catalogue
        if store is not None and store.category(self.key) is not None:
            return  # show_cached draws it from the local catalogue, with no request
        refresh = self.first_refresh
        client = self.pkgtui.client
        self.start_early("category", client.category(self.key, refresh=refresh))
        if refresh or self.pkgtui.session.catalogue is None:
            self.keep_early("pages", Started(client.iter_package_pages(refresh=refresh)))

    def show_cached(self) -> bool:
        """From the local catalogue, before the first frame: the category and all its
        packages, with no request. Kept fresh by the background sync (``catalogue_max_age``);
        ``r`` loads from the API."""
        store = self.catalogue
        category = store.category(self.key) if store is not None else None
        if store is None or category is None:
            return False
        self._set_category(category)
        self.complete = False
        self._set_packages([])
        self._add_packages(store.category_packages(category.id))
        self._finish_loading()
        self.shown_from_store = True
        return True

    @work(exclusive=True, group="category", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        self.shown_from_store = False
        # The catalogue does not depend on the category: when it is needed, its first page is
        # asked for now (or was, by prefetch), so that round trip overlaps the category's own.
        known = None if refresh else self.pkgtui.session.catalogue
        early: Started[Page[Package]] | None = self.take_early("pages")
        pages = None
        if known is None:
            pages = early or Started(self.pkgtui.client.iter_package_pages(refresh=refresh))
        elif early is not None:
            await early.aclose()
        try:
            await self._load(refresh, known, pages)
        finally:
            if pages is not None:
                await pages.aclose()

    async def _load(
        self, refresh: bool, known: list[Package] | None, pages: Started[Page[Package]] | None
    ) -> None:
        """``known``: the catalogue already loaded, or None and ``pages`` to load it from."""
        client = self.pkgtui.client
        session = self.pkgtui.session
        progress = self.query_one("#progress", LoadProgress)
        if self.category is not None and pages is not None:  # known from home (see on_mount)
            self.show_loading(_scanning_text(self.category))
        else:
            self.show_loading(f"Loading category {self.key!r}…")
        try:
            category = await (self.take_early("category") or client.category(self.key, refresh=refresh))
        except APIError as error:
            self.show_error(error)
            return
        self._set_category(category)
        self.complete = False  # first: the emptied table says "No packages yet.", not "none"
        self._set_packages([])

        if known is not None:
            self._add_packages([p for p in known if p.category_id == category.id])
            self._finish_loading()
            return
        assert pages is not None

        self.show_loading(_scanning_text(category))
        scanned = 0
        everything: list[Package] = []
        self._stop_redraws()  # one left from a load that was cancelled: this one starts afresh
        try:
            async for page in pages:
                scanned += len(page.items)
                everything.extend(page.items)
                session.add_packages(page.items)
                self._add_packages([p for p in page.items if p.category_id == category.id], redraw=False)
                self._scanned = (min(scanned, page.count), page.count)
                self._redraws.request()
                if self.message.kind == "loading":
                    self.clear_message()
        except APIError as error:
            self._stop_redraws()
            self.show_error(error)
            self._update_summary()
            return
        session.set_catalogue(everything)
        self._stop_redraws()
        progress.finish()
        self._finish_loading()
        # While this screen is up, take the catalogue (thousands of packages and their rows)
        # out of the garbage collector's scans: full passes over it were the slowest
        # keystrokes of the filter. on_unmount gives it back, so nothing leaks. After the
        # rows are painted: the young collection it starts with takes a few milliseconds.
        self.call_after_refresh(self._freeze_catalogue)

    def _freeze_catalogue(self) -> None:
        if self.is_attached:  # not if the screen was closed before the paint
            gc_pauses.freeze_survivors()
            self._froze = True

    async def on_unmount(self) -> None:
        if self._froze:
            gc_pauses.release()
            self.pkgtui.refreeze_soon()

    def _draw_loading(self) -> None:
        # Pages arrive in bursts: sorting and drawing thousands of rows, and painting a
        # frame, once per page would cost more than the pages themselves. So the rows and
        # the progress line are drawn by the throttle, at most once per REDRAW_INTERVAL; a
        # page that comes sooner is drawn when the interval is up (or at the end).
        self.apply_view()
        if self._scanned is not None:
            done, total = self._scanned
            self.query_one("#progress", LoadProgress).update_progress(done, total, "packages scanned")

    def _stop_redraws(self) -> None:
        self._redraws.cancel()
        self._scanned = None

    def _finish_loading(self) -> None:
        self.complete = True
        self.apply_view()
        self.call_after_refresh(self._build_haystacks)
        if self.packages:
            self.clear_message()
        else:
            self.show_empty("This category has no packages.")
        self._update_summary()

    def _set_category(self, category: Category) -> None:
        self.category = category
        self.sub_title = clean(category.display_title)  # reactive: the same title repaints nothing
        description = clean(category.description)
        label = self.query_one("#category-description", Static)
        if str(label.content) != description:
            label.update(description, layout=False)  # one line, whatever the text (app.tcss)

    def _set_packages(self, packages: list[Package]) -> None:
        self.packages = []
        self._rows, self._haystacks, self._names, self._ids = [], [], [], []
        self._order = None
        self._sort_keys.clear()
        self._add_packages(packages)

    def _add_packages(self, packages: list[Package], redraw: bool = True) -> None:
        """Append rows (a page's worth); the sort order is recomputed when next needed."""
        for package in packages:
            row = PackageRow(package)
            self.packages.append(package)
            self._rows.append(row)
            self._ids.append(package.id)
            self._names.append(row.title.casefold())
        for index, keys in self._sort_keys.items():
            if keys is not self._names:  # the names list has grown already
                keys.extend(SORTS[index].keys(packages))
        self._order = None
        if redraw:
            self.apply_view()

    # -- sorting and filtering -------------------------------------------------------------

    @property
    def sort(self) -> SortSpec[Package]:
        return SORTS[self.sort_index]

    @property
    def descending(self) -> bool:
        return self.sort.descending != self.reverse

    def _sorted(self) -> list[int]:
        if self._order is None:
            keys = self._sort_keys.get(self.sort_index)
            if keys is None:
                keys = self._names if self.sort is BY_NAME else self.sort.keys(self.packages)
                self._sort_keys[self.sort_index] = keys
            self._order = sort_order(self.sort, keys, reverse=self.reverse, tiebreak=self._names)
        return self._order

    def visible_indices(self) -> list[int]:
        query = self.query_one("#filter", Input).value
        if query.strip():
            self._build_haystacks()
        return self._filter_memo(self._sorted(), self._haystacks, query)

    def _build_haystacks(self) -> None:
        """The searchable text of every row, for those that have none yet. Only a filter
        needs it: while the catalogue loads it waits (~3 ms a page of 1,000, on the path to
        the rows), and once the rows are painted it is built before the first key, as a
        rule (see _finish_loading)."""
        rows, haystacks = self._rows, self._haystacks
        if len(haystacks) < len(rows):
            haystacks.extend(
                haystack(row.title, clean(row.package.slug), row.description)
                for row in rows[len(haystacks) :]
            )

    def apply_view(self) -> None:
        shown = self.visible_indices()
        table = self.query_one("#packages", VirtualTable)
        query = self.query_one("#filter", Input).value.strip()
        if query:
            table.set_empty_text(f"No package matches {query!r}.")
        else:
            table.set_empty_text(
                "No packages yet." if not self.complete else "This category has no packages."
            )
        table.set_rows(Subset(self._rows, shown), Subset(self._ids, shown))
        self._update_summary(len(shown))

    def _update_summary(self, shown: int | None = None) -> None:
        total = len(self.packages)
        shown = total if shown is None else shown
        count = count_of(shown, total)
        more = "" if self.complete else " so far"
        text = f"{count}{more} · sorted by {self.sort.name} {sort_arrow(self.descending)}"
        # One line whose size never changes: no need to re-lay out the screen on each keystroke.
        self.query_one("#summary", Static).update(text, layout=False)

    def _update_labels(self) -> None:
        labels = sort_labels([c.label for c in COLUMNS], self.sort.column, self.descending)
        self.query_one("#packages", VirtualTable).set_labels(labels)

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.reverse = False
        self._resort()

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._resort()

    def _resort(self) -> None:
        self._order = None
        self._update_labels()
        self.apply_view()

    @on(VirtualTable.HeaderClicked, "#packages")
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        for index, spec in enumerate(SORTS):
            if spec.column == event.column:
                if index == self.sort_index:
                    self.action_reverse_sort()
                else:
                    self.sort_index, self.reverse = index, False
                    self._resort()
                return

    def _filter_changed(self) -> None:
        self.apply_view()

    # -- opening ---------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#packages")
    def _open_package(self, event: VirtualTable.Selected) -> None:
        self.pkgtui.open_screen("package", str(event.key))

    def subject(self) -> Subject | None:
        key = self.query_one("#packages", VirtualTable).cursor_key
        package = next((p for p in self.packages if p.id == key), None) if key is not None else None
        return Subject.of_package(package) if package is not None else None

    def focused_url(self) -> str | None:
        table = self.query_one("#packages", VirtualTable)
        key = table.cursor_key
        package = self.pkgtui.session.packages.get(cast(int, key)) if key is not None else None
        if package is None:
            return None
        if package.repo_url and is_web_url(package.repo_url):
            return package.repo_url
        return self.pkgtui.site_url(f"/packages/p/{package.slug}/") if package.slug else None


def _scanning_text(category: Category) -> str:
    return f"Loading the package catalogue to find the {clean(category.display_title)}…"
