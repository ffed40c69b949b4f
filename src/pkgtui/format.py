"""Small, UI-free formatting shared by the TUI and the quick-lookup commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

__all__ = [
    "count_of",
    "dated",
    "format_age",
    "format_count",
    "format_date",
    "iso_time",
    "sparkline",
    "time_ago",
]

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """One character a value, scaled to the largest; zeros are the lowest bar."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return _BARS[0] * len(values)
    return "".join(
        _BARS[min(len(_BARS) - 1, round(v / top * (len(_BARS) - 1)))] if v > 0 else _BARS[0] for v in values
    )


def format_count(value: int | None) -> str:
    """``1,234``, or ``–`` when the API gave no usable number."""
    return "–" if value is None else f"{value:,}"


def format_date(moment: datetime | None) -> str:
    """The day in UTC, as --json and --csv give the time (iso_time): the API's times carry its
    server's zone (-05:00), where the day could differ from the export's by one."""
    if moment is None:
        return "–"
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment).strftime("%Y-%m-%d")


def iso_time(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, for --json and --csv (the API gives times in its server's zone; a
    naive time is taken as UTC), or None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


# -- relative time: the one way pkgtui says how long ago something was --------------------

Unit = Literal["s", "min", "h", "d", "mo", "y"]
# Each unit and its length in seconds, finest first (a month is 30 days, a year 365).
_UNITS: tuple[tuple[Unit, int], ...] = (
    ("s", 1),
    ("min", 60),
    ("h", 3600),
    ("d", 86400),
    ("mo", 30 * 86400),
    ("y", 365 * 86400),
)
_UNIT_NAMES: tuple[Unit, ...] = tuple(name for name, _ in _UNITS)


def time_ago(seconds: float, *, finest: Unit = "s", coarsest: Unit = "y") -> str:
    """``45 s ago``, ``12 min ago``, ``3 h ago``, ``5 d ago``, ``3 mo ago``, ``2 y ago``: whole
    units of the largest that fits, between ``finest`` and ``coarsest``; ``today`` when less
    than a day ago and days are the finest unit. A little negative (clocks apart) counts as
    none; more than a day ahead is ``in the future`` (a date no clock skew explains)."""
    if seconds < -86400:
        return "in the future"
    seconds = max(0.0, seconds)
    units = _UNITS[_UNIT_NAMES.index(finest) : _UNIT_NAMES.index(coarsest) + 1]
    name, length = units[0]
    if seconds < length:
        return "today" if name == "d" else f"0 {name} ago"
    for name, length in reversed(units):
        if seconds >= length:
            break
    return f"{int(seconds // length)} {name} ago"


def moments_ago(seconds: float) -> str:
    """When something was done on this machine (a sync): ``just now`` under a minute, then
    ``12 min ago``, ``3 h ago``, ``5 d ago``..."""
    return "just now" if seconds < 60 else time_ago(seconds, finest="min")


def format_age(days: float | None) -> str:
    """A commit's age: ``today``, ``5 d ago``, ``3 mo ago``, ``2 y ago``, ``never``."""
    return "never" if days is None else time_ago(days * 86400, finest="d")


def dated(moment: datetime | None, now: datetime) -> str:
    """``2026-01-07 (1 mo ago)``, or ``–``."""
    if moment is None:
        return "–"
    return f"{format_date(moment)} ({time_ago((now - moment).total_seconds(), finest='d')})"


def count_of(shown: int, total: int, noun: str = "package") -> str:
    """``1 package``, ``40 packages``, or ``3 of 40 packages`` when a filter hides some."""
    word = noun if total == 1 else f"{noun}s"
    return f"{total:,} {word}" if shown == total else f"{shown:,} of {total:,} {word}"


_ONE = {
    "items": "item",
    "categories": "category",
    "grids": "grid",
    "packages": "package",
    "results": "result",
}


def skipped_text(count: int, what: str = "items") -> str:
    """E.g. "2 unreadable items left out" (``what`` in the plural); "" for none."""
    if count <= 0:
        return ""
    return f"{count:,} unreadable {_ONE.get(what, what) if count == 1 else what} left out"
