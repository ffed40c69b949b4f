"""The async client for djangopackages.org's REST API v4.

One ``httpx.AsyncClient`` underneath, typed models out, and only :class:`APIError`
(and its subclasses) raised. Knows nothing of the UI.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import math
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any, Self, TypeVar, cast
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from .. import __version__
from ..logs import logger
from ..text import clean
from . import wire
from .cache import (
    AGE_HEADER,
    COMMIT,
    DEFAULT_MAX_SIZE,
    DISCARD,
    FALLBACK,
    REFRESH,
    STALE_AGE_HEADER,
    CachingTransport,
)
from .defaults import DEFAULT_API_URL, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, SEND_TURNS
from .errors import (
    APIError,
    BadResponse,
    CutOff,
    NoConnection,
    NotAskedOffline,
    NotFound,
    NotJSON,
    RateLimited,
    Redirected,
    ServerError,
    Timeout,
    TooLarge,
)
from .models import Category, Grid, Package, SearchResult
from .network import ACCEPT_ENCODING, DEFAULT_MAX_BODY, BodyTooLarge, BodyUnreadable, Offline, read_body
from .results import (
    Fetched,
    ItemList,
    Page,
    ResponseInfo,
    cancel_and_wait,
)

retry_log = logger("pkgtui.http")
# A whole response may take this many times ``timeout`` (each read gets ``timeout``).
DEADLINE_FACTOR = 3
# Tries after the first, shared by every reason to retry. Three, not two: under 40 % of 500s
# and a fifth of the rest cut short, a try fails about half the time (0.52); over 20 seeds
# of 40 lookups, 2 retries got 85 % through and 3 got 92 % (4: 96 %, but 7.5 s of backoff
# before a dead server is reported, against 3.5 s).
DEFAULT_RETRIES = 3
DEFAULT_PAGE_SIZE = 1000
USER_AGENT = f"pkgtui/{__version__} (+https://github.com/pkgtui/pkgtui)"

T = TypeVar("T")
# A list is read at most this far, whatever its pages or its count say.
MAX_LIST_ITEMS = 100_000
MAX_LIST_PAGES = 500
MAX_REDIRECTS = 5
# A Retry-After beyond this is not believed (a server asking for a day is said to ask for an hour).
MAX_RETRY_AFTER = 3600.0


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

    The body is read here, decoded under ``max_body`` bytes (see :func:`.network.read_body`),
    so the deadline covers its decompression too.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limit: int,
        deadline: float | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.inner = inner
        self.limit = max(1, limit)
        self.deadline = deadline
        self.max_body = max(1, max_body)
        self._places = asyncio.Semaphore(self.limit)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self._places:
            try:
                async with asyncio.timeout(self.deadline):
                    response = await self.inner.handle_async_request(request)
                    try:
                        return await read_body(response, request, self.max_body)
                    except BaseException:
                        await response.aclose()
                        raise
            except TimeoutError as error:
                raise ResponseDeadline(self.deadline or 0, request) from error

    async def aclose(self) -> None:
        await self.inner.aclose()


class Client:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        retries: int = DEFAULT_RETRIES,
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
        # Requests in flight, shared by (URL, refresh, how the answer is read): see _fetch.
        self._in_flight: dict[tuple[str, bool, object], _Shared] = {}
        # Grids read from a list answered fresh, each with when that answer was made
        # (the cache's clock). API v4 writes a grid the same way in its list and on its own (upstream's
        # GridViewSet: one GridSerializer for both), so until the answer is the cache's ``ttl``
        # old such a copy answers for the grid (see :meth:`grid`): opening a grid home has just
        # listed asks only for its members (one round trip less with API v3 off).
        self._listed_grids: dict[int, tuple[Grid, float]] = {}
        # Checked as each response arrives: httpx builds the next request of a redirect (and
        # raises InvalidURL on a "javascript:" one) before returning the response.
        http.event_hooks = {
            **http.event_hooks,
            "response": [*http.event_hooks["response"], self._check_redirect],
        }

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
    #
    # An answer counts only once it has been read into what was asked for: a body that does
    # not decode, or decodes to the wrong shape, is retried like a 5xx, from the same budget
    # of ``retries``. Only an answer that parsed is stored in the cache (its COMMIT), so a bad
    # one never replaces or shadows a good copy; when the tries are spent, the stored copy of
    # any age (up to the cache's keep period) is served instead, marked stale.

    async def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, refresh: bool = False
    ) -> Any:
        """GET ``path`` (relative to the API root) and decode its JSON, retrying what is worth it.
        The JSON is checked against the shape ``path`` names (a package, a list page, ...)."""
        check = _shape_check(path)

        def parse(response: httpx.Response) -> Any:
            data = self._decode(response)
            check(data)
            return data

        return await self._fetch(path, params, refresh, parse, kind="json")

    async def get_model(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        refresh: bool = False,
        fast: Callable[[bytes], T | None],
        lenient: Callable[[Any], T],
    ) -> T:
        """GET ``path`` (relative to the API root, or a whole URL) into a model: ``fast``
        reads a well-formed body straight from its bytes (None: it cannot), else ``lenient``
        reads the decoded JSON. BadResponse from ``lenient`` is a bad answer (retried, never
        kept); another APIError ends the fetch at once, nothing kept either."""
        return await self._get_parsed(path, params, refresh, fast, lenient)

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

        def parse(response: httpx.Response) -> T:
            value = fast(response.content)
            return value if value is not None else lenient(self._decode(response))

        return await self._fetch(path, params, refresh, parse, kind=lenient)

    async def _fetch(
        self,
        path: str,
        params: dict[str, Any] | None,
        refresh: bool,
        parse: Callable[[httpx.Response], T],
        *,
        kind: object,
    ) -> T:
        """The parsed answer to GET ``path``, with one request for every caller that asks for
        the same URL, read the same way (``kind``), while it is in flight: a screen's prefetch
        and its own load, or a grid's member and the package screen opened on it, share it.
        A caller that gives up (its screen closed) leaves the request to the others; the last
        one to give up cancels it. The value is shared too: models are frozen."""
        key = (self._url(path, params), refresh, kind)
        shared = self._in_flight.get(key)
        if shared is None:
            shared = _Shared(asyncio.ensure_future(self._fetch_unshared(path, params, refresh, parse)))
            self._in_flight[key] = shared
            shared.future.add_done_callback(lambda done: self._landed(key, shared))
        shared.waiting += 1
        try:
            return cast(T, await asyncio.shield(shared.future))
        except asyncio.CancelledError:
            if shared.waiting == 1:
                shared.future.cancel()  # nobody else wants it
            raise
        finally:
            shared.waiting -= 1

    def _landed(self, key: tuple[str, bool, object], shared: _Shared) -> None:
        if self._in_flight.get(key) is shared:
            del self._in_flight[key]
        if not shared.future.cancelled():
            shared.future.exception()  # retrieved here, so an answer nobody waited for is not "lost"

    async def _fetch_unshared(
        self,
        path: str,
        params: dict[str, Any] | None,
        refresh: bool,
        parse: Callable[[httpx.Response], T],
    ) -> T:
        value, response = await self._fetch_answer(path, params, refresh, parse)
        _commit(response)
        return value

    async def _fetch_answer(
        self,
        path: str,
        params: dict[str, Any] | None,
        refresh: bool,
        parse: Callable[[httpx.Response], T],
    ) -> tuple[T, httpx.Response]:
        """The parsed answer to GET ``path`` and the response it came from (not yet stored:
        :func:`_commit` it once it is known good)."""
        attempts = _Attempts(self)
        fallback: Callable[[], httpx.Response | None] | None = None
        while True:
            try:
                response = await self._get(path, params, refresh, attempts)
            except (NotFound, Redirected):
                raise
            except APIError:
                # A bad body came before, and the cache held an older copy: better than nothing.
                stale = self._stale_answer(fallback, parse)
                if stale is None:
                    raise
                return stale
            fallback = response.extensions.get(FALLBACK) or fallback
            try:
                value = parse(response)
            except BadResponse as error:
                if _from_cache(response):
                    # A stored copy that does not read (stored before the cache checked): drop it
                    # and ask the network, never the cache, from now on.
                    _discard(response)
                    refresh, error.cached = True, True
                if await attempts.again():
                    continue
                stale = self._stale_answer(fallback, parse)
                if stale is None:
                    raise
                return stale
            self._notify(ResponseInfo(str(response.url), _stale_age(response)))
            return value, response

    def _stale_answer(
        self,
        fallback: Callable[[], httpx.Response | None] | None,
        parse: Callable[[httpx.Response], T],
    ) -> tuple[T, httpx.Response] | None:
        stale = fallback() if fallback is not None else None
        if stale is None:
            return None
        try:
            value = parse(stale)
        except BadResponse:
            _discard(stale)
            return None
        self._notify(ResponseInfo(str(stale.url), _stale_age(stale)))
        return value, stale

    def _decode(self, response: httpx.Response) -> Any:
        """The JSON in ``response``; :class:`BadResponse` (in words that say what came) else."""
        body = response.content
        try:
            return json.loads(body)
        except RecursionError:
            raise BadResponse(f"{self.host} sent JSON nested too deeply to read") from None
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both
            raise self._not_json(response, error) from None

    def _not_json(self, response: httpx.Response, error: ValueError) -> BadResponse:
        body = response.content.strip()
        content_type = response.headers.get("content-type", "").lower()
        if not body:
            return CutOff(f"{self.host} sent an empty answer")
        if "html" in content_type or body[:1] == b"<":
            return NotJSON(f"{self.host} answered with a web page, not JSON: a proxy or login page?")
        if isinstance(error, json.JSONDecodeError) and (
            error.pos >= len(error.doc.rstrip()) or error.msg.startswith("Unterminated string")
        ):
            return CutOff(f"the answer from {self.host} was cut off")
        if isinstance(error, UnicodeDecodeError):
            return BadResponse(f"{self.host} sent malformed JSON (not UTF-8)")
        return BadResponse(f"{self.host} sent malformed JSON")

    async def _get(
        self, path: str, params: dict[str, Any] | None, refresh: bool, attempts: _Attempts
    ) -> httpx.Response:
        """The successful response to GET ``path``, retrying what is worth it (from
        ``attempts``) and following redirects within the API's host; APIError else."""
        extensions = {REFRESH: True} if refresh else {}
        while True:
            try:
                response = await self._get_following(path, params, extensions)
            except ResponseDeadline as error:
                raise Timeout(f"{self.host} did not finish answering in {error.seconds:g} s") from error
            except BodyTooLarge as error:  # the same would come again: not retried
                raise TooLarge(
                    f"{self.host} sent an answer larger than {_megabytes(error.limit)}; pkgtui stopped reading it"
                ) from error
            except httpx.TimeoutException as error:
                raise Timeout(f"{self.host} did not answer in {self._timeout_text()}") from error
            except Offline as error:
                raise NotAskedOffline(
                    f"offline: {self.host} was not asked"  # the hint says what to do (errors.py)
                ) from error
            except httpx.ProxyError as error:
                raise NoConnection(
                    f"cannot reach {self.host} through the proxy: {_first_line(error)}"
                ) from error
            except (
                httpx.ConnectError,
                httpx.ReadError,
                httpx.WriteError,
                httpx.RemoteProtocolError,
                BodyUnreadable,
            ) as error:
                if await attempts.again():
                    continue
                if isinstance(error, BodyUnreadable):
                    raise CutOff(f"{self.host} sent an unreadable answer: {_first_line(error)}") from error
                if isinstance(error, httpx.RemoteProtocolError):
                    raise CutOff(f"{self.host} sent an incomplete response: it was cut off") from error
                if isinstance(error, httpx.ConnectError):
                    raise NoConnection(f"cannot connect to {self.host}") from error
                raise NoConnection(f"the connection to {self.host} was lost") from error
            except httpx.HTTPError as error:
                raise NoConnection(f"request to {self.host} failed: {type(error).__name__}") from error
            except (httpx.InvalidURL, OSError, ValueError, OverflowError, ExceptionGroup) as error:
                # A port out of range, an address the resolver refuses: anyio and httpcore raise
                # these (some in an ExceptionGroup) rather than an httpx error.
                raise NoConnection(f"cannot connect to {self.host}: {_first_line(error)}") from error

            status = response.status_code
            if status == 429 or status >= 500:
                wait = _retry_after(response) if status == 429 else None
                if (wait is None or wait <= self.max_retry_after) and await attempts.again(wait):
                    continue
                if status == 429:
                    after = f"; try again in {_wait_text(wait)}" if wait else ""
                    raise RateLimited(f"{self.host} is limiting requests{after}", retry_after=wait)
                raise ServerError(f"{self.host} had a server error (HTTP {status})", status)
            if status == 404:
                raise NotFound(f"not found on {self.host}: {_detail(response) or path}")
            if not 200 <= status < 300:
                raise BadResponse(f"{self.host} answered HTTP {status}")
            return response

    async def _get_following(
        self, path: str, params: dict[str, Any] | None, extensions: dict[str, Any]
    ) -> httpx.Response:
        """GET ``path``, following redirects only within the API's host (http to https of the
        same host too); a redirect anywhere else is :class:`Redirected`, naming the other host."""
        url: str | httpx.URL = path
        for _ in range(MAX_REDIRECTS + 1):
            response = await self.http.get(url, params=params, extensions=extensions)
            if not response.has_redirect_location:
                return response
            await response.aclose()
            url, params = self._redirect_target(response), None
        raise BadResponse(f"{self.host} redirected more than {MAX_REDIRECTS} times")

    async def _check_redirect(self, response: httpx.Response) -> None:
        if response.has_redirect_location:
            self._redirect_target(response)  # raises Redirected where it may not go

    def _redirect_target(self, response: httpx.Response) -> httpx.URL:
        location = response.headers.get("location", "")
        try:
            target = response.url.join(location)
        except httpx.InvalidURL:
            raise Redirected(f"{self.host} redirected to an invalid address; not followed", "") from None
        if target.scheme not in ("http", "https"):
            scheme = target.scheme[:20] or "?"
            raise Redirected(f"{self.host} redirected to a {scheme}: address; not followed", "")
        here, there = response.url, target
        same_origin = there.host == here.host and there.scheme == here.scheme and there.port == here.port
        upgrade = (
            there.host == here.host
            and (here.scheme, there.scheme) == ("http", "https")
            and here.port in (None, 80)
            and there.port in (None, 443)
        )
        if not (same_origin or upgrade):
            other = there.host[:100] if there.host != here.host else f"{there.host[:100]}:{there.port}"
            if there.host == here.host and there.scheme != here.scheme:
                other = f"{there.scheme}://{there.host[:100]}"
            raise Redirected(f"{self.host} redirected to another host, {other}; not followed", other)
        return target

    def peek_json(self, path: str, params: dict[str, Any] | None = None) -> Any | None:
        """A fresh cached answer to GET ``path``, decoded, without a request or an await;
        None when the cache has none (or cannot be read, or holds malformed JSON)."""
        check = _shape_check(path)

        def checked(data: Any) -> Any:
            check(data)  # the same shape get_json asks for; the JSON itself is returned
            return data

        return self._peek_parsed(path, params, _nothing, checked)

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
            except (ValueError, RecursionError, APIError):
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
    #
    # Paging follows what the pages show: a page that is empty, or says it is the last
    # (``"next": null``), ends the list, and the pages beyond it are not asked for (or are
    # cancelled). ``count`` only says how far to look ahead: at most ``concurrency`` pages are
    # asked for at once, and never more than MAX_LIST_ITEMS items or MAX_LIST_PAGES pages.

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
        or returns None to leave that item to ``parse`` (see :mod:`.wire`). An item neither
        can read is left out and counted in its page's ``skipped``."""
        limit = page_size or self.page_size
        most = min(MAX_LIST_ITEMS, MAX_LIST_PAGES * limit)

        async def page_at(offset: int) -> tuple[Page[T], bool]:
            envelope, response = await self._raw_page(kind, fast is not None, limit, offset, refresh)
            page = _read_page(envelope, parse, fast, offset, size, _answer_age(response))
            if not page.skipped:  # a page with unreadable items is shown, never stored
                _commit(response)
            return page, envelope.last or not envelope.items

        with self._saves_held():  # the pages are saved once they have all been read
            first, first_response = await self._raw_page(kind, fast is not None, limit, 0, refresh)
            size = min(_list_size(first.count, first.last, 0, len(first.items)), most)
            end = size if first.items else 0  # pages at offsets below this are wanted
            # A first page shorter than asked for, yet not the last, does not bear out its
            # count: the rest is asked for one page at a time, each showing whether to go on.
            ahead = self.concurrency if len(first.items) >= limit else 1
            next_offset = limit
            # Asked for and not yet handed over, with their offsets. At most ``ahead`` of them,
            # those arrived included: a consumer slower than the network (a sync writing each
            # page to disk) holds back the next requests, so memory holds ``ahead`` pages, not
            # all that arrive meanwhile (a 20,000-package sync had 10 pages waiting at once).
            waiting: dict[asyncio.Future[tuple[Page[T], bool]], int] = {}
            arrived: asyncio.Queue[asyncio.Future[tuple[Page[T], bool]]] = asyncio.Queue()

            closed = False  # the consumer has left: nothing more is asked for

            def launch() -> None:
                nonlocal next_offset
                while not closed and len(waiting) < ahead and next_offset < end:
                    task = asyncio.ensure_future(page_at(next_offset))
                    waiting[task] = next_offset
                    task.add_done_callback(landed)
                    next_offset += limit

            def landed(task: asyncio.Future[tuple[Page[T], bool]]) -> None:
                nonlocal end
                if task.cancelled() or task not in waiting:
                    return
                if task.exception() is None:
                    page, last = task.result()
                    if last:  # the list ends here: drop what was asked for beyond it
                        end = min(end, page.offset + limit)
                        for other, offset in list(waiting.items()):
                            if offset >= end:
                                del waiting[other]
                                other.cancel()
                    launch()
                arrived.put_nowait(task)

            # Ask for the other pages before parsing this one, so parsing overlaps the network.
            launch()
            try:
                # Let the other requests go out before this page is parsed and handed over
                # (and drawn): otherwise they would not start until then (SEND_TURNS).
                for _ in range(SEND_TURNS if waiting else 0):
                    await asyncio.sleep(0)
                first_page = _read_page(first, parse, fast, 0, size, _answer_age(first_response))
                if not first_page.skipped:
                    _commit(first_response)
                yield first_page
                while waiting:
                    task = await arrived.get()
                    if waiting.pop(task, None) is None:
                        continue  # cancelled: beyond the list's end
                    launch()  # its place is free: the next request goes out while this page is used
                    page, _ = task.result()
                    yield page
            finally:
                closed = True
                await cancel_and_wait(list(waiting))

    def _saves_held(self) -> contextlib.AbstractContextManager[None]:
        return self.cache.saves_held() if self.cache is not None else contextlib.nullcontext()

    async def list_all(
        self, kind: str, parse: Callable[[object], T], *, refresh: bool = False
    ) -> ItemList[T]:
        return _joined(await self._all_pages(kind, parse, refresh))

    async def _all_pages(self, kind: str, parse: Callable[[object], T], refresh: bool) -> list[Page[T]]:
        pages = [page async for page in self.iter_pages(kind, parse, refresh=refresh)]
        pages.sort(key=lambda page: page.offset)
        return pages

    async def _raw_page(
        self, kind: str, fast: bool, limit: int, offset: int, refresh: bool
    ) -> tuple[_Envelope, httpx.Response]:
        """One page, its items not yet parsed, and the response (to commit once they are)."""
        path, params = f"{kind}/", {"limit": limit, "offset": offset}

        def parse(response: httpx.Response) -> _Envelope:
            if fast:
                page = wire.list_page(response.content)
                if page is not None:
                    return _Envelope(page.items, True, page.count, page.last)
            data = self._decode(response)
            if isinstance(data, list):  # an unpaginated server: the whole list at once
                return _Envelope(data if offset == 0 else [], False, len(data), True)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise BadResponse(f"{self.host} sent a {kind} list of the wrong shape")
            last = "next" in data and data["next"] is None
            return _Envelope(data["results"], False, data.get("count"), last)

        return await self._fetch_answer(path, params, refresh, parse)

    # -- the endpoints ----------------------------------------------------------------------

    async def categories(self, *, refresh: bool = False) -> ItemList[Category]:
        return await self.list_all("categories", Category.from_api, refresh=refresh)

    async def category(self, id_or_slug: int | str, *, refresh: bool = False) -> Category:
        """A category by id, or by slug (API v4 has no slug lookup: the list is searched)."""
        key = str(id_or_slug).strip()
        if key.isdigit():
            return await self._get_parsed(f"categories/{key}/", None, refresh, _nothing, Category.from_api)
        for category in await self.categories(refresh=refresh):
            if category.answers_to(key):
                return category
        raise NotFound(f"no category {key!r} on {self.host}")

    async def grids(self, *, refresh: bool = False) -> ItemList[Grid]:
        asked = self.cache.clock() if self.cache is not None else 0.0
        pages = await self._all_pages("grids", Grid.from_api, refresh)
        ages = [page.age for page in pages]
        # A list served stale stands in for nothing: its grids are asked for.
        if self.cache is not None and None not in ages:
            made = asked - max((age for age in ages if age is not None), default=0.0)
            self._listed_grids = {grid.id: (grid, made) for page in pages for grid in page.items}
        return _joined(pages)

    async def grid(self, id_or_slug: int | str, *, refresh: bool = False) -> Grid:
        listed = None if refresh else self._listed_grid(id_or_slug)
        if listed is not None:
            return listed
        grid = await self._get_parsed(f"grids/{_key(id_or_slug)}/", None, refresh, _nothing, Grid.from_api)
        self._listed_grids.pop(grid.id, None)  # this answer is the newer
        return grid

    def _listed_grid(self, id_or_slug: int | str) -> Grid | None:
        """The grid as a fresh list answer gave it (see ``_listed_grids``), if one did."""
        if self.cache is None:
            return None  # --no-cache: every grid is asked for
        key, now = str(id_or_slug).strip().lower(), self.cache.clock()
        for grid, made in self._listed_grids.values():
            if (str(grid.id) == key or grid.slug.lower() == key) and now - made < self.cache.ttl:
                return grid
        return None

    async def package(self, id_or_slug: int | str, *, refresh: bool = False) -> Package:
        return await self._get_parsed(
            f"packages/{_key(id_or_slug)}/", None, refresh, wire.package, Package.from_api
        )

    def peek_grid(self, id_or_slug: int | str) -> Grid | None:
        """The grid if a fresh list named it (see :meth:`grid`) or the cache holds a fresh copy
        (see :meth:`peek_json`), else None."""
        listed = self._listed_grid(id_or_slug)
        if listed is not None:
            return listed
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

    async def search(self, term: str, *, refresh: bool = False) -> ItemList[SearchResult]:
        """The hits for ``term``; a hit that is not an object is left out and counted in
        the list's ``skipped``."""
        if not term.strip():
            return ItemList()
        data = await self.get_json("search/", {"q": term.strip()}, refresh=refresh)
        results = data["results"] if isinstance(data, dict) else data  # get_json checked: a list
        return _read_items(results, SearchResult.from_api)


class _Shared:
    """A request in flight and how many callers wait for it (see ``Client._fetch``)."""

    __slots__ = ("future", "waiting")

    def __init__(self, future: asyncio.Future[Any]) -> None:
        self.future = future
        self.waiting = 0


class _Attempts:
    """The retries one request may still make, shared by every reason to retry (a lost
    connection, a 5xx, a 429, a body that does not read), so their sum stays ``retries``."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.used = 0

    async def again(self, wait: float | None = None) -> bool:
        """Sleep (``wait``, else the backoff) and return True when a retry is left."""
        if self.used >= self.client.retries:
            return False
        pause = wait if wait is not None else self.client._backoff(self.used)
        retry_log.info(
            "retry %d of %d on %s in %.1f s", self.used + 1, self.client.retries, self.client.host, pause
        )
        await self.client._sleep(pause)
        self.used += 1
        return True


class _Envelope(msgspec.Struct, frozen=True):
    """A list page read as far as its shape: its items (undecoded JSON when ``raw``)."""

    items: Sequence[Any]
    raw: bool
    count: object
    last: bool  # the server said so (``"next": null``), or it was an unpaginated list


_UNREADABLE = (APIError, ValueError, TypeError, RecursionError)  # what a model of one item may raise


def _read_page(
    envelope: _Envelope,
    parse: Callable[[object], T],
    fast: Callable[[msgspec.Raw], T | None] | None,
    offset: int,
    size: int,
    age: float | None,
) -> Page[T]:
    if not envelope.raw or fast is None:
        items = _read_items(envelope.items, parse)
        return Page(list(items), size, offset, items.skipped, age)
    values: list[T] = []
    skipped = 0
    for item in envelope.items:
        value = fast(item)
        if value is None:  # an item the fast path cannot read goes the lenient way, alone
            try:
                value = parse(wire.item_json(item))
            except _UNREADABLE:
                skipped += 1
                continue
        values.append(value)
    _some_readable(values, skipped)
    return Page(values, size, offset, skipped, age)


def _joined(pages: list[Page[T]]) -> ItemList[T]:
    return ItemList((item for page in pages for item in page.items), sum(page.skipped for page in pages))


def _read_items(items: Iterable[object], parse: Callable[[object], T]) -> ItemList[T]:
    values: list[T] = []
    skipped = 0
    for item in items:
        try:
            values.append(parse(item))
        except _UNREADABLE:
            skipped += 1
    _some_readable(values, skipped)
    return ItemList(values, skipped)


def _some_readable(values: list[Any], skipped: int) -> None:
    """A list none of whose items can be read is not the list asked for (a page wrapped in a
    list, an error object per item): an error, not an empty list with a note."""
    if skipped and not values:
        raise BadResponse(f"the API sent a list in which none of the {skipped} items could be read")


def _shape_check(path: str) -> Callable[[Any], Any]:
    """What the JSON at ``path`` must be, as a function that raises BadResponse if it is not:
    so :meth:`Client.get_json` stores nothing its callers could not read."""
    kind, _, rest = path.partition("/")
    if kind in ("categories", "grids", "packages"):
        if rest == "":
            return _check_page
        if rest.count("/") == 1 and rest.endswith("/"):
            return {"categories": Category.from_api, "grids": Grid.from_api, "packages": Package.from_api}[
                kind
            ]
    if path == "search/":
        return _check_search
    return _as_is


def _check_page(data: Any) -> Any:
    if isinstance(data, list) or (isinstance(data, dict) and isinstance(data.get("results"), list)):
        return data
    raise BadResponse("the API sent a list of the wrong shape")


def _check_search(data: Any) -> Any:
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise BadResponse("the API sent search results of the wrong shape")
    return data


def _commit(response: httpx.Response) -> None:
    """Store ``response`` in the cache (if it came from the network through one)."""
    commit = response.extensions.get(COMMIT)
    if commit is not None:
        commit()


def _discard(response: httpx.Response) -> None:
    """Drop the stored copy ``response`` was read from (if it came from the cache)."""
    discard = response.extensions.get(DISCARD)
    if discard is not None:
        discard()


def _from_cache(response: httpx.Response) -> bool:
    return DISCARD in response.extensions


def _first_line(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup) and error.exceptions:
        return _first_line(error.exceptions[0])
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:160]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _wait_text(seconds: float | None) -> str:
    if seconds is None:
        return "a moment"
    if seconds >= MAX_RETRY_AFTER:
        return "an hour or more"
    if seconds >= 600:
        return f"{round(seconds / 60)} min"
    return f"{seconds:.0f} s"


def _key(id_or_slug: int | str) -> str:
    key = str(id_or_slug).strip()
    if not key:
        raise NotFound("an empty name matches nothing")
    return quote(key, safe="")


MAX_DETAIL_CHARS = 200


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    detail = data.get("detail") if isinstance(data, dict) else None
    # The server's words go into an error message a screen shows: cleaned, and bounded.
    return clean(detail)[:MAX_DETAIL_CHARS] if isinstance(detail, str) else ""


def _retry_after(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date, at most
    MAX_RETRY_AFTER; None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:  # "-0000" and the obsolete zones: HTTP dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now()
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


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


def _answer_age(response: httpx.Response) -> float | None:
    """How old ``response``'s answer is (see :attr:`Page.age`): None when served stale."""
    if STALE_AGE_HEADER in response.headers:
        return None
    cached = response.headers.get(AGE_HEADER)
    return float(cached) if cached else 0.0


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
    cache_max_bytes: int = DEFAULT_MAX_SIZE,
    max_body: int = DEFAULT_MAX_BODY,
    **client_options: Any,
) -> Client:
    """The app's one client: demo data in-process, or the network behind the disk cache.

    ``max_body`` caps each answer's decoded size; ``cache_max_bytes`` the cache file's."""
    if demo:
        from .demo import DEMO_BASE_URL, DemoAPI

        api_url, transport = DEMO_BASE_URL, DemoAPI().transport()
    elif transport is None:
        from .network import NetworkTransport

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        transport = NetworkTransport(limits, prepare_tls=urlsplit(api_url).scheme == "https")
    cache = transport if isinstance(transport, CachingTransport) else None  # the tests give their own
    transport = ConcurrencyLimit(
        transport, concurrency, deadline=DEADLINE_FACTOR * timeout, max_body=max_body
    )
    if cache_file is not None and not demo:
        transport = cache = CachingTransport(
            transport, cache_file, ttl=ttl, on_warning=on_cache_warning, max_size=cache_max_bytes
        )
    from .request_log import LoggingTransport

    transport = LoggingTransport(transport, source="demo" if demo else "network")
    if not api_url.endswith("/"):
        api_url += "/"
    if urlsplit(api_url).scheme not in ("http", "https"):
        raise ValueError(f"API URL must be http(s): {api_url}")
    http = httpx.AsyncClient(
        base_url=api_url,
        transport=transport,
        timeout=httpx.Timeout(timeout),
        # Only the encodings read_body inflates under its cap (httpx would offer br and zstd
        # too when their packages happen to be installed).
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
        # Redirects are followed by Client._get_following, only within the API's host.
        follow_redirects=False,
    )
    return Client(http, concurrency=concurrency, cache=cache, **client_options)
