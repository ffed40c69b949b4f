"""The virtual table on its own: literal cells, cursor keys, selection, clicks, layout."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from pkgtui.widgets import Column, VirtualTable


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
        table.set_rows([(f"row {i}", str(i)) for i in range(self.rows)], keys=[f"k{i}" for i in range(self.rows)])
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
    assert table.layout(40) == [(0, 29), (1, 5), (2, 4)]
    assert table.layout(20) == [(0, 14), (1, 5)]
