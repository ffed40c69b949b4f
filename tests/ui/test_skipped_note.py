"""Items of the API's lists that cannot be read are left out, and the screen says how many
(issue 14): on the status line, after a background sync, and from a screen's own lists."""

from __future__ import annotations

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.config import Config
from pkgtui.format import skipped_text
from pkgtui.store import Store
from pkgtui.widgets import SourceLine
from tests.ui.conftest import SwitchableTransport, settle
from tests.ui.test_home_store import _app


def test_the_words_count_in_the_singular_and_the_plural():
    assert skipped_text(0) == ""
    assert skipped_text(1, "packages") == "1 unreadable package left out"
    assert skipped_text(1234, "grids") == "1,234 unreadable grids left out"


async def test_a_background_sync_that_left_items_out_says_so_on_the_status_line(tmp_path, monkeypatch):
    api = DemoAPI()
    api.packages.extend(["not a package", None])
    # The background sync opens its own client from the config (without the HTTP cache):
    # point it at this API.
    monkeypatch.setattr(
        Config, "open_client", lambda self, **_: open_client(api.base_url, transport=SwitchableTransport(api))
    )
    store = Store(tmp_path / "catalogue.sqlite")  # empty: a first start syncs
    app, _ = _app(store, tmp_path, api=api)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert store.last_sync() is not None
        line = str(app.screen.query_one(SourceLine).render())
        assert "(2 unreadable items left out)" in line
        assert store.status().packages == len(api.packages) - 2


async def test_a_screen_notes_what_its_lists_left_out(tmp_path):
    app, _ = _app(None, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.screen.note_skipped(3, "results")
        await pilot.pause()
        assert str(app.screen.query_one(SourceLine).render()).endswith("· 3 unreadable results left out")
        app.screen.note_skipped(0)
        await pilot.pause()
        assert "unreadable" not in str(app.screen.query_one(SourceLine).render())


async def test_home_says_how_many_of_the_apis_items_it_left_out(tmp_path):
    api = DemoAPI()
    api.categories.append("not a category")
    api.grids.extend([None, 7])
    app, _ = _app(None, tmp_path, api=api)  # no store: home asks the API
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one(SourceLine).render())
        assert line.endswith("· 3 unreadable items left out"), line
        assert app.screen.query_one("#categories").row_count == len(api.categories) - 1


async def test_a_category_says_how_many_packages_it_left_out(tmp_path):
    from pkgtui.target import StartTarget

    api = DemoAPI()
    api.packages.extend(["not a package", 12])
    app, _ = _app(None, tmp_path, api=api)
    app.target = StartTarget("category", "apps")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one(SourceLine).render())
        assert line.endswith("· 2 unreadable packages left out"), line
