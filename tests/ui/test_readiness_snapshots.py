"""Snapshots of the readiness screen: the demo's grid 7 with its PyPI facts (the demo's own,
served in-process), one of them failed; and the default list at 100×30. Workers done first."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.screens.readiness import ReadinessScreen

from .conftest import settle
from .test_readiness_screen import GRID7, HeldPyPI, make_app, synced_store

SIZES = [(200, 50), (100, 30), (80, 24), (60, 20)]  # the four sizes every screen is checked at
IDS = ["200x50", "100x30", "80x24", "60x20"]


def readiness_app(tmp_path, selection: str, failures: dict[str, int] | None = None):
    store = asyncio.run(synced_store(tmp_path))
    pypi = HeldPyPI()
    pypi.statuses = failures or {}
    return make_app(store, tmp_path, pypi)


def opened(selection: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReadinessScreen(selection=selection))
        await settle(pilot)
        await pilot.press("j")  # the detail line shows the second row
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_readiness_of_a_grid(snap_compare, size, tmp_path):
    app = readiness_app(tmp_path, GRID7, failures={"django-otp": 404})
    assert snap_compare(app, terminal_size=size, run_before=opened(GRID7))


def test_readiness_of_the_most_starred(snap_compare, tmp_path):
    app = readiness_app(tmp_path, "")
    assert snap_compare(app, terminal_size=(100, 30), run_before=opened(""))
