"""One home per object (issue 16 item 7): once the catalogue is synced, what the store keeps
(categories, grids, packages) is never also written to the HTTP cache; search answers, and
everything before the first sync, still are."""

from __future__ import annotations

from msgspec.structs import replace

from pkgtui.api import open_client
from pkgtui.api.cache import CachingTransport, cache_key
from pkgtui.api.demo import DemoAPI
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store
from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW
from tests.store.conftest import sync_from
from tests.ui.conftest import SwitchableTransport, settle


async def _cached_after(tmp_path, *, synced: bool) -> dict[str, bool]:
    api = DemoAPI()
    store = Store(tmp_path / "catalogue.sqlite")
    if synced:
        await sync_from(api, tmp_path / "catalogue.sqlite")
    cache_file = tmp_path / "http-cache.sqlite"
    client = open_client(api.base_url, transport=SwitchableTransport(api), cache_file=cache_file, backoff=0.0)
    config = replace(Config(), api_url=api.base_url, auto_sync=False, use_cache=True)
    app = create_app(
        config,
        client=client,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "u.json"),
        store=store,
    )
    package_url = f"{api.base_url}packages/django-otp/"
    search_url = f"{api.base_url}search/?q=otp"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.client.package("django-otp", refresh=True)
        await app.client.search("otp")
        await settle(pilot)
    store.close()
    reader = CachingTransport(SwitchableTransport(api), cache_file)
    try:
        return {url: await reader._lookup(cache_key(url)) is not None for url in (package_url, search_url)}
    finally:
        await reader.aclose()


async def test_with_a_synced_catalogue_packages_are_kept_once_and_searches_still_cached(tmp_path):
    cached = await _cached_after(tmp_path, synced=True)
    assert list(cached.values()) == [False, True]


async def test_before_the_first_sync_the_http_cache_keeps_what_screens_fetch(tmp_path):
    cached = await _cached_after(tmp_path, synced=False)
    assert list(cached.values()) == [True, True]
