"""The transport that reaches the network: proxies from the environment, TLS built off the loop.

httpx ignores ``HTTP(S)_PROXY`` as soon as a client is given its own transport (which pkgtui
must, to put its cache and concurrency limit in the chain), so the proxies are honoured here,
with the standard library's reading of the environment (``getproxies``, ``NO_PROXY`` via
``proxy_bypass``). Over SSH on a server, a proxy is often the only way out.

Each connection gets a pool of its own (a *lane*). httpcore's pool checks every idle
connection's socket (a ``select`` each) whenever any request starts or ends, so with 40
connections in one pool, 40 requests on kept-alive connections cost ~420 ms of CPU; in 40
one-connection lanes the same requests cost ~90 ms in all. Lanes are reused last-in first-out,
so a warm connection is preferred.

Building a verifying TLS context loads the CA bundle (~60 ms). That starts in a thread when
the transport is made, so start-up does not wait for it, and plain-http requests (a local
API) never need it.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import AsyncIterator, Callable, Mapping
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
        # Per (scheme, proxy): every lane made, and those not in use (last freed last).
        self._lanes: dict[tuple[str, str | None], list[httpx.AsyncHTTPTransport]] = {}
        self._free: dict[tuple[str, str | None], list[httpx.AsyncHTTPTransport]] = {}
        self._waiting: list[asyncio.Future[None]] = []
        self._no_verify: ssl.SSLContext | None = None  # one for all plain-http lanes
        self._proxy_table: dict[str, str] | None = None

    def proxy_for(self, url: httpx.URL) -> str | None:
        # Read once: getproxies() scans the whole environment, ~0.3 ms a request.
        if self._proxy_table is None:
            self._proxy_table = dict(self._proxies())
        proxies = self._proxy_table
        proxy = proxies.get(url.scheme) or proxies.get("all")
        if not proxy or self._bypass(url.host):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    async def _verify(self, url: httpx.URL, proxy: str | None) -> ssl.SSLContext:
        # A plain-http request to a plain-http proxy never uses TLS; anything else verifies.
        if url.scheme != "https" and not (proxy or "").startswith("https"):
            if self._no_verify is None:
                self._no_verify = httpx.create_ssl_context(verify=False)
            return self._no_verify
        if self._tls is None:
            self._tls = _tls_builder.submit(httpx.create_ssl_context)
        if self._tls.done():  # every request after the first few: no wait, no extra loop turn
            return self._tls.result()
        return await asyncio.wrap_future(self._tls)

    async def _take_lane(self, url: httpx.URL) -> tuple[tuple[str, str | None], httpx.AsyncHTTPTransport]:
        proxy = self.proxy_for(url)
        key = (url.scheme, proxy)
        verify = await self._verify(url, proxy)
        lanes, free = self._lanes.setdefault(key, []), self._free.setdefault(key, [])
        most = self.limits.max_connections
        while not free and most is not None and len(lanes) >= most:
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                await waiter
            except BaseException:
                if free:  # the lane this waiter was woken for goes to the next one
                    self._wake_one()
                raise
            finally:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)
        if free:
            return key, free.pop()
        lane = httpx.AsyncHTTPTransport(verify=verify, limits=_ONE_CONNECTION, retries=0, proxy=proxy)
        lanes.append(lane)
        return key, lane

    def _give_back(self, key: tuple[str, str | None], lane: httpx.AsyncHTTPTransport) -> None:
        self._free[key].append(lane)
        self._wake_one()

    def _wake_one(self) -> None:
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_result(None)
                return

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key, lane = await self._take_lane(request.url)
        try:
            response = await lane.handle_async_request(request)
        except BaseException:
            self._give_back(key, lane)
            raise
        # The connection stays busy until the body has been read or dropped.
        response.stream = _GiveBackOnClose(response.stream, lambda: self._give_back(key, lane))
        return response

    async def aclose(self) -> None:
        for lanes in self._lanes.values():
            for lane in lanes:
                await lane.aclose()
        self._lanes.clear()
        self._free.clear()


_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class _GiveBackOnClose(httpx.AsyncByteStream):
    """A response body that hands its lane back, once, when it is closed."""

    def __init__(self, inner: httpx.AsyncByteStream, give_back: Callable[[], None]) -> None:
        self._inner = inner
        self._give_back: Callable[[], None] | None = give_back

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            give_back, self._give_back = self._give_back, None
            if give_back is not None:
                give_back()
