"""Snapshots of home, search and category at 100×30, 80×24 and 60×20.

Stable by construction: in-process data, a fixed clock, no cursor blink, workers
finished before the picture is taken, and nothing on screen that reads the wall clock.
"""

from __future__ import annotations

import pytest

from pkgtui.cli import StartTarget

from .conftest import settle

SIZES = [(100, 30), (80, 24), (60, 20)]


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
