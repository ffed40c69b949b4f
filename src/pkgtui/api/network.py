"""The transport that reaches the network: proxies from the environment, TLS built off the loop.

httpx ignores ``HTTP(S)_PROXY`` as soon as a client is given its own transport (which pkgtui
must, to put its cache and concurrency limit in the chain), so the proxies are honoured here,
with the standard library's reading of the environment (``getproxies``, ``NO_PROXY`` via
``proxy_bypass``). Over SSH on a server, a proxy is often the only way out.

Building a verifying TLS context loads the CA bundle (~60 ms). That starts in a thread when
the transport is made, so start-up does not wait for it, and plain-http requests (a local
API) never need it.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

import httpx

_tls_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pkgtui-tls")


class NetworkTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        limits: httpx.Limits,
        *,
        prepare_tls: bool = True,
        proxies: Callable[[], Mapping[str, str]] = urllib.request.getproxies,
        bypass: Callable[[str], bool] = urllib.request.proxy_bypass,
    ) -> None:
        self.limits = limits
        self._proxies = proxies
        self._bypass = bypass
        self._tls: Future[ssl.SSLContext] | None = (
            _tls_builder.submit(httpx.create_ssl_context) if prepare_tls else None
        )
        # One connection pool per (scheme, proxy), made on first use.
        self._pools: dict[tuple[str, str | None], httpx.AsyncHTTPTransport] = {}

    def proxy_for(self, url: httpx.URL) -> str | None:
        proxies = self._proxies()
        proxy = proxies.get(url.scheme) or proxies.get("all")
        if not proxy or self._bypass(url.host):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    async def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        proxy = self.proxy_for(url)
        key = (url.scheme, proxy)
        if key not in self._pools:
            # A plain-http request to a plain-http proxy never uses TLS; anything else verifies.
            needs_tls = url.scheme == "https" or (proxy or "").startswith("https")
            if needs_tls:
                if self._tls is None:
                    self._tls = _tls_builder.submit(httpx.create_ssl_context)
                verify: ssl.SSLContext | bool = await asyncio.wrap_future(self._tls)
            else:
                verify = False
            if key not in self._pools:  # another request may have made it while we waited
                self._pools[key] = httpx.AsyncHTTPTransport(
                    verify=verify, limits=self.limits, retries=0, proxy=proxy
                )
        return self._pools[key]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pool = await self._pool(request.url)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()
