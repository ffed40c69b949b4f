"""The Textual app: owns the one API client and the screen stack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from .api import APIError, Client, ResponseInfo, open_client
from .cli import EXIT_OK, StartTarget
from .config import Config

if TYPE_CHECKING:
    from textual.worker import Worker, WorkerState


class PkgtuiApp(App[int]):
    """Browse djangopackages.org: categories, grids, packages and search."""

    TITLE = "pkgtui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        config: Config,
        client: Client | None = None,
        target: StartTarget | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        # Relative ages ("3 mo ago") are computed from this, so tests can fix the time.
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.target = target or StartTarget()
        self.client = client or open_client(
            config.api_url,
            demo=config.demo,
            cache_file=config.cache_file,
            ttl=config.cache_ttl,
            timeout=config.timeout,
            concurrency=config.concurrency,
            on_cache_warning=self._cache_warning,
        )
        self.client.listeners.append(self._on_response)
        self.stale_age: float | None = None

    def on_mount(self) -> None:
        self.theme = self.config.theme if self.config.theme in self.available_themes else "textual-dark"
        for warning in self.config.warnings:
            self.notify(warning, title="Config", severity="warning", timeout=10)
        from .screens.home import HomeScreen

        self.push_screen(HomeScreen())

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def _on_response(self, info: ResponseInfo) -> None:
        self.stale_age = info.stale_age

    def _cache_warning(self, message: str) -> None:
        self.call_later(self.notify, message, title="Cache", severity="warning", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure is reported (screens handle APIError)."""
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, APIError):
                self.notify(f"{error.message} — {error.hint}", severity="error", markup=False)
            else:
                self.notify(f"Unexpected error: {type(error).__name__}: {error}", severity="error", markup=False)


def create_app(
    config: Config,
    client: Client | None = None,
    target: StartTarget | None = None,
    clock: Callable[[], datetime] | None = None,
) -> PkgtuiApp:
    """The one factory shared by the CLI and the tests."""
    return PkgtuiApp(config, client=client, target=target, clock=clock)


def run_app(config: Config, target: StartTarget | None = None) -> int:
    app = create_app(config, target=target)
    result = app.run()
    return EXIT_OK if result is None else result
