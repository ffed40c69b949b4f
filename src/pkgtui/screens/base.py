"""What every data screen shares: the bindings, the loading/error message, back, refresh,
help, and opening or copying the focused URL.

A subclass

- yields its widgets from :meth:`DataScreen.compose_body` (the header, source line,
  message box and footer are composed around them), or overrides ``compose`` and yields
  a ``MessageBox(id="message")`` itself;
- may start, in :meth:`DataScreen.prefetch`, the requests its first load needs first: the
  app calls it as it opens the screen, so those round trips overlap the screen's mounting;
- implements ``load(refresh: bool = False)`` as
  ``@work(exclusive=True, group="<screen>", exit_on_error=False)``; it is called on mount
  (with ``refresh`` from ``--refresh``) and by ``r`` with ``refresh=True``. Workers belong to
  the screen, so Textual cancels them when the screen is popped;
- catches ``APIError`` in ``load`` and calls :meth:`show_error` (words, never a traceback);
- returns the URL under the cursor from :meth:`focused_url` (for ``o`` and ``y``);
- names its filter input ``#filter`` (or sets ``FILTER_ID``) for ``/``;
- returns what ``b`` bookmarks and ``m`` marks from :meth:`subject` (the package or grid under
  the cursor, else the screen's own) and its own package or grid from :meth:`screen_subject`
  (for ``B``, and for the history: a screen with one is recorded as visited once it shows it);
- redraws what depends on the user's data in :meth:`user_data_changed`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

import msgspec
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header, Input
from textual.worker import Worker, WorkerState

from ..api import APIError, Grid, Package
from ..api.defaults import SEND_TURNS
from ..api.results import Started, cancel_and_wait
from ..format import skipped_text
from ..text import clean, is_web_url
from ..userdata import Kind, UserData, UserDataError, UserDataFile
from ..widgets import KeyFooter, MessageBox, SourceLine

if TYPE_CHECKING:
    from ..app import PkgtuiApp
    from ..store import Store

# A package on the user's compare list (m), in the tables that list packages: grid, category.
COMPARE_MARK = "●"
COMPARE_STYLE = Style(color="cyan", bold=True)


def compare_marked(name: str | Text) -> Text:
    """``name`` with the compare-list mark before it."""
    return Text.assemble((f"{COMPARE_MARK} ", COMPARE_STYLE), name)


REMOTE_SESSION_VARIABLES = ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT")


def is_remote_session(env: Mapping[str, str] = os.environ) -> bool:
    """Over SSH a browser would open on the server, not on the user's machine."""
    return any(env.get(name) for name in REMOTE_SESSION_VARIABLES)


class Subject(msgspec.Struct, frozen=True):
    """A package or grid the user can bookmark, mark for comparing, or has visited."""

    kind: Kind
    slug: str
    title: str

    @classmethod
    def of_package(cls, package: Package) -> Subject:
        return cls("package", package.slug, clean(package.display_title))

    @classmethod
    def of_grid(cls, grid: Grid) -> Subject:
        return cls("grid", grid.slug, clean(grid.display_title))


class DataScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="screen.back"),
        Binding("backspace", "back", "Back", show=False, id="screen.back_backspace"),
        Binding("r", "refresh", "Refresh", id="screen.refresh"),
        # The filter boxes say "(/)" themselves, so the footer keeps room for ? and q at 60 columns.
        # A priority binding, handled as the key arrives (see check_action for typing "/" into a
        # box): keys typed right after it, in the same burst, then reach the box too.
        Binding(
            "slash", "focus_filter", "Filter", key_display="/", show=False, priority=True, id="screen.filter"
        ),
        Binding("question_mark", "help", "Help", key_display="?", id="screen.help"),
        Binding("f1", "help", "Help", show=False, id="screen.help_f1"),
        Binding("o", "open_url", "Open in browser", show=False, id="screen.open_url"),
        Binding("y", "copy_url", "Copy URL", show=False, id="screen.copy_url"),
        Binding("b", "bookmark", "Bookmark on/off", show=False, id="screen.bookmark"),
        Binding(
            "B", "bookmark_screen", "Bookmark this screen on/off", show=False, id="screen.bookmark_screen"
        ),
        Binding("m", "mark_compare", "Compare list on/off", show=False, id="screen.compare_mark"),
    ]

    @property
    def pkgtui(self) -> PkgtuiApp:
        """The app, typed: Textual's ``self.pkgtui`` is an ``App[Any]``, which knows nothing of
        pkgtui's client, config and session."""
        return cast("PkgtuiApp", self.app)

    FILTER_ID: ClassVar[str] = "filter"
    # Keys listed on the help screen besides the bindings (e.g. "s: sort" lives in bindings).
    HELP_NOTES: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Work started by prefetch() and not yet taken by load(), by name: a request (a
        # future) or a fetch of many (a Started iterator).
        self._early: dict[str, asyncio.Future[Any] | Started[Any]] = {}
        # Whether what is on screen was read from the local catalogue (then a new sync redraws it).
        self.shown_from_store = False
        # The package or grid this screen recorded in the history (once per screen).
        self._visit_recorded: Subject | None = None

    def prefetch(self) -> None:
        """Start the requests the first load needs first, before the screen is mounted.

        Composing and first painting a screen takes ~40 ms, and its worker only starts
        after that: a request started here is on the network meanwhile. Subclasses call
        :meth:`start_early` (or :meth:`keep_early` for a fetch of many); ``load`` takes
        them with :meth:`take_early`."""

    @property
    def catalogue(self) -> Store | None:
        """The local catalogue, when it may answer this screen's first load: the store is
        synced and the user did not ask for ``--refresh``. Screens read it before their first
        frame (``show_cached``), with no request; None: load from the API as before."""
        if self.first_refresh or not self.pkgtui.catalogue_synced():
            return None
        return self.pkgtui.store

    def catalogue_is_stale(self) -> bool:
        """Whether what the store holds is older than ``cache_ttl``: shown at once, and
        refreshed in the background by screens that can do so cheaply."""
        store = self.pkgtui.store
        return store is not None and store.is_stale(self.pkgtui.config.cache_ttl)

    @property
    def first_refresh(self) -> bool:
        """Whether the first load bypasses the cache (``--refresh``)."""
        return bool(self.pkgtui.config.refresh)

    def start_early(self, name: str, request: Awaitable[Any]) -> None:
        self._early[name] = asyncio.ensure_future(request)

    def keep_early(self, name: str, fetch: Started[Any]) -> None:
        """A fetch of many (pages, members) started by :meth:`prefetch`."""
        self._early[name] = fetch

    def take_early(self, name: str) -> Any:
        """What :meth:`prefetch` started as ``name``, once (the taker closes it); None if
        there is none."""
        return self._early.pop(name, None)

    async def on_unmount(self) -> None:
        # Started early and never taken (the screen closed first, or drew from the cache):
        # cancel them and collect their outcome, so no error goes unretrieved.
        early, self._early = list(self._early.values()), {}
        await cancel_and_wait([item for item in early if not isinstance(item, Started)])
        for fetch in early:
            if isinstance(fetch, Started):
                await fetch.aclose()

    async def on_compose(self) -> None:
        """Before Textual composes the screen (its own handler runs after this one): when
        :meth:`prefetch` started requests, the loop turns SEND_TURNS times first, so they are
        written to the network before composing and first painting hold the loop for ~10 ms.
        Without it a cold grid's one API v3 request went out 10 ms after the screen was
        asked for, and its rows came 10 ms later (bench timeline: written at 10.3 → 1.9 ms,
        painted at 73.4 → 64.4 ms of 40 members at 50 ms latency). Keys typed meanwhile wait
        in this screen's queue, as they wait behind composing."""
        if self._early:
            for _ in range(SEND_TURNS):
                await asyncio.sleep(0)

    def compose(self) -> ComposeResult:
        yield Header()
        yield SourceLine()
        yield MessageBox(id="message")
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual calls the on_mount of every class in the MRO, a subclass's first and then
        # this one: subclasses must not call it themselves (that loaded every screen twice,
        # the first worker cancelled by the second).
        refresh = self.first_refresh
        self.shown_from_store = False
        if refresh or not self.show_cached():
            self.load(refresh=refresh)
        else:
            self.record_visit()
        # A sync committed a new catalogue: a screen drawn from the store draws itself again.
        self.watch(self.pkgtui, "catalogue_version", self._catalogue_synced, init=False)
        # Drawn from the cache instead, what prefetch started stays untaken: on_unmount
        # cancels it and collects its outcome.

    def _catalogue_synced(self, _version: int) -> None:
        if self.shown_from_store:
            self.show_cached()

    def show_cached(self) -> bool:
        """Draw the screen from fresh cached data before its first frame, without waiting;
        True when that drew everything and no load is needed."""
        return False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble; the app reports failures for every screen.
        self.pkgtui.worker_state_changed(event)
        if event.state is WorkerState.SUCCESS:
            self.record_visit()  # a load that showed the screen's package or grid

    def load(self, refresh: bool = False) -> object:
        """Fetch what the screen shows; subclasses make this a worker (and return it)."""
        raise NotImplementedError

    # -- the message area ----------------------------------------------------------------

    @property
    def message(self) -> MessageBox:
        return self.query_one("#message", MessageBox)

    def show_loading(self, text: str = "Loading…") -> None:
        self.message.show_loading(text)

    def show_error(self, error: APIError | str) -> None:
        self.message.show_error(error)

    def show_empty(self, text: str) -> None:
        self.message.show_empty(text)

    def note_skipped(self, count: int, what: str = "items") -> None:
        """Say on the status line that ``count`` of the API's ``what`` could not be read and
        were left out of what is shown (0 says nothing)."""
        for line in self.query(SourceLine):
            line.skipped = skipped_text(count, what)

    def clear_message(self) -> None:
        self.message.clear()

    # -- actions -------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.load(refresh=True)

    def action_back(self) -> None:
        stack = self.pkgtui.screen_stack
        below = stack[-2] if len(stack) >= 2 else None
        if isinstance(below, DataScreen):
            self.pkgtui.pop_screen()
        else:
            # Opened directly with nothing under it: back means home.
            self.pkgtui.switch_to_home()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a text box "/" is text, not a key binding (None: listed in help, not run here).
        if action == "focus_filter" and isinstance(self.focused, Input):
            return None
        # A list screen is neither a package nor a grid: no B there, nor in its help.
        return action != "bookmark_screen" or self.has_screen_subject()

    def has_screen_subject(self) -> bool:
        """Whether this kind of screen shows one package or grid (B bookmarks it)."""
        return type(self).screen_subject is not DataScreen.screen_subject

    def action_focus_filter(self) -> None:
        try:
            box = self.query_one(f"#{self.FILTER_ID}", Input)
        except NoMatches:
            self.notify("This screen has nothing to filter.", timeout=3)
            return
        # Now, not at the next turn as Widget.focus() does: Textual routes each key to the
        # widget focused when it arrives, and "/auth" typed fast (or over SSH, where keys come
        # in bursts) arrives at once. With focus() the "auth" went to the list and was lost.
        self.set_focus(box)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.pkgtui.push_screen(HelpScreen.for_screen(self))

    def focused_url(self) -> str | None:
        """The web URL of what the cursor is on, if any."""
        return None

    def action_copy_url(self) -> None:
        url = self.focused_url()
        if not url:
            self.notify("Nothing here has a URL to copy.", timeout=3)
            return
        url = clean(url)
        self.pkgtui.copy_to_clipboard(url)
        self.notify(url, title="Copied URL (via the terminal)", markup=False, timeout=8)

    def action_open_url(self) -> None:
        url = self.focused_url()
        if not url:
            self.notify("Nothing here has a URL to open.", timeout=3)
            return
        if not is_web_url(url):
            self.notify(f"Not opened (not an http(s) URL): {clean(url)}", markup=False, severity="warning")
            return
        if is_remote_session() and not self.pkgtui.is_web:
            self.pkgtui.copy_to_clipboard(url)
            self.notify(
                f"{url}\nThis is an SSH session, so a browser would open on the remote machine: "
                "the URL was copied instead.",
                title="Copied URL",
                markup=False,
                timeout=10,
            )
            return
        self.pkgtui.open_url(url)
        self.notify(url, title="Opening in browser", markup=False, timeout=4)

    # -- the user's data: bookmarks, the compare list, history ----------------------------

    def subject(self) -> Subject | None:
        """What ``b`` and ``m`` act on: the package or grid under the cursor, else the
        screen's own (see :meth:`screen_subject`)."""
        return self.screen_subject()

    def screen_subject(self) -> Subject | None:
        """The package or grid this screen shows (None on lists): for ``B`` and the history."""
        return None

    def user_data_changed(self, data: UserData) -> None:
        """The user's data changed (``b``, ``m``, a clear): redraw what shows it."""

    def read_user_data(self) -> UserData:
        """The user's saved data (bookmarks, the compare list, history); its file's problems
        are said on screen, in words (literal: they quote paths)."""
        store = self.pkgtui.user_data
        data = store.read()
        for warning in store.take_warnings():
            self.notify(warning, title="Your data", severity="warning", markup=False, timeout=10)
        return data

    def change_user_data(self, change: Callable[[UserDataFile], UserData]) -> UserData | None:
        """Apply one change to the user's data file; its problems as words on screen
        (literal: they quote paths), and None when it could not be saved."""
        store = self.pkgtui.user_data
        try:
            data = change(store)
        except UserDataError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False, timeout=8)
            data = None
        for warning in store.take_warnings():
            self.notify(warning, title="Your data", severity="warning", markup=False, timeout=10)
        if data is not None:
            self.user_data_changed(data)
        return data

    def action_bookmark(self) -> None:
        self._toggle_bookmark(self.subject())

    def action_bookmark_screen(self) -> None:
        self._toggle_bookmark(self.screen_subject())

    def _toggle_bookmark(self, subject: Subject | None) -> None:
        if subject is None:
            self.notify("Nothing here to bookmark: packages and grids can be.", timeout=3)
            return
        if not subject.slug:
            self.notify(f"{subject.title} has no slug to keep a bookmark by.", markup=False, timeout=4)
            return
        data = self.change_user_data(
            lambda store: store.toggle_bookmark(subject.kind, subject.slug, subject.title)
        )
        if data is None:
            return
        if data.bookmarked(subject.kind, subject.slug):
            self.notify(f"Bookmarked {subject.title}", markup=False, timeout=3)
        else:
            self.notify(f"Removed the bookmark on {subject.title}", markup=False, timeout=3)

    def action_mark_compare(self) -> None:
        subject = self.subject()
        if subject is not None and subject.kind != "package":
            subject = self.screen_subject()  # a grid under the cursor: the screen's package, if any
        if subject is None or subject.kind != "package":
            self.notify("Only packages go on the compare list: put the cursor on one.", timeout=3)
            return
        if not subject.slug:
            self.notify(f"{subject.title} has no slug to compare it by.", markup=False, timeout=4)
            return
        data = self.change_user_data(lambda store: store.toggle_compare(subject.slug))
        if data is not None:
            verb = "Marked" if subject.slug in data.compare else "Taken off"
            count = len(data.compare)
            self.notify(
                f"{verb} {subject.title}: {count} package{'s' * (count != 1)} on the compare list",
                markup=False,
                timeout=3,
            )

    def record_visit(self) -> None:
        """Put this screen's package or grid at the front of the history, once, when it is
        shown. In a thread: the file is written and flushed to disk, off the event loop."""
        subject = self.screen_subject()
        if subject is None or not subject.slug or subject == self._visit_recorded:
            return
        self._visit_recorded = subject
        store = self.pkgtui.user_data
        app = self.pkgtui

        def record() -> None:
            try:
                store.record_visit(subject.kind, subject.slug, subject.title)
            except UserDataError as error:
                if app.history_warned:  # said once a run: the next visit would fail alike
                    return
                app.history_warned = True
                message = f"Visits are not kept in the history: {error}"
                app.call_from_thread(app.notify, message, title="Your data", severity="warning", markup=False)

        app.run_worker(record, thread=True, group="history", exit_on_error=False)


class DjangoFilterScreen(DataScreen):
    """A screen listing packages with ``d``: only those declaring a Django version on PyPI,
    the newest declared first, each press the next older one, then all again. Esc clears it
    first, as it clears a filter box's text. Subclasses say which versions are declared and
    how they redraw."""

    django_filter: str | None = None  # only packages declaring this version; None: every one

    def declared_django_versions(self) -> list[str]:
        raise NotImplementedError

    def show_django_filter(self) -> None:
        """Redraw the rows for the filter just changed."""
        raise NotImplementedError

    def action_django_filter(self) -> None:
        from ..readiness import next_filter

        versions = self.declared_django_versions()
        if not versions:
            self.notify("No package here declares a Django version on PyPI (yet).", timeout=4, markup=False)
        self.django_filter = next_filter(self.django_filter, versions)
        self.show_django_filter()

    def action_back(self) -> None:
        if self.django_filter is not None:
            self.django_filter = None
            self.show_django_filter()
            return
        super().action_back()
