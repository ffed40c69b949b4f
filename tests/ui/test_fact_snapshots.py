"""Snapshots of the grid and category screens with PyPI's facts (faked PyPI, fixed clock, every
fact fetched and drawn before the shot): the columns each width keeps, the failed member's
reason, and the hidden columns named under the table."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.target import StartTarget

from .conftest import settle
from .facts_app import FakePyPI, facts_app, make_store

SIZES = [(200, 50), (100, 30), (80, 24), (60, 20)]  # the four sizes every screen is checked at
IDS = ["200x50", "100x30", "80x24", "60x20"]


async def _facts_settled(pilot) -> None:
    await settle(pilot)
    for _ in range(500):
        if not pilot.app.screen.facts_pending:
            break
        await pilot.pause(0.02)
    await settle(pilot)


def _app(tmp_path, target: StartTarget):
    store = asyncio.run(make_store(tmp_path / "catalogue.sqlite"))
    return facts_app(store, FakePyPI(), target, tmp_path)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_grid_with_facts(snap_compare, tmp_path, size):
    app = _app(tmp_path, StartTarget("grid", "7"))
    assert snap_compare(app, terminal_size=size, run_before=_facts_settled)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_category_with_facts(snap_compare, tmp_path, size):
    app = _app(tmp_path, StartTarget("category", "apps"))
    assert snap_compare(app, terminal_size=size, run_before=_facts_settled)


def test_grid_filtered_to_django_5_2(snap_compare, tmp_path):
    app = _app(tmp_path, StartTarget("grid", "7"))

    async def run_before(pilot) -> None:
        await _facts_settled(pilot)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
