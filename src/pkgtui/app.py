"""The Textual app: owns the one API client and the screen stack."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from msgspec.structs import replace
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from . import gc_pauses
from .api import APIError, Category, Grid, ResponseInfo
from .api.results import cancel_and_wait
from .commands import JumpProvider
from .config import Config
from .exit_codes import EXIT_HANGUP, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, EXIT_USAGE
from .format import moments_ago, skipped_text
from .logs import logger
from .session import Session
from .store import Store
from .target import StartTarget
from .userdata import UserDataError, UserDataFile

if TYPE_CHECKING:
    import httpx
    from textual.theme import Theme
    from textual.timer import Timer
    from textual.worker import Worker

    from .api.client import Client
    from .api.models import Package
    from .api.pypi import FactsResult
    from .screens.base import DataScreen
    from .store import SyncProgress

# The signals that end the TUI, and the exit status each gives (128 + the signal's number, as
# a shell reports it). Each one closes the app as "q" does, so the terminal is put back.
# What the catalogue store keeps, by API path (relative to the v4 or v3 root).
STORE_KEPT_PATHS = ("categories/", "grids/", "packages/")
_log = logger("pkgtui.app")
SIGNAL_EXITS = {
    signal.SIGTERM: EXIT_TERMINATED,
    signal.SIGHUP: EXIT_HANGUP,
    signal.SIGINT: EXIT_INTERRUPTED,
}

# Seconds after a large screen has gone before its garbage is collected (a full pass, while
# the user is most likely reading the screen underneath).
REFREEZE_DELAY = 1.0
# Seconds between home's first answers and the start of a background sync: time to paint them.
SYNC_START_DELAY = 0.1
# How often the status line's "synced 3 min ago" is worked out again (seconds).
STATUS_AGE_TICK = 30.0
# How long the close after a signal may take before the terminal is put back and the process
# exits anyway. When the terminal itself has gone (an SSH connection drops), Textual's output
# thread dies on EIO and its next write blocks for ever on the full queue (seen in 2 of 4 runs
# of tests/faults/test_signals.py); a normal close takes well under a second.
CLOSE_GRACE_SECONDS = 5.0


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
    # The local catalogue's state for the status line: its progress while syncing, then e.g.
    # "5,432 packages · synced 3 h ago"; "" with no store or nothing synced.
    catalogue_status: reactive[str] = reactive("", init=False)
    # Moves on each time a sync has committed a new catalogue (screens reading the store watch it).
    catalogue_version: reactive[int] = reactive(0, init=False)
    # Input cursors blink unless this is False (snapshot tests turn it off).
    cursor_blink: bool = True

    def __init__(
        self,
        config: Config,
        client: Client | None = None,
        target: StartTarget | None = None,
        clock: Callable[[], datetime] | None = None,
        user_data: UserDataFile | None = None,
        store: Store | None = None,
        pypi_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        # Relative ages ("3 mo ago") are computed from this, so tests can fix the time.
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.target = target or StartTarget()
        # The local catalogue. Opened here only when the app builds its own client from the
        # config (the CLI); tests that hand in a client hand in a store too, or run without one.
        self.store = store if store is not None or client is not None else self._open_store()
        # Built on first use (see ``client``), so that a warm start paints from the store
        # before httpx is imported.
        self._client: Client | None = None
        if client is not None:
            self._adopt(client)
        # PyPI, the second source: its own client (another host, its own bound), made on
        # first use; tests hand in a transport.
        self._pypi_transport = pypi_transport
        self._pypi_http: httpx.AsyncClient | None = None
        self.sync_skipped = 0
        self._status_is_age = False  # catalogue_status is the catalogue's age, not a sync's words
        self.session = Session()
        # Bookmarks, the compare list, history and the theme: the user's, never the cache's.
        self.user_data = user_data or UserDataFile()
        self.history_warned = False  # a history that cannot be written is said once a run
        self._saved_theme: str | None = None
        self._long_lived_frozen = False
        self._refreeze_timer: Timer | None = None
        self._home_data: asyncio.Future[tuple[list[Category], list[Grid]]] | None = None
        # The first unexpected exception, kept for run_app to report in one line after the
        # terminal is restored; with ``crash_in_one_line`` Textual prints no traceback for it.
        self.crash: Exception | None = None
        self.crash_in_one_line = False
        self._signalled = False
        # What a second signal does (run_app: restore the terminal and exit at once).
        self.on_second_signal: Callable[[int], None] | None = None

    @property
    def client(self) -> Client:
        """The app's one API client, made from the config the first time it is wanted."""
        if self._client is None:
            self._adopt(self.config.open_client(on_cache_warning=self._cache_warning))
        assert self._client is not None
        return self._client

    @property
    def api_host(self) -> str:
        """The API's host for the status line, without building the client to ask it."""
        if self._client is not None:
            return self._client.host
        return urlsplit(self.config.api_url).hostname or self.config.api_url

    @property
    def pypi_allowed(self) -> bool:
        # The demo's facts too: fetch_pypi_facts goes through config.pypi_source.
        return self.config.pypi_facts_allowed and self.store is not None

    async def fetch_pypi_facts(
        self,
        packages: Sequence[Package],
        *,
        refresh: bool = False,
        on_result: Callable[[FactsResult], None] | None = None,
    ) -> int:
        """Fetch PyPI's facts for those of ``packages`` whose kept facts are stale (all of
        them with ``refresh``) into the store, calling ``on_result`` as each arrives; screens
        then read them from the store (:func:`pkgtui.facts.stored_rows`). Returns how many
        were asked for: 0 when PyPI is off, offline, or everything kept is fresh."""
        if not self.pypi_allowed or self.store is None:
            return 0
        from .facts import fetch_into_store, stale_names

        names = stale_names(self.store, packages, 0 if refresh else self.config.cache_ttl)
        if not names:
            return 0
        base_url, demo_transport = self.config.pypi_source()  # the demo's PyPI is in-process
        if self._pypi_http is None:
            from .api.pypi import open_pypi_client

            self._pypi_http = open_pypi_client(
                transport=self._pypi_transport or demo_transport, timeout=self.config.timeout
            )
        await fetch_into_store(
            self.store, names, base_url=base_url, http=self._pypi_http, on_result=on_result
        )
        return len(names)

    def _adopt(self, client: Client) -> None:
        client.listeners.append(self._on_response)
        if client.cache is not None:
            client.cache.kept_elsewhere = self._kept_by_store
        self._client = client

    def _kept_by_store(self, url: str) -> bool:
        """Whether the synced catalogue keeps what ``url`` answers (categories, grids,
        packages, v4 or v3): then the HTTP cache keeps no copy of it (one home per object;
        search answers, and everything before the first sync, are still cached)."""
        if not self.catalogue_synced():
            # First: before a sync, v3_url (which imports the v3 module) is not worked out
            # for each of a first start's requests.
            return False
        path = urlsplit(url).path
        for root in (urlsplit(self.config.api_url).path, urlsplit(self.config.v3_url).path):
            if path.startswith(root) and path[len(root) :].startswith(STORE_KEPT_PATHS):
                return True
        return False

    def _open_store(self) -> Store | None:
        if not self.config.use_cache:
            return None  # --no-cache: nothing of the API's is read from or kept on disk
        from .sync_command import catalogue_file

        return Store(catalogue_file(self.config), on_warning=self._store_warning, create_late=True)

    def catalogue_synced(self) -> bool:
        """Whether the local catalogue holds a whole synced catalogue that screens can show."""
        return self.store is not None and self.store.last_sync() is not None

    def on_load(self) -> None:
        # Home's data depends on nothing on screen: ask for it before the terminal is set up,
        # so its round trips overlap Textual's start-up (mounting and painting home) instead
        # of following it. Home takes the answer once (take_home_data); "r" asks again.
        if self.catalogue_synced() and not self.config.refresh:
            return  # home paints from the local catalogue: nothing to ask the API for
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
        # Collection is held off while starting (cli.main); home's first load ends that, or this.
        self.set_timer(gc_pauses.START_HOLD_LIMIT, gc_pauses.started)
        self._apply_theme()
        self._apply_keymap()
        self._show_synced()
        # "synced 3 min ago" moves on with the clock (a session on a server stays open for days).
        self.set_interval(STATUS_AGE_TICK, self._tick_synced_age, name="synced age")
        if self.sync_due():
            self._sync_after_first_paint()
        for warning in self.config.warnings:
            # Warnings quote the user's file (key names, TOML errors): shown literally.
            self.notify(warning, title="Config", severity="warning", markup=False, timeout=10)
        from .screens.home import HomeScreen

        # Home is always at the bottom, so Esc from a screen opened directly lands there.
        target = self.target
        self.push_screen(HomeScreen(search=target.key if target.kind == "search" else ""))
        if target.kind not in ("home", "search"):
            self.open_screen(target.kind, target.key)

    # -- the local catalogue --------------------------------------------------------------

    def sync_due(self) -> bool:
        """A background sync is wanted: a store, auto_sync on, and the catalogue missing or
        older than catalogue_max_age."""
        if self.store is None or not self.config.auto_sync or self.config.offline:
            return False
        return self.store.last_sync() is None or self.store.is_stale(self.config.catalogue_max_age)

    def _sync_after_first_paint(self) -> None:
        """Start the background sync once home has what it shows. Started at mount, the
        sync's imports, client and first pages (thousands of packages to decode) took the event
        loop while home waited on its own two answers, delaying a first start's paint (bench
        start-up case, "first start"; figures in docs/benchmarks.md)."""
        home_data = self._home_data
        if home_data is not None and not home_data.done():
            home_data.add_done_callback(lambda _: self.set_timer(SYNC_START_DELAY, self.sync_catalogue))
        else:
            self.call_after_refresh(self.sync_catalogue)

    @work(exclusive=True, group="catalogue-sync", exit_on_error=False)
    async def sync_catalogue(self) -> None:
        """Fetch the whole catalogue into the store, in the background. Screens go on
        showing what they have; when the new catalogue is committed, ``catalogue_version``
        moves on and the screens that read the store fill themselves again."""
        if self.store is None:
            return
        from .store import StoreError, SyncBusy, sync_catalogue

        # Its own client without the HTTP cache: the catalogue's pages are kept once, in the store.
        client = replace(self.config, use_cache=False).open_client()
        started = time.perf_counter()
        try:
            result = await sync_catalogue(
                client, self.store, progress=self._sync_progress, v3_url=self.config.v3_url, wait=False
            )
        except SyncBusy:
            self.catalogue_status = "another pkgtui is syncing the catalogue"
            return
        except (APIError, StoreError) as error:
            message = error.message if isinstance(error, APIError) else str(error)
            self.catalogue_status = f"catalogue sync failed: {message}"
            _log.warning("background sync failed: %s", message)
            return
        finally:
            await client.aclose()
        _log.info(
            "background sync: %d packages, %d grids, %d requests in %.1f s",
            result.packages,
            result.grids,
            result.requests,
            time.perf_counter() - started,
        )
        self.sync_skipped = result.skipped
        self._show_synced()
        self.catalogue_version += 1

    def _sync_progress(self, state: SyncProgress) -> None:
        if state.phase == "fetching":
            total = f" / {state.packages_total:,}" if state.packages_total else ""
            self.catalogue_status = f"syncing the catalogue: {state.packages:,}{total} packages"
        elif state.phase == "committing":
            self.catalogue_status = f"syncing the catalogue: saving {state.packages:,} packages"
        elif state.phase == "waiting":
            self.catalogue_status = "waiting for another pkgtui's sync"

    def _show_synced(self) -> None:
        self.catalogue_status = self._synced_text()
        self._status_is_age = True

    def _tick_synced_age(self) -> None:
        if self._status_is_age:  # not a sync's progress nor its failure
            self._show_synced()

    def watch_catalogue_status(self) -> None:
        self._status_is_age = False  # _show_synced sets it again after this

    def _synced_text(self) -> str:
        """E.g. "5,432 packages · synced 3 h ago", or "" with no synced catalogue."""
        if self.store is None:
            return ""
        synced = self.store.last_sync()
        if synced is None:
            return ""
        count = self.store.package_count()
        text = f"{count:,} packages · synced {moments_ago((self.now() - synced).total_seconds())}"
        if self.sync_skipped:  # this run's sync left out items that could not be read
            text += f" ({skipped_text(self.sync_skipped)})"
        return text

    def _store_warning(self, message: str) -> None:
        self.call_later(self.notify, message, title="Catalogue", severity="warning", markup=False, timeout=10)

    def _apply_theme(self) -> None:
        """The theme last picked in the palette (saved in the user data), else the config's."""
        saved = self.user_data.read().theme
        for warning in self.user_data.take_warnings():
            self.notify(warning, title="Your data", severity="warning", markup=False, timeout=10)
        if saved in self.available_themes:
            self.theme = saved
        elif self.config.theme in self.available_themes:
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
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._save_theme)

    def _save_theme(self, theme: Theme) -> None:
        if theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        try:
            self.user_data.set_theme(theme.name)
        except UserDataError as error:
            self.notify(
                f"The theme was not saved: {error}", title="Your data", severity="warning", markup=False
            )

    def _apply_keymap(self) -> None:
        """The config's [keys] table, checked first: a typo is one warning, never a dead key."""
        if not self.config.keys:
            return  # finding every binding id imports every screen: only when asked
        from .keys import binding_ids, check_keymap

        keymap, warnings = check_keymap(dict(self.config.keys), binding_ids())
        for warning in warnings:
            self.notify(
                f"{self.config.config_path}: {warning}", title="Config", severity="warning", markup=False
            )
        self.set_keymap(keymap)

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
        if kind == "compare":  # the user's compare list (key unused)
            from .screens.compare import CompareScreen

            return CompareScreen()
        if kind == "readiness":  # key: a selection ("grid:<slug>"), "" for the default
            from .screens.readiness import ReadinessScreen

            return ReadinessScreen(selection=key)
        raise ValueError(f"no screen for {kind!r}")

    def site_url(self, path: str) -> str:
        """A djangopackages.org web page (``/packages/p/slug/``) for the API in use.

        Always a page of that site: ``path`` comes from API data (a search result's
        ``absolute_url``), and one naming another host (``https://elsewhere/p/``,
        ``//elsewhere/p/``) keeps only its path, so ``o`` never opens a host the API named.
        The demo data comes from djangopackages.org, so demo links point there.
        """
        from urllib.parse import urljoin, urlunsplit

        if self.config.demo:
            root = "https://djangopackages.org/"
        else:
            parts = urlsplit(self.config.api_url)
            root = f"{parts.scheme}://{parts.netloc}/"
        try:
            given = urlsplit(path)
        except ValueError:  # e.g. an unclosed "[" where a host would be
            return root
        if given.scheme or given.netloc:
            path = urlunsplit(("", "", given.path, given.query, given.fragment))
        url = urljoin(root, path.lstrip("/\\"))
        try:
            same_site = urlsplit(url).netloc == urlsplit(root).netloc
        except ValueError:
            same_site = False
        return url if same_site else root

    def open_screen(self, kind: str, key: str) -> None:
        screen = self.screen_for(kind, key)
        screen.prefetch()  # its first requests go out while it is being mounted
        self.push_screen(screen)

    async def on_unmount(self) -> None:
        unused = self.take_home_data()
        if unused is not None:  # closed before home wanted it
            await cancel_and_wait([unused])
        if self._client is not None:
            await self._client.aclose()
        if self._pypi_http is not None:
            await self._pypi_http.aclose()
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

    def exit_on_signal(self, return_code: int) -> None:
        """SIGTERM, SIGHUP or SIGINT: close as "q" does (screens unmount, the driver puts the
        terminal back), with the signal's exit status. A signal that comes while that close is
        still going on (something in it hangs) puts the terminal back at once and exits; so does
        a close that has not finished after CLOSE_GRACE_SECONDS."""
        if not self._signalled:
            self._signalled = True
            if self.on_second_signal is not None:
                watchdog = threading.Timer(CLOSE_GRACE_SECONDS, self.on_second_signal, (return_code,))
                watchdog.daemon = True
                watchdog.start()
            self.exit(return_code=return_code)
        elif self.on_second_signal is not None:
            self.on_second_signal(return_code)

    def _handle_exception(self, error: Exception) -> None:
        # Textual's one funnel for an exception nothing caught (it then closes the app).
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        if not self.crash_in_one_line:
            super()._fatal_error()  # tests and `textual run` keep Textual's traceback
            return
        # No traceback on the user's terminal: run_app raises the error again once the app has
        # closed, and the command line says it in one line. Closing in the middle of a message
        # leaves coroutines unawaited; Python's warnings about them would come first, in lines
        # of their own, and say nothing about the error.
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        self._close_messages_no_wait()

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
            if gc.isenabled():
                gc_pauses.freeze_survivors()
            else:
                gc_pauses.started()
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            _log.warning(
                "worker %s failed: %s: %s", event.worker.name, type(error).__name__, error, exc_info=error
            )
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
    user_data: UserDataFile | None = None,
    store: Store | None = None,
    pypi_transport: httpx.AsyncBaseTransport | None = None,
) -> PkgtuiApp:
    """The one factory shared by the CLI and the tests."""
    return PkgtuiApp(
        config,
        client=client,
        target=target,
        clock=clock,
        user_data=user_data,
        store=store,
        pypi_transport=pypi_transport,
    )


def terminal_problem() -> str | None:
    """Why the TUI cannot run here, or None. Textual reads keys from stdin and draws on stderr;
    output sent to a file or a pipe means a script, which wants the print commands. Without a
    terminal Textual's input thread spins on end-of-file, at ~90% CPU, for ever."""
    for name, stream in (("input", sys.stdin), ("output", sys.stdout), ("error output", sys.stderr)):
        try:
            if stream is not None and stream.isatty():
                continue
        except (AttributeError, ValueError):  # closed, or replaced by something without a fd
            pass
        return f"standard {name} is not a terminal"
    return None


def run_app(config: Config, target: StartTarget | None = None) -> int:
    """The TUI on this terminal, until it is closed: its exit status. An unexpected exception
    is raised again after the terminal has been restored (the command line reports it)."""
    problem = terminal_problem()
    if problem is not None:
        print(
            f"pkgtui: the browser needs a terminal ({problem}); in a script print instead with "
            "pkgtui show SLUG, pkgtui find TERM or pkgtui grid SLUG --plain (see pkgtui --help)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    app = create_app(config, target=target)
    app.crash_in_one_line = True
    app.on_second_signal = _terminal_restorer()
    asyncio.run(_run_until_closed(app))
    if app.crash is not None:
        raise app.crash
    return app.return_code or EXIT_OK


# What Textual's driver writes when it stops: kitty keyboard protocol, bracketed paste, focus
# events and every mouse mode off, line wrap on, the normal screen back, the cursor shown.
LEAVE_APPLICATION_MODE = (
    "\x1b[<u\x1b[?2004l\x1b[?1004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?7h\x1b[?1049l\x1b[?25h"
)


def _terminal_restorer() -> Callable[[int], None]:
    """Exit at once with the terminal as it was before the app started (its line settings,
    taken now, and the modes the app turned on), for when the app's own close hangs."""
    import termios

    try:
        settings = termios.tcgetattr(sys.stdin.fileno())
    except (termios.error, OSError, ValueError):
        settings = None

    def restore_and_exit(return_code: int) -> None:
        try:
            if settings is not None:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, settings)
            os.write(sys.__stderr__.fileno() if sys.__stderr__ else 2, LEAVE_APPLICATION_MODE.encode())
        except (termios.error, OSError, ValueError):
            pass  # the terminal may be gone (a hangup): exiting is all that is left to do
        os._exit(return_code)

    return restore_and_exit


async def _run_until_closed(app: PkgtuiApp) -> None:
    # Without handlers SIGTERM and SIGHUP kill the process where it stands, leaving the terminal
    # in the alternate screen with mouse reporting on and the cursor hidden; SIGINT cancelled the
    # app's task, which Textual took for a normal close (status 0).
    loop = asyncio.get_running_loop()
    for signum, code in SIGNAL_EXITS.items():
        loop.add_signal_handler(signum, app.exit_on_signal, code)
    try:
        await app.run_async()
    finally:
        for signum in SIGNAL_EXITS:
            loop.remove_signal_handler(signum)
