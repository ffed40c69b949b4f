"""One line saying where the data on screen comes from: the API host, demo data, or the
offline cache and how old it is; then the local catalogue's state ("5,432 packages · synced
3 h ago", or a sync's progress)."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from ..format import time_ago
from ..text import clean


def source_text(host: str, *, demo: bool, stale_age: float | None, offline: bool = False) -> str:
    if demo:
        return "demo — sample data"
    if offline:  # --offline: the local catalogue (its age follows) and the cache, no network
        return f"offline ({host} not asked)"
    if stale_age is not None:
        # In days at most: the cache keeps stale answers up to 30 days, so "30 d", not "1 mo".
        return f"offline — data cached {time_ago(stale_age, coarsest='d')} ({host} did not answer)"
    return f"source: {host}"


class SourceLine(Static):
    """Follows the app's ``stale_age`` (set from every response's ``ResponseInfo``)."""

    DEFAULT_CSS = """
    SourceLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        &.-offline { color: $text-warning; }
    }
    """

    host: reactive[str] = reactive("")
    demo: reactive[bool] = reactive(False)
    offline: reactive[bool] = reactive(False)
    stale_age: reactive[float | None] = reactive(None)
    catalogue: reactive[str] = reactive("")
    # E.g. "2 unreadable items left out": what the screen's lists lost (issue 14: a list is
    # shown without the items that could not be read, and the screen says how many).
    skipped: reactive[str] = reactive("")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)

    def on_mount(self) -> None:
        app = self.app
        self.host = getattr(app, "api_host", "")  # not app.client: that would import httpx
        self.demo = bool(getattr(getattr(app, "config", None), "demo", False))
        self.offline = bool(getattr(getattr(app, "config", None), "offline", False))
        if hasattr(app, "stale_age"):
            self.watch(app, "stale_age", self._stale_age_changed, init=True)
        if hasattr(app, "catalogue_status"):
            self.watch(app, "catalogue_status", self._catalogue_changed, init=True)

    def _catalogue_changed(self, value: str) -> None:
        self.catalogue = value

    def _stale_age_changed(self, value: float | None) -> None:
        self.stale_age = value

    def render(self) -> str:
        source = source_text(self.host, demo=self.demo, stale_age=self.stale_age, offline=self.offline)
        # The sync's words can quote an error from the network: shown literally, cleaned.
        parts = [source, clean(self.catalogue), self.skipped]
        return " · ".join(part for part in parts if part)

    def watch_stale_age(self, value: float | None) -> None:
        self.set_class((value is not None or self.offline) and not self.demo, "-offline")

    def watch_offline(self, value: bool) -> None:
        self.set_class((value or self.stale_age is not None) and not self.demo, "-offline")
