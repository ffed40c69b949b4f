"""Bindings every screen shares: help, palette, back, quit, open and copy URL, direct entry."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from pkgtui.screens import base
from pkgtui.screens.category import CategoryScreen
from pkgtui.screens.help import HelpScreen
from pkgtui.screens.home import HomeScreen
from pkgtui.target import StartTarget
from pkgtui.widgets import VirtualTable

from .conftest import settle


def help_text(app) -> str:
    return app.screen.plain_text


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_the_bindings_of_the_current_screen(make_app, key):
    app, _ = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        assert "Keys: Category" in text
        for line in ("esc ⌫", "Sort", "Refresh", "Open in browser", "Copy URL", "ctrl+p", "Quit"):
            assert line.lower() in text.lower(), line
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CategoryScreen)


async def test_help_on_home_has_no_sort(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = help_text(app)
        assert "Keys: Home" in text and "Clear search" in text and "Sort" not in text


async def test_palette_jumps_to_a_category_by_name(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"framew")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CategoryScreen)
        assert app.screen.category.slug == "frameworks"


async def test_palette_knows_grids_and_packages_seen_so_far(make_app):
    from pkgtui.commands import JumpProvider

    app, _ = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        provider = JumpProvider(app.screen)
        hits = [hit async for hit in provider.search("two-factor")]
        assert hits and hits[0].text == "django-two-factor-auth"
        assert "Package: " in str(hits[0].match_display)
        grid_hits = [hit async for hit in provider.search("Grid 11")]
        assert any(hit.text == "Grid 11" for hit in grid_hits)


async def test_backspace_goes_back_and_q_quits(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CategoryScreen)
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize(
    ("kind", "screen_module", "screen_class"),
    [("grid", "pkgtui.screens.grid", "GridScreen"), ("package", "pkgtui.screens.package", "PackageScreen")],
)
async def test_direct_entry_opens_the_screen_over_home(make_app, kind, screen_module, screen_class):
    import importlib

    cls = getattr(importlib.import_module(screen_module), screen_class)
    app, _ = make_app(target=StartTarget(kind, "no-such-thing-xyz"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, cls)
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, cls]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_back_with_nothing_below_switches_to_home(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.switch_screen(CategoryScreen("apps"))  # replaces home: nothing below
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_y_copies_and_shows_the_url(make_app, monkeypatch):
    app, _ = make_app(target=StartTarget("category", "apps"))
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("y")
        await pilot.pause()
        package = app.session.packages[app.screen.query_one("#packages", VirtualTable).cursor_key]
        assert copied == [package.repo_url]
        assert any(n.message == package.repo_url for n in app._notifications)


async def test_o_opens_web_urls_locally(make_app, monkeypatch):
    monkeypatch.setattr(base, "is_remote_session", lambda: False)
    app, _ = make_app(target=StartTarget("category", "apps"))
    opened: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
        await pilot.press("o")
        await pilot.pause()
        assert len(opened) == 1 and opened[0].startswith("https://")


async def test_o_over_ssh_copies_instead_and_says_why(make_app, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    app, _ = make_app(target=StartTarget("category", "apps"))
    opened: list[str] = []
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await pilot.press("o")
        await pilot.pause()
        assert opened == [] and len(copied) == 1
        assert any("SSH session" in n.message for n in app._notifications)


async def test_o_refuses_a_non_web_url(make_app, monkeypatch):
    monkeypatch.setattr(base, "is_remote_session", lambda: False)
    app, _ = make_app()
    opened: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
        monkeypatch.setattr(HomeScreen, "focused_url", lambda self: "javascript:alert(1)")
        await pilot.press("o")
        await pilot.pause()
        assert opened == []
        assert any("not an http(s) URL" in n.message for n in app._notifications)


def test_remote_session_detection():
    assert base.is_remote_session({"SSH_TTY": "/dev/pts/1"})
    assert not base.is_remote_session({})


async def test_an_unknown_theme_is_a_warning_and_the_default_theme_is_used(make_app):
    from msgspec.structs import replace

    app, _ = make_app()
    app.config = replace(app.config, theme="no-such-theme")
    notes: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, *a, **k: (notes.append(str(message)), real_notify(message, *a, **k))[1]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
    assert len(notes) == 1 and "theme 'no-such-theme' is not known" in notes[0]


async def test_config_warnings_quoting_the_file_are_shown_literally(make_app, tmp_path, monkeypatch):
    from msgspec.structs import replace

    from pkgtui.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('"[@click=app.quit]" = 1\n"[b" = 2\n')
    config = load_config(env={"PKGTUI_CONFIG": str(path)}, demo=True)
    assert len(config.warnings) == 2
    app, _ = make_app()
    app.config = replace(app.config, warnings=config.warnings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        config_notes = [n for n in app._notifications if n.title == "Config"]
        assert len(config_notes) == 2
        # Rendered as plain text: the brackets are shown, never parsed as markup or an action.
        assert all(not n.markup for n in config_notes)
        assert "'[@click=app.quit]'" in config_notes[0].message + config_notes[1].message
        assert app.is_running


async def test_an_unexpected_error_in_a_screen_worker_is_reported_not_swallowed(make_app, monkeypatch):
    # Worker messages do not bubble to the app: each screen must pass its failures on.
    app, _ = make_app()

    async def broken(*args, **kwargs):
        raise RuntimeError("a bug, not the network")

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.client, "grid", broken)
        app.open_screen("grid", "7")
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("Unexpected error: RuntimeError: a bug, not the network" in m for m in shown), shown
        assert app.is_running


@pytest.mark.parametrize(
    ("kind", "key", "screen_module", "screen_class"),
    [
        ("home", "", "pkgtui.screens.home", "HomeScreen"),
        ("category", "apps", "pkgtui.screens.category", "CategoryScreen"),
        ("grid", "1", "pkgtui.screens.grid", "GridScreen"),
        ("package", "django-debug-toolbar", "pkgtui.screens.package", "PackageScreen"),
    ],
)
async def test_each_screen_starts_loading_once(make_app, monkeypatch, kind, key, screen_module, screen_class):
    # Textual runs the on_mount of every class in the MRO: a subclass that also called
    # super().on_mount() started its load twice, the first worker cancelled by the second.
    import importlib

    cls = getattr(importlib.import_module(screen_module), screen_class)
    loads: list[bool] = []
    original = cls.load
    monkeypatch.setattr(
        cls, "load", lambda self, refresh=False: loads.append(refresh) or original(self, refresh)
    )
    app, _ = make_app(target=StartTarget(kind, key) if kind != "home" else None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, cls)
        assert loads == [False]


@pytest.mark.parametrize(("kind", "key", "box"), [("category", "apps", "#filter"), ("grid", "7", "#filter")])
async def test_keys_typed_in_one_burst_after_slash_reach_the_filter(make_app, kind, key, box):
    # Over SSH keys arrive in bursts: "/auth" in one read. Each key goes to the widget focused
    # when it arrives, so "/" must move the focus before the next key is routed.
    from textual import events
    from textual.widgets import Input

    app, _ = make_app(target=StartTarget(kind, key))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for name, character in [("slash", "/"), ("a", "a"), ("u", "u"), ("t", "t"), ("h", "h")]:
            app.post_message(events.Key(name, character))  # all queued before any is handled
        await settle(pilot)
        filter_box = app.screen.query_one(box, Input)
        assert app.screen.focused is filter_box
        assert filter_box.value == "auth"
        await pilot.press("slash", "x")  # in the box, "/" is text
        assert filter_box.value == "auth/x"


@pytest.mark.parametrize(
    ("kind", "key", "table"), [("category", "apps", "#packages"), ("grid", "7", "#grid-table")]
)
async def test_keys_typed_in_one_burst_after_enter_reach_the_list(make_app, kind, key, table):
    # "/auth⏎jj" in one read: Enter must move the focus before the j's are routed.
    from textual import events
    from textual.widgets import Input

    app, _ = make_app(target=StartTarget(kind, key))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst = [
            ("slash", "/"),
            ("a", "a"),
            ("u", "u"),
            ("t", "t"),
            ("h", "h"),
            ("enter", "\r"),
            ("j", "j"),
            ("j", "j"),
        ]
        for name, character in burst:
            app.post_message(events.Key(name, character))  # all queued before any is handled
        await settle(pilot)
        rows = app.screen.query_one(table, VirtualTable)
        assert app.screen.query_one("#filter", Input).value == "auth"
        assert app.screen.focused is rows
        assert rows.cursor == min(2, rows.row_count - 1)


async def test_enter_in_the_home_search_box_leads_to_the_results_or_the_categories(make_app):
    from textual.widgets import Input

    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "enter")  # empty: on to the categories
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#categories", VirtualTable)
        await pilot.press("slash", "o", "t", "p", "enter")
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == "otp"
        assert app.screen.focused is app.screen.query_one("#results", VirtualTable)
        assert app.screen.query_one("#results", VirtualTable).row_count >= 1
