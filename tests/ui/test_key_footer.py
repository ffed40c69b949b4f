"""The footer: one widget, one line; repainted when the keys it shows change, not otherwise."""

from __future__ import annotations

from pkgtui.screens.help import HelpScreen
from pkgtui.widgets import FilterInput, KeyFooter

from .conftest import settle


def footer_of(app) -> KeyFooter:
    return app.screen.query_one(KeyFooter)


def shown(app) -> list[tuple[str, str]]:
    keys, _palette = footer_of(app).shown_keys()
    return [(key.key, key.description) for key in keys]


def line(app) -> str:
    return footer_of(app).render().plain


async def test_the_keys_are_one_line_of_one_widget(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = footer_of(app)
        assert not footer.children
        text = line(app)
        assert len(text) == 100
        assert text.startswith("⏎ Open r Refresh ? Help q Quit ")
        assert text.endswith("▏^p palette ")


async def test_unchanged_bindings_do_not_repaint_the_footer(make_app, monkeypatch):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = footer_of(app)
        repaints: list[object] = []
        monkeypatch.setattr(footer, "refresh", lambda *a, **k: repaints.append(a))
        for _ in range(3):  # what a focus move or refresh_bindings() does
            app.screen.refresh_bindings()
            await pilot.pause()
        await pilot.pause()
        assert repaints == []  # Textual's Footer would have built five new keys three times over


async def test_changed_bindings_show_in_the_footer(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # into the search box: letters are text there
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.focused, FilterInput)
        assert ("q", "Quit") not in shown(app) and ("r", "Refresh") not in shown(app)
        assert "q Quit" not in line(app)
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert ("q", "Quit") in shown(app) and ("r", "Refresh") in shown(app)
        assert "q Quit" in line(app)


async def test_clicking_a_key_presses_it(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        column = line(app).index("? Help")
        await pilot.click(KeyFooter, offset=(column + 2, 0))  # on "Help"
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_keys_that_do_not_fit_are_left_out_and_the_palette_stays(make_app):
    app, _ = make_app()
    async with app.run_test(size=(30, 20)) as pilot:
        await settle(pilot)
        text = line(app)
        assert len(text) == 30
        assert text.startswith("⏎ Open r Refresh ") and "Help" not in text
        assert text.endswith("▏^p palette ")
        footer = footer_of(app)
        assert footer.key_at(text.index("Refresh")).key == "r"
        assert footer.key_at(text.index("palette")).key == "ctrl+p"
        assert footer.key_at(text.index("Refresh") + len("Refresh") + 1) is None  # the gap
