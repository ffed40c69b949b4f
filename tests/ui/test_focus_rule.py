"""One focus rule on every screen (issue 17): in a filter or search box Esc clears the text if
there is any, else returns to the list; on a list Esc goes back; after leaving a box, q quits
and ? opens help; while a box has focus the footer says how to leave it."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from pkgtui.screens.help import HelpScreen
from pkgtui.widgets import KeyFooter

from .conftest import settle

SCREENS = [
    ("category", "1", "filter"),
    ("grid", "7", "filter"),
    ("package", "django-otp", "participants-filter"),
    ("compare", "", "filter"),  # the compare list: a grid screen of the user's marks
]


async def _box_then_escape(pilot, box_id: str) -> Input:
    screen = pilot.app.screen
    await pilot.press("slash")
    box = screen.query_one(f"#{box_id}", Input)
    assert screen.focused is box
    await pilot.press("d", "j")
    assert box.value == "dj"
    await pilot.press("escape")  # clears, stays
    assert box.value == "" and screen.focused is box
    await pilot.press("escape")  # empty: back to the list
    assert screen.focused is not box and screen.focused is not None
    return box


@pytest.mark.parametrize(("kind", "key", "box_id"), SCREENS, ids=[s[0] for s in SCREENS])
async def test_esc_clears_then_leaves_the_box_then_goes_back(make_app, kind, key, box_id):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen(kind, key)
        await settle(pilot)
        screen = app.screen
        await _box_then_escape(pilot, box_id)
        assert app.screen is screen  # Esc in the box never left the screen
        await pilot.press("question_mark")  # a key again, not text
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")  # on the list: back to home
        await settle(pilot)
        assert app.screen is not screen


async def test_home_search_box_lets_go_and_q_quits(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        box = await _box_then_escape(pilot, "filter")
        searched = [p for p in transport.paths if "search/" in p]
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0  # q quit
        # q was a key, not a search: nothing more was asked of the API.
        assert [p for p in transport.paths if "search/" in p] == searched
        assert box.value == ""


async def test_the_footer_says_how_to_leave_a_box(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        text = str(footer.render())
        assert "esc" in text.lower() and "list" in text
