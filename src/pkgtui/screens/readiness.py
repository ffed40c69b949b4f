"""Readiness: which packages of a selection declare support for a Django (or Python) release.

The website's "Readiness" pages (upstream ``homepage/views.py``, ``readiness/<product>/<cycle>/``)
in the TUI, over the same rules as ``pkgtui readiness`` (:mod:`pkgtui.readiness`). The packages
are the local catalogue's: the most starred N, a grid or a category. Their PyPI facts are read
from the store first (the first frame asks nothing), then those that are stale are fetched in
a worker, at most the PyPI client's bound at a time, each row updated as its answer arrives;
a failure is that row's note, and facts kept from before stay.

A release or product change only re-sorts what is known (facts do not depend on the release);
a new selection reads the store again and fetches what it lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from msgspec.structs import replace
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..api.pypi import minor_version_key
from ..facts import FactsRow, pypi_name_of, reason, stale_names, stored_rows
from ..filtering import filter_indices, haystack
from ..format import format_count
from ..readiness import Product, Readiness, classify, declared, format_range
from ..sorting import natural_key
from ..text import clean
from ..widgets import Column, FilterInput, VirtualTable
from ..widgets.redraw import RedrawThrottle
from .base import DataScreen

if TYPE_CHECKING:
    from ..api.models import Package
    from ..api.pypi import FactsResult
    from ..store import Store

# Django 5.2 is the LTS release that most maintained packages declare by now; Python 3.13 the
# newest release a broad share of them declares. Either is changed on screen ([ ] or v).
DEFAULT_RELEASE: dict[Product, str] = {"django": "5.2", "python": "3.13"}
DEFAULT_TOP = 50
TOP_CHOICES = (25, 50, 100, 250)
MAX_PACKAGES = 1000  # as pkgtui readiness: PyPI requests one list may make
MAX_CHOICES = 2000  # grids and categories offered in the selection list
# The releases [ and ] step through, oldest first (typed in the box, any MAJOR.MINOR is taken).
RELEASES: dict[Product, tuple[str, ...]] = {
    "django": (
        *(f"1.{minor}" for minor in range(12)),
        *(f"{major}.{minor}" for major in range(2, 6) for minor in range(3)),
        "6.0",
        "6.1",
    ),
    "python": ("2.6", "2.7", *(f"3.{minor}" for minor in range(16))),
}
# The table is redrawn at most this often while answers arrive (the first and the last at
# once): a frame costs ~10 ms, and while it is drawn the answers in flight wait.
REDRAW_INTERVAL = 0.1

STATUS_ORDER = (Readiness.SUPPORTS, Readiness.OLDER_ONLY, Readiness.SKIPS, Readiness.SILENT)
STATUS_TEXT = {
    Readiness.SUPPORTS: ("supports", Style(color="green", bold=True)),
    Readiness.OLDER_ONLY: ("older only", Style(color="yellow")),
    Readiness.SKIPS: ("skips it", Style(color="magenta")),
    Readiness.SILENT: ("says nothing", Style(dim=True)),
}
COUNT_WORDS = {
    Readiness.SUPPORTS: "support it",
    Readiness.OLDER_ONLY: "older only",
    Readiness.SKIPS: "skip it",
    Readiness.SILENT: "say nothing",
}
PROBLEM_STYLE = Style(color="red")
DIM = Style(dim=True)
ASKING = "asking PyPI…"


def selection_label(choice: str, store: Store | None) -> str:
    """Words for a selection value: ``top:50``, ``grid:<slug>``, ``category:<id>``."""
    kind, _, key = choice.partition(":")
    if kind == "top":
        return f"the {key} most starred packages"
    if store is not None and kind == "grid":
        grid = store.grid(key)
        return f"grid {clean(grid.display_title)}" if grid is not None else f"grid {clean(key)}"
    if store is not None and kind == "category":
        category = store.category(int(key)) if key.isdigit() else None
        return (
            f"category {clean(category.display_title)}" if category is not None else f"category {clean(key)}"
        )
    return clean(choice)


class ReadinessScreen(DataScreen):
    """Who declares a Django (or Python) release, from PyPI's classifiers."""

    HELP_TITLE = "Readiness"
    FILTER_ID = "no-filter"  # the release box is not a filter: "/" says there is none
    AUTO_FOCUS = "#readiness-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "edit_release", "Release", id="readiness.release"),
        Binding("left_square_bracket", "step_release(-1)", "Older release", key_display="[", show=False,
                id="readiness.older_release"),
        Binding("right_square_bracket", "step_release(1)", "Newer release", key_display="]", show=False,
                id="readiness.newer_release"),
        Binding("p", "toggle_product", "Django/Python", show=False, id="readiness.product"),
        Binding("c", "pick_selection", "Packages", id="readiness.selection"),
        Binding("f", "cycle_shown", "Show", id="readiness.show"),
    ]  # fmt: skip
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("enter", "open the package"),
        ("o / y", "open / copy the package's PyPI page"),
        ("r", "ask PyPI again for every package shown"),
        ("supports", "declares the release in its classifiers"),
        ("older only", "declares only releases before it"),
        ("skips it", "declares releases after it, not it"),
        ("says nothing", "declares no release (or PyPI gave no facts: see the note)"),
    ]

    def __init__(self, release: str | None = None, product: Product = "django", selection: str = "") -> None:
        super().__init__()
        self.product: Product = product
        self.release = release if release and minor_version_key(release) else DEFAULT_RELEASE[product]
        self.selection = selection or f"top:{DEFAULT_TOP}"
        self.rows: list[FactsRow] = []
        self.shown_status: Readiness | None = None  # None: every status
        self.pending: set[str] = set()  # PyPI names asked for and not answered yet
        self._asked = 0
        self._redraws = RedrawThrottle(self, REDRAW_INTERVAL, self._draw, name="readiness redraw")
        # Per package id: its row, what its cells show, and the cells, so that a redraw reuses
        # the cells (and the table its rendered lines) of every row that did not change.
        self._cell_cache: dict[int, tuple[FactsRow, tuple[object, ...], list[Text | str]]] = {}
        self._lines: dict[str, Text] = {}  # what each line above and below the table shows

    def compose_body(self) -> ComposeResult:
        yield Static("", id="readiness-title", markup=False)
        # Plain lines and one box, not Select widgets: the screen's first frame is on the
        # clock while PyPI's first answers wait (two Selects cost ~40 ms of styling there).
        with Horizontal(id="readiness-form"):
            yield Static("", id="readiness-product", markup=False)
            yield FilterInput(
                "e.g. 5.2 (v)",
                value=self.release,
                id="readiness-release",
                leave_to=lambda: self.table,
            )
            yield Static("", id="readiness-selection", markup=False)
        yield Static("", id="readiness-counts", markup=False)
        yield VirtualTable(
            [
                Column("Status", 13),
                Column("Package", None, min_width=16),
                Column("Declares", 13),
                Column("Latest", 8, hide_below=64),
                Column("Released", 10, hide_below=78),
                Column("Stars", 7, align="right", hide_below=90),
                Column("Note", None, min_width=10),
            ],
            empty_text="No packages.",
            id="readiness-table",
        )
        # The row under the cursor in full: what a narrow Note or Declares column cuts.
        yield Static("", id="readiness-detail", markup=False)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#readiness-table", VirtualTable)

    def on_mount(self) -> None:
        self.sub_title = "Readiness"
        # A sync committed a new catalogue (or the first one): the selection is read again.
        self.watch(self.pkgtui, "catalogue_version", self._catalogue_changed, init=False)

    def _catalogue_changed(self, _version: int) -> None:
        self.load()

    # -- the selection --------------------------------------------------------------------

    def _choices(self) -> list[tuple[str, str]]:
        """The picker's options: the most starred N, then every grid and category in the store."""
        options = [(f"The {n} most starred packages", f"top:{n}") for n in TOP_CHOICES]
        store = self.pkgtui.store if self.pkgtui.catalogue_synced() else None
        if store is not None:
            grids = sorted(store.grids(), key=lambda grid: natural_key(clean(grid.display_title)))
            options += [
                (f"Grid: {clean(grid.display_title)}", f"grid:{grid.slug or grid.id}") for grid in grids
            ]
            options += [
                (f"Category: {clean(category.display_title)}", f"category:{category.id}")
                for category in store.categories()
            ]
        if self.selection not in {value for _, value in options}:
            options.insert(0, (selection_label(self.selection, store).capitalize(), self.selection))
        return options[:MAX_CHOICES]

    def _packages(self, store: Store) -> list[Package] | None:
        """The selection's packages from the store, most starred first; None: not there."""
        kind, _, key = self.selection.partition(":")
        if kind == "grid":
            grid = store.grid(key)
            packages = None if grid is None else store.grid_members(grid.id)
        elif kind == "category":
            packages = store.category_packages(int(key)) if key.isdigit() else None
            if packages is not None and store.category(int(key)) is None:
                packages = None
        else:
            top = int(key) if key.isdigit() else DEFAULT_TOP
            return store.top_packages(max(1, min(top, MAX_PACKAGES)))
        if packages is None:
            return None
        return sorted(packages, key=lambda package: -(package.stars or 0))[:MAX_PACKAGES]

    # -- loading ---------------------------------------------------------------------------

    def prefetch(self) -> None:
        # Opened by the app: the stale facts are asked for now, while the screen is composed
        # and first painted (~50 ms), not after; load takes the fetch over. Each answer is in
        # the store before on_result, so the first frame (show_cached) has those that came.
        store = self.pkgtui.store
        if store is None or not self.pkgtui.catalogue_synced() or not self.pkgtui.pypi_allowed:
            return
        packages = self._packages(store)
        if not packages:
            return
        self.pending = set(
            stale_names(store, packages, 0 if self.first_refresh else self.pkgtui.config.cache_ttl)
        )
        self._asked = len(self.pending)
        if self.pending:
            fetch = self.pkgtui.fetch_pypi_facts(
                packages, refresh=self.first_refresh, on_result=self._arrived
            )
            self.start_early("facts", fetch)

    def show_cached(self) -> bool:
        """The selection with the facts the store holds, before the first frame; the worker
        then asks PyPI for the stale ones (so this never answers "all drawn")."""
        store = self.pkgtui.store
        if store is None or not self.pkgtui.catalogue_synced():
            return False
        packages = self._packages(store)
        if packages is None:
            return False
        self.rows = stored_rows(store, packages, offline=not self.pkgtui.pypi_allowed)
        self._draw()
        return False

    @work(exclusive=True, group="readiness", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        store = self.pkgtui.store
        if store is None:
            self.show_empty("Readiness reads the local catalogue, and this session keeps none (--no-cache).")
            return
        if not self.pkgtui.catalogue_synced():
            self.rows = []
            self._draw()
            syncing = self.pkgtui.sync_due() or bool(self.pkgtui.catalogue_status)
            self.show_empty(
                "Readiness lists packages of the local catalogue, which is not synced yet: "
                + (
                    "it is being synced now; this list fills in when it is done."
                    if syncing
                    else "run pkgtui sync."
                )
            )
            return
        packages = self._packages(store)
        if packages is None:
            self.rows = []
            self._draw()
            self.show_empty(f"No {selection_label(self.selection, store)} in the local catalogue.")
            return
        self.clear_message()
        allowed = self.pkgtui.pypi_allowed
        early = self.take_early("facts")  # started by prefetch, for this very selection
        if early is None:
            self.pending = set(stale_names(store, packages, 0 if refresh else self.pkgtui.config.cache_ttl))
            self._asked = len(self.pending)
        if not allowed:
            self.pending = set()
        self.rows = stored_rows(store, packages, offline=not allowed)
        self._draw()
        if early is None and not self.pending:
            return
        try:
            if early is not None:
                await early
            else:
                await self.pkgtui.fetch_pypi_facts(packages, refresh=refresh, on_result=self._arrived)
        finally:
            self.pending = set()
            # The store's word on every row (what failed and why, facts kept from before);
            # the same as the answers said, unless a fetch broke off.
            kept = stored_rows(store, packages, offline=not allowed)
            if kept != self.rows:
                self.rows = kept
                self._redraws.cancel()
                self._draw()

    def _arrived(self, result: FactsResult) -> None:
        """One PyPI answer: its rows change in place, the table is redrawn soon."""
        self.pending.discard(result.name)
        if not self.is_mounted:
            return  # prefetch's answers before the first frame: show_cached reads them kept
        problem = reason(result.error) if result.error is not None else None
        self.rows = [
            replace(row, facts=result.facts or row.facts, problem=problem)
            if row.pypi_name == result.name
            else row
            for row in self.rows
        ]
        if self.pending:
            self._redraws.request()
        else:  # the last answer: drawn now, not at the end of an interval
            self._redraws.cancel()
            self._draw()

    # -- drawing ---------------------------------------------------------------------------

    def _classified(self) -> list[tuple[FactsRow, Readiness]]:
        return [(row, classify(declared(row.facts, self.product), self.release)) for row in self.rows]

    def _draw(self) -> None:
        classified = self._classified()
        counts = {status: 0 for status in STATUS_ORDER}
        for _, status in classified:
            counts[status] += 1
        order = {status: index for index, status in enumerate(STATUS_ORDER)}
        # Grouped by status, each group in the selection's order (most starred first).
        ranked = sorted(enumerate(classified), key=lambda item: (order[item[1][1]], item[0]))
        shown = [(row, status) for _, (row, status) in ranked if self.shown_status in (None, status)]
        cells = [self._cached_cells(row, status) for row, status in shown]
        self.table.set_rows(cells, [row.package.id for row, _ in shown])
        # Names whole while another column can go instead (the note is cut first), as on the
        # category and grid screens; up to 30 kept, up to 40 when there is room.
        longest = max((len(str(row[1])) for row in cells), default=16)
        self.table.set_min_width(1, max(16, min(30, longest)), most=max(16, min(40, longest)))
        store = self.pkgtui.store
        label = "Python" if self.product == "python" else "Django"
        title = f"{label} {self.release} readiness of {selection_label(self.selection, store)}"
        if self.shown_status is not None:
            title += f" · showing: {STATUS_TEXT[self.shown_status][0]}"
        self._set_line("#readiness-title", Text(title, style="bold"))
        self._set_line("#readiness-counts", self._counts_text(counts))
        self._set_line("#readiness-product", Text(f"{label} (p)"))
        picked = Text("Packages: ", DIM).append(selection_label(self.selection, store)).append(" (c)", DIM)
        self._set_line("#readiness-selection", picked)
        self.table.set_empty_text(
            "No packages." if not self.rows else "None in this group: f shows the next."
        )
        self._show_detail()

    @on(VirtualTable.Highlighted, "#readiness-table")
    def _cursor_moved(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.table.cursor_key
        row = next((row for row in self.rows if row.package.id == key), None)
        self._set_line("#readiness-detail", self._detail(row) if row is not None else Text())

    def _set_line(self, selector: str, text: Text) -> None:
        """Show ``text`` in a line of fixed height (app.tcss), repainted only when it changed:
        never a layout of the screen, which cost a few ms an answer while PyPI's arrived."""
        if self._lines.get(selector) != text:
            self._lines[selector] = text
            self.query_one(selector, Static).update(text, layout=False)

    def _detail(self, row: FactsRow) -> Text:
        """``django-otp 1.7.0 · Django 4.2, 5.1–6.0 · Python 3.10–3.14 · BSD · Production/Stable``,
        then the row's problem, if any."""
        text = Text(clean(row.package.display_title), style="bold")
        facts = row.facts
        if facts is not None:
            if facts.version:
                text.append(f" {clean(facts.version)}")
            parts = [
                f"Django {format_range(facts.django_versions, 'django') or '—'}",
                f"Python {format_range(facts.python_versions, 'python') or '—'}",
                clean(facts.license or ""),
                clean(facts.development_status_label or ""),
            ]
            text.append("".join(f" · {part}" for part in parts if part))
            if facts.yanked:
                text.append(" · latest release yanked", PROBLEM_STYLE)
                if facts.yanked_reason:
                    text.append(f": {clean(facts.yanked_reason)}", PROBLEM_STYLE)
        if row.problem:
            text.append(f" · {clean(row.problem)}", PROBLEM_STYLE)
        return text

    def _counts_text(self, counts: dict[Readiness, int]) -> Text:
        text = Text(f"{len(self.rows):,} packages: ")
        for index, status in enumerate(STATUS_ORDER):
            if index:
                text.append(" · ")
            text.append(f"{counts[status]:,} {COUNT_WORDS[status]}", STATUS_TEXT[status][1])
        failed = sum(
            1 for row in self.rows if row.facts is None and row.problem and row.pypi_name not in self.pending
        )
        if failed:
            text.append(f" · {failed:,} without PyPI facts", PROBLEM_STYLE)
        if self.pending:
            done = self._asked - len(self.pending)
            text.append(f" · asking PyPI {done:,}/{self._asked:,}", DIM)
        elif not self.pkgtui.pypi_allowed:
            text.append(" · PyPI is off: facts kept before only", DIM)
        return text

    def _cached_cells(self, row: FactsRow, status: Readiness) -> list[Text | str]:
        shows = (status, self.product, row.pypi_name in self.pending)
        cached = self._cell_cache.get(row.package.id)
        if cached is not None and cached[0] is row and cached[1] == shows:
            return cached[2]
        cells = self._cells(row, status)
        self._cell_cache[row.package.id] = (row, shows, cells)
        return cells

    def _cells(self, row: FactsRow, status: Readiness) -> list[Text | str]:
        words, style = STATUS_TEXT[status]
        facts = row.facts
        versions = declared(facts, self.product)
        if facts is None and row.pypi_name in self.pending:
            note: Text | str = Text(ASKING, DIM)
        elif row.problem:
            note = Text(clean(row.problem), PROBLEM_STYLE)
        elif facts is not None and facts.yanked:
            note = Text("latest release yanked", PROBLEM_STYLE)
        else:
            note = ""
        return [
            Text(words, style),
            clean(row.package.display_title),
            format_range(versions, self.product) or "—",
            clean(facts.version or "") if facts is not None else "",
            facts.released.date().isoformat() if facts is not None and facts.released else "",
            format_count(row.package.stars),
            note,
        ]

    # -- the form ---------------------------------------------------------------------------

    def _set_release(self, release: str) -> None:
        self.release = release
        box = self.query_one("#readiness-release", Input)
        if box.value != release:
            box.value = release
        self._draw()

    @on(Input.Submitted, "#readiness-release")
    def _release_typed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if minor_version_key(text) is None:
            self.notify(
                f"{clean(text)[:20]!r} is not a MAJOR.MINOR release, e.g. 5.2",
                severity="warning",
                markup=False,
            )
            event.input.value = self.release
            return
        self._set_release(text)

    def _pick(self, choice: str | None) -> None:
        if choice is not None and choice != self.selection:
            self.selection = choice
            self.load()

    @on(VirtualTable.Selected, "#readiness-table")
    def _open_package(self, event: VirtualTable.Selected) -> None:
        if event.key is not None:
            self.pkgtui.open_screen("package", str(event.key))

    def action_edit_release(self) -> None:
        self.set_focus(self.query_one("#readiness-release", Input))

    def action_step_release(self, step: int) -> None:
        releases = RELEASES[self.product]
        key = minor_version_key(self.release)
        keys = [minor_version_key(release) for release in releases]
        if key in keys:
            index = keys.index(key) + step
        else:  # typed in: the nearest listed one that way
            later = [i for i, each in enumerate(keys) if each is not None and key is not None and each > key]
            index = (later[0] if later else len(releases)) + (0 if step > 0 else -1)
        if 0 <= index < len(releases):
            self._set_release(releases[index])

    def action_toggle_product(self) -> None:
        self.product = "python" if self.product == "django" else "django"
        self._set_release(DEFAULT_RELEASE[self.product])

    def action_pick_selection(self) -> None:
        self.pkgtui.push_screen(SelectionPicker(self._choices(), self.selection), self._pick)

    @on(events.Click, "#readiness-product")
    def _product_clicked(self) -> None:
        self.action_toggle_product()

    @on(events.Click, "#readiness-selection")
    def _selection_clicked(self) -> None:
        self.action_pick_selection()

    def action_cycle_shown(self) -> None:
        cycle: Sequence[Readiness | None] = (None, *STATUS_ORDER)
        self.shown_status = cycle[(cycle.index(self.shown_status) + 1) % len(cycle)]
        self._draw()

    def focused_url(self) -> str | None:
        key = self.table.cursor_key
        row = next((row for row in self.rows if row.package.id == key), None)
        if row is None or pypi_name_of(row.package) is None:
            return None
        return row.package.pypi_project_url


class SelectionPicker(ModalScreen[str | None]):
    """Which packages the readiness list is about: type to narrow the list (every word must
    match), Enter or a click picks the highlighted one, Esc leaves the choice as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_picker", "Cancel", id="picker.cancel"),
    ]
    AUTO_FOCUS = "#picker-filter"

    def __init__(self, choices: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.choices = list(choices)
        self.current = current
        self._haystacks = [haystack(label) for label, _ in self.choices]
        self._shown: list[int] = list(range(len(self.choices)))

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-body"):
            yield Static(
                "Which packages? Type to narrow, Enter picks, Esc cancels.", id="picker-title", markup=False
            )
            yield FilterInput("type a grid or category", id="picker-filter", leave_to=self._options)
            yield OptionList(id="picker-options")

    def _options(self) -> OptionList:
        return self.query_one("#picker-options", OptionList)

    def on_mount(self) -> None:
        self._fill("")
        values = [value for _, value in self.choices]
        if self.current in values:
            self._options().highlighted = values.index(self.current)

    def _fill(self, query: str) -> None:
        self._shown = filter_indices(self._haystacks, query)
        options = self._options()
        options.clear_options()
        # Text: grid and category names come from the API and are never markup.
        options.add_options([Option(Text(self.choices[i][0]), id=str(i)) for i in self._shown])
        if self._shown:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _narrowed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _typed_enter(self) -> None:
        highlighted = self._options().highlighted
        if highlighted is not None and 0 <= highlighted < len(self._shown):
            self.dismiss(self.choices[self._shown[highlighted]][1])

    @on(OptionList.OptionSelected, "#picker-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.choices[int(event.option.id)][1])

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)
