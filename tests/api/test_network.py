"""The network transport: proxies from the environment, and TLS only where it is needed."""

from __future__ import annotations

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
    transport = NetworkTransport(httpx.Limits(), prepare_tls=False, proxies=lambda: {
        "https": "proxy.example:3128", "all": "http://fallback.example:8080"}, bypass=lambda host: host == "local")
    assert transport.proxy_for(httpx.URL("https://djangopackages.org/")) == "http://proxy.example:3128"
    assert transport.proxy_for(httpx.URL("http://djangopackages.org/")) == "http://fallback.example:8080"
    assert transport.proxy_for(httpx.URL("https://local/")) is None


async def test_plain_http_builds_no_tls_context(local_api, clean_proxy_env):
    transport = NetworkTransport(httpx.Limits(), prepare_tls=False)
    async with httpx.AsyncClient(transport=transport, base_url=local_api.url) as http:
        assert (await http.get("categories/")).status_code == 200
    assert transport._tls is None  # the CA bundle was never loaded
