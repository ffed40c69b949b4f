"""The compare list: the packages the user marked with ``m``, from any grid or category, in the
grid screen's comparison table (same columns, sort and best-per-column marks).

Members are read by slug from the local catalogue first, then from fresh cached answers; the
rest are fetched through the client as a grid's members are, drawn as they arrive. ``m`` on a
row takes it off the list, ``C`` clears the list.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from ..api import Grid, Package
from ..api.results import Started
from ..comparison import BEST_MARK, STALE_MARK
from ..text import clean, is_web_url
from ..userdata import UserData
from .base import Subject
from .grid import GridScreen, failed_key

# Never a grid's slug (those hold no spaces), so nothing the session knows answers to it.
COMPARE_KEY = "compare list"
COMPARE_NOTE = (
    "Packages from any grid or category: m takes the one under the cursor off the list, C clears it."
)


def compare_heading(count: int) -> Grid:
    """The table's heading, in the shape of a grid (the grid screen draws its title from one)."""
    marked = f"{count} package{'s' * (count != 1)} marked with m"
    return Grid(id=0, title="Compare list", slug="", description=marked)


class CompareScreen(GridScreen):
    HELP_TITLE = "Compare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("C", "clear_compare", "Clear list", id="compare.clear"),
    ]
    LEGEND_NOTE: ClassVar[str] = COMPARE_NOTE
    MARKS_COMPARED: ClassVar[bool] = False  # every row here is on the list
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = [
        ("click a column title", "sort by it (again: reverse)"),
        (BEST_MARK, "best value in its column"),
        (STALE_MARK, "stale: no commit for a year or more"),
        ("m", "take the package under the cursor off the compare list"),
    ]

    def __init__(self) -> None:
        super().__init__(COMPARE_KEY)
        self.slugs: tuple[str, ...] = ()

    # -- loading -------------------------------------------------------------------------

    def prefetch(self) -> None:
        """Nothing early: the members are known only once the user data is read."""

    def _read_slugs(self) -> tuple[str, ...]:
        return self.read_user_data().compare

    def _known(self, slugs: tuple[str, ...], refresh: bool) -> dict[str, Package]:
        """The marked packages the local catalogue (or a fresh cached answer) holds, by slug."""
        if refresh:
            return {}
        found: dict[str, Package] = {}
        store = self.catalogue
        for slug in slugs:
            package = store.package(slug) if store is not None else None
            if package is None:
                package = self.pkgtui.client.peek_package(slug)
            if package is not None:
                found[slug] = package
        return found

    def _start(self, slugs: tuple[str, ...]) -> None:
        self.slugs = slugs
        self.packages.clear()
        self.failures.clear()
        self._show_heading_of(len(slugs))

    def _show_heading_of(self, count: int) -> None:
        # Not _show_grid: the heading is no grid of the site's, and the session must not list it.
        self.grid = compare_heading(count)
        self._show_heading(self.grid)

    def show_cached(self) -> bool:
        """The whole list from the store or the cache before the first frame, with no request;
        False when a member must be fetched (then ``load`` does)."""
        slugs = self._read_slugs()
        known = self._known(slugs, refresh=False)
        if len(known) < len(slugs):
            return False
        self._start(slugs)
        self.packages = {package.id: package for package in known.values()}
        self.pkgtui.session.add_packages(known.values())
        self._read_usage()
        self._loaded()
        return True

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def load(self, refresh: bool = False) -> None:
        slugs = self._read_slugs()
        self._start(slugs)
        known = self._known(slugs, refresh)
        for package in known.values():
            self.packages[package.id] = package
        missing = [slug for slug in slugs if slug not in known]
        if not missing:
            self._read_usage()
            self._loaded()
            return
        self._start_progress(len(missing))
        await self.receive_members(
            Started(self.pkgtui.client.iter_packages(missing, refresh=refresh)), len(missing)
        )

    def _loaded(self) -> None:
        self._say_how_it_went()
        self._start_facts()  # PyPI's facts for the marked packages, as the grid screen asks them

    def _say_how_it_went(self) -> None:
        if self.failures:
            failed = len(self.failures)
            self.show_error(f"{failed} of {len(self.slugs)} packages could not be loaded — press r to retry")
        else:
            self.clear_message()
        self._draw()
        if not self.slugs:  # after _draw, which says "No packages loaded." for an empty grid
            self.table.set_empty_text("The compare list is empty: m on a package, anywhere, marks it.")

    # -- the list ------------------------------------------------------------------------

    def subject(self) -> Subject | None:
        key = self.table.cursor_key
        if isinstance(key, int) and key in self.packages:
            return Subject.of_package(self.packages[key])
        # A member that could not be loaded can be taken off the list too (by its slug).
        for slug in self.failures:
            if key == failed_key(slug) and isinstance(slug, str):
                return Subject("package", slug, clean(slug))
        return None

    def screen_subject(self) -> Subject | None:
        return None  # the list is not a grid: nothing to bookmark, nothing for the history

    def has_screen_subject(self) -> bool:
        return False

    def user_data_changed(self, data: UserData) -> None:
        """A package was taken off (or the list cleared): its row goes, the rest stay."""
        kept = set(data.compare)
        self.slugs = tuple(slug for slug in self.slugs if slug in kept)
        self.packages = {key: p for key, p in self.packages.items() if p.slug in kept}
        self.failures = {key: e for key, e in self.failures.items() if key in kept}
        self._show_heading_of(len(self.slugs))
        self._say_how_it_went()  # rows only went: no new facts to ask PyPI for

    def action_clear_compare(self) -> None:
        if not self.slugs:
            self.notify("The compare list is empty already.", timeout=3)
            return
        if self.change_user_data(lambda store: store.clear_compare()) is not None:
            self.notify("Cleared the compare list.", timeout=3)

    def focused_url(self) -> str | None:
        subject = self.subject()
        if subject is None or subject.kind != "package":
            return None
        package = next((p for p in self.packages.values() if p.slug == subject.slug), None)
        if package is not None and package.repo_url and is_web_url(package.repo_url):
            return package.repo_url
        return self.pkgtui.site_url(f"/packages/p/{subject.slug}/")
