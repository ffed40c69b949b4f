"""Real processes: a sync killed with SIGKILL part-way, and syncs and readers at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pkgtui.api.demo import DemoAPI
from pkgtui.store import Store, catalogue_path
from tests.server import LocalAPI, delayed
from tests.store.conftest import CATEGORY, package

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
BIG = [package(i, f"Staged {i}", description=f"page filler {i}") for i in range(1, 3001)]


def start_sync(url: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pkgtui", "sync", "--no-usage", "--api-url", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def staged_packages(path: Path) -> int:
    connection = sqlite3.connect(path, timeout=5)
    try:
        return connection.execute("SELECT count(*) FROM stage_packages").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not made yet
    finally:
        connection.close()


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"))


def test_a_sync_killed_after_its_first_page_leaves_the_previous_catalogue(local_api, env, tmp_path):
    first = start_sync(local_api.url, env)
    assert first.wait(60) == 0, first.stderr.read() if first.stderr else ""
    path = catalogue_path(local_api.url, tmp_path / "cache" / "pkgtui")
    with Store(path) as store:
        before = (store.status().packages, [p.id for p in store.search("django")])
    assert before[0] == 77

    # The new catalogue has three pages; the second and third take long to come.
    local_api.api = DemoAPI(packages=BIG, categories=[CATEGORY], grids=[], base_url=local_api.url)
    local_api.faults.add(delayed(20), path=r"/api/v4/packages/\?limit=1000&offset=[12]000")
    killed = start_sync(local_api.url, env)
    try:
        deadline = time.monotonic() + 30
        while staged_packages(path) == 0:  # the first page is written
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        assert staged_packages(path) == 1000
        os.kill(killed.pid, signal.SIGKILL)
        assert killed.wait(10) == -signal.SIGKILL
    finally:
        if killed.poll() is None:
            killed.kill()
            killed.wait()

    with Store(path) as store:
        assert (store.status().packages, [p.id for p in store.search("django")]) == before
        assert store.search("staged") == [] or len(store.search("staged")) == 0
        assert store.package("django-otp") is not None

    # The next sync clears what the killed one left, and completes.
    local_api.faults.clear()
    again = start_sync(local_api.url, env)
    assert again.wait(60) == 0
    with Store(path) as store:
        assert store.status().packages == 3000 and len(store.search("staged")) == 3000
    assert staged_packages(path) == 0


def test_two_syncs_and_a_reader_at_once(env, tmp_path):
    old = [package(i, f"Old {i}") for i in range(1, 1501)]
    new = [package(i, f"New {i}") for i in range(1, 2501)]
    with LocalAPI(api=DemoAPI(packages=old, categories=[CATEGORY], grids=[])) as server:
        assert start_sync(server.url, env).wait(60) == 0
        path = catalogue_path(server.url, tmp_path / "cache" / "pkgtui")
        server.api = DemoAPI(packages=new, categories=[CATEGORY], grids=[], base_url=server.url)
        server.faults.latency = 0.05
        syncs = [start_sync(server.url, env), start_sync(server.url, env)]
        counts: set[int] = set()
        old_hits: set[int] = set()
        new_hits: set[int] = set()
        with Store(path) as reader:
            while any(s.poll() is None for s in syncs):
                # Each read sees one whole catalogue: all old or all new, never a mix.
                counts.add(reader.category_counts()[0].packages)
                old_hits.add(len(reader.search("old")))
                new_hits.add(len(reader.search("new")))
        results = [(s.wait(), s.stderr.read() if s.stderr else "") for s in syncs]
        assert [code for code, _ in results] == [0, 0], results
        assert 1500 in counts and counts <= {1500, 2500}
        assert old_hits <= {1500, 0} and new_hits <= {0, 2500}
        with Store(path) as store:
            assert store.status().packages == 2500
            assert {p.title.split()[0] for p in store.category_packages(1)} == {"New"}
