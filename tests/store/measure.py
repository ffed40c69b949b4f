"""By-hand measurements of sync and search (not a test: timings live outside the suite).

    .venv/bin/python -m tests.store.measure 1000 6000 20000 --latency 0.05

For each catalogue size: the test server serves bench/data.py's synthetic catalogue with
the given latency before every answer; ``pkgtui sync`` runs in a fresh process against it
(empty cache dir). Prints the requests the server saw, wall time, the sync process's peak
RSS (``ru_maxrss`` of the child), the catalogue's size on disk, and search timings in this
process over a fixed list of queries.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.data import build
from pkgtui.store import Store, catalogue_path
from tests.server import LocalAPI

QUERIES = [
    "django", "dj", "d", "admin", "rest framework", "celery tasks", "otp", "django-otp",
    "Django Admin Auth 12", "tables", "storage s3", "crispy", "xyz-nothing", '"unbalanced (',
    "NEAR(a b)", "-admin", "*", "model 4", "json 123", "webpack", "a", "user session",
    "🦄 cms", "tagging tree", "uuid",
]  # fmt: skip


def measure(size: int, latency: float, usage: bool) -> None:
    dataset = build(catalogue_size=size, crowd_size=400)
    with tempfile.TemporaryDirectory() as home, LocalAPI(api=dataset.api) as api:
        api.faults.latency = latency
        env = dict(os.environ, XDG_CACHE_HOME=f"{home}/cache", XDG_CONFIG_HOME=f"{home}/config")
        command = [sys.executable, "-m", "pkgtui", "sync", "--api-url", api.url]
        if not usage:
            command.append("--no-usage")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode != 0:
            print(done.stdout, done.stderr)
            raise SystemExit(done.returncode)
        requests = len(api.log.paths)
        path = catalogue_path(api.url, Path(home) / "cache" / "pkgtui")
        disk = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
        print(
            f"{size:>6,} packages{' +v3 usage' if usage else '          '}: {requests} requests, "
            f"{seconds:.2f} s, peak RSS {rss / 1024:.0f} MB"
            f"{' (max so far)' if rss == before else ''}, on disk {disk / 2**20:.1f} MB"
        )
        with Store(path) as store:
            print("        " + search_timings(store))
            start = time.perf_counter()
            rows = store.category_packages(dataset.category_id)
            print(
                f"        category_packages: {len(rows):,} in {(time.perf_counter() - start) * 1000:.0f} ms"
            )


def search_timings(store: Store, rounds: int = 7) -> str:
    """``store.search(q)`` (ranked and counted), then also its first screenful (50 packages
    decoded), for every query ``rounds`` times: wall and CPU time (the machine is shared,
    so CPU time is the steadier figure)."""
    lines = []
    for first in (0, 50):
        wall: list[float] = []
        cpu: list[float] = []
        for _ in range(rounds):
            for query in QUERIES:
                started, started_cpu = time.perf_counter(), time.thread_time()
                hits = store.search(query)
                hits[: min(first, len(hits))]
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.sort()
        cpu.sort()
        p95 = int(len(wall) * 0.95) - 1
        lines.append(
            f"search{' + first 50 packages' if first else ''}, {len(wall)} queries: "
            f"wall p50 {statistics.median(wall):.2f} ms p95 {wall[p95]:.2f} ms max {wall[-1]:.2f} ms; "
            f"CPU p50 {statistics.median(cpu):.2f} ms p95 {cpu[p95]:.2f} ms"
        )
    return "\n        ".join(lines)


async def _grid_case(size: int, latency: float) -> None:
    """A grid's members through fetch_grid_members: API v3 (one request) against v4 (one a
    member, 8 at a time), on a synced store, with ``latency`` before every answer."""
    import asyncio

    from pkgtui.api import open_client
    from pkgtui.store import fetch_grid_members, sync_catalogue
    from tests.server import status

    dataset = build(catalogue_size=size, crowd_size=400)
    with tempfile.TemporaryDirectory() as home, LocalAPI(api=dataset.api) as api:
        path = Path(home) / "catalogue.sqlite"
        async with open_client(api.url) as client:
            await sync_catalogue(client, path, usage=False)
        api.faults.latency = latency
        with Store(path) as store:
            for members, grid_id in sorted(dataset.grid_ids.items()):
                for label in ("v3", "v4 (v3 answers 404)"):
                    if label != "v3":
                        api.faults.add(status(404), path=r"^/api/v3/")
                    async with open_client(api.url) as client:
                        grid = await client.grid(grid_id)
                        api.log.clear()
                        started = time.monotonic()
                        got = [f async for f in fetch_grid_members(client, store, grid)]
                        seconds = time.monotonic() - started
                    api.faults.clear()
                    api.faults.latency = latency
                    print(
                        f"grid of {members:>3}, {label:<20}: {len(api.log.paths):>3} requests, "
                        f"{seconds * 1000:6.0f} ms, {sum(1 for f in got if f.value)} members"
                    )
        await asyncio.sleep(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 6000, 20000])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--no-usage", action="store_true")
    parser.add_argument("--grids", action="store_true", help="measure fetch_grid_members instead")
    args = parser.parse_args()
    if args.grids:
        import asyncio

        asyncio.run(_grid_case(args.sizes[0], args.latency))
        return
    for size in args.sizes:
        measure(size, args.latency, not args.no_usage)


if __name__ == "__main__":
    main()
