"""One package: every field, what PyPI says of it, its grids, links, participants, commit
activity and release history.

The package is drawn as soon as it arrives; its category's and grids' titles follow,
fetched concurrently (a grid that cannot be fetched is listed by id). PyPI's facts are drawn
from the store at the first frame, and stale ones are fetched in a worker and redrawn in place.

Layout (issue 17): below 120 columns one scrolling pane, in the order a reader goes on from
(facts, grids, links, participants, then the plots), so that at 100×30 the facts, the grids
and the participants' filter are all on the first screen; from 120 columns two panes, facts,
grids and links on the left, plots and participants on the right. Either way one scrollbar a
pane: the participants list's own bar is hidden while it scrolls inside the single pane.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import msgspec
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..api import APIError, Package
from ..api.errors import NotFound
from ..comparison import STALE_MARK
from ..facts import NO_ANSWER
from ..format import dated, format_count
from ..store import StoreError
from ..text import clean, is_web_url
from ..widgets.activity_plot import ActivityPlot
from ..widgets.instant_scroll import InstantScroll
from ..widgets.participants import ParticipantsPanel
from ..widgets.pypi_facts import field_line, pypi_lines
from ..widgets.release_plot import ReleasePlot
from .base import DataScreen, Subject

if TYPE_CHECKING:
    from ..api.pypi import FactsResult
    from ..facts import FactsRow
    from ..store import Store

# From this width two panes; a pane this wide or wider puts the two fact columns (and the two
# plots) side by side, narrower ones stack them.
TWO_PANES_FROM = 120
SIDE_BY_SIDE_FROM = 90


class NavList(OptionList):
    """An option list that also moves with j/k and jumps with Home/G."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        # Not g: on the package screen g goes to the grids (package.grids).
        Binding("home", "first", "First", show=False, id="list.first"),
        Binding("G", "last", "Last", show=False, id="list.last"),
    ]


# A package is in a handful of grids; a hostile answer could name thousands, each a request
# for its title: the screen lists (and asks for) this many at most.
MAX_GRIDS_LISTED = 200


def _listed(package: Package) -> tuple[int, ...]:
    return package.grid_ids[:MAX_GRIDS_LISTED]


class PackageScreen(DataScreen):
    """Everything known about one package."""

    class Revalidated(Message):
        """A newer copy of the package shown, fetched in the background (the store's was old)."""

        def __init__(self, package: Package) -> None:
            super().__init__()
            self.package = package

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_order", "Sort", id="package.participants_order"),
        Binding("p", "copy_pip", "Copy pip install", id="package.copy_pip"),
        # The way on to comparing alternatives, from anywhere on the screen (the lists here
        # leave g to it; in the filter box it is a letter).
        Binding("g", "focus_grids", "Grids", id="package.grids"),
        Binding("j", "scroll_body(1)", "Down", show=False, id="package.down"),
        Binding("k", "scroll_body(-1)", "Up", show=False, id="package.up"),
        Binding("home", "scroll_body_end(0)", "Top", show=False, id="package.top"),
        Binding("G,end", "scroll_body_end(1)", "Bottom", show=False, id="package.bottom"),
    ]
    FILTER_ID: ClassVar[str] = "participants-filter"
    AUTO_FOCUS = "#package-body"
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("tab", "next part: grids, links, participants filter and list"),
        ("enter", "on a link: open it; on a grid: show the grid"),
        (STALE_MARK, "stale: no commit for a year or more"),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.package: Package | None = None
        self.links: dict[str, str] = {}  # option id -> URL
        self.pypi_row: FactsRow | None = None  # what the PyPI lines show, from the store
        self._category = "loading…"  # the category's title, once known
        self._pypi_pending = False  # a fetch from PyPI is under way

    def compose_body(self) -> ComposeResult:
        with InstantScroll(id="package-body"):
            with Vertical(id="package-main"):
                yield Static("", id="package-title", markup=False)
                yield Static("", id="package-description", markup=False)
                with Horizontal(id="package-facts"):
                    yield Static("", id="package-fields", markup=False)
                    yield Static("", id="package-pypi", markup=False)
                yield Static("Grids (g)", classes="section-title package-section", markup=False)
                yield NavList(id="package-grids")
                yield Static("Links", classes="section-title package-section", markup=False)
                yield NavList(id="package-links")
            with Vertical(id="package-side"):
                yield Static(
                    "Participants",
                    id="participants-title",
                    classes="section-title package-section",
                    markup=False,
                )
                yield ParticipantsPanel(id="package-participants")
                with Vertical(id="package-plots-pane"):
                    yield Static("Activity", classes="section-title package-section", markup=False)
                    with Horizontal(id="package-plots"):
                        yield ActivityPlot(id="package-activity")
                        yield ReleasePlot(id="package-releases")

    def on_mount(self) -> None:
        self.query_one("#package-body").display = False
        self.query_one(ReleasePlot).display = False
        self._lay_out(self.pkgtui.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out(event.size.width)

    def _lay_out(self, width: int) -> None:
        """Two panes from :data:`TWO_PANES_FROM` columns, else one; in each pane the fact
        columns and the plots side by side when it is wide enough. The plots go above the
        participants in the right pane, and below them in the single pane (where the
        participants' filter must be on the first screen)."""
        two_panes = width >= TWO_PANES_FROM
        pane = width // 2 if two_panes else width
        side_by_side = pane >= SIDE_BY_SIDE_FROM
        # Pairs of classes, not one and its absence: Textual's CSS has no :not().
        self.set_class(two_panes, "-two-panes")
        self.set_class(not two_panes, "-one-pane")
        self.query_one("#package-facts").set_class(side_by_side, "-side-by-side")
        plots_row = self.query_one("#package-plots")
        plots_row.set_class(side_by_side, "-side-by-side")
        plots_row.set_class(not side_by_side, "-stacked")
        side = self.query_one("#package-side")
        plots = self.query_one("#package-plots-pane")
        first = side.children[0] if side.children else None
        if two_panes and first is not plots:
            side.move_child(plots, before=0)
        elif not two_panes and first is plots:
            side.move_child(plots, after=len(side.children) - 1)

    @property
    def scroller(self) -> Widget:
        """What j/k scroll: the single pane, or the left one of two."""
        name = "#package-main" if self.has_class("-two-panes") else "#package-body"
        return self.query_one(name)

    # -- loading -------------------------------------------------------------------------

    def prefetch(self) -> None:
        store = self.catalogue
        if store is not None and store.package(self.key) is not None:
            return  # show_cached draws it from the local catalogue
        self.start_early("package", self.pkgtui.client.package(self.key, refresh=self.first_refresh))

    def show_cached(self) -> bool:
        """From the local catalogue, before the first frame: the package, its category's
        and its grids' titles, with no request. Older than ``cache_ttl``, it is also asked
        for again in the background and redrawn in place when it comes (one request)."""
        store = self.catalogue
        package = store.package(self.key) if store is not None else None
        if store is None or package is None:
            return False
        self.package = package
        self._show_package(package)
        self._show_stored_titles(store, package)
        self.query_one("#package-body").display = True
        self.shown_from_store = True
        self.start_pypi()
        if self.catalogue_is_stale():
            self.revalidate()
        return True

    def _show_stored_titles(self, store: Store, package: Package) -> None:
        category = store.category(package.category_id) if package.category_id is not None else None
        if package.category_id is None:
            self._show_category("–")
        else:
            self._show_category(
                clean(category.display_title) if category else f"Category {package.category_id}"
            )
        grids = []
        for grid_id in _listed(package):
            grid = store.grid(grid_id)
            grids.append((grid_id, clean(grid.display_title) if grid else f"Grid {grid_id}"))
        self._show_grids(grids)

    @work(exclusive=True, group="package-revalidate", exit_on_error=False)
    async def revalidate(self) -> None:
        """The stored package was old: ask the API again and redraw in place. A failure
        leaves the stored copy on screen (it says nothing more than the status line does)."""
        try:
            package = await self.pkgtui.client.package(self.key)
        except APIError:
            return
        self.post_message(self.Revalidated(package))

    @on(Revalidated)
    def _revalidated(self, event: Revalidated) -> None:
        """The worker's answer, drawn in place and kept (when it differs from what is shown)."""
        package, store = event.package, self.pkgtui.store
        if self.package is None or package == self.package or store is None:
            return
        self._keep(store, package)
        self.package = package
        self._show_package(package)
        self._show_stored_titles(store, package)
        self.start_pypi()  # its PyPI URL may be another one now

    @staticmethod
    def _keep(store: Store, package: Package) -> None:
        """The refreshed copy goes into the store, so the next screen opens with it; a store
        that cannot be written is no reason to fail the screen (the copy is on screen)."""
        try:
            store.put_packages([(package, msgspec.json.encode(package))])
        except StoreError:
            pass

    @work(exclusive=True, group="package", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        self.shown_from_store = False
        client = self.pkgtui.client
        self.show_loading(f"Loading package {clean(self.key)}…")
        try:
            package = await (self.take_early("package") or client.package(self.key, refresh=refresh))
        except NotFound:
            self.query_one("#package-body").display = False
            self.show_error(f"No package “{clean(self.key)}” on {client.host} — check the slug or id.")
            return
        except APIError as error:
            self.query_one("#package-body").display = self.package is not None
            self.show_error(error)
            return
        self.package = package
        self.pkgtui.session.add_packages([package])
        self._show_package(package)
        self.query_one("#package-body").display = True
        self.start_pypi(refresh=refresh)
        self.show_loading("Loading the category and grids…")
        category_title, *grid_titles = await asyncio.gather(
            self._category_title(package, refresh), *(self._grid_title(i, refresh) for i in _listed(package))
        )
        self._show_category(category_title)
        self._show_grids(list(zip(_listed(package), grid_titles, strict=True)))
        self.clear_message()

    async def _category_title(self, package: Package, refresh: bool) -> str:
        if package.category_id is None:
            return "–"
        try:
            category = await self.pkgtui.client.category(package.category_id, refresh=refresh)
        except APIError:
            return f"Category {package.category_id}"
        self.pkgtui.session.add_categories([category])
        return clean(category.display_title)

    async def _grid_title(self, grid_id: int, refresh: bool) -> str:
        try:
            grid = await self.pkgtui.client.grid(grid_id, refresh=refresh)
        except APIError:
            return f"Grid {grid_id}"
        self.pkgtui.session.add_grids([grid])
        return clean(grid.display_title)

    # -- drawing -------------------------------------------------------------------------

    def _show_package(self, package: Package) -> None:
        now = self.pkgtui.now()
        title = clean(package.display_title)
        self.title = title
        self.query_one("#package-title", Static).update(Text(title, style="bold"))
        description = clean(package.repo_description, multiline=True)
        self.query_one("#package-description", Static).update(Text(description or "No description."))
        self._show_fields(package, now)
        self._show_links(package)
        reference = package.last_fetched or now
        self.query_one(ActivityPlot).show_activity(package.commits_over_52, reference)
        self.query_one(ParticipantsPanel).set_participants(package.participants)
        self._show_grids([(grid_id, f"Grid {grid_id} (loading…)") for grid_id in _listed(package)])
        self._show_pypi()

    # -- PyPI's facts --------------------------------------------------------------------

    def start_pypi(self, refresh: bool = False) -> None:
        """Fetch PyPI's facts in the background unless PyPI may not be asked; until they
        come, the lines say so (drawn now, so the first frame does not say "no answer")."""
        if self.package is None or not self.pkgtui.pypi_allowed:
            return
        self._pypi_pending = True
        self._show_pypi()
        self.fetch_pypi(refresh)

    @work(exclusive=True, group="pypi", exit_on_error=False)
    async def fetch_pypi(self, refresh: bool = False) -> None:
        """PyPI's facts for this package, when the store's are stale (always with ``r``):
        fetched into the store and redrawn in place as they arrive (0 requests when fresh).
        What the store already holds stays on screen meanwhile, and after a failure, with
        the reason under it."""
        package = self.package
        if package is None:
            return

        def arrived(_result: FactsResult) -> None:
            self._pypi_pending = False
            self._show_pypi()

        try:
            await self.pkgtui.fetch_pypi_facts([package], refresh=refresh, on_result=arrived)
        except (APIError, StoreError) as error:
            self.notify(f"PyPI facts not updated: {clean(str(error))[:200]}", markup=False, timeout=5)
        self._pypi_pending = False
        self._show_pypi()

    def _pypi_absent(self) -> str | None:
        """Why no facts can come, when PyPI will not be asked (None: it may be)."""
        config = self.pkgtui.config
        if self.pkgtui.store is None:
            return "not kept: the local catalogue is off (--no-cache)"
        if config.offline:
            return "none kept (offline)"
        if not config.use_pypi:
            return "none kept (PyPI turned off: pypi = false)"
        if config.demo:
            return "none in the demo data"
        if not self.pkgtui.pypi_allowed:
            return "none kept (PyPI is not asked)"
        return None

    def _show_pypi(self) -> None:
        """The PyPI lines and the release plot, from the store (no request)."""
        package = self.package
        store = self.pkgtui.store
        if package is None:
            return
        from ..facts import stored_rows

        row: FactsRow | None = None
        if store is not None:
            try:
                row = stored_rows(store, [package])[0]
            except StoreError:
                row = None
        had_facts = self.pypi_row is not None and self.pypi_row.facts is not None
        self.pypi_row = row
        now = self.pkgtui.now()
        if (row is not None and row.facts is not None) != had_facts:
            self._show_fields(package, now)  # with or without djangopackages' version line
        facts = row.facts if row is not None else None
        problem = row.problem if row is not None else self._pypi_absent()
        pending = None
        if row is not None and facts is None and row.pypi_name is not None:
            if self._pypi_pending:
                pending = f"asking PyPI for {row.pypi_name}…"
            # NO_ANSWER: nothing kept and PyPI may be asked; replaced by why it will not be.
            elif (absent := self._pypi_absent()) is not None and row.problem == NO_ANSWER:
                problem = absent  # never asked, so say why rather than "no answer"
        name = row.pypi_name if row is not None else None
        lines = pypi_lines(facts, problem, now, name=name, pending=pending)
        self.query_one("#package-pypi", Static).update(Text("\n").join(lines))
        plot = self.query_one(ReleasePlot)
        plot.display = facts is not None
        if facts is not None:
            plot.show_releases(facts.release_dates, facts.release_count, now)

    def _show_fields(self, package: Package, now: datetime) -> None:
        last_commit = Text(dated(package.last_updated, now))
        if package.is_stale(now):
            last_commit.append(f"  {STALE_MARK} stale", style="yellow")
        lines = []
        if self.pypi_row is None or self.pypi_row.facts is None:
            # djangopackages' copy of the version, often behind: PyPI's own, when known, is
            # on the PyPI line instead.
            lines.append(field_line("Version", clean(package.pypi_version or "") or "–"))
        lines += [
            field_line("Category", self._category),
            field_line("Stars", format_count(package.stars)),
            field_line("Forks", format_count(package.repo_forks)),
            field_line("Created", dated(package.created, now)),
            field_line("Last commit", last_commit),
            field_line("Last fetched", dated(package.last_fetched, now)),
        ]
        self.query_one("#package-fields", Static).update(Text("\n").join(lines))

    def _show_category(self, title: str) -> None:
        self._category = title
        if self.package is not None:
            self._show_fields(self.package, self.pkgtui.now())

    def _show_links(self, package: Package) -> None:
        links = self.query_one("#package-links", NavList)
        highlighted = links.highlighted
        links.clear_options()
        self.links.clear()
        for option_id, label, url in (
            ("repo", "Repository", package.repo_url),
            # The current page for the project, not the legacy pypi.python.org one the API
            # sends; a link elsewhere, or a name that is not a project name, is kept as sent.
            ("pypi", "PyPI", package.pypi_page_url),
            ("docs", "Documentation", package.documentation_url),
        ):
            shown = clean(url or "")
            if shown:
                # The URL as sent: one that needed cleaning (it held escapes) is not a web URL.
                self.links[option_id] = (url or "").strip()
            prompt = field_line(label, shown or "–")
            links.add_option(Option(prompt, id=option_id, disabled=not is_web_url((url or "").strip())))
        # A cursor from the start, so the first j/down moves off the first link.
        links.highlighted = highlighted if highlighted is not None else 0

    def _show_grids(self, grids: list[tuple[int, str]]) -> None:
        view = self.query_one("#package-grids", NavList)
        highlighted = view.highlighted
        view.clear_options()
        if not grids:
            view.add_option(Option(Text("This package is in no grid."), disabled=True))
            return
        view.add_options(Option(Text(title), id=f"grid-{grid_id}") for grid_id, title in grids)
        view.highlighted = min(highlighted, len(grids) - 1) if highlighted is not None else 0

    # -- actions -------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#package-links")
    def _open_link(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_url()

    @on(OptionList.OptionSelected, "#package-grids")
    def _open_grid(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("grid-"):
            self.pkgtui.open_screen("grid", option_id.removeprefix("grid-"))

    def action_cycle_order(self) -> None:
        order = self.query_one(ParticipantsPanel).cycle_order()
        self.notify(f"Participants: {order}", timeout=2, markup=False)

    def action_copy_pip(self) -> None:
        """``pip install <name>`` to the clipboard (OSC 52, through the terminal) and on
        screen, so it can be copied by hand where the terminal ignores OSC 52."""
        package = self.package
        if package is None:
            self.notify("The package has not loaded yet.", timeout=3)
            return
        if package.pypi_project_url is None:
            self.notify("This package names no PyPI project.", timeout=3)
            return
        command = f"pip install {package.pypi_name}"
        self.pkgtui.copy_to_clipboard(command)
        self.notify(command, title="Copied (via the terminal)", markup=False, timeout=8)

    def action_focus_grids(self) -> None:
        """Focus the grid list (Enter opens the one under the cursor), scrolled into view;
        pressed again there, back to its first grid."""
        grids = self.query_one("#package-grids", NavList)
        if self.focused is grids:
            grids.action_first()
            return
        # Now, as "/" does (see DataScreen.action_focus_filter): a key typed right after g
        # goes to the list.
        self.set_focus(grids, scroll_visible=False)
        grids.scroll_visible(animate=False, immediate=True)

    def action_scroll_body(self, step: int) -> None:
        self.scroller.scroll_relative(y=step, animate=False)

    def action_scroll_body_end(self, end: int) -> None:
        body = self.scroller
        if end:
            body.scroll_end(animate=False)
        else:
            body.scroll_home(animate=False)

    def screen_subject(self) -> Subject | None:
        return Subject.of_package(self.package) if self.package is not None else None

    def subject(self) -> Subject | None:
        """With the cursor on the grid list, ``b`` takes that grid; else the package."""
        grids = self.query_one("#package-grids", NavList)
        if self.focused is grids and grids.highlighted is not None:
            option_id = grids.get_option_at_index(grids.highlighted).id or ""
            if option_id.startswith("grid-"):
                key = option_id.removeprefix("grid-")
                store = self.pkgtui.store
                grid = self.pkgtui.session.find_grid(key) or (store.grid(key) if store is not None else None)
                if grid is not None and grid.slug:
                    return Subject.of_grid(grid)
        return self.screen_subject()

    def focused_url(self) -> str | None:
        links = self.query_one("#package-links", NavList)
        if self.focused is links and links.highlighted is not None:
            option = links.get_option_at_index(links.highlighted)
            return self.links.get(option.id or "")
        return self.links.get("repo")
