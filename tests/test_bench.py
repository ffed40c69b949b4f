"""The benchmark harness still runs (no timings are checked: those live in ``bench/``).

Each case is a child process against the bench's own server on 127.0.0.1, as ``bench.run``
starts them; a harness that silently broke would otherwise only be found at the next run.
"""

from __future__ import annotations

import pytest

from bench import data
from bench.run import child
from bench.server import serve


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
    result = child("network-floor", "--url", server.url, "--what", "grid", "--key", key, "--members", "10", "--reps", "1")
    assert len(result["seconds"]) == 1 and result["seconds"][0] > 0
    assert sum("/packages/" in path for path in server.log.paths) >= 10


def test_grid_cold_then_warm_sends_nothing_the_second_time(bench_server, tmp_path):
    server, dataset = bench_server
    key = str(dataset.grid_ids[10])
    cold = child(
        "grid", "--url", server.url, "--key", key, "--members", "10", "--reps", "1", "--cache-root", str(tmp_path),
    )  # fmt: skip
    assert len(cold["seconds"]) == 1
    server.log.clear()
    warm = child(
        "grid-warm", "--url", server.url, "--key", key, "--members", "10", "--reps", "1",
        "--warm-cache", cold["warm_cache"],
    )  # fmt: skip
    assert len(warm["seconds"]) == 1 and len(warm["floor"]) == 1
    assert server.log.paths == []  # home and the grid both came from the disk cache
