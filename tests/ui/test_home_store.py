"""Home and the palette read the local catalogue: first frame with no request, local ranked
search with no 20-hit cap, counts per category, and a background sync that fills home in place."""

from __future__ import annotations

import asyncio

from msgspec.structs import replace
from textual.widgets import Input, Static

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store
from pkgtui.userdata import UserDataFile
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.store.conftest import synced_store

from .conftest import SwitchableTransport, settle, wait_until


def _app(store: Store | None, tmp_path, api: DemoAPI | None = None, **config):
    api = api or DemoAPI()
    transport = SwitchableTransport(api)
    client = open_client(api.base_url, transport=transport, backoff=0.0)
    settings = replace(Config(demo=True), **config)
    app = create_app(
        settings,
        client=client,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "userdata.json"),
        store=store,
    )
    app.cursor_blink = False
    return app, transport


async def _synced_store(tmp_path) -> Store:
    return await synced_store(tmp_path / "catalogue.sqlite")


def _cells(table: VirtualTable) -> list[tuple[str, ...]]:
    return [tuple(str(cell) for cell in table.row(i)) for i in range(table.row_count)]


async def test_home_paints_from_a_synced_catalogue_with_no_request(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        categories = app.screen.query_one("#categories", VirtualTable)
        rows = _cells(categories)
        assert [r[0] for r in rows] == ["Apps", "Frameworks", "Other", "Projects"]
        # Counts from the store, not "…" (the demo's 77 packages, by category).
        assert all(r[1] != "…" for r in rows)
        assert sum(int(r[1].replace(",", "")) for r in rows) == store.status().packages
        assert app.screen.query_one("#grids", VirtualTable).row_count == len(store.grids())
        assert transport.paths == []
        assert app.catalogue_status.endswith("packages · synced just now") or "synced" in app.catalogue_status


async def test_local_search_is_ranked_has_no_api_cap_and_asks_nothing(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"django")
        await pilot.pause()
        results = app.screen.query_one("#results", VirtualTable)
        expected = len(store.search("django"))
        assert expected > 20  # more than the API would ever answer
        assert results.row_count == expected
        title = str(app.screen.query_one("#results-title", Static).render())
        assert f"({expected:,})" in title and "local catalogue" in title
        assert transport.paths == []  # no search/ request, no debounce wait


async def test_local_results_are_read_as_drawn_and_the_last_opens_its_own_package(tmp_path):
    # The table makes a local search's rows as it draws them, its hits decoded a block at a
    # time: the rows past the first block (End) are the store's own ranking, and open theirs.
    from pkgtui.screens.home import RESULT_BLOCK

    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"django", "enter")
        await settle(pilot)
        hits = store.search("django")
        assert len(hits) > RESULT_BLOCK  # past the first block
        results = app.screen.query_one("#results", VirtualTable)
        assert app.focused is results and results.row_count == len(hits)
        await pilot.press("end")
        await settle(pilot)
        last = hits[len(hits) - 1]
        assert str(results.row(results.cursor)[0]) == last.display_title
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PackageScreen" and app.screen.key == last.slug
        assert transport.paths == []


async def test_enter_on_a_grids_name_lands_on_the_grid_when_no_package_matches(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Grid 7", "enter")
        await pilot.pause()
        assert app.screen.query_one("#results", VirtualTable).row_count == 0
        grids = app.screen.query_one("#grids", VirtualTable)
        assert app.focused is grids  # not the empty results list
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "GridScreen"
        assert app.screen.title == "Grid 7"
        assert transport.paths == []


async def test_enter_before_the_apis_empty_answer_moves_on_to_the_matching_grids(tmp_path):
    # Before a sync the search asks the API: Enter lands on the results it is waiting for;
    # when they come empty, the grids the text matches take the focus.
    app, transport = _app(None, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"sample data", "enter")  # Enter: the search, at once
        await settle(pilot)
        results = app.screen.query_one("#results", VirtualTable)
        assert any("search/" in p for p in transport.paths) and results.row_count == 0
        grids = app.screen.query_one("#grids", VirtualTable)
        assert grids.row_count > 0 and app.focused is grids


async def test_a_search_typed_in_one_burst_with_enter_lands_on_its_results(tmp_path):
    # As a terminal delivers "/otp⏎" read at once (typed while the app starts, or over SSH):
    # the keys reach the app together, not one per idle as pilot.press sends them. Enter is
    # handled before the box has the letters; the focus must still end on the results.
    from textual import events

    store = await _synced_store(tmp_path)
    app, _ = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        driver = app._driver
        for key, char in [("slash", "/"), ("o", "o"), ("t", "t"), ("p", "p"), ("enter", "\r")]:
            driver.send_message(events.Key(key, char))
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "otp"
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count > 0 and app.focused is results
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PackageScreen"


async def test_enter_lands_on_the_results_when_packages_match(tmp_path):
    store = await _synced_store(tmp_path)
    app, _ = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"otp", "enter")
        await pilot.pause()
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count > 0
        assert app.focused is results


async def test_without_a_catalogue_home_asks_the_api_and_says_where_search_stops(tmp_path):
    app, transport = _app(None, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any(p.startswith("/api/v4/categories/") for p in transport.paths)
        box = app.screen.query_one("#filter", Input)
        box.value = "django"
        await asyncio.sleep(0.5)  # the API search waits out its debounce
        await settle(pilot)
        status = app.screen.query_one("#results-status", Static)
        assert any("search/" in p for p in transport.paths)
        # The demo API stops at 20 hits for "django", as the real one does: the status line says so.
        assert app.screen.query_one("#results", VirtualTable).row_count == 20
        assert status.display and "the API stops at 20" in str(status.render())


async def test_a_background_sync_fills_home_in_place(tmp_path):
    store = Store(tmp_path / "catalogue.sqlite")  # empty: a first start
    app, _ = _app(store, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert store.last_sync() is not None
        assert app.catalogue_version == 1
        assert "packages · synced" in app.catalogue_status
        rows = _cells(app.screen.query_one("#categories", VirtualTable))
        assert all(r[1] != "…" for r in rows)


async def test_the_palette_finds_a_package_never_opened(tmp_path):
    store = await _synced_store(tmp_path)
    app, _ = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.session.packages == {}  # nothing opened this run
        from pkgtui.commands import JumpProvider

        provider = JumpProvider(app.screen)
        hits = [hit async for hit in provider.search("django-otp")]
        assert any(hit.text == "django-otp" for hit in hits)


async def test_the_status_line_shows_the_catalogue_state(tmp_path):
    from pkgtui.widgets import SourceLine

    store = await _synced_store(tmp_path)
    app, _ = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one(SourceLine).render())
        assert line == f"demo — sample data · {store.status().packages} packages · synced just now"
        app.catalogue_status = "catalogue sync failed: \x1b[31mred[/b]"
        await pilot.pause()
        line = str(app.screen.query_one(SourceLine).render())
        assert "\x1b" not in line and "[/b]" in line


async def test_a_first_start_syncs_only_once_home_has_painted_its_answers(tmp_path, monkeypatch):
    # Started at mount, the sync's imports and pages took the event loop while home waited on
    # its own two answers. Now its first request comes after home shows the categories.
    api = DemoAPI()
    rows_when_sync_began: list[int] = []

    class SyncTransport(SwitchableTransport):
        async def handle_async_request(self, request):
            if not rows_when_sync_began:
                rows_when_sync_began.append(app.screen.query_one("#categories", VirtualTable).row_count)
            return await super().handle_async_request(request)

    monkeypatch.setattr(
        Config, "open_client", lambda self, **_: open_client(api.base_url, transport=SyncTransport(api))
    )
    store = Store(tmp_path / "catalogue.sqlite")  # empty: a first start syncs
    app, _ = _app(store, tmp_path, api=api)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: store.last_sync() is not None)
        assert rows_when_sync_began and rows_when_sync_began[0] == len(api.categories)


async def test_the_status_lines_age_moves_on_with_the_clock_but_not_over_a_syncs_words(tmp_path, monkeypatch):
    from datetime import timedelta

    from pkgtui.store.sync import SyncProgress

    monkeypatch.setattr("pkgtui.app.STATUS_AGE_TICK", 0.05)
    store = await _synced_store(tmp_path)
    synced = store.last_sync()
    assert synced is not None
    now = [synced + timedelta(minutes=2)]
    app, _ = _app(store, tmp_path, auto_sync=False)
    app.now = lambda: now[0]  # the clock the status line reads
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.catalogue_status.endswith("synced 2 min ago")
        now[0] = synced + timedelta(hours=3)
        # Before: "2 min ago" for as long as the app stayed open.
        await wait_until(pilot, lambda: app.catalogue_status.endswith("synced 3 h ago"))
        app._sync_progress(SyncProgress("fetching", packages=10, packages_total=77))
        now[0] = synced + timedelta(hours=5)
        await asyncio.sleep(0.2)
        assert app.catalogue_status == "syncing the catalogue: 10 / 77 packages"


async def test_offline_the_source_line_says_so_with_the_catalogues_age(tmp_path):
    store = await _synced_store(tmp_path)
    app, transport = _app(store, tmp_path, demo=False, offline=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("SourceLine").render())
        # Before: "source: 127.0.0.1 · 77 packages · synced …", as if online.
        assert line.startswith("offline (") and "not asked) · " in line and "packages · synced" in line
        assert transport.paths == []


async def test_offline_with_nothing_synced_a_search_says_there_is_nothing_to_search(tmp_path):
    store = Store(tmp_path / "catalogue.sqlite")  # nothing synced
    settings = Config(api_url="http://127.0.0.1:9/api/v4/", offline=True, use_cache=False)
    # Its own client, as the command line makes it: offline, it never reaches the network.
    app = create_app(
        settings, clock=lambda: FIXED_NOW, user_data=UserDataFile(tmp_path / "u.json"), store=store
    )
    app.cursor_blink = False
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"cors")
        await wait_until(
            pilot, lambda: "cors" in str(app.screen.query_one("#results-title", Static).render())
        )
        await asyncio.sleep(0.5)  # the API search's debounce, which offline asks nothing
        await settle(pilot)
        title = str(app.screen.query_one("#results-title", Static).render())
        message = str(app.screen.query_one("#message").render())
        # Before: "Search for 'cors' failed", "Type to search." under it, "drop --offline" twice.
        assert title == "No local catalogue to search for 'cors'"
        assert message.count("drop --offline") == 1, message
    store.close()
