"""Textual's private attributes that pkgtui relies on (all in widgets/textual_internals.py) still
exist, with the signatures relied on: a Textual update that renames or reshapes one fails here,
loudly, instead of silently drawing wrongly or slowly."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.widget import Widget

from pkgtui.widgets import textual_internals
from pkgtui.widgets.line_cache import ReusingStylesCache
from pkgtui.widgets.participants import ParticipantList
from pkgtui.widgets.scrollbar import ReusingScrollBar
from pkgtui.widgets.virtual_table import Column, VirtualTable


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_private_attributes_used_still_exist():
    widget = Widget()
    # Made in Widget.__init__, and what use_styles_cache and adopt_vertical_scrollbar replace.
    assert isinstance(widget._styles_cache, textual_internals.StylesCache)
    assert widget._vertical_scrollbar is None
    assert parameters(Widget._scroll_update) == ["self", "virtual_size"]
    assert parameters(App._start_widget) == ["self", "parent", "widget"]
    # resize_virtual sets the reactive itself, by its descriptor, without the layout it asks for.
    assert isinstance(inspect.getattr_static(ScrollView, "virtual_size"), Reactive)


def test_the_styles_cache_methods_overridden_keep_their_signatures():
    """ReusingStylesCache overrides render and render_line, passing render_line's arguments
    by position: a new or reordered parameter would shift them."""
    base = textual_internals.StylesCache
    assert parameters(base.render_line) == parameters(ReusingStylesCache.render_line)
    assert "padding" in parameters(base.render)  # read from render's keyword arguments
    assert "render_widget" in vars(base) and "clear" in vars(base)


def test_the_module_names_the_textual_version_it_was_checked_with():
    from importlib.metadata import version

    # When this fails, Textual was updated: read each use in textual_internals.py against the
    # new release (and rerun the filter benchmarks), then update TEXTUAL_CHECKED.
    assert version("textual") == textual_internals.TEXTUAL_CHECKED


class TwoLists(App):
    def compose(self) -> ComposeResult:
        yield VirtualTable([Column("Name")], id="table")
        yield ParticipantList(id="names")


async def test_the_widgets_get_pkgtuis_styles_cache_and_scrollbar():
    app = TwoLists()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        names = app.query_one(ParticipantList)
        table.set_rows([(f"row {i}",) for i in range(100)])
        names.set_names([f"n{i}" for i in range(100)])
        await pilot.pause()
        for widget in (table, names):
            assert isinstance(widget._styles_cache, ReusingStylesCache)
            assert isinstance(widget.vertical_scrollbar, ReusingScrollBar)
            assert widget.vertical_scrollbar is widget._vertical_scrollbar
        # A new row count reaches the scrollbars at once (resize_virtual), with no layout.
        table.set_rows([(f"row {i}",) for i in range(50)])
        names.set_names([f"n{i}" for i in range(30)])
        await pilot.pause()
        assert table.vertical_scrollbar.window_virtual_size == 51
        assert names.vertical_scrollbar.window_virtual_size == 30
