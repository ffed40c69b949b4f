"""An on-disk HTTP cache with a freshness TTL, a refresh bypass and stale-if-offline.

hishel's SQLite storage keeps the bodies (streamed into chunks, size-limited, evicted);
this transport adds the policy the app needs, which hishel's own transports do not offer:

- a response younger than ``ttl`` is served without asking the network;
- a request with the ``REFRESH`` extension always asks the network;
- when the network fails (no connection, timeout, 5xx), a stored response of any age
  up to ``keep_for`` is served instead, marked with ``STALE_AGE_HEADER``.

Nothing is stored on arrival. This transport cannot know what shape an answer must have, so
a fresh 200 comes back with a ``COMMIT`` extension (a function), and the client calls it
once the body has parsed into what was asked for: a captive portal's page, a cut body or
``null`` is never stored, so it can neither replace nor shadow a good copy. With it comes
``FALLBACK``, the stored copy marked stale, for when every retry of a bad body fails. An
answer read from the store carries ``DISCARD``, which drops that stored copy (a bad one
stored before this rule). One copy is kept per URL: a new one replaces the old. The file has
a size cap (``max_size``), and the entries used least recently go first.

A cache that cannot be opened or written (corrupt file, read-only or full disk) is
switched off with a warning: the app then works uncached rather than failing.

hishel's synchronous storage is used on purpose: a lookup is a local SQLite read of well
under a millisecond, done on the event loop, where the async storage hops to a worker
thread for every query (a warm 40-package grid paid ~2 ms a lookup for those hops).
Writes, which can be megabytes for a catalogue page, go to a thread, and can be held back
while a many-page load is under way (:meth:`CachingTransport.saves_held`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from ..logs import logger

log = logger(__name__)
# The warning reaches the user through ``on_warning``; hishel logs its own storage failures
# with tracebacks. Neither may fall through to logging's last-resort stderr handler, which
# would print over the TUI.
logging.getLogger("hishel").addHandler(logging.NullHandler())

REFRESH = "pkgtui.refresh"
COMMIT = "pkgtui.commit"  # on a fresh network answer: call it to store the body
FALLBACK = "pkgtui.fallback"  # on a fresh network answer: returns the stored copy, marked stale
DISCARD = "pkgtui.discard"  # on an answer read from the store: drops that stored copy
STORED_AT_HEADER = "x-pkgtui-stored-at"
AGE_HEADER = "x-pkgtui-cache-age"
STALE_AGE_HEADER = "x-pkgtui-stale-age"

_opener = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pkgtui-cache")

DEFAULT_TTL = 3600.0
DEFAULT_KEEP_FOR = 30 * 86400.0
DEFAULT_MAX_SIZE = 200 * 1024 * 1024
# An entry read or written this recently is not evicted (hishel's grace for readers in
# progress; its default). Tests set 0 to see eviction without waiting.
DEFAULT_EVICT_AFTER = 180.0


class CachingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        next_transport: httpx.AsyncBaseTransport,
        database: Path,
        *,
        ttl: float = DEFAULT_TTL,
        keep_for: float = DEFAULT_KEEP_FOR,
        clock: Callable[[], float] = time.time,
        on_warning: Callable[[str], None] | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        evict_after: float = DEFAULT_EVICT_AFTER,
    ) -> None:
        self.next_transport = next_transport
        self.database = database
        self.ttl = ttl
        self.keep_for = max(keep_for, ttl)
        self.max_size = max(1, max_size)
        self.evict_after = max(0.0, evict_after)
        self.clock = clock
        self.on_warning = on_warning
        self.warning: str | None = None
        self._storage = None
        # A cache file that did not exist holds only what this run wrote: lookups of other
        # keys need not wait for the database to open (a first start pays nothing for it).
        self._started_empty = not database.exists()
        # Importing hishel and opening the database takes tens of milliseconds. With a file to
        # read, that starts now in a thread, so by the first lookup it is usually done. On a
        # first start nothing needs it until the first save: started now, the thread would
        # contend for the GIL with the first request (which imports httpcore), and that
        # request took ~100 ms to go out instead of ~50.
        self._opening: Future | None = None if self._started_empty else _opener.submit(self._open_storage)
        self._disabled = False
        self._written: set[str] = set()
        # Responses are saved in the background; a lookup of the same key waits for its save.
        self._saving: dict[str, asyncio.Task[None]] = {}
        # One event a saves_held block, set when it ends; a save waits for the blocks open
        # when its response came (kept in _save_holds, by key, until it is done).
        self._holds: list[asyncio.Event] = []
        self._save_holds: dict[str, tuple[asyncio.Event, ...]] = {}
        # URLs whose objects another home keeps (the app's synced catalogue store): such a
        # request goes straight to the network, is neither read from nor written to this
        # file, so nothing is kept twice. Asked per request, as the store fills or empties.
        self.kept_elsewhere: Callable[[str], bool] | None = None

    # -- storage, opened in the background and dropped on any failure ---------------------

    def _disable(self, why: str) -> None:
        if not self._disabled:
            self._disabled = True
            self.warning = f"cache {self.database} unusable ({why}); running without it"
            log.warning(self.warning)
            if self.on_warning is not None:
                self.on_warning(self.warning)

    def _open_storage(self):
        """Runs in a thread; raises on any problem."""
        import sqlite3

        from hishel import SqliteStorage

        self.database.parent.mkdir(parents=True, exist_ok=True)
        # Fail now, with a clear warning, on a corrupt or unreadable file: hishel would
        # otherwise log a traceback on every request.
        with sqlite3.connect(self.database) as probe:
            probe.execute("PRAGMA schema_version").fetchone()
        probe.close()
        storage = SqliteStorage(
            database_path=self.database,
            default_ttl=self.keep_for,
            max_size=self.max_size,
            soft_delete_ttl=self.evict_after,
        )
        storage.get_entries("")  # connects and creates the schema here, off the event loop
        return storage

    async def _open(self):
        if self._disabled:
            return None
        if self._storage is None:
            # Kept in _opening while it runs, so a peek meanwhile can see it finished.
            if self._opening is None:
                self._opening = _opener.submit(self._open_storage)
            opening = self._opening
            try:
                storage = await asyncio.wrap_future(opening)
            except Exception as error:  # noqa: BLE001 - any failure means "no cache", never a crash
                self._disable(_describe(error))
                return None
            if self._storage is None:  # a concurrent request may have set it while we waited
                self._storage = storage
            self._opening = None
        return self._storage

    def _opened_already(self):
        """The storage, if its opening thread has finished (no wait): a screen opened straight
        from the command line peeks before, or while, a lookup awaits the opening."""
        opening = self._opening
        if self._disabled or opening is None or not opening.done():
            return None
        self._opening = None
        try:
            self._storage = opening.result()
        except Exception as error:  # noqa: BLE001 - as in _open: no cache, never a crash
            self._disable(_describe(error))
        return self._storage

    async def _lookup(self, key: str) -> tuple[httpx.Response, float] | None:
        if key in self._saving and not self._is_held(key):  # a held one may wait long
            await asyncio.shield(self._saving[key])
        if self._started_empty and key not in self._written:
            return None
        storage = await self._open()
        if storage is None:
            return None
        found = self._newest(storage, key)
        if found is None:
            return None
        stored, body, stored_at = found
        headers = [(k, v) for k in stored.headers for v in stored.headers.get_list(k)]
        response = httpx.Response(stored.status_code, headers=headers, content=body)
        response.extensions[DISCARD] = functools.partial(self._discard, key, stored_at)
        return response, stored_at

    def _newest(self, storage, key: str) -> tuple[Any, bytes, float] | None:
        """The newest stored response for ``key`` (hishel's), its body, and when it was stored.
        A cache written before one copy was kept per key may hold several: only the newest
        body that can be read is read."""
        try:
            entries = sorted(storage.get_entries(key), key=_stored_at, reverse=True)
        except Exception as error:  # noqa: BLE001
            self._disable(_describe(error))
            return None
        for entry in entries:
            try:
                body = b"".join(entry.response.stream)
            except RuntimeError:  # replaced or evicted while being read: an older one may do
                continue
            except Exception as error:  # noqa: BLE001
                self._disable(_describe(error))
                return None
            return entry.response, body, _stored_at(entry)
        return None

    def _discard(self, key: str, stored_at: float) -> None:
        """Drop the copy of ``key`` stored at ``stored_at``: it was read and did not parse."""
        storage = self._storage
        if storage is None or self._disabled:
            return
        try:
            _delete(
                storage, [entry.id for entry in storage.get_entries(key) if _stored_at(entry) == stored_at]
            )
        except Exception as error:  # noqa: BLE001
            self._disable(_describe(error))

    def peek(self, url: str) -> bytes | None:
        """The body of a fresh stored answer to GET ``url``, read at once: no request, no
        await. None when there is none, or the cache is not open yet or is being written
        for that URL. A screen uses it to draw cached data in its first frame instead of
        flashing "Loading…" and drawing again a few milliseconds later."""
        if self._passes_by(url):
            return None
        key = cache_key(url)
        storage = self._storage or self._opened_already()
        if storage is None or self._disabled or key in self._saving:
            return None
        if self._started_empty and key not in self._written:
            return None
        found = self._newest(storage, key)
        if found is None or max(0.0, self.clock() - found[2]) >= self.ttl:
            return None
        return found[1]

    @contextlib.contextmanager
    def saves_held(self) -> Iterator[None]:
        """Responses that come while the block runs are saved when it ends (blocks may
        nest and overlap; a save waits for every block open when its response came).

        For a load of many large pages: each catalogue page took ~5-13 ms of CPU to save,
        in a thread that shares the cores (and the GIL, for hishel's own Python) with the
        pages still being read, parsed and drawn; on a one-core server that is all of it.
        A lookup of a key whose save is held reads what is stored already (an older copy,
        or nothing) instead of waiting for the load to end.
        """
        released = asyncio.Event()
        self._holds.append(released)
        try:
            yield
        finally:
            self._holds.remove(released)
            released.set()

    async def _store(
        self,
        key: str,
        request: httpx.Request,
        response: httpx.Response,
        body: bytes,
        stored_at: float,
        holds: tuple[asyncio.Event, ...] = (),
    ) -> None:
        for released in holds:
            await released.wait()
        storage = await self._open()
        if storage is None:
            return
        try:
            from hishel import Headers, Request, Response

            headers: dict[str, list[str]] = {}
            for name, value in _plain_headers(response):
                headers.setdefault(name, []).append(value)
            headers[STORED_AT_HEADER] = [repr(stored_at)]

            def write() -> None:
                entry = storage.create_entry(
                    Request(method=request.method, url=str(request.url)),
                    Response(status_code=response.status_code, headers=Headers(headers), stream=iter([body])),
                    key,
                )
                for _ in entry.response.stream:  # reading the stream is what saves it
                    pass
                # One copy per key: once this one is stored, the older ones go (a copy that
                # could not be stored, too big or no room, leaves them as they were). Only
                # older ones: a save of the same key finishing meanwhile keeps the newer.
                stored = storage.get_entries(key)
                if any(old.id == entry.id for old in stored):
                    _delete(
                        storage,
                        [old.id for old in stored if old.id != entry.id and _stored_at(old) <= stored_at],
                    )

            await asyncio.to_thread(write)
            self._written.add(key)
        except Exception as error:  # noqa: BLE001
            self._disable(_describe(error))

    def _save_later(self, key: str, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        """Save without holding up the response that is being returned."""
        # The response's age counts from now, not from when the save gets its turn.
        holds = self._save_holds[key] = tuple(self._holds)
        task = asyncio.ensure_future(self._store(key, request, response, body, self.clock(), holds))
        self._saving[key] = task
        task.add_done_callback(lambda done: self._forget_save(key, done))

    def _forget_save(self, key: str, done: asyncio.Task[None]) -> None:
        if self._saving.get(key) is done:
            del self._saving[key]
            self._save_holds.pop(key, None)

    def _is_held(self, key: str) -> bool:
        """Whether the save of ``key`` still waits for a saves_held block to end."""
        return not all(released.is_set() for released in self._save_holds.get(key, ()))

    # -- the transport -------------------------------------------------------------------

    def _passes_by(self, url: str) -> bool:
        return self.kept_elsewhere is not None and self.kept_elsewhere(url)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" or self._passes_by(str(request.url)):
            return await self.next_transport.handle_async_request(request)
        key = cache_key(str(request.url))
        cached = await self._lookup(key)
        now = self.clock()
        if cached is not None:
            response, stored_at = cached
            age = max(0.0, now - stored_at)
            if age > self.keep_for:
                cached = None
            elif age < self.ttl and not request.extensions.get(REFRESH):
                response.headers[AGE_HEADER] = f"{age:.0f}"
                return response

        try:
            response = await self.next_transport.handle_async_request(request)
        except httpx.TransportError:
            if cached is None:
                raise
            return self._stale(cached, now)

        if response.status_code >= 500 and cached is not None:
            await response.aclose()
            return self._stale(cached, now)
        if response.status_code != 200:
            return response
        try:
            body = await response.aread()
        except httpx.TransportError:
            if cached is None:
                raise
            return self._stale(cached, now)
        finally:
            await response.aclose()
        extensions = dict(response.extensions)
        # Stored only when the client has read it (COMMIT); until then the old copy stands.
        extensions[COMMIT] = functools.partial(self._save_later, key, request, response, body)
        if cached is not None:
            extensions[FALLBACK] = functools.partial(self._stale, cached, now, request)
        return httpx.Response(
            response.status_code,
            headers=_plain_headers(response),
            content=body,
            extensions=extensions,
        )

    @staticmethod
    def _stale(
        cached: tuple[httpx.Response, float], now: float, request: httpx.Request | None = None
    ) -> httpx.Response:
        response, stored_at = cached
        if request is not None:  # handed to the client directly, not through httpx
            response.request = request
        response.headers[STALE_AGE_HEADER] = f"{max(0.0, now - stored_at):.0f}"
        return response

    async def aclose(self) -> None:
        for released in self._holds:  # held saves too
            released.set()
        if self._saving:  # finish what is being saved before the database closes
            await asyncio.gather(*self._saving.values(), return_exceptions=True)
        await self.next_transport.aclose()
        if self._storage is not None:
            # Closing a broken cache must not fail the exit.
            with contextlib.suppress(Exception):
                self._storage.close()


def _delete(storage: Any, ids: list[Any]) -> None:
    """Delete stored entries now. hishel's ``remove_entry`` only hides an entry and keeps its
    bytes for ``soft_delete_ttl`` (for readers streaming it); 12 refreshes of a 20,000-package
    catalogue then held 13 copies on disk. This cache reads a body whole, and one deleted
    under a read only makes that read a miss (see _newest), so the rows go at once (their
    stream chunks with them: hishel's schema cascades the delete)."""
    for entry_id in ids:
        storage.remove_entry(entry_id)  # hidden at once, whatever happens below
        connection = getattr(storage, "connection", None)
        if connection is not None:
            connection.execute("DELETE FROM entries WHERE id = ?", (entry_id.bytes,))


def _stored_at(entry: Any) -> float:
    try:
        return float(entry.response.headers.get(STORED_AT_HEADER, "0") or 0)
    except ValueError:
        return 0.0


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _plain_headers(response: httpx.Response) -> list[tuple[str, str]]:
    """Headers that still describe the body once it is decoded and held in memory."""
    dropped = ("content-encoding", "transfer-encoding", "content-length")
    return [(k.lower(), v) for k, v in response.headers.multi_items() if k.lower() not in dropped]


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]
