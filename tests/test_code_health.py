"""The checks a reviewer would run, as tests, so the README's one test command (and CI) runs them:
ruff's lint and format, mypy on src/, the import-linter layer contracts, and no import cycles.

Each contract is also shown to fail when broken: a copy of the package gets one forbidden import
and import-linter must report that contract broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]


def _run(
    *command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, env=env)


def test_ruff_finds_nothing():
    result = _run(BIN / "ruff", "check", "--no-cache", "src", "tests", "bench", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing():
    result = _run(BIN / "ruff", "format", "--check", "--no-cache", "src", "tests", "bench", "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_src():
    # Files and settings: pyproject's [tool.mypy]. Incremental, with mypy's cache in .mypy_cache
    # (ignored by git): a run after a change re-checks what the change reaches, ~1 s, not 7-20 s
    # for everything; mypy checks each cached module against its file, so a stale cache cannot hide an error.
    result = _run(BIN / "mypy", "--incremental", "--cache-dir", ROOT / ".mypy_cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_import_linter_contract_is_kept():
    result = _run(BIN / "lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


def test_the_package_has_no_import_cycles():
    """Function-local imports count (they hid a cycle before); imports only for type checking
    do not, since they never run."""
    graph = grimp.build_graph("pkgtui", exclude_type_checking_imports=True)
    modules = sorted(m for m in graph.modules if m.startswith("pkgtui"))
    cycles = [
        (a, b)
        for a in modules
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("pkgtui")
        and a != b
        and graph.chain_exists(importer=b, imported=a)
        # a package importing its own submodules (its __init__) is not a cycle of modules
        and not b.startswith(a + ".")
        and not a.startswith(b + ".")
    ]
    assert cycles == []


# One forbidden import per contract, put in a module of its source layer.
BREAKS = {
    "The API layer knows nothing of the UI": ("api/errors.py", "import textual"),
    "Widgets know neither screens nor the HTTP client": ("widgets/message.py", "import pkgtui.api.client"),
    "The lookup commands print without Textual": ("lookup/output.py", "import textual.app"),
    "Nothing imports the command line but the entry points": ("format.py", "import pkgtui.cli"),
    "The store knows nothing of the UI": ("store/__init__.py", "import textual"),
}


@pytest.mark.parametrize("contract", [c["name"] for c in CONTRACTS])
def test_each_contract_fails_when_broken(contract, tmp_path):
    assert contract in BREAKS, f"add a deliberate break for the new contract {contract!r}"
    module, line = BREAKS[contract]
    shutil.copytree(
        ROOT / "src" / "pkgtui", tmp_path / "pkgtui", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "pkgtui" / module
    target.write_text(f"{line}  # deliberately broken\n{target.read_text()}")
    result = _run(
        BIN / "lint-imports", "--no-cache", cwd=tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": str(BIN)}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
    assert f"{len(CONTRACTS) - 1} kept, 1 broken" in result.stdout
