"""Every committed SVG snapshot belongs to a snapshot test, so none is left behind unused.

syrupy fails a run that leaves a snapshot unused, but not under pytest-xdist: its workers'
reports are not merged (syrupy 4.8 says so in `SnapshotSession.finish`), and the suite runs
under xdist. This test keeps that check. A snapshot is named after its test's id
(`__snapshots__/<module>/<test>[<params>].svg`), so each file must match the id of a test
collected from that module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent / "__snapshots__"


def collected_test_ids(request: pytest.FixtureRequest, module_path: Path) -> set[str]:
    """The ids of the tests in ``module_path``, as pytest collects them (parameters included),
    whether or not this run selected them."""
    module = pytest.Module.from_parent(request.session, path=module_path)
    ids: set[str] = set()
    for node in module.collect():
        # A parametrized test collects to one item per parameter set, each named with its
        # parameters; syrupy names a test in a class "Class.test".
        if isinstance(node, pytest.Class):
            ids.update(f"{node.name}.{item.name}" for item in node.collect() if isinstance(item, pytest.Item))
        elif isinstance(node, pytest.Item):
            ids.add(node.name)
    return ids


def unused_snapshots(request: pytest.FixtureRequest, snapshots: Path, tests: Path) -> list[str]:
    """The files under ``snapshots`` whose name is no test id of their module in ``tests``."""
    folders = sorted(path for path in snapshots.iterdir() if path.is_dir())
    assert folders, f"no snapshots found in {snapshots}"
    unused: list[str] = []
    for folder in folders:
        module_path = tests / f"{folder.name}.py"
        if not module_path.exists():
            unused += [f"{folder.name}/{snapshot.name}" for snapshot in sorted(folder.glob("*.svg"))]
            continue
        ids = collected_test_ids(request, module_path)
        unused += [
            f"{folder.name}/{snapshot.name}"
            for snapshot in sorted(folder.glob("*.svg"))
            if snapshot.stem not in ids
        ]
    return unused


def test_every_snapshot_file_belongs_to_a_test(request):
    unused = unused_snapshots(request, SNAPSHOTS, Path(__file__).parent)
    assert unused == [], "snapshots no test takes: remove them (or run --snapshot-update -n 0)"


def test_a_snapshot_without_its_test_is_found(request, tmp_path):
    # The check must be able to fail: a renamed size, a test that is gone, a module that is gone.
    for name in (
        "test_snap_browser/test_home[80x24]",
        "test_snap_browser/test_home[81x24]",
        "test_snap_browser/test_gone",
        "test_no_such_module/test_home",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{name}.svg").write_text("<svg/>")
    assert unused_snapshots(request, tmp_path, Path(__file__).parent) == [
        "test_no_such_module/test_home.svg",
        "test_snap_browser/test_gone.svg",
        "test_snap_browser/test_home[81x24].svg",
    ]
