"""Requests in flight are shared by key: callers asking for the same URL at once cost one
request; one caller giving up leaves it to the others; the last one to give up cancels it."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from pkgtui.api import ServerError, open_client
from tests.api.test_client import BASE
from tests.conftest import Sleeps

PACKAGE = {"id": 7, "slug": "django-otp", "title": "django-otp", "repo_url": "", "category": ""}


class Gate:
    """A respx side effect that holds every request until ``release`` (and counts them)."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.opened = asyncio.Event()
        self.calls = 0
        self.cancelled = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        try:
            await self.opened.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return self.answer


@pytest.fixture
async def client():
    client = open_client(BASE, sleep=Sleeps(), retries=1, timeout=2, cache_file=None)
    yield client
    await client.aclose()


async def started(count: int, gate: Gate) -> None:
    for _ in range(2000):  # at most ~2 s
        if gate.calls >= count:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"{gate.calls} requests, expected {count}")


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_two_callers_at_once_cost_one_request_and_get_the_same_package(respx_mock, client):
    gate = Gate(httpx.Response(200, json=PACKAGE))
    respx_mock.get("packages/django-otp/").mock(side_effect=gate)
    first = asyncio.ensure_future(client.package("django-otp"))
    second = asyncio.ensure_future(client.package("django-otp"))
    await started(1, gate)
    gate.opened.set()
    one, two = await asyncio.gather(first, second)
    assert one.slug == two.slug == "django-otp" and gate.calls == 1
    # Once it has landed, a new call is a new request (shared in flight only, not a cache).
    gate.opened.set()
    await client.package("django-otp", refresh=True)
    assert gate.calls == 2


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_caller_that_gives_up_leaves_the_request_to_the_other(respx_mock, client):
    gate = Gate(httpx.Response(200, json=PACKAGE))
    respx_mock.get("packages/django-otp/").mock(side_effect=gate)
    leaving = asyncio.ensure_future(client.package("django-otp"))
    staying = asyncio.ensure_future(client.package("django-otp"))
    await started(1, gate)
    leaving.cancel()
    await asyncio.gather(leaving, return_exceptions=True)
    gate.opened.set()
    assert (await staying).slug == "django-otp"
    assert gate.calls == 1 and gate.cancelled == 0 and leaving.cancelled()


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_the_last_caller_to_give_up_cancels_the_request(respx_mock, client):
    gate = Gate(httpx.Response(200, json=PACKAGE))
    respx_mock.get("packages/django-otp/").mock(side_effect=gate)
    callers = [asyncio.ensure_future(client.package("django-otp")) for _ in range(2)]
    await started(1, gate)
    for caller in callers:
        caller.cancel()
    await asyncio.gather(*callers, return_exceptions=True)
    for _ in range(20):
        await asyncio.sleep(0)
    assert gate.cancelled == 1 and not client._in_flight


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_different_urls_and_a_refresh_are_not_shared_and_errors_reach_every_caller(respx_mock, client):
    gate = Gate(httpx.Response(503))
    respx_mock.get("packages/django-otp/").mock(side_effect=gate)
    respx_mock.get("packages/other/").mock(side_effect=gate)
    callers = [
        asyncio.ensure_future(client.package("django-otp")),
        asyncio.ensure_future(client.package("django-otp")),
        asyncio.ensure_future(client.package("django-otp", refresh=True)),
        asyncio.ensure_future(client.package("other")),
    ]
    await started(3, gate)
    gate.opened.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(result, ServerError) for result in results)
    assert gate.calls == 3 * 2  # three distinct requests, each tried twice (retries=1)
