"""Bookmarks, the compare list and history on screen: b, B, m, the compare screen, home's
Bookmarks and Recent lists, across two runs of the app, and the user data file's problems
said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config
from pkgtui.screens.category import CategoryScreen
from pkgtui.screens.compare import CompareScreen
from pkgtui.screens.grid import GridScreen
from pkgtui.screens.home import HomeScreen
from pkgtui.screens.package import PackageScreen
from pkgtui.target import StartTarget
from pkgtui.userdata import UserDataFile
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.store.conftest import synced_store

from .conftest import SwitchableTransport, settle


def make(path: Path, target: StartTarget | None = None) -> tuple[PkgtuiApp, SwitchableTransport]:
    """An app on the demo data whose user data is the file at ``path``."""
    api = DemoAPI()
    transport = SwitchableTransport(api)
    client = open_client(api.base_url, transport=transport, backoff=0.0)
    app = create_app(
        Config(demo=True), client=client, target=target, clock=lambda: FIXED_NOW, user_data=UserDataFile(path)
    )
    app.cursor_blink = False
    return app, transport


def messages(app: PkgtuiApp) -> list[str]:
    return [n.message for n in app._notifications]


def names(table: VirtualTable) -> list[str]:
    return [str(table.row(i)[0]) for i in range(table.row_count)]


async def test_a_bookmark_made_in_one_run_is_on_home_in_the_next(tmp_path):
    path = tmp_path / "userdata.json"
    first, _ = make(path, StartTarget("package", "django-otp"))
    async with first.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(first.screen, PackageScreen)
        await pilot.press("b")
        await settle(pilot)
        assert "Bookmarked django-otp" in messages(first)
    saved = UserDataFile(path).read()
    assert [(b.kind, b.slug) for b in saved.bookmarks] == [("package", "django-otp")]
    assert [(v.kind, v.slug) for v in saved.history] == [("package", "django-otp")]

    second, _ = make(path)
    async with second.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = second.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#yours-pane").display
        assert names(home.query_one("#bookmarks", VirtualTable)) == ["django-otp"]
        assert names(home.query_one("#recent", VirtualTable)) == ["django-otp"]
        home.query_one("#bookmarks", VirtualTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(second.screen, PackageScreen) and second.screen.key == "django-otp"


async def test_home_hides_the_lists_while_the_user_has_none(tmp_path):
    app, _ = make(tmp_path / "userdata.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#yours-pane").display
    assert not (tmp_path / "userdata.json").exists()  # looking writes nothing


async def test_b_on_a_grid_takes_the_row_and_B_the_grid_and_b_again_removes(tmp_path):
    path = tmp_path / "userdata.json"
    app, _ = make(path, StartTarget("grid", "7"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GridScreen)
        first_row = screen.packages[screen.table.cursor_key]
        await pilot.press("b", "B")
        await settle(pilot)
        marks = [(b.kind, b.slug) for b in UserDataFile(path).read().bookmarks]
        assert marks == [("package", first_row.slug), ("grid", screen.grid.slug)]
        assert f"Bookmarked {first_row.display_title}" in messages(app)
        await pilot.press("b")
        await settle(pilot)
        assert [(b.kind, b.slug) for b in UserDataFile(path).read().bookmarks] == [("grid", screen.grid.slug)]
        assert any(m.startswith("Removed the bookmark on") for m in messages(app))
    # The grid was recorded as visited when it showed.
    assert [(v.kind, v.slug) for v in UserDataFile(path).read().history] == [("grid", "grid-7")]


async def test_m_marks_rows_anywhere_and_the_compare_screen_shows_them(tmp_path):
    path = tmp_path / "userdata.json"
    app, transport = make(path, StartTarget("category", "apps"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        category = app.screen
        assert isinstance(category, CategoryScreen)
        table = category.query_one("#packages", VirtualTable)
        wanted = []
        for _ in range(3):
            wanted.append(next(p.slug for p in category.packages if p.id == table.cursor_key))
            await pilot.press("m", "j")
        await settle(pilot)
        assert list(UserDataFile(path).read().compare) == wanted
        assert any("3 packages on the compare list" in m for m in messages(app))

        await pilot.press("escape")  # home, under the category
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        bookmarks = home.query_one("#bookmarks", VirtualTable)
        assert names(bookmarks) == ["Compare (3)"]
        bookmarks.focus()
        transport.paths.clear()
        await pilot.press("enter")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        # Not in a store: each marked package asked of the API, as a grid's members are.
        assert sorted(p for p in transport.paths if "/packages/" in p) == sorted(
            f"/api/v4/packages/{slug}/?" for slug in wanted
        )
        assert sorted(p.slug for p in compare.packages.values()) == sorted(wanted)
        assert compare.table.row_count == 3
        assert "Compare list" in str(compare.query_one("#grid-title").render())

        # m on the compare screen takes the row off the list; C clears it.
        gone = compare.packages[compare.table.cursor_key].slug
        await pilot.press("m")
        await settle(pilot)
        assert compare.table.row_count == 2 and gone not in UserDataFile(path).read().compare
        await pilot.press("C")
        await settle(pilot)
        assert compare.table.row_count == 0 and UserDataFile(path).read().compare == ()
        assert "compare list is empty" in compare.table.empty_text
        await pilot.press("escape")
        await settle(pilot)
        assert "Compare (" not in " ".join(names(app.screen.query_one("#bookmarks", VirtualTable)))


async def _m_follows_and_the_package_screen_unmarks(app, pilot, screen, table: VirtualTable) -> None:
    """On ``screen``, whose ``table`` marks django-otp (on the compare list): m on another row
    marks it at once and m again takes the mark off; taken off on the package screen above,
    the mark is gone when ``screen`` is shown again."""
    other = next(i for i, name in enumerate(names(table)) if not name.startswith("● "))
    table.cursor = other
    await pilot.press("m")
    await settle(pilot)
    assert names(table)[other].startswith("● ")
    await pilot.press("m")
    await settle(pilot)
    assert not names(table)[other].startswith("● ")
    table.cursor = names(table).index("● django-otp")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, PackageScreen)
    await pilot.press("m", "escape")
    await settle(pilot)
    assert app.screen is screen
    assert not any(name.startswith("● ") for name in names(table))


async def test_a_grid_marks_the_rows_on_the_compare_list_and_follows_m(tmp_path):
    path = tmp_path / "userdata.json"
    UserDataFile(path).toggle_compare("django-otp")  # marked in an earlier run
    app, _ = make(path, StartTarget("grid", "7"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = app.screen
        assert isinstance(grid, GridScreen) and not isinstance(grid, CompareScreen)
        marked = [name for name in names(grid.table) if name.startswith("● ")]
        assert marked == ["● django-otp"]
        legend = str(grid.query_one("#grid-legend").render())
        assert "● on your compare list" in legend
        await _m_follows_and_the_package_screen_unmarks(app, pilot, grid, grid.table)
        assert "compare list" not in str(grid.query_one("#grid-legend").render()).split("\n")[0]


@pytest.mark.parametrize("source", ["api", "store"])
async def test_a_category_marks_the_rows_on_the_compare_list_and_follows_m(tmp_path, source):
    # From the API's pages (rows made from packages), or from a synced store (rows of a
    # listing whose packages are read only as drawn: the marks come by id, from the store).
    from .test_home_store import _app

    path = tmp_path / "userdata.json"
    UserDataFile(path).toggle_compare("django-otp")  # marked in an earlier run, in Apps
    store = await synced_store(tmp_path / "catalogue.sqlite") if source == "store" else None
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.open_screen("category", "1")
        await settle(pilot)
        category = app.screen
        assert isinstance(category, CategoryScreen)
        if store is not None:
            assert category.shown_from_store and transport.paths == []
        table = category.query_one("#packages", VirtualTable)
        table.focus()
        marked = [name for name in names(table) if name.startswith("● ")]
        assert marked == ["● django-otp"]
        summary = category.query_one("#summary", Static)
        assert "● compare list" in str(summary.render())
        await _m_follows_and_the_package_screen_unmarks(app, pilot, category, table)
        assert "compare list" not in str(summary.render())
    if store is not None:
        store.close()


@pytest.mark.parametrize("source", ["api", "store"])
async def test_home_search_results_mark_the_compare_list_and_follow_m(tmp_path, source):
    # The API's search/ before a sync, the local catalogue after: a result on the compare
    # list carries the mark the grid and category rows do, and the results say what it means.
    from .test_home_store import _app

    path = tmp_path / "userdata.json"
    UserDataFile(path).toggle_compare("django-otp")  # marked in an earlier run
    store = await synced_store(tmp_path / "catalogue.sqlite") if source == "store" else None
    app, _ = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        await pilot.press("slash", *"factor", "enter")
        await settle(pilot)
        results = home.query_one("#results", VirtualTable)
        assert app.focused is results
        marked = [name for name in names(results) if name.startswith("● ")]
        assert marked == ["● django-otp"]
        status = home.query_one("#results-status", Static)
        assert "● compare list" in str(status.render())
        await _m_follows_and_the_package_screen_unmarks(app, pilot, home, results)
        assert "compare list" not in str(status.render())
    if store is not None:
        store.close()


async def test_the_compare_screen_keeps_the_grid_table_columns_and_best_marks(tmp_path):
    UserDataFile(tmp_path / "userdata.json").add_to_compare("django-otp")
    UserDataFile(tmp_path / "userdata.json").add_to_compare("django-two-factor-auth")
    app, _ = make(tmp_path / "userdata.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen("compare", "")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert [c.label for c in compare.table.columns[:3]] == ["Name", "Version", "Stars"]
        first = [str(cell) for cell in compare.table.row(0)]
        assert first[0].endswith("django-two-factor-auth") and first[2].startswith("◆")  # most stars
        await pilot.press("s")  # sorts as a grid does
        await settle(pilot)
        assert compare.sort_key != "stars"


async def test_H_on_home_clears_the_recent_list(tmp_path):
    path = tmp_path / "userdata.json"
    UserDataFile(path).record_visit("package", "django-otp", "django-otp")
    app, _ = make(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert names(app.screen.query_one("#recent", VirtualTable)) == ["django-otp"]
        await pilot.press("H")
        await settle(pilot)
        assert app.screen.query_one("#recent", VirtualTable).row_count == 0
        assert not app.screen.query_one("#yours-pane").display
    assert UserDataFile(path).read().history == ()


async def test_a_file_that_cannot_be_saved_is_said_in_words(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    app, _ = make(blocker / "userdata.json", StartTarget("package", "django-otp"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert app.is_running
        said = [n for n in app._notifications if n.title == "Not saved"]
        assert len(said) == 1 and "cannot be saved" in said[0].message


async def test_a_corrupt_file_is_reported_on_screen_and_kept_aside(tmp_path):
    path = tmp_path / "userdata.json"
    path.write_text('{"schema_version": 1, "bookmarks": [{"kind": "package"}]}')
    app, _ = make(path, StartTarget("package", "django-otp"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        warnings = [n.message for n in app._notifications if n.title == "Your data"]
        assert any("1 unreadable bookmark" in w and "corrupt-" in w for w in warnings), warnings
    assert [b.slug for b in UserDataFile(path).read().bookmarks] == ["django-otp"]
    assert len(list(tmp_path.glob("userdata.json.corrupt-*"))) == 1


async def test_search_results_keep_names_whole_and_show_descriptions_from_80_columns(tmp_path):
    app, _ = make(tmp_path / "userdata.json", StartTarget("search", "two-factor"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", VirtualTable)
        assert [c.label for c in results.columns] == ["Title", "Stars", "Category", "Description"]
        widths = dict(results.column_widths(results.size.width))
        assert widths[0] >= len("django-two-factor-auth") and 3 in widths  # the description shown
        assert not app.screen.query_one("#results-status").display  # under the cap, nothing hidden
    narrow, _ = make(tmp_path / "userdata.json", StartTarget("search", "two-factor"))
    async with narrow.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        status = narrow.screen.query_one("#results-status")
        assert status.display and "hidden: Category" in str(status.render())


async def test_the_palette_opens_the_compare_list_and_clears_the_history(tmp_path):
    path = tmp_path / "userdata.json"
    UserDataFile(path).add_to_compare("django-otp")
    UserDataFile(path).record_visit("package", "django-mfa", "django-mfa")
    app, _ = make(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"clear recent")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert UserDataFile(path).read().history == ()
        assert app.screen.query_one("#recent", VirtualTable).row_count == 0
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"compare (1)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert [p.slug for p in app.screen.packages.values()] == ["django-otp"]


async def test_clearing_the_history_from_the_palette_says_what_it_found_wrong(tmp_path):
    path = tmp_path / "userdata.json"
    UserDataFile(path).record_visit("package", "django-mfa", "django-mfa")
    app, _ = make(path, StartTarget("package", "django-otp"))  # not home, which rereads the file on resume
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"clear recent")
        await pilot.pause(0.5)
        path.write_text("{ not json", encoding="utf-8")  # damaged while the palette was open
        await pilot.press("enter")
        await settle(pilot)
        # Before: the warning stayed in the file object, unsaid (the palette never took it).
        said = messages(app)
        assert any("kept as" in message for message in said), said
        assert "Cleared the recent list." in said
        assert UserDataFile(path).read().history == ()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("userdata.json.")]


async def test_with_a_synced_catalogue_the_compare_list_opens_with_no_request(tmp_path):
    from .test_home_store import _app, _synced_store

    store = await _synced_store(tmp_path)
    data = UserDataFile(tmp_path / "userdata.json")  # the file _app hands the app
    for slug in ("django-otp", "django-mfa", "not-in-the-catalogue"):
        data.add_to_compare(slug)
    app, transport = _app(store, tmp_path, auto_sync=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transport.paths.clear()
        app.open_screen("compare", "")
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        # Two from the store; only the one it lacks is asked of the API (and fails, said so).
        assert transport.paths == ["/api/v4/packages/not-in-the-catalogue/?"]
        assert sorted(p.slug for p in compare.packages.values()) == ["django-mfa", "django-otp"]
        assert list(compare.failures) == ["not-in-the-catalogue"]
        assert compare.message.kind == "error"
        # m on the failed row takes it off the list too.
        compare.table.focus()
        await pilot.press("end", "m")
        await settle(pilot)
        assert list(UserDataFile(tmp_path / "userdata.json").read().compare) == ["django-otp", "django-mfa"]
        assert compare.message.kind != "error"


async def test_on_home_b_takes_the_grid_or_search_hit_under_the_cursor_and_a_recent_grid_opens(tmp_path):
    path = tmp_path / "userdata.json"
    UserDataFile(path).record_visit("grid", "grid-7", "Grid 7")
    app, _ = make(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        grids = home.query_one("#grids", VirtualTable)
        grids.focus()
        await pilot.press("b")
        await pilot.press("m")  # a grid is not a package: said, nothing marked
        await settle(pilot)
        first_grid = app.session.grids[grids.cursor_key]
        assert [(b.kind, b.slug) for b in UserDataFile(path).read().bookmarks] == [("grid", first_grid.slug)]
        assert UserDataFile(path).read().compare == ()
        assert any("Only packages go on the compare list" in m for m in messages(app))
        home.query_one("#categories", VirtualTable).focus()
        await pilot.press("b")  # a category is neither
        assert any(m.startswith("Nothing here to bookmark") for m in messages(app))

        await pilot.press("slash", *"two-factor", "enter")
        await settle(pilot)
        assert app.focused is home.query_one("#results", VirtualTable)
        await pilot.press("b", "m")
        await settle(pilot)
        saved = UserDataFile(path).read()
        assert saved.bookmarked("package", "django-two-factor-auth")
        assert saved.compare == ("django-two-factor-auth",)

        await pilot.press("escape", "escape")  # clear the search, back to the lists
        await settle(pilot)
        recent = home.query_one("#recent", VirtualTable)
        recent.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GridScreen) and app.screen.grid is not None
        assert app.screen.grid.id == 7


async def test_a_history_that_cannot_be_written_is_said_once_a_run(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    app, _ = make(blocker / "userdata.json", StartTarget("package", "django-otp"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("django-two-factor-auth", "django-stronghold"):  # two more visits
            app.open_screen("package", key)
            await settle(pilot)
            await app.workers.wait_for_complete()
        said = [m for m in messages(app) if "history" in m]
        assert len(said) == 1 and said[0].startswith("Visits are not kept in the history"), said


async def test_on_a_package_b_on_its_grid_list_bookmarks_that_grid_and_m_still_marks_the_package(tmp_path):
    app, _ = make(tmp_path / "userdata.json", StartTarget("package", "django-otp"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("g")  # to the grid list
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#package-grids")
        await pilot.press("b", "m")
        await settle(pilot)
        data = app.user_data.read()
        assert [(b.kind, b.slug) for b in data.bookmarks] == [("grid", "grid-7")]
        assert list(data.compare) == ["django-otp"]
