"""Help: the key bindings of the screen it was opened from."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from ..widgets.instant_scroll import InstantScroll

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

# Textual's own words for its focus keys, in the words of the rest of the help.
PLAIN_DESCRIPTIONS = {"Focus Next": "Next box or list", "Focus Previous": "Previous box or list"}

# Always available, handled outside any one screen's BINDINGS.
GLOBAL_KEYS = [("ctrl+p", "Command palette: jump to a category, grid or package")]


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) pairs for ``screen``: the keys that work where its focus is (its
    own, the focused widget's and the app's), from Textual's public ``Screen.active_bindings``.

    Listed the screen's first, then the focused widget's, then the app's; keys bound to the
    same action are shown together (``escape backspace``). Opened from a text box, the keys
    it types (``r``, ``s``) are not listed, as they do not work there; nor are its editing
    keys, Textual's own (which, unlike every pkgtui binding, carry no id).
    """
    app = screen.app
    rows: dict[tuple[str, str], list[str]] = {}
    for active in sorted(screen.active_bindings.values(), key=lambda found: _rank(found.node, screen)):
        binding = active.binding
        if not binding.description or binding.action in HIDDEN_ACTIONS:
            continue
        if isinstance(active.node, Input) and binding.id is None:
            continue
        description = PLAIN_DESCRIPTIONS.get(binding.description, binding.description)
        keys = rows.setdefault((binding.action, description), [])
        key = app.get_key_display(binding)
        if key not in keys:
            keys.append(key)
    result = [(" ".join(keys), description) for (_, description), keys in rows.items()]
    # A screen's note on a key already listed says more about it: it replaces that row's
    # words rather than listing the key twice.
    for keys, note in [*GLOBAL_KEYS, *getattr(screen, "HELP_NOTES", [])]:
        listed = next((n for n, (shown, _) in enumerate(result) if shown == keys), None)
        if listed is None:
            result.append((keys, note))
        else:
            result[listed] = (keys, note)
    return result


def _rank(node: DOMNode, screen: Screen) -> int:
    """The screen's keys first, then the focused widget's, then the app's (sorting is stable,
    so each keeps its own order)."""
    if node is screen:
        return 0
    return 2 if node is screen.app else 1


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
        # Two columns, so a description that wraps stays under its own column.
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, description in self.rows:
            table.add_row(keys, description)
        with InstantScroll(id="help-body"):
            yield Static(Text(f"Keys: {self.help_title}\n", style="bold"), id="help-heading")
            yield Static(table, id="help-text")
            yield Static(Text("\nEsc, q, ? or F1 closes this help.", style="dim"), id="help-closing")

    @property
    def plain_text(self) -> str:
        """What the help says: its title, then one "keys  description" line a row."""
        width = max((len(keys) for keys, _ in self.rows), default=8)
        rows = [f"{keys.ljust(width)}  {description}" for keys, description in self.rows]
        return "\n".join([f"Keys: {self.help_title}", "", *rows])

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
