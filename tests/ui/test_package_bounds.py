"""A package naming thousands of grids (a hostile answer) costs at most MAX_GRIDS_LISTED
title requests and rows on its screen."""

from __future__ import annotations

from pkgtui.api.demo import DemoAPI
from pkgtui.screens.package import MAX_GRIDS_LISTED
from pkgtui.target import StartTarget

from .conftest import settle


async def test_the_grid_list_and_its_title_requests_are_bounded(make_app):
    api = DemoAPI()
    otp = next(p for p in api.packages if p["slug"] == "django-otp")
    otp["grids"] = [f"{api.base_url}grids/{n}/" for n in range(100_000, 102_000)]
    api = DemoAPI(packages=api.packages)
    app, transport = make_app(api=api, target=StartTarget("package", "django-otp"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grids = app.screen.query_one("#package-grids")
        assert grids.option_count == MAX_GRIDS_LISTED
        asked = [p for p in transport.paths if p.startswith("/api/v4/grids/1")]  # one grid each
        assert 0 < len(asked) <= MAX_GRIDS_LISTED
