"""The virtual table on its own: literal cells, cursor keys, selection, clicks, layout."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

from pkgtui.widgets import Column, LazyRows, Subset, VirtualTable
from pkgtui.widgets.scrollbar import ReusingScrollBar


class TableApp(App):
    def __init__(self, rows: int = 100) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[object] = []
        self.headers: list[int] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable([Column("Name"), Column("N", width=5, align="right", hide_below=30)])

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(
            [(f"row {i}", str(i)) for i in range(self.rows)], keys=[f"k{i}" for i in range(self.rows)]
        )
        table.focus()

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        self.selected.append(event.key)

    def on_virtual_table_header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        self.headers.append(event.column)


def line_text(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


async def test_keys_move_the_cursor_and_enter_selects():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k")
        assert table.cursor == 2
        await pilot.press("G")
        assert table.cursor == 99
        assert round(table.scroll_y) > 0  # scrolled so the cursor is visible
        await pilot.press("g")
        assert table.cursor == 0 and round(table.scroll_y) == 0
        await pilot.press("pagedown")
        assert table.cursor > 1
        await pilot.press("pageup")
        assert table.cursor == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["k0"]


async def test_only_visible_rows_are_rendered_and_the_header_stays():
    app = TableApp(rows=6000)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("G")
        await pilot.pause()
        assert line_text(table, 0).startswith("Name")
        last = line_text(table, table.scrollable_content_region.height - 1)
        assert "row 5999" in last
        # The line cache holds what was drawn, not 6,000 rows.
        assert len(table._line_cache) < 100


async def test_cursor_follows_its_key_when_rows_change():
    app = TableApp(rows=10)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "j")
        assert table.cursor_key == "k3"
        table.set_rows([("row 3", "3"), ("row 9", "9")], keys=["k3", "k9"])
        assert table.cursor == 0 and table.cursor_key == "k3"
        table.set_rows([], keys=[])
        await pilot.pause()
        assert table.cursor_key is None
        assert "Nothing to show." in line_text(table, 1)


async def test_cells_are_literal_not_markup():
    app = TableApp(rows=0)
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(VirtualTable)
        table.set_rows([("[bold red]x[/] [link=http://a]y", "1"), (Text("[b]t[/b]"), "2")])
        await pilot.pause()
        assert "[bold red]x[/] [link=http://a]" in line_text(table, 1)
        assert "[b]t[/b]" in line_text(table, 2)


async def test_click_selects_a_row_and_header_click_names_the_column():
    app = TableApp(rows=10)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(3, 4))  # line 4 = row 3
        await pilot.pause()
        assert table.cursor == 3 and app.selected == ["k3"]
        await pilot.click(VirtualTable, offset=(3, 0))
        await pilot.pause()
        assert app.headers == [0]


def test_layout_gives_flexible_columns_the_rest_and_drops_columns_when_narrow():
    table = VirtualTable([Column("A"), Column("B", width=5), Column("C", width=4, hide_below=30)])
    assert table.column_widths(40) == [(0, 29), (1, 5), (2, 4)]
    assert table.column_widths(20) == [(0, 14), (1, 5)]


def test_a_flexible_column_below_its_min_width_drops_optional_columns_soonest_hidden_first():
    columns = [
        Column("Name", min_width=20),
        Column("Must", width=5),
        Column("Often", width=4, hide_below=10),
        Column("Rarely", width=4, hide_below=30),
    ]
    table = VirtualTable(columns)
    # 40: 40 - 13 - 3 gaps = 24 for Name, enough: all shown.
    assert [i for i, _ in table.column_widths(40)] == [0, 1, 2, 3]
    # 32: Name would get 16 < 20, so "Rarely" (hidden soonest) goes: 32 - 9 - 2 = 21.
    assert table.column_widths(32) == [(0, 21), (1, 5), (2, 4)]
    assert table.hidden_columns(32) == ["Rarely"]
    # 24: both optional columns go; "Must" stays even though Name is still short.
    assert table.column_widths(24) == [(0, 18), (1, 5)]
    table.set_min_width(0, 8)
    assert [i for i, _ in table.column_widths(32)] == [0, 1, 2, 3]


def test_a_fitted_flexible_column_takes_what_it_needs_and_leaves_the_rest_to_the_next():
    columns = [Column("Name", min_width=12), Column("Stars", width=5), Column("Description", min_width=20)]
    table = VirtualTable(columns)
    # Unfitted, the two flexible columns share evenly: 60 - 5 - 2 gaps = 53 → 27 / 26.
    assert table.column_widths(60) == [(0, 27), (1, 5), (2, 26)]
    table.set_min_width(0, 15, most=15)
    # Fitted to its longest name (15): the description gets the other 38.
    assert table.column_widths(60) == [(0, 15), (1, 5), (2, 38)]
    # Narrow: the name keeps its 15, the description is cut first (40 - 5 - 2 - 15 = 18).
    assert table.column_widths(40) == [(0, 15), (1, 5), (2, 18)]
    # A name wider than an even share still gets all it needs; the description the rest.
    table.set_min_width(0, 30, most=30)
    assert table.column_widths(60) == [(0, 30), (1, 5), (2, 23)]
    # Cut at 12 rather than drop Stars, though 18 would show it whole when there is room.
    table.set_min_width(0, 12, most=18)
    assert table.column_widths(60) == [(0, 18), (1, 5), (2, 35)]
    assert table.column_widths(38) == [(0, 12), (1, 5), (2, 19)]
    # Alone, a fitted column takes the whole row (nothing else would use the rest).
    alone = VirtualTable([Column("Name", max_width=10), Column("Stars", width=5)])
    assert alone.column_widths(40) == [(0, 34), (1, 5)]


def test_width_a_fitted_name_cannot_use_brings_back_hidden_columns_most_wanted_first():
    columns = [
        Column("Name", min_width=12),
        Column("Stars", width=5),
        Column("Version", width=9, hide_below=87),
        Column("Users", width=7, hide_below=128),
        Column("Forks", width=6, hide_below=153),
    ]
    table = VirtualTable(columns)
    # Unfitted, thresholds alone decide: at 80 Name takes 80 - 5 - 1 gap = 74.
    assert table.column_widths(80) == [(0, 74), (1, 5)]
    # Names of at most 24 leave 80 - 5 - 24 - 1 gap = 50 that Name cannot use: Version
    # (hidden last, wanted most) comes back, then Users, then Forks; Name takes the rest.
    table.set_min_width(0, 24, most=24)
    assert table.column_widths(80) == [(0, 49), (1, 5), (2, 9), (3, 7), (4, 6)]
    assert table.hidden_columns(80) == []
    # 40: 40 - 5 - 24 - 1 = 10 spare. Version needs 9 + a gap: it fits exactly; Users does not.
    assert table.column_widths(40) == [(0, 24), (1, 5), (2, 9)]
    # 39: Version no longer fits, but the less wanted Users (7 + a gap) still does.
    assert table.column_widths(39) == [(0, 25), (1, 5), (3, 7)]
    assert table.hidden_columns(39) == ["Version", "Forks"]
    # A flexible column with no max_width (a description) uses any width: nothing comes back.
    described = VirtualTable([*columns, Column("Description", min_width=10)])
    described.set_min_width(0, 24, most=24)
    assert [i for i, _ in described.column_widths(80)] == [0, 1, 5]


def test_lazy_rows_build_each_row_once_when_first_read_then_the_tail():
    built: list[int] = []

    def build(i: int) -> tuple[str, ...]:
        built.append(i)
        return (f"row {i}",)

    rows = LazyRows(build, 5, [("failed",)])
    assert len(rows) == 6 and built == []  # nothing made until read
    assert rows[3] == ("row 3",) and rows[3] == ("row 3",) and built == [3]  # once
    assert rows[-1] == ("failed",) and rows[5] == ("failed",) and built == [3]
    assert rows[0:2] == [("row 0",), ("row 1",)] and built == [3, 0, 1]
    with pytest.raises(IndexError):
        rows[6]
    assert list(rows)[-2:] == [("row 4",), ("failed",)]


def test_subset_indexes_without_copying_and_finds_values_in_order():
    base = ["a", "b", "c", "d", "e"]
    view = Subset(base, [4, 0, 2])
    assert len(view) == 3 and list(view) == ["e", "a", "c"]
    assert view[1] == "a" and view[-1] == "c" and view[0:2] == ["e", "a"]
    assert view.index("c") == 2
    with pytest.raises(ValueError):
        view.index("b")  # in the base, not in the view
    base.append("f")  # appending to the base (pages arriving) keeps the view valid
    assert list(view) == ["e", "a", "c"]
    repeated = Subset(["x", "y", "x"], [1, 2])
    assert repeated.index("x") == 1  # the first "x" of the base is not shown: every item is looked at


async def test_a_subset_keeps_the_cursor_on_its_key():
    app = TableApp(rows=10)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "j")
        rows = [(f"row {i}", str(i)) for i in range(10)]
        keys = [f"k{i}" for i in range(10)]
        table.set_rows(Subset(rows, [9, 3, 1]), Subset(keys, [9, 3, 1]))
        await pilot.pause()
        assert table.cursor == 1 and table.cursor_key == "k3"
        assert table.keys == ["k9", "k3", "k1"]
        assert "row 9" in line_text(table, 1)


class StockBarTable(VirtualTable):
    """The same table with Textual's own scrollbar, to compare the drawings."""

    vertical_scrollbar = Widget.vertical_scrollbar


class StockBarApp(TableApp):
    def compose(self) -> ComposeResult:
        yield StockBarTable([Column("Name"), Column("N", width=5, align="right", hide_below=30)])


async def _screens(app: TableApp, states: list[tuple[int, str | None]]) -> list[str]:
    shots = []
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        shots.append(type(table.vertical_scrollbar).__name__)
        for count, key in states:
            table.set_rows([(f"row {i}", str(i)) for i in range(count)], keys=list(range(count)))
            if key:
                await pilot.press(key)
            await pilot.pause()
            shots.append(app.export_screenshot(title="bar"))
        await pilot.hover(VirtualTable, offset=(38, 5))  # the bar's hover colours
        await pilot.pause()
        shots.append(app.export_screenshot(title="bar"))
    return shots


async def test_the_reusing_scrollbar_draws_what_textuals_draws():
    # Row counts as a filter changes them; moving to the end and the middle moves the thumb.
    states = [
        (6000, None),
        (6000, "G"),
        (175, None),
        (175, "pageup"),
        (40, "g"),
        (5, None),
        (3000, "pagedown"),
    ]
    ours = await _screens(TableApp(rows=0), states)
    stock = await _screens(StockBarApp(rows=0), states)
    assert ours[0] == ReusingScrollBar.__name__ and stock[0] == "ScrollBar"
    assert ours[1:] == stock[1:]


async def test_rows_built_directly_match_rich_rendering_them():
    """The fast path (segments built by hand) against the Rich path it replaces, cell for cell:
    plain, truncated, wide, right-aligned and styled cells, with and without the cursor style."""
    rows = [
        ("plain", "1"),
        ("a title far too long for its column, cut with an ellipsis", "12345"),
        ("日本語のタイトル日本語のタイトル日本語", "7"),
        (
            Text.assemble(("bold", Style(bold=True)), " then ", ("red", Style(color="red"))),
            Text("9", style=Style(dim=True)),
        ),
        (Text("styled whole", style=Style(italic=True)), "★ 3"),
        ("", ""),
    ]
    app = TableApp(rows=0)
    async with app.run_test(size=(40, 8)):
        table = app.query_one(VirtualTable)
        table.set_rows(rows)
        for width in (38, 20):  # the narrow one drops the "N" column
            table._prepare_paint()
            table._paint_width = width
            table._paint_layout = table.column_widths(width)
            base = table._paint_style
            for extra in (None, Style(reverse=True, color="yellow")):
                for cells in rows:
                    fast = table._render_cells(cells, width, extra)
                    rendered = table._rich_line(cells).render(app.console, end="")
                    slow = Strip(Segment.apply_style(rendered, base, extra)).adjust_cell_length(
                        width, base + extra if extra else base
                    )
                    assert list(Segment.simplify(fast)) == list(Segment.simplify(slow)), cells
