"""Progress of a many-page load: a bar and ``1,200 / 5,327``, on one line.

One widget that draws both, rather than Textual's ProgressBar (a container of a Bar and
labels, each a widget to style, lay out and render): a catalogue load redraws this line for
every page, and the category screen mounts it on every visit.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

BAR_WIDTH = 24


class LoadProgress(Widget):
    """Hidden until :meth:`update_progress` is called; :meth:`finish` hides it again."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"load-progress--done", "load-progress--todo"}
    DEFAULT_CSS = """
    LoadProgress {
        height: 1;
        padding: 0 1;
        display: none;
        color: $text-muted;
        &.-active { display: block; }
        & > .load-progress--done { color: $primary; }
        & > .load-progress--todo { color: $surface-lighten-2; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._done = 0
        self._total = 1
        self._label = ""

    def update_progress(self, done: int, total: int, what: str = "") -> None:
        if not self.has_class("-active"):  # a class change restyles the widget: once only
            self.add_class("-active")
        self._total = max(total, 1)
        self._done = max(0, min(done, self._total))
        self._label = f"{done:,} / {total:,}" + (f" {what}" if what else "")
        # The line's size is set by the layout, not by its text: a repaint, no re-layout.
        self.refresh()

    @property
    def label(self) -> str:
        return self._label

    @property
    def fraction(self) -> float:
        return self._done / self._total

    def finish(self) -> None:
        self.remove_class("-active")

    def render(self) -> Text:
        filled = round(BAR_WIDTH * self.fraction)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("━" * filled, self.get_component_rich_style("load-progress--done"))
        line.append("━" * (BAR_WIDTH - filled), self.get_component_rich_style("load-progress--todo"))
        line.append(" " + self._label)
        return line
