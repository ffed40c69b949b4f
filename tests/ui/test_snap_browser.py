"""Snapshots of home, search and category at 100×30, 80×24 and 60×20.

Stable by construction: in-process data, a fixed clock, no cursor blink, workers
finished before the picture is taken, and nothing on screen that reads the wall clock.
"""

from __future__ import annotations

import pytest

from pkgtui.target import StartTarget

from .conftest import settle

SIZES = [(200, 50), (100, 30), (80, 24), (60, 20)]  # the four sizes every screen is checked at


async def _settled(pilot) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(make_app, snap_compare, size):
    app, _ = make_app()
    assert snap_compare(app, terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search(make_app, snap_compare, size):
    app, _ = make_app(target=StartTarget("search", "auth"))
    assert snap_compare(app, terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_category(make_app, snap_compare, size):
    app, _ = make_app(target=StartTarget("category", "apps"))
    assert snap_compare(app, terminal_size=size, run_before=_settled)


def test_category_filtered_and_sorted_by_name(make_app, snap_compare):
    app, _ = make_app(target=StartTarget("category", "apps"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("s", "slash", *"auth")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_not_found(make_app, snap_compare):
    app, _ = make_app(target=StartTarget("category", "no-such-category"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)


def test_help(make_app, snap_compare):
    app, _ = make_app(target=StartTarget("category", "apps"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_category_while_the_catalogue_loads(make_app, snap_compare):
    """The progress line (LoadProgress) and the rows of the first page, the rest held back."""
    import asyncio

    from pkgtui.screens.category import CategoryScreen
    from pkgtui.widgets import LoadProgress

    app, transport = make_app(target=StartTarget("category", "apps"), page_size=20)
    transport.gate = asyncio.Event()  # never set: the pages after the first stay on their way

    async def run_before(pilot) -> None:
        for _ in range(100):
            screen = pilot.app.screen
            if isinstance(screen, CategoryScreen) and screen.query_one(LoadProgress).label:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert pilot.app.screen.query_one(LoadProgress).label == "20 / 77 packages scanned"

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_grid_known_from_home_while_its_answer_is_on_its_way(make_app, snap_compare):
    """Opened from home: the grid's title and description from home's copy, before it answers."""
    import asyncio

    from pkgtui.screens.grid import GridScreen

    app, transport = make_app()

    async def run_before(pilot) -> None:
        await settle(pilot)
        transport.hold = ("/grids/", asyncio.Event())  # never set: the grid's own answer stays away
        pilot.app.open_screen("grid", "7")
        for _ in range(100):
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if isinstance(screen, GridScreen) and screen.is_mounted and screen.message.text:
                break
        await pilot.pause()
        assert pilot.app.screen.message.text == "Loading Grid 7…"

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
