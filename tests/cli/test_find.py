"""``pkgtui find``: the search table and raw results, against the sample data."""

from __future__ import annotations

import json

from pkgtui.api.demo import DemoAPI
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
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
    result = run_lookup(["find", "django", "--demo"], env={"COLUMNS": "60"})
    lines = result.out.splitlines()
    assert len(lines) > 3
    assert all(cell_width(line) <= 60 for line in lines)
    assert any(line.endswith("…") for line in lines)


def test_json_is_the_raw_results(expected):
    result = run_lookup(["find", "auth", "--demo", "--json"])
    assert result.code == EXIT_OK
    assert json.loads(result.out) == DemoAPI().search("auth")
    expected("find-auth.json", result.out)


def test_limit():
    assert len(run_lookup(["find", "django", "--demo", "--limit", "3"]).out.splitlines()) == 2 + 3
    assert len(json.loads(run_lookup(["find", "django", "--demo", "--limit", "3", "--json"]).out)) == 3


def test_no_hits_is_not_found():
    result = run_lookup(["find", "qwertyuiop", "--demo"])
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert result.err.count("\n") == 1 and "qwertyuiop" in result.err
    as_json = run_lookup(["find", "qwertyuiop", "--demo", "--json"])
    assert (as_json.code, json.loads(as_json.out)) == (EXIT_NOT_FOUND, [])


def test_blank_term_is_a_usage_error():
    result = run_lookup(["find", " ", "--demo"])
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert "TERM" in result.err


def test_terminal_table_fits_the_width():
    for width in (80, 140):
        result = run_lookup(["find", "django", "--demo"], terminal=True, env={"COLUMNS": str(width)})
        assert result.code == EXIT_OK and "\x1b[" in result.out
        lines = visible(result.out).splitlines()
        assert all(cell_width(line) <= width for line in lines)
        assert "django-two-factor-auth" in visible(result.out)
