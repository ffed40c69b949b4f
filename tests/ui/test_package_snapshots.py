"""Snapshots of the package screen (fixed clock, no cursor blink, workers finished)."""

from __future__ import annotations

import pytest

from pkgtui.target import StartTarget

from .conftest import settle
from .scripted import scripted_app

SIZES = [(100, 30), (80, 24), (60, 20)]
IDS = ["100x30", "80x24", "60x20"]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_package_screen(snap_compare, size):
    app, _ = scripted_app(StartTarget("package", "django-otp"))
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_package_screen_scrolled_to_the_end(snap_compare, size):
    """The lower half: participants (filtered) and grids."""
    app, _ = scripted_app(StartTarget("package", "django-otp"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", "a", "n")
        app.screen.query_one("#package-grids").focus(scroll_visible=False)
        await pilot.press("G")
        # Focus scrolls with an animation: finish it, then pin the end, so every run matches.
        await pilot.wait_for_scheduled_animations()
        app.screen.query_one("#package-body").scroll_end(animate=False, immediate=True)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
