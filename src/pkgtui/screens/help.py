"""Help: the key bindings of the screen it was opened from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..widgets import VirtualTable

# Inherited from Textual and not worth a line here.
HIDDEN_ACTIONS = {
    "copy_text",
    "screen.copy_text",
    "command_palette",
    "help_quit",
    "scroll_left",
    "scroll_right",
    "page_left",
    "page_right",
}

# Always available, handled outside any one screen's BINDINGS.
GLOBAL_KEYS = [("ctrl+p", "Command palette: jump to a category, grid or package")]


def _key_text(app, binding: Binding) -> str:
    return app.get_key_display(binding)


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) pairs for ``screen``: its own bindings, its tables', the app's.

    Keys bound to the same action are shown together (``escape backspace``).
    """
    app = screen.app
    sources: list[Iterable[Binding]] = [_bindings_of(screen)]
    if screen.query(VirtualTable):
        sources.append(_bindings_of(screen.query(VirtualTable).first()))
    sources.append(_bindings_of(app))
    rows: dict[tuple[str, str], list[str]] = {}
    for bindings in sources:
        for binding in bindings:
            if not binding.description or binding.action in HIDDEN_ACTIONS:
                continue
            if screen.check_action(binding.action, ()) is False:
                continue
            keys = rows.setdefault((binding.action, binding.description), [])
            key = _key_text(app, binding)
            if key not in keys:
                keys.append(key)
    result = [(" ".join(keys), description) for (_, description), keys in rows.items()]
    result.extend(GLOBAL_KEYS)
    result.extend(getattr(screen, "HELP_NOTES", []))
    return result


def _bindings_of(node) -> list[Binding]:
    return [binding for bindings in node._bindings.key_to_bindings.values() for binding in bindings]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss_help", "Close", id="help.close"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.rows = rows

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpScreen:
        title = getattr(screen, "HELP_TITLE", None) or type(screen).__name__.removesuffix("Screen")
        return cls(title, binding_rows(screen))

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _ in self.rows), default=8)
        text = Text()
        text.append(f"Keys: {self.help_title}\n\n", style="bold")
        for keys, description in self.rows:
            text.append(keys.ljust(width + 2), style="bold")
            text.append(description + "\n")
        text.append("\nEsc, q, ? or F1 closes this help.", style="dim")
        with VerticalScroll(id="help-body"):
            yield Static(text, id="help-text")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
