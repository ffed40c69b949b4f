"""The grid screen against a real server on 127.0.0.1 that serves API v3 too: a grid is
refreshed in one v3 request (not one a member), v3 failing falls back to v4 quietly, an old
stored grid is shown at once and refreshed in place, and the "Users" column shows the usage
counts the store knows. Requests are counted on the server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pkgtui.api import open_client
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store, sync_catalogue
from pkgtui.userdata import UserDataFile
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.server import status

from .conftest import settle

GRID = 426  # a sample grid with several members


@pytest.fixture
async def synced(local_api, tmp_path):
    path = tmp_path / "catalogue.sqlite"
    async with open_client(local_api.url) as client:
        await sync_catalogue(client, path)  # with v3's usage counts
    local_api.log.clear()
    store = Store(path)
    yield local_api, store
    store.close()


def _app(server, store: Store, tmp_path, **config):
    client = open_client(server.url, backoff=0.0)
    # PyPI off: these tests are about the API's grid, and no test asks the real PyPI.
    settings = replace(Config(api_url=server.url), auto_sync=False, use_pypi=False, **config)
    app = create_app(
        settings,
        client=client,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "u.json"),
        store=store,
    )
    app.cursor_blink = False
    return app


def _table(app) -> VirtualTable:
    return app.screen.query_one("#grid-table", VirtualTable)


def _v4_members(server) -> list[str]:
    return [p for p in server.log.paths if p.startswith("/api/v4/packages/")]


async def _open_grid(app, pilot) -> None:
    await settle(pilot)
    app.open_screen("grid", str(GRID))
    await settle(pilot)


async def test_r_refreshes_a_grid_in_one_v3_request(synced, tmp_path):
    server, store = synced
    members = store.grid(GRID).package_ids
    assert len(members) >= 3
    app = _app(server, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_grid(app, pilot)
        assert server.log.paths == [] and _table(app).row_count == len(members)
        await pilot.press("r")
        await settle(pilot)
        assert [p for p in server.log.paths if p.startswith("/api/v3/")] == [
            f"/api/v3/grids/grid-{GRID}/packages/?limit={len(members) + 20}&offset=0"
        ]
        assert _v4_members(server) == []  # none asked one by one
        assert sorted(_table(app).keys) == sorted(members)


@pytest.mark.parametrize("code", [404, 500])
async def test_without_v3_r_asks_v4_for_each_member_quietly(synced, tmp_path, code):
    server, store = synced
    server.faults.add(status(code), path=r"^/api/v3/")
    members = store.grid(GRID).package_ids
    app = _app(server, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_grid(app, pilot)
        await pilot.press("r")
        await settle(pilot)
        assert len(_v4_members(server)) == len(members)
        assert sorted(_table(app).keys) == sorted(members)
        assert "could not" not in str(app.screen.query_one("#message").render())


async def test_an_old_stored_grid_is_shown_at_once_and_refreshed_in_place(synced, tmp_path):
    server, store = synced
    members = store.grid(GRID).package_ids
    first = members[0]
    # The API has moved on since the sync: one member has more stars now.
    served = next(p for p in server.api.packages if p["id"] == first)
    served["repo_watchers"] = (served.get("repo_watchers") or 0) + 100_000
    store.is_stale = lambda max_age, now=None: True  # type: ignore[method-assign]
    app = _app(server, store, tmp_path, cache_ttl=60.0)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_grid(app, pilot)
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        screen = app.screen
        assert screen.shown_from_store and _table(app).row_count == len(members)
        assert screen.packages[first].stars == served["repo_watchers"]
        assert store.package(first).stars == served["repo_watchers"]  # kept for the next screen
        assert _v4_members(server) == []  # the members in one v3 request
        assert sum(p.startswith("/api/v3/") for p in server.log.paths) == 1


async def test_the_users_column_shows_the_stored_usage_counts(synced, tmp_path):
    server, store = synced
    members = store.grid(GRID).package_ids
    usage = {key: store.usage_count(key) for key in members}
    assert any(count is not None for count in usage.values())
    app = _app(server, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_grid(app, pilot)
        table = _table(app)
        labels = [column.label for column in table.columns]
        assert labels[-2:] == ["Users", "Score"]
        users = labels.index("Users")
        for index, key in enumerate(table.keys):
            count = usage[key]
            assert str(table.row(index)[users]).lstrip("◆") == (f"{count:,}" if count is not None else "–")
        # Its title sorts by it, most used first, unknown counts last.
        table.post_message(VirtualTable.HeaderClicked(table, users))
        await settle(pilot)
        assert app.screen.sort_key == "users"
        counts = [usage[key] for key in table.keys]
        known = [count for count in counts if count is not None]
        assert known == sorted(known, reverse=True)
        assert counts == known + [None] * (len(counts) - len(known))


async def test_without_usage_counts_there_is_no_users_column(synced, tmp_path):
    server, store = synced
    store._connection.execute("UPDATE packages SET usage_count = NULL")
    store._connection.commit()
    app = _app(server, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_grid(app, pilot)
        assert "Users" not in [column.label for column in _table(app).columns]
