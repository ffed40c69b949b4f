"""Who declares support for a Django or Python release: the website's "Readiness" pages
(upstream: djangopackages/djangopackages, ``homepage/views.py``, ``ReadinessDetailView``,
``readiness/<product>/<cycle>/``) and the grid's version columns, as pure functions over
:class:`~pkgtui.api.pypi.PyPIFacts`.

What a package declares is its trove classifiers (``Framework :: Django :: 5.2``,
``Programming Language :: Python :: 3.13``), as upstream reads them. Upstream sorts packages
into "yes" (declares the release), "no" (declares other releases of that product) and "maybe"
(declares none); here "no" is split by whether anything newer is declared, because "only older
releases" (not updated yet) and "newer ones, but not this" (a gap) mean different things.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Generic, Literal, TypeVar

import msgspec

from .api.pypi import PyPIFacts, minor_version_key

T = TypeVar("T")
Product = Literal["django", "python"]

# The last minor release of each major one, where it is known, so that ranges run across a
# major release: Django 1.11 was followed by 2.0, and since 2.0 every major has .0, .1 and .2
# (5.2 → 6.0); Python 2.7 by 3.0. A major not listed here is taken to go on.
_LAST_MINOR: dict[str, dict[int, int]] = {
    "django": {1: 11} | {major: 2 for major in range(2, 100)},
    "python": {1: 6, 2: 7},
}
RANGE_DASH = "–"


class Readiness(StrEnum):
    SUPPORTS = "supports"  # declares the release
    OLDER_ONLY = "older_only"  # declares only releases before it
    SKIPS = "skips"  # declares releases after it, but not it
    SILENT = "silent"  # declares no release of the product, or PyPI's facts are missing


def declared(facts: PyPIFacts | None, product: Product) -> tuple[str, ...]:
    """The releases of ``product`` that ``facts`` declare, in numeric order."""
    if facts is None:
        return ()
    return facts.django_versions if product == "django" else facts.python_versions


def classify(versions: Iterable[str], release: str) -> Readiness:
    """Where a package declaring ``versions`` stands on ``release`` (e.g. "5.2"). Versions not
    of the MAJOR.MINOR shape are ignored; a ``release`` not of that shape is a ValueError."""
    target = minor_version_key(release)
    if target is None:
        raise ValueError(f"not a MAJOR.MINOR release: {release[:20]!r}")
    keys = {key for key in map(minor_version_key, versions) if key is not None}
    if not keys:
        return Readiness.SILENT
    if target in keys:
        return Readiness.SUPPORTS
    return Readiness.OLDER_ONLY if max(keys) < target else Readiness.SKIPS


class ReadinessReport(msgspec.Struct, Generic[T], frozen=True):
    product: Product
    release: str
    rows: tuple[tuple[T, Readiness], ...]  # in the order given

    @property
    def counts(self) -> dict[Readiness, int]:
        """How many packages are in each class; every class is present, zeros too."""
        tally = Counter(status for _, status in self.rows)
        return {status: tally[status] for status in Readiness}

    def having(self, status: Readiness) -> list[T]:
        return [item for item, each in self.rows if each is status]


def readiness(
    packages: Iterable[tuple[T, PyPIFacts | None]], release: str, product: Product = "django"
) -> ReadinessReport[T]:
    """Each package (with its facts, None when there are none) classified on ``release`` of
    ``product``. ``T`` is whatever the caller identifies a package by (a Package, a slug)."""
    if minor_version_key(release) is None:
        raise ValueError(f"not a MAJOR.MINOR release: {release[:20]!r}")
    rows = tuple((item, classify(declared(facts, product), release)) for item, facts in packages)
    return ReadinessReport(product, release, rows)


def format_range(versions: Iterable[str], product: Product = "django") -> str:
    """The declared versions as compact runs, for a grid column: ``4.2–6.0``, or with gaps
    ``3.2, 4.2–5.2``; "" when none. Sorted numerically (4.2 < 4.10 < 5.0); a run continues from
    a major's last minor to the next major's .0 where that last minor is known."""
    keys = sorted({key for key in map(minor_version_key, versions) if key is not None})
    runs: list[list[tuple[int, int]]] = []
    for key in keys:
        if runs and key == _successor(runs[-1][-1], product):
            runs[-1].append(key)
        else:
            runs.append([key])
    return ", ".join(_run_text(run) for run in runs)


def format_span(versions: Sequence[str]) -> str:
    """The lowest and highest declared version, ``4.2–6.0``, gaps or not: for a narrow column."""
    keys = sorted({key for key in map(minor_version_key, versions) if key is not None})
    if not keys:
        return ""
    return _run_text([keys[0], keys[-1]])


def newest_first(versions: Iterable[str]) -> list[str]:
    """Each version once, newest first (``6.0``, ``5.2``, ``4.2``); unreadable ones last."""
    return sorted(set(versions), key=lambda v: minor_version_key(v) or (0, 0), reverse=True)


def next_filter(current: str | None, versions: Sequence[str]) -> str | None:
    """The Django filter after ``current`` for the grid and category key ``d``: the newest of
    ``versions`` (newest first) first, then each older one, then None (all packages)."""
    if not versions:
        return None
    if current in versions:
        index = versions.index(current) + 1
        return versions[index] if index < len(versions) else None
    return versions[0]


def _successor(version: tuple[int, int], product: Product) -> tuple[int, int]:
    major, minor = version
    if _LAST_MINOR[product].get(major) == minor:
        return (major + 1, 0)
    return (major, minor + 1)


def _run_text(run: Sequence[tuple[int, int]]) -> str:
    first, last = run[0], run[-1]
    if first == last:
        return f"{first[0]}.{first[1]}"
    return f"{first[0]}.{first[1]}{RANGE_DASH}{last[0]}.{last[1]}"
