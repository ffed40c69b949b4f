"""Running lookup commands in-process, and comparing their output with committed files.

Expected output lives in ``tests/cli/expected/``. After an intended change to the output,
regenerate it and review the diff before committing:

    PKGTUI_UPDATE_EXPECTED=1 .venv/bin/python -m pytest tests/cli -q
    git diff tests/cli/expected/
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from msgspec.structs import replace

from pkgtui import lookup
from pkgtui.api import Client
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from tests.conftest import FIXED_NOW

EXPECTED_DIR = Path(__file__).parent / "expected"
UPDATE = os.environ.get("PKGTUI_UPDATE_EXPECTED") == "1"
# Plain output is cut to $COLUMNS; tests pin it so results do not depend on the machine.
PIPE_ENV = {"COLUMNS": "100"}
TERMINAL_ENV = {"COLUMNS": "100", "TERM": "xterm-256color"}
SGR = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


class TerminalStream(io.StringIO):
    """Captures output while claiming to be a terminal."""

    def isatty(self) -> bool:
        return True


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_lookup(
    argv: Sequence[str],
    *,
    client: Client | None = None,
    terminal: bool = False,
    env: Mapping[str, str] | None = None,
    pypi: httpx.AsyncBaseTransport | None = None,
) -> Result:
    """``pkgtui ARGV`` as ``cli.main`` would run it, with the clock at FIXED_NOW.

    ``pypi``: what answers PyPI's requests (``show``'s facts); without it the config says
    ``pypi = false``, so no test reaches the real PyPI (the demo's PyPI is in-process)."""
    args = build_parser().parse_args(list(argv))
    config = load_config(
        api_url=getattr(args, "api_url", None),
        demo=getattr(args, "demo", False),
        refresh=getattr(args, "refresh", False),
        use_cache=False if getattr(args, "no_cache", False) else None,
        offline=getattr(args, "offline", False),
        env={},
    )
    if pypi is None and not config.demo:
        config = replace(config, use_pypi=False)
    stdout = TerminalStream() if terminal else io.StringIO()
    stderr = io.StringIO()
    if env is None:
        env = TERMINAL_ENV if terminal else PIPE_ENV
    code = lookup.run(
        args, config, now=FIXED_NOW, stdout=stdout, stderr=stderr, client=client, env=env, pypi_transport=pypi
    )
    return Result(code, stdout.getvalue(), stderr.getvalue())


def visible(text: str) -> str:
    """Terminal output without rich's colour and link sequences: what a reader sees."""
    return SGR.sub("", text)


@pytest.fixture
def expected():
    """``expected(name, actual)``: assert ``actual`` equals the committed file (or rewrite it)."""

    def check(name: str, actual: str) -> None:
        path = EXPECTED_DIR / name
        if UPDATE:
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"{path} missing: run with PKGTUI_UPDATE_EXPECTED=1 to create it"
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path.name}"

    return check
