"""Category: progressive loading, sorting, filtering, errors, retry and cancellation."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import httpx
from textual.widgets import Input
from textual.worker import WorkerState

from pkgtui.api.demo import DemoAPI
from pkgtui.app import REFREEZE_DELAY
from pkgtui.screens.category import CategoryScreen
from pkgtui.screens.home import HomeScreen
from pkgtui.sorting import natural_key
from pkgtui.target import StartTarget
from pkgtui.widgets import LoadProgress, MessageBox, VirtualTable

from .conftest import open_while_held, settle, wait_until
from .synthetic import CATEGORIES, catalogue


def synthetic_api(count: int) -> DemoAPI:
    return DemoAPI(packages=catalogue(count), categories=CATEGORIES, grids=[])


def column(table: VirtualTable, label: str) -> list[str]:
    """The cells of the column titled ``label`` (the columns move as facts are added)."""
    index = [c.label for c in table.columns].index(label)
    return [str(table.row(i)[index]) for i in range(table.row_count)]


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


@asynccontextmanager
async def category_after_its_first_page(make_app):
    """A category of 300 packages opened on its own, pages of 50: the first page arrives, every
    other waits for ``transport.gate``. Yields (app, transport, pilot, screen)."""
    app, transport = make_app(api=synthetic_api(300), target=StartTarget("category", "apps"), page_size=50)
    transport.gate = asyncio.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, CategoryScreen)
        yield app, transport, pilot, screen


async def test_rows_appear_as_pages_arrive_with_progress(make_app):
    async with category_after_its_first_page(make_app) as (_app, transport, pilot, screen):
        table = screen.query_one("#packages", VirtualTable)
        progress = screen.query_one("#progress", LoadProgress)
        # Partial results are visible while the rest loads.
        assert table.row_count == len(
            [n for n in range(251, 301) if n % 3 == 0]
        )  # newest first: ids 300..251
        assert progress.label == "50 / 300 packages scanned"
        assert progress.display
        assert "so far" in str(screen.query_one("#summary").render())
        transport.gate.set()
        await settle(pilot)
        assert table.row_count == 100  # every third of 300 is an app
        assert not progress.has_class("-active")
        assert screen.complete
        assert len([p for p in transport.paths if "/packages/" in p]) == 6


async def test_the_catalogue_is_asked_for_while_the_category_is_still_coming(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        category_answer = asyncio.Event()
        transport.hold = ("/categories/", category_answer)
        transport.paths.clear()
        app.open_screen("category", "apps")
        await pilot.pause(0.2)
        assert any(p.startswith("/api/v4/packages/") for p in transport.paths)  # not waiting for it
        category_answer.set()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CategoryScreen) and screen.complete and screen.packages


async def test_a_missing_category_stops_the_catalogue_it_started(make_app):
    app, transport = make_app(api=synthetic_api(300), page_size=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transport.gate = asyncio.Event()  # the catalogue's pages after the first never come
        app.open_screen("category", "no-such-category")
        await settle(pilot)
        assert app.screen.message.kind == "error"
        waiting = [p for p in transport.paths if p.startswith("/api/v4/packages/") and "offset=0" not in p]
        assert transport.cancelled == len(waiting)  # every page still waiting was cancelled
        await pilot.pause(0.3)
        catalogue_tasks = [t for t in asyncio.all_tasks() if "page" in repr(t.get_coro())]
        assert catalogue_tasks == []


async def test_a_sort_chosen_while_loading_holds_for_the_pages_that_come_after(make_app):
    app, transport = make_app(api=synthetic_api(300), target=StartTarget("category", "apps"), page_size=50)
    transport.gate = asyncio.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        await pilot.press("s", "s")  # forks, computed over the first page only
        transport.gate.set()
        await settle(pilot)
        table = screen.query_one("#packages", VirtualTable)
        assert table.row_count == 100
        forks = [p.repo_forks or 0 for p in screen.packages]
        shown = [as_int(text) for text in column(table, "Forks")]
        assert shown == sorted(forks, reverse=True)


async def test_sorted_by_name_numbers_go_by_value(make_app):
    packages = catalogue(12)
    for p in packages:
        p["title"] = f"Django-App-{p['id']}" if p["id"] % 2 else f"django-app-{p['id']}"
    api = DemoAPI(packages=packages, categories=CATEGORIES, grids=[])
    app, _ = make_app(api=api, target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#packages", VirtualTable)
        await pilot.press("s")
        numbers = [int(name.rsplit("-", 1)[1]) for name in column(table, "Package")]
        assert numbers == sorted(numbers) and len(numbers) == 4  # every third is an app
        await pilot.press("S")
        numbers = [int(name.rsplit("-", 1)[1]) for name in column(table, "Package")]
        assert numbers == sorted(numbers, reverse=True)


async def test_sorted_by_stars_then_s_cycles_name_forks_last_commit_commits(make_app):
    app, _ = make_app(api=synthetic_api(120), target=StartTarget("category", "apps"), page_size=40)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#packages", VirtualTable)
        stars = [as_int(s) for s in column(table, "Stars")]
        assert stars == sorted(stars, reverse=True)
        await pilot.press("s")
        names = column(table, "Package")
        assert names == sorted(names, key=natural_key)  # "Package 9" before "Package 10"
        await pilot.press("s")
        forks = [as_int(s) for s in column(table, "Forks")]
        assert forks == sorted(forks, reverse=True)
        await pilot.press("s")
        dates = column(table, "Last commit")
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")
        commits = [as_int(s) for s in column(table, "52 wk")]
        assert commits == sorted(commits, reverse=True)
        await pilot.press("S")
        commits = [as_int(s) for s in column(table, "52 wk")]
        assert commits == sorted(commits)
        await pilot.press("s")  # then Score (upstream's rule: no store, so no PyPI columns)
        scores = [int(s.replace(",", "")) for s in column(table, "Score")]
        assert scores == sorted(scores, reverse=True)
        await pilot.press("s")  # back to stars, descending again
        stars = [as_int(s) for s in column(table, "Stars")]
        assert stars == sorted(stars, reverse=True)
        assert "Stars▼" in table.render_line(0).text


async def test_filter_as_you_type_keeps_the_sort(make_app):
    app, _ = make_app(api=synthetic_api(6000), target=StartTarget("category", "apps"), page_size=1000)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#packages", VirtualTable)
        assert table.row_count == 2000
        await pilot.press("slash", *"auth")
        assert isinstance(app.focused, Input)
        names = column(table, "Package")
        assert names and all("auth" in name for name in names)
        assert len(names) == len([n for n in range(3, 6001, 3) if n % 10 == 0])
        stars = [as_int(s) for s in column(table, "Stars")]
        assert stars == sorted(stars, reverse=True)
        assert "of 2,000 packages" in str(screen.query_one("#summary").render())
        await pilot.press(*" 0099")
        assert column(table, "Package") == ["django-auth-00990"]
        await pilot.press("enter")  # from the filter to the table
        assert app.focused is table


async def test_enter_opens_the_package_screen_by_id(make_app):
    app, _ = make_app(target=StartTarget("category", "apps"))
    opened: list[tuple[str, str]] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen = lambda kind, key: opened.append((kind, key))
        table = app.screen.query_one("#packages", VirtualTable)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert opened == [("package", str(table.keys[1]))]


async def test_unknown_category_says_not_found(make_app):
    app, _ = make_app(target=StartTarget("category", "no-such-category"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = app.screen.query_one("#message", MessageBox)
        assert message.kind == "error"
        assert message.text == (
            "No category “no-such-category” on demo.pkgtui.invalid — check the slug or id (home lists them)."
        )
        # The error alone: no filter box and empty table under it.
        assert not any(app.screen.query_one(s).display for s in ("#filter", "#packages", "#summary"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_an_empty_category_says_so_once(make_app):
    app, _ = make_app(target=StartTarget("category", "frameworks"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#message", MessageBox).kind != "empty"
        assert app.screen.query_one("#message", MessageBox).text == ""
        assert app.screen.query_one("#packages", VirtualTable).empty_text == "This category has no packages."


async def test_error_mid_catalogue_keeps_partial_rows_and_r_retries(make_app):
    app, transport = make_app(api=synthetic_api(200), target=StartTarget("category", "apps"), page_size=50)
    transport.gate = asyncio.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        table = app.screen.query_one("#packages", VirtualTable)
        partial = table.row_count
        assert partial > 0
        transport.failure = httpx.ConnectError
        transport.gate.set()
        await settle(pilot)
        message = app.screen.query_one("#message", MessageBox)
        assert message.kind == "error"
        assert message.text.startswith("cannot connect to demo.pkgtui.invalid")
        assert table.row_count >= partial  # what arrived stays visible
        transport.failure = None
        transport.gate = None
        await pilot.press("r")
        await settle(pilot)
        assert message.kind == ""
        assert table.row_count == len([n for n in range(1, 201) if n % 3 == 0])


async def test_refresh_bypasses_the_in_memory_catalogue(make_app):
    app, transport = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        transport.paths.clear()
        app.open_screen("category", "frameworks")
        await settle(pilot)
        assert not [p for p in transport.paths if "/packages/" in p]  # reused the catalogue
        await pilot.press("r")
        await settle(pilot)
        assert [p for p in transport.paths if "/packages/" in p]


async def test_back_cancels_the_loading_work(make_app):
    app, transport = make_app(api=synthetic_api(400), target=StartTarget("category", "apps"), page_size=50)
    transport.gate = asyncio.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        workers = [w for w in app.workers if w.node is screen]
        assert workers and workers[0].state is WorkerState.RUNNING
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)
        assert workers[0].state is WorkerState.CANCELLED
        assert transport.cancelled == 7  # the pages still waiting were cancelled too
        assert app.session.catalogue is None


async def test_the_catalogue_is_kept_out_of_gc_scans_only_while_the_screen_is_up(make_app):
    import gc

    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        started = gc.get_freeze_count()
        assert started > 0  # home is up: what lives as long as the app is out of the scans
        app.open_screen("category", "apps")
        await settle(pilot)
        assert isinstance(app.screen, CategoryScreen) and app.screen.complete
        with_catalogue = gc.get_freeze_count()
        assert with_catalogue > started
        await pilot.press("escape")
        await settle(pilot)
        assert gc.get_freeze_count() == 0  # given back to the collector: nothing leaks
        await pilot.pause(REFREEZE_DELAY + 0.3)
        # Collected and frozen again: the catalogue's screen and rows are not among the frozen.
        assert 0 < gc.get_freeze_count() < with_catalogue
    assert gc.get_freeze_count() == 0  # the app closed: everything given back


async def test_a_page_that_comes_sooner_than_the_redraw_interval_is_drawn_when_it_is_up(
    make_app, monkeypatch
):
    import pkgtui.screens.category as category_screen

    # Long enough that even a busy machine reads the second page before the interval is up.
    monkeypatch.setattr(category_screen, "REDRAW_INTERVAL", 1.5)
    app, transport = make_app(api=synthetic_api(150), target=StartTarget("category", "apps"), page_size=50)
    third_page = asyncio.Event()
    answer = transport.handle_async_request

    async def hold_the_third_page(request: httpx.Request) -> httpx.Response:
        if "offset=100" in request.url.query.decode():
            await third_page.wait()
        return await answer(request)

    transport.handle_async_request = hold_the_third_page  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        # Newest first: the first page is ids 150..101, the second 100..51 (every third an app).
        first, second = (len([n for n in ids if n % 3 == 0]) for ids in (range(101, 151), range(51, 101)))
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CategoryScreen) and len(app.screen.packages) == first + second,
        )
        screen = app.screen
        assert isinstance(screen, CategoryScreen)
        table = screen.query_one("#packages", VirtualTable)
        progress = screen.query_one("#progress", LoadProgress)
        # The second page came within the interval: read, but not drawn yet.
        assert len(screen.packages) == first + second
        assert (table.row_count, progress.label) == (first, "50 / 150 packages scanned")
        await wait_until(pilot, lambda: table.row_count != first)
        # The interval is up: drawn, while the third page is still on its way.
        assert (table.row_count, progress.label) == (first + second, "100 / 150 packages scanned")
        assert not screen.complete
        third_page.set()
        await settle(pilot)
        assert table.row_count == 50 and screen.complete
        assert not progress.has_class("-active")


async def test_a_category_known_from_home_is_titled_in_the_first_frame(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        category_answer = await open_while_held(pilot, transport, "category", "apps", "/categories/")
        screen = app.screen
        assert isinstance(screen, CategoryScreen)
        known = app.session.find_category("apps")
        assert known is not None
        # Before the API has answered for the category: home's copy is on screen already.
        assert screen.sub_title == known.display_title
        description = str(screen.query_one("#category-description").render())
        assert description and description in known.description
        category_answer.set()
        await settle(pilot)
        assert screen.complete and screen.sub_title == known.display_title


async def test_a_category_not_seen_before_is_titled_when_it_arrives(make_app):
    app, transport = make_app(target=StartTarget("category", "apps"))
    category_answer = asyncio.Event()
    transport.hold = ("/categories/", category_answer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, CategoryScreen)
        assert screen.sub_title == "Category apps"
        assert screen.message.text == "Loading category 'apps'…"
        category_answer.set()
        await settle(pilot)
        assert screen.complete and screen.sub_title == "Apps"


async def test_the_searchable_text_waits_for_the_filter_or_for_the_painted_rows(make_app):
    async with category_after_its_first_page(make_app) as (_app, transport, pilot, screen):
        table = screen.query_one("#packages", VirtualTable)
        assert table.row_count == 17 and screen._haystacks == []  # rows drawn, nothing searched yet
        await pilot.press("slash", *"auth")  # filtering while the rest loads
        await pilot.pause()
        assert len(screen._haystacks) == 17
        names = column(table, "Package")
        assert names and all("auth" in name for name in names)
        transport.gate.set()
        await settle(pilot)
        assert len(screen._haystacks) == 100 and screen.complete
        names = column(table, "Package")
        assert len(names) == len([n for n in range(3, 301, 3) if n % 10 == 0])
        assert all("auth" in name for name in names)


async def test_after_the_load_the_searchable_text_is_built_without_a_key(make_app):
    app, _ = make_app(api=synthetic_api(300), target=StartTarget("category", "apps"), page_size=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CategoryScreen) and screen.complete
        assert len(screen._haystacks) == 100


async def test_while_a_refresh_waits_for_its_first_page_the_table_is_not_called_empty(make_app):
    app, transport = make_app(target=StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CategoryScreen) and screen.complete
        first_page = asyncio.Event()
        transport.hold = ("/packages/", first_page)
        await pilot.press("r")
        await pilot.pause(0.2)
        table = screen.query_one("#packages", VirtualTable)
        assert table.row_count == 0 and not screen.complete
        assert table.empty_text == "No packages yet."
        first_page.set()
        await settle(pilot)
        assert screen.complete and table.row_count > 0
