"""The data layer stays free of UI code, and the package installs its entry points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_api_loads_no_textual():
    code = "import sys, pkgtui.api; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_reading_pypi_facts_kept_in_the_store_loads_no_http_module():
    # pkgtui show from the local catalogue reads its kept facts with pkgtui.api.pypi: httpx
    # (~35 ms of that command) is imported only by the functions that ask PyPI.
    code = (
        "import sys, pkgtui.api.pypi, pkgtui.facts, pkgtui.store; "
        "print(sorted(m for m, v in sys.modules.items() if v is not None and m.split('.')[0] in ('httpx', 'httpcore')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_the_api_skips_httpx_command_line_tool():
    # The test environment has click (import-linter needs it), so httpx would load its CLI.
    code = (
        "import importlib.util, sys, pkgtui.api, httpx; "
        "print(importlib.util.find_spec('click') is not None, "
        "sorted(m for m in ('click', 'pygments.lexers', 'httpx._main') if sys.modules.get(m)), callable(httpx.main))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True [] True"


def test_import_linter_contract_holds():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_help_lists_the_options():
    result = subprocess.run([sys.executable, "-m", "pkgtui", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--api-url", "--demo", "--refresh", "--no-cache", "show", "find", "grid", "package"):
        assert option in result.stdout


def test_a_bad_api_url_is_a_usage_error_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "pkgtui", "--api-url", "file:///etc/passwd", "show", "x"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "http(s)" in result.stderr
