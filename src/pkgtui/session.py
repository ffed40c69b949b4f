"""What the app has learned while running: categories, grids and packages seen so far,
and the whole package catalogue once a category screen has loaded it.

The command palette searches these, and category screens reuse the catalogue instead
of fetching 5,000 packages again. Nothing here fetches anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .api import Category, Grid, Package


class Session:
    def __init__(self) -> None:
        self.categories: dict[int, Category] = {}
        self.grids: dict[int, Grid] = {}
        self.packages: dict[int, Package] = {}
        self.catalogue: list[Package] | None = None
        self._category_counts: Counter[int] | None = None

    def add_categories(self, categories: Iterable[Category]) -> None:
        self.categories.update((c.id, c) for c in categories)

    def find_category(self, key: str) -> Category | None:
        """A category seen so far that ``key`` names (see Category.answers_to)."""
        return next((c for c in self.categories.values() if c.answers_to(key)), None)

    def find_grid(self, key: str) -> Grid | None:
        """A grid seen so far that ``key`` (an id or a slug) names."""
        key = key.strip()
        if key.isdigit():
            return self.grids.get(int(key))
        return next((g for g in self.grids.values() if g.slug.lower() == key.lower()), None)

    def add_grids(self, grids: Iterable[Grid]) -> None:
        self.grids.update((g.id, g) for g in grids)

    def add_packages(self, packages: Iterable[Package]) -> None:
        self.packages.update((p.id, p) for p in packages)

    def set_catalogue(self, packages: list[Package]) -> None:
        """The complete package list (all pages arrived)."""
        self.catalogue = packages
        self.add_packages(packages)
        self._category_counts = Counter(p.category_id for p in packages if p.category_id is not None)

    def category_count(self, category_id: int) -> int | None:
        """How many packages the category holds, once the catalogue is known."""
        if self._category_counts is None:
            return None
        return self._category_counts.get(category_id, 0)
