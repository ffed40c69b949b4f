"""The footer: the keys that work here, drawn as one line by one widget.

Textual's Footer is a container of one widget per key: on every bindings update (each focus
move) it threw its keys away and mounted new ones (~20 ms), and every re-layout of a screen
measured each key by rendering it. When a category screen opened, that was ~25 ms of work
right when the first catalogue page was due. Here the keys are a list of tuples and a line
of text: a change of keys is a repaint of one line. It looks the same as Textual's compact
footer (the snapshot tests hold it to that), keys on the left and the command palette's on
the right, and a key is pressed by clicking it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

SEPARATOR = "▏"  # Textual's "vkey" left border, before the palette's key


class ShownKey(NamedTuple):
    key: str  # what to press (for a click)
    display: str  # how the key is written
    description: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--separator",
        "key-footer--hover",
    }
    # The colours and styles of Textual's compact Footer and FooterKey.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--item { background: $footer-item-background; }
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--separator { color: $foreground 20%; }
        & > .key-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self._shown: tuple[tuple[ShownKey, ...], ShownKey | None] | None = None
        # Cell ranges of the keys as last drawn, for clicks and hovering: (start, end, key).
        self._spans: list[tuple[int, int, ShownKey]] = []
        self._hovered: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and screen is self.screen and self.is_attached:
            shown = self.shown_keys()
            if shown != self._shown:
                self._shown = shown
                self.refresh()

    def shown_keys(self) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        """The keys on the left (one per action, as Textual's Footer), and the command
        palette's key for the right, if shown."""
        app = self.app
        active = self.screen.active_bindings
        by_action: dict[str, ShownKey] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = ShownKey(
                    binding.key, app.get_key_display(binding), binding.description, enabled
                )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled)
        return tuple(by_action.values()), palette

    def render(self) -> Text:
        if self._shown is None:  # the first frame: the keys as they are now
            self._shown = self.shown_keys()
        keys, palette = self._shown
        width = self.size.width
        base = self.rich_style
        item = self.get_component_rich_style("key-footer--item")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, ShownKey]] = []
        right = Text(no_wrap=True, end="")
        if palette is not None:
            right.append(SEPARATOR, item + self.get_component_rich_style("key-footer--separator"))
            right.append_text(self._key_text(palette, item))
            right.append(" ", base)  # Textual's margin after each key
        room = max(0, width - right.cell_len)
        for key in keys:
            text = self._key_text(key, item)
            start = line.cell_len + (1 if spans else 0)  # a margin of one cell between keys
            if start + text.cell_len > room:
                break
            if spans:
                line.append(" ", base)
            spans.append((start, start + text.cell_len, key))
            line.append_text(text)
        line.append(" " * max(0, room - line.cell_len), base)  # the last key's margin, and the gap
        if palette is not None:
            spans.append((line.cell_len + len(SEPARATOR), line.cell_len + right.cell_len - 1, palette))
            line.append_text(right)
        self._spans = spans
        line.truncate(width)
        return line

    def _key_text(self, key: ShownKey, item: Style) -> Text:
        style = item + self.get_component_rich_style("key-footer--hover") if key == self._hovered else item
        if not key.enabled:
            style += Style(dim=True)
        text = Text(no_wrap=True, end="")
        text.append(key.display, style + self.get_component_rich_style("key-footer--key"))
        if key.description:
            text.append(
                " " + key.description, style + self.get_component_rich_style("key-footer--description")
            )
        return text

    def key_at(self, x: int) -> ShownKey | None:
        """The key drawn at cell ``x``, if any."""
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hovered = self.key_at(event.x)
        if hovered != self._hovered:
            self._hovered = hovered
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
