"""A one-line input for filters and search, compact so it fits 60×20 terminals."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """An ``Input`` without borders whose cursor blink follows ``app.cursor_blink``
    (tests turn blinking off so snapshots are stable). Down moves on to the list below."""

    DEFAULT_CSS = """
    FilterInput {
        height: 1;
        margin: 0 1;
        width: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", "To the list", show=False, id="filter.down"),
    ]

    # Input grows its virtual width with every character typed, and the base reactive
    # re-lays out the whole screen each time: ~10 ms a keystroke on a busy screen. The box
    # has a fixed size and no scrollbars, so the new width needs no layout, only a repaint.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0))

    def __init__(self, placeholder: str = "", *, value: str = "", id: str | None = None) -> None:
        super().__init__(value=value, placeholder=placeholder, id=id, compact=True)

    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
