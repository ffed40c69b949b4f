"""The footer: rebuilt when the keys it shows change, left alone when they do not."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from pkgtui.widgets import FilterInput, KeyFooter

from .conftest import settle


def shown(app) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in app.screen.query_one(KeyFooter).query(FooterKey)]


async def test_unchanged_bindings_keep_the_same_keys(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        keys = list(app.screen.query_one(KeyFooter).query(FooterKey))
        assert ("r", "Refresh") in shown(app) and ("q", "Quit") in shown(app)
        for _ in range(3):  # what a focus move or refresh_bindings() does
            app.screen.refresh_bindings()
            await pilot.pause()
        await pilot.pause()
        # Textual's Footer would have built five new keys three times over.
        assert list(app.screen.query_one(KeyFooter).query(FooterKey)) == keys


async def test_changed_bindings_show_in_the_footer(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # into the search box: letters are text there
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.focused, FilterInput)
        assert ("q", "Quit") not in shown(app) and ("r", "Refresh") not in shown(app)
        await pilot.press("tab")
        await pilot.pause()
        await pilot.pause()
        assert ("q", "Quit") in shown(app) and ("r", "Refresh") in shown(app)


async def test_footer_keys_are_compact_from_the_start(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert all(key.has_class("-compact") for key in app.screen.query_one(KeyFooter).query(FooterKey))
