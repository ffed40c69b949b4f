"""Untrusted text is printed literally, with escape sequences and controls stripped, in every format."""

from __future__ import annotations

import json
import re

import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.exit_codes import EXIT_OK
from pkgtui.text import clean
from tests.cli.conftest import run_lookup, visible

# Rich markup, an OSC 8 hyperlink to a place nobody should be sent, a screen clear, colour,
# a bell, a NUL, an 8-bit CSI and a right-to-left override.
EVIL = "[bold red]pwn[/] \x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 \x1b[2J\x1b[31mred\x07\x00\x9b31m \u202eevil"
MARKUP = "[bold red]pwn[/]"
FORBIDDEN = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "evil.example")
GRID = "https://djangopackages.org/api/v4/grids/3/"


def hostile_api() -> DemoAPI:
    base = next(p for p in sample_packages() if p["slug"] == "django-otp")
    package = dict(
        base,
        title=EVIL,
        slug="evil",
        repo_description=f"desc {EVIL}\r\nsecond line",
        pypi_version="\x1b[5m6.6.6",
        repo_url="javascript:alert(1)",
        documentation_url="https://ok.example/\x1b[31m",
        participants=["[link=https://markup.example]x[/link]", "ev\x1b[8mil", "dependabot[bot]"],
        grids=[GRID],
    )
    grid = {
        "id": 3,
        "title": EVIL,
        "slug": "evil-grid",
        "packages": ["https://djangopackages.org/api/v4/packages/1867/"],
    }
    category = {"id": 1, "title": EVIL, "slug": "apps", "title_plural": EVIL}
    return DemoAPI(packages=[package], categories=[category], grids=[grid])


def run_hostile(argv: list[str], *, terminal: bool = False):
    api = hostile_api()
    return run_lookup(argv, client=open_client(api.base_url, transport=api.transport()), terminal=terminal)


def assert_inert(text: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in text, f"{bad!r} reached the output"


TEXT_COMMANDS = [
    ["show", "evil"],
    ["show", "evil", "--participants"],
    ["find", "pwn"],
    ["grid", "evil-grid", "--plain"],
    ["grid", "evil-grid", "--csv"],
]


@pytest.mark.parametrize("argv", TEXT_COMMANDS, ids=" ".join)
def test_plain_formats(argv):
    result = run_hostile(argv)
    assert result.code == EXIT_OK
    assert_inert(result.out)
    assert_inert(result.err)
    expected_text = "[link=https://markup.example]x[/link]" if "--participants" in argv else clean(EVIL)
    assert expected_text in result.out


@pytest.mark.parametrize(
    "argv", [["show", "evil"], ["find", "pwn"], ["grid", "evil-grid", "--plain"]], ids=" ".join
)
def test_terminal_formats(argv):
    result = run_hostile(argv, terminal=True)
    assert result.code == EXIT_OK
    seen = visible(result.out)
    assert_inert(seen)  # once rich's own colour and link codes are set aside, nothing is left
    assert MARKUP in seen


def test_terminal_links_only_clean_web_urls():
    result = run_hostile(["show", "evil"], terminal=True)
    assert "javascript:alert(1)" in visible(result.out)
    links = re.findall(r"\x1b\]8;id=\d+;([^\x1b]*)\x1b\\", result.out)
    # only the clean PyPI URL: neither the javascript: one nor the one that held an escape
    assert links == ["https://pypi.org/project/django-otp/"]


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "evil", "--json"],
        ["show", "evil", "--participants", "--json"],
        ["find", "pwn", "--json"],
        ["grid", "evil-grid", "--json"],
    ],
    ids=" ".join,
)
def test_json_formats(argv):
    result = run_hostile(argv)
    assert result.code == EXIT_OK
    assert_inert(result.out)
    assert "\\u001b" not in result.out and "\\u0007" not in result.out
    data = json.loads(result.out)
    strings = []

    def collect(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    literal = "[link=https://markup.example]x[/link]" if "--participants" in argv else MARKUP
    assert any(literal in s for s in strings)
    assert all(clean(s, multiline=True) == s for s in strings)


def test_show_summary_lines():
    out = run_hostile(["show", "evil"]).out
    assert out.startswith(clean(EVIL) + "  (evil)\n")
    assert "desc " + clean(EVIL) + " second line\n" in out
    assert "Version       6.6.6\n" in out
    assert f"Category      {clean(EVIL)}\n" in out and f"Grids         {clean(EVIL)}\n" in out
    assert "Repo          javascript:alert(1)\n" in out and "Docs          https://ok.example/\n" in out
