"""A message in place of data: loading, an error in words, or "nothing here"."""

from __future__ import annotations

from textual.widgets import Static

from ..api import APIError
from ..text import clean


class MessageBox(Static):
    """Hidden when empty. Text is shown literally (API text may contain ``[``)."""

    DEFAULT_CSS = """
    MessageBox {
        height: auto;
        padding: 0 1;
        display: none;
        &.-shown { display: block; }
        &.-error { color: $text-error; background: $error-muted; }
        &.-loading { color: $text-accent; }
        &.-empty { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)
        self.kind = ""

    def _show(self, kind: str, text: str) -> None:
        # Each class change restyles the box and each update re-lays out the screen: only
        # what changes is changed (a screen shows "loading" several times while it loads).
        if kind != self.kind:
            self.remove_class("-error", "-loading", "-empty")
            self.add_class("-shown", f"-{kind}")
            self.kind = kind
        if text != self.text:
            self.update(text)

    def show_loading(self, text: str = "Loading…") -> None:
        self._show("loading", text)

    def show_error(self, error: APIError | str) -> None:
        text = f"{error.message} — {error.hint}" if isinstance(error, APIError) else error
        # Messages can quote the server: shown literally (markup=False) and cleaned here too.
        self._show("error", clean(text))

    def show_empty(self, text: str) -> None:
        self._show("empty", text)

    def clear(self) -> None:
        if not self.kind and not self.text:
            return  # already clear: nothing to restyle or lay out
        self.kind = ""
        self.remove_class("-shown", "-error", "-loading", "-empty")
        self.update("")

    @property
    def text(self) -> str:
        return str(self.content)
