"""A package's commit activity: 52 weekly bars, oldest first, with month labels.

Every tick is set explicitly: plotext left to itself orders tick labels in ways that
change between runs, and snapshots must not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from ..format import format_count, format_date

WEEKS = 52
# Fixed English abbreviations: strftime("%b") would follow the user's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_DATA = "No commit activity data for this package."


def month_ticks(
    reference: datetime, weeks: int = WEEKS, max_labels: int = 12
) -> tuple[list[float], list[str]]:
    """Bar positions where a month begins, and the month's name.

    Bar ``weeks - 1`` is the week ending at ``reference``; bar 0 began ``weeks`` weeks before.
    With more months than ``max_labels``, every k-th is kept, counting back from the newest
    so the most recent month is always labelled.
    """
    first_start = reference - timedelta(weeks=weeks)
    positions: list[int] = []
    labels: list[str] = []
    month = datetime(first_start.year, first_start.month, 1, tzinfo=reference.tzinfo)
    while month <= reference:
        if month >= first_start:
            position = min(weeks - 1, int((month - first_start) / timedelta(weeks=1)))
            if position not in positions:
                positions.append(position)
                labels.append(MONTHS[month.month - 1])
        month = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=reference.tzinfo)
    step = max(1, math.ceil(len(positions) / max(1, max_labels)))
    keep = set(range(len(positions) - 1, -1, -step))
    return [p for i, p in enumerate(positions) if i in keep], [t for i, t in enumerate(labels) if i in keep]


def value_ticks(top: int) -> tuple[list[float], list[str]]:
    """Y ticks: 0, the top, and the middle when there is room for one between them."""
    if top <= 0:
        return [0], ["0"]
    ticks = [0, top] if top < 4 else [0, round(top / 2), top]
    return [float(t) for t in ticks], [format_count(t) for t in ticks]


def plot_title(counts: Sequence[int], reference: datetime | None = None) -> str:
    """``18 commits in the 52 weeks to 2026-02-15``: the counts run to the package's last
    fetch by djangopackages.org, not to today, so the title says to when (issue 17)."""
    total = sum(counts)
    commits = f"{format_count(total)} commit{'' if total == 1 else 's'}"
    if reference is None:
        return f"{commits} in the last {len(counts)} weeks"
    return f"{commits} in the {len(counts)} weeks to {format_date(reference)}"


def draw_bars(
    plot: PlotextPlot, counts: Sequence[int], xticks: tuple[list[float], list[str]], title: str
) -> None:
    """One bar a count, the x axis spanning them all, the y axis from 0 to the largest (shared
    by the commit and release plots)."""
    top = max(counts)
    plt = plot.plt
    plt.clear_figure()
    plt.bar(list(range(len(counts))), list(counts), width=0.6)
    plt.xlim(-0.5, len(counts) - 0.5)
    plt.ylim(0, max(top, 1))
    plt.xticks(*xticks)
    plt.yticks(*value_ticks(top))
    plt.title(title)


class ActivityPlot(PlotextPlot):
    """Bars of the weekly commit counts; a sentence instead when there are none."""

    DEFAULT_CSS = """
    ActivityPlot {
        height: 12;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._counts: tuple[int, ...] = ()
        self._reference: datetime | None = None

    @property
    def counts(self) -> tuple[int, ...]:
        return self._counts

    def show_activity(self, counts: Sequence[int], reference: datetime) -> None:
        """Plot ``counts`` (oldest week first), the newest week ending at ``reference``."""
        self._counts = tuple(counts)
        self._reference = reference
        self.refresh()

    def render(self) -> RenderResult:
        if not self._counts or self._reference is None:
            return Text(NO_DATA)
        counts = list(self._counts)
        # About one label per 6 columns of plot area keeps the three-letter months apart.
        ticks = month_ticks(self._reference, len(counts), max_labels=max(2, (self.size.width - 4) // 6))
        draw_bars(self, counts, ticks, plot_title(counts, self._reference))
        return super().render()
