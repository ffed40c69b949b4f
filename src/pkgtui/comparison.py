"""A grid's comparison table as data: columns, rows, sorting and the best value per column.

Shared by the grid screen and ``pkgtui grid --plain/--json/--csv`` so both show the same.
Each column is a :class:`Measure`, what the packages are compared on; how a column is laid out
on screen (width, alignment) is the table's own ``widgets.Column``, made by the grid screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec

from .api.models import Package
from .format import format_age, format_count, format_date, sparkline
from .sorting import SortSpec, natural_key, sorted_items
from .text import clean

if TYPE_CHECKING:
    # Only a type here: api.pypi brings httpx, which a warm start must not import early.
    from .api.pypi import PyPIFacts
    from .readiness import Product


class Measure(msgspec.Struct, frozen=True):
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
        # Natural order, as home's lists: "django-app-2" before "django-app-10".
        "name",
        "Name",
        lambda p, now: natural_key(clean(p.display_title)),
        lambda p, now: clean(p.display_title),
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


# -- the columns of PyPI's facts, Users and Score ---------------------------------------------
#
# What the website's grid shows and API v4 does not (issue 18): read from PyPI and kept in the
# store (pkgtui.facts), so they are not Measures of a Package alone. The grid and category
# screens show them after the comparison columns; ``pkgtui grid`` prints the Measures only.


class Known(msgspec.Struct, frozen=True):
    """What a row knows besides its Package: PyPI's facts (None: none kept yet, or none at
    all, then ``problem`` says why) and the usage count of the local catalogue."""

    facts: PyPIFacts | None = None
    problem: str | None = None
    users: int | None = None


NOTHING_KNOWN = Known()


class FactMeasure(msgspec.Struct, frozen=True):
    """A column over a package and what is :class:`Known` of it; like :class:`Measure`."""

    key: str
    label: str
    value: Callable[[Package, Known, datetime], float | str | tuple | None]
    text: Callable[[Package, Known, datetime], str]
    higher_is_better: bool | None = None
    # Whether the column needs PyPI's facts (Users and Score do not).
    from_pypi: bool = True


def _versions_value(versions: Sequence[str]) -> tuple[int, int] | None:
    """The newest declared version, so "supports the newest Django" sorts first."""
    from .api.pypi import minor_version_key

    keys = [key for key in map(minor_version_key, versions) if key is not None]
    return max(keys, default=None)


def versions_text(versions: Sequence[str], width: int = 12, product: Product = "django") -> str:
    """``4.2–6.0`` (runs, ``3.2, 4.2–5.2`` with gaps); just the span when the runs are wider
    than ``width``; ``–`` when none are declared. ``product`` says which releases follow
    which (Python 3.12 then 3.13; Django 4.2 then 5.0)."""
    if not versions:
        return "–"
    from .readiness import format_range, format_span

    text = format_range(versions, product)
    if len(text) > width:
        text = format_span(versions)
    return text or "–"


def _django(p: Package, known: Known, now: datetime) -> tuple[int, int] | None:
    return _versions_value(known.facts.django_versions) if known.facts else None


def _python(p: Package, known: Known, now: datetime) -> tuple[int, int] | None:
    return _versions_value(known.facts.python_versions) if known.facts else None


# Trove's development statuses, short enough for a narrow column; 7 (Inactive) sorts last.
STATUS_WORDS = {1: "Planning", 2: "Pre-Alpha", 3: "Alpha", 4: "Beta", 5: "Stable", 6: "Mature", 7: "Inactive"}


def _status(p: Package, known: Known, now: datetime) -> int | None:
    status = known.facts.development_status if known.facts else None
    if status is None or status not in STATUS_WORDS:
        return None
    return 0 if status == 7 else status


def _released(p: Package, known: Known, now: datetime) -> float | None:
    released = known.facts.released if known.facts else None
    return released.timestamp() if released is not None else None


def package_score(p: Package, known: Known, now: datetime) -> int:
    """Upstream's score (djangopackages ``package/scores.py``, ``_calculate_score``; see
    :mod:`pkgtui.scores`): stars, less a tenth per whole three months since the last commit,
    less 30 % of the stars (at most 1,000) without Python 3 support, floored at -500. Python 3
    support comes from PyPI's facts; unknown counts as none, as upstream's nullable field does."""
    from .scores import score

    supports = known.facts.supports_python3 if known.facts else None
    return score(p.stars, p.last_updated, supports, now)


FACT_COLUMNS: tuple[FactMeasure, ...] = (
    FactMeasure(
        "django",
        "Django",
        _django,
        lambda p, k, now: versions_text(k.facts.django_versions) if k.facts else "–",
        True,
    ),
    FactMeasure(
        "python",
        "Python",
        _python,
        lambda p, k, now: versions_text(k.facts.python_versions, 9, "python") if k.facts else "–",
        True,
    ),
    FactMeasure(
        "license",
        "License",
        lambda p, k, now: (k.facts.license or "").casefold() or None if k.facts else None,
        lambda p, k, now: clean(k.facts.license or "–") if k.facts else "–",
    ),
    FactMeasure(
        "status",
        "Status",
        _status,
        lambda p, k, now: STATUS_WORDS.get(k.facts.development_status or 0, "–") if k.facts else "–",
        True,
    ),
    FactMeasure(
        "released",
        "Released",
        _released,
        lambda p, k, now: format_date(k.facts.released) if k.facts else "–",  # a UTC day, as elsewhere
        True,
    ),
    FactMeasure(
        "users", USERS_LABEL, lambda p, k, now: k.users, lambda p, k, now: users_text(k.users), True, False
    ),
    FactMeasure(
        "score", "Score", package_score, lambda p, k, now: f"{package_score(p, k, now):,}", True, False
    ),
)
FACT_KEYS = tuple(measure.key for measure in FACT_COLUMNS)


def fact_column(key: str) -> FactMeasure:
    for candidate in FACT_COLUMNS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def short_problem(problem: str | None) -> str:
    """Why a row has no facts, in a few words that fit its Django cell: ``not on PyPI``,
    ``PyPI 503``, ``PyPI timeout``. "" when there is nothing to say (facts are pending)."""
    if not problem:
        return ""
    from .facts import NO_ANSWER, NO_PYPI_NAME, NOT_ON_PYPI

    if problem == NOT_ON_PYPI:
        return NOT_ON_PYPI
    if problem == NO_PYPI_NAME:
        return "no PyPI name"
    if problem == NO_ANSWER:
        return "no answer"
    lowered = problem.casefold()
    if status := _HTTP_STATUS.search(problem):
        return f"PyPI {status.group(1)}"
    if "limiting" in lowered:
        return "PyPI 429"
    if "in time" in lowered or "finish answering" in lowered:
        return "PyPI timeout"
    if "connect" in lowered or "connection" in lowered or "request to" in lowered:
        return "PyPI offline"
    if "offline" in lowered:
        return "offline"
    if "too large" in lowered or "too big" in lowered:
        return "PyPI too big"
    return "PyPI error"


_HTTP_STATUS = re.compile(r"HTTP ([0-9]{3})")


def known_best_values(packages: Sequence[Package], known: Mapping[int, Known], now: datetime) -> BestValues:
    """:func:`best_values` for the fact columns, with the same rule (no best when all agree)."""
    best: BestValues = {}
    for col in FACT_COLUMNS:
        if col.higher_is_better is None or col.key in ("django", "python", "status"):
            continue  # the newest version or the latest status is not "best" to compare on
        values = [
            v for v in (col.value(p, known.get(p.id, NOTHING_KNOWN), now) for p in packages) if v is not None
        ]
        if col.key == "released":  # a release dated days ahead (a clock, or bad data) is no one's best
            values = [v for v in values if isinstance(v, float) and v <= now.timestamp() + 86400]
        if len(set(values)) > 1:
            best[col.key] = max(values) if col.higher_is_better else min(values)
    return best


def sort_known(
    packages: Sequence[Package],
    known: Mapping[int, Known],
    key: str,
    *,
    reverse: bool | None = None,
    now: datetime | None = None,
) -> list[Package]:
    """:func:`sort_packages` over the comparison columns and the fact columns alike (one sort
    rule, :mod:`pkgtui.sorting`): numbers best-first by default, unknown values last."""
    now = now or datetime.now(UTC)
    if key not in FACT_KEYS:
        return sort_packages(packages, key, reverse=reverse, now=now)
    col = fact_column(key)
    spec: SortSpec[Package] = SortSpec(
        key,
        lambda p: col.value(p, known.get(p.id, NOTHING_KNOWN), now),
        descending=bool(col.higher_is_better),
        ties_follow=True,
    )
    flip = reverse is not None and reverse != spec.descending
    return sorted_items(packages, spec, reverse=flip, tiebreak=[p.id for p in packages])


# The fact columns that come from PyPI (not the API), for the grid and category screens.
PYPI_KEYS = tuple(measure.key for measure in FACT_COLUMNS if measure.from_pypi)
PENDING_MARK = "…"  # facts asked of PyPI, not yet answered
# Why a row has no facts that is true of the package itself, not of a fetch: shown even when
# PyPI is off (the words short_problem gives them).
PACKAGE_PROBLEMS = frozenset({"not on PyPI", "no PyPI name"})
