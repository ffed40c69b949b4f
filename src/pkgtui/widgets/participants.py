"""A package's participants: a filter box over a list that stays fast with thousands of names.

The filter means what every filter does (:mod:`pkgtui.filtering`: every word of the query,
in any order) and the orders are sort specifications like every table's
(:mod:`pkgtui.sorting`); the list is a ``ScrollView`` that draws only the lines in view, so a
keystroke costs one pass over the names plus one screenful.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

from ..filtering import FilterMemo, filter_indices, haystack
from ..sorting import SortSpec, sorted_items
from ..text import clean
from .filter_input import FilterInput
from .line_cache import ReusingStylesCache
from .scrollbar import ReusingScrollBars
from .textual_internals import resize_virtual, use_styles_cache


def fold(name: str) -> str:
    """The form names are compared in: case-insensitive, including non-ASCII case (the form
    every filter searches, :func:`pkgtui.filtering.haystack`)."""
    return haystack(name)


# The orders participants are listed in; "as listed" is the API's own order. Names that fold
# the same (``Anna``, ``anna``) go by the name itself, in the order's direction.
ORDERS: tuple[SortSpec[str], ...] = (
    SortSpec("as listed", None),
    SortSpec("A–Z", fold, ties_follow=True),
    SortSpec("Z–A", fold, descending=True, ties_follow=True),
)
ORDER_NAMES = tuple(order.name for order in ORDERS)


def filter_names(names: Sequence[str], query: str, folded: Sequence[str] | None = None) -> list[str]:
    """The names that contain every word of ``query``, ignoring case, in their given order:
    the rule of every filter (:mod:`pkgtui.filtering`).

    ``folded`` is ``[fold(n) for n in names]``, precomputed by callers that filter the
    same names on every keystroke.
    """
    folded = folded if folded is not None else [fold(name) for name in names]
    return [names[i] for i in filter_indices(folded, query)]


def order_names(names: Sequence[str], order: str) -> list[str]:
    """``names`` in the order called ``order`` (one of :data:`ORDER_NAMES`)."""
    spec = ORDERS[ORDER_NAMES.index(order)]
    return sorted_items(names, spec, tiebreak=names)


def count_text(shown: int, total: int, query: str) -> str:
    """The line above the list: ``N of M``, or why it is empty."""
    if total == 0:
        return "No participants listed"
    if shown == 0:
        return f"no participant matches '{clean(query.strip())}'"
    return f"{shown:,} of {total:,} participants"


class ParticipantList(ReusingScrollBars, ScrollView, can_focus=True):
    """The names, one a line; only the visible lines are ever rendered."""

    DEFAULT_CSS = """
    ParticipantList {
        height: 1fr;
        padding: 0 1;
        /* Always there, so a new list length never changes the layout (see set_names). */
        overflow-y: scroll;
        background: $surface;
    }
    ParticipantList:focus {
        background-tint: $foreground 5%;
    }
    """

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="participants.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="participants.up"),
        # Not g: on the package screen g goes to the grids.
        Binding("home", "scroll_home", "Top", show=False, id="participants.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="participants.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="participants.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="participants.page_down"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._names: list[str] = []
        self._widest = 0
        self._line_style = Style()
        self._line_width = 0
        # Content lines by name, and styled lines by content line: a name that stays in view
        # while the filter changes is neither rendered nor styled again.
        self._lines: dict[str, Strip] = {}
        self._lines_for: tuple[int, int, Style] | None = None
        self._line_styles = ReusingStylesCache()
        use_styles_cache(self, self._line_styles)

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def set_names(self, names: Sequence[str], widest: int | None = None) -> None:
        """Show ``names`` (already cleaned). ``widest`` spares measuring them again."""
        self._names = list(names)
        self._widest = widest if widest is not None else max(map(cell_len, self._names), default=0)
        size = Size(self._widest, len(self._names))
        if size != self.virtual_size:
            # Not ``self.virtual_size = size``: that reactive re-lays out the whole screen, a
            # cost paid on every keystroke. Only this widget's scrollbars need to know.
            resize_virtual(self, size)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles.forget()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Computed once a repaint rather than once a line.
        self._line_style = self.rich_style
        self._line_width = self.scrollable_content_region.width
        key = (self.scroll_offset.x, self._line_width, self._line_style)
        if key != self._lines_for or len(self._lines) > 1024:
            self._lines = {}
            self._lines_for = key
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self._line_width
        style = self._line_style
        if index >= len(self._names):
            return Strip.blank(width, style)
        name = self._names[index]
        line = self._lines.get(name)
        if line is None:
            # A plain Segment: the name is never read as markup (``dependabot[bot]`` stays literal).
            line = Strip([Segment(name, style)], cell_len(name)).crop_extend(
                scroll_x, scroll_x + width, style
            )
            self._lines[name] = line
        return line


class CountLine(Widget):
    """One line of text. Unlike ``Static.update``, changing it never re-lays out the screen."""

    DEFAULT_CSS = """
    CountLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def set_text(self, text: str) -> None:
        self._text = Text(text)
        self.refresh()

    def render(self) -> Text:
        return self._text


class ParticipantsPanel(Vertical):
    """Filter box, ``N of M`` line and the list."""

    DEFAULT_CSS = """
    ParticipantsPanel {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source: list[str] = []  # cleaned, in the API's order
        self._all: list[str] = []  # in the current order
        self._folded: list[str] = []
        self._positions: range = range(0)  # of _all: what the filter memo filters
        # Remembers results while the names and their order stay: typing on filters the last
        # result, and backspace answers from memory (as the category table's filter does).
        self._filter_memo = FilterMemo()
        self._widest = 0
        self.order = ORDER_NAMES[0]

    def compose(self) -> ComposeResult:
        yield FilterInput("/ filter participants", id="participants-filter", leave_to=lambda: self.list)
        yield CountLine(id="participants-count")
        yield ParticipantList(id="participants-list")

    @property
    def filter_input(self) -> Input:
        return self.query_one("#participants-filter", Input)

    @property
    def list(self) -> ParticipantList:
        return self.query_one(ParticipantList)

    def set_participants(self, names: Sequence[str]) -> None:
        self._source = [c for c in (clean(name) for name in names) if c]
        self._widest = max(map(cell_len, self._source), default=0)
        self._reorder()

    def cycle_order(self) -> str:
        """Switch to the next order and return its name."""
        self.order = ORDER_NAMES[(ORDER_NAMES.index(self.order) + 1) % len(ORDER_NAMES)]
        self._reorder()
        return self.order

    def _reorder(self) -> None:
        self._all = order_names(self._source, self.order)
        self._folded = [fold(name) for name in self._all]
        self._positions = range(len(self._all))  # a new object: the memo starts over
        self.apply_filter(self.filter_input.value)

    def apply_filter(self, query: str) -> None:
        # What filter_names gives, remembered between keystrokes.
        kept = self._filter_memo(self._positions, self._folded, query)
        names = self._all
        shown = names if len(kept) == len(names) else [names[i] for i in kept]
        self.list.set_names(shown, self._widest)
        self.query_one("#participants-count", CountLine).set_text(
            count_text(len(shown), len(self._all), query)
        )

    def on_mount(self) -> None:
        # Called as the value changes, within the keystroke's own handling, so the list is
        # repainted in the same frame as the box (an Input.Changed message would arrive
        # after that frame and cost a second one).
        self.watch(self.filter_input, "value", self.apply_filter, init=False)
