"""Snapshots of the package screen (fixed clock, no cursor blink, workers finished, PyPI's
facts kept in the store before the shot, plots with explicit ticks)."""

from __future__ import annotations

import pytest

from .conftest import settle
from .pypi_app import FakePyPI, keep_facts, otp_json, pypi_app

SIZES = [(200, 50), (100, 30), (80, 24), (60, 20)]
IDS = ["200x50", "100x30", "80x24", "60x20"]


def app_with_facts(tmp_path):
    app, _, store = pypi_app(tmp_path, FakePyPI())
    keep_facts(store, otp_json())
    return app


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_package_screen(snap_compare, size, tmp_path):
    assert snap_compare(app_with_facts(tmp_path), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES[1:], ids=IDS[1:])
def test_package_screen_scrolled_to_the_end(snap_compare, size, tmp_path):
    """The lower half in one pane: participants (filtered) and the plots."""
    app = app_with_facts(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", "a", "n")
        await pilot.press("enter")  # to the list, which keeps the filter
        app.screen.query_one("#package-body").scroll_end(animate=False, immediate=True)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_package_screen_not_on_pypi(snap_compare, tmp_path):
    """No facts: the words, and the commit plot alone."""
    app, _, _ = pypi_app(tmp_path, FakePyPI())
    assert snap_compare(app, terminal_size=(100, 30), run_before=settle)
