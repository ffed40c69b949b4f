"""Sync: what it fetches, how it commits, and that a failed sync changes nothing."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from pkgtui.api import BadResponse, open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.api.errors import APIError
from pkgtui.store import Store, SyncBusy, SyncProgress, sync_catalogue
from pkgtui.store import sync as sync_module
from pkgtui.store.sync import SyncLock
from tests.server import LocalAPI, reshaped, status
from tests.store.conftest import CATEGORY, package, sync_from
from tests.v3_data import usage_of


def staged_tables(path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [
            row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'stage_%'")
        ]
    finally:
        connection.close()


async def test_full_sync_over_http_takes_one_request_a_list_and_brings_usage_counts(local_api, catalogue):
    async with open_client(local_api.url) as client:
        result = await sync_catalogue(client, catalogue)
    v4 = sorted(path.split("?")[0] for path in local_api.log.paths if path.startswith("/api/v4/"))
    v3 = [path for path in local_api.log.paths if path.startswith("/api/v3/")]
    assert v4 == ["/api/v4/categories/", "/api/v4/grids/", "/api/v4/packages/"]
    assert all("limit=1000" in path for path in local_api.log.paths)
    assert v3 == ["/api/v3/packages/?limit=1000&offset=0"]
    assert result.usage_source == "v3" and result.usage_counts == 77
    with Store(catalogue) as store:
        for raw in local_api.api.packages[:10]:
            assert store.usage_count(raw["id"]) == usage_of(raw)


async def test_later_pages_are_fetched_concurrently_within_the_bound(catalogue):
    many = [package(i, f"Pkg {i}") for i in range(1, 2501)]
    with LocalAPI(api=DemoAPI(packages=many, categories=[CATEGORY], grids=[])) as server:
        server.faults.latency = 0.05
        async with open_client(server.url, concurrency=2) as client:
            result = await sync_catalogue(client, catalogue, usage=False)
        assert result.packages == 2500
        assert server.log.max_in_flight <= 2
        pages = [path for path in server.log.paths if path.startswith("/api/v4/packages/")]
        assert sorted(pages) == sorted(
            f"/api/v4/packages/?limit=1000&offset={offset}" for offset in (0, 1000, 2000)
        )


async def test_progress_reports_counts_up_to_the_total(catalogue):
    reports: list[SyncProgress] = []
    await sync_from(DemoAPI(), catalogue, progress=reports.append)
    fetching = [r for r in reports if r.phase == "fetching"]
    assert fetching[-1].packages == fetching[-1].packages_total == 77
    assert [r.packages for r in fetching] == sorted(r.packages for r in fetching)
    assert [r.phase for r in reports][-2:] == ["committing", "done"]


async def test_readers_see_the_previous_catalogue_until_the_commit(catalogue):
    await sync_from(DemoAPI(packages=[package(1, "Old one")], categories=[CATEGORY], grids=[]), catalogue)
    reader = Store(catalogue)
    seen_while_fetching: list[list[str]] = []

    def look(state: SyncProgress) -> None:
        if state.phase in ("fetching", "committing"):
            seen_while_fetching.append([p.title for p in reader.category_packages(1)])

    new = [package(i, f"New {i}") for i in range(2, 5)]
    await sync_from(DemoAPI(packages=new, categories=[CATEGORY], grids=[]), catalogue, progress=look)
    assert seen_while_fetching and all(titles == ["Old one"] for titles in seen_while_fetching)
    assert sorted(p.title for p in reader.category_packages(1)) == ["New 2", "New 3", "New 4"]
    assert [p.title for p in reader.search("new")] == ["New 2", "New 3", "New 4"]
    reader.close()


async def test_v3_usage_pages_are_asked_for_once_the_package_pages_all_are(catalogue):
    # v4's packages first, so that they are ranked and indexed while v3's counts arrive.
    many = [package(i, f"Pkg {i}", stars=i % 7) for i in range(1, 2501)]
    with LocalAPI(api=DemoAPI(packages=many, categories=[CATEGORY], grids=[])) as server:
        async with open_client(server.url, concurrency=2, page_size=100) as client:
            result = await sync_catalogue(client, catalogue)
        paths = list(server.log.paths)
    assert result.packages == 2500 and result.usage_source == "v3" and result.usage_counts == 2500
    first_v3 = next(n for n, path in enumerate(paths) if path.startswith("/api/v3/"))
    pages_before = [path for path in paths[:first_v3] if path.startswith("/api/v4/packages/")]
    # All 25 pages are asked for first (23 received, the last 2 asked for: the bound). Whether
    # those last two reach the server before v3's first request is a race for the client's
    # two slots (it failed 2 runs in 4 under load with "== 25"); before the change, v3 was
    # asked at the start, with at most the first 2 pages before it.
    assert len(pages_before) >= 23
    with Store(catalogue) as store:
        assert store.usage_count(1) == usage_of(many[0])
        assert [p.slug for p in store.search("pkg 2500", limit=1)] == ["pkg-2500"]


async def test_a_failed_page_leaves_the_previous_catalogue_and_no_staged_rows(catalogue):
    await sync_from(DemoAPI(), catalogue)
    many = [package(i, f"Pkg {i}") for i in range(1, 2501)]
    with LocalAPI(api=DemoAPI(packages=many, categories=[CATEGORY], grids=[])) as server:
        server.faults.add(status(503), path=r"/api/v4/packages/\?limit=1000&offset=2000")
        async with open_client(server.url, retries=0) as client:
            with pytest.raises(APIError):
                await sync_catalogue(client, catalogue)
    with Store(catalogue) as store:
        assert store.status().packages == 77
        assert store.package("django-otp") is not None
    assert staged_tables(catalogue) == []


async def test_an_empty_answer_does_not_replace_a_catalogue(catalogue):
    await sync_from(DemoAPI(), catalogue)
    with pytest.raises(BadResponse, match="no packages"):
        await sync_from(DemoAPI(packages=[], categories=[CATEGORY], grids=[]), catalogue)
    with Store(catalogue) as store:
        assert store.status().packages == 77


async def test_items_that_are_not_packages_are_skipped_and_counted(local_api, catalogue):
    def spoil(page):
        page["results"][:3] = [1, "two", None]
        return page

    local_api.faults.add(reshaped(spoil), path=r"/api/v4/packages/")
    async with open_client(local_api.url) as client:
        result = await sync_catalogue(client, catalogue, usage=False)
    assert result.skipped == 3 and result.packages == 74


async def test_a_count_beyond_the_bound_is_not_believed(local_api, catalogue, monkeypatch):
    monkeypatch.setattr(sync_module, "MAX_PACKAGES", 50)
    async with open_client(local_api.url) as client:
        with pytest.raises(BadResponse, match="more than pkgtui keeps"):
            await sync_catalogue(client, catalogue, usage=False)
    assert staged_tables(catalogue) == []


async def test_without_v3_the_usage_counts_held_are_kept(local_api, catalogue):
    async with open_client(local_api.url) as client:
        await sync_catalogue(client, catalogue)
    local_api.faults.add(status(404), path=r"^/api/v3/")
    async with open_client(local_api.url) as client:
        result = await sync_catalogue(client, catalogue)
    assert result.usage_source == "kept" and result.usage_counts == 77
    raw = local_api.api.packages[0]
    with Store(catalogue) as store:
        assert store.usage_count(raw["id"]) == usage_of(raw)


async def test_a_v3_list_of_the_wrong_shape_is_not_used(local_api, catalogue):
    local_api.faults.add(reshaped(lambda data: {"objects": "nope"}), path=r"^/api/v3/")
    async with open_client(local_api.url) as client:
        result = await sync_catalogue(client, catalogue)
    assert result.usage_source == "kept" and result.usage_counts == 0 and result.packages == 77


async def test_a_second_sync_waits_or_says_busy(catalogue):
    Store(catalogue).close()
    lock = SyncLock(catalogue)
    assert lock.try_acquire()
    try:
        with pytest.raises(SyncBusy):
            await sync_from(DemoAPI(), catalogue, wait=False)
        reports: list[SyncProgress] = []
        waiting = asyncio.ensure_future(sync_from(DemoAPI(), catalogue, progress=reports.append))
        await asyncio.sleep(0.3)
        assert not waiting.done() and [r.phase for r in reports] == ["waiting"]
    finally:
        lock.release()
    result = await waiting
    assert result.packages == 77
