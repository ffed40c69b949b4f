"""``pkgtui show``: laid out for the width without cutting a name, a number or a URL, and
PyPI's facts (store first, PyPI asked when allowed; ``--json`` puts them under ``pypi``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import httpx
import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_OK, EXIT_USAGE
from pkgtui.lookup.output import cell_width
from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from tests.cli.conftest import run_lookup, visible
from tests.cli.test_local_catalogue import synced
from tests.pypi.data import project_json
from tests.server import LocalAPI

OTP = next(package for package in sample_packages() if package["slug"] == "django-otp")
LONG_DOCS = "https://django-otp-official.readthedocs.io/en/latest/reference/plugins/otp_totp/index.html"
LONG_DESCRIPTION = " ".join(["A pluggable framework for adding two-factor authentication."] * 3)
PYPI_URL = "http://pypi.test/pypi/"


def long_otp_client():
    package = dict(OTP, documentation_url=LONG_DOCS, repo_description=LONG_DESCRIPTION)
    api = DemoAPI(packages=[package])
    return open_client(api.base_url, transport=api.transport())


class FakePyPI:
    """PyPI's JSON API for a few projects (404 for the rest), counting requests."""

    def __init__(self, answers: dict[str, object] | None = None, status: int = 200) -> None:
        self.answers = (
            answers if answers is not None else {"django-otp": project_json("django-otp", version="1.7.0")}
        )
        self.status = status
        self.paths: list[str] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if self.status != 200:
            return httpx.Response(self.status)
        name = request.url.path.removeprefix("/pypi/").removesuffix("/json")
        if name not in self.answers:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json=self.answers[name])


def show(*argv: str, pypi: FakePyPI | None = None, client=None, width: int = 100, terminal: bool = False):
    env = {"COLUMNS": str(width), **({"TERM": "xterm-256color"} if terminal else {})}
    if client is None and "--api-url" not in argv:
        api = DemoAPI()
        client = open_client(api.base_url, transport=api.transport())
    return run_lookup(
        ["show", *argv],
        client=client,
        env=env,
        terminal=terminal,
        pypi=pypi.transport() if pypi is not None else None,
    )


def value_of(out: str, label: str) -> str:
    """The text after ``label`` on its line (the summary's label column is 14 wide)."""
    (line,) = [line for line in out.splitlines() if line.startswith(f"{label:<13} ")]
    return line[14:]


# -- the width -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 100])
def test_urls_names_and_numbers_are_whole_at_every_width(width):
    result = show("django-otp", client=long_otp_client(), width=width)
    assert result.code == EXIT_OK
    lines = result.out.splitlines()
    assert f"Docs          {LONG_DOCS}" in lines  # whole, on its line, though wider than the terminal
    assert f"Repo          {OTP['repo_url']}" in lines
    assert "PyPI          https://pypi.org/project/django-otp/" in lines
    assert lines[0] == "django-otp" and value_of(result.out, "Stars") == "621"
    assert result.out.count("…") == 1 and ", …" in result.out  # only "and more participants"
    # Prose wraps under its label instead: every line but the long URL's fits.
    assert all(cell_width(line) <= width for line in lines if LONG_DOCS not in line)
    description = " ".join(line.strip() for line in lines[1 : lines.index("")])
    assert description == LONG_DESCRIPTION


def test_the_sparkline_goes_whole_when_it_cannot_fit_and_stderr_says_so():
    sparkline = "▁▁▁▁▁▁▅▁▁▁▁▁▁▁▁▁▁▁▁▁▅▁▁▁▁▁▁▁▁▁▁▁▁▁▁█▁▁▁▁▁▁▁▁▁▁█▁▁▁▁▁"
    wide = show("django-otp", width=100)
    assert f"Activity      {sparkline}  18 commits in 52 weeks" in wide.out.splitlines()
    assert wide.err == ""
    middle = show("django-otp", width=80).out.splitlines()
    at = middle.index(f"Activity      {sparkline}")  # on its own line, the total under it
    assert middle[at + 1] == "              18 commits in 52 weeks"
    narrow = show("django-otp", width=60)
    assert "Activity      18 commits in 52 weeks" in narrow.out.splitlines()
    assert "▁" not in narrow.out  # never cut: it would hide the latest weeks
    assert narrow.err == (
        "pkgtui show: the activity sparkline left out to fit 60 columns (set COLUMNS for more)\n"
    )


def test_piped_width_is_columns_else_100():
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport())
    unset = run_lookup(["show", "django-otp"], client=client, env={})
    assert unset.out == show("django-otp", width=100).out


@pytest.mark.parametrize("width", [60, 80])
def test_terminal_keeps_urls_whole(width):
    result = show("django-otp", client=long_otp_client(), width=width, terminal=True)
    assert result.code == EXIT_OK and "\x1b[" in result.out
    seen = visible(result.out).splitlines()
    assert any(line.rstrip() == f"Docs          {LONG_DOCS}" for line in seen)
    assert any(line.rstrip() == f"Repo          {OTP['repo_url']}" for line in seen)
    assert any(line.rstrip() == "Stars         621" for line in seen)
    assert result.out.count("…") == 1 and ", …" in result.out  # only "and more participants"
    assert all(cell_width(line.rstrip()) <= width for line in seen if LONG_DOCS not in line)


# -- PyPI's facts ----------------------------------------------------------------------------


def test_facts_from_pypi_are_printed():
    pypi = FakePyPI()
    result = show("django-otp", "--pypi-url", PYPI_URL, pypi=pypi)
    assert (result.code, result.err) == (EXIT_OK, "")
    assert pypi.paths == ["/pypi/django-otp/json"]
    out = result.out
    assert value_of(out, "Latest") == "1.7.0, released 2025-04-09 (10 mo ago)"
    assert value_of(out, "Releases") == "4 releases"
    assert value_of(out, "License") == "BSD License"  # no licence field: the classifier's
    assert value_of(out, "Python") == "3.9–3.13; requires >=3.9"
    assert value_of(out, "Django") == "4.2–5.2"
    assert value_of(out, "Status") == "Production/Stable"
    assert "PyPI facts" not in out


def test_facts_in_json_under_pypi():
    pypi = FakePyPI(
        {"django-otp": project_json("django-otp", version="1.7.0", license_expression="BSD-3-Clause")}
    )
    data = json.loads(show("django-otp", "--json", "--pypi-url", PYPI_URL, pypi=pypi).out)
    facts = data["pypi"]
    assert data["pypi_problem"] is None and data["schema_version"] == 1
    assert facts["name"] == "django-otp" and facts["version"] == "1.7.0"
    assert facts["released"].startswith("2025-04-09T16:10:37") and facts["released"].endswith("+00:00")
    assert facts["release_count"] == 4 and len(facts["releases"]) == 4
    assert [release["version"] for release in facts["releases"]] == ["1.0.0", "1.3.0", "1.5.4", "1.7.0"]
    assert all(datetime.fromisoformat(release["uploaded"]).tzinfo for release in facts["releases"])
    assert facts["license"] == "BSD-3-Clause"  # the expression comes first
    assert facts["python_versions"] == ["3.9", "3.10", "3.11", "3.12", "3.13"]
    assert facts["django_versions"] == ["4.2", "5.0", "5.1", "5.2"] and facts["django_range"] == "4.2–5.2"
    assert (facts["development_status"], facts["development_status_label"]) == (5, "Production/Stable")
    assert (facts["yanked"], facts["requires_python"]) == (False, ">=3.9")


def test_a_yanked_latest_release_is_said():
    answer = project_json("django-otp", version="1.7.0", yanked=True, yanked_reason="broken wheel")
    pypi = FakePyPI({"django-otp": answer})
    result = show("django-otp", "--pypi-url", PYPI_URL, pypi=pypi)
    assert value_of(result.out, "Latest").startswith("1.7.0 (yanked: broken wheel), released 2025-04-09")
    data = json.loads(show("django-otp", "--json", "--pypi-url", PYPI_URL, pypi=pypi).out)
    assert (data["pypi"]["yanked"], data["pypi"]["yanked_reason"]) == (True, "broken wheel")


def test_not_on_pypi_is_one_line_and_null_in_json():
    pypi = FakePyPI({})
    result = show("django-otp", "--pypi-url", PYPI_URL, pypi=pypi)
    assert result.code == EXIT_OK
    assert value_of(result.out, "PyPI facts") == "none: not on PyPI"
    assert "Latest" not in result.out
    data = json.loads(show("django-otp", "--json", "--pypi-url", PYPI_URL, pypi=pypi).out)
    assert (data["pypi"], data["pypi_problem"]) == (None, "not on PyPI")


def test_a_pypi_failure_is_the_reason_and_show_still_succeeds():
    pypi = FakePyPI(status=503)
    result = show("django-otp", "--json", "--pypi-url", PYPI_URL, pypi=pypi)
    assert result.code == EXIT_OK
    data = json.loads(result.out)
    assert data["pypi"] is None and "server error" in data["pypi_problem"]
    assert len(pypi.paths) == 3  # retried twice, as every PyPI request is


def test_a_package_without_a_pypi_name_asks_nothing():
    api = DemoAPI(packages=[dict(OTP, pypi_url="")])
    pypi = FakePyPI()
    result = show(
        "django-otp",
        "--pypi-url",
        PYPI_URL,
        pypi=pypi,
        client=open_client(api.base_url, transport=api.transport()),
    )
    assert pypi.paths == []
    assert value_of(result.out, "PyPI facts") == "none: no PyPI name in its djangopackages entry"


def test_pypi_turned_off_asks_nothing_and_prints_no_facts_line():
    result = show("django-otp")  # run_lookup's config says pypi = false without a fake PyPI
    assert result.code == EXIT_OK and "PyPI facts" not in result.out and "Latest" not in result.out
    data = json.loads(show("django-otp", "--json").out)
    assert (data["pypi"], data["pypi_problem"]) == (None, "PyPI not asked (pypi = false)")


def test_a_pypi_url_that_is_not_http_is_a_usage_error():
    result = show("django-otp", "--pypi-url", "file:///etc/passwd", pypi=FakePyPI())
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.count("\n") == 1 and "http(s)" in result.err
    # said even where PyPI would not be asked: a typo is a typo
    demo = run_lookup(["show", "django-otp", "--demo", "--pypi-url", "ftp://pypi.test/"])
    assert (demo.code, demo.out) == (EXIT_USAGE, "") and "http(s)" in demo.err


@pytest.fixture
def server():
    with LocalAPI() as local:
        yield local


def test_facts_are_kept_in_the_store_and_read_from_it_next_time(server):
    synced(server)
    pypi = FakePyPI()
    first = show("django-otp", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=pypi)
    assert first.code == EXIT_OK and pypi.paths == ["/pypi/django-otp/json"]
    again = FakePyPI()
    second = show("django-otp", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=again)
    assert again.paths == [] and server.log.paths == []  # 0 requests: store and facts fresh
    assert second.out == first.out and value_of(second.out, "Django") == "4.2–5.2"
    # PyPI turned off (or offline): the kept facts still show, and nothing is asked.
    off = run_lookup(["show", "django-otp", "--api-url", server.url], env={"COLUMNS": "100"})
    assert off.out == first.out
    offline = run_lookup(["show", "django-otp", "--offline", "--api-url", server.url], env={"COLUMNS": "100"})
    assert offline.out == first.out
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        assert store.pypi_facts(["django-otp"])["django-otp"].facts is not None


# A fresh process of ``pkgtui show``: which modules it loaded, on stderr's last line.
SHOW_PROCESS = (
    "import sys; from pkgtui.cli import main; code = main(sys.argv[1:]); "
    "print(sorted(m for m in ('asyncio', 'httpx', 'httpcore') if m in sys.modules), file=sys.stderr); "
    "sys.exit(code)"
)


def test_show_from_the_store_with_fresh_facts_runs_without_an_event_loop(server):
    synced(server)
    kept = show("django-otp", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=FakePyPI())
    assert kept.code == EXIT_OK and value_of(kept.out, "Django") == "4.2–5.2"
    # PyPI at a closed port: were the facts asked for again, the summary would say so.
    env = os.environ | {"COLUMNS": "100", "PKGTUI_PYPI_URL": "http://127.0.0.1:9/pypi/"}
    outputs = {}
    for extra in ((), ("--json",), ("--participants",)):
        done = subprocess.run(
            [sys.executable, "-c", SHOW_PROCESS, "--api-url", server.url, "show", "django-otp", *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == EXIT_OK, done.stderr[-2000:]
        # Before: asyncio (29 ms of imports) in every show, though nothing was awaited.
        assert done.stderr.strip().splitlines()[-1] == "[]", (extra, done.stderr)
        outputs[extra] = done.stdout
    assert value_of(outputs[()], "Django") == "4.2–5.2" and "not refreshed" not in outputs[()]
    assert json.loads(outputs[("--json",)])["pypi"]["version"] == "1.7.0"
    assert outputs[("--participants",)].split() == list(OTP["participants"])
    assert server.log.paths == []


def test_stale_facts_that_fail_to_refresh_are_shown_with_why(server, monkeypatch):
    synced(server)
    show("django-otp", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=FakePyPI())
    monkeypatch.setattr("pkgtui.facts.is_fresh", lambda *args: False)  # as if cache_ttl had passed
    failing = FakePyPI(status=503)
    result = show("django-otp", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=failing)
    assert result.code == EXIT_OK and failing.paths
    assert value_of(result.out, "Django") == "4.2–5.2"  # the kept facts, not lost to the failure
    assert value_of(result.out, "PyPI facts").startswith("as kept before; not refreshed: ")
    data = json.loads(
        show("django-otp", "--json", "--api-url", server.url, "--pypi-url", PYPI_URL, pypi=failing).out
    )
    assert data["pypi"]["version"] == "1.7.0" and "server error" in data["pypi_problem"]


def test_hostile_facts_are_printed_inert():
    answer = project_json(
        "django-otp",
        version="1.7.0\x1b[31m",
        license="[bold]MIT[/bold]\x07",
        classifiers=[
            "Development Status :: 5 - Production/Stable",
            "Framework :: Django :: 5.2\x1b]8;;x\x07",
        ],
    )
    result = show("django-otp", "--pypi-url", PYPI_URL, pypi=FakePyPI({"django-otp": answer}), terminal=True)
    assert result.code == EXIT_OK
    seen = visible(result.out)
    assert "\x07" not in result.out and "\x1b]8;;x" not in result.out
    assert "[bold]MIT[/bold]" in seen  # literally, never as markup
