"""The help screen lists the keys that work where the focus is, read from Textual's public
``Screen.active_bindings`` (not from each node's private bindings)."""

from __future__ import annotations

from pkgtui.screens.help import HelpScreen, binding_rows
from pkgtui.target import StartTarget

from .conftest import settle


async def test_help_from_a_filter_box_lists_its_keys_but_not_textuals_editing_keys(make_app):
    app, _ = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        on_the_list = {description: keys for keys, description in binding_rows(app.screen)}
        assert on_the_list["Sort"] == "s" and on_the_list["Open"] == "⏎"
        await pilot.press("slash")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain_text
        # The box's own (Esc there clears, then returns to the list: the screen's Back is for
        # the list), and the screen's.
        assert "To the list" in text and "Clear, then list" in text and "Filter" in text
        assert "Delete character left" not in text  # Textual's Input, the usual editing keys
        assert "Sort" not in text  # "s" types an s in the box


async def test_help_lists_the_screen_first_then_the_focused_list_then_the_app(make_app):
    app, _ = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        descriptions = [description for _, description in binding_rows(app.screen)]
        assert descriptions.index("Refresh") < descriptions.index("Open") < descriptions.index("Quit")
