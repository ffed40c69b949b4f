"""A table that renders only the rows on screen, so 6,000 rows filter and sort within a frame.

Textual's DataTable builds and measures every row when rows change, which costs far more
than a frame at catalogue sizes. Here rows are kept as pre-rendered cells (``str`` or
``rich.text.Text``, never parsed as markup) and only the visible lines are drawn, through
the Line API (``render_line``). Replacing all rows is O(1) beyond the list itself.

The first line is a fixed header; the rest scroll. Rows carry a key (e.g. a package id),
so the cursor stays on the same row when the rows are filtered, sorted or extended.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import ClassVar, Literal, TypeVar

import msgspec
from msgspec.structs import replace
from rich.cells import cell_len, set_cell_size
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .line_cache import ReusingStylesCache
from .scrollbar import ReusingScrollBars
from .textual_internals import resize_virtual, use_styles_cache

Cell = str | Text
T = TypeVar("T")


class Subset(Sequence[T]):
    """``base[i] for i in indices`` without building the list: a filtered view of thousands of
    rows costs nothing per row when a keystroke changes it (a comprehension over 6,000 rows
    and their keys took 2.5-9 ms, most of a frame). Items may be appended to ``base`` later,
    but neither sequence may otherwise change."""

    __slots__ = ("_base", "_indices")

    def __init__(self, base: Sequence[T], indices: Sequence[int]) -> None:
        self._base = base
        self._indices = indices

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, index):  # int or slice
        if isinstance(index, slice):
            return [self._base[i] for i in self._indices[index]]
        return self._base[self._indices[index]]

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` is, found in C rather than a Python loop over every item (the
        cursor's row is looked up this way on each keystroke)."""
        stop = len(self) if stop is None else stop
        try:
            position = self._indices.index(self._base.index(value), start, stop)
        except ValueError:
            return super().index(value, start, stop)  # a repeated value: look at every one
        return position


class LazyRows(Sequence[T]):
    """``count`` rows, row ``i`` made by ``build(i)`` when first read and kept, then the rows
    of ``tail``: the table reads only the rows it shows, so a screen need not build the cells
    of every row before its first frame. A grid of 160 from API v3 built all 160 rows' cells
    (sparklines, best marks, facts) before painting the 20 on screen: ~7 ms of its open."""

    __slots__ = ("_build", "_built", "_count", "_tail")

    def __init__(self, build: Callable[[int], T], count: int, tail: Sequence[T] = ()) -> None:
        self._build = build
        self._count = count
        self._built: dict[int, T] = {}
        self._tail = tail

    def __len__(self) -> int:
        return self._count + len(self._tail)

    def __getitem__(self, index):  # int or slice
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index >= self._count:
            return self._tail[index - self._count]
        row = self._built.get(index)
        if row is None:
            row = self._built[index] = self._build(index)
        return row


class Column(msgspec.Struct, frozen=True):
    """``width`` None means flexible: flexible columns share what the fixed ones leave.

    ``hide_below``: the column is dropped when the table is narrower than this, so narrow
    terminals lose the least important columns instead of truncating every one.
    ``max_width``: a flexible column grows no wider than this, and leaves the rest to the
    other flexible ones (a name column wide enough for the longest name, the description
    beside it taking what is left). When every flexible column has one, the width they
    cannot use brings back optional columns that ``hide_below`` hid (see column_widths).
    """

    label: str
    width: int | None = None
    align: Literal["left", "right"] = "left"
    min_width: int = 8
    hide_below: int = 0
    max_width: int | None = None


class VirtualTable(ReusingScrollBars, ScrollView, can_focus=True):
    """Rows of cells with a cursor; Enter or a click posts :class:`VirtualTable.Selected`."""

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        padding: 0 0 0 1;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        &:focus { background-tint: $foreground 4%; }
        & > .virtual-table--header { text-style: bold; color: $text-primary; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--empty { color: $text-muted; text-style: italic; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="table.select"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "first", "First", show=False, id="table.first"),
        Binding("end,G", "last", "Last", show=False, id="table.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: VirtualTable, index: int, key: Hashable | None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Highlighted):
        """A row was chosen with Enter or a click."""

    class HeaderClicked(Message):
        """A column label was clicked (screens may sort by it)."""

        def __init__(self, table: VirtualTable, column: int) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "Nothing to show.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[Column] = list(columns)
        self.empty_text = empty_text
        self._rows: Sequence[Sequence[Cell]] = []
        self._keys: Sequence[Hashable] = []
        self._labels: list[Cell] = [column.label for column in self.columns]
        # Rendered lines by (id of the row's cells, width, cursor, focus); the cells object is
        # kept with its strip, so an id reused by a new object never matches. Rows that survive
        # a filter or sort are the same objects, so a keystroke re-renders only new rows.
        self._line_cache: dict[tuple[int, int, bool, bool], tuple[Sequence[Cell], Strip]] = {}
        # Styled lines by content line, so a row that only moved is not re-styled.
        self._line_styles = ReusingStylesCache()
        use_styles_cache(self, self._line_styles)
        # Per repaint, not per line (see render_lines).
        self._paint_width = 0
        self._paint_style = Style()
        self._paint_layout: list[tuple[int, int]] = []

    # -- data --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[Hashable]:
        return list(self._keys)

    @property
    def cursor_key(self) -> Hashable | None:
        return self._keys[self.cursor] if 0 <= self.cursor < len(self._keys) else None

    def row(self, index: int) -> Sequence[Cell]:
        return self._rows[index]

    def set_rows(
        self,
        rows: Sequence[Sequence[Cell]],
        keys: Sequence[Hashable] | None = None,
        *,
        keep_cursor: bool = True,
    ) -> None:
        """Replace every row. Cells are shown literally (``clean()`` them first).

        The table keeps ``rows`` and ``keys`` as given, without copying them (pass a
        :class:`Subset` for a filtered view), so they must not change afterwards.
        The cursor stays on the row with the same key when there is one, else on the
        same position (clamped).
        """
        previous = self.cursor_key if keep_cursor else None
        self._rows = rows
        self._keys = keys if keys is not None else range(len(rows))
        size = Size(0, len(self._rows) + 1)
        if size != self.virtual_size:
            # Not ``self.virtual_size = size``: that reactive re-lays out the whole screen, on
            # every keystroke of a filter. Only this widget's scrollbar needs to know.
            resize_virtual(self, size)
        target = 0
        if previous is not None:
            try:
                target = self._keys.index(previous)
            except ValueError:
                target = min(self.cursor, max(0, len(self._rows) - 1))
        self._move_cursor(target, force=True)
        self.refresh()

    def set_labels(self, labels: Sequence[Cell]) -> None:
        """New header labels (e.g. a sort arrow on one column)."""
        self._labels = list(labels)
        self._line_cache.clear()
        self.refresh()

    def set_min_width(self, column: int, width: int, *, most: int | None = None) -> None:
        """The width below which flexible ``column`` drops optional columns rather than be cut
        (see column_widths): e.g. the longest name in the rows. ``most``: the widest it grows
        (its ``max_width``, e.g. the longest name), so other flexible columns get the rest."""
        current = self.columns[column]
        max_width = current.max_width if most is None else max(width, most)
        if current.min_width == width and current.max_width == max_width:
            return
        self.columns[column] = replace(current, min_width=width, max_width=max_width)
        self._line_cache.clear()
        self.refresh()

    def hidden_columns(self, width: int | None = None) -> list[str]:
        """The labels of the columns not shown at ``width`` (default: the table's own)."""
        shown = {i for i, _ in self.column_widths(self._table_width() if width is None else width)}
        return [column.label for i, column in enumerate(self.columns) if i not in shown]

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.refresh()

    # -- cursor ------------------------------------------------------------------------------

    def _move_cursor(self, index: int, *, force: bool = False) -> None:
        index = max(0, min(index, len(self._rows) - 1)) if self._rows else 0
        changed = index != self.cursor
        self.cursor = index
        self._scroll_to_cursor()
        if (changed or force) and self._rows:
            self.post_message(self.Highlighted(self, index, self.cursor_key))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()  # a new theme or focus style: the cached lines are stale
        self._line_styles.forget()

    def watch_cursor(self, old: int, new: int) -> None:
        # Cached lines stay valid: whether a line is the cursor's is part of their key.
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_down(self) -> None:
        self._move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._rows) - 1)

    def action_page_down(self) -> None:
        self._move_cursor(self.cursor + self._page())

    def action_page_up(self) -> None:
        self._move_cursor(self.cursor - self._page())

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor, self.cursor_key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.HeaderClicked(self, column))
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self._rows):
            self.focus()
            self._move_cursor(index)
            self.action_select()

    # -- layout and rendering ----------------------------------------------------------------

    def column_widths(self, width: int) -> list[tuple[int, int]]:
        """(column index, width) of each shown column, for a table ``width`` cells wide."""
        shown = [i for i, column in enumerate(self.columns) if width >= column.hide_below]
        flexible = [i for i in shown if self.columns[i].width is None]

        def spare_of(shown: list[int]) -> int:
            fixed = sum(self.columns[i].width or 0 for i in shown)
            return max(0, width - fixed - max(0, len(shown) - 1))

        # A flexible column narrower than its min_width (a name that would be cut) first
        # drops the optional fixed columns, the one hidden soonest first: a name cut loses
        # more than a number.
        optional = sorted(
            (i for i in shown if self.columns[i].width is not None and self.columns[i].hide_below),
            key=lambda i: (self.columns[i].hide_below, i),
        )
        need = sum(self.columns[i].min_width for i in flexible)
        while flexible and optional and spare_of(shown) < need:
            shown.remove(optional.pop())
        # The other way round: when every flexible column says how wide it can use (its
        # max_width: the longest name) and the width left over after them holds an optional
        # column its threshold hid, that column comes back, the one hidden last first. A grid
        # of short names at 80 columns showed a Name column 36 wide and no Users beside it.
        if flexible and all(self.columns[i].max_width is not None for i in flexible):
            used = sum(max(self.columns[i].min_width, self.columns[i].max_width or 0) for i in flexible)
            hidden = sorted(
                (
                    i
                    for i, column in enumerate(self.columns)
                    if i not in shown and column.width is not None and column.hide_below > width
                ),
                key=lambda i: (self.columns[i].hide_below, i),
            )
            for i in hidden:
                if spare_of([*shown, i]) >= used:
                    shown = sorted([*shown, i])
        spare = spare_of(shown)
        widths: dict[int, int] = {}
        # A flexible column whose even share is more than it wants (its max_width) takes what
        # it wants; one whose share is less than it needs (its min_width: a name not to cut)
        # takes what it needs; the others share the rest evenly. The last one always takes
        # the rest, so the row is never left short.
        sharing = list(flexible)
        if len(sharing) > 1 and sum(self.columns[i].min_width for i in sharing) > spare:
            # Not room for every one's min_width: the first columns (the name) get theirs.
            for i in sharing[:-1]:
                widths[i] = max(1, min(self.columns[i].min_width, spare - 1))
                spare = max(0, spare - widths[i])
            sharing = sharing[-1:]
        while len(sharing) > 1:
            share = spare // len(sharing)
            columns = self.columns
            pinned = [
                (i, most) for i in sharing if (most := columns[i].max_width) is not None and most <= share
            ]
            if not pinned:
                pinned = [(i, columns[i].min_width) for i in sharing if columns[i].min_width > share]
            if not pinned:
                break
            for i, wanted in pinned[: len(sharing) - 1]:
                widths[i] = max(1, min(wanted, spare - (len(sharing) - 1)))
                spare -= widths[i]
                sharing.remove(i)
        for n, i in enumerate(sharing):
            share = spare // len(sharing) + (1 if n < spare % len(sharing) else 0)
            widths[i] = max(1, share)
        for i in shown:
            widths.setdefault(i, self.columns[i].width or 1)
        return [(i, widths[i]) for i in shown]

    def _column_at(self, x: int) -> int | None:
        start = 0
        for index, width in self.column_widths(self._table_width()):
            if start <= x < start + width + 1:
                return index
            start += width + 1
        return None

    def _table_width(self) -> int:
        return self.scrollable_content_region.width

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_paint()
        return super().render_lines(crop)

    def _prepare_paint(self) -> None:
        """What every line needs, looked up once a repaint rather than once a line."""
        self._paint_width = width = self._table_width()
        self._paint_style = self.rich_style
        self._paint_layout = self.column_widths(width)

    def render_line(self, y: int) -> Strip:
        if not self._paint_layout:  # called outside a repaint (e.g. text selection)
            self._prepare_paint()
        width = self._paint_width
        if y == 0:
            return self._render_cached(-1, width, header=True)
        index = round(self.scroll_y) + y - 1
        if not self._rows:
            if y == 1:
                style = self.get_component_rich_style("virtual-table--empty")
                return Strip([Segment(self.empty_text[:width], style)]).extend_cell_length(
                    width, self._paint_style
                )
            return Strip.blank(width, self._paint_style)
        if index >= len(self._rows):
            return Strip.blank(width, self._paint_style)
        return self._render_cached(index, width)

    def _render_cached(self, index: int, width: int, header: bool = False) -> Strip:
        is_cursor = index == self.cursor and not header
        cells = self._labels if header else self._rows[index]
        cache_key = (id(cells), width, is_cursor, self.has_focus)
        cached = self._line_cache.get(cache_key)
        strip = cached[1] if cached is not None and cached[0] is cells else None
        if strip is None:
            if header:
                extra = self.get_component_rich_style("virtual-table--header")
            elif is_cursor:
                extra = self.get_component_rich_style("virtual-table--cursor")
            else:
                extra = None
            strip = self._render_cells(cells, width, extra)
            if len(self._line_cache) > 512:
                self._line_cache.clear()
            self._line_cache[cache_key] = (cells, strip)
        return strip

    def _render_cells(self, cells: Sequence[Cell], width: int, extra: Style | None) -> Strip:
        base = self._paint_style
        style = base + extra if extra else base
        segments = self._plain_segments(cells, base, extra, style)
        if segments is None:
            rendered = self._rich_line(cells).render(self.app.console, end="")
            return Strip(Segment.apply_style(rendered, base, extra)).adjust_cell_length(width, style)
        return Strip(segments).adjust_cell_length(width, style)

    def _plain_segments(
        self, cells: Sequence[Cell], base: Style, extra: Style | None, style: Style
    ) -> list[Segment] | None:
        """The row as segments styled as ``Segment.apply_style(rich_render, base, extra)``
        would give them, built directly: no Rich Text a cell, and the plain cells of a run
        joined into one segment (a category row is one segment, not fifteen). None when a
        cell needs Rich (a styled Text wider than its column, overlapping spans, or styles
        given by name)."""
        segments: list[Segment] = []
        run: list[str] = []  # plain text not yet made a segment
        for n, (index, cell_width) in enumerate(self._paint_layout):
            if n:
                run.append(" ")
            cell = cells[index] if index < len(cells) else ""
            right = self.columns[index].align == "right"
            if isinstance(cell, str):
                text = strip_control_codes(cell)
                length = cell_len(text)
                if length > cell_width:
                    text = set_cell_size(text, cell_width - 1) + "…"
                    length = cell_len(text)
                pad = " " * (cell_width - length)
                run.append(pad + text if right else text + pad)
                continue
            pieces = _styled_pieces(cell, cell_width)
            if pieces is None:
                return None
            if right and cell_len(cell.plain) < cell_width:
                pieces = pieces[-1:] + pieces[:-1]  # the padding first
            if run:
                segments.append(Segment("".join(run), style))
                run = []
            for text, piece_style, _ in pieces:
                combined = base + piece_style if piece_style else base
                segments.append(Segment(text, combined + extra if extra else combined))
        if run:
            segments.append(Segment("".join(run), style))
        return segments

    def _rich_line(self, cells: Sequence[Cell]) -> Text:
        parts: list[Text] = []
        for index, cell_width in self._paint_layout:
            cell = cells[index] if index < len(cells) else ""
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            text.no_wrap = True
            text.truncate(cell_width, overflow="ellipsis")
            if self.columns[index].align == "right":
                text.pad_left(cell_width - text.cell_len)
            else:
                text.pad_right(cell_width - text.cell_len)
            parts.append(text)
        return Text(" ").join(parts)


def _styled_pieces(cell: Text, width: int) -> list[Segment] | None:
    """A Text cell padded to ``width`` as segments styled as Rich would render it (the cell's
    style under its spans' styles), padding last; None when Rich is needed."""
    plain = cell.plain
    length = cell_len(plain)
    base = cell.style
    if length > width or isinstance(base, str) and base:
        return None
    base_style = base if isinstance(base, Style) else None
    pieces: list[Segment] = []
    position = 0
    for start, end, span_style in cell.spans:
        if start < position or not isinstance(span_style, Style):
            return None
        if start >= end:
            continue
        if start > position:
            pieces.append(Segment(plain[position:start], base_style))
        pieces.append(Segment(plain[start:end], base_style + span_style if base_style else span_style))
        position = end
    if position < len(plain):
        pieces.append(Segment(plain[position:], base_style))
    # The padding carries the cell's own style (a Rich Text pads inside its style span).
    if width > length:
        pieces.append(Segment(" " * (width - length), base_style))
    return pieces
