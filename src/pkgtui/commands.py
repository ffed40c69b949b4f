"""The command palette's jump provider: any category, grid or package the app knows by name,
the readiness screen, and the user's own: "Compare (N)" (the compare list), each bookmark, and
clearing the history.

With a synced local catalogue it searches every package there (the store's ranked search);
else what the session has already loaded (categories and grids from home, packages seen on
category, grid and search screens). It never fetches on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from .text import clean
from .userdata import UserData, UserDataError

if TYPE_CHECKING:
    from .app import PkgtuiApp

# Packages are many; past this many hits the palette is no help anyway.
MAX_HITS = 60


def _highlight(matcher: Matcher, text: str) -> Content:
    """Like ``Matcher.highlight`` but literal: names from the API are never markup."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class JumpProvider(Provider):
    """Open a category, grid or package screen by name; the user's lists and commands."""

    _user_data: UserData | None = None  # read once each time the palette opens (startup)

    async def startup(self) -> None:
        store = self.pkgtui.user_data
        self._user_data = store.read()
        store.take_warnings()  # said on screen where the data is shown (home), not in the palette

    def _user_commands(self) -> Iterator[tuple[str, Callable[[], None]]]:
        """(text, what it does) for the compare list, each bookmark and clearing the history."""
        data = self._user_data or UserData()
        count = len(data.compare)
        yield (
            f"Compare ({count}): the packages marked with m",
            partial(self._open, "compare", ""),
        )
        for mark in reversed(data.bookmarks):
            yield f"Bookmark: {clean(mark.title)} ({mark.kind})", partial(self._open, mark.kind, mark.slug)
        if data.history:
            yield "Clear recent history", self._clear_history

    def _clear_history(self) -> None:
        # Through the screen's change_user_data, as b, m and H go: its problems (the file
        # found damaged and set aside, say) are said on screen, and the screen redraws what
        # shows the history. Every pkgtui screen has it; the fallback is for any other.
        change = getattr(self.pkgtui.screen, "change_user_data", None)
        if callable(change):
            if change(lambda store: store.clear_history()) is not None:
                self.pkgtui.notify("Cleared the recent list.", timeout=3)
            return
        store = self.pkgtui.user_data
        try:
            store.clear_history()
        except UserDataError as error:
            self.pkgtui.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        finally:
            for warning in store.take_warnings():
                self.pkgtui.notify(warning, title="Your data", severity="warning", markup=False, timeout=10)
        self.pkgtui.notify("Cleared the recent list.", timeout=3)

    def _targets(self) -> Iterator[tuple[str, str, str, str]]:
        """(kind, key, name, help) for everything known, categories first."""
        session = self.pkgtui.session
        yield "readiness", "", "Readiness: which packages support a Django or Python release", "Screen"
        for category in session.categories.values():
            yield "category", str(category.id), clean(category.display_title), "Category"
        for grid in session.grids.values():
            yield "grid", str(grid.id), clean(grid.display_title), "Grid"
        if self.pkgtui.catalogue_synced():
            return  # packages come from the store's search (see search)
        for package in session.packages.values():
            yield "package", str(package.id), clean(package.display_title), "Package"

    @property
    def pkgtui(self) -> PkgtuiApp:
        """The app, typed (a Provider's ``app`` is an ``App[Any]``)."""
        return cast("PkgtuiApp", self.app)

    def _store_packages(self, query: str) -> Iterator[tuple[str, str, str, str]]:
        """The local catalogue's best matches for ``query``, ranked by the store."""
        store = self.pkgtui.store
        if store is None or not self.pkgtui.catalogue_synced() or not query.strip():
            return
        for package in store.search(query, limit=MAX_HITS):
            yield "package", str(package.id), clean(package.display_title), "Package"

    def _open(self, kind: str, key: str) -> None:
        self.pkgtui.open_screen(kind, key)

    async def discover(self) -> Hits:
        for text, command in self._user_commands():
            yield DiscoveryHit(Content(text), command, text=text)
        for kind, key, name, help_text in self._targets():
            if kind == "package":
                break
            yield DiscoveryHit(Content(f"{help_text}: {name}"), partial(self._open, kind, key), text=name)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        hits: list[Hit] = []
        for text, command in self._user_commands():
            score = matcher.match(text)
            if score > 0:
                hits.append(Hit(score, _highlight(matcher, text), command, text=text, help=None))
        first_letter = query.strip()[:1].casefold()
        for kind, key, name, help_text in self._targets():
            if first_letter and first_letter not in name.casefold():
                continue  # cheap pre-check before the fuzzy match
            score = matcher.match(name)
            if score > 0:
                display = Content(f"{help_text}: ") + _highlight(matcher, name)
                hits.append(Hit(score, display, partial(self._open, kind, key), text=name, help=None))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        for hit in hits[:MAX_HITS]:
            yield hit
        # The store has ranked these already (exact and prefix names first, then by stars):
        # scores below every fuzzy hit keep its order after the palette's sort by score.
        for rank, (kind, key, name, help_text) in enumerate(self._store_packages(query)):
            display = Content(f"{help_text}: ") + _highlight(matcher, name)
            score = 0.5 * (1 - rank / (MAX_HITS + 1))
            yield Hit(score, display, partial(self._open, kind, key), text=name, help=None)
