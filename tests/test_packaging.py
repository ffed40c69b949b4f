"""What a release carries: the sdist and wheel are built from a copy of this tree (no network,
no build isolation) and their contents checked; the version has one source.

The build uses the setuptools of the test extra, the same floor as ``[build-system]``."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import httpx
import pytest

import pkgtui
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.cli import main

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What a clone holds that is not part of the project (also what .gitignore lists).
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.py[cod]",
    ".*_cache",
    "snapshot_report.html",
)
BUILD = """
import sys
from setuptools import build_meta
out = sys.argv[1]
print(build_meta.build_sdist(out) if sys.argv[2] == "sdist" else build_meta.build_wheel(out))
"""


def _build(kind: str, source: Path, out: Path) -> tuple[Path, str]:
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", BUILD, str(out), kind],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / result.stdout.strip().splitlines()[-1], result.stderr


def _files_under(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, object]:
    """The sdist built from a copy of the tree, then the wheel built from the unpacked sdist
    (as pip does), so a file missing from the sdist also breaks the wheel."""
    pytest.importorskip("setuptools", minversion="77.0.3")
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    sdist, sdist_log = _build("sdist", source, work / "dist")
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            archive.extractall(work / "unpacked", filter="data")
        else:  # pragma: no cover - our own archive, just built
            archive.extractall(work / "unpacked")
    unpacked = work / "unpacked" / sdist.name.removesuffix(".tar.gz")
    wheel, wheel_log = _build("wheel", unpacked, work / "dist")
    return {"sdist": sdist, "wheel": wheel, "log": sdist_log + wheel_log, "unpacked": unpacked}


def test_the_build_gives_no_deprecation_warning(built):
    """The license table form, for one, warns that it stops building in 2027."""
    assert "Deprecat" not in built["log"], built["log"]


def test_the_wheel_has_the_stylesheet_the_demo_data_and_the_license(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"pkgtui-{pkgtui.__version__}.dist-info/METADATA").decode()
    package = ROOT / "src" / "pkgtui"
    demo_files = {f"pkgtui/api/demo_data/{name}" for name in _files_under(package / "api" / "demo_data")}
    assert demo_files and demo_files <= names
    assert {f"pkgtui/{p.name}" for p in package.glob("*.tcss")} <= names
    assert {"pkgtui/app.tcss", f"pkgtui-{pkgtui.__version__}.dist-info/licenses/LICENSE"} <= names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)
    assert "License-Expression: MIT" in metadata.splitlines()
    assert f"Version: {pkgtui.__version__}" in metadata.splitlines()
    assert "Project-URL: Data source, https://djangopackages.org" in metadata.splitlines()


def test_the_sdist_carries_what_the_test_suite_needs(built):
    """Every file of tests/ (snapshots and seeds included), the benchmarks test_bench imports,
    the docs test_docs reads, and the license."""
    with tarfile.open(built["sdist"]) as archive:
        top = built["sdist"].name.removesuffix(".tar.gz")
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    for folder in ("tests", "bench", "docs"):
        expected = {f"{folder}/{name}" for name in _files_under(ROOT / folder)}
        assert expected <= names, sorted(expected - names)[:10]
    assert {"LICENSE", "README.md", "pyproject.toml", "MANIFEST.in"} <= names
    assert any(name.startswith("tests/ui/__snapshots__/") and name.endswith(".svg") for name in names)
    assert "Copyright (c) 2026 the pkgtui contributors" in (built["unpacked"] / "LICENSE").read_text()


def test_the_version_is_written_once():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pkgtui.__version__"}


def test_dash_dash_version_prints_the_package_version():
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert (exit_.value.code, out.getvalue()) == (0, f"pkgtui {pkgtui.__version__}\n")


class Recording(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


async def test_the_user_agent_names_the_version():
    api = DemoAPI()
    recording = Recording(api.transport())
    client = open_client(api.base_url, transport=recording, backoff=0.0)
    try:
        await client.categories()
    finally:
        await client.aclose()
    assert recording.requests
    assert {r.headers["User-Agent"] for r in recording.requests} == {
        f"pkgtui/{pkgtui.__version__} (+https://github.com/pkgtui/pkgtui)"
    }
