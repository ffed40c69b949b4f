"""Home: categories, grids filtered as you type, debounced search, opening things."""

from __future__ import annotations

from textual.widgets import Input

from pkgtui.api.demo import DemoAPI
from pkgtui.screens import home
from pkgtui.screens.category import CategoryScreen
from pkgtui.screens.home import HomeScreen
from pkgtui.target import StartTarget
from pkgtui.widgets import MessageBox, SourceLine, VirtualTable

from .conftest import settle


def cells(table: VirtualTable, column: int = 0) -> list[str]:
    return [str(table.row(i)[column]) for i in range(table.row_count)]


async def test_home_lists_categories_and_grids(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert cells(screen.query_one("#categories", VirtualTable)) == [
            "Apps",
            "Frameworks",
            "Other",
            "Projects",
        ]
        grids = screen.query_one("#grids", VirtualTable)
        assert grids.row_count == len(DemoAPI().grids)
        names = cells(grids)
        assert names == sorted(names, key=lambda name: int(name.split()[1]))  # Grid 9 before Grid 10
        assert str(screen.query_one(SourceLine).render()) == "demo — sample data"
        # Counts are not known before the catalogue has been loaded.
        assert all(str(c) == "…" for c in cells(screen.query_one("#categories", VirtualTable), 1))


async def test_typing_filters_grids_at_once_and_searches_after_a_pause(make_app, monkeypatch):
    # A longer pause than the real one, so a slow CI machine between two key presses is not
    # taken for the user pausing (the behaviour tested is the same).
    monkeypatch.setattr(home, "SEARCH_DEBOUNCE", 1.0)
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"grid 11")
        grids = app.screen.query_one("#grids", VirtualTable)
        assert set(cells(grids)) == {g for g in cells(grids) if "11" in g} and grids.row_count >= 1
        searches_before = [p for p in transport.paths if "/search/" in p]
        assert searches_before == []  # debounced: nothing asked while typing
        await pilot.pause(home.SEARCH_DEBOUNCE + 0.2)
        await settle(pilot)
        searches = [p for p in transport.paths if "/search/" in p]
        assert len(searches) == 1 and "q=grid+11" in searches[0]
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count >= 1
        assert not app.screen.query_one("#categories-pane").display


async def test_search_results_show_title_description_stars_category(make_app):
    app, _ = make_app(target=StartTarget("search", "two-factor"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count >= 1
        first = [str(c) for c in results.row(0)]
        assert first[0] == "django-two-factor-auth"
        # No Type column (every hit is a package); the category as every screen says it, plural.
        assert first[1] == "1,853" and first[2] == "Apps"
        package = next(p for p in DemoAPI().packages if p["slug"] == "django-two-factor-auth")
        assert first[3] == package["repo_description"].strip()
        assert app.screen.query_one("#filter", Input).value == "two-factor"


async def test_search_for_nothing_says_so(make_app):
    app, _ = make_app(target=StartTarget("search", "zzzz-no-such-thing"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count == 0
        assert "Nothing found for 'zzzz-no-such-thing'." in results.render_line(1).text


async def test_escape_on_home_clears_the_search(make_app):
    app, _ = make_app(target=StartTarget("search", "auth"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == ""
        assert app.screen.query_one("#categories-pane").display
        assert isinstance(app.screen, HomeScreen)


async def test_enter_on_a_category_opens_it_and_escape_comes_back(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CategoryScreen)
        assert app.screen.category.slug == "apps"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # The catalogue is now known, so home shows package counts.
        counts = cells(app.screen.query_one("#categories", VirtualTable), 1)
        assert counts[0] == "67"


async def test_selecting_a_grid_and_a_search_result_opens_their_screens(make_app):
    app, _ = make_app()
    opened: list[tuple[str, str]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen = lambda kind, key: opened.append((kind, key))
        grids = app.screen.query_one("#grids", VirtualTable)
        grids.focus()
        await pilot.press("j", "enter")
        await pilot.pause()
        assert opened == [("grid", str(grids.keys[1]))]
        await pilot.press("slash", *"two-factor", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert opened[-1] == ("package", "django-two-factor-auth")


async def test_load_error_is_shown_in_words_and_r_retries(make_app):
    import httpx

    app, transport = make_app(demo=False)
    transport.failure = httpx.ReadTimeout
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = app.screen.query_one("#message", MessageBox)
        assert message.kind == "error"
        assert message.text == "demo.pkgtui.invalid did not answer in 10 s — press r to retry"
        transport.failure = None
        await pilot.press("r")
        await settle(pilot)
        assert message.kind == ""
        assert app.screen.query_one("#categories", VirtualTable).row_count == 4


async def test_source_line_shows_the_host_or_the_offline_cache_age(make_app):
    app, _ = make_app(demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(SourceLine)
        assert str(line.render()) == "source: demo.pkgtui.invalid"
        app.stale_age = 3 * 3600 + 5
        await pilot.pause()
        assert str(line.render()).startswith("offline — data cached 3 h ago")
        assert line.has_class("-offline")


async def test_backspace_on_the_results_list_clears_the_search(make_app):
    app, _ = make_app(target=StartTarget("search", "auth"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, VirtualTable)
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == ""


async def test_clicking_a_category_row_opens_it(make_app):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#categories", offset=(3, 2))  # line 2 = second row
        await settle(pilot)
        assert isinstance(app.screen, CategoryScreen)
        assert app.screen.category.slug == "frameworks"


async def test_home_data_is_asked_for_once_at_start_and_again_on_r(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        asked = [p.split("?")[0] for p in transport.paths]
        assert asked.count("/api/v4/categories/") == 1 and asked.count("/api/v4/grids/") == 1
        assert app.take_home_data() is None  # handed to home, not kept
        await pilot.press("r")
        await settle(pilot)
        asked = [p.split("?")[0] for p in transport.paths]
        assert asked.count("/api/v4/categories/") == 2 and asked.count("/api/v4/grids/") == 2
        assert len(app.screen.query_one("#categories", VirtualTable).keys) == 4


async def test_closing_before_home_has_its_data_leaves_nothing_running(make_app):
    import asyncio

    app, transport = make_app()
    held = asyncio.Event()
    transport.hold = ("/categories/", held)  # the start-up request never answers
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        await pilot.press("q")
    assert not [t for t in asyncio.all_tasks() if "fetch_home_data" in repr(t.get_coro())]
