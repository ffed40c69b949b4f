"""The real app, driven by the pilot, against a failing server and hostile data.

Every screen must open without an exception escaping; hostile text must appear literally and
clicking it must do nothing; only clean http(s) URLs are opened; after a fault the screen says
what went wrong, back and retry keep working, and a retry after the fault clears shows the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from textual.command import CommandPalette

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config, load_config
from pkgtui.screens.category import CategoryScreen
from pkgtui.screens.grid import GridScreen
from pkgtui.screens.help import HelpScreen
from pkgtui.screens.home import HomeScreen
from pkgtui.screens.package import PackageScreen
from pkgtui.target import StartTarget
from pkgtui.text import clean, is_web_url
from tests.conftest import FIXED_NOW
from tests.faults.catalogue import CLIENT_FAULTS, ClientFault
from tests.hostile import (
    BAD_URLS,
    HOSTILE_GRID_ID,
    HOSTILE_TEXTS,
    LONG,
    MARKUP_BOLD,
    MARKUP_CLICK,
    OSC_LINK,
    HostileText,
    hostile_api,
    hostile_packages,
)
from tests.server import LocalAPI, status

SIZE = (120, 36)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# -- building and reading the app -------------------------------------------------------------------


SETTLE_ROUNDS = 10  # a bound: no chain of workers in the app is this long


async def settle(pilot) -> None:
    """Let workers finish and the screen redraw: pause until a pause leaves no worker running
    (waiting on the workers, not a fixed number of pauses). A worker cancelled by a newer one
    (a retry, a second search) is how exclusive workers are meant to behave, not a failure."""
    from textual.worker import WorkerCancelled

    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        if not pilot.app.workers:
            return
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
    await pilot.pause()


@dataclass
class Recorder:
    """What the app tried to open and what it told the user."""

    opened: list[str]
    notes: list[tuple[str, object]]  # (message, markup flag)


def build(
    client, target: StartTarget | None = None, config: Config | None = None
) -> tuple[PkgtuiApp, Recorder]:
    app = create_app(config or Config(demo=True), client=client, target=target, clock=lambda: FIXED_NOW)
    app.cursor_blink = False
    recorder = Recorder([], [])
    app.open_url = lambda url, **kw: recorder.opened.append(url)  # type: ignore[method-assign]
    real_notify = app.notify

    def notify(message, *args, **kwargs):
        recorder.notes.append((str(message), kwargs.get("markup", True)))
        return real_notify(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return app, recorder


def hostile_app(target: StartTarget | None = None) -> tuple[PkgtuiApp, Recorder]:
    api = hostile_api()
    return build(open_client(api.base_url, transport=api.transport(), backoff=0.0), target)


# The client shares the event loop with Textual, which a busy machine (the suite runs six
# workers on two cores) can hold for seconds: a timeout that is not the fault under test must be
# long enough never to fire. It costs nothing: a server that answers is not waited out.
ANSWER_TIMEOUT = 10.0


def http_app(
    server: LocalAPI, target: StartTarget | None = None, timeout: float = ANSWER_TIMEOUT
) -> tuple[PkgtuiApp, Recorder]:
    client = open_client(server.url, timeout=timeout, backoff=0.0)
    return build(client, target, Config(api_url=server.url))


def screen_text(app: PkgtuiApp) -> str:
    """What the terminal shows, as text."""
    return "\n".join(
        "".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()
    )


def assert_healthy(app: PkgtuiApp) -> None:
    """Still running, nothing escaped, nothing printed a traceback, no control character drawn."""
    assert app._exception is None, app._exception
    assert app.return_code is None and app.is_running
    text = screen_text(app)
    assert "Traceback" not in text and "Unexpected error" not in text
    assert not CONTROL.search(text), CONTROL.findall(text)[:5]


def assert_notes_are_literal(recorder: Recorder) -> None:
    """A notification that repeats API text must not parse it as markup."""
    for message, markup in recorder.notes:
        if "[" in message:
            assert markup is False, message


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    with LocalAPI() as api:
        yield api


@pytest.fixture(autouse=True)
def no_ssh(monkeypatch):
    # Over SSH the app copies URLs instead of opening them; these tests are about opening.
    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)


# -- hostile data on every screen ---------------------------------------------------------------------

HOSTILE_SCREENS = {
    "home": (StartTarget(), HomeScreen),
    "search": (StartTarget("search", "hostile"), HomeScreen),
    "category": (StartTarget("category", "hostile"), CategoryScreen),
    "category with a 5,000-character title": (StartTarget("category", "hostile-long"), CategoryScreen),
    "grid": (StartTarget("grid", "hostile-grid"), GridScreen),
    "package": (StartTarget("package", "hostile-markup"), PackageScreen),
}


async def visit_every_overlay(pilot, screen_type) -> None:
    """Help, the command palette, then back: each opens and closes on the keyboard alone."""
    app = pilot.app
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    assert_healthy(app)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, screen_type)
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press("h", "o")  # the palette searches what the session has seen, hostile titles too
    await pilot.pause(0.1)
    assert_healthy(app)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, screen_type)


@pytest.mark.parametrize("name", HOSTILE_SCREENS)
async def test_every_screen_opens_on_hostile_data(name):
    target, screen_type = HOSTILE_SCREENS[name]
    app, recorder = hostile_app(target)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, screen_type)
        assert_healthy(app)
        await visit_every_overlay(pilot, screen_type)
        await pilot.press("down", "tab", "s", "end")
        await settle(pilot)
        assert_healthy(app)
        if screen_type is not HomeScreen:
            # Esc clears a filter box's text, then leaves the box, then goes back (issue 17).
            for _ in range(3):
                if isinstance(app.screen, HomeScreen):
                    break
                await pilot.press("escape")
                await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        assert_healthy(app)
    assert recorder.opened == []
    assert_notes_are_literal(recorder)


async def test_every_hostile_package_opens():
    # One app, every hostile package in turn: open, move about, sort participants, back.
    app, recorder = hostile_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for package in hostile_packages():
            app.open_screen("package", package["slug"])
            await settle(pilot)
            assert isinstance(app.screen, PackageScreen) and app.screen.package is not None, package["slug"]
            assert app.screen.query_one("#message").kind != "error", package["slug"]
            assert_healthy(app)
            await pilot.press("tab", "down", "s", "G", "g")
            await settle(pilot)
            assert_healthy(app)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
    assert recorder.opened == []
    assert_notes_are_literal(recorder)


def _package_showing(text: HostileText) -> str:
    for package in hostile_packages():
        if text.raw == package["title"] or text.raw in package["repo_description"]:
            return package["slug"]
    raise AssertionError(text.name)


async def test_hostile_text_on_screen():
    # Wide, so no string wraps; one app visiting the package that holds each text.
    app, _ = hostile_app()
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        by_package: dict[str, list[HostileText]] = {}
        for text in HOSTILE_TEXTS:
            by_package.setdefault(_package_showing(text), []).append(text)
        for slug, texts in by_package.items():
            app.open_screen("package", slug)
            await settle(pilot)
            shown = screen_text(app)
            assert_healthy(app)
            for text in texts:
                if text is LONG:
                    assert "Longxxxxxxxx" in shown  # cut or wrapped, but there
                else:
                    assert text.visible in shown, f"{text.name}: {text.visible!r} not on screen"
                    assert clean(text.raw) in shown
            await pilot.press("escape")
            await settle(pilot)


async def test_hostile_participants_are_listed_literally():
    app, _ = hostile_app(StartTarget("package", "hostile-markup"))
    async with app.run_test(size=(220, 80)) as pilot:
        await settle(pilot)
        app.screen.query_one("#package-participants").scroll_visible(animate=False)
        await settle(pilot)
        shown = screen_text(app)
        for name in ("[@click=app.quit]Quit now[/]", "[b]Bold[/b] pkg", "dependabot[bot]"):
            assert name in shown, name
        assert_healthy(app)


async def test_hostile_titles_on_the_lists_are_literal():
    app, _ = hostile_app(StartTarget("category", "hostile"))
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        for title in ("[@click=app.quit]Quit now[/]", "Red alert", "Invoice gnp.exe", "Too many weeks"):
            assert title in shown, title
        await pilot.press("escape")
        await settle(pilot)
        shown = screen_text(app)  # home: the hostile category and grid titles
        assert "[@click=app.quit]Quit now[/]" in shown
        assert_healthy(app)


async def test_a_hostile_grid_known_from_home_is_titled_literally(monkeypatch):
    # Only home's copy of the grid is drawn: the grid's own load never runs.
    monkeypatch.setattr(GridScreen, "load", lambda self, refresh=False: None)
    app, _ = hostile_app()
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        app.open_screen("grid", str(HOSTILE_GRID_ID))
        await settle(pilot)
        assert isinstance(app.screen, GridScreen) and app.screen.grid is None
        title = str(app.screen.query_one("#grid-title").render())
        description = str(app.screen.query_one("#grid-description").render())
        assert title == MARKUP_CLICK.visible and app.screen.title == MARKUP_CLICK.visible
        assert MARKUP_BOLD.visible in description and OSC_LINK.visible in description
        assert_healthy(app)


async def test_bad_numbers_in_the_app():
    app, _ = hostile_app(StartTarget("package", "hostile-numbers"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fields = str(app.screen.query_one("#package-fields").render())
        assert_healthy(app)
    values = {line[:14].strip(): line[14:].strip() for line in fields.splitlines()}
    for label in ("Stars", "Forks", "Created", "Last fetched", "Version"):
        assert values[label] == "–", (label, values[label])
    assert values["Last commit"].startswith("–")  # unknown (and so marked stale)
    assert "-5" not in fields and "-1" not in fields


async def test_clicking_hostile_text_does_nothing():
    app, recorder = hostile_app(StartTarget("package", "hostile-markup"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        for selector in (
            "#package-title",
            "#package-description",
            "#package-fields",
            "#package-participants",
        ):
            widget = screen.query_one(selector)
            for x in range(0, min(widget.region.width, 30), 5):
                await pilot.click(selector, offset=(x, 0))
        await settle(pilot)
        assert app.screen is screen  # no action ran: no quit, no navigation
        assert_healthy(app)
        for _ in range(3):  # a click may have focused the filter box: Esc leaves it first
            if app.screen is not screen:
                break
            await pilot.press("escape")
            await settle(pilot)
        # On home, the category and grid rows are titled [@click=app.quit]...: a click selects the row.
        await pilot.click("#grids", offset=(3, 2))
        await settle(pilot)
        assert_healthy(app)
    assert recorder.opened == []


@pytest.mark.parametrize("slug", ["hostile-markup", "hostile-escapes", "hostile-bidi-emoji"])
async def test_non_web_urls_are_never_opened(slug, monkeypatch):
    import webbrowser

    browsed: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: browsed.append(url))
    app, recorder = hostile_app(StartTarget("package", slug))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")  # the repository URL, which is not http(s)
        await pilot.pause()
        assert recorder.opened == [] and browsed == []
        assert any(message.startswith("Not opened") for message, _ in recorder.notes)
        links = app.screen.query_one("#package-links")
        links.focus()
        for _ in range(3):  # every link: enter and o on each
            await pilot.press("enter", "o", "down")
        await settle(pilot)
        assert_healthy(app)
    assert browsed == []
    # Only clean http(s) URLs were opened (here, the PyPI links), none of the hostile ones.
    assert all(is_web_url(url) for url in recorder.opened), recorder.opened
    assert not any(
        bad.strip().startswith(opened) or opened in bad for opened in recorder.opened for bad in BAD_URLS
    )
    assert_notes_are_literal(recorder)


async def test_a_clean_web_url_is_opened(monkeypatch):
    # The control for the test above: the same keys on a package with an https repository open it.
    app, recorder = hostile_app(StartTarget("package", "django-otp"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
    assert recorder.opened == ["https://github.com/django-otp/django-otp"]


# -- faults on every screen, over real HTTP --------------------------------------------------------

# (target, the path faulted, the screen, what it shows once the fault clears)
FAULT_SCREENS = {
    "home": (StartTarget(), None, HomeScreen, "Apps"),
    "search": (StartTarget("search", "auth"), r"/search/", HomeScreen, DemoAPI().search("auth")[0]["title"]),
    "category": (StartTarget("category", "1"), r"/packages/\?", CategoryScreen, "django-otp"),
    # v4's grid, and v3's whole grid (r asks it once home has listed the grid).
    "grid": (StartTarget("grid", "7"), r"/grids/(grid-)?7/", GridScreen, "django-otp"),
    "package": (StartTarget("package", "django-otp"), r"/packages/django-otp/", PackageScreen, "django-otp"),
}


def error_text(app: PkgtuiApp) -> str:
    box = app.screen.query_one("#message")
    return box.text if box.kind == "error" else ""


async def fault_then_recover(server: LocalAPI, name: str, fault: ClientFault) -> None:
    target, path, screen_type, data = FAULT_SCREENS[name]
    for action in fault.actions():
        server.faults.add(action, path=path)
    # Faults that are about time get a shorter timeout, so the tests stay quick.
    app, recorder = http_app(server, target, timeout=1.0 if fault.error == "Timeout" else ANSWER_TIMEOUT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, screen_type)
        assert_healthy(app)
        message = error_text(app)
        assert message, f"{name}: no error shown for {fault.name}"
        assert fault.matches(message), message
        assert "press r" in message or "retry" in message

        if fault.error != "Timeout":  # (slow by design: one wait is proof enough)
            await pilot.press("r")  # retry while the fault lasts: the same message, no crash
            await settle(pilot)
            assert_healthy(app)
            assert fault.matches(error_text(app))

        server.faults.clear()
        await pilot.press("r")  # retry after the fault clears: the data
        await settle(pilot)
        assert_healthy(app)
        assert error_text(app) == ""
        assert data in screen_text(app)

        if screen_type is not HomeScreen:
            await pilot.press("escape")  # back still works
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert_healthy(app)
    assert_notes_are_literal(recorder)


@pytest.mark.parametrize("fault", CLIENT_FAULTS, ids=lambda f: f.name)
async def test_package_screen_after_each_fault(server, fault):
    await fault_then_recover(server, "package", fault)


# The other screens share the same machinery: a representative fault of each kind.
SAMPLED = {f.name: f for f in CLIENT_FAULTS}
SAMPLE_FAULTS = ["HTTP 503", "connection reset mid-response", "invalid JSON"]
TRICKLE = "trickled body (each read in time, the whole not)"


@pytest.mark.parametrize(
    ("name", "fault_name"),
    [
        *((name, fault) for name in ("home", "search", "category", "grid") for fault in SAMPLE_FAULTS),
        ("category", TRICKLE),
    ],  # the screen that makes the most requests, slowed to a trickle
)
async def test_other_screens_after_a_fault(server, name, fault_name):
    await fault_then_recover(server, name, SAMPLED[fault_name])


async def test_retry_after_the_fault_clears_shows_the_data(server):
    rule = server.faults.add(status(503), path=r"/packages/django-otp/")
    app, _ = http_app(server, StartTarget("package", "django-otp"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "HTTP 503" in error_text(app) and rule.hits == 4  # one try, three retries
        server.faults.remove(rule)
        await pilot.press("r")
        await settle(pilot)
        assert error_text(app) == "" and "django-otp" in screen_text(app)
        assert "A pluggable framework" in screen_text(app)


async def test_a_failing_grid_member_is_shown_failed_in_its_place(server):
    server.faults.add(status(500), path=r"/packages/1867/")
    app, _ = http_app(server, StartTarget("grid", "7"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert_healthy(app)
        rows = app.screen.query_one("#grid-table")
        assert rows.row_count == 4
        assert "HTTP 500" in shown or "failed" in shown.lower()


async def test_refused_port_on_every_screen():
    from tests.server import refused_port, refused_url

    with refused_port() as port:
        for target in (StartTarget(), StartTarget("package", "django-otp"), StartTarget("grid", "7")):
            client = open_client(refused_url(port), timeout=2.0, backoff=0.0)
            app, _ = build(client, target, Config(api_url=refused_url(port)))
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                assert_healthy(app)
                assert "cannot connect" in error_text(app)
                await pilot.press("escape")
                await settle(pilot)
                assert isinstance(app.screen, HomeScreen) and "cannot connect" in error_text(app)


async def test_latency_shows_loading_then_data(server):
    server.faults.latency = 0.4
    app, _ = http_app(server, StartTarget("package", "django-otp"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.15)
        assert "Loading" in screen_text(app)
        await settle(pilot)
        assert "A pluggable framework" in screen_text(app) and error_text(app) == ""


# -- broken state in the app ------------------------------------------------------------------------


async def test_corrupted_cache_is_one_warning_in_the_app(server):
    config = load_config(api_url=server.url, env={})
    config.cache_file.parent.mkdir(parents=True, exist_ok=True)
    config.cache_file.write_bytes(b"\x00not sqlite\xff" * 100)
    app = create_app(config, target=StartTarget("package", "django-otp"), clock=lambda: FIXED_NOW)
    notes: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)), real_notify(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "A pluggable framework" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert_healthy(app)
    cache_notes = [n for n in notes if "cache" in n]
    assert len(cache_notes) == 1 and "running without it" in cache_notes[0]


async def test_config_warnings_are_shown_once_and_the_app_runs(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('timeout = nan\ntheme = "x\\u001b[2J"\nconcurrency = 0\n')
    config = load_config(env={"PKGTUI_CONFIG": str(path)}, demo=True)
    assert len(config.warnings) == 3
    app = create_app(config, clock=lambda: FIXED_NOW)
    notes: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)), real_notify(message, *a, **k))[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_healthy(app)
        assert "Apps" in screen_text(app)
    assert [n for n in notes if str(path) in n] == list(config.warnings)


# -- small and plain terminals, keyboard only --------------------------------------------------------

SMALL_SCREENS = {
    "home": (StartTarget(), HomeScreen, "#categories"),
    "search": (StartTarget("search", "auth"), HomeScreen, "#results"),
    "category": (StartTarget("category", "apps"), CategoryScreen, "#packages"),
    "grid": (StartTarget("grid", "7"), GridScreen, "#grid-table"),
    "package": (StartTarget("package", "django-otp"), PackageScreen, "#package-body"),
    "hostile package": (StartTarget("package", "hostile-huge"), PackageScreen, "#package-body"),
}


@pytest.mark.parametrize("name", SMALL_SCREENS)
async def test_small_plain_terminal(name, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    target, screen_type, main_widget = SMALL_SCREENS[name]
    app, recorder = hostile_app(target)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert app.no_color
        assert isinstance(app.screen, screen_type)
        assert_healthy(app)
        widget = app.screen.query_one(main_widget)
        region = widget.region
        assert region.height >= 3 and region.width >= 40, region  # room for data, not squeezed away
        assert region.bottom <= 20 and region.right <= 60
        text = screen_text(app)
        assert all(len(line) <= 60 for line in text.splitlines())
        assert "Help" in text or "?" in text  # the footer still names the way to help
        await visit_every_overlay(pilot, screen_type)
        # Keyboard only: move, open what the cursor is on, come back.
        await pilot.press("tab", "down", "down", "enter")
        await settle(pilot)
        assert_healthy(app)
        while not isinstance(app.screen, HomeScreen):
            await pilot.press("escape")
            await settle(pilot)
        assert_healthy(app)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (None, 0)
    assert all(is_web_url(url) for url in recorder.opened)  # enter on a link opens it, if http(s)
