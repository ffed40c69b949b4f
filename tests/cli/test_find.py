"""``pkgtui find``: the search table and raw results, against the sample data."""

from __future__ import annotations

import json

import httpx
import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from pkgtui.lookup.find import SCHEMA_VERSION
from pkgtui.lookup.output import cell_width
from tests.cli.conftest import run_lookup, visible


def test_table_plain(expected):
    result = run_lookup(["find", "auth", "--demo"])
    assert (result.code, result.err) == (EXIT_OK, "")
    assert "\x1b" not in result.out
    expected("find-auth.txt", result.out)


def test_table_lists_every_hit_best_first():
    hits = DemoAPI().search("auth")
    lines = run_lookup(["find", "auth", "--demo"]).out.splitlines()
    assert lines[0].split() == ["Title", "Stars", "Category", "Description"]
    assert [line.split()[0] for line in lines[2:]] == [hit["title"] for hit in hits]


def test_several_words_are_one_term():
    assert (
        run_lookup(["find", "two", "factor", "--demo"]).out
        == run_lookup(["find", "two factor", "--demo"]).out
    )


def test_descriptions_are_cut_to_the_width():
    result = run_lookup(["find", "django", "--demo"], env={"COLUMNS": "80"})
    lines = result.out.splitlines()
    assert len(lines) > 3
    assert all(cell_width(line) <= 80 for line in lines)
    assert any(line.endswith("…") for line in lines)
    assert column_notes(result.err) == []  # every column fits at 80


CAP_NOTE = "pkgtui find: the API answers at most 20 hits; pkgtui sync first to search everything"


def column_notes(err: str) -> list[str]:
    """stderr's lines but the API's cap (the demo API stops at 20 hits, as the real one does)."""
    return [line for line in err.splitlines() if line != CAP_NOTE]


@pytest.mark.parametrize(
    ("width", "left_out"),
    [(40, "Category, Description columns"), (60, "Category column"), (80, None), (100, None)],
)
def test_columns_go_whole_and_titles_and_stars_are_never_cut(width, left_out):
    result = run_lookup(["find", "django", "--demo"], env={"COLUMNS": str(width)})
    assert result.code == EXIT_OK
    lines = result.out.splitlines()
    assert all(cell_width(line) <= width for line in lines)
    for hit in DemoAPI().search("django"):
        row = next(line for line in lines if line.startswith(hit["title"] + " ") or line == hit["title"])
        # the whole title, then the whole star count: only the description is ever cut
        assert row[len(hit["title"]) :].split()[0] == f"{hit['repo_watchers']:,}"
    header = lines[0].split()
    if left_out is None:
        assert header == ["Title", "Stars", "Category", "Description"] and column_notes(result.err) == []
    else:
        assert column_notes(result.err) == [
            f"pkgtui find: {left_out} left out to fit {width} columns (set COLUMNS for more)"
        ]
        assert not any(name in header for name in left_out.split(" ")[0].replace(",", " ").split())


def test_terminal_stars_are_never_cut_at_60():
    result = run_lookup(["find", "django", "--demo"], terminal=True, env={"COLUMNS": "60"})
    seen = visible(result.out)
    for hit in DemoAPI().search("django"):
        assert f" {hit['title']} " in seen
        assert f" {hit['repo_watchers']:,} " in seen
    assert all(cell_width(line) <= 60 for line in seen.splitlines())
    assert column_notes(result.err) == [
        "pkgtui find: Category column left out to fit 60 columns (set COLUMNS for more)"
    ]
    assert CAP_NOTE in result.err.splitlines()


def test_json_is_the_raw_results(expected):
    result = run_lookup(["find", "auth", "--demo", "--json"])
    assert (result.code, result.err) == (EXIT_OK, "")
    data = json.loads(result.out)
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert (data["term"], data["source"], data["capped"]) == ("auth", "api", False)
    assert data["results"] == DemoAPI().search("auth")
    expected("find-auth.json", result.out)


def test_limit():
    assert len(run_lookup(["find", "django", "--demo", "--limit", "3"]).out.splitlines()) == 2 + 3
    as_json = json.loads(run_lookup(["find", "django", "--demo", "--limit", "3", "--json"]).out)
    assert len(as_json["results"]) == 3


def test_the_apis_cap_of_twenty_is_said():
    hits = [dict(DemoAPI().search("django")[0], slug=f"hit-{n}", title=f"hit-{n}") for n in range(20)]
    client = open_client(
        "http://api.test/api/v4/",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=hits)),
    )
    result = run_lookup(["find", "hit", "--json"], client=client)
    assert json.loads(result.out)["capped"] is True
    assert "at most 20 hits" in result.err
    client = open_client(
        "http://api.test/api/v4/",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=hits[:19])),
    )
    fewer = run_lookup(["find", "hit"], client=client)
    assert fewer.code == EXIT_OK and fewer.err == ""


def test_no_hits_is_not_found():
    result = run_lookup(["find", "qwertyuiop", "--demo"])
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.count("\n") == 1 and "qwertyuiop" in result.err
    as_json = run_lookup(["find", "qwertyuiop", "--demo", "--json"])
    assert as_json.code == EXIT_NOT_FOUND
    assert json.loads(as_json.out)["results"] == []


def test_blank_term_is_a_usage_error_said_once():
    result = run_lookup(["find", " ", "--demo"])
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err == "pkgtui find: TERM is empty; give a word to search for (see pkgtui --help)\n"


def test_terminal_table_fits_the_width():
    for width in (80, 140):
        result = run_lookup(["find", "django", "--demo"], terminal=True, env={"COLUMNS": str(width)})
        assert result.code == EXIT_OK and "\x1b[" in result.out
        lines = visible(result.out).splitlines()
        assert all(cell_width(line) <= width for line in lines)
        assert "django-two-factor-auth" in visible(result.out)


def test_a_title_wider_than_the_terminal_is_printed_whole():
    long_title = "django-" + "x" * 70
    hits = [dict(DemoAPI().search("django")[0], title=long_title)]
    client = open_client(
        "http://api.test/api/v4/",
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=hits)),
    )
    result = run_lookup(["find", "x"], client=client, env={"COLUMNS": "40"})
    assert result.code == EXIT_OK
    # Whole, though wider than the terminal: every column that can go has gone.
    assert result.out.splitlines()[2] == long_title
    assert result.err.startswith("pkgtui find: Stars, Category, Description columns left out")
