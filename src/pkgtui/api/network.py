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
import zlib
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
        lane = _make_lane(verify, proxy)
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
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)  # an async transport's body
        response.stream = _GiveBackOnClose(stream, lambda: self._give_back(key, lane))
        return response

    async def aclose(self) -> None:
        for lanes in self._lanes.values():
            for lane in lanes:
                await lane.aclose()
        self._lanes.clear()
        self._free.clear()


_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def _make_lane(verify: ssl.SSLContext, proxy: str | None) -> httpx.AsyncHTTPTransport:
    """One connection's transport; a proxy it cannot use is an ``httpx.ProxyError`` with one line
    naming the proxy (httpx itself raises ValueError or ImportError, deep in a request)."""
    if proxy is not None:
        shown = _proxy_shown(proxy)
        try:
            scheme = httpx.URL(proxy).scheme
        except httpx.InvalidURL:
            raise httpx.ProxyError(f"the proxy address {shown} is not a valid URL") from None
        if scheme not in PROXY_SCHEMES:
            raise httpx.ProxyError(
                f"the proxy {shown} uses {scheme}://, which pkgtui cannot use (it can: http, https, socks5, socks5h)"
            )
    try:
        return httpx.AsyncHTTPTransport(verify=verify, limits=_ONE_CONNECTION, retries=0, proxy=proxy)
    except ImportError:  # socksio missing: pkgtui depends on httpx[socks], so a broken install
        raise httpx.ProxyError(
            f"the SOCKS proxy {shown} needs the socksio package (pip install socksio)"
        ) from None
    except (ValueError, TypeError) as error:
        raise httpx.ProxyError(f"the proxy {shown} cannot be used: {error}") from None


def _proxy_shown(proxy: str) -> str:
    """The proxy's address for a message, without any user name or password in it."""
    scheme, sep, rest = proxy.partition("://")
    if not sep:
        return proxy[:100]
    return f"{scheme}://{rest.rpartition('@')[2]}"[:100]


# -- bounded bodies ---------------------------------------------------------------------------

DEFAULT_MAX_BODY = 64 * 1024 * 1024
# Inflate at most this much per step, and let the event loop run between steps: a bomb then
# stops at the cap, and the response's deadline can fire while it inflates.
_INFLATE_STEP = 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"  # the encodings read_body can inflate under a cap


class Offline(httpx.TransportError):
    """``--offline``: no request leaves the machine (the client says so without retrying)."""


class OfflineTransport(httpx.AsyncBaseTransport):
    """The network for ``--offline``: every request fails at once, before any connection, so
    that the disk cache (below which it sits) and the local catalogue are all there is."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise Offline("offline", request=request)


class BodyTooLarge(httpx.TransportError):
    """The answer's body, once decoded, would be larger than the cap."""

    def __init__(self, limit: int, request: httpx.Request) -> None:
        super().__init__(f"answer larger than {_size_text(limit)}", request=request)
        self.limit = limit


class BodyUnreadable(httpx.TransportError):
    """The body is in an encoding pkgtui does not read, or its compressed data is broken."""


def _size_text(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{size} bytes"


def _inflater(encoding: str, request: httpx.Request) -> zlib._Decompress:
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        # zlib-wrapped deflate, as RFC 9110 defines it (zlib's auto-detection also reads gzip).
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    raise BodyUnreadable(f"answer in an encoding pkgtui cannot read ({encoding[:40]})", request=request)


async def read_body(
    response: httpx.Response, request: httpx.Request, limit: int = DEFAULT_MAX_BODY
) -> httpx.Response:
    """``response`` read in full and decoded, as a new response without a content encoding;
    :class:`BodyTooLarge` as soon as the decoded body passes ``limit`` bytes, however small
    its compressed form. httpx's own decoders inflate each chunk whole, so a 1 MB gzip chunk
    can become a gigabyte in one call: here each step inflates at most ``_INFLATE_STEP``."""
    try:  # made in-process with its content (the demo, the cache, test transports): read already
        content = response.content
    except httpx.ResponseNotRead:
        pass
    else:
        if len(content) > limit:
            raise BodyTooLarge(limit, request)
        return response
    try:
        declared = int(response.headers.get("content-length", ""))
    except ValueError:
        declared = None
    encodings = [
        e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()
    ]
    encodings = [e for e in encodings if e != "identity"]
    if len(encodings) > 2:
        raise BodyUnreadable("answer encoded more than twice", request=request)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit, request)
    inflaters = [_inflater(e, request) for e in reversed(encodings)]
    out = bytearray()
    since_yield = 0

    async def inflate(data: bytes, stage: int) -> None:
        nonlocal since_yield
        if stage == len(inflaters):
            out.extend(data)
            if len(out) > limit:
                raise BodyTooLarge(limit, request)
            since_yield += len(data)
            if since_yield >= 8 * _INFLATE_STEP:
                since_yield = 0
                await asyncio.sleep(0)
            return
        while True:
            try:
                piece = inflaters[stage].decompress(data, _INFLATE_STEP)
            except zlib.error:
                raise BodyUnreadable("answer's compressed data is broken", request=request) from None
            data = inflaters[stage].unconsumed_tail
            if piece:
                await inflate(piece, stage + 1)
            # A full step may leave output inside zlib even when all input was taken.
            if not data and len(piece) < _INFLATE_STEP:
                return

    try:
        async for chunk in response.aiter_raw():
            await inflate(chunk, 0)
        if any(not inflater.eof for inflater in inflaters):
            # A compressed stream without its end: the body was cut off.
            raise BodyUnreadable("answer's compressed data ends early (cut off)", request=request)
        content = bytes(out)
    finally:
        await response.aclose()
        # inflate calls itself through its closure: a cycle, which kept ``out`` (the whole
        # body) until the cyclic GC ran. A sync of 20,000 packages had up to 17 bodies
        # (~17 MB) held so at once (tracemalloc); emptied here, each goes once copied.
        out.clear()
        inflaters.clear()
    plain = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code,
        headers=plain,
        content=content,
        request=request,
        extensions=response.extensions,
    )


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
