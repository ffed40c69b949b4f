"""``pkgtui sync`` and ``pkgtui sync --status``: output, exit codes, one-line errors."""

from __future__ import annotations

import io
import re

from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_API, EXIT_OK
from pkgtui.store import Status
from pkgtui.sync_command import catalogue_file, run, status_text
from tests.cli.conftest import TerminalStream
from tests.server import refused_port, refused_url

ESCAPES = re.compile(r"\x1b")


def sync(argv: list[str], *, terminal: bool = False) -> tuple[int, str, str]:
    args = build_parser().parse_args(["sync", *argv])
    config = load_config(api_url=getattr(args, "api_url", None), demo=getattr(args, "demo", False))
    out = TerminalStream() if terminal else io.StringIO()
    err = io.StringIO()
    code = run(args, config, stdout=out, stderr=err, env={"TERM": "xterm"})
    return code, out.getvalue(), err.getvalue()


def test_status_before_and_after_a_sync(local_api):
    code, out, err = sync(["--status", "--api-url", local_api.url])
    assert code == EXIT_OK and err == "" and "no catalogue yet" in out and "pkgtui sync" in out

    code, out, err = sync(["--api-url", local_api.url])
    assert code == EXIT_OK and err == ""
    assert not ESCAPES.search(out)  # piped: plain lines
    lines = out.splitlines()
    assert "syncing: 77 / 77 packages, 4 categories, 68 grids" in lines
    assert lines[-2].startswith("synced 77 packages, 4 categories, 68 grids, 77 usage counts in ")
    assert lines[-2].endswith("(4 requests)")

    code, out, err = sync(["--status", "--api-url", local_api.url])
    assert code == EXIT_OK and err == ""
    fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.splitlines())
    assert fields["packages"] == "77" and fields["categories"] == "4" and fields["grids"] == "68"
    assert fields["usage counts"] == "77"
    assert fields["source"] == local_api.url
    assert fields["synced"].endswith("(just now)")
    config = load_config(api_url=local_api.url)
    assert fields["catalogue"] == str(catalogue_file(config))
    assert re.fullmatch(r"\d+ kB|\d+\.\d MB", fields["size on disk"])


def test_status_says_when_a_sync_is_due():
    from datetime import UTC, datetime
    from pathlib import Path

    synced = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    status = Status(Path("/c.sqlite"), 3 * 2**20, 10, 2, 1, 0, synced, "https://x/api/v4/")
    text = status_text(status, max_age=86400, now=synced.timestamp() + 2 * 86400)
    assert "synced        2026-03-01 12:00 UTC (2 d ago; a sync is due)" in text
    assert "size on disk  3.0 MB" in text
    assert "due" not in status_text(status, max_age=86400, now=synced.timestamp() + 3600)


def test_a_terminal_gets_a_bar_with_counts(local_api):
    code, out, _ = sync(["--api-url", local_api.url], terminal=True)
    assert code == EXIT_OK
    assert "\r" in out and "77 / 77 packages" in out and "█" in out


def test_network_failure_is_one_line_and_exit_3():
    with refused_port() as port:
        code, _, err = sync(["--api-url", refused_url(port)])
    assert code == EXIT_API
    assert err.count("\n") == 1 and err.startswith("pkgtui sync: could not get the catalogue: cannot connect")
    assert "Traceback" not in err


def test_a_failure_keeps_the_catalogue_held(local_api):
    assert sync(["--api-url", local_api.url])[0] == EXIT_OK
    from tests.server import status

    local_api.faults.add(status(503), path=r"/api/v4/packages/")
    code, _, err = sync(["--api-url", local_api.url])
    assert code == EXIT_API and "the catalogue held is unchanged" in err
    code, out, _ = sync(["--status", "--api-url", local_api.url])
    assert re.search(r"^packages\s+77$", out, re.MULTILINE)


def test_demo_syncs_the_sample_into_its_own_file():
    code, out, err = sync(["--demo"])
    assert code == EXIT_OK, err
    assert "synced 77 packages" in out and "API v3 unavailable" in out
    assert catalogue_file(load_config(demo=True)) != catalogue_file(load_config())
