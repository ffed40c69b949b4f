"""The network transport: proxies from the environment, and TLS only where it is needed."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from pkgtui.api import NoConnection, open_client
from pkgtui.api.network import NetworkTransport

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def clean_proxy_env(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


async def test_an_http_proxy_from_the_environment_is_used(local_api, clean_proxy_env):
    # The local server answers absolute-form requests, as a forwarding proxy would.
    clean_proxy_env.setenv("http_proxy", local_api.url.removesuffix("/api/v4/"))
    async with open_client("http://api.pkgtui.invalid/api/v4/", retries=0) as client:
        assert len(await client.categories()) == 4
    assert local_api.log.paths[-1].startswith("http://api.pkgtui.invalid/api/v4/categories/")


async def test_no_proxy_sends_the_request_directly(local_api, clean_proxy_env):
    clean_proxy_env.setenv("http_proxy", local_api.url.removesuffix("/api/v4/"))
    clean_proxy_env.setenv("no_proxy", "api.pkgtui.invalid")
    async with open_client("http://api.pkgtui.invalid/api/v4/", retries=0, timeout=2) as client:
        with pytest.raises(NoConnection):
            await client.categories()
    assert local_api.log.paths == []


def test_proxy_choice_per_scheme(clean_proxy_env):
    transport = NetworkTransport(
        httpx.Limits(),
        prepare_tls=False,
        proxies=lambda: {"https": "proxy.example:3128", "all": "http://fallback.example:8080"},
        bypass=lambda host: host == "local",
    )
    assert transport.proxy_for(httpx.URL("https://djangopackages.org/")) == "http://proxy.example:3128"
    assert transport.proxy_for(httpx.URL("http://djangopackages.org/")) == "http://fallback.example:8080"
    assert transport.proxy_for(httpx.URL("https://local/")) is None


async def test_plain_http_builds_no_tls_context(local_api, clean_proxy_env):
    transport = NetworkTransport(httpx.Limits(), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        assert (await http.get("categories/")).status_code == 200
    assert transport._tls is None  # the CA bundle was never loaded


# -- lanes: one connection per pool, so httpcore never scans many idle sockets per request ----


async def test_requests_beyond_the_connection_limit_wait_for_a_lane(local_api, clean_proxy_env):
    local_api.faults.latency = 0.05
    transport = NetworkTransport(httpx.Limits(max_connections=3), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        answers = await asyncio.wait_for(asyncio.gather(*(http.get("categories/") for _ in range(10))), 10)
    assert [a.status_code for a in answers] == [200] * 10
    assert local_api.log.max_in_flight == 3
    assert len(local_api.log.clients) == 3  # three connections, each reused


async def test_one_request_at_a_time_reuses_one_connection(local_api, clean_proxy_env):
    transport = NetworkTransport(httpx.Limits(max_connections=8), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        for _ in range(5):
            assert (await asyncio.wait_for(http.get("categories/"), 5)).status_code == 200
    assert len(local_api.log.clients) == 1


async def test_a_body_closed_unread_frees_its_lane(local_api, clean_proxy_env):
    transport = NetworkTransport(httpx.Limits(max_connections=1), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        async with http.stream("GET", "packages/") as response:
            assert response.status_code == 200  # closed without reading the body
        second = await asyncio.wait_for(http.get("categories/"), 5)
    assert second.status_code == 200


async def test_a_waiter_cancelled_does_not_keep_a_lane_from_the_next(local_api, clean_proxy_env):
    local_api.faults.latency = 0.1
    transport = NetworkTransport(httpx.Limits(max_connections=1), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        first = asyncio.create_task(http.get("categories/"))
        await asyncio.sleep(0.02)
        cancelled = asyncio.create_task(http.get("categories/"))
        last = asyncio.create_task(http.get("categories/"))
        await asyncio.sleep(0.02)
        cancelled.cancel()
        assert (await asyncio.wait_for(first, 5)).status_code == 200
        assert (await asyncio.wait_for(last, 5)).status_code == 200
    assert cancelled.cancelled()


async def test_a_failed_request_frees_its_lane(clean_proxy_env):
    transport = NetworkTransport(httpx.Limits(max_connections=1), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9/") as http:
        for _ in range(2):  # the second would wait forever if the first kept the lane
            with pytest.raises(httpx.ConnectError):
                await asyncio.wait_for(http.get("x"), 5)
