"""The on-disk cache: hits, refresh, expiry, stale-while-offline, and a broken database."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from pkgtui.api import BadResponse, NoConnection, NotFound, ResponseInfo, open_client
from pkgtui.api.cache import CachingTransport
from pkgtui.api.demo import DemoAPI

BASE = "https://api.test/api/v4/"


class Network(httpx.AsyncBaseTransport):
    """Answers from the demo API, counts requests, and can be switched off or broken."""

    def __init__(self) -> None:
        self.inner = DemoAPI(base_url=BASE).transport()
        self.requests = 0
        self.down = False
        self.status: int | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("network unreachable", request=request)
        if self.status is not None:
            return httpx.Response(self.status)
        return await self.inner.handle_async_request(request)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache_file(tmp_path):
    return tmp_path / "cache" / "http.sqlite"


@pytest.fixture
async def client(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, keep_for=86400, clock=clock)
    client = open_client(BASE, transport=transport, retries=0)
    yield client
    await client.aclose()


async def read_otp_again(network, cache_file, clock) -> None:
    """A new cache over the same file (as after a restart) reads django-otp once more."""
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        assert (await client.package("django-otp")).id == 1867


async def test_a_fresh_response_is_served_from_disk(client, network, cache_file):
    first = await client.package("django-otp")
    second = await client.package("django-otp")
    assert first == second
    assert network.requests == 1
    assert cache_file.exists()


async def test_the_cache_survives_a_restart(network, clock, cache_file):
    for _ in range(2):
        transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
        async with open_client(BASE, transport=transport) as client:
            assert (await client.package(1867)).slug == "django-otp"
    assert network.requests == 1


async def test_refresh_bypasses_a_fresh_entry(client, network):
    await client.package("django-otp")
    await client.package("django-otp", refresh=True)
    assert network.requests == 2


async def test_an_entry_older_than_the_ttl_is_fetched_again(client, network, clock):
    await client.package("django-otp")
    clock.now += 3601
    await client.package("django-otp")
    assert network.requests == 2


async def test_offline_serves_stale_data_marked_with_its_age(client, network, clock):
    seen: list[ResponseInfo] = []
    client.listeners.append(seen.append)
    await client.package("django-otp")
    assert seen[-1].stale_age is None
    clock.now += 7200
    network.down = True
    package = await client.package("django-otp")
    assert package.slug == "django-otp"
    assert seen[-1].stale_age == pytest.approx(7200, abs=1)


async def test_a_server_error_also_falls_back_to_stale_data(client, network, clock):
    await client.categories()
    clock.now += 7200
    network.status = 503
    assert len(await client.categories()) == 4


async def test_offline_with_nothing_cached_is_an_error(client, network):
    network.down = True
    with pytest.raises(NoConnection):
        await client.package("django-otp")


async def test_entries_past_keep_for_are_not_served(client, network, clock):
    await client.package("django-otp")
    clock.now += 2 * 86400
    network.down = True
    with pytest.raises(NoConnection):
        await client.package("django-otp")


async def test_errors_are_not_cached(client, network):
    network.status = 404
    with pytest.raises(NotFound):
        await client.package("django-otp")
    network.status = None
    assert (await client.package("django-otp")).id == 1867
    assert network.requests == 2


async def test_a_corrupt_database_is_skipped_with_one_warning(network, clock, cache_file):
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"this is not a sqlite database" * 100)
    warnings: list[str] = []
    transport = CachingTransport(network, cache_file, clock=clock, on_warning=warnings.append)
    async with open_client(BASE, transport=transport) as client:
        assert (await client.package(1867)).slug == "django-otp"
        assert (await client.package(1867)).slug == "django-otp"
    assert network.requests == 2  # no cache, but no failure either
    assert len(warnings) == 1 and str(cache_file) in warnings[0]


# -- peek: a fresh entry read at once, for a screen's first frame ------------------------------


async def test_peek_reads_a_fresh_entry_without_a_request(client, network, clock):
    seen: list[ResponseInfo] = []
    client.listeners.append(seen.append)
    assert client.peek_package("django-otp") is None  # nothing stored yet
    fetched = await client.package("django-otp")
    await client.package("django-otp")  # a lookup waits for the first answer's save
    assert client.peek_package("django-otp") == fetched
    assert client.peek_grid(7) is None  # another URL
    assert network.requests == 1
    assert seen[-1].stale_age is None
    clock.now += 3601  # past the TTL: the network path decides (refetch, or stale if offline)
    assert client.peek_package("django-otp") is None
    assert network.requests == 1


# -- a grid a fresh list has just named: no request of its own ---------------------------------
#
# API v4 writes a grid the same way in its list and on its own (upstream's GridViewSet), so a
# grid home has just listed is not asked for again while that list is fresh.


async def test_a_grid_a_fresh_list_named_is_not_asked_for(client, network):
    grids = await client.grids()
    asked, grid = network.requests, grids[0]
    assert await client.grid(grid.id) == grid
    assert await client.grid(str(grid.id)) == grid
    assert await client.grid(grid.slug.upper()) == grid
    assert client.peek_grid(grid.slug) == grid
    assert network.requests == asked
    await client.grid(grid.id, refresh=True)  # r asks the API
    assert network.requests == asked + 1


async def test_a_listed_grid_is_asked_for_once_the_list_is_past_the_ttl(client, network, clock):
    grid = (await client.grids())[0]
    clock.now += 3601
    asked = network.requests
    assert client.peek_grid(grid.id) is None
    assert await client.grid(grid.id) == grid
    assert network.requests == asked + 1


async def test_a_list_from_the_cache_stands_in_for_what_is_left_of_its_ttl(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        await client.grids()  # saved as the client closes
    clock.now += 3000
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        asked = network.requests
        grid = (await client.grids())[0]  # from the cache, 3,000 s old
        clock.now += 500
        assert await client.grid(grid.id) == grid  # the list 3,500 s old: still fresh
        assert network.requests == asked
        clock.now += 200
        await client.grid(grid.id)  # 3,700 s old: the grid is asked for
        assert network.requests == asked + 1


async def test_a_list_served_stale_stands_in_for_no_grid(client, network, clock):
    grid = (await client.grids())[0]
    clock.now += 3601
    network.down = True
    assert (await client.grids())[0] == grid  # the stale copy, the network down
    network.down = False
    asked = network.requests
    await client.grid(grid.id)
    assert network.requests == asked + 1


async def test_without_a_cache_a_listed_grid_is_asked_for(network):
    async with open_client(BASE, transport=network) as client:
        grid = (await client.grids())[0]
        asked = network.requests
        await client.grid(grid.id)
    assert network.requests == asked + 1


async def test_peek_of_a_cached_body_that_is_not_json_is_a_miss(clock, cache_file):
    broken = httpx.MockTransport(lambda request: httpx.Response(200, content=b'{"id": 1, "tit'))
    transport = CachingTransport(broken, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport, retries=0) as client:
        for _ in range(2):  # the second lookup waits for the first answer's save
            with pytest.raises(BadResponse):
                await client.package(1)
        assert client.peek_json("packages/1/") is None
        assert client.peek_package(1) is None


async def test_peek_json_gives_the_json_as_stored(client, network):
    fetched = await client.get_json("packages/1867/")
    await client.get_json("packages/1867/")  # waits for the first answer's save
    peeked = client.peek_json("packages/1867/")
    assert isinstance(peeked, dict) and peeked == fetched
    assert network.requests == 1


async def test_a_cached_body_that_is_not_json_is_never_stored(clock, cache_file):
    broken = CountingMock(lambda request: httpx.Response(200, content=b'{"id": 1, "tit'))
    transport = CachingTransport(broken, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport, retries=0) as client:
        for _ in range(2):
            with pytest.raises(BadResponse):
                await client.package(1)
    assert broken.requests == 2  # each lookup asked again: the cut body was not stored


class CountingMock(httpx.MockTransport):
    def __init__(self, handler) -> None:
        super().__init__(handler)
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await super().handle_async_request(request)


async def test_a_client_without_a_cache_never_peeks(network):
    async with open_client(BASE, transport=network) as client:
        await client.package("django-otp")
        assert client.peek_package("django-otp") is None


async def test_a_first_start_creates_the_database_only_to_save(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        await asyncio.sleep(0.2)  # time enough for a background open, had one been started
        assert not cache_file.exists()
        await client.package("django-otp")
    assert cache_file.exists()
    await read_otp_again(network, cache_file, clock)
    assert network.requests == 1


async def test_peek_right_after_a_restart_uses_the_database_once_opened(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        fetched = await client.package("django-otp")
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        for _ in range(100):  # the database opens in a thread; no lookup awaits it here
            if client.peek_package("django-otp") is not None:
                break
            await asyncio.sleep(0.02)
        assert client.peek_package("django-otp") == fetched
    assert network.requests == 1


async def test_peek_while_a_lookup_waits_for_the_database_uses_it_once_opened(network, clock, cache_file):
    """A screen prefetches (a lookup that waits for the database to open), then peeks in the
    same stretch of work, before the loop has resumed that lookup: the peek must see the
    database as soon as its thread has opened it."""
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        fetched = await client.package("django-otp")
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport) as client:
        waiting = asyncio.ensure_future(client.grid(7))
        await asyncio.sleep(0)  # the lookup now waits for the opening thread
        time.sleep(0.5)  # noqa: ASYNC251 - the loop busy (mounting a screen); the thread opens the database
        assert client.peek_package("django-otp") == fetched
        await waiting


async def test_held_saves_wait_for_the_hold_to_end_and_lookups_do_not_wait_for_them(
    client, network, cache_file
):
    cache = client.cache
    assert cache is not None
    with cache.saves_held():
        await client.package("django-otp")
        await asyncio.sleep(0.2)  # time enough for a save that was not held
        assert not cache_file.exists()  # not even opened: nothing was saved
        # Asked again meanwhile: not stored yet, so the network answers (no waiting).
        await client.package("django-otp")
        assert network.requests == 2
    for _ in range(100):  # the held save now runs, in a thread
        if not cache._saving:
            break
        await asyncio.sleep(0.02)
    await client.package("django-otp")
    assert network.requests == 2  # the third answer came from the disk


async def test_closing_the_client_saves_what_was_held(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    client = open_client(BASE, transport=transport)
    hold = transport.saves_held()
    hold.__enter__()  # a load that never ended
    await client.package("django-otp")
    await client.aclose()
    await read_otp_again(network, cache_file, clock)
    assert network.requests == 1


async def test_pages_are_saved_once_every_page_has_been_read(network, clock, cache_file):
    transport = CachingTransport(network, cache_file, ttl=3600, clock=clock)
    async with open_client(BASE, transport=transport, page_size=20) as client:
        pages = client.iter_package_pages()
        first = await anext(pages)
        await asyncio.sleep(0.2)
        assert first.count == 77 and not cache_file.exists()  # read, not saved: the load goes on
        rest = [page async for page in pages]
        assert sum(len(page.items) for page in [first, *rest]) == 77
        for _ in range(100):
            if not transport._saving:
                break
            await asyncio.sleep(0.02)
        requests = network.requests
        assert len([page async for page in client.iter_package_pages()]) == 4
        assert network.requests == requests  # all four pages were saved
