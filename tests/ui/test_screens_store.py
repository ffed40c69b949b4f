"""Category, grid and package screens read the local catalogue: with a synced store their
first frame is complete with 0 requests; ``r`` asks the API; a sync that commits redraws
them; an old package is shown at once and refreshed in place (one request)."""

from __future__ import annotations

import time

from textual.widgets import Static

from pkgtui.store import Store
from pkgtui.widgets import VirtualTable

from .conftest import settle
from .test_home_store import _app, _synced_store

# Demo data: category 1 is "Apps"; grid 7 holds four two-factor packages; django-otp is in it.
GRID_7 = {"django-twostepauth", "django-two-factor-auth", "django-stronghold", "django-otp"}


def _first_column(table: VirtualTable) -> list[str]:
    return [str(table.row(i)[0]) for i in range(table.row_count)]


async def _open(app, pilot, kind: str, key: str) -> None:
    app.open_screen(kind, key)
    await settle(pilot)


async def test_a_grid_opens_from_the_store_with_no_request(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "grid", "7")
        table = app.screen.query_one("#grid-table", VirtualTable)
        names = {name.strip() for name in _first_column(table)}
        assert {n.split()[0] for n in names} >= {"django-otp"} and table.row_count == len(GRID_7)
        assert transport.paths == []
        assert app.screen.shown_from_store
        # r: from the API, whatever the store holds.
        await pilot.press("r")
        await settle(pilot)
        assert any(p.startswith("/api/v4/grids/7/") for p in transport.paths)
        assert table.row_count == len(GRID_7)


async def test_a_stored_grid_is_read_from_the_store_once_on_opening(tmp_path, monkeypatch):
    store = await _synced_store(tmp_path)
    reads: list[str] = []
    grid_view = Store.grid_view

    def counted(self, key):
        reads.append(key)
        return grid_view(self, key)

    monkeypatch.setattr(Store, "grid_view", counted)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "grid", "7")
        assert app.screen.shown_from_store and app.screen.table.row_count == len(GRID_7)
        assert reads == ["7"]  # prefetch's read is the one drawn
        assert transport.paths == []


async def test_a_category_opens_from_the_store_with_no_request(tmp_path):
    store = await _synced_store(tmp_path)
    expected = len(store.category_packages(1))
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "category", "1")
        table = app.screen.query_one("#packages", VirtualTable)
        assert expected > 0 and table.row_count == expected
        assert transport.paths == []


async def test_a_package_opens_from_the_store_with_no_request(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "package", "django-otp")
        title = str(app.screen.query_one("#package-title", Static).render())
        fields = str(app.screen.query_one("#package-fields", Static).render())
        assert "django-otp" in title and "Apps" in fields  # the category's title, from the store
        assert transport.paths == []


async def test_an_old_package_is_shown_at_once_and_refreshed_in_place(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False, cache_ttl=60.0)
    # The catalogue was synced two hours ago: older than cache_ttl.
    real_time = time.time
    app.store.is_stale = lambda max_age, now=None: real_time() - (real_time() - 7200) > max_age  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "package", "django-otp")
        assert "django-otp" in str(app.screen.query_one("#package-title", Static).render())
        assert app.screen.shown_from_store
        assert [p for p in transport.paths if "/packages/" in p] == ["/api/v4/packages/django-otp/?"]


async def test_without_a_sync_the_screens_ask_the_api(tmp_path):
    store = Store(tmp_path / "empty.sqlite")
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transport.paths.clear()
        await _open(app, pilot, "grid", "7")
        assert any(p.startswith("/api/v4/grids/7/") for p in transport.paths)
        assert app.screen.query_one("#grid-table", VirtualTable).row_count == len(GRID_7)
        assert not app.screen.shown_from_store


async def test_a_sync_that_commits_redraws_a_screen_drawn_from_the_store(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "grid", "7")
        screen = app.screen
        calls = []
        original = screen.show_cached
        screen.show_cached = lambda: calls.append(1) or original()  # type: ignore[method-assign]
        app.catalogue_version += 1
        await settle(pilot)
        assert calls == [1] and transport.paths == []


async def test_r_on_a_category_from_the_store_syncs_the_catalogue_and_redraws_in_place(tmp_path, monkeypatch):
    from pkgtui.api import open_client
    from pkgtui.api.demo import DemoAPI
    from pkgtui.config import Config
    from tests.ui.conftest import SwitchableTransport

    store = await _synced_store(tmp_path)
    synced_before = store.last_sync()
    # The background sync opens its own client from the config: count what it asks.
    syncing = SwitchableTransport(DemoAPI())
    monkeypatch.setattr(
        Config, "open_client", lambda self, **_: open_client(syncing.api.base_url, transport=syncing)
    )
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _open(app, pilot, "category", "1")
        rows = app.screen.query_one("#packages", VirtualTable).row_count
        version = app.catalogue_version
        await pilot.press("r")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        # The catalogue came again through the sync (kept in the store), not through the
        # screen's own page requests; the screen stayed on the store's rows, redrawn.
        assert any("/packages/" in p for p in syncing.paths)
        assert not [p for p in transport.paths if "/packages/" in p]
        assert app.catalogue_version == version + 1 and store.last_sync() >= synced_before
        assert app.screen.shown_from_store
        assert app.screen.query_one("#packages", VirtualTable).row_count == rows
