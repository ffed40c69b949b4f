"""Through the real entry point (``python -m pkgtui``): piped output, exit codes, lean start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from pkgtui.exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE


def pkgtui(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # os.environ already points XDG_* at this test's own directories (tests/conftest.py).
    return subprocess.run(
        [sys.executable, "-m", "pkgtui", *argv],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"} | (env or {}),
    )


def refused_url() -> str:
    """An API URL on a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v4/"


def test_show_piped_is_plain_text():
    result = pkgtui("show", "django-otp", "--demo")
    assert (result.returncode, result.stderr) == (EXIT_OK, "")
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "django-otp"
    assert "Version       1.7.0" in lines and "Grids         Grid 7, Grid 426" in lines


def test_lookup_imports_neither_textual_nor_its_terminal_tables_when_piped():
    # (rich itself may be loaded anyway: httpx imports its own command line, which uses it.)
    code = (
        "import sys; from pkgtui.cli import main; code = main(['find', 'auth', '--demo']); "
        "print(sorted(m for m in ('textual', 'pkgtui.lookup.styled') if m in sys.modules), "
        "file=sys.stderr); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr.strip()) == (EXIT_OK, "[]")
    assert "django-otp" in result.stdout


def test_not_found_exits_1():
    result = pkgtui("show", "no-such-package", "--demo")
    assert (result.returncode, result.stdout) == (EXIT_NOT_FOUND, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pkgtui show: ")


def test_usage_errors_exit_2():
    for argv in (["show"], ["find", "auth", "--limit", "0"], ["grid", "7", "--plain", "--csv"]):
        result = pkgtui(*argv, "--demo")
        assert (result.returncode, result.stdout) == (EXIT_USAGE, ""), argv
        assert "usage:" in result.stderr


def test_network_failure_exits_3_quickly():
    started = time.monotonic()
    result = pkgtui("show", "django-otp", "--api-url", refused_url(), "--no-cache")
    assert (result.returncode, result.stdout) == (EXIT_API, "")
    assert result.stderr.count("\n") == 1
    assert "cannot connect to 127.0.0.1" in result.stderr and "--api-url" in result.stderr
    assert time.monotonic() - started < 20  # two retries with backoff, not a hang
