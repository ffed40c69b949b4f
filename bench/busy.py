"""Keystrokes while the app is busy: typing into the category filter (6,000 rows) while the
screen's first PyPI facts fetch runs (issue 16: p95 ≤ 16 ms a key, whatever else runs).

The filter case (``bench.drive catalogue``) types only once the facts fetch is done. Here the
category is opened on a synced catalogue with no PyPI facts kept, against a server whose
``/pypi/`` route answers for every package of the category (PyPI's JSON, 25-50 KB each, after
the bench's latency), and the keys are typed while the fetch runs. A what-if row does the same
with answers of LONG_HISTORY releases each (~220 KB, a popular app's history).

Timing: from the key reaching the app to the first frame painted with the key's text in the
box. The filter runs in the box's value watcher, in the same handler as the key, so that frame
also shows the filtered table. The filter case's "last frame the key caused, then 40 ms quiet"
cannot be used while facts arrive: their redraws (every 100 ms) paint frames no key caused,
and the quiet window would charge them to the keys. The keys are sent as a terminal's input
thread sends them (``driver.send_message``), not with ``pilot.press``, which waits for the
process to go idle after each key (up to a second each while the fetch keeps it busy).
Once the fetch is done, the same keys are typed again the same way: the "fetch done" row is
the control, same method, same screen. Floor: a bare Textual ``Input``, the same method.

Run side: :func:`busy_case` (``bench.run --cases busy``). Child side: ``python -m bench.busy
busy|floor ...``, one fresh process each.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from . import data

if TYPE_CHECKING:
    from tests.server import LocalAPI

    from .run import Bench

# Keys typed at most while the fetch runs (a bound: the fetch could hang), and the pause after
# each key's frame before the next (a quick typist's gap; the filter case waits 40 ms quiet).
MAX_KEYS = 400
KEY_GAP = 0.04
KEY_TIMEOUT = 5.0
FETCH_START_TIMEOUT = 10.0
WORDS = ["forms", "cache 12", "rest api"]  # the filter case's words (bench.run CATEGORY_WORDS)


# -- child side ------------------------------------------------------------------------------


def _after(value: str, key: str) -> str:
    """The box's text after ``key`` (as bench.drive.typing_sequence names keys)."""
    if key == "backspace":
        return value[:-1]
    return value + (" " if key == "space" else key)


def _key_event(key: str):
    from textual import events

    char = {"space": " ", "backspace": "\x7f"}.get(key, key)
    return events.Key(key, char)


async def type_while(
    app, clock, box, keys: list[str], going: Callable[[], bool], *, gap: float = KEY_GAP
) -> list[dict[str, Any]]:
    """Type ``keys`` while ``going()`` holds (all of them if it always does): per key, seconds
    from sending it to the first frame painted with its text in ``box``, and whether
    ``going()`` held when it was sent."""
    timings = []
    driver = app._driver
    for key in keys:
        if not going():
            break
        expected = _after(box.value, key)
        waiter = asyncio.ensure_future(
            clock.painted(lambda expected=expected: box.value == expected, KEY_TIMEOUT)
        )
        await asyncio.sleep(0)  # the waiter is registered before the key can paint
        during = going()
        started = time.perf_counter()
        driver.send_message(_key_event(key))
        painted = await waiter
        timings.append({"key": key, "seconds": painted - started, "during": during})
        await asyncio.sleep(gap)
    return timings


async def _focused_box(app, selector: str):
    """The filter box, focused, its cursor not blinking (a blink repaints: not the key's doing).
    Not bench.drive._focus_filter: its pilot.pause() waits for the process to go idle, which it
    does not while facts arrive."""
    from textual.widgets import Input

    box = app.screen.query_one(selector, Input)
    box.cursor_blink = False
    box.focus()
    await asyncio.sleep(0.01)
    return box


def _sequence(count: int) -> list[str]:
    from .drive import typing_sequence

    one = typing_sequence(WORDS)
    return (one * (count // len(one) + 1))[:count]


async def busy(args) -> dict[str, Any]:
    """One app: open the category on a copy of ``--store`` (synced, no facts kept), type while
    its facts fetch runs, then again once it is done."""
    from pkgtui.app import create_app
    from pkgtui.config import load_config
    from pkgtui.facts import pypi_name_of
    from pkgtui.screens.category import VIEW_FACTS_DELAY
    from pkgtui.store import Store
    from pkgtui.target import StartTarget

    from .drive import (
        LOAD_TIMEOUT,
        SIZE,
        _home_loaded,
        _profiled,
        _rows_shown,
        _use_cache_dir,
        open_and_time,
        typing_sequence,
    )
    from .paint import PaintClock

    root = Path(args.cache_root)
    _use_cache_dir(root)
    path = root / "catalogue.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.store, path)
    store = Store(path)
    config = replace(load_config(api_url=args.url), pypi_url=args.pypi_url)
    app = create_app(config, target=StartTarget(), store=store)
    async with app.run_test(headless=True, size=SIZE) as pilot:
        clock = PaintClock(app)
        await _home_loaded(app, pilot)

        def complete() -> bool:
            return bool(getattr(app.screen, "complete", False))

        opened = await open_and_time(
            app, pilot, clock, "category", args.key, _rows_shown(app, "#packages", args.size, complete)
        )
        screen = app.screen
        deadline = time.perf_counter() + FETCH_START_TIMEOUT
        while not screen.facts_pending:  # asked for after the first paint
            if time.perf_counter() > deadline:
                raise RuntimeError("the category's facts fetch did not start")
            await asyncio.sleep(0.002)
        fetch_started = time.perf_counter()
        box = await _focused_box(app, "#filter")
        with _profiled("busy-typing"):
            during = await type_while(app, clock, box, _sequence(MAX_KEYS), lambda: screen.facts_pending)
        deadline = time.perf_counter() + LOAD_TIMEOUT
        while screen.facts_pending:  # when MAX_KEYS ran out first
            if time.perf_counter() > deadline:
                raise RuntimeError("the category's facts fetch did not end")
            await asyncio.sleep(0.005)
        fetch_seconds = time.perf_counter() - fetch_started
        await asyncio.wait_for(app.workers.wait_for_complete(), LOAD_TIMEOUT)
        box.value = ""
        await asyncio.sleep(0.1)
        # As many keys as were typed during the fetch, and at least the filter case's round.
        count = max(len(during), len(typing_sequence(WORDS)))
        after = await type_while(app, clock, box, _sequence(count), lambda: True)
        # The rows those keys put in view have their facts asked for once the view stays put
        # (VIEW_FACTS_DELAY): let that fetch start and end before counting what was kept, or
        # the count races it (seen: "1 of 724 facts not kept" when the timer fired first).
        await asyncio.sleep(VIEW_FACTS_DELAY + 0.1)
        deadline = time.perf_counter() + LOAD_TIMEOUT
        while screen.facts_pending:
            if time.perf_counter() > deadline:
                raise RuntimeError("the facts fetch for the view did not end")
            await asyncio.sleep(0.005)
        await asyncio.wait_for(app.workers.wait_for_complete(), LOAD_TIMEOUT)
        asked = [package for package in screen.packages if package.id in screen._asked_ids]  # and answered
    names = [name for name in (pypi_name_of(p) for p in asked) if name]
    kept = store.pypi_facts(names)
    store.close()
    return {
        "opened": opened,
        "fetch_seconds": fetch_seconds,
        "during": during,
        "after": after,
        "asked": len(names),
        "kept_facts": sum(1 for each in kept.values() if each.facts is not None),
        # Those without facts, with what the store says of them (see _pooled_reps).
        "not_kept": [
            [name, kept[name].error if name in kept else "nothing kept"]
            for name in names
            if name not in kept or kept[name].facts is None
        ],
    }


async def floor(args) -> dict[str, Any]:
    """A bare Textual app with one Input and nothing listening, typed into the same way."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Label

    from .drive import SIZE
    from .paint import PaintClock

    class BareInput(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="box")
            yield Label("bare-textual-floor")

    app = BareInput()
    async with app.run_test(headless=True, size=SIZE):
        clock = PaintClock(app)
        box = await _focused_box(app, "#box")
        await asyncio.sleep(0.1)
        keys = await type_while(app, clock, box, _sequence(args.keys), lambda: True)
    return {"keys": keys}


CHILD_CASES = {"busy": busy, "floor": floor}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.busy")
    parser.add_argument("case", choices=sorted(CHILD_CASES))
    parser.add_argument("--url", default="")
    parser.add_argument("--pypi-url", default="")
    parser.add_argument("--key", default="")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--store", default="")
    parser.add_argument("--cache-root", default="")
    parser.add_argument("--keys", type=int, default=42)
    args = parser.parse_args(argv)
    if any(url and not url.startswith("http://127.0.0.1:") for url in (args.url, args.pypi_url)):
        parser.error("the benchmarks only talk to 127.0.0.1")
    result = asyncio.run(CHILD_CASES[args.case](args))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


# -- run side --------------------------------------------------------------------------------


def _child(case: str, *args: str) -> dict:
    from .run import CHILD_TIMEOUT, REPO, _env

    done = subprocess.run(
        [sys.executable, "-m", "bench.busy", case, *args],
        cwd=REPO,
        env=_env(TEXTUAL_FPS="1000"),  # as the filter case: the work a key costs, not a 60 Hz tick
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"busy {case} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# A popular Django app's release history, for the what-if row: PyPI's answer for it runs to
# a few hundred KB (the bench's usual answers have 10-60 releases, 25-50 KB).
LONG_HISTORY = 300


def _with_history(project: dict[str, Any], count: int) -> dict[str, Any]:
    """``project`` with ``count`` releases: older ones added before those it has."""
    releases = dict(project["releases"])
    older = {
        f"0.0.{n}": f"{2008 + n * 15 // count}-06-01T12:00:00" for n in range(max(0, count - len(releases)))
    }
    return {**project, "releases": older | releases}


@contextlib.contextmanager
def busy_server(scratch: Path, history: int = 0) -> Iterator[tuple[LocalAPI, Path, data.Dataset]]:
    """The bench's dataset on a server of its own whose PyPI answers for every package of the
    category (the bench server's answers only for grid members), and a catalogue synced from
    it (untimed) for the category to open from. Its own: a server rebinds its DemoAPI's base
    URL, so the bench server's dataset must not be shared. ``history``: every project has that
    many releases (0: the bench's usual 10-60)."""
    from pkgtui.api import open_client
    from pkgtui.api.demo import DemoPyPI
    from pkgtui.store import sync_catalogue
    from tests.server import Faults, LocalAPI

    from .run import REPO

    dataset = data.build()
    rng = random.Random(data.SEED + 2)
    marker = f"/categories/{dataset.category_id}/"
    projects = {
        p["slug"]: data.pypi_project(rng, p) for p in dataset.api.packages if p["category"].endswith(marker)
    }
    if history:
        projects = {name: _with_history(project, history) for name, project in projects.items()}
    compileall.compile_dir(str(REPO / "src" / "pkgtui"), quiet=1)  # as the pypi case: no compiling timed
    catalogue = scratch / f"busy-catalogue-{history}.sqlite"
    with LocalAPI(api=dataset.api, faults=Faults(latency=0.0), pypi=DemoPyPI(projects)) as server:

        async def fill() -> None:
            async with open_client(server.url) as client:
                await sync_catalogue(client, catalogue, usage=False)

        asyncio.run(fill())
        yield server, catalogue, dataset


@dataclass
class _Pooled:
    during: list[float] = field(default_factory=list)  # keys sent while the fetch ran
    after: list[float] = field(default_factory=list)  # the same keys once it was done
    fetches: list[float] = field(default_factory=list)  # each fetch, start to end
    timeouts: int = 0  # PyPI requests the app gave up on (the bench server answered too late)
    requests: int = 0  # PyPI requests the server saw
    asked: int = 0  # names each fetch asked for
    sizes: list[int] = field(default_factory=list)  # bytes of the answers, the first rep's


def _pooled_reps(bench: Bench, history: int, floor_keys: list[float] | None) -> _Pooled:
    """``bench.reps`` fresh apps on a server answering with ``history`` releases a project;
    with ``floor_keys``, a bare-Input floor process before each (so a busy moment lands on
    both), its keys added there."""
    pooled = _Pooled()
    with busy_server(bench.scratch, history) as (server, catalogue, dataset):
        server.faults.latency = bench.latency
        for rep in range(bench.reps):
            if floor_keys is not None:
                floor_keys += [k["seconds"] for k in _child("floor", "--keys", "84")["keys"]]
            with server.log.lock:
                before = len(server.log.paths)
            result = _child(
                "busy", "--url", server.url, "--pypi-url", server.pypi_url,
                "--key", str(dataset.category_id), "--size", str(dataset.catalogue_size),
                "--store", str(catalogue), "--cache-root", str(bench.scratch / f"busy-{history}-{rep}"),
            )  # fmt: skip
            with server.log.lock:
                asked_paths = [p for p in server.log.paths[before:] if p.startswith("/pypi/")]
            pooled.requests += len(asked_paths)
            # Every project answers, so every fact asked for is kept; but a request the bench
            # server answered too late is the app's timeout, kept as such (seen in full runs:
            # 1 of ~760): said in a note, since the keys were still timed while it was in flight.
            # Anything else missing means the case did not run as it should.
            late = [
                pair for pair in result["not_kept"] if "answer" in (pair[1] or "") and "in time" in pair[1]
            ]
            pooled.timeouts += len(late)
            other = [pair for pair in result["not_kept"] if pair not in late]
            if other:
                raise RuntimeError(f"{len(other)} of {result['asked']} facts not kept (e.g. {other[:3]})")
            pooled.during += [k["seconds"] for k in result["during"] if k["during"]]
            pooled.after += [k["seconds"] for k in result["after"]]
            pooled.fetches.append(result["fetch_seconds"])
            pooled.asked = result["asked"]
            if not pooled.sizes:
                bodies = (server.pypi.body(p.split("/")[2]) for p in asked_paths)
                pooled.sizes = [len(body) for body in bodies if body is not None]
    return pooled


def busy_case(bench: Bench) -> None:
    """Per key, p50/p95 pooled over ``bench.reps`` fresh apps, against the bare Input; then
    the what-if of answers with a long release history."""
    from .run import Row, ms, percentile

    floor_keys: list[float] = []
    usual = _pooled_reps(bench, 0, floor_keys)
    long = _pooled_reps(bench, LONG_HISTORY, None)
    f50, f95 = percentile(floor_keys, 0.5), percentile(floor_keys, 0.95)
    size = f"{data.CATALOGUE_SIZE:,}"
    for label, keys, target in (
        (f"category filter during the first facts fetch, {size} rows", usual.during, "p95 ≤ 16 ms"),
        (f"category filter once the fetch is done, {size} rows", usual.after, "(control)"),
        (f"same, answers of {LONG_HISTORY} releases (what-if)", long.during, "(what-if)"),
    ):
        if not keys:
            raise RuntimeError(f"no key typed: {label}")
        p50, p95 = percentile(keys, 0.5), percentile(keys, 0.95)
        bench.rows.append(
            Row(
                f"{label}, {len(keys)} keys",
                f"p50 {ms(p50)} p95 {ms(p95)}",
                f"p95 {ms(f95)} bare Input",
                p95 / f95,
                target,
                p95 <= 0.016 if target.startswith("p95") else None,
            )
        )
    for name, pooled in (("usual answers", usual), (f"{LONG_HISTORY} releases", long)):
        kb = statistics.median(pooled.sizes) / 1024 if pooled.sizes else 0.0
        bench.notes.append(
            f"busy keys, {name}: {pooled.requests} PyPI requests for {bench.reps} opens ({pooled.asked} asked "
            f"each, median answer {kb:.0f} KB), facts fetch {ms(statistics.median(pooled.fetches))} median, "
            f"start to end; control (fetch done) p95 {ms(percentile(pooled.after, 0.95))}"
            + (
                f"; {pooled.timeouts} PyPI requests timed out (the bench server late)"
                if pooled.timeouts
                else ""
            )
        )
    bench.notes.append(
        f"busy keys: bare Input p50 {ms(f50)}, p95 {ms(f95)} ({len(floor_keys)} keys); timed from the key "
        "to the first frame with its text (see bench/busy.py)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
