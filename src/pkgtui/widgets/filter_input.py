"""A one-line input for filters and search, compact so it fits 60×20 terminals."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input


class FilterInput(Input):
    """An ``Input`` without borders whose cursor blink follows ``app.cursor_blink``
    (tests turn blinking off so snapshots are stable). Down moves on to the list below;
    Enter submits and moves to the widget ``leave_to`` names; Esc clears the text, or with
    none moves there too."""

    DEFAULT_CSS = """
    FilterInput {
        height: 1;
        margin: 0 1;
        width: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", "To the list", show=False, id="filter.down"),
        # A priority binding, handled as the key arrives: Textual routes each key to the widget
        # focused when it arrives, so keys typed right after Enter in the same burst (fast
        # typing, or SSH) reach the list only if the focus has moved by then.
        Binding("enter", "leave", "Done", show=False, priority=True, id="filter.enter"),
        # One focus rule on every screen: Esc clears the text if there is any, else returns to
        # the list (where q quits, ? helps, and Esc goes back). Shown, so the footer says how
        # to get out of the box while typing.
        Binding("escape", "escape", "Clear, then list", id="filter.escape"),
    ]

    # Input grows its virtual width with every character typed, and the base reactive
    # re-lays out the whole screen each time: ~10 ms a keystroke on a busy screen. The box
    # has a fixed size and no scrollbars, so the new width needs no layout, only a repaint.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0))

    def __init__(
        self,
        placeholder: str = "",
        *,
        value: str = "",
        id: str | None = None,
        leave_to: Callable[[], Widget | None] | None = None,
    ) -> None:
        super().__init__(value=value, placeholder=placeholder, id=id, compact=True)
        self._leave_to = leave_to

    async def action_leave(self) -> None:
        """Enter: focus what ``leave_to`` names, at once, then submit as Input does."""
        target = self._leave_to() if self._leave_to is not None else None
        if target is not None:
            self.screen.set_focus(target)
        await self.action_submit()

    def action_escape(self) -> None:
        if self.value:
            self.value = ""
            return
        target = self._leave_to() if self._leave_to is not None else None
        if target is not None and target.focusable:
            self.screen.set_focus(target)
        else:
            self.screen.focus_next()

    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", True))
