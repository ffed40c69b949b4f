"""The benchmark harness still runs (no timings are checked: those live in ``bench/``).

Each case is a child process against the bench's own server on 127.0.0.1, as ``bench.run``
starts them; a harness that silently broke would otherwise only be found at the next run.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from bench import data
from bench.run import REPO, _grid_requests, _pkgtui_argv, _terminal_env, child
from bench.server import serve
from bench.terminal import run_until_painted
from pkgtui.store import catalogue_path


@pytest.fixture(scope="module")
def bench_server():
    dataset = data.build()
    server = serve(dataset, latency=0.0)
    try:
        yield server, dataset
    finally:
        server.stop()


def test_network_floor_fetches_a_grid_and_its_members(bench_server):
    server, dataset = bench_server
    key = str(dataset.grid_ids[10])
    result = child(
        "network-floor", "--url", server.url, "--what", "grid", "--key", key, "--members", "10", "--reps", "1"
    )
    assert len(result["seconds"]) == 1 and result["seconds"][0] > 0
    assert sum("/packages/" in path for path in server.log.paths) >= 10


def test_grid_cold_without_auto_sync_asks_the_api_and_the_floors_ask_the_same(bench_server, tmp_path):
    """Nothing stored and no background sync: the grid comes from the API (home's lists aside);
    the v3 floor sends its one request, the replay floor the app's requests."""
    server, dataset = bench_server
    key = str(dataset.grid_ids[10])
    server.log.clear()
    cold = child(
        "grid", "--url", server.url, "--key", key, "--members", "10", "--reps", "1",
        "--cache-root", str(tmp_path), "--config", "auto_sync = false",
    )  # fmt: skip
    assert len(cold["seconds"]) == 1
    opened, pypi = _grid_requests(list(server.log.paths))
    assert len(pypi) == 10  # each member's PyPI answer, counted apart
    # Home's copy of the grid names it: API v3's whole grid is its one request (issue 16).
    assert [path.split("?")[0] for path in opened] == ["/api/v3/grids/bench-grid-10/packages/"]
    server.log.clear()
    child("network-floor", "--url", server.url, "--what", "v3grid", "--key", "bench-grid-10", "--members", "10", "--reps", "1")  # fmt: skip
    assert [path.split("?")[0] for path in server.log.paths] == [
        "/api/v4/categories/",  # the floor's untimed first request (imports)
        "/api/v3/grids/bench-grid-10/packages/",
    ]
    server.log.clear()
    child("network-floor", "--url", server.url, "--what", "replay", "--paths", ",".join(opened), "--in-flight", "8", "--reps", "1")  # fmt: skip
    assert sorted(server.log.paths[1:]) == sorted(opened)


def test_store_screens_send_nothing_once_primed_and_show_floor_prints_a_row(bench_server, tmp_path):
    """A synced home: the grid (after one priming open keeps its PyPI facts) and the category
    are drawn from the store with no request, beside their in-memory floors; the show floor
    reads the same file."""
    server, dataset = bench_server
    home = tmp_path / "home"
    subprocess.run(
        [*_pkgtui_argv(), "--api-url", server.url, "sync"],
        env=_terminal_env(home),
        check=True,
        capture_output=True,
    )
    grid = ["--url", server.url, "--what", "grid", "--key", str(dataset.grid_ids[10]), "--members", "10"]
    child("store-screen", *grid, "--home", str(home), "--prime")
    server.log.clear()
    result = child("store-screen", *grid, "--home", str(home), "--reps", "1")
    assert len(result["seconds"]) == 1 and len(result["floor"]) == 1
    assert server.log.paths == []
    category = ["--url", server.url, "--what", "category", "--key", str(dataset.category_id)]
    result = child("store-screen", *category, "--members", str(dataset.catalogue_size), "--home", str(home), "--reps", "1")  # fmt: skip
    assert len(result["seconds"]) == 1 and len(result["floor"]) == 1
    database = catalogue_path(server.url, home / "cache" / "pkgtui")
    slug = dataset.pypi_names[10][0]
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "show_floor.py"), str(database), slug],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.startswith(f"{slug} | ")


def test_network_floor_can_be_bound_like_the_app(bench_server):
    """``--in-flight N`` asks for a grid's members at most N at a time; without it, all at once."""
    server, dataset = bench_server
    key = str(dataset.grid_ids[10])
    server.faults.latency = 0.05  # long enough for the members' requests to overlap
    # The server is shared by this module's tests: an earlier test's app may have closed with
    # a request still being answered, which counts as in flight until its thread ends (seen
    # once: max_in_flight 4 for a bound of 3). The log's clear() resets the maximum, not that.
    deadline = time.monotonic() + 10
    while server.log.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        server.log.clear()
        child("network-floor", "--url", server.url, "--what", "grid", "--key", key, "--members", "10", "--reps", "1", "--in-flight", "3")  # fmt: skip
        assert server.log.max_in_flight == 3
        server.log.clear()
        child("network-floor", "--url", server.url, "--what", "grid", "--key", key, "--members", "10", "--reps", "1")  # fmt: skip
        assert server.log.max_in_flight > 3
    finally:
        server.faults.latency = 0.0


def test_bare_fetch_app_paints_the_categories_it_fetched(bench_server, tmp_path):
    server, _ = bench_server
    server.log.clear()
    painted = run_until_painted(
        [sys.executable, str(REPO / "bench" / "bare_fetch_app.py"), server.url],
        data.CATEGORY_TITLES,
        env=_terminal_env(tmp_path),
    )
    assert painted.seconds > 0
    assert [path.split("?")[0] for path in server.log.paths] == ["/api/v4/categories/"]


def test_pypi_case_fetches_each_member_once_then_nothing(bench_server, tmp_path):
    """The readiness screen's PyPI case: from nothing stored, one request per member's PyPI
    answer (no API request); with the facts kept, none at all. The floor asks for the same."""
    import asyncio

    from pkgtui.api import open_client
    from pkgtui.store import sync_catalogue

    server, dataset = bench_server
    catalogue = tmp_path / "catalogue.sqlite"

    async def fill() -> None:
        async with open_client(server.url) as client:
            await sync_catalogue(client, catalogue, usage=False)

    asyncio.run(fill())
    common = ["--url", server.url, "--pypi-url", server.pypi_url, "--key", "bench-grid-10", "--members", "10"]
    server.log.clear()
    cold = child(
        "pypi", *common, "--store", str(catalogue), "--reps", "1", "--cache-root", str(tmp_path / "c")
    )
    assert len(cold["seconds"]) == 1
    assert sorted(server.log.paths) == sorted(f"/pypi/{name}/json" for name in dataset.pypi_names[10])
    server.log.clear()
    child(
        "pypi",
        *common,
        "--store",
        cold["store"],
        "--warm",
        "--reps",
        "1",
        "--cache-root",
        str(tmp_path / "w"),
    )
    assert server.log.paths == []
    floor = child(
        "pypi-floor", "--pypi-url", server.pypi_url, "--projects", ",".join(dataset.pypi_names[10]),
        "--in-flight", "4", "--reps", "1",
    )  # fmt: skip
    assert len(floor["seconds"]) == 1
    assert server.log.max_in_flight <= 4
