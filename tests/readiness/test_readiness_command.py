"""``pkgtui readiness``: packages from the synced catalogue, PyPI's facts fetched once and kept
in the store, one line for each failure, and output that a script can read."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import httpx
import msgspec
import pytest

from pkgtui.api.demo import DemoAPI
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from pkgtui.readiness_command import run
from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from tests.pypi.data import project_json
from tests.store.conftest import sync_from

# Grid 7 of the demo data: django-twostepauth, django-two-factor-auth, django-stronghold, django-otp.
GRID = "grid-7"
PYPI = "https://pypi.example/pypi/"


def classifiers(*django: str) -> list[str]:
    return ["Framework :: Django", *(f"Framework :: Django :: {v}" for v in django)]


class FakePyPI:
    """PyPI's JSON API in-process: ``answers`` maps a project to its JSON (or a status code)."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers
        self.requests: list[str] = []

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.removeprefix("/pypi/").removesuffix("/json")
        self.requests.append(name)
        answer = self.answers.get(name, 404)
        if isinstance(answer, int):
            return httpx.Response(answer, json={"message": "Not Found"})
        return httpx.Response(200, json=answer)


@pytest.fixture
def synced():
    config = load_config(demo=True)
    asyncio.run(sync_from(DemoAPI(), catalogue_file(config)))
    return config


def readiness(argv: list[str], pypi: FakePyPI, config=None) -> tuple[int, str, str]:
    args = build_parser().parse_args(["readiness", *argv, "--demo", "--pypi-url", PYPI])
    config = config or load_config(demo=True)
    out, err = io.StringIO(), io.StringIO()
    code = run(args, config, stdout=out, stderr=err, env={}, transport=pypi.transport())
    return code, out.getvalue(), err.getvalue()


ANSWERS = {
    "django-otp": project_json("django-otp", version="1.7.0", classifiers=classifiers("4.2", "5.1", "5.2")),
    "django-two-factor-auth": project_json(
        "django-two-factor-auth", version="1.17.0", classifiers=classifiers("4.2", "5.0")
    ),
    "django-stronghold": project_json(
        "django-stronghold", version="0.4.0", classifiers=["Framework :: Django"]
    ),
    "django-twostepauth": 500,
}


def test_a_grid_is_classified_from_pypi_classifiers(synced):
    pypi = FakePyPI(dict(ANSWERS))
    code, out, err = readiness(["5.2", "--grid", GRID, "--json"], pypi)
    assert code == EXIT_OK, err
    report = json.loads(out)
    assert report["schema_version"] == 1 and report["product"] == "django" and report["release"] == "5.2"
    status = {row["slug"]: row["status"] for row in report["packages"]}
    assert status == {
        "django-otp": "supports",
        "django-two-factor-auth": "older_only",
        "django-stronghold": "silent",  # says Django, but no version
        "django-twostepauth": "silent",  # PyPI failed: no facts
    }
    assert report["counts"] == {"supports": 1, "older_only": 1, "skips": 0, "silent": 2}
    failed = next(row for row in report["packages"] if row["slug"] == "django-twostepauth")
    assert failed["problem"] and failed["latest_version"] is None
    otp = next(row for row in report["packages"] if row["slug"] == "django-otp")
    assert otp["declared"] == ["4.2", "5.1", "5.2"] and otp["latest_version"] == "1.7.0"


def test_facts_are_kept_and_a_failure_never_replaces_them(synced):
    pypi = FakePyPI(dict(ANSWERS))
    assert readiness(["5.2", "--grid", GRID], pypi)[0] == EXIT_OK
    assert set(pypi.requests) == set(ANSWERS)
    assert pypi.requests.count("django-otp") == 1  # once each; the 500 is retried
    # Kept: a second run within cache_ttl asks PyPI nothing but the one that failed.
    pypi.requests.clear()
    code, out, _ = readiness(["5.2", "--grid", GRID], pypi)
    assert code == EXIT_OK and set(pypi.requests) == {"django-twostepauth"}
    # PyPI now fails for all: with the facts expired, the kept ones are still shown.
    config = load_config(demo=True)
    expired = msgspec.structs.replace(config, cache_ttl=0)
    broken = FakePyPI({name: 503 for name in ANSWERS})
    code, out, _err = readiness(["5.2", "--grid", GRID, "--json"], broken, expired)
    report = json.loads(out)
    status = {row["slug"]: row["status"] for row in report["packages"]}
    assert status["django-otp"] == "supports" and status["django-two-factor-auth"] == "older_only"
    store = Store(catalogue_file(config))
    kept = store.pypi_facts(["django-otp"])["django-otp"]
    assert kept.facts is not None and kept.facts.version == "1.7.0" and kept.error  # noted, not replaced


def test_plain_output_counts_and_never_cuts_names(synced):
    pypi = FakePyPI(dict(ANSWERS))
    args = build_parser().parse_args(["readiness", "5.2", "--grid", GRID, "--demo", "--pypi-url", PYPI])
    out, err = io.StringIO(), io.StringIO()
    code = run(
        args,
        load_config(demo=True),
        stdout=out,
        stderr=err,
        env={"COLUMNS": "60"},
        transport=pypi.transport(),
    )
    assert code == EXIT_OK
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Django 5.2 readiness of grid 'grid-7': 4 packages")
    assert lines[1] == "1 supports, 1 older only, 0 skips it, 2 says nothing"
    text = out.getvalue()
    assert "django-two-factor-auth" in text and "4.2, 5.1–5.2" in text


def test_csv_has_one_row_per_package_and_iso_dates(synced):
    pypi = FakePyPI(dict(ANSWERS))
    code, out, _ = readiness(["5.2", "--grid", GRID, "--csv"], pypi)
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4
    otp = next(row for row in rows if row["slug"] == "django-otp")
    assert otp["status"] == "supports" and otp["declared"] == "4.2 5.1 5.2"
    assert otp["released"].startswith("2025-04-09T16:10")


def test_python_readiness_reads_the_python_classifiers(synced):
    answers = {name: project_json(name) for name in ANSWERS}  # django-otp's classifiers: 3.9-3.13
    code, out, _ = readiness(["3.13", "--python", "--grid", GRID, "--json"], FakePyPI(answers))
    assert code == EXIT_OK
    assert {row["status"] for row in json.loads(out)["packages"]} == {"supports"}
    code, out, _ = readiness(["3.14", "--python", "--grid", GRID, "--json"], FakePyPI(answers))
    assert {row["status"] for row in json.loads(out)["packages"]} == {"older_only"}


def test_bad_input_is_one_line(synced):
    pypi = FakePyPI({})
    code, out, err = readiness(["five", "--grid", GRID], pypi)
    assert code == EXIT_USAGE and out == "" and err.count("\n") == 1 and "MAJOR.MINOR" in err
    code, out, err = readiness(["5.2", "--grid", "no-such-grid"], pypi)
    assert code == EXIT_NOT_FOUND and err.count("\n") == 1 and "no grid 'no-such-grid'" in err
    assert pypi.requests == []
    code, out, err = readiness(["5.2", "--grid", GRID], FakePyPI({name: 500 for name in ANSWERS}))
    assert code == EXIT_API and err.count("\n") == 1 and "PyPI gave no facts" in err


def test_nothing_synced_says_to_sync():
    code, _out, err = readiness(["5.2"], FakePyPI({}))
    assert code == EXIT_NOT_FOUND and "run pkgtui sync first" in err and err.count("\n") == 1


def test_hostile_classifiers_are_shown_cleaned(synced):
    hostile = project_json(
        "django-otp",
        version="1.0\x1b[31m",
        classifiers=["Framework :: Django :: 5.2\x1b]52;c;aGk=\x07", "Framework :: Django :: [bold]6.0[/]"],
    )
    answers = dict(ANSWERS) | {"django-otp": hostile}
    code, out, _ = readiness(["5.2", "--grid", GRID], FakePyPI(answers))
    assert code == EXIT_OK and "\x1b" not in out and "\x07" not in out
