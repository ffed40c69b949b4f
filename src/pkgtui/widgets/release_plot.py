"""A package's release history on PyPI: releases per year (per quarter for a young project),
oldest first, up to the current one.

Like the commit plot, every tick is set explicitly (plotext orders automatic labels
differently between runs, and snapshots must not change), and the newest period is always
labelled. The dates come from :attr:`pkgtui.api.pypi.PyPIFacts.release_dates`; the period
that holds ``reference`` (the app's clock) is the last bar, so an empty recent year shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from ..format import format_count
from .activity_plot import draw_bars

# Bars at most: older releases than the first bar are counted in the title, not drawn.
MAX_YEARS = 15
# A project whose first release is this recent is drawn by quarter (four bars a year), so a
# young project's history is more than one or two bars.
QUARTERS_UNDER_YEARS = 3
NO_RELEASES = "No dated release on PyPI."


def _quarter(moment: datetime) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def release_bins(dates: Sequence[datetime], reference: datetime) -> tuple[list[str], list[int], str]:
    """(period labels, releases in each, "year" or "quarter") from the first release's period
    (at most :data:`MAX_YEARS` back) to the one holding ``reference`` or the newest release,
    whichever is later. Empty lists when there are no dates."""
    if not dates:
        return [], [], "year"
    first, newest = min(dates), max(dates)
    last = max(newest, reference)
    if last.year - first.year < QUARTERS_UNDER_YEARS:
        periods: list[tuple[int, int]] = []
        year, quarter = _quarter(first)
        end = _quarter(last)
        while (year, quarter) <= end:
            periods.append((year, quarter))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        counts = dict.fromkeys(periods, 0)
        for moment in dates:
            counts[_quarter(moment)] += 1
        return [f"Q{q} {y % 100:02d}" for y, q in periods], list(counts.values()), "quarter"
    start = max(first.year, last.year - MAX_YEARS + 1)
    years = list(range(start, last.year + 1))
    per_year = dict.fromkeys(years, 0)
    for moment in dates:
        if moment.year >= start:
            per_year[moment.year] += 1
    return [str(y) for y in years], list(per_year.values()), "year"


def label_ticks(count: int, max_labels: int) -> list[int]:
    """Which of ``count`` bars get a label: every k-th, counting back from the newest."""
    step = max(1, math.ceil(count / max(1, max_labels)))
    return sorted(range(count - 1, -1, -step))


def release_title(release_count: int, plotted: int, unit: str) -> str:
    releases = f"{format_count(release_count)} release{'' if release_count == 1 else 's'} on PyPI"
    hidden = release_count - plotted
    suffix = f", per {unit}"
    if hidden > 0:
        # Releases without files have no date; older ones fell before the first bar.
        suffix += f" ({format_count(plotted)} shown)"
    return releases + suffix


class ReleasePlot(PlotextPlot):
    """Bars of releases per period; a sentence instead when there are no dated releases."""

    DEFAULT_CSS = """
    ReleasePlot {
        height: 12;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._dates: tuple[datetime, ...] = ()
        self._release_count = 0
        self._reference: datetime | None = None

    @property
    def bins(self) -> tuple[list[str], list[int], str]:
        if self._reference is None:
            return [], [], "year"
        return release_bins(self._dates, self._reference)

    def show_releases(self, dates: Sequence[datetime], release_count: int, reference: datetime) -> None:
        """Plot ``dates`` (one per release), up to the period holding ``reference``."""
        self._dates = tuple(dates)
        self._release_count = max(release_count, len(self._dates))
        self._reference = reference
        self.refresh()

    def render(self) -> RenderResult:
        labels, counts, unit = self.bins
        if not counts:
            return Text(NO_RELEASES)
        # A label and a column of space each, in the plot area (the width less the y axis
        # and the frame): "2024" or "Q3 25" stay apart.
        room = self.size.width - 6
        shown = label_ticks(len(counts), max_labels=max(1, room // (max(map(len, labels)) + 1)))
        ticks = ([float(i) for i in shown], [labels[i] for i in shown])
        draw_bars(self, counts, ticks, release_title(self._release_count, sum(counts), unit))
        return super().render()
