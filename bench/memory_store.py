"""The in-memory floor for a screen drawn from the local catalogue.

:class:`MemoryViews` wraps a synced :class:`pkgtui.store.Store` and answers the reads a grid or
category screen makes before its first frame (the grid and its members, the category and its
packages, usage counts, PyPI's facts) from objects read once beforehand, untimed; everything
else (home's lists, the sync's bookkeeping) goes to the real store. The screen then paints the
very rows it paints from the store, through the same code (``show_cached``, no worker and no
redraw timer), minus SQLite and the decoding of the rows: what is left is the screen's own work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pkgtui.api import Category, Package
from pkgtui.store import GridView, PackageListing, Store
from pkgtui.store.store import StoredFacts


class MemoryViews:
    """``store``, with ``grid`` and/or ``category`` (keys as the app is given them) held in memory."""

    def __init__(self, store: Store, *, grid: str | None = None, category: str | None = None) -> None:
        from pkgtui.facts import pypi_name_of

        self._store = store
        self._grids: dict[str, GridView] = {}
        self._categories: dict[str, Category] = {}
        self._category_packages: dict[int, list[Package]] = {}
        packages: list[Package] = []
        if grid is not None:
            view = store.grid_view(grid)
            if view is None or view.missing:
                raise RuntimeError(f"grid {grid} is not whole in the store")
            self._grids[grid] = view
            packages += view.members
        if category is not None:
            found = store.category(category)
            if found is None:
                raise RuntimeError(f"category {category} is not in the store")
            self._categories[category] = found
            self._category_packages[found.id] = store.category_packages(found.id)
            packages += self._category_packages[found.id]
        self._usage = store.usage_counts(p.id for p in packages)
        # Made here, untimed: the screen is handed a listing with nothing left to read.
        self._listings = {
            category_id: PackageListing.of(
                held, {p.id: self._usage[p.id] for p in held if p.id in self._usage}
            )
            for category_id, held in self._category_packages.items()
        }
        names = {name for name in (pypi_name_of(p) for p in packages) if name is not None}
        # Both reads the screens make: whole (with the release lists), and a table's (without).
        self._facts = {True: store.pypi_facts(names), False: store.pypi_facts(names, releases=False)}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def grid_view(self, key: int | str) -> GridView | None:
        return self._grids.get(str(key)) or self._store.grid_view(key)

    def category(self, key: int | str) -> Category | None:
        return self._categories.get(str(key)) or self._store.category(key)

    def category_packages(self, category_id: int) -> list[Package]:
        held = self._category_packages.get(category_id)
        return list(held) if held is not None else self._store.category_packages(category_id)

    def category_listing(self, category_id: int) -> PackageListing:
        """The store's listing with every package already decoded: nothing is read."""
        held = self._listings.get(category_id)
        return held if held is not None else self._store.category_listing(category_id)

    def usage_counts(self, package_ids: Iterable[int]) -> dict[int, int]:
        return {key: self._usage[key] for key in package_ids if key in self._usage}

    def pypi_facts(self, names: Iterable[str], *, releases: bool = True) -> dict[str, StoredFacts]:
        held = self._facts[releases]
        return {name: held[name] for name in names if name in held}
