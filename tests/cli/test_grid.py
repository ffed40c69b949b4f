"""``pkgtui grid --plain/--json/--csv``: the comparison table without the TUI."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import httpx
import pytest

from pkgtui import comparison
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, derive_grids, sample_packages
from pkgtui.api.models import Package
from pkgtui.exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK
from pkgtui.lookup.grid import CSV_FIELDS, SCHEMA_VERSION
from pkgtui.lookup.output import cell_width
from tests.cli.conftest import run_lookup, visible
from tests.conftest import FIXED_NOW

MEMBERS = [p for p in sample_packages() if "https://djangopackages.org/api/v4/grids/7/" in p["grids"]]
BY_STARS = [p["title"] for p in sorted(MEMBERS, key=lambda p: -p["repo_watchers"])]


def test_plain(expected):
    result = run_lookup(["grid", "7", "--demo", "--plain"])
    assert result.code == EXIT_OK
    assert "\x1b" not in result.out
    expected("grid-7.txt", result.out)
    lines = result.out.splitlines()
    assert lines[0] == "Grid 7: 4 packages"
    assert lines[2].split("  ")[0] == "Name" and "Participants" in lines[2]
    assert [line.split()[0] for line in lines[4:]] == BY_STARS
    # At 100 columns the 52-glyph sparkline goes whole (its total stays), and stderr says so.
    assert "Activity" not in result.out and "▁" not in result.out
    assert (
        result.err
        == "pkgtui grid: Activity (52 wk) column left out to fit 100 columns (set COLUMNS for more)\n"
    )


def test_plain_wide_enough_keeps_every_column():
    result = run_lookup(["grid", "7", "--demo", "--plain"], env={"COLUMNS": "160"})
    assert (result.code, result.err) == (EXIT_OK, "")
    header = result.out.splitlines()[2]
    assert header.split("  ")[0] == "Name" and "Activity (52 wk)" in header
    assert "▁▃▁▁▁▄▃▃█" in result.out


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_plain_fits_the_width_and_never_cuts_a_name_or_a_number(width):
    result = run_lookup(["grid", "7", "--demo", "--plain"], env={"COLUMNS": str(width)})
    assert result.code == EXIT_OK
    lines = result.out.splitlines()
    assert all(cell_width(line) <= width for line in lines)
    assert "…" not in result.out
    header = lines[2]
    assert "Name" in header and "Stars" in header  # the most important stay to the last
    for member in MEMBERS:
        row = next(line for line in lines[4:] if line.startswith(member["title"] + " "))
        assert f"{member['repo_watchers']:,}" in row.split()
    labels = [*(col.label for col in comparison.COLUMNS), "Score"]
    kept = [label for label in labels if label in header]
    left_out = [label for label in labels if label not in header]
    if left_out:
        assert result.err == (
            f"pkgtui grid: {', '.join(left_out)} column{'s' * (len(left_out) > 1)} left out to fit "
            f"{width} columns (set COLUMNS for more)\n"
        )
    else:
        assert result.err == ""
    assert kept[0] == "Name"


def test_piped_width_is_columns_else_100():
    unset = run_lookup(["grid", "7", "--demo", "--plain"], env={})
    assert max(cell_width(line) for line in unset.out.splitlines()) <= 100
    assert unset.out == run_lookup(["grid", "7", "--demo", "--plain"], env={"COLUMNS": "100"}).out
    assert "width 100" not in unset.err and "100 columns" in unset.err


def test_by_slug():
    assert (
        run_lookup(["grid", "grid-7", "--demo", "--plain"]).out
        == run_lookup(["grid", "7", "--demo", "--plain"]).out
    )


def test_csv(expected):
    result = run_lookup(["grid", "7", "--demo", "--csv"])
    assert (result.code, result.err) == (EXIT_OK, "")
    expected("grid-7.csv", result.out)
    header, *rows = list(csv.reader(io.StringIO(result.out)))
    assert header == [*CSV_FIELDS, "weekly_commits", "score", "django_versions", "python_versions"]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert [record["name"] for record in records] == BY_STARS
    by_slug = {p["slug"]: p for p in MEMBERS}
    for record in records:
        member = by_slug[record["slug"]]
        assert int(record["id"]) == member["id"]
        # counts are bare numbers for spreadsheets, dates ISO 8601, never "1,853" or "1 mo ago"
        assert int(record["stars"]) == member["repo_watchers"]
        assert int(record["forks"]) == member["repo_forks"]
        assert int(record["participants"]) == len(member["participants"])
        assert datetime.fromisoformat(record["last_commit"]) == datetime.fromisoformat(member["last_updated"])
        assert record["last_commit"].endswith("+00:00")
        weeks = [int(count) for count in record["weekly_commits"].split(" ")]
        assert len(weeks) == 52 and sum(weeks) == int(record["commits_52_weeks"])
        assert weeks == list(Package.from_api(member).commits_over_52)
        # The website's score (the grid screen's), by upstream's rule; no PyPI facts kept here.
        assert int(record["score"]) == comparison.package_score(
            Package.from_api(member), comparison.NOTHING_KNOWN, FIXED_NOW
        )
        # No PyPI facts kept: the versions are unknown, not "none declared".
        assert (record["django_versions"], record["python_versions"]) == ("", "")
        assert not any(bar in result.out for bar in "▁▂▃▄▅▆▇█")


def test_json(expected):
    result = run_lookup(["grid", "7", "--demo", "--json"])
    assert (result.code, result.err) == (EXIT_OK, "")
    expected("grid-7.json", result.out)
    data = json.loads(result.out)
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["grid"]["id"] == 7
    assert [row["name"] for row in data["packages"]] == BY_STARS
    by_slug = {p["slug"]: p for p in MEMBERS}
    for entry in data["packages"]:
        member = by_slug[entry["slug"]]
        assert (entry["id"], entry["stars"], entry["forks"]) == (
            member["id"],
            member["repo_watchers"],
            member["repo_forks"],
        )
        assert entry["participants"] == len(member["participants"])
        assert datetime.fromisoformat(entry["last_commit"]) == datetime.fromisoformat(member["last_updated"])
        assert entry["weekly_commits"] == list(Package.from_api(member).commits_over_52)
        assert (
            len(entry["weekly_commits"]) == 52 and sum(entry["weekly_commits"]) == entry["commits_52_weeks"]
        )
        assert isinstance(entry["last_commit_age_days"], float) and isinstance(entry["is_stale"], bool)
    assert data["packages"][0]["best"][:1] == ["stars"]  # the most stars, first by stars
    for entry, member in zip(
        data["packages"], sorted(MEMBERS, key=lambda p: -p["repo_watchers"]), strict=True
    ):
        assert entry["score"] == comparison.package_score(
            Package.from_api(member), comparison.NOTHING_KNOWN, FIXED_NOW
        )
    best_score = max(entry["score"] for entry in data["packages"])
    assert [("score" in entry["best"]) for entry in data["packages"]] == [
        entry["score"] == best_score for entry in data["packages"]
    ]
    assert data["failed"] == []


def test_a_failed_member_is_a_warning_and_the_rest_print():
    grids = [
        dict(grid, packages=[*grid["packages"], "https://djangopackages.org/api/v4/packages/999999/"])
        for grid in derive_grids(sample_packages())
        if grid["id"] == 7
    ]
    api = DemoAPI(grids=grids)
    result = run_lookup(
        ["grid", "7", "--plain"],
        client=open_client(api.base_url, transport=api.transport()),
        env={"COLUMNS": "160"},  # every column fits: the warning is the only line on stderr
    )
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
    assert wide.err == ""
    for width in (60, 80):
        narrow = run_lookup(["grid", "7", "--demo", "--plain"], terminal=True, env={"COLUMNS": str(width)})
        seen = visible(narrow.out)
        assert all(cell_width(line) <= width for line in seen.splitlines())
        assert "…" not in seen
        assert all(f" {member['title']} " in seen for member in MEMBERS)  # names whole
        assert "1,853" in seen and "Stars" in seen
        assert "Activity" not in seen and "▁" not in seen
        assert narrow.err.startswith("pkgtui grid: ") and narrow.err.count("\n") == 1
        assert "Activity (52 wk)" in narrow.err
        assert f"left out to fit {width} columns" in narrow.err


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


def test_readme_documents_the_csv_columns_and_json_keys():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    csv_part = readme.split("**`grid --csv`**", 1)[1].split("\n\n", 1)[0]
    documented = re.findall(r"`([a-z_0-9]+)`", csv_part)
    columns = [*CSV_FIELDS, "users", "weekly_commits", "score", "django_versions", "python_versions"]
    assert [name for name in documented if name in columns] == columns
    json_part = readme.split("**`grid --json`**", 1)[1].split("\n\n", 1)[0]
    data = json.loads(run_lookup(["grid", "7", "--demo", "--json"]).out)
    for key in [*data, *data["packages"][0]]:
        assert re.search(rf"\b{key}\b", json_part), f"{key} not in the README's grid --json"
