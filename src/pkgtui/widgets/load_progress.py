"""Progress of a many-page load: a bar and ``1,200 / 5,327``."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class LoadProgress(Horizontal):
    """Hidden until :meth:`update_progress` is called; :meth:`finish` hides it again."""

    DEFAULT_CSS = """
    LoadProgress {
        height: 1;
        padding: 0 1;
        display: none;
        &.-active { display: block; }
        & > ProgressBar { width: auto; }
        & > ProgressBar > Bar { width: 24; }
        & > #progress-label { width: 1fr; padding-left: 1; color: $text-muted; }
    }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=False)
        yield Static("", id="progress-label", markup=False)

    def update_progress(self, done: int, total: int, what: str = "") -> None:
        if not self.has_class("-active"):  # a class change restyles the subtree: once only
            self.add_class("-active")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=min(done, total))
        label = f"{done:,} / {total:,}" + (f" {what}" if what else "")
        # The label's width is set by the layout (1fr), not by its text: no re-layout needed.
        self.query_one("#progress-label", Static).update(label, layout=False)

    @property
    def label(self) -> str:
        return str(self.query_one("#progress-label", Static).content)

    def finish(self) -> None:
        self.remove_class("-active")
