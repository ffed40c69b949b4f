"""Fetching the whole catalogue into the store, committed atomically.

:func:`sync_catalogue` asks API v4 for the categories, the grids (whose list names each
grid's members) and every package, with the client's large page size (1,000: the live API
sets no upper bound on ``limit``), the pages after the first concurrently within the
client's bound. With ``usage=True`` it also reads API v3's package list for the usage counts
v4 does not carry; where v3 is missing, the counts held before are kept.

Pages are written as they arrive into staging tables (:mod:`.schema`), one short
transaction a page, by one writer thread, so memory holds only the pages in flight (the
client asks for no more while ``concurrency`` pages wait to be taken) and the event loop
never waits on the disk. v3's pages are asked for once v4's package pages all are, and the
staged packages are ranked and indexed while they arrive. When everything has arrived, one
transaction swaps the staged tables in. Until then readers see the previous catalogue; a sync killed at any
moment leaves it intact. One sync at a time per file (an advisory lock on a side file,
released by the kernel when a process dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import msgspec

from ..api import v3, wire
from ..api.client import Client, ResponseInfo
from ..api.errors import APIError, BadResponse
from ..api.models import Category, Grid, Package
from . import schema
from .store import (
    MAX_RAW_BYTES,
    PACKAGE_COLUMNS,
    PACKAGE_MARKS,
    Store,
    StoreError,
    columns_row,
    connect,
    package_row,
    raw_json,
    transaction,
)

# More than this many packages is not a catalogue djangopackages.org could hold (it lists
# ~20,000 with room to grow): an answer claiming more is not believed.
MAX_PACKAGES = 200_000
MAX_CATEGORIES = 1_000
MAX_GRIDS = 20_000
LOCK_WAIT = 600.0  # seconds a sync waits for another one on the same file
LOCK_POLL = 0.1

T = TypeVar("T")


class SyncBusy(StoreError):
    """Another process is syncing this catalogue (and ``wait`` was False, or it took too long)."""


class SyncProgress(msgspec.Struct, frozen=True):
    """How far a sync is: for "syncing 3,000 / 5,432" lines and bars."""

    phase: str  # "waiting" (for another sync), "fetching", "committing", "done"
    packages: int = 0
    packages_total: int | None = None  # known once the first page has arrived
    categories: int = 0
    grids: int = 0
    requests: int = 0


class SyncResult(msgspec.Struct, frozen=True):
    packages: int
    categories: int
    grids: int
    usage_counts: int  # packages whose usage count is known after the sync
    usage_source: str  # "v3" (fetched now), "kept" (v3 unavailable: the counts held before), "off"
    skipped: int  # items of the API's lists that were not objects of their kind
    requests: int  # answers received (HTTP requests that succeeded)
    seconds: float


ProgressCallback = Callable[[SyncProgress], None]


class _Item(NamedTuple):
    model: Any
    raw: bytes


# -- the advisory lock ------------------------------------------------------------------------


class SyncLock:
    """One sync at a time per catalogue file: ``flock`` on ``<file>.sync-lock``. The kernel
    releases it when the holder exits or is killed. (Where ``fcntl`` does not exist, there
    is no lock; two syncs then both complete, the later swap winning.)"""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".sync-lock")
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None

    def is_held_elsewhere(self) -> bool:
        if self.try_acquire():
            self.release()
            return False
        return True


# -- the staging writer ------------------------------------------------------------------------


class _StagingWriter:
    """Writes a sync's pages into the staging tables, on a thread of its own with a
    connection of its own, and swaps them in at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pkgtui-sync")
        self._connection: sqlite3.Connection | None = None
        self.packages = 0
        self._package_ids: set[int] = set()  # staged so far: at most MAX_PACKAGES of them
        self.categories = 0
        self.grids = 0

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(connection, *args)`` on the writer's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._call, work, args)

    def _call(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            if self._connection is None:
                self._connection = connect(self.path)
            return work(self._connection, *args)
        except sqlite3.Error as error:
            raise StoreError(f"cannot write the catalogue {self.path}: {error}") from None
        except OSError as error:
            raise StoreError(f"cannot write the catalogue {self.path}: {error.strerror or error}") from None

    def close(self) -> None:
        def close(connection: sqlite3.Connection | None) -> None:
            if connection is not None:
                connection.close()

        with contextlib.suppress(Exception):
            self._thread.submit(close, self._connection).result()
        self._connection = None
        self._thread.shutdown(wait=True)

    # The work, run on the writer's thread:

    @staticmethod
    def begin(c: sqlite3.Connection) -> None:
        with transaction(c):
            for statement in schema.drop_staged():  # what a killed sync left
                c.execute(statement)
            for statement in [*schema.catalogue_tables(schema.STAGE), schema.STAGE_USAGE]:
                c.execute(statement)

    def add_categories(self, c: sqlite3.Connection, items: list[_Item], offset: int, now: float) -> None:
        rows = [
            (item.model.id, offset + n, item.model.slug, item.model.title, item.raw, now)
            for n, item in enumerate(items)
        ]
        with transaction(c):
            c.executemany("INSERT OR REPLACE INTO stage_categories VALUES (?, ?, ?, ?, ?, ?)", rows)
            self.categories = c.execute("SELECT count(*) FROM stage_categories").fetchone()[0]

    def add_grids(self, c: sqlite3.Connection, items: list[_Item], offset: int, now: float) -> None:
        rows: list[tuple[Any, ...]] = []
        members: list[tuple[int, int, int]] = []
        for n, item in enumerate(items):
            grid: Grid = item.model
            rows.append((grid.id, offset + n, grid.slug, grid.title, item.raw, now))
            members.extend(
                (grid.id, position, package_id) for position, package_id in enumerate(grid.package_ids)
            )
        with transaction(c):
            c.executemany("INSERT OR REPLACE INTO stage_grids VALUES (?, ?, ?, ?, ?, ?)", rows)
            c.executemany("INSERT OR REPLACE INTO stage_grid_members VALUES (?, ?, ?)", members)
            self.grids = c.execute("SELECT count(*) FROM stage_grids").fetchone()[0]

    def add_packages(self, c: sqlite3.Connection, items: list[_Item], offset: int, now: float) -> None:
        # Each item's model is its row already (see _package_fast), but for where and when.
        rows = [(row[0], offset + n, *row[2:10], now, row[11]) for n, (row, _) in enumerate(items)]
        # In id order: the API lists packages newest (highest id) first, and rows inserted in
        # descending key order leave SQLite's pages half full. Sorted, a 20,000-package sync
        # wrote 25 MB of JSON rather than 51 MB, and its inserts took 85 -> 50 ms of CPU. The
        # sort is stable: of a package listed twice in a page, the later copy still wins.
        order = sorted(range(len(rows)), key=lambda n: rows[n][0])
        with transaction(c):
            # The live API's list can shift while it is paged: a package seen twice is kept once.
            c.executemany(
                f"INSERT OR REPLACE INTO stage_packages ({PACKAGE_COLUMNS}) VALUES ({PACKAGE_MARKS})",
                [rows[n] for n in order],
            )
            c.executemany(
                "INSERT OR REPLACE INTO stage_package_json (id, raw) VALUES (?, ?)",
                [(rows[n][0], items[n].raw) for n in order],
            )
        # Counted here rather than with count(*) a page, which rescans the table every time.
        self._package_ids.update(row[0] for row in rows)
        self.packages = len(self._package_ids)

    @staticmethod
    def add_usage(c: sqlite3.Connection, pairs: list[tuple[str, int]]) -> None:
        with transaction(c):
            c.executemany("INSERT OR REPLACE INTO stage_usage VALUES (?, ?)", pairs)

    @staticmethod
    def forget_usage(c: sqlite3.Connection) -> None:
        with transaction(c):
            c.execute("DELETE FROM stage_usage")

    @staticmethod
    def rank_packages(c: sqlite3.Connection) -> None:
        """Rank the staged packages, build their full-text index and index the staged tables:
        most of a commit's work, done as soon as the package list is whole, while API v3's
        usage pages still arrive (ranks do not depend on usage counts, and no index holds
        them). At 20,000 packages it took ~0.3 s of the ~0.4 s a sync spent after its last
        answer. Grids may still arrive: their rows then keep their index up to date."""
        with transaction(c):
            for statement in schema.RANK_STAGED:
                c.execute(statement)
            taken = [row[0] for row in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
            for statement in schema.staged_indexes(taken):
                c.execute(statement)

    @staticmethod
    def commit(c: sqlite3.Connection, usage_fresh: bool, meta: dict[str, Any]) -> int:
        """Swap the staged catalogue (ranked already) in; returns how many packages have a
        usage count.

        Two transactions: the first merges the usage counts into the staged packages, the
        second swaps them in. Readers are never blocked (WAL); other writers wait only for
        one of them at a time."""
        with transaction(c):
            staged = c.execute("SELECT count(*) FROM stage_packages").fetchone()[0]
            held = c.execute("SELECT count(*) FROM packages").fetchone()[0]
            if staged == 0 and held > 0:
                raise BadResponse("the API listed no packages; the catalogue held is kept")
            if usage_fresh:
                c.execute(
                    "UPDATE stage_packages SET usage_count = "
                    "(SELECT u.usage_count FROM stage_usage u WHERE u.slug = stage_packages.slug)"
                )
            c.execute("DROP TABLE stage_usage")
        with transaction(c):
            if not usage_fresh:  # here, so that counts written meanwhile are kept too
                c.execute(
                    "UPDATE stage_packages SET usage_count = "
                    "(SELECT p.usage_count FROM packages p WHERE p.id = stage_packages.id)"
                )
            for statement in schema.swap():
                c.execute(statement)
            c.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
            return c.execute("SELECT count(*) FROM packages WHERE usage_count IS NOT NULL").fetchone()[0]

    @staticmethod
    def abort(c: sqlite3.Connection) -> None:
        with transaction(c):
            for statement in schema.drop_staged():
                c.execute(statement)


# -- parsing list items, keeping their JSON --------------------------------------------------


def _package_fast(item: msgspec.Raw) -> _Item | None:
    """A package item as its row, from the fields a row holds (see wire.PackageColumns): a
    page waiting to be written holds ~1 kB a package (its JSON), not a model's objects."""
    columns = wire.package_columns(item)
    if columns is None:
        return None
    return _Item(columns_row(columns, 0, 0.0), bytes(item))


def _package_lenient(data: object) -> _Item | None:
    try:
        package = Package.from_api(data)
    except BadResponse:
        return None
    return _Item(package_row(package, 0, 0.0), raw_json(data))


def _lenient(parse: Callable[[object], Any]) -> Callable[[object], _Item | None]:
    """An item the API sent that is not an object of its kind becomes None (skipped)."""

    def item(data: object) -> _Item | None:
        try:
            return _Item(parse(data), raw_json(data))
        except BadResponse:
            return None

    return item


# -- the sync ---------------------------------------------------------------------------------


async def sync_catalogue(
    client: Client,
    store: Store | Path,
    *,
    progress: ProgressCallback | None = None,
    usage: bool = True,
    v3_url: str | None = None,
    wait: bool = True,
    lock_wait: float = LOCK_WAIT,
) -> SyncResult:
    """Fetch the whole catalogue into ``store`` (a Store, or the path of its file) and
    commit it in one transaction. Raises APIError (the catalogue held is then unchanged),
    StoreError, or SyncBusy when another sync holds the file (at once when ``wait`` is
    False, else after ``lock_wait`` seconds)."""
    path = store.path if isinstance(store, Store) else Path(store)
    if isinstance(store, Store):
        store.make()  # a store made late (the TUI's) has no file yet on a first start
    else:
        Store(path).close()  # creates the file, or sets a bad one aside
    report = progress or (lambda state: None)
    started = time.monotonic()
    lock = SyncLock(path)
    await _acquire(lock, wait, lock_wait, report)
    try:
        return await _sync(client, path, report, usage, v3_url, started)
    finally:
        lock.release()


async def _acquire(lock: SyncLock, wait: bool, lock_wait: float, report: ProgressCallback) -> None:
    if lock.try_acquire():
        return
    if not wait:
        raise SyncBusy("another pkgtui is syncing this catalogue")
    report(SyncProgress("waiting"))
    deadline = time.monotonic() + lock_wait
    while not lock.try_acquire():
        if time.monotonic() > deadline:
            raise SyncBusy(f"another pkgtui has been syncing this catalogue for over {lock_wait:g} s")
        await asyncio.sleep(LOCK_POLL)


async def _sync(
    client: Client, path: Path, report: ProgressCallback, usage: bool, v3_url: str | None, started: float
) -> SyncResult:
    writer = _StagingWriter(path)
    requests = 0
    skipped = 0
    total: int | None = None
    # Set once every page of the package list left to come is on its way: API v3's usage
    # pages are asked for from then on, so v4's packages come first (both share the
    # client's bound, so the network is as busy either way) and are ranked and indexed
    # while v3 arrives, rather than after the last answer (see _StagingWriter.rank_packages).
    packages_asked = asyncio.Event()

    def count_request(info: ResponseInfo) -> None:
        nonlocal requests
        requests += 1

    def tell(phase: str = "fetching") -> None:
        report(SyncProgress(phase, writer.packages, total, writer.categories, writer.grids, requests))

    async def fetch_list(
        kind: str,
        parse: Callable[[object], _Item | None],
        add: Callable[[sqlite3.Connection, list[_Item], int, float], None],
        bound: int,
        fast: Callable[[msgspec.Raw], _Item | None] | None = None,
    ) -> None:
        nonlocal skipped, total
        seen = 0
        pages = 0
        async for page in client.iter_pages(kind, parse, refresh=True, fast=fast):
            if page.count > bound:
                raise BadResponse(
                    f"{client.host} lists {page.count:,} {kind}, more than pkgtui keeps ({bound:,})"
                )
            seen += len(page.items)
            if seen > bound:
                raise BadResponse(f"{client.host} sent more than {bound:,} {kind}")
            pages += 1
            if kind == "packages":
                total = page.count
                # iter_pages keeps up to ``concurrency`` pages asked for ahead of those received.
                if math.ceil(page.count / client.page_size) - pages <= client.concurrency:
                    packages_asked.set()
            items = [item for item in page.items if item is not None and len(item.raw) <= MAX_RAW_BYTES]
            skipped += len(page.items) - len(items) + page.skipped  # ours, and what the client left out
            now, offset = time.time(), page.offset

            await writer.run(add, items, offset, now)
            tell()

    async def fetch_packages() -> None:
        try:
            await fetch_list("packages", _package_lenient, writer.add_packages, MAX_PACKAGES, _package_fast)
        finally:
            packages_asked.set()  # also when it failed: nothing waits for an event never set
        await writer.run(writer.rank_packages)

    async def fetch_usage() -> str:
        nonlocal requests
        if not usage:
            return "off"
        await packages_asked.wait()
        root = v3.v3_root(str(client.http.base_url), v3_url)
        try:
            async for pairs in v3.iter_usage_pages(client, root):
                requests += 1  # read past the client's listeners (see v3.iter_usage_pages)
                await writer.run(writer.add_usage, pairs)
        except APIError:
            # No v3 here (or it failed): the counts held before stay, the sync goes on.
            await writer.run(writer.forget_usage)
            return "kept"
        return "v3"

    client.listeners.append(count_request)
    try:
        await writer.run(writer.begin)
        tell()
        usage_task = asyncio.ensure_future(fetch_usage())
        lists = [
            asyncio.ensure_future(
                fetch_list("categories", _lenient(Category.from_api), writer.add_categories, MAX_CATEGORIES)
            ),
            asyncio.ensure_future(fetch_list("grids", _lenient(Grid.from_api), writer.add_grids, MAX_GRIDS)),
            asyncio.ensure_future(fetch_packages()),
        ]
        try:
            await _all_or_first_error([*lists, usage_task])
            usage_source = usage_task.result()
        finally:
            for task in [*lists, usage_task]:
                task.cancel()
            await asyncio.gather(*lists, usage_task, return_exceptions=True)
        tell("committing")
        seconds = time.monotonic() - started
        meta = {
            "synced_at": time.time(),
            "source_url": str(client.http.base_url),
            "sync_requests": requests,
            "sync_seconds": round(seconds, 3),
            "usage_source": usage_source,
        }
        usage_counts = await writer.run(lambda c: writer.commit(c, usage_source == "v3", meta))
        result = SyncResult(
            writer.packages,
            writer.categories,
            writer.grids,
            usage_counts,
            usage_source,
            skipped,
            requests,
            time.monotonic() - started,
        )
        tell("done")
        return result
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.shield(writer.run(writer.abort))
        raise
    finally:
        with contextlib.suppress(ValueError):
            client.listeners.remove(count_request)
        writer.close()


async def _all_or_first_error(tasks: Sequence[asyncio.Future[Any]]) -> None:
    """Wait for every task; the first to fail stops the others and its error is raised."""
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        error = task.exception()
        if error is not None:
            raise error
