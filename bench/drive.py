"""One benchmark case, run in its own process: ``python -m bench.drive CASE --url URL ...``.

Drives the real app headless (``create_app`` + ``run_test``) against the bench server and
prints one JSON object on stdout. A fresh process per case keeps one case's imports, caches
and memory out of the next case's figures (and makes ``ru_maxrss`` the case's own peak).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from msgspec.structs import replace

SIZE = (100, 30)
HOME_TIMEOUT = 30.0
LOAD_TIMEOUT = 60.0


def _use_cache_dir(path: Path) -> None:
    """Point the app's config, cache and user data at ``path`` (read when the app builds its
    client): the runs never read or add to the user's own bookmarks and history."""
    os.environ["XDG_CONFIG_HOME"] = str(path / "config")
    os.environ["XDG_CACHE_HOME"] = str(path / "cache")
    os.environ["XDG_DATA_HOME"] = str(path / "data")
    os.environ.pop("PKGTUI_CONFIG", None)
    os.environ.pop("PKGTUI_API_URL", None)


def _use_fresh_dirs() -> Path:
    """Empty config, cache and user-data dirs for this child process (see _use_cache_dir),
    removed when it exits: a full bench run starts dozens of children."""
    root = Path(tempfile.mkdtemp(prefix="pkgtui-bench-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    _use_cache_dir(root)
    return root


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _config(url: str):
    from pkgtui.config import load_config

    # PyPI's facts from the bench server's /pypi/ route, never the real PyPI (which is
    # reachable from this machine: unpointed, the category case asked pypi.org for 200 projects).
    return replace(load_config(api_url=url), pypi_url=url.replace("/api/v4/", "/pypi/"))


def _app(url: str, client: Any = None, store: Any = None):
    """The app as the CLI makes it (config file, store and client from the XDG dirs), or
    with the ``client`` or ``store`` given."""
    from pkgtui.app import create_app
    from pkgtui.target import StartTarget

    return create_app(_config(url), client=client, target=StartTarget(), store=store)


async def _home_loaded(app, pilot) -> None:
    """Home has shown its categories and grids, and nothing is left running."""
    deadline = time.perf_counter() + HOME_TIMEOUT
    await pilot.pause()
    while time.perf_counter() < deadline:
        await asyncio.wait_for(app.workers.wait_for_complete(), HOME_TIMEOUT)
        await pilot.pause()
        if not any(not w.is_finished for w in app.workers):
            return
    raise TimeoutError("the home screen did not finish loading")


async def _facts_done(app, pilot) -> None:
    """The screen's work after its rows were painted has ended: its PyPI facts, which grid and
    category screens start only after that frame, fetched and kept (so the bench counts those
    requests with the case that caused them, and a priming open leaves them in the store)."""
    deadline = time.perf_counter() + LOAD_TIMEOUT
    while time.perf_counter() < deadline:
        await pilot.pause()
        await asyncio.wait_for(app.workers.wait_for_complete(), LOAD_TIMEOUT)
        if getattr(app.screen, "_facts_done", True) and all(w.is_finished for w in app.workers):
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the screen's PyPI facts did not finish")


def _table(app, selector: str):
    from pkgtui.widgets import VirtualTable

    return app.screen.query_one(selector, VirtualTable)


def _rows_shown(
    app, selector: str, count: int, also: Callable[[], bool] = lambda: True
) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return _table(app, selector).row_count == count and also()
        except Exception:  # noqa: BLE001 - the screen is still being built
            return False

    return check


# -- opening a screen until its data is drawn --------------------------------------------------


async def open_and_time(
    app, pilot, clock, kind: str, key: str, drawn: Callable[[], bool], label: str = ""
) -> float:
    """Seconds from asking for the screen to the first frame painted with all its data."""
    with _profiled(label or f"open-{kind}"):
        started = time.perf_counter()
        app.open_screen(kind, key)
        painted = await clock.painted(drawn, LOAD_TIMEOUT)
    return painted - started


@contextlib.contextmanager
def _profiled(name: str) -> Iterator[None]:
    """With ``BENCH_PROFILE=DIR`` (and pyinstrument installed), profile the timed part into
    ``DIR/<name>-<pid>.txt`` (one file per child process, the last repetition in it wins): for
    finding where the time goes."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{name}-{os.getpid()}.txt").write_text(
            profiler.output_text(
                unicode=False, color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL"))
            )
        )


async def grid_cold(args) -> dict[str, Any]:
    """On a running app (home loaded), seconds from asking for grid ``--key`` to the first
    frame painted with every member's row, with empty config and cache dirs under
    ``--cache-root`` (nothing stored); ``--config`` lines go into the config file first, as a
    user would write them (``auto_sync = false``: no background sync fills the store)."""
    from bench.paint import PaintClock

    root = Path(args.cache_root)
    seconds = []
    for rep in range(args.reps):
        _use_cache_dir(root / f"rep{rep}")  # empty: every request goes to the server
        if args.config:
            config = root / f"rep{rep}" / "config" / "pkgtui" / "config.toml"
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text("".join(f"{line}\n" for line in args.config), encoding="utf-8")
        app = _app(args.url)
        async with app.run_test(headless=True, size=SIZE) as pilot:
            clock = PaintClock(app)
            await _home_loaded(app, pilot)
            if app.catalogue_synced():
                raise RuntimeError("the store holds a catalogue: this would not be a cold grid")
            await asyncio.sleep(args.settle)  # the person reading home before picking a grid
            seconds.append(
                await open_and_time(
                    app, pilot, clock, "grid", args.key, _rows_shown(app, "#grid-table", args.members)
                )
            )
            failed = [k for k in _table(app, "#grid-table").keys if not isinstance(k, int)]
            if failed:
                raise RuntimeError(f"{len(failed)} grid members failed to load")
            # Untimed: the members' PyPI facts (asked after the rows are drawn) land before the
            # app closes, so the bench counts those requests with this case's.
            await _facts_done(app, pilot)
    return {"seconds": seconds}


# -- a screen drawn from the local catalogue, and its in-memory floor ---------------------------


async def store_screen(args) -> dict[str, Any]:
    """A grid or category screen (``--what``) from the synced catalogue in ``--home`` (the XDG
    dirs ``pkgtui sync`` filled), in a new app each time: seconds from asking for the screen
    to the first frame painted with all ``--members`` rows, drawn from the store.

    Each repetition runs the floor and the app (which first alternates), in this process: the floor is the same
    app and screen with the screen's reads answered from memory (:class:`bench.memory_store.
    MemoryViews`, filled before the clock starts), so it paints the same rows through the same
    code, without SQLite. A first round of both is not counted (imports, SQLite's page cache),
    and the floor's rows must be the app's (checked). With ``--prime``, one app opens the
    screen and waits for its background work (PyPI's facts kept in the store), untimed."""
    from bench.memory_store import MemoryViews
    from bench.paint import PaintClock
    from pkgtui.store import Store
    from pkgtui.sync_command import catalogue_file

    _use_cache_dir(Path(args.home))
    grid = args.what == "grid"
    selector = "#grid-table" if grid else "#packages"

    async def open_once(app, label: str) -> tuple[float, list[tuple[str, ...]]]:
        def whole() -> bool:
            screen = app.screen
            return bool(screen.shown_from_store) and bool(getattr(screen, "complete", True))

        shown = _rows_shown(app, selector, args.members, whole)
        rows: list[tuple[str, ...]] = []

        def painted() -> bool:
            # The rows as that frame showed them (its time is taken before this runs): work
            # the screen does right after the frame (reading PyPI's facts) changes them.
            if not shown():
                return False
            table = _table(app, selector)
            rows.extend(tuple(str(cell) for cell in table.row(i)) for i in range(table.row_count))
            return True

        async with app.run_test(headless=True, size=SIZE) as pilot:
            clock = PaintClock(app)
            await _home_loaded(app, pilot)
            if not app.catalogue_synced():
                raise RuntimeError(f"no synced catalogue in {args.home}")
            seconds = await open_and_time(app, pilot, clock, args.what, args.key, painted, label)
            # Untimed: whatever the screen does next (PyPI's facts for rows whose facts are
            # not kept) ends before the app closes, so the bench counts its requests here.
            await _facts_done(app, pilot)
        return seconds, rows

    def floor_app():
        store = Store(catalogue_file(_config(args.url)))
        views = MemoryViews(store, grid=args.key) if grid else MemoryViews(store, category=args.key)
        return _app(args.url, store=views), store

    if args.prime:
        await open_once(_app(args.url), "prime")
        return {"seconds": [], "floor": []}

    async def open_floor() -> tuple[float, list[tuple[str, ...]]]:
        app, store = floor_app()
        try:
            return await open_once(app, f"{args.what}-memory")
        finally:
            store.close()

    seconds, floor = [], []
    for rep in range(args.reps + 1):
        # Which goes first alternates: the second of a pair runs after the first's app has
        # closed, and may pay for collecting its garbage.
        if rep % 2:
            app_seconds, app_rows = await open_once(_app(args.url), f"{args.what}-store")
            floor_seconds, floor_rows = await open_floor()
        else:
            floor_seconds, floor_rows = await open_floor()
            app_seconds, app_rows = await open_once(_app(args.url), f"{args.what}-store")
        if floor_rows != app_rows:
            differ = next(
                (pair for pair in zip(floor_rows, app_rows, strict=False) if pair[0] != pair[1]),
                (len(floor_rows), len(app_rows)),
            )
            raise RuntimeError(f"the in-memory floor painted other rows than the app: {differ}")
        if rep:
            floor.append(floor_seconds)
            seconds.append(app_seconds)
    return {"seconds": seconds, "floor": floor}


# -- typing into a filter -----------------------------------------------------------------------


def typing_sequence(words: list[str]) -> list[str]:
    """Each word typed a key at a time, then erased a key at a time: narrowing and widening."""
    keys: list[str] = []
    for word in words:
        keys += [_key_name(ch) for ch in word]
        keys += ["backspace"] * len(word)
    return keys


def _key_name(ch: str) -> str:
    return "space" if ch == " " else ch


async def type_and_time(
    pilot, clock, keys: list[str], on_key: Callable[[], int] | None = None
) -> list[dict[str, Any]]:
    """Per key: seconds from the key arriving to the last frame it caused (the app settled)."""
    timings = []
    with _profiled("typing"):
        timings = await _type_keys(pilot, clock, keys, on_key)
    return timings


async def _type_keys(pilot, clock, keys: list[str], on_key: Callable[[], int] | None) -> list[dict[str, Any]]:
    timings = []
    for key in keys:
        frames = clock.frames
        started = time.perf_counter()
        await pilot.press(key)
        last = await clock.settled(quiet=0.04, limit=2.0)
        if clock.frames == frames:
            raise RuntimeError(f"key {key!r} painted nothing")
        timings.append(
            {
                "key": key,
                "seconds": last - started,
                "rows": on_key() if on_key else None,
                "frames": clock.frames - frames,
            }
        )
    return timings


async def _focus_filter(app, pilot, selector: str):
    from textual.widgets import Input

    box = app.screen.query_one(selector, Input)
    box.cursor_blink = False  # a blinking cursor repaints twice a second: not the filter's doing
    box.focus()
    await pilot.pause()
    return box


async def catalogue(args) -> dict[str, Any]:
    """Open the category screen on a cold cache until every row is drawn; peak RSS; then type
    into its filter. ``auto_sync = false``: a first start's background sync would otherwise
    fill the store, and the category would be read from it (before 2026-12-02's last round it
    was, and the row measured 0.5×), or, since the sync waits for home's answers, would race
    the category's own pages. The category from the store has its own row."""
    from bench.paint import PaintClock

    root = _use_fresh_dirs()
    config = root / "config" / "pkgtui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("auto_sync = false\n", encoding="utf-8")
    app = _app(args.url)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        clock = PaintClock(app)
        await _home_loaded(app, pilot)
        if app.catalogue_synced():
            raise RuntimeError("the store holds a catalogue: this would not be a cold category")
        rss_before = _peak_rss_mb()

        def complete() -> bool:
            return bool(getattr(app.screen, "complete", True))

        seconds = await open_and_time(
            app, pilot, clock, "category", args.key, _rows_shown(app, "#packages", args.size, complete)
        )
        await pilot.pause()
        rss = _peak_rss_mb()
        keys = typing_sequence(args.words) if args.words else []
        typed = []
        if keys:
            # The filter's own cost: typing starts once the screen's PyPI facts (started by
            # opening on a cold cache) are fetched; bench/busy.py types while they arrive.
            await asyncio.wait_for(app.workers.wait_for_complete(), LOAD_TIMEOUT)
            await pilot.pause()
            await _focus_filter(app, pilot, "#filter")
            typed = await type_and_time(pilot, clock, keys, lambda: _table(app, "#packages").row_count)
    return {"seconds": seconds, "peak_rss_mb": rss, "rss_home_mb": rss_before, "keys": typed}


async def participants(args) -> dict[str, Any]:
    """Open the package with thousands of participants, then type into the participants filter."""
    from bench.paint import PaintClock

    _use_fresh_dirs()
    app = _app(args.url)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        clock = PaintClock(app)
        await _home_loaded(app, pilot)

        def listed() -> bool:
            try:
                return len(app.screen.query_one("#participants-list").names) == args.names
            except Exception:  # noqa: BLE001 - not there yet
                return False

        seconds = await open_and_time(app, pilot, clock, "package", args.key, listed)
        await asyncio.wait_for(app.workers.wait_for_complete(), LOAD_TIMEOUT)
        await pilot.pause()
        await _focus_filter(app, pilot, "#participants-filter")
        typed = await type_and_time(
            pilot,
            clock,
            typing_sequence(args.words),
            lambda: len(app.screen.query_one("#participants-list").names),
        )
    return {"seconds": seconds, "keys": typed}


async def home_search(args) -> dict[str, Any]:
    """Home on a synced catalogue (``--store``), offline (no request can go out), then type
    into its search box: each key searches the whole catalogue within the keystroke."""
    from bench.paint import PaintClock
    from pkgtui.app import create_app
    from pkgtui.store import Store
    from pkgtui.target import StartTarget

    _use_fresh_dirs()
    settings = replace(_config("http://127.0.0.1:9/api/v4/"), offline=True, auto_sync=False)
    with Store(Path(args.store)) as store:
        app = create_app(settings, target=StartTarget(), store=store)
        async with app.run_test(headless=True, size=SIZE) as pilot:
            clock = PaintClock(app)
            await _home_loaded(app, pilot)
            if not app.catalogue_synced():
                raise RuntimeError("home-search: the store holds no catalogue")
            await _focus_filter(app, pilot, "#filter")
            results = app.screen.query_one("#results-title")

            def counted() -> int:
                # The hits the title gives, e.g. "Search results for 'dj' (20,000) in the local
                # catalogue": a local search's whole count, not the rows shown.
                text = str(results.render())
                if "local catalogue" not in text and _table(app, "#results").row_count:
                    raise RuntimeError(f"home-search: results not from the local catalogue: {text}")
                # "(1,000 of 20,000)" when it lists the first 1,000.
                inside = text.rpartition("(")[2].partition(")")[0].replace(",", "").split()
                return int(inside[-1]) if inside and inside[-1].isdigit() else 0

            typed = await type_and_time(pilot, clock, typing_sequence(args.words), counted)
    return {"keys": typed}


async def keys_floor(args) -> dict[str, Any]:
    """The framework's floor for a keystroke: a bare app with one Input and nothing listening."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Label

    from bench.paint import PaintClock

    class BareInput(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="box")
            yield Label("bare-textual-floor")

    app = BareInput()
    async with app.run_test(headless=True, size=SIZE) as pilot:
        clock = PaintClock(app)
        await _focus_filter(app, pilot, "#box")
        typed = await type_and_time(pilot, clock, typing_sequence(args.words))
    return {"keys": typed}


# -- network floors: plain httpx, no app ----------------------------------------------------------


async def network_floor(args) -> dict[str, Any]:
    """The least time the data can take: plain httpx, one connection per request in flight.

    grid: the grid, then all its members at once (two round trips).
    catalogue: the first page of packages, then the other pages at once (two round trips).
    v3grid: API v3's whole grid ``--key`` (a slug) in one request, the URL the grid screen
    asks for (``grids/<slug>/packages/?limit=...&offset=0``).
    replay: the ``--paths`` given (the ones an app sent), all at once but at most
    ``--in-flight`` at a time, over that many clients kept from request to request.

    Each request in flight gets a client of its own: httpcore's pool does work quadratic in
    its connection count on every request (40 connections in one pool took ~500 ms where 40
    single-connection pools take ~70 ms), which would make the floor slower than the network
    and flatter the app.

    ``--in-flight N`` (grid only) asks for the members at most N at a time, as the app does
    with its ``concurrency`` setting: the least time a client bound to N requests can take.

    ``--connections fresh`` (the default) opens new connections in every repetition, as the
    app must the first time it opens a grid after starting (the clients themselves, and their
    TLS settings, are made before the clock starts). ``warm`` keeps them across repetitions:
    the floor for a grid opened later in a session, with connections already open.
    """
    import ssl

    import httpx

    context = ssl.create_default_context()  # made once: not what is being measured
    clients: list[httpx.AsyncClient] = []

    def make_clients(count: int) -> None:
        while len(clients) < count:
            clients.append(httpx.AsyncClient(base_url=args.url, timeout=30, verify=context))

    async def drop_clients() -> None:
        for each in clients:
            await each.aclose()
        clients.clear()

    async def get(index: int, path: str, **params: Any) -> Any:
        response = await clients[index].get(path, params=params or None)
        response.raise_for_status()
        return json.loads(response.content)

    from urllib.parse import urljoin

    from pkgtui.store.members import _limit as members_limit

    v3_url = urljoin(args.url, f"../v3/grids/{args.key}/packages/")
    origin = args.url.split("/api/")[0]
    urls = [origin + path for path in args.paths.split(",") if path]

    async def replay(urls: list[str], in_flight: int) -> None:
        """``urls`` at most ``in_flight`` at a time, as the app's bound allows: one client a
        request in flight, each kept for the next request (as the app's lanes are)."""
        bound = asyncio.Semaphore(in_flight)
        free = list(range(in_flight))

        async def one(url: str) -> None:
            async with bound:
                index = free.pop()
                try:
                    response = await clients[index].get(url)
                    if response.status_code != 404:  # a missing API v3: the app was answered so too
                        response.raise_for_status()
                    json.loads(response.content)
                finally:
                    free.append(index)

        await asyncio.gather(*(one(url) for url in urls))

    seconds = []
    try:
        # Untimed: the first request imports the rest of the HTTP stack (httpcore's backend,
        # h11, anyio), which the app has done by the time it opens a grid (home came first).
        async with httpx.AsyncClient(base_url=args.url, timeout=30, verify=context) as warm_up:
            (await warm_up.get("categories/")).raise_for_status()
        for _ in range(args.reps):
            if args.connections == "fresh":
                await drop_clients()
            make_clients(args.members or 64)  # enough for any page count the bench makes
            started = time.perf_counter()
            if args.what == "v3grid":
                # API v3's whole grid, as the grid screen asks for it (store/members.py).
                await get(0, v3_url, limit=members_limit(args.members), offset=0)
            elif args.what == "replay":
                await replay(urls, args.in_flight or len(urls) or 1)
            elif args.what == "grid":
                grid = await get(0, f"grids/{args.key}/")
                ids = [url.rstrip("/").rsplit("/", 1)[1] for url in grid["packages"]]
                make_clients(len(ids))  # only if --members was too small: then counted
                bound = asyncio.Semaphore(args.in_flight or len(ids) or 1)

                async def member(index: int, pid: str, bound: asyncio.Semaphore = bound) -> Any:
                    async with bound:
                        return await get(index, f"packages/{pid}/")

                members = await asyncio.gather(*(member(i, pid) for i, pid in enumerate(ids)))
                assert len(members) == len(ids)
            else:
                limit = args.page_size
                first = await get(0, "packages/", limit=limit, offset=0)
                offsets = range(limit, first["count"], limit)
                make_clients(len(offsets))
                rest = await asyncio.gather(
                    *(get(i, "packages/", limit=limit, offset=o) for i, o in enumerate(offsets))
                )
                assert len(first["results"]) + sum(len(p["results"]) for p in rest) == first["count"]
            seconds.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)  # let the server's threads finish before the next round
    finally:
        await drop_clients()
    return {"seconds": seconds}


# -- PyPI facts: the readiness screen on a grid, from nothing stored --------------------------


async def pypi_facts(args) -> dict[str, Any]:
    """The readiness screen on grid ``--key`` (a slug) of ``--members`` packages: seconds from
    asking for the screen to the first frame painted with every member's PyPI facts (each is
    in the store before its row changes). Each repetition starts from a copy of the synced
    catalogue ``--store`` holding no facts, in a new app (new PyPI connections, as the first
    fetch of a session). With ``--warm``, the store is used as it is (facts kept)."""
    import shutil

    from bench.paint import PaintClock
    from pkgtui.app import create_app
    from pkgtui.config import load_config
    from pkgtui.screens.readiness import ReadinessScreen
    from pkgtui.store import Store
    from pkgtui.target import StartTarget

    root = Path(args.cache_root)
    seconds, cpu = [], []
    for rep in range(args.reps):
        _use_cache_dir(root / f"rep{rep}")
        path = Path(args.store)
        if not args.warm:
            path = root / f"rep{rep}" / "catalogue.sqlite"
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(args.store, path)
        store = Store(path)
        config = replace(load_config(api_url=args.url), auto_sync=False, pypi_url=args.pypi_url)
        app = create_app(config, target=StartTarget(), store=store)
        async with app.run_test(headless=True, size=SIZE) as pilot:
            clock = PaintClock(app)
            await _home_loaded(app, pilot)

            def all_shown(app: Any = app) -> bool:
                screen = app.screen
                return (
                    isinstance(screen, ReadinessScreen)
                    and len(screen.rows) == args.members
                    and not screen.pending
                    and all(row.facts is not None for row in screen.rows)
                    and _table(app, "#readiness-table").row_count == args.members
                )

            with _profiled("pypi-facts"):
                started, cpu_started = time.perf_counter(), time.process_time()
                app.open_screen("readiness", f"grid:{args.key}")  # as d on home does
                painted = await clock.painted(all_shown, LOAD_TIMEOUT)
                cpu.append(time.process_time() - cpu_started)
            screen = app.screen
            assert isinstance(screen, ReadinessScreen)
            seconds.append(painted - started)
            await app.workers.wait_for_complete()
        kept = store.pypi_facts(row.pypi_name for row in screen.rows if row.pypi_name)
        store.close()
        if len(kept) != args.members or any(each.facts is None for each in kept.values()):
            raise RuntimeError(f"{args.members - len(kept)} members' facts were not kept")
    return {"seconds": seconds, "cpu": cpu, "store": str(path)}


async def pypi_floor(args) -> dict[str, Any]:
    """The least time the same facts can take: plain httpx fetching the ``--projects``' JSON
    from ``--pypi-url`` at most ``--in-flight`` at a time (the app's PyPI bound), each request
    in flight on a client of its own (see network_floor), new connections every repetition;
    bodies decoded as JSON, nothing parsed further or stored."""
    import ssl

    import httpx

    context = ssl.create_default_context()
    names = [name for name in args.projects.split(",") if name]
    seconds, cpu = [], []
    async with httpx.AsyncClient(timeout=30, verify=context) as warm_up:  # untimed: imports
        (await warm_up.get(f"{args.pypi_url}{names[0]}/json")).raise_for_status()
    for _ in range(args.reps):
        clients = [httpx.AsyncClient(timeout=30, verify=context) for _ in range(args.in_flight)]
        free = list(clients)
        bound = asyncio.Semaphore(args.in_flight)

        async def one(name: str, bound: asyncio.Semaphore = bound, free: list = free) -> Any:
            async with bound:
                client = free.pop()
                try:
                    response = await client.get(f"{args.pypi_url}{name}/json")
                    response.raise_for_status()
                    return json.loads(response.content)
                finally:
                    free.append(client)

        started, cpu_started = time.perf_counter(), time.process_time()
        answers = await asyncio.gather(*(one(name) for name in names))
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        assert len(answers) == len(names)
        for client in clients:
            await client.aclose()
        await asyncio.sleep(0.05)
    return {"seconds": seconds, "cpu": cpu}


CASES = {
    "pypi": pypi_facts,
    "pypi-floor": pypi_floor,
    "grid": grid_cold,
    "store-screen": store_screen,
    "catalogue": catalogue,
    "participants": participants,
    "keys-floor": keys_floor,
    "home-search": home_search,
    "network-floor": network_floor,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drive")
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--url", default="")
    parser.add_argument("--key", default="")
    parser.add_argument(
        "--what", default="grid", choices=("grid", "catalogue", "category", "v3grid", "replay")
    )
    parser.add_argument("--paths", default="", help="network-floor --what replay: comma-separated paths")
    parser.add_argument("--home", default="", help="store-screen: XDG dirs holding a synced catalogue")
    parser.add_argument("--prime", action="store_true", help="store-screen: open once, untimed")
    parser.add_argument("--config", action="append", default=[], help="grid: a config file line")
    parser.add_argument("--members", type=int, default=0)
    parser.add_argument("--settle", type=float, default=0.0, help="grid: seconds on home before opening it")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--names", type=int, default=0)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--connections", default="fresh", choices=("fresh", "warm"), help="network-floor: new or kept"
    )
    parser.add_argument(
        "--in-flight", type=int, default=0, help="network-floor, grid: members at most N at a time (0: all)"
    )
    parser.add_argument("--cache-root", default="")
    parser.add_argument("--words", nargs="*", default=[])
    parser.add_argument("--pypi-url", default="", help="pypi, pypi-floor: the bench server's /pypi/")
    parser.add_argument("--store", default="", help="pypi, home-search: a synced catalogue to start from")
    parser.add_argument("--warm", action="store_true", help="pypi: use --store as it is (facts kept)")
    parser.add_argument("--projects", default="", help="pypi-floor: comma-separated PyPI names")
    args = parser.parse_args(argv)
    if any(url and not url.startswith("http://127.0.0.1:") for url in (args.url, args.pypi_url)):
        parser.error("the benchmarks only talk to 127.0.0.1")
    result = asyncio.run(CASES[args.case](args))
    result["peak_rss_mb_process"] = _peak_rss_mb()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
