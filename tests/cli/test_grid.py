"""``pkgtui grid --plain/--json/--csv``: the comparison table without the TUI."""

from __future__ import annotations

import csv
import io
import json

import httpx

from pkgtui import comparison
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, derive_grids, sample_packages
from pkgtui.exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK
from pkgtui.lookup.output import cell_width
from tests.cli.conftest import run_lookup, visible

MEMBERS = [p for p in sample_packages() if "https://djangopackages.org/api/v4/grids/7/" in p["grids"]]
BY_STARS = [p["title"] for p in sorted(MEMBERS, key=lambda p: -p["repo_watchers"])]


def test_plain(expected):
    result = run_lookup(["grid", "7", "--demo", "--plain"])
    assert (result.code, result.err) == (EXIT_OK, "")
    assert "\x1b" not in result.out
    expected("grid-7.txt", result.out)
    lines = result.out.splitlines()
    assert lines[0] == "Grid 7: 4 packages"
    assert lines[2].split("  ")[0] == "Name" and "Activity (52 wk)" in lines[2]
    assert [line.split()[0] for line in lines[4:]] == BY_STARS


def test_by_slug():
    assert (
        run_lookup(["grid", "grid-7", "--demo", "--plain"]).out
        == run_lookup(["grid", "7", "--demo", "--plain"]).out
    )


def test_csv(expected):
    result = run_lookup(["grid", "7", "--demo", "--csv"])
    assert result.code == EXIT_OK
    expected("grid-7.csv", result.out)
    header, *rows = list(csv.reader(io.StringIO(result.out)))
    assert header == [col.label for col in comparison.COLUMNS]
    assert [row[0] for row in rows] == BY_STARS
    # counts are bare numbers for spreadsheets
    assert [int(row[2]) for row in rows] == sorted((p["repo_watchers"] for p in MEMBERS), reverse=True)


def test_json(expected):
    result = run_lookup(["grid", "7", "--demo", "--json"])
    assert result.code == EXIT_OK
    expected("grid-7.json", result.out)
    data = json.loads(result.out)
    assert data["grid"]["id"] == 7
    assert [col["key"] for col in data["columns"]] == list(comparison.COLUMN_KEYS)
    assert [row["cells"]["name"] for row in data["packages"]] == BY_STARS
    assert data["packages"][0]["values"]["stars"] == max(p["repo_watchers"] for p in MEMBERS)
    assert data["failed"] == []


def test_a_failed_member_is_a_warning_and_the_rest_print():
    grids = [
        dict(grid, packages=[*grid["packages"], "https://djangopackages.org/api/v4/packages/999999/"])
        for grid in derive_grids(sample_packages())
        if grid["id"] == 7
    ]
    api = DemoAPI(grids=grids)
    result = run_lookup(["grid", "7", "--plain"], client=open_client(api.base_url, transport=api.transport()))
    assert result.code == EXIT_OK
    assert result.err.count("\n") == 1
    assert result.err.startswith("pkgtui: warning: package 999999 of Grid 7 left out")
    assert [line.split()[0] for line in result.out.splitlines()[4:]] == BY_STARS


def test_all_members_failing_is_an_error():
    grids = [
        {
            "id": 5,
            "title": "Ghosts",
            "slug": "ghosts",
            "packages": ["https://x.invalid/api/v4/packages/999999/"],
        }
    ]
    api = DemoAPI(grids=grids)
    result = run_lookup(
        ["grid", "ghosts", "--csv"], client=open_client(api.base_url, transport=api.transport())
    )
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.splitlines()[-1].startswith("pkgtui grid: the packages of Ghosts")


def test_unknown_grid_is_not_found():
    result = run_lookup(["grid", "nope", "--demo", "--json"])
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.count("\n") == 1 and "pkgtui find" in result.err


def test_terminal_table_fits_and_marks_the_best():
    wide = run_lookup(["grid", "7", "--demo", "--plain"], terminal=True, env={"COLUMNS": "160"})
    assert wide.code == EXIT_OK
    assert "\x1b[1;32m1,853" in wide.out  # the most stars, in bold green
    assert "▁▃▁▁▁▄▃▃█" in visible(wide.out)
    narrow = run_lookup(["grid", "7", "--demo", "--plain"], terminal=True, env={"COLUMNS": "80"})
    seen = visible(narrow.out)
    assert all(cell_width(line) <= 80 for line in seen.splitlines())
    assert "django-otp " in seen and "django-two-f" in seen and "Activity column left out" in seen


def test_member_fetch_failures_from_the_network_exit_3():
    # the grid answers, then every package request fails with a server error
    def respond(request):
        if "/grids/" in request.url.path:
            return httpx.Response(200, json=derive_grids(MEMBERS)[0])
        return httpx.Response(503)

    client = open_client("http://api.test/api/v4/", transport=httpx.MockTransport(respond), backoff=0.0)
    result = run_lookup(["grid", "7", "--plain"], client=client)
    assert (result.code, result.out) == (EXIT_API, "")
    assert "server error" in result.err.splitlines()[-1]
