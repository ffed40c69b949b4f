"""The progress line: a bar of the share done and its count, drawn as one widget."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pkgtui.widgets import LoadProgress
from pkgtui.widgets.load_progress import BAR_WIDTH


class ProgressApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LoadProgress()


def line(progress: LoadProgress) -> str:
    return progress.render().plain


async def test_hidden_until_progress_then_hidden_again():
    app = ProgressApp()
    async with app.run_test(size=(60, 3)) as pilot:
        progress = app.query_one(LoadProgress)
        assert not progress.display
        progress.update_progress(1, 4, "packages")
        await pilot.pause()
        assert progress.display
        progress.finish()
        await pilot.pause()
        assert not progress.display


async def test_the_bar_shows_the_share_done_and_the_count_follows_it():
    app = ProgressApp()
    async with app.run_test(size=(60, 3)) as pilot:
        progress = app.query_one(LoadProgress)
        progress.update_progress(1_200, 4_800, "packages scanned")
        await pilot.pause()
        assert line(progress) == "━" * BAR_WIDTH + " 1,200 / 4,800 packages scanned"
        done, todo = (
            progress.get_component_rich_style(f"load-progress--{part}") for part in ("done", "todo")
        )
        assert done.color != todo.color
        spans = progress.render().spans
        assert [(span.start, span.end, span.style) for span in spans[:2]] == [
            (0, BAR_WIDTH // 4, done),
            (BAR_WIDTH // 4, BAR_WIDTH, todo),
        ]
        assert "1,200 / 4,800 packages scanned" in "".join(
            segment.text for strip in progress.render_lines(progress.region.reset_offset) for segment in strip
        )


async def test_counts_beyond_the_total_fill_the_bar_and_are_still_told():
    app = ProgressApp()
    async with app.run_test(size=(60, 3)) as pilot:
        progress = app.query_one(LoadProgress)
        progress.update_progress(7, 5)
        await pilot.pause()
        assert progress.fraction == 1.0
        assert line(progress).endswith(" 7 / 5")
        progress.update_progress(0, 0)
        assert progress.fraction == 0.0 and line(progress).endswith(" 0 / 0")
