"""Untrusted text is made safe to show: no escape sequences, no control or bidi characters."""

from __future__ import annotations

import pytest

from pkgtui.text import clean, is_web_url
from tests.hostile import HOSTILE_TEXTS


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("title\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "titleclick"),
        ("\x1b]0;new window title\x1b\\x", "x"),
        ("\x9b2Jcleared", "cleared"),
        ("abc\u202edcba", "abcdcba"),
        ("a\x00b\x07c\x7fd", "abcd"),
        ("line one\r\nline two", "line one line two"),
        ("  dependabot[bot] 🎉  ", "dependabot[bot] 🎉"),
        ("[@click=app.quit]Quit[/]", "[@click=app.quit]Quit[/]"),  # markup is kept, shown literally
        (None, ""),
        (42, ""),
    ],
)
def test_clean(raw, shown):
    assert clean(raw) == shown


def test_multiline_keeps_line_breaks_only():
    assert clean("one\r\ntwo\x1b[1m\tthree\rfour", multiline=True) == "one\ntwo three\nfour"


def test_nothing_unprintable_survives_any_hostile_text():
    for text in HOSTILE_TEXTS:
        assert clean(text).isprintable(), repr(text)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/x/y", True),
        ("http://pypi.org/project/x/", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https://", False),
        ("https://example.com/\x1b[2J", False),
        (None, False),
    ],
)
def test_only_clean_web_urls_are_openable(url, ok):
    assert is_web_url(url) is ok
