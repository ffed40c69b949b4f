"""The Textual app: owns the one API client and the screen stack."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from . import gc_pauses
from .api import APIError, Category, Client, Grid, ResponseInfo
from .api.client import cancel_and_wait
from .commands import JumpProvider
from .config import Config
from .exit_codes import EXIT_OK
from .session import Session
from .target import StartTarget

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.worker import Worker

    from .screens.base import DataScreen

# Seconds after a large screen has gone before its garbage is collected (a full pass, while
# the user is most likely reading the screen underneath).
REFREEZE_DELAY = 1.0


class PkgtuiApp(App[int]):
    """Browse djangopackages.org: categories, grids, packages and search."""

    TITLE = "pkgtui"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]
    COMMANDS = App.COMMANDS | {JumpProvider}

    # Seconds since the shown data was cached, when the network failed and the cache answered.
    stale_age: reactive[float | None] = reactive(None, init=False)
    # Input cursors blink unless this is False (snapshot tests turn it off).
    cursor_blink: bool = True

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
        self.client = client or config.open_client(on_cache_warning=self._cache_warning)
        self.client.listeners.append(self._on_response)
        self.session = Session()
        self._long_lived_frozen = False
        self._refreeze_timer: Timer | None = None
        self._home_data: asyncio.Future[tuple[list[Category], list[Grid]]] | None = None

    def on_load(self) -> None:
        # Home's data depends on nothing on screen: ask for it before the terminal is set up,
        # so its round trips overlap Textual's start-up (mounting and painting home) instead
        # of following it. Home takes the answer once (take_home_data); "r" asks again.
        self._home_data = asyncio.ensure_future(self.fetch_home_data(bool(self.config.refresh)))

    async def fetch_home_data(self, refresh: bool) -> tuple[list[Category], list[Grid]]:
        """The categories and grids home lists."""
        categories, grids = await asyncio.gather(
            self.client.categories(refresh=refresh), self.client.grids(refresh=refresh)
        )
        return categories, grids

    def take_home_data(self) -> asyncio.Future[tuple[list[Category], list[Grid]]] | None:
        """The categories and grids asked for at start, the first time; None after that."""
        data, self._home_data = self._home_data, None
        return data

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self.theme = "textual-dark"
            self.notify(
                f"{self.config.config_path}: theme {self.config.theme!r} is not known; using textual-dark "
                f"(known: {', '.join(sorted(self.available_themes))})",
                title="Config",
                severity="warning",
                markup=False,
                timeout=10,
            )
        for warning in self.config.warnings:
            # Warnings quote the user's file (key names, TOML errors): shown literally.
            self.notify(warning, title="Config", severity="warning", markup=False, timeout=10)
        from .screens.home import HomeScreen

        # Home is always at the bottom, so Esc from a screen opened directly lands there.
        target = self.target
        self.push_screen(HomeScreen(search=target.key if target.kind == "search" else ""))
        if target.kind not in ("home", "search"):
            self.open_screen(target.kind, target.key)

    def switch_to_home(self) -> None:
        """Replace the top screen with home (back from a screen opened with nothing under it)."""
        from .screens.home import HomeScreen

        self.switch_screen(HomeScreen())

    def screen_for(self, kind: str, key: str) -> DataScreen:
        """The screen that shows one category, grid or package (``key``: slug or id)."""
        if kind == "category":
            from .screens.category import CategoryScreen

            return CategoryScreen(key)
        if kind == "grid":
            from .screens.grid import GridScreen

            return GridScreen(key)
        if kind == "package":
            from .screens.package import PackageScreen

            return PackageScreen(key)
        raise ValueError(f"no screen for {kind!r}")

    def site_url(self, path: str) -> str:
        """A djangopackages.org web page (``/packages/p/slug/``) for the API in use.

        The demo data comes from djangopackages.org, so demo links point there.
        """
        from urllib.parse import urljoin, urlsplit

        if self.config.demo:
            root = "https://djangopackages.org/"
        else:
            parts = urlsplit(self.config.api_url)
            root = f"{parts.scheme}://{parts.netloc}/"
        return urljoin(root, path.lstrip("/"))

    def open_screen(self, kind: str, key: str) -> None:
        screen = self.screen_for(kind, key)
        screen.prefetch()  # its first requests go out while it is being mounted
        self.push_screen(screen)

    async def on_unmount(self) -> None:
        unused = self.take_home_data()
        if unused is not None:  # closed before home wanted it
            await cancel_and_wait([unused])
        await self.client.aclose()
        gc_pauses.release()

    def refreeze_soon(self) -> None:
        """After a screen holding much data has gone (and :func:`gc_pauses.release` was
        called): once the user is idle, free its garbage and freeze the survivors again."""
        if self._refreeze_timer is not None:
            self._refreeze_timer.stop()
        self._refreeze_timer = self.set_timer(REFREEZE_DELAY, self._refreeze)

    def _refreeze(self) -> None:
        self._refreeze_timer = None
        gc_pauses.collect_and_freeze()

    def _on_response(self, info: ResponseInfo) -> None:
        self.stale_age = info.stale_age

    def _cache_warning(self, message: str) -> None:
        self.call_later(self.notify, message, title="Cache", severity="warning", markup=False, timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_state_changed(event)

    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure is reported (screens handle APIError).
        Worker messages do not bubble: screens pass theirs on (``DataScreen``)."""
        from textual.worker import WorkerState

        if (
            event.state is WorkerState.SUCCESS
            and event.worker.group == "home"
            and not self._long_lived_frozen
        ):
            # Home has its data: start-up is over, and what is alive now lives as long as the app.
            self._long_lived_frozen = True
            gc_pauses.freeze_survivors()
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, APIError):
                self.notify(f"{error.message} — {error.hint}", severity="error", markup=False)
            else:
                self.notify(
                    f"Unexpected error: {type(error).__name__}: {error}", severity="error", markup=False
                )


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
