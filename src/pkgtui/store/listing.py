"""A category's packages as a screen lists them: the columns every row needs at once, and each
package read and decoded only when something asks for it.

A category screen's first frame needs, of all its rows, only what the packages table's columns
hold (titles to clean, measure and sort by, stars, usage counts), and whole packages only for
the screenful it draws. At the bench's 6,000 (``bench category``, 2026-12-02), reading and
decoding every package's JSON took 31 ms (``Store.category_packages``: 4 ms of SQL, 27 ms of
msgspec), reading these columns 4.7 ms; the in-memory floor paints the same rows in ~48 ms.
Everything else is read in a few queries and decoded in one msgspec call a chunk when the
listing is first iterated (the screen does so right after its first paint).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

from ..api.models import Package

# The columns a listing reads, in this order.
COLUMNS = "id, title, stars, usage_count"  # not slug: a title shown is rarely blank (display_title)

# (ids) -> the packages with these ids that the store holds: Store.packages.
Loader = Callable[[list[int]], dict[int, Package]]


class PackageListing(Sequence[Package]):
    """Rows of :data:`COLUMNS` as a sequence of packages, each read with ``load`` when first
    asked for. ``ids``, ``titles`` and ``stars`` are the columns, row by row, and
    ``usage`` the known usage counts by id.

    A package read later may come from a newer catalogue than its row, if a sync landed in
    between; one it no longer holds is made from the row's columns, so the list never has a
    hole (the screen reads the new catalogue when it is opened again or refreshed)."""

    __slots__ = ("_load", "_packages", "ids", "stars", "titles", "usage")

    def __init__(self, rows: Sequence[tuple], load: Loader) -> None:
        self._load = load
        self.ids: list[int] = [row[0] for row in rows]
        self.titles: list[str] = [row[1] for row in rows]
        self.stars: list[int | None] = [row[2] for row in rows]
        self.usage: dict[int, int] = {row[0]: row[3] for row in rows if row[3] is not None}
        self._packages: list[Package | None] = [None] * len(rows)

    @classmethod
    def of(cls, packages: Sequence[Package], usage: dict[int, int]) -> PackageListing:
        """A listing of packages already decoded (nothing is read): the bench's floor."""
        listing = cls([(p.id, p.title, p.stars, usage.get(p.id)) for p in packages], lambda ids: {})
        listing._packages = list(packages)
        return listing

    def display_title(self, index: int) -> str:
        """``Package.display_title`` of row ``index``: from its title column, or when that is
        blank (the slug stands in), from its package. Leaving the slug out of the columns
        made reading 6,000 rows 4.7 -> 3.9 ms."""
        return self.titles[index].strip() or self[index].display_title

    def __len__(self) -> int:
        return len(self._packages)

    @overload
    def __getitem__(self, index: int) -> Package: ...
    @overload
    def __getitem__(self, index: slice) -> list[Package]: ...
    def __getitem__(self, index: int | slice) -> Package | list[Package]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        package = self._packages[index]
        if package is None:
            self._fill([index if index >= 0 else len(self) + index])
            package = self._packages[index]
        return package  # type: ignore[return-value]  # _fill leaves none None

    def __iter__(self) -> Iterator[Package]:
        self.decode_all()
        return iter(self._packages)  # type: ignore[arg-type]  # none is None now

    def decode_all(self) -> PackageListing:
        """Read and decode every package not decoded yet."""
        return self.read([i for i, package in enumerate(self._packages) if package is None])

    def read(self, indices: Sequence[int]) -> PackageListing:
        """Read and decode the packages of these rows not decoded yet, in one go (a screen's
        worth: one query, not one a row as they are drawn)."""
        packages = self._packages
        self._fill([i for i in indices if packages[i] is None])
        return self

    def _fill(self, indices: list[int]) -> None:
        if not indices:
            return
        found = self._load([self.ids[i] for i in indices])
        for i in indices:
            package = found.get(self.ids[i])
            if package is None:
                package = Package(id=self.ids[i], title=self.titles[i], slug="", repo_watchers=self.stars[i])
            self._packages[i] = package
