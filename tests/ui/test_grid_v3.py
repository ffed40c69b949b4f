"""The grid screen against a real server on 127.0.0.1 that serves API v3 too: a grid is
refreshed in one v3 request (not one a member), v3 failing falls back to v4 quietly, an old
stored grid is shown at once and refreshed in place, and the "Users" column shows the usage
counts the store knows. Requests are counted on the server."""

from __future__ import annotations

import msgspec
import pytest
from msgspec.structs import replace

from pkgtui.api import open_client
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store, sync_catalogue
from pkgtui.userdata import UserDataFile
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.server import as_list, reshaped, status

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


def _app(server, store: Store, tmp_path, *, http_cache: bool = False, **config):
    cache_file = tmp_path / "http.sqlite" if http_cache else None  # no HTTP cache unless asked
    client = open_client(server.url, backoff=0.0, cache_file=cache_file)
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


# -- a grid the store does not hold: API v3 alone, in one request (issue 16) -------------------


def _v3_members(server, grid_id: int = GRID) -> list[dict]:
    """The grid's members as the server's v3 lists them (v4 objects, in v3's order)."""
    return server.v3()._members.get(grid_id, [])


async def _open_unsynced(app, server, pilot) -> None:
    """Home lists the grids (v4), then the grid is opened with only its own requests logged."""
    await settle(pilot)
    server.log.clear()
    app.open_screen("grid", str(GRID))
    await settle(pilot)


def _cell(app, row: int, label: str) -> str:
    table = _table(app)
    index = [column.label for column in table.columns].index(label)
    return str(table.row(row)[index])


@pytest.fixture(params=["empty store", "no store"])
def unsynced_store(request, tmp_path):
    store = Store(tmp_path / "empty.sqlite") if request.param == "empty store" else None
    yield store
    if store is not None:
        store.close()


async def test_a_grid_nothing_stored_opens_from_one_v3_request(local_api, unsynced_store, tmp_path):
    members = _v3_members(local_api)
    assert len(members) >= 3
    app = _app(local_api, unsynced_store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        limit = len(app.session.find_grid(str(GRID)).package_ids) + 20
        # The grid's title is home's copy: v3's whole grid is the only request.
        assert local_api.log.paths == [f"/api/v3/grids/grid-{GRID}/packages/?limit={limit}&offset=0"]
        screen, table = app.screen, _table(app)
        assert sorted(screen.packages[key].slug for key in table.keys) == sorted(m["slug"] for m in members)
        for row in range(table.row_count):
            # v3 gives no last commit: unknown, not "never", and not called stale.
            assert _cell(app, row, "Last commit") == "–"
            assert _cell(app, row, "Score") == "–"
            assert not _cell(app, row, "Name").startswith("⚠")
        # Those rows' keys are no package's id: nothing keyed by id is given them.
        assert all(key not in app.session.packages for key in table.keys)
        assert all(package.id > 0 for package in app.session.packages.values())
        assert "could not" not in str(screen.query_one("#message").render())


async def test_the_rows_v3_answered_are_painted_in_the_step_that_sets_them(local_api, tmp_path, monkeypatch):
    """Not at the screen's next frame, up to 16.7 ms later: the frame goes to the terminal
    while the rows are being set (frames are counted where the app hands them to its driver)."""
    from pkgtui.screens.grid import GridScreen

    app = _app(local_api, None, tmp_path)
    frames: list[object] = []
    during_load: list[int] = []
    loaded = GridScreen._loaded

    def counting_loaded(screen: GridScreen) -> None:
        before = len(frames)
        loaded(screen)
        during_load.append(len(frames) - before)

    async with app.run_test(size=(110, 30)) as pilot:
        display = app._display

        def counting_display(screen, update) -> None:
            frames.append(update)
            display(screen, update)

        monkeypatch.setattr(app, "_display", counting_display)
        monkeypatch.setattr(GridScreen, "_loaded", counting_loaded)
        await _open_unsynced(app, local_api, pilot)
        assert _table(app).row_count == len(_v3_members(local_api))
        assert during_load and all(count >= 1 for count in during_load)


async def test_the_prefetched_v3_request_is_written_before_the_screen_composes(
    local_api, tmp_path, monkeypatch
):
    """Composing and first painting hold the loop ~10 ms: the request prefetch started goes
    out first (writes are seen where httpcore hands bytes to the socket)."""
    import httpcore._backends.anyio as anyio_backend

    from pkgtui.screens.grid import GridScreen

    order: list[str] = []
    write, compose_body = anyio_backend.AnyIOStream.write, GridScreen.compose_body

    async def logged_write(stream, buffer: bytes, timeout: float | None = None) -> None:
        if b"/api/v3/grids/" in buffer:
            order.append("v3 request written")
        await write(stream, buffer, timeout)

    def logged_compose(screen: GridScreen):
        order.append("compose")
        return compose_body(screen)

    app = _app(local_api, None, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        monkeypatch.setattr(anyio_backend.AnyIOStream, "write", logged_write)
        monkeypatch.setattr(GridScreen, "compose_body", logged_compose)
        await _open_unsynced(app, local_api, pilot)
        assert _table(app).row_count == len(_v3_members(local_api))
    assert order == ["v3 request written", "compose"]


async def test_a_grid_opened_before_the_first_sync_is_drawn_from_the_store_once_synced(local_api, tmp_path):
    path = tmp_path / "catalogue.sqlite"
    store = Store(path)
    app = _app(local_api, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        assert {_cell(app, row, "Last commit") for row in range(_table(app).row_count)} == {"–"}
        async with open_client(local_api.url) as client:
            await sync_catalogue(client, store)  # as the app's background sync does
        app.catalogue_version += 1
        await settle(pilot)
        screen = app.screen
        # Before: v3's rows stayed until r, though the store now held the grid whole.
        assert screen.shown_from_store
        assert {_cell(app, row, "Last commit") for row in range(_table(app).row_count)} != {"–"}
        assert all(key in app.session.packages or key in screen.packages for key in _table(app).keys)
        assert all(isinstance(key, int) and key > 0 for key in _table(app).keys)
    store.close()


async def test_r_on_such_a_grid_asks_v3_again_in_one_request(local_api, tmp_path):
    app = _app(local_api, None, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        local_api.log.clear()
        await pilot.press("r")
        await settle(pilot)
        assert len(local_api.log.paths) == 1 and local_api.log.paths[0].startswith("/api/v3/grids/")
        assert _table(app).row_count == len(_v3_members(local_api))


@pytest.mark.parametrize(
    "fault",
    [
        status(404),
        status(500),
        reshaped(as_list),
        reshaped(lambda data: {"meta": {}, "objects": "no"}, "no list"),
    ],
    ids=["404", "500", "a list", "wrong meta"],
)
async def test_without_v3_such_a_grid_asks_v4_for_each_member_quietly(local_api, tmp_path, fault):
    local_api.faults.add(fault, path=r"^/api/v3/")
    app = _app(local_api, None, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        members = app.session.find_grid(str(GRID)).package_ids
        # v3 was asked (a 500 again, as the client retries one), then v4 as without it: the
        # grid, and each member.
        asked = [p for p in local_api.log.paths if p.startswith("/api/v3/")]
        assert asked and set(asked) == {
            f"/api/v3/grids/grid-{GRID}/packages/?limit={len(members) + 20}&offset=0"
        }
        assert local_api.log.paths.count(f"/api/v4/grids/{GRID}/") == 1
        assert sorted(_v4_members(local_api)) == sorted(f"/api/v4/packages/{key}/" for key in members)
        assert sorted(_table(app).keys) == sorted(members)  # v4's rows, keyed by their ids
        assert "could not" not in str(app.screen.query_one("#message").render())


async def test_without_v3_a_grid_home_has_just_listed_is_not_asked_for_again(local_api, tmp_path):
    # With the HTTP cache on, as a user runs pkgtui: home's fresh list of grids gave the grid
    # (API v4 writes it the same way there), so v3's 404 is followed by the members alone.
    local_api.faults.add(status(404), path=r"^/api/v3/")
    app = _app(local_api, None, tmp_path, http_cache=True)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        members = app.session.find_grid(str(GRID)).package_ids
        assert sorted(local_api.log.paths) == sorted(
            [f"/api/v3/grids/grid-{GRID}/packages/?limit={len(members) + 20}&offset=0"]
            + [f"/api/v4/packages/{key}/" for key in members]
        )
        assert sorted(_table(app).keys) == sorted(members)
        await pilot.press("r")  # r asks for the grid itself
        await settle(pilot)
        assert local_api.log.paths.count(f"/api/v4/grids/{GRID}/") == 1


async def test_hostile_strings_in_v3_objects_are_shown_literally(local_api, tmp_path):
    first = _v3_members(local_api)[0]
    first["title"] = "[b]Bold[/b] \x1b[31mred\x07 pkg"
    first["repo_description"] = "[@click=app.quit]Quit now[/]"
    first["pypi_version"] = "[red]9.9\x1b[0m"
    app = _app(local_api, None, tmp_path)
    async with app.run_test(size=(200, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        assert any(p.startswith("/api/v3/") for p in local_api.log.paths)
        table = _table(app)
        row = next(i for i, key in enumerate(table.keys) if app.screen.packages[key].slug == first["slug"])
        # Markup as typed, escapes and control characters removed.
        assert _cell(app, row, "Name").lstrip("◆") == "[b]Bold[/b] red pkg"
        assert _cell(app, row, "Version").lstrip("◆") == "[red]9.9"
        # The filter reads the description as text too.
        await pilot.press("slash", *"click=app")
        await settle(pilot)
        assert table.row_count == 1


async def test_bookmark_compare_and_open_from_such_a_row_take_its_slug(local_api, tmp_path):
    app = _app(local_api, None, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        screen, table = app.screen, _table(app)
        key = table.cursor_key
        slug = screen.packages[key].slug
        assert key not in [m["id"] for m in _v3_members(local_api)]  # no package's id
        await pilot.press("b")
        await pilot.press("m")
        await settle(pilot)
        data = app.user_data.read()
        assert [(b.kind, b.slug) for b in data.bookmarks] == [("package", slug)]
        assert data.compare == (slug,)
        local_api.log.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.key == slug and app.screen.package is not None
        assert app.screen.package.slug == slug
        assert local_api.log.paths[0] == f"/api/v4/packages/{slug}/"


async def test_members_the_store_knows_are_matched_by_slug_with_their_last_commit(local_api, tmp_path):
    members = _v3_members(local_api)
    known = members[0]
    store = Store(tmp_path / "partial.sqlite")  # holds one member, and no synced catalogue
    async with open_client(local_api.url) as client:
        package = await client.package(known["id"])
    store.put_packages([(package, msgspec.json.encode(package))])
    assert package.last_updated is not None and not store.last_sync()
    app = _app(local_api, store, tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await _open_unsynced(app, local_api, pilot)
        assert [p for p in local_api.log.paths if not p.startswith("/api/v3/")] == []
        screen = app.screen
        assert screen.packages[known["id"]].last_updated == package.last_updated
        assert app.session.packages[known["id"]].slug == known["slug"]
        assert len(screen.packages) == len(members)
    store.close()
