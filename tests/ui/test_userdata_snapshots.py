"""Snapshots of home's Bookmarks and Recent lists (with the Compare entry) and of the compare
screen. No times are shown on either, and the clock is fixed, so they are stable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW

from .conftest import settle
from .test_userdata_screens import make

SIZES = [(200, 50), (100, 30), (80, 24), (60, 20)]  # the four sizes every screen is checked at


def _saved(path) -> UserDataFile:
    moments = iter(FIXED_NOW + timedelta(minutes=n) for n in range(100))
    data = UserDataFile(path, now=lambda: next(moments))
    data.add_bookmark("package", "django-two-factor-auth", "django-two-factor-auth")
    data.add_bookmark("grid", "grid-7", "Grid 7")
    data.add_to_compare("django-otp")
    data.add_to_compare("django-two-factor-auth")
    data.add_to_compare("django-mfa")
    data.record_visit("package", "django-mfa", "django-mfa")
    data.record_visit("grid", "grid-7", "Grid 7")
    data.record_visit("package", "django-otp", "django-otp")
    return data


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_with_bookmarks_and_recent(tmp_path, snap_compare, size):
    _saved(tmp_path / "userdata.json")
    app, _ = make(tmp_path / "userdata.json")
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_screen(tmp_path, snap_compare, size):
    _saved(tmp_path / "userdata.json")
    app, _ = make(tmp_path / "userdata.json")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_screen("compare", "")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(100, 30), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_grid_marks_the_packages_on_the_compare_list(tmp_path, snap_compare, size):
    _saved(tmp_path / "userdata.json")  # django-otp and django-two-factor-auth are in grid 7
    app, _ = make(tmp_path / "userdata.json")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_screen("grid", "7")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_category_marks_the_packages_on_the_compare_list(tmp_path, snap_compare):
    _saved(tmp_path / "userdata.json")  # django-otp and django-two-factor-auth are in Apps
    app, _ = make(tmp_path / "userdata.json")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_screen("category", "1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
