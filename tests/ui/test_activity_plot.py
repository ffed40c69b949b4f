"""The commit-activity plot: explicit ticks, month labels, the no-data message."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from pkgtui.widgets.activity_plot import NO_DATA, ActivityPlot, month_ticks, plot_title, value_ticks

REFERENCE = datetime(2026, 2, 15, 19, 22, tzinfo=UTC)


def test_month_ticks_label_each_month_start_going_back_52_weeks():
    positions, labels = month_ticks(REFERENCE)
    # 52 weeks before 2026-02-15 is 2025-02-16: the first month start inside is 1 March 2025.
    assert labels == ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb"]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert positions[0] == 1  # 2025-03-01 falls in the second week
    assert positions[-1] == 49  # 2026-02-01 falls in the week 2026-01-25..02-01 (third from last)
    assert all(0 <= p < 52 for p in positions)


def test_month_ticks_thin_out_keeping_the_newest():
    positions, labels = month_ticks(REFERENCE, max_labels=4)
    assert labels == ["May", "Aug", "Nov", "Feb"]
    assert positions[-1] == 49
    assert month_ticks(REFERENCE, max_labels=4) == (positions, labels)


def test_value_ticks():
    assert value_ticks(0) == ([0], ["0"])
    assert value_ticks(3) == ([0, 3], ["0", "3"])
    assert value_ticks(6) == ([0, 3, 6], ["0", "3", "6"])
    assert value_ticks(1234) == ([0, 617, 1234], ["0", "617", "1,234"])


def test_plot_title_counts_the_total():
    assert plot_title([0] * 51 + [1]) == "1 commit in the last 52 weeks"
    assert plot_title([3] * 52) == "156 commits in the last 52 weeks"
    # Drawn with the week the counts end in: djangopackages' last fetch, which is not today.
    assert plot_title([1] * 52, REFERENCE) == f"52 commits in the 52 weeks to {REFERENCE:%Y-%m-%d}"


class PlotApp(App):
    def __init__(self, counts: list[int]) -> None:
        super().__init__()
        self.counts = counts

    def compose(self) -> ComposeResult:
        yield ActivityPlot()

    def on_mount(self) -> None:
        self.query_one(ActivityPlot).show_activity(self.counts, REFERENCE)


def _screen_text(app: App) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())


async def test_plot_draws_title_ticks_and_bars():
    counts = [0] * 52
    counts[10], counts[40] = 4, 8
    app = PlotApp(counts)
    async with app.run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        text = _screen_text(app)
        assert f"12 commits in the 52 weeks to {REFERENCE:%Y-%m-%d}" in text
        assert "Mar" in text and "Feb" in text
        assert "8┤" in text and "4┤" in text and "0┤" in text
        assert "█" in text
        # Rendering again gives the same picture.
        app.query_one(ActivityPlot).refresh()
        await pilot.pause()
        assert _screen_text(app) == text


async def test_no_commit_data_shows_a_sentence_instead_of_a_plot():
    app = PlotApp([])
    async with app.run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        text = _screen_text(app)
        assert NO_DATA in text
        assert "┤" not in text
