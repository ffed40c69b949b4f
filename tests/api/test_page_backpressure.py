"""A list read by a consumer slower than the network holds at most ``concurrency`` pages.

``Client.iter_pages`` asks for pages ahead of the one being used; a sync writes each to
disk before taking the next. The pages asked for and not yet taken, arrived or not, stay
within the bound, so memory holds a few pages, not the whole catalogue.
"""

from __future__ import annotations

import asyncio

import respx

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.api.models import Package
from tests.api.test_client import BASE, demo_route, synthetic_packages


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_slow_consumer_holds_back_the_requests_ahead(respx_mock):
    api = DemoAPI(packages=synthetic_packages(300), base_url=BASE)
    route = respx_mock.get("packages/").mock(side_effect=demo_route(api))
    client = open_client(BASE, concurrency=3)
    asked_when_taken: list[int] = []
    offsets: list[int] = []
    try:
        async for page in client.iter_pages("packages", Package.from_api, page_size=10):
            asked_when_taken.append(route.call_count)
            offsets.append(page.offset)
            for _ in range(20):  # a slow consumer: the answers have time to come meanwhile
                await asyncio.sleep(0)
    finally:
        await client.aclose()
    assert sorted(offsets) == list(range(0, 300, 10))  # every page, each once
    for taken, asked in enumerate(asked_when_taken, start=1):
        # The first page, the ones taken since, and at most 3 asked for ahead.
        assert asked <= taken + 3, f"{asked} pages asked for when the {taken}th was taken"
