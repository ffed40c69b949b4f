"""Category: the packages of one category, loaded from the whole catalogue page by page.

API v4 cannot filter packages by category, so every page of ``packages/`` is fetched
(concurrently, by the client) and this category's packages kept. Rows appear as pages
arrive, under a progress bar. Sorting and filtering work on precomputed keys so they
stay within a frame for thousands of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from msgspec.structs import replace
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from .. import gc_pauses
from ..api import APIError, Category, NotFound, Package
from ..api.results import Page, Started
from ..comparison import (
    FACT_KEYS,
    FAILED_MARK,
    NOTHING_KNOWN,
    PACKAGE_PROBLEMS,
    PENDING_MARK,
    PYPI_KEYS,
    Known,
    fact_column,
    short_problem,
)
from ..facts import NO_ANSWER, pypi_name_of
from ..filtering import FilterMemo, haystack
from ..format import count_of, format_count, format_date, sparkline
from ..sorting import SortSpec, natural_key, sort_arrow, sort_labels, sort_order
from ..store.listing import PackageListing
from ..text import clean, is_web_url
from ..widgets import Column, FilterInput, LoadProgress, Subset, VirtualTable
from ..widgets.redraw import RedrawThrottle
from .base import COMPARE_MARK, DjangoFilterScreen, Subject, compare_marked

if TYPE_CHECKING:
    from textual.timer import Timer

    from ..api.pypi import FactsResult
    from ..userdata import UserData

# While the catalogue loads, the rows are redrawn at most this often (seconds).
REDRAW_INTERVAL = 0.1
# PyPI's facts arriving are drawn at most this often.
FACTS_REDRAW_INTERVAL = 0.1
# After a sort, a filter or a scroll, the rows then in view have their facts asked for once the
# view has stayed put this long (seconds): typing a filter asks once, not at every key.
VIEW_FACTS_DELAY = 0.4
# The rows whose PyPI facts are asked for when stale, first in the table's order: a category
# holds up to thousands of packages, and PyPI asks clients to be gentle (r asks again).
FACTS_MOST = 200
# The name column is as wide as the longest name, up to NAME_MOST; numbers are dropped before
# it is cut below NAME_KEPT (a rare longer name is cut, rather than every row losing Django).
NAME_MOST = 40
NAME_KEPT = 30

# Every sort puts equal keys in the order of the lower-case names, A–Z, whichever its direction.
BY_NAME: SortSpec[Package] = SortSpec("name", lambda p: natural_key(clean(p.display_title)), column=0)
# The sorts of the package's own columns, by column key, in the order s cycles them; the sorts
# of PyPI's facts, Users and Score follow (see CategoryScreen._build_sorts).
BASE_SORTS: dict[str, SortSpec[Package]] = {
    "stars": SortSpec("stars", lambda p: p.stars, descending=True),
    "name": BY_NAME,  # its keys come from the rows' names when first sorted by (see _sorted)
    "forks": SortSpec("forks", lambda p: p.repo_forks, descending=True),
    "last_commit": SortSpec("last commit", lambda p: p.last_updated, descending=True),
    "commits": SortSpec(
        "52-week commits", lambda p: p.commits_total if p.commits_over_52 else None, descending=True
    ),
}

# Every column the table may have, by key. Name and description first (what a package is and
# does, from 80 columns: issue 17), the name fitted to the longest name and never cut, the
# description taking the rest and cut first; then the numbers, dropped as the table narrows,
# the highest threshold first (a long name drops them sooner). Fixed widths are reserved
# before any PyPI fact arrives, so facts fill the rows in place.
TABLE_COLUMNS: dict[str, Column] = {
    "name": Column("Package", min_width=12),
    "description": Column("Description", min_width=20, hide_below=60),
    "stars": Column("Stars", width=7, align="right", hide_below=1),
    "django": Column("Django", width=14, hide_below=2),  # "✗ no PyPI name" whole
    "score": Column("Score", width=7, align="right", hide_below=3),
    "last_commit": Column("Last commit", width=11, hide_below=90),
    "released": Column("Released", width=10, hide_below=100),
    "commits": Column("52 wk", width=6, align="right", hide_below=108),
    "python": Column("Python", width=9, hide_below=118),
    "license": Column("License", width=12, hide_below=130),
    "status": Column("Status", width=9, hide_below=140),
    "users": Column("Users", width=7, align="right", hide_below=148),
    "forks": Column("Forks", width=6, align="right", hide_below=155),
    "activity": Column("Activity", width=13, hide_below=170),
}
PENDING_STYLE = Style(dim=True)
FAILED_STYLE = Style(color="red")


def column_keys(*, facts: bool, usage: bool) -> list[str]:
    """The table's columns: PyPI's facts when there is a store to keep them, Users when it
    knows a usage count, Score always."""
    keys = ["name", "description", "stars"]
    keys += ["django"] if facts else []
    keys += ["score", "last_commit"]
    keys += ["released"] if facts else []
    keys += ["commits"]
    keys += ["python", "license", "status"] if facts else []
    keys += ["users"] if usage else []
    return keys + ["forks", "activity"]


class PackageRow(Sequence[str | Text]):
    """A package's cells (one a column key of ``keys``), formatted when first drawn.

    Of thousands of rows only a screenful is ever drawn, so counts, dates and sparklines are
    formatted on demand; the cleaned title and description (also searched) are made at once.
    A row is never changed: new facts make a new row (the table caches lines by row).

    A row of a store's listing (:meth:`lazy`) has its title from the listing's columns, and
    reads its package (and cleans its description) only when first drawn or searched.
    """

    __slots__ = (
        "_cells",
        "_description",
        "_index",
        "_listing",
        "_package",
        "compared",
        "keys",
        "known",
        "now",
        "pending",
        "title",
    )

    def __init__(
        self,
        package: Package,
        keys: Sequence[str] = (),
        known: Known = NOTHING_KNOWN,
        now: datetime | None = None,
        pending: bool = False,
        *,
        title: str | None = None,
        description: str | None = None,
        compared: bool = False,
    ) -> None:
        self._package: Package | None = package
        self.compared = compared  # on the user's compare list: its name is marked
        self._listing: PackageListing | None = None
        self._index = 0
        self.keys = keys
        self.known = known
        self.now = now
        self.pending = pending
        self.title = clean(package.display_title) if title is None else title
        self._description: str | None = (
            clean(package.repo_description) if description is None else description
        )
        self._cells: tuple[str | Text, ...] | None = None

    @classmethod
    def lazy(
        cls,
        listing: PackageListing,
        index: int,
        keys: Sequence[str],
        known: Known,
        now: datetime,
        pending: bool,
        compared: bool = False,
    ) -> PackageRow:
        """Row ``index`` of ``listing``, its package not read yet."""
        row = cls.__new__(cls)
        row._package, row._listing, row._index = None, listing, index
        row.keys, row.known, row.now, row.pending = keys, known, now, pending
        row.compared = compared
        row.title = clean(listing.display_title(index))
        row._description = None
        row._cells = None
        return row

    @property
    def package(self) -> Package:
        if self._package is None:
            assert self._listing is not None
            self._package = self._listing[self._index]
        return self._package

    @property
    def description(self) -> str:
        if self._description is None:
            self._description = clean(self.package.repo_description)
        return self._description

    def with_known(self, known: Known, now: datetime, pending: bool) -> PackageRow:
        """This row with other facts (the cleaned texts reused, a package not read yet left so)."""
        row = self._copy()
        row.known, row.now, row.pending = known, now, pending
        return row

    def with_compared(self, compared: bool) -> PackageRow:
        """This row marked as on the compare list, or not."""
        row = self._copy()
        row.compared = compared
        return row

    def _copy(self) -> PackageRow:
        row = PackageRow.__new__(PackageRow)
        row._package, row._listing, row._index = self._package, self._listing, self._index
        row.keys, row.known, row.now, row.pending = self.keys, self.known, self.now, self.pending
        row.title, row._description, row.compared = self.title, self._description, self.compared
        row._cells = None
        return row

    def _cell(self, key: str) -> str | Text:
        package = self.package
        if key == "name":
            return compare_marked(self.title) if self.compared else self.title
        if key == "description":
            return self.description
        if key == "stars":
            return format_count(package.stars)
        if key == "forks":
            return format_count(package.repo_forks)
        if key == "last_commit":
            return format_date(package.last_updated)
        if key == "commits":
            return format_count(package.commits_total) if package.commits_over_52 else "–"
        if key == "activity":
            return sparkline(package.commits_over_52[-13:]) if package.commits_over_52 else ""
        known = self.known
        if key in PYPI_KEYS and known.facts is None:
            # No facts: the Django cell says they are on their way, or why there are none.
            if key != "django":
                return ""
            if self.pending:
                return Text(PENDING_MARK, style=PENDING_STYLE)
            problem = short_problem(known.problem)
            return Text(f"{FAILED_MARK} {problem}", style=FAILED_STYLE) if problem else "–"
        return fact_column(key).text(package, known, self.now or datetime.now())

    def _all(self) -> tuple[str | Text, ...]:
        if self._cells is None:
            self._cells = tuple(self._cell(key) for key in self.keys)
        return self._cells

    def __getitem__(self, index):  # int or slice, as a tuple
        return self._all()[index]

    def __len__(self) -> int:
        return len(self.keys)


class CategoryScreen(DjangoFilterScreen):
    HELP_TITLE = "Category"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", id="category.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="category.reverse_sort"),
        # Not in the footer: at 60 columns it would push out q; the legend names it instead.
        Binding(
            "d",
            "django_filter",
            "Django filter (again: older; Esc: off)",
            show=False,
            id="category.django_filter",
        ),
    ]
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("click a column title", "sort by it (again: reverse)"),
        (COMPARE_MARK, "on your compare list (m marks and unmarks)"),
        (PENDING_MARK, "PyPI's facts asked for, not yet answered"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.category: Category | None = None
        # A list the API's pages are added to, or the store's listing (read as drawn).
        self.packages: list[Package] | PackageListing = []
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
        # The table's columns by key, and the sorts over them (fixed when composed; Users is
        # added when the store knows usage counts).
        self.column_keys: list[str] = column_keys(facts=False, usage=False)
        self.sorts: list[SortSpec[Package]] = []
        self._longest_name = 0
        # PyPI's facts and the usage count of each package, read from the store.
        self.known: dict[int, Known] = {}
        self.usage: dict[int, int] = {}
        self.facts_pending = False
        self._facts_done = False  # a fetch of PyPI's facts has ended
        self._refresh_facts = False
        self._facts_redraws = RedrawThrottle(
            self, FACTS_REDRAW_INTERVAL, self._facts_arrived, name="category facts redraw"
        )
        self._index_of: dict[int, int] = {}  # package id -> its row
        self._shown: int | None = None  # rows the summary last counted
        self._declares_any = False  # whether any package here declares a Django version (d)
        self._answered: list[Package] = []  # packages answered since the last redraw
        # Whose facts are on their way ("…" in their Django cell): every package's until the
        # first fetch starts (it asks for the first rows of the view); then the ids the fetch
        # under way asked for, and those a sort, filter or scroll put in view (_view_moved).
        self._first_fetch_to_come = True
        self._fetching: set[int] = set()
        self._scheduled: list[Package] = []  # to ask for when the view stays put
        self._asked_ids: set[int] = set()  # asked for (or found fresh) by this screen's fetches
        self._fetch_generation = 0
        self._view_timer: Timer | None = None
        self._shown_indices: Sequence[int] = ()  # what apply_view last handed the table
        self.django_filter = None  # d: see DjangoFilterScreen
        # The compare list's slugs (m), and the ids of those packages, to mark their rows.
        self._compared: frozenset[str] = frozenset()
        self._compared_ids: frozenset[int] = frozenset()
        self._shown_once = False

    def compose_body(self) -> ComposeResult:
        self.column_keys = column_keys(facts=self.pkgtui.store is not None, usage=False)
        self._build_sorts()
        yield Static("", id="category-description", markup=False)
        yield LoadProgress(id="progress")
        yield FilterInput("Filter packages (/)", id="filter", leave_to=lambda: self.query_one("#packages"))
        yield VirtualTable(
            [TABLE_COLUMNS[key] for key in self.column_keys], empty_text="No packages yet.", id="packages"
        )
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
            self.sub_title = f"Category {clean(self.key)}"
        self._compared = frozenset(self.read_user_data().compare)  # before the rows are made
        self.query_one("#packages", VirtualTable).focus()
        self._update_labels()
        # Filter as the value changes, within the keystroke's own handling, so the rows are
        # repainted in the same frame as the box (an Input.Changed message arrives after that
        # frame and costs a second one).
        self.watch(self.query_one("#filter", Input), "value", self._filter_changed, init=False)
        # Rows scrolled to have their PyPI facts asked for too (_view_moved).
        self.watch(self.query_one("#packages", VirtualTable), "scroll_y", self._scrolled, init=False)

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
        self._set_listing(store.category_listing(category.id))
        self._finish_loading()
        self.shown_from_store = True
        return True

    def action_refresh(self) -> None:
        """``r``: shown from the synced catalogue, the catalogue is synced again in the
        background (the screen reads every package either way, and the sync keeps them in the
        store, where the next screen finds them) and redrawn in place when it commits; PyPI's
        facts are asked again too. Else the API's pages, as before the first sync."""
        app = self.pkgtui
        if self.shown_from_store and app.catalogue_synced() and not app.config.offline:
            app.sync_catalogue()
            self._refresh_facts = True
            self._asked_ids.clear()
            self._start_facts()
            return
        super().action_refresh()

    @work(exclusive=True, group="category", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        self.shown_from_store = False
        self._refresh_facts = refresh
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
            self.show_loading(f"Loading category {clean(self.key)!r}…")
        try:
            category = await (self.take_early("category") or client.category(self.key, refresh=refresh))
        except NotFound:
            # Nothing to filter or list: the error alone, not an empty table under it.
            self._show_list(False)
            self.show_error(
                f"No category “{clean(self.key)}” on {client.host} — check the slug or id (home lists them)."
            )
            return
        except APIError as error:
            self.show_error(error)
            return
        self._show_list(True)
        self._set_category(category)
        self.complete = False  # first: the emptied table says "No packages yet.", not "none"
        self._set_packages([])

        if known is not None:
            self._add_packages([p for p in known if p.category_id == category.id])
            self._finish_loading()
            return
        assert pages is not None

        self.show_loading(_scanning_text(category))
        scanned = skipped = 0
        everything: list[Package] = []
        self._stop_redraws()  # one left from a load that was cancelled: this one starts afresh
        try:
            async for page in pages:
                skipped += page.skipped  # items the client could not read, left out
                if page.skipped:
                    self.note_skipped(skipped, "packages")
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
        self._read_usage()
        self.apply_view()
        # Read from the store's listing, only the rows drawn have their packages so far: the
        # rest are read now, after the first paint, before the facts and the filter need them.
        if isinstance(self.packages, PackageListing):
            self.call_after_refresh(self.packages.decode_all)
        # PyPI's facts after the first paint: reading thousands of rows' facts (and the PyPI
        # module the store decodes them with) would double the first frame's time; the rows
        # show … meanwhile, for one frame.
        self.call_after_refresh(self._show_kept_facts)
        self.call_after_refresh(self._build_haystacks)
        # While this screen is up, take the catalogue (thousands of packages and their rows)
        # out of the garbage collector's scans: full passes over it were the slowest
        # keystrokes of the filter. on_unmount gives it back, so nothing leaks. After the
        # rows are painted: the young collection it starts with takes a few milliseconds.
        # Here, for the rows read from the local catalogue too: unfrozen, the full passes
        # during the first facts fetch took 70-100 ms each (bench busy).
        self.call_after_refresh(self._freeze_catalogue)
        # An empty category is said once, by the table ("This category has no packages.").
        self.clear_message()
        self._update_summary()

    def _show_list(self, shown: bool) -> None:
        """The filter, the table and the summary line: hidden when there is no category."""
        for selector in ("#filter", "#packages", "#summary"):
            self.query_one(selector).display = shown

    def _set_category(self, category: Category) -> None:
        self.category = category
        self.sub_title = clean(category.display_title)  # reactive: the same title repaints nothing
        description = clean(category.description)
        label = self.query_one("#category-description", Static)
        if str(label.content) != description:
            label.update(description, layout=False)  # one line, whatever the text (app.tcss)

    def _set_packages(self, packages: list[Package], redraw: bool = True) -> None:
        self.packages = []
        self._rows, self._haystacks, self._names, self._ids = [], [], [], []
        self._index_of = {}
        self._longest_name = 0
        self._shown = None
        self._order = None
        self._sort_keys.clear()
        self._compared_ids = frozenset()
        self._add_packages(packages, redraw)

    def _set_listing(self, listing: PackageListing) -> None:
        """Every row at once from the store's listing, with its usage counts: its packages
        are read as their rows are drawn, then all of them right after the first paint
        (_finish_loading), before anything else needs them."""
        self._set_packages([], redraw=False)
        self.packages = listing
        self._use_usage(listing.usage)  # before the rows, which are then made once
        self._compared_ids = compared = self._stored_ids(self._compared)
        now = self.pkgtui.now()
        coming = self._facts_coming()
        keys = self.column_keys
        rows = []
        for index, package_id in enumerate(listing.ids):
            known, pending = self._known_of(package_id, coming)
            rows.append(PackageRow.lazy(listing, index, keys, known, now, pending, package_id in compared))
        self._append_rows(listing.ids, rows)
        # The first sort (stars) from the column, so that no package is read for it.
        stars = next(i for i, spec in enumerate(self.sorts) if spec.name == BASE_SORTS["stars"].name)
        self._sort_keys[stars] = list(listing.stars)
        self._order = None

    def _add_packages(self, packages: list[Package], redraw: bool = True) -> None:
        """Append rows (a page's worth); the sort order is recomputed when next needed."""
        now = self.pkgtui.now()
        coming = self._facts_coming()
        if self._compared:
            self._compared_ids |= {p.id for p in packages if p.slug in self._compared}
        compared = self._compared_ids
        rows = []
        for package in packages:
            known, pending = self._known_of(package.id, coming)
            rows.append(
                PackageRow(package, self.column_keys, known, now, pending, compared=package.id in compared)
            )
        assert isinstance(self.packages, list)  # a listing is never added to (_set_packages first)
        self.packages.extend(packages)
        self._append_rows([p.id for p in packages], rows)
        for index, keys in self._sort_keys.items():
            if keys is not self._names:  # the names list has grown already
                keys.extend(self.sorts[index].keys(packages))
        self._order = None
        if redraw:
            self.apply_view()

    def _append_rows(self, ids: list[int], rows: list[PackageRow]) -> None:
        longest = self._longest_name
        for package_id, row in zip(ids, rows, strict=True):
            self._index_of[package_id] = len(self._rows)
            self._rows.append(row)
            self._ids.append(package_id)
            self._names.append(row.title.casefold())
            longest = max(longest, cell_len(row.title))
        if longest != self._longest_name:
            self._longest_name = longest
            self._fit_names()

    # -- PyPI's facts, usage counts --------------------------------------------------------

    def _build_sorts(self) -> None:
        """One sort a sortable column, the package's own first (in s order), then the facts;
        each names its column, so the header shows the arrow. The current sort is kept."""
        current = self.sorts[self.sort_index].name if self.sorts else None
        now = self.pkgtui.now()
        sorts: list[SortSpec[Package]] = []
        keys = self.column_keys
        for key, spec in BASE_SORTS.items():
            sorts.append(replace(spec, column=keys.index(key)))
        for key in ("django", "score", "released", "python", "license", "status", "users"):
            if key in keys:
                sorts.append(self._fact_sort(key, keys.index(key), now))
        self.sorts = sorts
        names = [spec.name for spec in sorts]
        self.sort_index = names.index(current) if current in names else 0
        self._sort_keys.clear()
        self._order = None

    def _fact_sort(self, key: str, index: int, now: datetime) -> SortSpec[Package]:
        measure = fact_column(key)
        # self.known is read at each sort, not captured: a reload replaces the dict.
        return SortSpec(
            measure.label.casefold(),
            lambda p: measure.value(p, self.known.get(p.id, NOTHING_KNOWN), now),
            descending=bool(measure.higher_is_better),
            column=index,
        )

    def _known_of(self, package_id: int, coming: Callable[[int], bool]) -> tuple[Known, bool]:
        """What is known of a package, and whether its facts are still to come (nothing kept,
        no failure, and asked for or about to be: ``coming``)."""
        known = self.known.get(package_id)
        if known is None:
            known = Known(users=self.usage.get(package_id))
        pending = known.facts is None and known.problem in (None, NO_ANSWER) and coming(package_id)
        return known, pending

    def _facts_coming(self) -> Callable[[int], bool]:
        """Whether a package's facts are on their way (made once for many rows, not per row)."""
        pkgtui = self.pkgtui
        if pkgtui.store is None or not pkgtui.pypi_allowed:
            return lambda _package_id: False
        if self._first_fetch_to_come:
            return lambda _package_id: True
        fetching, scheduled = self._fetching, {package.id for package in self._scheduled}
        return lambda package_id: package_id in fetching or package_id in scheduled

    def _read_known(self, packages: Sequence[Package]) -> None:
        """The PyPI facts the store keeps for ``packages`` (no request), with usage counts."""
        store = self.pkgtui.store
        if store is None:
            return
        from ..facts import stored_rows

        allowed = self.pkgtui.pypi_allowed
        known = self.known
        for row in stored_rows(store, packages, offline=not allowed, releases=False):
            problem = row.problem
            # PyPI off or offline: a fetch's failure says nothing, a dash says there is nothing.
            if not allowed and short_problem(problem) not in PACKAGE_PROBLEMS:
                problem = None
            known[row.package.id] = Known(row.facts, problem, self.usage.get(row.package.id))
        self._declares_any = any(self._django_versions(package_id) for package_id in self._ids)

    def _read_usage(self) -> None:
        """The usage counts the store knows: a Users column when there is any."""
        store = self.pkgtui.store
        if store is None or not self.packages or isinstance(self.packages, PackageListing):
            return  # a listing brought its counts, used as its rows were made (_set_listing)
        if self._use_usage(store.usage_counts(self._ids)):
            self._remake_rows(range(len(self._rows)))

    def _use_usage(self, usage: dict[int, int]) -> bool:
        """Take these usage counts (a Users column when there is any); whether there are."""
        self.usage = usage
        if not usage:
            return False
        self.known = {key: replace(known, users=usage.get(key)) for key, known in self.known.items()}
        keys = column_keys(facts=True, usage=True)
        if keys != self.column_keys:
            self.column_keys = keys
            self.query_one("#packages", VirtualTable).columns = [TABLE_COLUMNS[key] for key in keys]
            self._fit_names()
            self._build_sorts()
            self._update_labels()
        return True

    def _fit_names(self) -> None:
        """The name is never cut while a number can go instead; the description gets the rest.
        Room for the compare-list mark whenever the list has anything, as in the grid (so m
        on the longest name does not move the columns)."""
        longest = self._longest_name + (len(COMPARE_MARK) + 1 if self._compared else 0)
        table = self.query_one("#packages", VirtualTable)
        table.set_min_width(0, max(12, min(NAME_KEPT, longest)), most=max(12, min(NAME_MOST, longest)))

    def _remake_rows(self, indices: Iterable[int]) -> None:
        """New rows for what is now known (rows are never changed: the table caches them)."""
        now = self.pkgtui.now()
        rows, ids, keys = self._rows, self._ids, self.column_keys
        coming = self._facts_coming()
        for index in indices:
            row = rows[index]
            known, pending = self._known_of(ids[index], coming)  # not row.package: it may be unread
            if row.keys is not keys or row.known != known or row.pending != pending:
                fresh = row.with_known(known, now, pending)
                fresh.keys = keys
                rows[index] = fresh
        # Sorted on a fact: its keys are read again.
        on_facts = [
            i
            for i, spec in enumerate(self.sorts)
            if spec.column is not None and keys[spec.column] in FACT_KEYS
        ]
        for index in on_facts:
            self._sort_keys.pop(index, None)
        if self.sort_index in on_facts:
            self._order = None

    def _show_kept_facts(self) -> None:
        if not self.is_attached or not self.packages:
            return
        self._read_known(self.packages)
        self._remake_rows(range(len(self._rows)))
        self.apply_view()
        self._start_facts()

    def _start_facts(self) -> None:
        if self.pkgtui.store is not None and self.packages:
            self.fetch_facts(
                [self.packages[i] for i in self.visible_indices()[:FACTS_MOST]], self._refresh_facts
            )
        self._refresh_facts = False

    @work(exclusive=True, group="facts", exit_on_error=False)
    async def fetch_facts(self, packages: list[Package], refresh: bool = False) -> None:
        """Ask PyPI for the stale facts of ``packages`` (at most FACTS_MOST rows of the view;
        all of theirs with ``refresh``); each answer is kept in the store as it arrives, and
        the rows are redrawn from the store in place, at most every FACTS_REDRAW_INTERVAL.
        None is asked when every one is fresh. A later fetch (the view moved) cancels this one:
        what it had is kept, and what it had not asked yet the next one asks if still in view."""
        self._fetch_generation += 1
        generation = self._fetch_generation
        first = self._first_fetch_to_come
        self._first_fetch_to_come = False
        self._fetching = {package.id for package in packages}
        answered_ids: set[int] = set()
        by_name: dict[str, list[Package]] = {}
        for package in packages:
            if (name := pypi_name_of(package)) is not None:
                by_name.setdefault(name, []).append(package)

        def answered(result: FactsResult) -> None:
            got = by_name.get(result.name, ())
            self._answered += got
            answered_ids.update(package.id for package in got)
            self._facts_redraws.request()

        self.facts_pending = True
        if first:  # every row was "on its way" until now: only these are
            self._remake_rows(range(len(self._rows)))
            self.apply_view()
        try:
            await self.pkgtui.fetch_pypi_facts(packages, refresh=refresh, on_result=answered)
        finally:
            if generation != self._fetch_generation:
                # Replaced by a later fetch (the view moved): only what it answered counts as
                # asked; the rest is asked again when it comes into view.
                self._asked_ids |= answered_ids
            else:
                self._asked_ids |= {package.id for package in packages}
                self.facts_pending = False
                self._facts_done = True
                self._fetching = set()
                self._facts_redraws.cancel()
                self._facts_arrived(ended=True)

    def _facts_arrived(self, *, ended: bool = False) -> None:
        # Only the rows answered since the last redraw are read again from the store: reading
        # all 200 asked at every redraw took 5-20 ms (bench busy, _read_known), and keys typed
        # meanwhile waited for it. At the end every row is looked at: none asked is pending now
        # (only the changed ones are made again).
        answered, self._answered = self._answered, []
        self._read_known(answered)
        if ended:
            self._remake_rows(range(len(self._rows)))
        else:
            index_of = self._index_of
            self._remake_rows([index_of[p.id] for p in answered if p.id in index_of])
        self.apply_view()

    def _view_moved(self, shown: Sequence[int]) -> bool:
        """The rows in view (``shown``, from the table's top) may have changed (a sort, a
        filter, a scroll): those whose facts this screen has not asked for are marked as on
        their way, and asked for once the view stays put (VIEW_FACTS_DELAY). Nothing before
        the first fetch (it asks for the view's first rows) nor with PyPI off. Whether rows
        were marked (they are then to be handed to the table again)."""
        pkgtui = self.pkgtui
        if self._first_fetch_to_come or pkgtui.store is None or not pkgtui.pypi_allowed or not shown:
            return False
        table = self.query_one("#packages", VirtualTable)
        top = min(max(0, round(table.scroll_y)), len(shown) - 1)
        window = [self.packages[i] for i in shown[top : top + FACTS_MOST]]
        asked = self._asked_ids | self._fetching
        if all(package.id in asked for package in window):
            return False
        before = {package.id for package in self._scheduled}
        if {package.id for package in window} == before:
            return False  # already to be asked: the timer is not put off (answers redraw often)
        self._scheduled = window
        if self._view_timer is not None:
            self._view_timer.stop()
        self._view_timer = self.set_timer(VIEW_FACTS_DELAY, self._ask_for_view)
        index_of = self._index_of
        marked = [
            index_of[p.id] for p in window if p.id not in asked and p.id not in before and p.id in index_of
        ]
        self._remake_rows(marked)
        return bool(marked)

    def _scrolled(self) -> None:
        if self._view_moved(self._shown_indices):
            self.apply_view()

    def _ask_for_view(self) -> None:
        self._view_timer = None
        packages, self._scheduled = self._scheduled, []
        if packages and self.is_attached:
            self.fetch_facts(packages)

    def _django_versions(self, package_id: int) -> tuple[str, ...]:
        facts = self.known.get(package_id, NOTHING_KNOWN).facts
        return facts.django_versions if facts is not None else ()

    def declared_django_versions(self) -> list[str]:
        """The Django versions any package here declares on PyPI, newest first."""
        from ..readiness import newest_first

        # Of the packages listed now: self.known also holds those of an earlier load (kept so
        # that a reload draws their facts at once), which may be gone from the category.
        return newest_first(v for package_id in self._ids for v in self._django_versions(package_id))

    def show_django_filter(self) -> None:
        self.apply_view()

    # -- sorting and filtering -------------------------------------------------------------

    @property
    def sort(self) -> SortSpec[Package]:
        return self.sorts[self.sort_index]

    @property
    def descending(self) -> bool:
        return self.sort.descending != self.reverse

    def _sorted(self) -> list[int]:
        if self._order is None:
            keys = self._sort_keys.get(self.sort_index)
            if keys is None:
                # By name in natural order ("app-2" before "app-10"), made when first asked
                # for: 6 ms for 6,000 names, kept off the load (the names stay the tiebreak).
                by_name = self.sort is BY_NAME
                keys = (
                    [natural_key(name) for name in self._names] if by_name else self.sort.keys(self.packages)
                )
                self._sort_keys[self.sort_index] = keys
            self._order = sort_order(self.sort, keys, reverse=self.reverse, tiebreak=self._names)
        return self._order

    def visible_indices(self) -> list[int]:
        query = self.query_one("#filter", Input).value
        if query.strip():
            self._build_haystacks()
        shown = self._filter_memo(self._sorted(), self._haystacks, query)
        if self.django_filter is not None:
            version, packages = self.django_filter, self.packages
            shown = [i for i in shown if version in self._django_versions(packages[i].id)]
        return shown

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
        if self.django_filter is not None and not shown:
            # Facts are asked for the rows in view only: "none" may be "none of those known".
            without = sum(
                1 for package_id in self._ids if self.known.get(package_id, NOTHING_KNOWN).facts is None
            )
            of = f" of the {len(self._ids) - without:,} whose PyPI facts are known" if without else ""
            table.set_empty_text(
                f"No package here{of} declares Django {self.django_filter} — d: the next version, Esc: all."
            )
        elif query:
            table.set_empty_text(f"No package matches '{clean(query)}'.")
        else:
            table.set_empty_text(
                "No packages yet." if not self.complete else "This category has no packages."
            )
        if isinstance(self.packages, PackageListing):
            # The rows about to be drawn, read in one query: no more than the terminal has lines
            # (the table has no size yet before its first frame).
            self.packages.read(shown[: self.app.size.height])
        self._view_moved(shown)  # before the rows are handed over: it may mark some as on their way
        self._shown_indices = shown
        table.set_rows(Subset(self._rows, shown), Subset(self._ids, shown))
        self._update_summary(len(shown))

    def _update_summary(self, shown: int | None = None) -> None:
        total = len(self.packages)
        if shown is not None:
            self._shown = shown
        shown = total if self._shown is None else min(self._shown, total)
        count = count_of(shown, total)
        more = "" if self.complete else " so far"
        if self.django_filter is not None:
            more += f" declare Django {self.django_filter} (d: next, Esc: all)"
        text = f"{count}{more} · sorted by {self.sort.name} {sort_arrow(self.descending)}"
        if self._marked_here():
            text += f" · {COMPARE_MARK} compare list"
        if self.facts_pending:
            text += f" · {PENDING_MARK} asking PyPI"
        elif self.django_filter is None and self._declares_any:
            text += " · d: by Django"
        table = self.query_one("#packages", VirtualTable)
        if table.size.width and (hidden := table.hidden_columns()):
            text += " · hidden: " + _fitted_list(hidden, self.size.width - 2 - len(text) - len(" · hidden: "))
        # One line whose size never changes: no need to re-lay out the screen on each keystroke.
        self.query_one("#summary", Static).update(text, layout=False)

    def on_resize(self) -> None:
        # The columns a width hides are named on the summary line: after the table's new size.
        self.call_after_refresh(self._update_summary)

    # -- the compare list's marks ----------------------------------------------------------

    def _stored_ids(self, slugs: frozenset[str]) -> frozenset[int]:
        """The ids the store gives the packages with these slugs (a listing's rows are not
        read to find them)."""
        store = self.pkgtui.store
        if not slugs or store is None:
            return frozenset()
        return frozenset(store.ids_by_slug("packages", slugs).values())

    def user_data_changed(self, data: UserData) -> None:
        # m here (or on a screen above, seen on coming back): the marks follow the list.
        slugs = frozenset(data.compare)
        if slugs == self._compared:
            return
        room_changed = bool(slugs) != bool(self._compared)
        self._compared = slugs
        if isinstance(self.packages, PackageListing):
            ids = self._stored_ids(slugs)
        else:
            ids = frozenset(p.id for p in self.packages if p.slug in slugs)
        changed, self._compared_ids = ids ^ self._compared_ids, ids
        for package_id in changed:
            index = self._index_of.get(package_id)
            if index is not None:
                self._rows[index] = self._rows[index].with_compared(package_id in ids)
        if room_changed:
            self._fit_names()
        self.apply_view()

    def on_screen_resume(self) -> None:
        # Back from a screen above (a package marked there): read the list again. Not when
        # first shown: on_mount has just read it.
        if self._shown_once:
            self.user_data_changed(self.read_user_data())
        self._shown_once = True

    def _marked_here(self) -> bool:
        return any(package_id in self._index_of for package_id in self._compared_ids)

    def _update_labels(self) -> None:
        labels = sort_labels(
            [TABLE_COLUMNS[key].label for key in self.column_keys], self.sort.column, self.descending
        )
        self.query_one("#packages", VirtualTable).set_labels(labels)

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(self.sorts)
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
        for index, spec in enumerate(self.sorts):
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


def _fitted_list(labels: list[str], room: int) -> str:
    """``labels`` joined, as many as fit ``room`` cells, then how many more (one line)."""
    for count in range(len(labels), 0, -1):
        text = ", ".join(labels[:count]) + (f" and {len(labels) - count} more" if count < len(labels) else "")
        if len(text) <= room:
            return text
    return f"{len(labels)} columns"


def _scanning_text(category: Category) -> str:
    return f"Loading the package catalogue to find the {clean(category.display_title)}…"
