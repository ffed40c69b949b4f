"""A grid: its title and description, then a comparison table of its packages.

The packages are fetched concurrently and drawn as they arrive; one that fails shows as
a row saying so while the rest carry on. A grid the local catalogue does not hold comes from
API v3's whole grid in one request where it answers (issue 16): its rows are v3's objects,
which name no package id (see ``_slug_rows``). Columns, sorting and the best value per column
come from :mod:`pkgtui.comparison`, shared with ``pkgtui grid --plain``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Collection, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import Input, Static

from ..api import APIError, Grid, Package
from ..api.errors import NotFound
from ..api.results import Fetched, Started
from ..comparison import (
    BEST_MARK,
    COLUMN_KEYS,
    FAILED_MARK,
    NOTHING_KNOWN,
    PACKAGE_PROBLEMS,
    PENDING_MARK,
    PYPI_KEYS,
    STALE_MARK,
    BestValues,
    Known,
    activity_buckets,
    best_values,
    column,
    fact_column,
    known_best_values,
    short_problem,
    sort_known,
)
from ..facts import NO_ANSWER
from ..filtering import filter_indices, haystack
from ..format import count_of, sparkline
from ..sorting import sort_arrow, sort_labels
from ..store import GridView, Store
from ..text import clean
from ..userdata import UserData
from ..widgets import Column, FilterInput, LazyRows, LoadProgress, VirtualTable
from ..widgets.redraw import RedrawThrottle
from ..widgets.textual_internals import paint_now
from .base import COMPARE_MARK, DjangoFilterScreen, Subject, compare_marked

if TYPE_CHECKING:
    from ..api.v3 import V3Package

# Four weeks a character: the 52-week sparkline fits 13 cells.
ACTIVITY_CELLS = 13
# A name wider than this is cut rather than dropping yet more columns.
NAME_MOST = 40
# How long arrivals are gathered before the table is redrawn (many rows arrive at once). Each
# redraw sorts and re-marks every row and paints a frame on the loop the answers arrive on:
# 0.1 s rather than 0.05 s took the cold grid of 160 (v4, 8 in flight, 50 ms latency) from a
# median of 1,343 to 1,288 ms over 10 interleaved pairs (load 2.2-2.6), the grid of 40 the same.
REDRAW_DELAY = 0.1
# The Django column: "3.2, 4.2–5.2", or why a member has no facts ("not on PyPI").
FACTS_WIDTH = 14
# How long facts arriving from PyPI are gathered before the rows are redrawn in place.
FACTS_REDRAW_DELAY = 0.1
# Members read from the cache before the first frame, at most. Each read holds the event loop
# ~0.15 ms; a larger grid loads in the worker instead, drawn as its members arrive.
CACHED_DRAW_MOST = 300

# The table column of each comparison measure and fact: a short label, fixed widths (room for
# the sort arrow but in Last commit), reserved before any fact arrives so the table is never
# re-laid out, and the width below which a column is dropped. The thresholds follow the order
# in which a Django developer asks (is it used, does it support my Django, is it maintained,
# when was it released...), each about the room the columns before it take beside a
# 24-cell name; a longer name drops them sooner, the highest threshold first.
TABLE_COLUMNS: dict[str, Column] = {
    "name": Column("Name", None, min_width=12),
    "version": Column("Version", 9, hide_below=87),
    "stars": Column("Stars", 8, align="right", hide_below=1),
    "forks": Column("Forks", 7, align="right", hide_below=153),
    "last_commit": Column("Last commit", 11, hide_below=66),
    "activity": Column("Activity 52w", ACTIVITY_CELLS, hide_below=167),
    "commits": Column("Commits", 8, align="right", hide_below=137),
    "participants": Column("People", 7, align="right", hide_below=145),
    # A failed fetch's few words ("not on PyPI", "PyPI 503") fit the Django cell.
    "django": Column("Django", FACTS_WIDTH, hide_below=2),
    "python": Column("Python", 9, hide_below=97),
    "license": Column("License", 12, hide_below=110),
    "status": Column("Status", 9, hide_below=120),
    "released": Column("Released", 11, hide_below=78),  # room for the best mark
    # Shown when the local catalogue knows a usage count (see comparison.users_text).
    "users": Column("Users", 7, align="right", hide_below=128),
    "score": Column("Score", 7, align="right", hide_below=3),
}

BEST_STYLE = Style(bold=True, color="green")
STALE_STYLE = Style(color="yellow")
# Before a name: the package is on the user's compare list (m), so the grid says which of
# its rows are, and the list can be built from a grid without a trip to the compare screen.
FAILED_STYLE = Style(color="red")
PENDING_STYLE = Style(dim=True)


WEBSITE = "https://djangopackages.org"
WEBSITE_LINE = "Feature comparisons are on the website: o opens this grid there."
# A Django slug: anything else (escapes, slashes, a query) makes no link.
_SLUG = re.compile(r"[A-Za-z0-9_-]{1,200}", re.ASCII)


def grid_page_url(slug: str) -> str | None:
    """The grid's page on djangopackages.org (upstream ``grid/urls.py``: ``grids/g/<slug>/``)."""
    return f"{WEBSITE}/grids/g/{slug}/" if _SLUG.fullmatch(slug) else None


def hidden_text(labels: list[str], width: int) -> str:
    """The hidden columns' labels, as many as fit about one line of ``width``, then how many
    more: the legend must not push the rows off a small terminal."""
    room = max(20, width - 16)
    shown: list[str] = []
    used = 0
    for index, label in enumerate(labels):
        if shown and used + len(label) + 2 > room:
            return f"{', '.join(shown)} and {len(labels) - index} more (wider shows them)"
        shown.append(label)
        used += len(label) + 2
    return f"{', '.join(shown)} (wider shows them)"


def _shown_of(known: Known | None) -> tuple | None:
    """What a row shows of ``known``: compared on each draw, so not the whole release history."""
    if known is None:
        return None
    facts = known.facts
    shown = None
    if facts is not None:
        shown = (
            facts.django_versions,
            facts.python_versions,
            facts.license,
            facts.development_status,
            facts.released,
            facts.supports_python3,
        )
    return (shown, known.problem, known.users)


class Legend(Static):
    """The legend under the table: drawn again on every redraw (facts arrive a few at a time),
    it changes the screen's layout only when its words change."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if (
            isinstance(content, Text)
            and isinstance(self.content, Text)
            and content.plain == self.content.plain
        ):
            return
        super().update(content, layout=layout)


def failed_key(key: int | str) -> str:
    return f"failed:{key}"


def unused_ids(taken: Collection[int], count: int) -> list[int]:
    """``count`` ids no package has: below every id in ``taken`` and below 0 (API ids are
    not negative). They key API v3's rows, which name no id, within one grid screen only."""
    below = min(0, min(taken, default=0))
    return [below - 1 - index for index in range(count)]


class GridScreen(DjangoFilterScreen):
    """One grid's packages side by side."""

    class MemberRevalidated(Message):
        """A member's newer copy, fetched in the background (the store's grid was old)."""

        def __init__(self, package: Package) -> None:
            super().__init__()
            self.package = package

    class Revalidated(Message):
        """The background refresh of a stored grid has ended: every member has arrived."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", id="grid.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="grid.reverse_sort"),
        # Not in the footer: at 60 columns it would push out q; the legend names it instead.
        Binding(
            "d",
            "django_filter",
            "Django filter (again: older; Esc: off)",
            show=False,
            id="grid.django_filter",
        ),
    ]
    AUTO_FOCUS = "#grid-table"
    # Whether rows on the user's compare list are marked (the compare screen lists only those).
    MARKS_COMPARED: ClassVar[bool] = True
    # The legend's last line (the compare screen, a subclass, says something else there).
    LEGEND_NOTE: ClassVar[str] = WEBSITE_LINE
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("click a column title", "sort by it (again: reverse)"),
        (BEST_MARK, "best value in its column"),
        (STALE_MARK, "stale: no commit for a year or more"),
        (COMPARE_MARK, "on your compare list (m marks and unmarks)"),
        (FAILED_MARK, "not loaded, or no PyPI facts: the row says why (e.g. not on PyPI)"),
        ("o / y", "open / copy this grid's page on djangopackages.org (its feature comparison)"),
        (PENDING_MARK, "PyPI's facts asked for, not yet answered"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.grid: Grid | None = None
        self.packages: dict[int, Package] = {}
        self.failures: dict[int | str, APIError] = {}
        self.sort_key = "stars"
        self.sort_reverse: bool | None = None  # None: the column's natural direction
        # Members arrive in a burst: what arrives within REDRAW_DELAY is drawn together.
        self._redraws = RedrawThrottle(self, REDRAW_DELAY, self._draw, gather=True, name="grid redraw")
        # (loaded, total) while members arrive: shown by the next draw, not once a member.
        self._progress: tuple[int, int] | None = None
        # Per package id: its row's cells and what they were computed from, so a redraw
        # reuses the same cells (and the table its rendered lines) for unchanged rows.
        self._cell_cache: dict[int, tuple[Package, tuple, list[Text]]] = {}
        self._haystacks: dict[int, tuple[Package, str]] = {}
        # The members prefetch asked for, from home's copy of the grid (see _members).
        self._early_member_ids: tuple[int, ...] = ()
        self._heading: tuple[str, str] | None = None  # (title, description) on screen
        # Usage counts ("Users") the local catalogue knows, by package id: a column when any.
        self.usage: dict[int, int] = {}
        # PyPI's facts (and the usage count) of each member, read from the store.
        self.known: dict[int, Known] = {}
        self.facts_pending = False  # a fetch of PyPI's facts is under way
        self._facts_done = False  # a fetch of PyPI's facts has ended (what is missing stays so)
        self._facts_redraws = RedrawThrottle(
            self, FACTS_REDRAW_DELAY, self._facts_arrived, gather=True, name="grid facts redraw"
        )
        self._refresh_facts = False  # the next fetch of facts ignores what is kept (r)
        self.django_filter = None  # d: see DjangoFilterScreen
        # The table's columns, by key: fixed when the screen is composed (facts need a store).
        self.column_keys: list[str] = [*COLUMN_KEYS, "score"]  # compose_body adds the facts
        self._shown: int | None = None  # rows the legend last counted (None: not drawn yet)
        # Rows from API v3 alone (a grid the store does not hold): v3 names no package id, so
        # each such row is keyed by an id no package has (unused_ids), and this maps it to the
        # package's slug. Those ids never leave the screen: opening the row opens its slug,
        # bookmarks and the compare list take the slug (Subject), the session and the store
        # are never given them, and PyPI's facts are looked up by the PyPI name.
        self._slug_rows: dict[int, str] = {}
        self._v3_usage: dict[int, int] = {}  # those rows' usage counts, as v3 gave them
        self._listed_by_v3 = False  # the rows are v3's list of members (not v4's ids)
        self._compared: frozenset[str] = frozenset()  # slugs on the compare list, marked
        self._marks_shown = False  # a row on screen is on the compare list (the legend says so)
        self._shown_once = False
        # What prefetch read from the local catalogue, for show_cached to draw (once).
        self._prefetched_view: GridView | None = None

    def compose_body(self) -> ComposeResult:
        self.column_keys = self._column_keys(usage=False)
        yield Static(Text("Loading grid…"), id="grid-title")
        yield Static("", id="grid-description", markup=False)
        yield FilterInput("/ filter packages", id="filter", leave_to=lambda: self.table)
        yield LoadProgress(id="grid-progress")
        yield VirtualTable(
            [TABLE_COLUMNS[key] for key in self.column_keys], empty_text="Loading packages…", id="grid-table"
        )
        yield Legend("", id="grid-legend", markup=False)

    def on_mount(self) -> None:
        # Opened from home, the grid is known already: its title and description go in the
        # first frame instead of "Loading grid…", and its own answer then changes nothing on
        # screen (a title or description that changes re-lays out the whole screen).
        known = self.pkgtui.session.find_grid(self.key)
        if known is not None:
            self._show_heading(known)
        if self.MARKS_COMPARED:  # before the first draw (DataScreen.on_mount, after this)
            self._compared = frozenset(self.read_user_data().compare)
        # Filter as the value changes, within the keystroke's own handling, so the rows are
        # repainted in the same frame as the box (an Input.Changed message arrives after that
        # frame and costs a second one).
        self.watch(self.query_one("#filter", Input), "value", self._filter_changed, init=False)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#grid-table", VirtualTable)

    def _column_keys(self, *, usage: bool) -> list[str]:
        """The comparison columns; PyPI's facts when there is a store to keep them in; Users
        when the store knows a usage count; the Score always (upstream's rule needs stars and
        the last commit, and counts unknown Python 3 support as none)."""
        keys = list(COLUMN_KEYS)
        if self.pkgtui.store is not None:
            keys += PYPI_KEYS
        if usage:
            keys.append("users")
        keys.append("score")
        return keys

    # -- loading -------------------------------------------------------------------------

    def prefetch(self) -> None:
        # Not when the local catalogue or the cache holds the grid: show_cached draws it
        # without a request, from the view read here (read twice, a grid of 160's members
        # were 1.5 of its 6 ms over the in-memory floor).
        self._prefetched_view = self._stored_view()
        if self._prefetched_view is not None:
            return
        client, refresh = self.pkgtui.client, self.first_refresh
        v3_grid = self._v3_grid()
        if v3_grid is not None:
            # The grid itself is home's copy: API v3's whole grid is the one request.
            self.start_early("v3", self._fetch_v3(v3_grid, refresh))
            return
        if refresh or client.peek_grid(self.key) is None:
            self.start_early("grid", client.grid(self.key, refresh=refresh))
            # Home's list of grids names each grid's members: they are asked for now, beside
            # the grid itself, rather than one round trip later (load checks the grid agrees).
            # With a synced store, the members come from API v3's whole grid in one request once
            # the grid has answered (see _members): not one v4 request a member started here.
            known = self.pkgtui.session.find_grid(self.key)
            if self._matching_store() is None and known is not None:
                self._prefetch_members(known, refresh)

    def _prefetch_members(self, known: Grid, refresh: bool) -> None:
        """Ask for the members ``known`` (home's copy of the grid) names, before the grid
        itself has answered (``_members`` checks the grid agrees)."""
        if known.package_ids:
            self._early_member_ids = known.package_ids
            self.keep_early(
                "members", Started(self.pkgtui.client.iter_packages(known.package_ids, refresh=refresh))
            )

    async def _members(self, grid: Grid, refresh: bool) -> Started[Fetched[Package]]:
        """The fetch of ``grid``'s members: the one prefetch started, if it asked for the same
        members; else, with a synced store, API v3's whole grid in one request (members it cannot
        match, or every one when v3 is unavailable, from v4 one by one), each kept in the store."""
        ids = grid.package_ids
        early: Started[Fetched[Package]] | None = self.take_early("members")
        if early is not None:
            if set(self._early_member_ids) == set(ids):
                return early
            await early.aclose()  # the grid changed since home listed it
        store = self._matching_store()
        if store is not None:
            # Imported here: it brings the HTTP client, which a warm start must not import
            # before its first paint (tests/store/test_layering.py).
            from ..store import fetch_grid_members

            return Started(
                fetch_grid_members(
                    self.pkgtui.client, store, grid, refresh=refresh, v3_url=self.pkgtui.config.api_v3_url
                )
            )
        return Started(self.pkgtui.client.iter_packages(ids, refresh=refresh))

    def _v3_grid(self) -> Grid | None:
        """The grid, when its members come from API v3's whole grid alone, in one request:
        it is known (home listed it: its title, and the slug v3 looks up by) and the store
        holds no synced catalogue to draw from or to match v3's members through. Never in
        the demo: its in-process API (api/demo.py) serves v4 alone."""
        if self.pkgtui.config.demo:
            return None
        known = self.pkgtui.session.find_grid(self.key)
        if known is None or self._matching_store() is not None or not _SLUG.fullmatch(known.slug):
            return None
        return known

    async def _fetch_v3(self, grid: Grid, refresh: bool) -> list[Package | V3Package]:
        # Imported here: it brings the HTTP client (see _members).
        from ..store import fetch_v3_members

        return await fetch_v3_members(
            self.pkgtui.client, self.pkgtui.store, grid, refresh=refresh, v3_url=self.pkgtui.config.api_v3_url
        )

    def _matching_store(self) -> Store | None:
        """The store API v3's members are matched through (v3 names packages by slug, the
        store knows their ids): a synced one. None: v4, one request a member (an empty store
        would match nothing, and v3 would be one request more)."""
        return self.pkgtui.store if self.pkgtui.catalogue_synced() else None

    def _catalogue_synced(self, version: int) -> None:
        # Opened before the catalogue held it (API v3's rows: no last commit, no ids, so no
        # Score and nothing to mark as stale), the grid is drawn again from the store once a
        # sync brings it whole, unless the grid is still loading (its worker draws it then).
        loading = any(worker.group == "grid" and worker.is_running for worker in self.workers)
        if not self.shown_from_store and not loading and self._stored_view() is not None:
            self.show_cached()
            return
        super()._catalogue_synced(version)

    def _stored_view(self) -> GridView | None:
        """The grid and every one of its members from the local catalogue, or None when it
        cannot answer (not synced, ``--refresh``, or a member it does not hold)."""
        store = self.catalogue
        view = store.grid_view(self.key) if store is not None else None
        return view if view is not None and not view.missing else None

    @work(exclusive=True, group="grid", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        self.shown_from_store = False
        self._refresh_facts = refresh
        # r while a stale grid is being revalidated: this load replaces that one.
        self.workers.cancel_group(self, "grid-revalidate")
        client = self.pkgtui.client
        self.packages.clear()
        self.failures.clear()
        self._slug_rows.clear()
        self._v3_usage.clear()
        self._listed_by_v3 = False
        # Known from home: named by its title rather than by the id or slug it was opened with.
        name = self._heading[0] if self._heading else f"grid {clean(self.key)}"
        self.show_loading(f"Loading {name}…")
        v3_rows: Awaitable[list[Package | V3Package]] | None = self.take_early("v3")
        v3_grid = self._v3_grid() if v3_rows is not None or "grid" not in self._early else None
        if v3_grid is not None:
            # r, or a first load nothing was prefetched for: one request again.
            if await self._load_by_v3(v3_grid, v3_rows or self._fetch_v3(v3_grid, refresh)):
                return
            # v3 is missing, or answered anything not of its shape: v4 as without it, quietly
            # (nothing is said: the rows are the same). The members home's copy names are
            # asked for beside the grid, as prefetch does.
            self._prefetch_members(v3_grid, refresh)
        elif isinstance(v3_rows, asyncio.Future):
            v3_rows.cancel()  # the store was synced in between: it answers instead
        try:
            grid = await (self.take_early("grid") or client.grid(self.key, refresh=refresh))
        except NotFound:
            self._show_missing()
            return
        except APIError as error:
            self.show_error(error)
            self.table.set_empty_text("Nothing loaded.")
            return
        self._show_grid(grid)
        ids = grid.package_ids
        if not ids:
            self._loaded()
            return
        self._start_progress(len(ids))
        await self.receive_members(await self._members(grid, refresh), len(ids))

    async def _load_by_v3(self, grid: Grid, v3_rows: Awaitable[list[Package | V3Package]]) -> bool:
        """Draw ``grid`` from API v3's whole grid; False (nothing drawn) when v3 is missing
        or answered anything not of its shape."""
        self._show_grid(grid)
        try:
            rows = await v3_rows
        except APIError:
            return False
        self._show_v3_rows(rows)
        return True

    def _show_v3_rows(self, rows: list[Package | V3Package]) -> None:
        """The members v3 listed: those the store matched by slug as they are, the rest
        keyed by ids no package has (see ``_slug_rows``), with no last commit (v3 has none)."""
        from ..api.v3 import V3Package  # with the client already: v3 answered

        matched = {row.id: row for row in rows if isinstance(row, Package)}
        alone = [row for row in rows if isinstance(row, V3Package)]
        keys = unused_ids(matched, len(alone))
        packages: dict[int, Package] = {}
        for row in rows:
            if isinstance(row, Package):
                packages[row.id] = row
                continue
            key = keys.pop(0)
            packages[key] = row.to_package(key, category_url=None, grid_urls=(), last_updated=None)
            self._slug_rows[key] = row.slug
            if row.usage_count is not None:
                self._v3_usage[key] = row.usage_count
        self.packages = packages
        self._listed_by_v3 = True
        self.pkgtui.session.add_packages(matched.values())  # never a row keyed by a made-up id
        self._read_usage()
        self._loaded()

    def _finish_progress(self) -> None:
        self._progress = None
        self.query_one("#grid-progress", LoadProgress).finish()

    def _start_progress(self, total: int) -> None:
        self.show_loading(f"Loading {total:,} packages…")
        self.query_one("#grid-progress", LoadProgress).update_progress(0, total, "packages")
        self._progress = (0, total)

    async def receive_members(self, members: Started[Fetched[Package]], total: int) -> None:
        """Take ``total`` members as they arrive (each a row, or a failed row), drawn a few at
        a time with the progress bar, then say how it went (:meth:`_loaded`). Shared with the
        compare screen, whose members are the user's marks."""
        arrived = 0
        try:
            async for fetched in members:
                arrived += 1
                if fetched.value is not None:
                    self.packages[fetched.value.id] = fetched.value
                    self.pkgtui.session.add_packages([fetched.value])
                else:
                    self.failures[fetched.key] = fetched.error or APIError("unknown error")
                self._progress = (arrived, total)
                self._redraws.request()
        finally:
            await members.aclose()
        self._finish_progress()
        self._read_usage()
        self._loaded()

    def show_cached(self) -> bool:
        """Draw the grid before the first frame when it and every member are fresh in the
        cache, reading them at once: then the screen opens complete, with no worker and no
        "Loading…" shown and replaced a few milliseconds later. False (nothing drawn) when
        anything is missing; the worker then loads as usual. The local catalogue first: it
        holds whole grids, kept fresh by the background sync; ``r`` loads from the API."""
        view, self._prefetched_view = self._prefetched_view or self._stored_view(), None
        if view is not None:
            self._show_grid(view.grid)
            self.failures.clear()
            self.packages = {package.id: package for package in view.members}
            self._read_usage(view.usage)
            self._loaded()
            self.shown_from_store = True
            if self.catalogue_is_stale():
                self.revalidate()
            return True
        client = self.pkgtui.client
        grid = client.peek_grid(self.key)
        members = dict.fromkeys(grid.package_ids) if grid is not None else {}
        if grid is None or len(members) > CACHED_DRAW_MOST:
            return False
        packages = []
        for key in members:
            package = client.peek_package(key)
            if package is None:
                return False
            packages.append(package)
        self._show_grid(grid)
        self.packages = {package.id: package for package in packages}
        self.pkgtui.session.add_packages(packages)
        self._read_usage()
        self._loaded()
        return True

    @work(exclusive=True, group="grid-revalidate", exit_on_error=False)
    async def revalidate(self) -> None:
        """The stored grid was old: ask the API for it again (the grid, then its members in
        one v3 request where it answers) and redraw the rows in place as they come, each kept
        in the store. A failure leaves the stored copy on screen, row by row."""
        client = self.pkgtui.client
        try:
            grid = await client.grid(self.key)
        except APIError:
            return
        self._show_grid(grid)
        ids = set(grid.package_ids)
        # A member the grid no longer names goes; one it names now arrives below.
        self.packages = {key: package for key, package in self.packages.items() if key in ids}
        members = await self._members(grid, refresh=False)
        try:
            async for fetched in members:
                if fetched.value is not None:
                    self.post_message(self.MemberRevalidated(fetched.value))
        finally:
            await members.aclose()
        self.post_message(self.Revalidated())

    @on(MemberRevalidated)
    def _member_revalidated(self, event: MemberRevalidated) -> None:
        package = event.package
        if package != self.packages.get(package.id):
            self.packages[package.id] = package
            self.pkgtui.session.add_packages([package])
            self._redraws.request()  # in place, a few members at a time

    @on(Revalidated)
    def _revalidated(self) -> None:
        self._read_usage()
        self._draw()

    def _read_usage(self, stored: dict[int, int] | None = None) -> None:
        """The usage counts of the packages on screen, from the store (v3 wrote them there,
        by a sync or by this screen's own fetch), or ``stored`` when read with them already;
        none without a store."""
        store = self.pkgtui.store
        identified = [key for key in self.packages if key not in self._slug_rows]
        if stored is not None:
            usage = dict(stored)
        else:
            usage = store.usage_counts(identified) if store is not None else {}
        usage |= {key: count for key, count in self._v3_usage.items() if key in self.packages}
        self.usage = usage
        keys = self._column_keys(usage=bool(usage))
        if keys != self.column_keys:
            self.column_keys = keys
            self.table.columns = [TABLE_COLUMNS[key] for key in keys]  # labels follow in _draw_labels
        self._read_known()

    def _read_known(self) -> None:
        """Each member's PyPI facts from the store (no request), with its usage count."""
        store = self.pkgtui.store
        if store is None:
            self.known = {key: Known(users=users) for key, users in self.usage.items()}
            return
        from ..facts import stored_rows

        offline = not self.pkgtui.pypi_allowed
        rows = stored_rows(store, list(self.packages.values()), offline=offline, releases=False)
        self.known = {
            row.package.id: Known(row.facts, row.problem, self.usage.get(row.package.id)) for row in rows
        }

    # -- PyPI's facts ----------------------------------------------------------------------

    def _start_facts(self) -> None:
        if self.pkgtui.store is not None and self.packages:
            self.fetch_facts(refresh=self._refresh_facts)
        self._refresh_facts = False

    @work(exclusive=True, group="facts", exit_on_error=False)
    async def fetch_facts(self, refresh: bool = False) -> None:
        """Ask PyPI for the members' facts that are stale in the store (all with ``refresh``),
        the rows on screen first; each answer is kept in the store as it arrives, and the rows
        are redrawn from the store in place, a few answers at a time. None asked when every
        member's facts are fresh: then nothing is requested."""
        packages = self._ordered(list(self.packages.values()), self.pkgtui.now())
        self.facts_pending = True
        try:
            await self.pkgtui.fetch_pypi_facts(
                packages, refresh=refresh, on_result=lambda _result: self._facts_redraws.request()
            )
        finally:
            self.facts_pending = False
            self._facts_done = True
            self._facts_redraws.cancel()
            self._facts_arrived()

    def _facts_arrived(self) -> None:
        self._read_known()
        self._draw()

    def _loaded(self) -> None:
        """Everything has arrived (or failed): say so and draw the rows."""
        listed = len(self.packages) if self._listed_by_v3 else len(self.grid.package_ids) if self.grid else 0
        if not listed:
            self.clear_message()
            self.table.set_empty_text("This grid lists no packages.")
        elif self.failures:
            failed, total = len(self.failures), listed
            self.show_error(f"{failed} of {total} packages could not be loaded — press r to retry")
        else:
            self.clear_message()
        self._draw()
        # The rows that just arrived go out at once, not at the next 60 fps frame (up to
        # 16.7 ms later): nothing else is waiting to be drawn with them.
        paint_now(self)
        # PyPI's facts once the rows are painted: the fetch's start (reading the store, the
        # PyPI client's first request) otherwise runs before that frame, on the same loop.
        self.call_after_refresh(self._start_facts)

    def _show_missing(self) -> None:
        self._heading = None
        self.query_one("#grid-title", Static).update(Text("Grid not found"))
        self.table.set_empty_text("Nothing to show.")
        self.show_error(f"No grid “{clean(self.key)}” on {self.pkgtui.client.host} — check the slug or id.")

    def _show_grid(self, grid: Grid) -> None:
        self.grid = grid
        self.pkgtui.session.add_grids([grid])
        self._show_heading(grid)

    def _show_heading(self, grid: Grid) -> None:
        """Show the grid's title and description, unless they are what is shown already."""
        heading = (clean(grid.display_title), clean(grid.description))
        if heading == self._heading:
            return
        self._heading = title, description = heading
        self.title = title
        self.query_one("#grid-title", Static).update(Text(title, style="bold"))
        self.query_one("#grid-description", Static).update(Text(description))
        self.query_one("#grid-description").display = bool(description)

    # -- drawing -------------------------------------------------------------------------

    def _ordered(self, packages: list[Package], now: datetime) -> list[Package]:
        return sort_known(packages, self.known, self.sort_key, reverse=self.sort_reverse, now=now)

    def _draw(self) -> None:
        self._redraws.cancel()  # drawn now: a redraw that was due has nothing left to show
        now = self.pkgtui.now()
        query = self.query_one("#filter", Input).value
        packages = self._declaring(self._matching(list(self.packages.values()), query))
        ordered = self._ordered(packages, now)
        # Best among all the grid's packages, so filtering does not move the marks.
        members = list(self.packages.values())
        best = best_values(members, now) | known_best_values(members, self.known, now)
        if self._slug_rows:
            # The score counts the time since the last commit, which v3's rows lack: the best
            # is among the rows whose score is known.
            dated = [p for p in members if p.id not in self._slug_rows]
            best.pop("score", None)
            best.update((k, v) for k, v in known_best_values(dated, self.known, now).items() if k == "score")
        keys: list[Hashable] = [p.id for p in ordered]
        failed_rows: list[list[Text]] = []
        failures = list(self.failures.items()) if self.django_filter is None else []
        # A failed member is found by its id or slug, with the rule of every filter.
        for index in filter_indices([haystack(clean(str(key))) for key, _ in failures], query):
            key, error = failures[index]
            failed_rows.append(self._failed_cells(key, error))
            keys.append(failed_key(key))
        # Each row's cells are made when the table first shows it, from this draw's best
        # values and clock (the facts they read change only with a new draw).
        rows = LazyRows(lambda i: self._cells(ordered[i], best, now), len(ordered), failed_rows)
        compared = self._compared
        self._marks_shown = bool(compared) and any(p.slug in compared for p in ordered)
        # Names are never cut while a number column can go instead: the longest of all the
        # grid's (not only the filtered ones, so a filter does not reshuffle the columns).
        longest = max((self._name_width(p, now) for p in self.packages.values()), default=0)
        # As wide as the longest name and no wider: the width a name cannot use shows a column.
        name_width = max(12, min(NAME_MOST, longest))
        self.table.set_min_width(self.column_keys.index("name"), name_width, most=name_width)
        self.table.set_rows(rows, keys)
        if self._progress is not None:
            done, total = self._progress
            self.query_one("#grid-progress", LoadProgress).update_progress(done, total, "packages")
        if self.grid is not None and not rows:
            if self.django_filter is not None:
                empty = (
                    f"No package here declares Django {self.django_filter} — d: the next version, Esc: all."
                )
            elif query.strip():
                empty = f"No package matches '{clean(query.strip())}'."
            else:
                empty = "No packages loaded."
            self.table.set_empty_text(empty)
        self._draw_labels()
        self._draw_legend(len(ordered))

    def _is_stale(self, package: Package, now: datetime) -> bool:
        """Stale: no commit for a year or more. Not said of a row from v3 alone, whose last
        commit is unknown (v3 does not give it), rather than absent."""
        return package.id not in self._slug_rows and package.is_stale(now)

    def _name_width(self, package: Package, now: datetime) -> int:
        stale = len(STALE_MARK) + 1 if self._is_stale(package, now) else 0
        # Room for the mark whenever the compare list has anything, marked here or not: so
        # m on the longest name does not move the columns (only a first mark or the last gone).
        compared = len(COMPARE_MARK) + 1 if self._compared else 0
        return cell_len(column("name").text(package, now)) + stale + compared + 1  # + a best mark

    def on_screen_resume(self) -> None:
        # Back from a screen above (a package marked there): read the list again. Not when
        # first shown: on_mount has just read it.
        if self._shown_once and self.MARKS_COMPARED:
            self.user_data_changed(self.read_user_data())
        self._shown_once = True

    def user_data_changed(self, data: UserData) -> None:
        # m here (or on a screen above, seen on coming back): the marks follow the list.
        compared = frozenset(data.compare) if self.MARKS_COMPARED else frozenset()
        if compared != self._compared:
            self._compared = compared
            self._draw()

    def on_resize(self) -> None:
        # The columns a width hides are named in the legend: after the table has its new size.
        # Not while loading: the legend is drawn with the rows (drawn at the first size, it
        # re-laid the screen out just as a grid of 160's answer arrived: 2.5 ms before its rows).
        self.call_after_refresh(self._redraw_legend)

    def _redraw_legend(self) -> None:
        if self._shown is not None:
            self._draw_legend(self._shown)

    def _matching(self, packages: list[Package], query: str) -> list[Package]:
        if not query.strip():
            return packages
        texts = [self._haystack(p) for p in packages]
        return [packages[i] for i in filter_indices(texts, query)]

    def _declaring(self, packages: list[Package]) -> list[Package]:
        """Those of ``packages`` whose PyPI classifiers declare the Django filter's version."""
        version = self.django_filter
        if version is None:
            return packages
        return [p for p in packages if version in self._django_versions(p)]

    def _django_versions(self, package: Package) -> tuple[str, ...]:
        facts = self.known.get(package.id, NOTHING_KNOWN).facts
        return facts.django_versions if facts is not None else ()

    def _haystack(self, package: Package) -> str:
        cached = self._haystacks.get(package.id)
        if cached is None or cached[0] is not package:
            cached = (
                package,
                haystack(clean(package.display_title), package.slug, clean(package.repo_description)),
            )
            self._haystacks[package.id] = cached
        return cached[1]

    def _cells(self, package: Package, best: BestValues, now: datetime) -> list[Text]:
        """The row of ``package``; the same list as last time when nothing it shows changed."""
        known = self.known.get(package.id)
        # What a row shows besides the package itself: its best marks, staleness, age, facts.
        shown = (
            tuple(key in best and self._value(key, package, now) == best[key] for key in self.column_keys),
            self._is_stale(package, now),
            column("last_commit").text(package, now),
            _shown_of(known),
            self._is_pending(known),
            package.slug in self._compared,
        )
        cached = self._cell_cache.get(package.id)
        if cached is not None and cached[0] is package and cached[1] == shown:
            return cached[2]
        cells = self._build_cells(package, best, now)
        self._cell_cache[package.id] = (package, shown, cells)
        return cells

    def _value(self, key: str, package: Package, now: datetime) -> object:
        if key in COLUMN_KEYS:
            return column(key).value(package, now)
        return fact_column(key).value(package, self.known.get(package.id, NOTHING_KNOWN), now)

    def _is_pending(self, known: Known | None) -> bool:
        """Whether a row's facts are still to come: asked of PyPI (or about to be), none kept."""
        if self.pkgtui.store is None or not self.pkgtui.pypi_allowed:
            return False
        if known is None:
            return True  # not read from the store yet
        if known.facts is not None:
            return False
        # Nothing kept yet (no facts, no failure): asked for, or about to be.
        return known.problem == NO_ANSWER and (self.facts_pending or not self._facts_done)

    def _build_cells(self, package: Package, best: BestValues, now: datetime) -> list[Text]:
        known = self.known.get(package.id, NOTHING_KNOWN)
        pending = self._is_pending(self.known.get(package.id))
        cells: list[Text] = []
        undated = package.id in self._slug_rows  # v3 gave no last commit, so no score either
        for key in self.column_keys:
            if undated and key in ("last_commit", "score"):
                cell = Text("–")
            elif key == "name":
                cell = Text(column(key).text(package, now))
                if self._is_stale(package, now):
                    cell = Text.assemble((f"{STALE_MARK} ", STALE_STYLE), cell)
                if package.slug in self._compared:
                    cell = compare_marked(cell)
            elif key == "activity":
                counts = package.commits_over_52
                cell = Text(sparkline(activity_buckets(counts, ACTIVITY_CELLS)) if counts else "no data")
            elif key in COLUMN_KEYS:
                cell = Text(column(key).text(package, now))
            elif key in PYPI_KEYS and known.facts is None:
                # No facts: the Django cell says why (briefly), or that they are on their way.
                if key != "django":
                    cell = Text("")
                elif pending:
                    cell = Text(PENDING_MARK, style=PENDING_STYLE)
                elif self._says_why(problem := short_problem(known.problem)):
                    cell = Text(f"{FAILED_MARK} {problem}", style=FAILED_STYLE)
                else:
                    cell = Text("–")  # PyPI is off or offline and nothing is kept: nothing to say
            else:
                cell = Text(fact_column(key).text(package, known, now))
            if (
                key in best
                and not (undated and key == "score")
                and self._value(key, package, now) == best[key]
            ):
                cell = Text.assemble((BEST_MARK, BEST_STYLE), (cell.plain, BEST_STYLE))
            cells.append(cell)
        return cells

    def _says_why(self, problem: str) -> bool:
        """Whether a row without facts says why: always for what is true of the package
        itself (no PyPI name, not on PyPI); a failed fetch only while PyPI may be asked (off
        or offline, a dash says there is nothing, as for a package never fetched)."""
        return bool(problem) and (self.pkgtui.pypi_allowed or problem in PACKAGE_PROBLEMS)

    def _failed_cells(self, key: int | str, error: APIError) -> list[Text]:
        message = Text(
            f"{FAILED_MARK} package {clean(str(key))} failed: {clean(error.message)}", style=FAILED_STYLE
        )
        return [message] + [Text("") for _ in self.column_keys[1:]]

    def _direction_descending(self) -> bool:
        if self.sort_reverse is not None:
            return self.sort_reverse
        if self.sort_key in COLUMN_KEYS:
            return bool(column(self.sort_key).higher_is_better)
        return bool(fact_column(self.sort_key).higher_is_better)

    def _draw_labels(self) -> None:
        labels = [TABLE_COLUMNS[key].label for key in self.column_keys]
        index = self.column_keys.index(self.sort_key) if self.sort_key in self.column_keys else None
        self.table.set_labels(sort_labels(labels, index, self._direction_descending()))

    def _draw_legend(self, shown: int) -> None:
        self._shown = shown
        total = len(self.packages)
        count = count_of(shown, total)
        sort = f"sorted by {TABLE_COLUMNS[self.sort_key].label} {sort_arrow(self._direction_descending())}"
        if self.django_filter is not None:
            count += f" declare Django {self.django_filter} (d: next, Esc: all)"
        legend = f"{count} · {sort} · {BEST_MARK} best · {STALE_MARK} stale (no commit in a year)"
        if self._marks_shown:
            legend += f" · {COMPARE_MARK} on your compare list"
        if self.failures or any(k.facts is None and k.problem for k in self.known.values()):
            legend += f" · {FAILED_MARK} problem"  # the row says which (not on PyPI, HTTP 503…)
        if self.facts_pending:
            legend += f" · {PENDING_MARK} asking PyPI"
        elif self.django_filter is None and self.declared_django_versions():
            legend += " · d: by Django version"
        if self.table.size.width and (hidden := self.table.hidden_columns()):
            legend += f" · hidden: {hidden_text(hidden, self.table.size.width)}"
        # Neither API serves the grids' feature rows: say where they are, and the key to go there.
        legend += f"\n{self.LEGEND_NOTE}"
        self.query_one("#grid-legend", Static).update(Text(legend))

    # -- actions -------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        keys = self.column_keys
        index = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.sort_key = keys[(index + 1) % len(keys)]
        self.sort_reverse = None
        self._draw()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self._direction_descending()
        self._draw()

    @on(VirtualTable.HeaderClicked, "#grid-table")
    def _sort_by_header(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column >= len(self.column_keys):
            return
        key = self.column_keys[event.column]
        if key == self.sort_key:
            self.action_reverse_sort()
        else:
            self.sort_key, self.sort_reverse = key, None
            self._draw()

    def declared_django_versions(self) -> list[str]:
        """The Django versions any member's PyPI classifiers declare, newest first."""
        from ..readiness import newest_first

        return newest_first(v for p in self.packages.values() for v in self._django_versions(p))

    def show_django_filter(self) -> None:
        self._draw()

    def _filter_changed(self) -> None:
        self._draw()

    @on(VirtualTable.Selected, "#grid-table")
    def _open_package(self, event: VirtualTable.Selected) -> None:
        if isinstance(event.key, int):
            # A row from v3 alone is opened by its slug: its key is no package's id.
            self.pkgtui.open_screen("package", self._slug_rows.get(event.key, str(event.key)))
        elif event.key is not None:
            self.notify("This package could not be loaded: press r to retry.", severity="warning", timeout=4)

    def subject(self) -> Subject | None:
        """The package under the cursor; the grid when the table has no focus or no row."""
        key = self.table.cursor_key if self.focused is self.table else None
        package = self.packages.get(key) if isinstance(key, int) else None
        return Subject.of_package(package) if package is not None else self.screen_subject()

    def screen_subject(self) -> Subject | None:
        return Subject.of_grid(self.grid) if self.grid is not None else None

    def focused_url(self) -> str | None:
        """The grid's own page on the website, which holds what this screen cannot show: the
        feature comparison. (A package's links are one Enter away, on its screen.)"""
        grid = self.grid or self.pkgtui.session.find_grid(self.key)
        return grid_page_url(grid.slug) if grid is not None else None
