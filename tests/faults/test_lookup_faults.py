"""The quick-lookup commands (show, find, grid --plain) against a failing server and hostile data.

Every fault ends in exit code 3 (1 for not found) and one readable line on stderr, never a
traceback; hostile text is printed literally and never as a link unless it is a clean http(s) URL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from pkgtui.api import open_client
from pkgtui.cli import main
from pkgtui.exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK
from pkgtui.text import clean
from tests.cli.conftest import run_lookup
from tests.faults.catalogue import CLIENT_FAULTS, ClientFault
from tests.hostile import BAD_URLS, BIG_PARTICIPANTS, HOSTILE_TEXTS, LONG, hostile_api
from tests.server import LocalAPI, refused_port, refused_url, reset, status, truncated

COMMANDS = {
    "show": ["show", "django-otp"],
    "find": ["find", "auth"],
    "grid": ["grid", "7", "--plain"],
}
# Escape and control characters that must never reach a terminal from the data.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
RICH_CODES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    with LocalAPI() as api:
        yield api


def quick_client(url: str, timeout: float = 0.5):
    """No backoff sleeps and a short timeout, so faults are quick to test."""
    return open_client(url, timeout=timeout, backoff=0.0)


def assert_one_line_error(err: str, command: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"pkgtui {command}: ")
    assert "Traceback" not in err and "Error:" not in err and "Exception" not in err


@pytest.mark.parametrize(
    ("fault", "command"),
    [(fault, command) for fault in CLIENT_FAULTS for command in COMMANDS if command in fault.commands],
    ids=lambda value: value.name if isinstance(value, ClientFault) else value,
)
def test_every_fault_is_exit_3_and_one_line(server, fault: ClientFault, command):
    for action in fault.actions():
        server.faults.add(action)
    # Only the timeout faults need the short timeout; the others get room, so a loaded CI
    # machine answering slowly is not mistaken for a timeout (seen once, on "invalid JSON").
    timeout = 0.5 if fault.error == "Timeout" else 5.0
    result = run_lookup(COMMANDS[command], client=quick_client(server.url, timeout))
    assert result.code == EXIT_API, result
    assert result.out == ""
    assert_one_line_error(result.err, command)
    assert fault.matches(result.err), result.err


@pytest.mark.parametrize("command", COMMANDS)
def test_refused_port_is_exit_3_and_one_line(command):
    with refused_port() as port:
        result = run_lookup(COMMANDS[command], client=quick_client(refused_url(port)))
    assert result.code == EXIT_API and result.out == ""
    assert_one_line_error(result.err, command)
    assert "cannot connect" in result.err and "--demo" in result.err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_fault_that_clears_is_retried_into_output(server, command):
    server.faults.add(status(503), times=1)
    server.faults.add(truncated(), times=1)
    # Wide enough that no column is left out (which stderr would say): stderr stays empty.
    result = run_lookup(COMMANDS[command], client=quick_client(server.url), env={"COLUMNS": "200"})
    assert (result.code, result.err) == (EXIT_OK, "")
    assert result.out.strip()
    assert len(server.log.faulted) == 2


def test_unknown_package_over_http_is_not_found(server):
    result = run_lookup(["show", "no-such-package"], client=quick_client(server.url))
    assert result.code == EXIT_NOT_FOUND
    assert_one_line_error(result.err, "show")


# -- state: cache and config problems are one warning, and the command still works -------------


def test_corrupted_cache_is_one_warning_and_the_command_works(server, tmp_path):
    from pkgtui.config import load_config

    cache_file = load_config(env={}).cache_file
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_bytes(b"\x00garbage, not sqlite\xff" * 50)
    result = run_lookup(["show", "django-otp", "--api-url", server.url])
    assert result.code == EXIT_OK and result.out.startswith("django-otp")
    warnings = result.err.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("pkgtui: warning: cache ")
    assert "running without it" in warnings[0]


@pytest.mark.parametrize(
    "content",
    ["timeout = \n[", 'timeout = "fast"', b"\xff\xfe".decode("latin-1")],
    ids=["TOML", "value", "bytes"],
)
def test_broken_config_is_one_warning_and_the_command_works(tmp_path, monkeypatch, capsys, content):
    config = tmp_path / "config.toml"
    config.write_text(content, encoding="latin-1")
    monkeypatch.setenv("PKGTUI_CONFIG", str(config))
    monkeypatch.setenv("COLUMNS", "100")
    code = main(["show", "django-otp", "--demo"])
    captured = capsys.readouterr()
    assert code == EXIT_OK and captured.out.startswith("django-otp")
    warnings = captured.err.splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("pkgtui: warning: ") and str(config) in warnings[0]


# -- hostile data ------------------------------------------------------------------------------------


def run_hostile(argv: list[str], *, terminal: bool = False, via: LocalAPI | None = None):
    if via is not None:
        client = quick_client(via.url)
    else:
        api = hostile_api()
        client = open_client(api.base_url, transport=api.transport(), backoff=0.0)
    return run_lookup(argv, client=client, terminal=terminal)


HOSTILE_COMMANDS = [
    ["show", "hostile-markup"],
    ["show", "hostile-escapes"],
    ["show", "hostile-bidi-emoji"],
    ["show", "hostile-huge"],
    ["show", "hostile-numbers"],
    ["show", "hostile-commits-long"],
    ["show", "hostile-markup", "--participants"],
    ["show", "hostile-escapes", "--participants", "--filter", "alert"],
    ["find", "hostile"],
    ["grid", "hostile-grid", "--plain"],
    ["grid", "hostile-grid", "--csv"],
]


def assert_inert(text: str) -> None:
    found = CONTROL.findall(RICH_CODES.sub("", text))
    assert not found, f"control characters reached the output: {found[:5]!r}"


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("argv", HOSTILE_COMMANDS, ids=" ".join)
def test_hostile_data_prints_inert_text(argv, terminal):
    result = run_hostile(argv, terminal=terminal)
    assert result.code == EXIT_OK, result.err
    assert_inert(result.out)
    assert_inert(result.err)
    assert "Traceback" not in result.err


@pytest.mark.parametrize("text", [t for t in HOSTILE_TEXTS if t is not LONG], ids=lambda t: t.name)
def test_hostile_text_appears_literally(text):
    # Every hostile string sits in some package's title or description, which `find` lists.
    out = run_hostile(["find", "hostile", "--limit", "20"]).out
    shown = run_hostile(["show", _package_holding(text)]).out
    assert text.visible in shown, f"{text.name}: {text.visible!r} not in show output"
    assert clean(text.raw) in shown
    assert out  # find ran too


def _package_holding(text) -> str:
    from tests.hostile import hostile_packages

    for package in hostile_packages():
        if (
            text.raw in (package["title"], package["repo_description"])
            or text.raw in package["repo_description"]
        ):
            return package["slug"]
    raise AssertionError(f"no hostile package holds {text.name}")


def test_hostile_data_over_real_http(server):
    server.api = hostile_api(base_url=server.url)
    result = run_hostile(["show", "hostile-markup"], via=server)
    assert result.code == EXIT_OK and "[@click=app.quit]Quit now[/]" in result.out


def test_only_clean_http_urls_become_links():
    for slug in ("hostile-markup", "hostile-escapes", "hostile-bidi-emoji"):
        result = run_hostile(["show", slug], terminal=True)
        links = re.findall(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b\\", result.out)
        assert all(link.startswith(("http://", "https://")) for link in links if link), links
        for bad in BAD_URLS:
            assert bad.strip() not in links


def test_five_thousand_participants_are_all_listed():
    result = run_hostile(["show", "hostile-huge", "--participants"])
    names = result.out.splitlines()
    assert len(names) == BIG_PARTICIPANTS and names[0] == "user0000" and names[-1] == "user4999"
    summary = run_hostile(["show", "hostile-huge"]).out
    assert (
        f"Participants  {BIG_PARTICIPANTS:,}: user0000" in summary
        or f"{BIG_PARTICIPANTS}: user0000" in summary
    )


def test_bad_numbers_show_as_unknown():
    out = run_hostile(["show", "hostile-numbers"]).out
    assert "Stars         –" in out and "Forks         –" in out and "Last commit   unknown" in out
    assert "-5" not in out


def test_hostile_grid_keeps_the_good_members_and_warns_once_for_the_missing_one():
    result = run_hostile(["grid", "hostile-grid", "--json"])
    assert result.code == EXIT_OK
    data = json.loads(result.out)
    rows = data["packages"] if isinstance(data, dict) and "packages" in data else data
    assert len(rows) == 6
    assert result.err.count("\n") == 1 and "999999" in result.err


# -- the real process: nothing but the one line reaches the terminal ------------------------------


def _pkgtui(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, "-m", "pkgtui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_a_real_process_under_a_fault_prints_one_line_and_no_traceback(server):
    server.faults.add(reset(0.3))
    result = _pkgtui("show", "django-otp", "--api-url", server.url, "--no-cache")
    assert result.returncode == EXIT_API and result.stdout == ""
    assert_one_line_error(result.stderr, "show")
    with refused_port() as port:
        refused = _pkgtui("find", "auth", "--api-url", refused_url(port))
    assert refused.returncode == EXIT_API
    assert_one_line_error(refused.stderr, "find")


def test_a_real_process_on_hostile_data_prints_inert_text(server):
    server.api = hostile_api(base_url=server.url)
    result = _pkgtui("show", "hostile-escapes", "--api-url", server.url)
    assert result.returncode == EXIT_OK and result.stderr == ""
    assert_inert(result.stdout)
    assert "Red alert" in result.stdout and "Hidden link" in result.stdout
