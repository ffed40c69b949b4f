"""The async client for djangopackages.org's REST API v4.

One ``httpx.AsyncClient`` underneath, typed models out, and only :class:`APIError`
(and its subclasses) raised. Knows nothing of the UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from .. import __version__
from . import wire
from .cache import REFRESH, STALE_AGE_HEADER, CachingTransport
from .errors import APIError, BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
from .models import Category, Grid, Package, SearchResult

DEFAULT_API_URL = "https://djangopackages.org/api/v4/"
DEFAULT_TIMEOUT = 10.0
# A whole response may take this many times ``timeout`` (each read gets ``timeout``).
DEADLINE_FACTOR = 3
DEFAULT_CONCURRENCY = 8
DEFAULT_PAGE_SIZE = 1000
USER_AGENT = f"pkgtui/{__version__} (+https://github.com/pkgtui/pkgtui)"

T = TypeVar("T")
SEND_TURNS = 3  # see iter_pages


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list endpoint: ``count`` is the size of the whole list."""

    items: list[T]
    count: int
    offset: int


class Started(Generic[T]):
    """An async iterator (catalogue pages, a grid's members) whose first item is already being
    fetched when this is made, so that other work (a screen looking up what it shows) overlaps
    that round trip. Iterate it as the iterator it wraps; ``aclose`` stops both (call it when
    done, whether or not the first was used)."""

    def __init__(self, items: AsyncIterator[T]) -> None:
        self._items = items
        self._first: asyncio.Future[T] | None = asyncio.ensure_future(anext(items))

    def __aiter__(self) -> Started[T]:
        return self

    async def __anext__(self) -> T:
        if self._first is not None:
            first, self._first = self._first, None
            return await first
        return await anext(self._items)

    async def aclose(self) -> None:
        first, self._first = self._first, None
        if first is not None:
            await cancel_and_wait([first])  # its outcome (cancelled, or an error) is not wanted
        aclose = getattr(self._items, "aclose", None)
        if aclose is not None:
            await aclose()


@dataclass(frozen=True, slots=True)
class Fetched(Generic[T]):
    """One member of a many-at-once fetch: the object, or why it could not be had."""

    key: int | str
    value: T | None = None
    error: APIError | None = None


@dataclass(frozen=True, slots=True)
class ResponseInfo:
    """Where a response came from, for the status line."""

    url: str
    stale_age: float | None  # seconds, when served from cache because the network failed
    at: float = field(default_factory=time.time)


class ResponseDeadline(httpx.ReadTimeout):
    """A whole response took longer than its deadline (each read may still have been quick)."""

    def __init__(self, seconds: float, request: httpx.Request) -> None:
        super().__init__(f"no complete response in {seconds:g} s", request=request)
        self.seconds = seconds


class ConcurrencyLimit(httpx.AsyncBaseTransport):
    """At most ``limit`` requests on the network at once, each holding its place until its
    body has arrived. It sits below the cache, so answers from disk never wait for a place.

    httpx's timeout bounds each read, so a server trickling its answer a byte at a time would
    never time out: ``deadline`` bounds one whole response, counted from when it got a place.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, limit: int, deadline: float | None = None) -> None:
        self.inner = inner
        self.limit = max(1, limit)
        self.deadline = deadline
        self._places = asyncio.Semaphore(self.limit)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self._places:
            try:
                async with asyncio.timeout(self.deadline):
                    response = await self.inner.handle_async_request(request)
                    try:
                        await response.aread()
                    except BaseException:
                        await response.aclose()
                        raise
            except TimeoutError as error:
                raise ResponseDeadline(self.deadline or 0, request) from error
            return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class Client:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        retries: int = 2,
        backoff: float = 0.5,
        max_retry_after: float = 20.0,
        page_size: int = DEFAULT_PAGE_SIZE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        cache: CachingTransport | None = None,
    ) -> None:
        self.http = http
        self.cache = cache  # the transport that caches ``http``'s answers, if any
        self._base = str(http.base_url)
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.page_size = max(1, page_size)
        self._sleep = sleep
        self.listeners: list[Callable[[ResponseInfo], None]] = []

    @property
    def host(self) -> str:
        return self.http.base_url.host or str(self.http.base_url)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- one request ----------------------------------------------------------------------

    async def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, refresh: bool = False
    ) -> Any:
        """GET ``path`` (relative to the API root) and decode its JSON, retrying what is worth it."""
        response = await self._get(path, params, refresh)
        data = self._json(response.content)
        self._notify(ResponseInfo(str(response.url), _stale_age(response)))
        return data

    async def _get_parsed(
        self,
        path: str,
        params: dict[str, Any] | None,
        refresh: bool,
        fast: Callable[[bytes], T | None],
        lenient: Callable[[Any], T],
    ) -> T:
        """GET ``path`` into a model: ``fast`` decodes a well-formed body straight from its
        bytes (see :mod:`.wire`); when it returns None, ``lenient`` parses the decoded JSON."""
        response = await self._get(path, params, refresh)
        value = fast(response.content)
        if value is not None:
            self._notify(ResponseInfo(str(response.url), _stale_age(response)))
            return value
        data = self._json(response.content)
        self._notify(ResponseInfo(str(response.url), _stale_age(response)))
        return lenient(data)

    def _json(self, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadResponse(f"{self.host} sent malformed JSON") from error

    async def _get(self, path: str, params: dict[str, Any] | None, refresh: bool) -> httpx.Response:
        """The successful response to GET ``path``, retrying what is worth it; APIError else."""
        extensions = {REFRESH: True} if refresh else {}
        attempt = 0
        while True:
            try:
                response = await self.http.get(path, params=params, extensions=extensions)
            except ResponseDeadline as error:
                raise Timeout(f"{self.host} did not finish answering in {error.seconds:g} s") from error
            except httpx.TimeoutException as error:
                raise Timeout(f"{self.host} did not answer in {self._timeout_text()}") from error
            except (
                httpx.ConnectError,
                httpx.ReadError,
                httpx.WriteError,
                httpx.RemoteProtocolError,
            ) as error:
                if attempt < self.retries:
                    await self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                if isinstance(error, httpx.RemoteProtocolError):
                    raise BadResponse(f"{self.host} sent an incomplete response") from error
                if isinstance(error, httpx.ConnectError):
                    raise NoConnection(f"cannot connect to {self.host}") from error
                raise NoConnection(f"the connection to {self.host} was lost") from error
            except httpx.HTTPError as error:
                raise NoConnection(f"request to {self.host} failed: {type(error).__name__}") from error

            status = response.status_code
            if status == 429 or status >= 500:
                wait = _retry_after(response) if status == 429 else None
                if attempt < self.retries and (wait is None or wait <= self.max_retry_after):
                    await self._sleep(wait if wait is not None else self._backoff(attempt))
                    attempt += 1
                    continue
                if status == 429:
                    after = f"; try again in {wait:.0f} s" if wait else ""
                    raise RateLimited(f"{self.host} is limiting requests{after}", retry_after=wait)
                raise ServerError(f"{self.host} had a server error (HTTP {status})", status)
            if status == 404:
                raise NotFound(f"not found on {self.host}: {_detail(response) or path}")
            if not 200 <= status < 300:
                raise BadResponse(f"{self.host} answered HTTP {status}")
            return response

    def peek_json(self, path: str, params: dict[str, Any] | None = None) -> Any | None:
        """A fresh cached answer to GET ``path``, decoded, without a request or an await;
        None when the cache has none (or cannot be read, or holds malformed JSON)."""
        return self._peek_parsed(path, params, _nothing, _as_is)

    def _peek_parsed(
        self,
        path: str,
        params: dict[str, Any] | None,
        fast: Callable[[bytes], T | None],
        lenient: Callable[[Any], T],
    ) -> T | None:
        """:meth:`peek_json`, parsed as :meth:`_get_parsed` does; None where the network path
        would report a problem."""
        if self.cache is None:
            return None
        url = self._url(path, params)
        body = self.cache.peek(url)
        if body is None:
            return None
        value = fast(body)
        if value is None:
            try:
                value = lenient(json.loads(body))
            except (ValueError, UnicodeDecodeError, APIError):
                return None
        self._notify(ResponseInfo(url, None))
        return value

    def _url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The URL httpx would request for ``path``: joined by hand when ``path`` has only
        characters httpx leaves as they are (httpx's URL parsing took half of a warm grid's
        cache reads), else through httpx."""
        if not params and _PLAIN_PATH.fullmatch(path):
            return self._base + path
        return str(self.http.build_request("GET", path, params=params).url)

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2**attempt) * (0.75 + random.random() / 2)

    def _timeout_text(self) -> str:
        seconds = self.http.timeout.read or self.http.timeout.connect
        return f"{seconds:g} s" if seconds else "time"

    def _notify(self, info: ResponseInfo) -> None:
        for listener in list(self.listeners):
            listener(info)

    # -- lists ----------------------------------------------------------------------------

    async def iter_pages(
        self,
        kind: str,
        parse: Callable[[object], T],
        *,
        refresh: bool = False,
        page_size: int | None = None,
        fast: Callable[[msgspec.Raw], T | None] | None = None,
    ) -> AsyncIterator[Page[T]]:
        """Every page of ``kind``: the first, then the rest fetched concurrently and
        yielded as they arrive (not in order). Leaving the loop cancels what is left.
        ``parse`` makes a model of one item's JSON; ``fast``, if given, of one item's bytes,
        or returns None to leave that item to ``parse`` (see :mod:`.wire`)."""
        limit = page_size or self.page_size

        async def page_at(offset: int) -> Page[T]:
            items, size = await self._raw_page(kind, parse, fast, limit, offset, refresh)
            return Page(items(), size, offset)

        with self._saves_held():  # the pages are saved once they have all been read
            first_items, count = await self._raw_page(kind, parse, fast, limit, 0, refresh)
            # Ask for the other pages before parsing this one, so parsing overlaps the network.
            tasks = [asyncio.ensure_future(page_at(offset)) for offset in range(limit, count, limit)]
            try:
                # Let the other requests go out before this page is parsed and handed over
                # (and drawn): otherwise they would not start until then. Three turns of the
                # loop take a request through httpx to the socket on a kept-alive connection
                # (and start the connect of a new one), counted against the test server and respx.
                for _ in range(SEND_TURNS if tasks else 0):
                    await asyncio.sleep(0)
                yield Page(first_items(), count, 0)
                for next_page in asyncio.as_completed(tasks):
                    yield await next_page
            finally:
                await cancel_and_wait(tasks)

    def _saves_held(self) -> contextlib.AbstractContextManager[None]:
        return self.cache.saves_held() if self.cache is not None else contextlib.nullcontext()

    async def list_all(self, kind: str, parse: Callable[[object], T], *, refresh: bool = False) -> list[T]:
        pages = [page async for page in self.iter_pages(kind, parse, refresh=refresh)]
        pages.sort(key=lambda page: page.offset)
        return [item for page in pages for item in page.items]

    async def _raw_page(
        self,
        kind: str,
        parse: Callable[[object], T],
        fast: Callable[[msgspec.Raw], T | None] | None,
        limit: int,
        offset: int,
        refresh: bool,
    ) -> tuple[Callable[[], list[T]], int]:
        """One page: a function that parses its items, and the size of the whole list."""
        path, params = f"{kind}/", {"limit": limit, "offset": offset}
        if fast is None:
            data = await self.get_json(path, params, refresh=refresh)
        else:
            data = await self._get_parsed(path, params, refresh, wire.list_page, _as_is)
            if isinstance(data, wire.ListPage):
                raw_items = data.items

                def parse_raw() -> list[T]:
                    # An item the fast path cannot read goes the lenient way, alone.
                    return [
                        value if (value := fast(item)) is not None else parse(wire.item_json(item))
                        for item in raw_items
                    ]

                return parse_raw, _list_size(data.count, data.last, offset, len(raw_items))
        if isinstance(data, list):  # an unpaginated server: the whole list at once
            results = data if offset == 0 else []
            return (lambda: [parse(item) for item in results]), len(data)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise BadResponse(f"{self.host} sent a {kind} list of the wrong shape")
        results = data["results"]
        last = "next" in data and data["next"] is None
        return (lambda: [parse(item) for item in results]), _list_size(
            data.get("count"), last, offset, len(results)
        )

    # -- the endpoints ----------------------------------------------------------------------

    async def categories(self, *, refresh: bool = False) -> list[Category]:
        return await self.list_all("categories", Category.from_api, refresh=refresh)

    async def category(self, id_or_slug: int | str, *, refresh: bool = False) -> Category:
        """A category by id, or by slug (API v4 has no slug lookup: the list is searched)."""
        key = str(id_or_slug).strip()
        if key.isdigit():
            return Category.from_api(await self.get_json(f"categories/{key}/", refresh=refresh))
        for category in await self.categories(refresh=refresh):
            if category.answers_to(key):
                return category
        raise NotFound(f"no category {key!r} on {self.host}")

    async def grids(self, *, refresh: bool = False) -> list[Grid]:
        return await self.list_all("grids", Grid.from_api, refresh=refresh)

    async def grid(self, id_or_slug: int | str, *, refresh: bool = False) -> Grid:
        return Grid.from_api(await self.get_json(f"grids/{_key(id_or_slug)}/", refresh=refresh))

    async def package(self, id_or_slug: int | str, *, refresh: bool = False) -> Package:
        return await self._get_parsed(
            f"packages/{_key(id_or_slug)}/", None, refresh, wire.package, Package.from_api
        )

    def peek_grid(self, id_or_slug: int | str) -> Grid | None:
        """The grid if the cache holds a fresh copy (see :meth:`peek_json`), else None."""
        return self._peek_parsed(f"grids/{_key(id_or_slug)}/", None, _nothing, Grid.from_api)

    def peek_package(self, id_or_slug: int | str) -> Package | None:
        """The package if the cache holds a fresh copy (see :meth:`peek_json`), else None."""
        return self._peek_parsed(f"packages/{_key(id_or_slug)}/", None, wire.package, Package.from_api)

    def iter_package_pages(self, *, refresh: bool = False) -> AsyncIterator[Page[Package]]:
        return self.iter_pages("packages", Package.from_api, refresh=refresh, fast=wire.package)

    async def iter_packages(
        self, keys: Iterable[int | str], *, refresh: bool = False
    ) -> AsyncIterator[Fetched[Package]]:
        """Many packages at once, ``concurrency`` in flight, each yielded as it arrives.
        One that fails is yielded with its error; the rest carry on."""

        async def fetch(key: int | str) -> Fetched[Package]:
            try:
                return Fetched(key, value=await self.package(key, refresh=refresh))
            except APIError as error:
                return Fetched(key, error=error)

        tasks = [asyncio.ensure_future(fetch(key)) for key in dict.fromkeys(keys)]
        try:
            for done in asyncio.as_completed(tasks):
                yield await done
        finally:
            await cancel_and_wait(tasks)

    async def search(self, term: str, *, refresh: bool = False) -> list[SearchResult]:
        if not term.strip():
            return []
        data = await self.get_json("search/", {"q": term.strip()}, refresh=refresh)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if not isinstance(data, list):
            raise BadResponse(f"{self.host} sent search results of the wrong shape")
        return [SearchResult.from_api(item) for item in data]


async def cancel_and_wait(tasks: list[asyncio.Future[Any]]) -> None:
    """Cancel what is still running (the consumer left early) and wait for it to stop; any
    error it ended with is retrieved, so asyncio does not report it as lost."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _key(id_or_slug: int | str) -> str:
    key = str(id_or_slug).strip()
    if not key:
        raise NotFound("an empty name matches nothing")
    return quote(key, safe="")


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return data.get("detail", "") if isinstance(data, dict) and isinstance(data.get("detail"), str) else ""


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# Relative paths that httpx joins to the base URL unchanged (no "..", no escapes, no query).
_PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+")


def _nothing(body: bytes) -> None:
    """No fast path: every body goes the lenient way."""
    return


def _as_is(data: Any) -> Any:
    return data


def _stale_age(response: httpx.Response) -> float | None:
    stale = response.headers.get(STALE_AGE_HEADER)
    return float(stale) if stale else None


def _list_size(count: object, last: bool, offset: int, received: int) -> int:
    """The size of a whole list from one page's ``count``: a missing or odd count means
    "this far"; when the server says this is the last page (``"next": null``), a count beyond
    it is not believed (a lying count would otherwise start a request for every page up to it)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return offset + received
    return min(count, offset + received) if last else count


def open_client(
    api_url: str = DEFAULT_API_URL,
    *,
    demo: bool = False,
    cache_file: Path | None = None,
    ttl: float = 3600.0,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
    transport: httpx.AsyncBaseTransport | None = None,
    on_cache_warning: Callable[[str], None] | None = None,
    **client_options: Any,
) -> Client:
    """The app's one client: demo data in-process, or the network behind the disk cache."""
    if demo:
        from .demo import DEMO_BASE_URL, DemoAPI

        api_url, transport = DEMO_BASE_URL, DemoAPI().transport()
    elif transport is None:
        from .network import NetworkTransport

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        transport = NetworkTransport(limits, prepare_tls=urlsplit(api_url).scheme == "https")
    cache = transport if isinstance(transport, CachingTransport) else None  # the tests give their own
    transport = ConcurrencyLimit(transport, concurrency, deadline=DEADLINE_FACTOR * timeout)
    if cache_file is not None and not demo:
        transport = cache = CachingTransport(transport, cache_file, ttl=ttl, on_warning=on_cache_warning)
    if not api_url.endswith("/"):
        api_url += "/"
    if urlsplit(api_url).scheme not in ("http", "https"):
        raise ValueError(f"API URL must be http(s): {api_url}")
    http = httpx.AsyncClient(
        base_url=api_url,
        transport=transport,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
    )
    return Client(http, concurrency=concurrency, cache=cache, **client_options)
