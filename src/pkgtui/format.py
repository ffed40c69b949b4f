"""Small, UI-free formatting shared by the TUI and the quick-lookup commands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .api.models import format_age

__all__ = ["count_of", "format_age", "format_count", "format_date", "sparkline"]

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
    return "–" if moment is None else moment.strftime("%Y-%m-%d")


def count_of(shown: int, total: int, noun: str = "package") -> str:
    """``1 package``, ``40 packages``, or ``3 of 40 packages`` when a filter hides some."""
    word = noun if total == 1 else f"{noun}s"
    return f"{total:,} {word}" if shown == total else f"{shown:,} of {total:,} {word}"
