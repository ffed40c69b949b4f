"""``pkgtui show``: the summary, participants and JSON, against the sample data."""

from __future__ import annotations

import io
import json
from datetime import datetime

from pkgtui import lookup
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, derive_grids, sample_packages
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from tests.cli.conftest import TERMINAL_ENV, run_lookup, visible
from tests.conftest import FIXED_NOW
from tests.server import Faults, LocalAPI

SAMPLE = {package["slug"]: package for package in sample_packages()}
OTP = SAMPLE["django-otp"]


def test_summary_plain(expected):
    result = run_lookup(["show", "django-otp", "--demo"])
    assert (result.code, result.err) == (EXIT_OK, "")
    assert "\x1b" not in result.out
    expected("show-django-otp.txt", result.out)


def test_summary_by_id_is_the_same_as_by_slug():
    assert (
        run_lookup(["show", str(OTP["id"]), "--demo"]).out == run_lookup(["show", "django-otp", "--demo"]).out
    )


def test_summary_names_the_first_participants_and_the_count():
    lines = run_lookup(["show", "django-otp", "--demo"]).out.splitlines()
    (line,) = [line for line in lines if line.startswith("Participants")]
    names = OTP["participants"]
    assert f"{len(names)}: {', '.join(names[:5])}, …" in line


def test_json_is_the_api_object_plus_derived_fields(expected):
    result = run_lookup(["show", "django-otp", "--demo", "--json"])
    assert result.code == EXIT_OK
    data = json.loads(result.out)
    assert data["package"] == OTP
    derived = data["derived"]
    assert derived["category"] == {"id": 1, "title": "Apps"}
    assert derived["grids"] == [{"id": 7, "title": "Grid 7"}, {"id": 426, "title": "Grid 426"}]
    assert derived["participants_count"] == len(OTP["participants"])
    assert derived["commits_52_weeks"] == sum(OTP["commits_over_52"])
    assert derived["weekly_commits"] == OTP["commits_over_52"]  # numbers, oldest week first
    assert datetime.fromisoformat(derived["last_commit"]) == datetime.fromisoformat(OTP["last_updated"])
    assert "last_commit_age" not in derived  # no relative dates ("1 mo ago") in JSON
    assert data["schema_version"] == 1
    # The demo's made-up PyPI facts, served in-process.
    assert data["pypi"]["name"] == "django-otp" and data["pypi_problem"] is None
    expected("show-django-otp.json", result.out)


def test_grid_titles_are_fetched_and_a_missing_one_is_named_by_id():
    grids = [
        dict(grid, title="Two-factor authentication")
        for grid in derive_grids(sample_packages())
        if grid["id"] == 7
    ]
    api = DemoAPI(grids=grids)
    result = run_lookup(["show", "django-otp"], client=open_client(api.base_url, transport=api.transport()))
    assert result.code == EXIT_OK
    assert "Grids         Two-factor authentication, Grid 426\n" in result.out


def test_category_and_grids_are_fetched_concurrently():
    with LocalAPI(faults=Faults(latency=0.2)) as server:
        result = run_lookup(["show", "django-otp", "--api-url", server.url, "--no-cache"])
    assert result.code == EXIT_OK
    # one package, then its category and two grids at once
    assert len(server.log.paths) == 4
    assert server.log.max_in_flight == 3


def test_participants_one_a_line(expected):
    result = run_lookup(["show", "django-otp", "--demo", "--participants"])
    assert result.code == EXIT_OK
    assert result.out.splitlines() == OTP["participants"]
    expected("show-django-otp-participants.txt", result.out)


def test_participants_filter_is_case_insensitive():
    result = run_lookup(["show", "django-otp", "--demo", "--participants", "--filter", "AR"])
    wanted = [name for name in OTP["participants"] if "ar" in name.lower()]
    assert len(wanted) >= 2
    assert (result.code, result.out.splitlines()) == (EXIT_OK, wanted)


def test_participants_as_json():
    result = run_lookup(["show", "django-otp", "--demo", "--participants", "--filter", "ar", "--json"])
    assert json.loads(result.out) == {
        "schema_version": 1,
        "package": "django-otp",
        "filter": "ar",
        "participants": [name for name in OTP["participants"] if "ar" in name.lower()],
    }


def test_filter_matching_nobody_is_not_found():
    result = run_lookup(["show", "django-otp", "--demo", "--filter", "zzzz"])
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.count("\n") == 1 and "'zzzz'" in result.err


def test_unknown_package_is_not_found_with_a_hint():
    result = run_lookup(["show", "no-such-package", "--demo"])
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.count("\n") == 1
    assert "no-such-package" in result.err and "pkgtui find" in result.err


def test_blank_name_is_a_usage_error():
    result = run_lookup(["show", "  ", "--demo"])
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.count("\n") == 1 and "SLUG_OR_ID" in result.err


def test_terminal_gets_colour_and_the_same_facts():
    result = run_lookup(["show", "django-otp", "--demo"], terminal=True)
    assert result.code == EXIT_OK
    assert "\x1b[" in result.out
    seen = visible(result.out)
    for fact in ("django-otp", "1.7.0", "Apps", "621", "117", "2026-01-07 (1 mo ago)", "Grid 7, Grid 426"):
        assert fact in seen
    # web URLs become terminal links
    assert "\x1b]8;id=" in result.out and OTP["repo_url"] in seen


def test_no_color_on_a_terminal_is_plain_text():
    plain = run_lookup(["show", "django-otp", "--demo"])
    result = run_lookup(["show", "django-otp", "--demo"], terminal=True, env=TERMINAL_ENV | {"NO_COLOR": "1"})
    assert result.out == plain.out


def test_package_without_activity_or_dates():
    package = dict(OTP, commits_over_52=[], last_updated=None, participants=[], grids=[], pypi_version=None)
    api = DemoAPI(packages=[package])
    result = run_lookup(["show", "django-otp"], client=open_client(api.base_url, transport=api.transport()))
    assert result.code == EXIT_OK
    for line in (
        "Version       –",
        "Last commit   unknown",
        "Activity      no data",
        "Participants  0",
        "Grids         –",
    ):
        assert line + "\n" in result.out


def test_a_stdout_that_cannot_encode_the_sparkline_gets_replacements():
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii")
    args = build_parser().parse_args(["show", "django-otp", "--demo"])
    code = lookup.run(args, load_config(demo=True, env={}), now=FIXED_NOW, stdout=stdout, env={})
    assert code == EXIT_OK
    text = raw.getvalue().decode("ascii")
    assert "Version       1.7.0" in text and "Activity      ?????" in text
