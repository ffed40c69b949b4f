"""A grid's comparison table as data: columns, rows, sorting and the best value per column.

Shared by the grid screen and ``pkgtui grid --plain/--json/--csv`` so both show the same.
Each column is a :class:`Measure`, what the packages are compared on; how a column is laid out
on screen (width, alignment) is the table's own ``widgets.Column``, made by the grid screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .api.models import Package
from .format import format_age, format_count, sparkline
from .sorting import SortSpec, sorted_items
from .text import clean


@dataclass(frozen=True)
class Measure:
    """What one column of the comparison compares: its value and how it reads."""

    key: str
    label: str
    # The value sorted on and compared for "best" (None sorts last, is never best).
    value: Callable[[Package, datetime], float | str | tuple | None]
    text: Callable[[Package, datetime], str]
    higher_is_better: bool | None = None  # None: no "best" for this column
    numeric: bool = False

    def sort_spec(self, now: datetime) -> SortSpec[Package]:
        """The order of this column: numbers best-first, names A–Z; equal values go by the
        package id in the sort's direction (``pkgtui grid`` prints this order)."""
        return SortSpec(
            self.key,
            lambda p: self.value(p, now),
            descending=bool(self.higher_is_better),
            ties_follow=True,
            column=COLUMN_KEYS.index(self.key),
        )


_VERSION_PARTS = re.compile(r"\d+|[^\d.\-_+]+")


def version_key(version: str | None) -> tuple[tuple[int, int | str], ...] | None:
    """Sorts versions by their numbers (1.10 after 1.9); None (unknown) for no version.
    Numbers and words are tagged so they always compare (1.0 vs 1.0rc1, 0.1dev)."""
    text = clean(version or "").lower()
    if not text:
        return None
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _VERSION_PARTS.findall(text))


def _age(p: Package, now: datetime) -> float | None:
    return p.last_commit_age_days(now)


# The best value of each column that has one, by column key (versions compare as tuples).
BestValues = dict[str, float | str | tuple]

COLUMNS: tuple[Measure, ...] = (
    Measure(
        "name", "Name", lambda p, now: clean(p.display_title).lower(), lambda p, now: clean(p.display_title)
    ),
    Measure(
        "version",
        "Version",
        lambda p, now: version_key(p.pypi_version),
        lambda p, now: clean(p.pypi_version or "–"),
    ),
    Measure("stars", "Stars", lambda p, now: p.stars, lambda p, now: format_count(p.stars), True, True),
    Measure(
        "forks", "Forks", lambda p, now: p.repo_forks, lambda p, now: format_count(p.repo_forks), True, True
    ),
    # Sorted and compared by age: lower (more recent) is better.
    Measure("last_commit", "Last commit", _age, lambda p, now: format_age(_age(p, now)), False, True),
    Measure(
        "activity",
        "Activity (52 wk)",
        lambda p, now: p.commits_total if p.commits_over_52 else None,
        lambda p, now: sparkline(p.commits_over_52) or "no data",
    ),
    Measure(
        "commits",
        "Commits (52 wk)",
        lambda p, now: p.commits_total if p.commits_over_52 else None,
        lambda p, now: format_count(p.commits_total) if p.commits_over_52 else "–",
        True,
        True,
    ),
    Measure(
        "participants",
        "Participants",
        lambda p, now: len(p.participants),
        lambda p, now: format_count(len(p.participants)),
        True,
        True,
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)

# "Users": how many use a package (the website's "Using this", API v3's usage_count). The API
# v4 object has no such field, so it is not a Measure of a Package: the grid screen shows it
# as an extra column when the local catalogue knows a count for one of its packages.
USERS_LABEL = "Users"


def users_text(count: int | None) -> str:
    return format_count(count) if count is not None else "–"


# Markers that carry the meaning without colour (NO_COLOR terminals, plain output). One
# meaning each: a star read as GitHub stars beside a star count, and "failed" has its own.
BEST_MARK = "◆"
STALE_MARK = "⚠"
FAILED_MARK = "✗"


def column(key: str) -> Measure:
    for candidate in COLUMNS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def sort_packages(
    packages: Sequence[Package], key: str, *, reverse: bool | None = None, now: datetime | None = None
) -> list[Package]:
    """Sorted on column ``key``; numbers best-first by default, names A–Z. Unknown values last.

    ``reverse``: True for descending, False for ascending, None for the column's own order."""
    spec = column(key).sort_spec(now or datetime.now(UTC))
    flip = reverse is not None and reverse != spec.descending
    return sorted_items(packages, spec, reverse=flip, tiebreak=[p.id for p in packages])


def next_sort_key(key: str) -> str:
    """The column after ``key`` in table order (wrapping), for a "cycle sort" key."""
    index = COLUMN_KEYS.index(key) if key in COLUMN_KEYS else -1
    return COLUMN_KEYS[(index + 1) % len(COLUMN_KEYS)]


def best_values(packages: Sequence[Package], now: datetime | None = None) -> BestValues:
    """For each column that has a "best", the best value among ``packages``.

    A column where every known value is the same has no best: marking all of its cells
    (or the only one of a one-package grid) would say nothing.
    """
    now = now or datetime.now(UTC)
    best: BestValues = {}
    for col in COLUMNS:
        if col.higher_is_better is None:
            continue
        values = [v for v in (col.value(p, now) for p in packages) if v is not None]
        if len(set(values)) > 1:
            best[col.key] = max(values) if col.higher_is_better else min(values)
    return best


def is_best(col: Measure, package: Package, best: BestValues, now: datetime) -> bool:
    """Whether ``package`` holds the best value of ``col`` (as found by :func:`best_values`)."""
    return col.key in best and col.value(package, now) == best[col.key]


def rows(packages: Sequence[Package], now: datetime | None = None) -> list[list[str]]:
    """Each package as the columns' display text."""
    now = now or datetime.now(UTC)
    return [[col.text(p, now) for col in COLUMNS] for p in packages]


def activity_buckets(counts: Sequence[int], buckets: int) -> list[int]:
    """The weekly counts summed into ``buckets`` equal spans (oldest first), so a
    52-week sparkline fits a narrow column: 13 buckets are four weeks each."""
    if not counts or buckets <= 0:
        return []
    if buckets >= len(counts):
        return list(counts)
    size = len(counts) / buckets
    return [sum(counts[round(i * size) : round((i + 1) * size)]) for i in range(buckets)]
