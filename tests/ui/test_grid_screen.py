"""The grid screen: comparison table, sorting, filtering, progressive loading, errors, back."""

from __future__ import annotations

import asyncio
import copy

from textual.widgets import Input, Static

from pkgtui.api import open_client
from pkgtui.api.cache import CachingTransport
from pkgtui.api.demo import DemoAPI, derive_grids, sample_packages
from pkgtui.app import create_app
from pkgtui.comparison import COLUMN_KEYS
from pkgtui.config import Config
from pkgtui.screens.grid import GridScreen
from pkgtui.screens.package import PackageScreen
from pkgtui.target import StartTarget
from pkgtui.text import clean
from pkgtui.widgets import LoadProgress, MessageBox, VirtualTable
from tests.conftest import FIXED_NOW

from .conftest import open_while_held, settle
from .scripted import ScriptedTransport, plain, scripted_app

TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP = 1454, 1867, 1672, 1121
GRID_7 = StartTarget("grid", "7")


def table_of(app) -> VirtualTable:
    return app.screen.query_one("#grid-table", VirtualTable)


def column_texts(table: VirtualTable, key: str) -> list[str]:
    index = COLUMN_KEYS.index(key)
    return [plain(table.row(i)[index]) for i in range(table.row_count)]


def message_of(app) -> MessageBox:
    return app.screen.query_one("#message", MessageBox)


async def test_grid_shows_title_members_best_and_stale_markers():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GridScreen)
        assert plain(screen.query_one("#grid-title").render()) == "Grid 7"
        table = table_of(app)
        # Sorted by stars, most first.
        assert table.keys == [TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP]
        assert column_texts(table, "stars") == ["◆1,853", "621", "402", "28"]
        assert column_texts(table, "last_commit") == ["◆1 mo ago", "1 mo ago", "1 y ago", "12 y ago"]
        names = column_texts(table, "name")
        assert names[0] == "django-two-factor-auth" and names[2] == "⚠ django-stronghold"
        assert names[3] == "⚠ django-twostepauth"
        assert column_texts(table, "commits") == ["◆69", "18", "0", "0"]
        assert all(len(text) == 13 for text in column_texts(table, "activity"))
        assert not message_of(app).display
        legend = plain(screen.query_one("#grid-legend").render())
        assert legend.startswith("4 packages · sorted by Stars")


async def test_s_cycles_the_sort_column_and_S_reverses_it():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("s")  # stars -> forks
        assert app.screen.sort_key == "forks"
        assert column_texts(table, "forks") == ["◆460", "117", "46", "6"]
        assert table._labels[COLUMN_KEYS.index("forks")] == "Forks▼"
        await pilot.press("S")
        assert column_texts(table, "forks") == ["6", "46", "117", "◆460"]
        assert table._labels[COLUMN_KEYS.index("forks")] == "Forks▲"
        keys = app.screen.column_keys  # the comparison columns, then Score (no store: no facts)
        assert keys == [*COLUMN_KEYS, "score"]
        for _ in range(len(keys) - keys.index("forks")):  # forks -> ... -> score -> name
            await pilot.press("s")
        assert app.screen.sort_key == "name"
        assert column_texts(table, "name") == [
            "django-otp",
            "⚠ django-stronghold",
            "django-two-factor-auth",
            "⚠ django-twostepauth",
        ]


async def test_clicking_a_column_title_sorts_by_it_and_again_reverses():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.click("#grid-table", offset=(2, 0))  # the Name title
        assert app.screen.sort_key == "name"
        assert table.keys == [OTP, STRONGHOLD, TWO_FACTOR, TWOSTEP]
        await pilot.click("#grid-table", offset=(2, 0))
        assert table.keys == [TWOSTEP, TWO_FACTOR, STRONGHOLD, OTP]


async def test_j_k_g_G_move_and_enter_opens_the_package():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert app.focused is table
        await pilot.press("j", "j")
        assert table.cursor == 2
        await pilot.press("k")
        assert table.cursor_key == OTP
        await pilot.press("G")
        assert table.cursor == 3
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen) and app.screen.key == str(OTP)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GridScreen)
        assert table_of(app).cursor_key == OTP


async def test_slash_filters_rows_and_says_when_nothing_matches():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"OTP")
        table = table_of(app)
        assert table.keys == [OTP]
        assert plain(app.screen.query_one("#grid-legend").render()).startswith("1 of 4 packages")
        await pilot.press("x")
        assert table.row_count == 0
        assert table.empty_text == "No package matches 'OTPx'."
        await pilot.press("enter")  # back to the table
        assert app.focused is table


async def test_rows_are_drawn_as_packages_arrive():
    app, transport = scripted_app(GRID_7)
    gate = transport.hold(rf"/packages/{OTP}/$")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        table = table_of(app)
        assert sorted(table.keys) == sorted([TWO_FACTOR, STRONGHOLD, TWOSTEP])
        assert app.screen.query_one(LoadProgress).label == "3 / 4 packages"
        assert message_of(app).kind == "loading"
        gate.set()
        await settle(pilot)
        assert table.keys == [TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP]
        assert not message_of(app).display


async def test_a_failed_member_shows_as_a_row_and_retry_fetches_it():
    app, transport = scripted_app(GRID_7)
    transport.failures[rf"/packages/{OTP}/$"] = 503
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.keys == [TWO_FACTOR, STRONGHOLD, TWOSTEP, f"failed:{OTP}"]
        failed = column_texts(table, "name")[-1]
        assert failed.startswith(f"✗ package {OTP} failed:") and "server error (HTTP 503)" in failed
        assert message_of(app).kind == "error"
        assert message_of(app).text == "1 of 4 packages could not be loaded — press r to retry"
        transport.failures.clear()
        await pilot.press("r")
        await settle(pilot)
        assert table.keys == [TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP]
        assert not message_of(app).display


async def test_grid_error_is_shown_in_words_and_r_retries():
    app, transport = scripted_app(GRID_7)
    transport.failures[r"/grids/7/$"] = 500
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = message_of(app)
        assert message.kind == "error"
        assert "server error (HTTP 500)" in message.text and "press r to retry" in message.text
        assert "Traceback" not in message.text
        transport.failures.clear()
        await pilot.press("r")
        await settle(pilot)
        assert table_of(app).row_count == 4
        assert not message.display


async def test_unknown_grid_says_not_found():
    app, _ = scripted_app(StartTarget("grid", "no-such-grid"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = message_of(app)
        assert message.kind == "error"
        assert message.text == "No grid “no-such-grid” on demo.pkgtui.invalid — check the slug or id."
        assert table_of(app).row_count == 0


async def test_back_cancels_loading():
    app, transport = scripted_app(GRID_7)
    transport.hold(rf"/packages/{OTP}/$")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        grid_screen = app.screen
        workers = [w for w in app.workers if w.node is grid_screen]
        assert workers and all(w.is_running for w in workers)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, GridScreen)
        assert all(w.is_cancelled for w in workers)
        assert transport.cancelled == [f"/api/v4/packages/{OTP}/"]


async def test_hostile_titles_are_shown_literally_and_clean():
    packages = [copy.deepcopy(p) for p in sample_packages() if p["id"] in (OTP, TWO_FACTOR)]
    packages[0]["title"] = "[bold]evil[/bold]\x1b[31m red\x07"
    packages[0]["pypi_version"] = "[link=x]1[/link]"
    api = DemoAPI(packages=packages)
    grid_id = next(g["id"] for g in derive_grids(packages) if len(g["packages"]) == 2)
    app, _ = scripted_app(StartTarget("grid", str(grid_id)), api=api)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert "[bold]evil[/bold] red" in column_texts(table, "name")
        assert "[link=x]1[/link]" in column_texts(table, "version")


def _everything() -> tuple[list[dict], dict]:
    """Every sample package, and a grid "everything" that lists them all."""
    packages = [copy.deepcopy(p) for p in sample_packages()]
    big = {
        "id": 999,
        "title": "Everything",
        "slug": "everything",
        "description": "All sample packages.",
        "packages": [f"https://djangopackages.org/api/v4/packages/{p['id']}/" for p in packages],
    }
    return packages, big


async def test_many_members_all_arrive():
    packages, big = _everything()
    app, transport = scripted_app(StartTarget("grid", "everything"), api=DemoAPI(grids=[big]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.row_count == len(packages)
        assert len([p for p in transport.started if "/packages/" in p]) == len(packages)
        assert plain(app.screen.query_one("#grid-description").render()) == "All sample packages."


async def test_only_the_rows_shown_are_built_and_the_rest_when_scrolled_to(monkeypatch):
    packages, big = _everything()
    built: list[int] = []
    build = GridScreen._build_cells

    def counting(screen, package, best, now):
        built.append(package.id)
        return build(screen, package, best, now)

    monkeypatch.setattr(GridScreen, "_build_cells", counting)
    app, _ = scripted_app(StartTarget("grid", "everything"), api=DemoAPI(grids=[big]))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.row_count == len(packages) > 40
        shown = table.size.height - 1  # under the header
        assert len(set(built)) <= shown + 2 < len(packages)
        await pilot.press("G")  # the last row: built when it comes on screen
        await settle(pilot)
        last = app.screen.packages[table.keys[-1]]
        assert last.id in built
        assert str(table.row(table.row_count - 1)[0]).endswith(clean(last.display_title))


# -- opening from the cache --------------------------------------------------------------------


def cached_app(cache_file) -> tuple:
    """A grid-7 app whose answers go through an on-disk cache in ``cache_file``."""
    api = DemoAPI()
    transport = ScriptedTransport(api)
    caching = CachingTransport(transport, cache_file)
    transport.caching = caching  # for wait_for_the_cache
    client = open_client(api.base_url, transport=caching, backoff=0.0)
    app = create_app(Config(demo=True), client=client, target=GRID_7, clock=lambda: FIXED_NOW)
    app.cursor_blink = False
    return app, transport


def wait_for_the_cache(transport) -> None:
    """The cache opens its database in a thread as the app is built, usually before the first
    lookup; on a busy machine (the suite's parallel workers) it can take longer than the first
    frame, which then shows "Loading…". Tests of the first frame from the cache wait for it."""
    opening = transport.caching._opening
    if opening is not None:
        opening.result(timeout=30)


def record_grid_frames(app) -> list[tuple[int, str]]:
    """(rows in the table, kind of message shown) at every frame painted of a grid screen."""
    frames: list[tuple[int, str]] = []
    display = app._display

    def recording(screen, update) -> None:
        display(screen, update)
        if isinstance(screen, GridScreen) and update is not None:
            frames.append((screen.table.row_count, screen.message.kind))

    app._display = recording
    return frames


async def test_a_grid_fresh_in_the_cache_opens_complete_in_its_first_frame(tmp_path):
    cache_file = tmp_path / "http.sqlite"
    app, transport = cached_app(cache_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert table_of(app).row_count == 4
    assert any("/grids/" in path for path in transport.started)

    app, transport = cached_app(cache_file)
    frames = record_grid_frames(app)
    wait_for_the_cache(transport)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert table_of(app).keys == [TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP]
        assert not [w for w in app.workers if w.group == "grid"]  # nothing left to load
    assert frames and frames[0] == (4, "")  # all rows, and no "Loading…" ever painted
    assert not [path for path in transport.started if "/grids/" in path or "/packages/" in path]


async def test_a_grid_partly_in_the_cache_loads_the_rest_as_usual(tmp_path):
    cache_file = tmp_path / "http.sqlite"
    app, transport = cached_app(cache_file)
    transport.failures[f"/packages/{TWOSTEP}/"] = 500  # never cached
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert table_of(app).keys[-1] == f"failed:{TWOSTEP}"

    app, transport = cached_app(cache_file)
    frames = record_grid_frames(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert sorted(table_of(app).keys) == sorted([TWO_FACTOR, OTP, STRONGHOLD, TWOSTEP])
    assert frames[0][1] == "loading"
    assert [path for path in transport.started if "/grids/" in path or "/packages/" in path] == [
        f"/api/v4/packages/{TWOSTEP}/"
    ]


async def test_a_grid_too_large_to_read_before_the_first_frame_loads_in_the_worker(tmp_path, monkeypatch):
    import pkgtui.screens.grid as grid_module

    cache_file = tmp_path / "http.sqlite"
    app, _ = cached_app(cache_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    monkeypatch.setattr(grid_module, "CACHED_DRAW_MOST", 3)  # grid 7 has four members
    app, transport = cached_app(cache_file)
    frames = record_grid_frames(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert table_of(app).row_count == 4
    assert frames[0][1] == "loading"
    assert not [path for path in transport.started if "/packages/" in path]  # still from the cache


async def test_a_grid_known_from_home_is_titled_in_the_first_frame(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        known = app.session.find_grid("7")
        assert known is not None
        grid_answer = await open_while_held(pilot, transport, "grid", "7", "/grids/")
        screen = app.screen
        assert isinstance(screen, GridScreen)
        title = screen.query_one("#grid-title", Static)
        # Before the API has answered for the grid: home's copy is on screen already.
        assert str(title.render()) == known.display_title and screen.title == known.display_title
        assert message_of(app).text == f"Loading {known.display_title}…"
        updates: list[object] = []
        original = title.update
        title.update = lambda *args, **kwargs: (updates.append(args), original(*args, **kwargs))  # type: ignore[method-assign]
        grid_answer.set()
        await settle(pilot)
        assert screen.grid is not None and table_of(app).row_count == len(known.package_ids)
        assert updates == []  # the same title: not set again (that would re-lay out the screen)
        assert str(title.render()) == known.display_title


async def test_a_grid_not_seen_before_is_titled_when_it_arrives(make_app):
    app, transport = make_app(target=GRID_7)
    grid_answer = asyncio.Event()
    transport.hold = ("/grids/", grid_answer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, GridScreen)
        assert str(screen.query_one("#grid-title", Static).render()) == "Loading grid…"
        assert message_of(app).text == "Loading grid 7…"
        grid_answer.set()
        await settle(pilot)
        assert str(screen.query_one("#grid-title", Static).render()) == "Grid 7"


async def test_marks_are_distinct_and_the_legend_names_each_one_shown():
    app, transport = scripted_app(GRID_7)
    transport.failures[rf"/packages/{OTP}/$"] = 503
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        best = column_texts(table, "stars")[0][0]
        stale = column_texts(table, "name")[1][0]
        failed = column_texts(table, "name")[-1][0]
        assert len({best, stale, failed}) == 3
        first_line, website = plain(app.screen.query_one("#grid-legend").render()).splitlines()
        for mark, word in ((best, "best"), (stale, "stale"), (failed, "problem")):
            assert f"{mark} {word}" in first_line
        assert "website" in website and "o " in website


async def test_the_legend_names_failed_only_when_a_member_failed():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "problem" not in plain(app.screen.query_one("#grid-legend").render())


async def test_o_opens_and_y_copies_the_grids_web_page(monkeypatch):
    app, _ = scripted_app(GRID_7)
    opened: list[str] = []
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        slug = app.screen.grid.slug
        await pilot.press("o")
        await pilot.press("y")
        assert opened == copied == [f"https://djangopackages.org/grids/g/{slug}/"]


async def test_a_grid_slug_that_is_not_a_slug_makes_no_link(monkeypatch):
    grids = derive_grids(sample_packages())
    for grid in grids:
        if grid["id"] == 7:
            grid["slug"] = "x/../../evil?q=\x1b[31m"
    app, _ = scripted_app(GRID_7, DemoAPI(grids=grids))
    opened: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
        await settle(pilot)
        await pilot.press("o")
        assert opened == []
        assert any("Nothing here has a URL" in n.message for n in app._notifications)


async def test_names_are_not_cut_at_80_columns_and_the_legend_names_hidden_columns():
    app, _ = scripted_app(GRID_7)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        widths = dict(table.column_widths(table.size.width - 1))
        name = COLUMN_KEYS.index("name")
        assert widths[name] >= max(len(n) for n in column_texts(table, "name"))
        hidden = table.hidden_columns()
        assert hidden
        legend = plain(app.screen.query_one("#grid-legend").render())
        assert f"hidden: {', '.join(hidden)}" in " ".join(legend.split())
