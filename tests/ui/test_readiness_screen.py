"""The readiness screen: the selection from the local catalogue, PyPI facts from the store in
the first frame, the stale ones fetched in a worker and shown as they arrive, a failure in its
own row, counts by status, the release and the selection changed on screen, rows that open."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from msgspec.structs import replace
from textual.widgets import Input, Static

from pkgtui.api.demo import DemoAPI, DemoPyPI
from pkgtui.api.pypi import PyPIFacts
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.screens.package import PackageScreen
from pkgtui.screens.readiness import ASKING, ReadinessScreen, SelectionPicker
from pkgtui.store import Store
from pkgtui.userdata import UserDataFile
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.store.conftest import synced_store as synced_in

from .conftest import SwitchableTransport, settle

GRID7 = "grid:grid-7"  # django-two-factor-auth, django-otp, django-stronghold, django-twostepauth


class HeldPyPI(httpx.AsyncBaseTransport):
    """The demo's PyPI, with answers held until ``release`` is set and per-name statuses."""

    def __init__(self) -> None:
        self.inner = DemoPyPI().transport()
        self.release = asyncio.Event()
        self.release.set()
        self.statuses: dict[str, int] = {}
        self.asked: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}  # a name's own gate, beside ``release``

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.removeprefix("/pypi/").removesuffix("/json")
        self.asked.append(name)
        await self.release.wait()
        if name in self.gates:
            await self.gates[name].wait()
        if name in self.statuses:
            return httpx.Response(self.statuses[name], json={"message": "Not Found"})
        return await self.inner.handle_async_request(request)


async def synced_store(tmp_path, api: DemoAPI | None = None) -> Store:
    return await synced_in(tmp_path / "catalogue.sqlite", api)


def make_app(store: Store | None, tmp_path, pypi: HeldPyPI, **config):
    api = DemoAPI()
    from pkgtui.api import open_client

    client = open_client(api.base_url, transport=SwitchableTransport(api), backoff=0.0)
    app = create_app(
        replace(Config(demo=True, auto_sync=False), **config),
        client=client,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "userdata.json"),
        store=store,
        pypi_transport=pypi,
    )
    app.cursor_blink = False
    return app


def rows(screen: ReadinessScreen) -> dict[str, tuple[str, ...]]:
    """Package title → (status, declares, latest, released, stars, note), as drawn."""
    table = screen.query_one("#readiness-table", VirtualTable)
    drawn = [tuple(str(cell) for cell in table.row(i)) for i in range(table.row_count)]
    return {cells[1]: (cells[0], *cells[2:]) for cells in drawn}


def counts(screen: ReadinessScreen) -> str:
    return str(screen.query_one("#readiness-counts", Static).render())


async def open_readiness(app, pilot, selection: str = GRID7) -> ReadinessScreen:
    app.push_screen(ReadinessScreen(selection=selection))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ReadinessScreen)
    return screen


async def test_kept_facts_show_at_once_then_the_rest_arrive_and_are_kept(tmp_path):
    store = await synced_store(tmp_path)
    # django-otp's facts were kept before: they are in the first frame, with no request.
    otp = PyPIFacts(name="django-otp", version="1.6.0", django_versions=("4.2", "5.2"))
    store.put_pypi_facts([("django-otp", otp, None)])
    pypi = HeldPyPI()
    pypi.release.clear()
    app = make_app(store, tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await pilot.pause(0.1)
        drawn = rows(screen)
        assert drawn["django-otp"][:3] == ("supports", "4.2, 5.2", "1.6.0")
        assert drawn["django-stronghold"][0] == "says nothing" and drawn["django-stronghold"][-1] == ASKING
        assert "asking PyPI 0/3" in counts(screen)
        assert sorted(pypi.asked) == ["django-stronghold", "django-two-factor-auth", "django-twostepauth"]
        # Two answers let through: their rows change while the third is still awaited.
        pypi.gates["django-twostepauth"] = asyncio.Event()
        pypi.release.set()
        await pilot.pause(0.3)
        drawn = rows(screen)
        assert drawn["django-stronghold"][0] == "older only" and drawn["django-twostepauth"][-1] == ASKING
        assert "asking PyPI 2/3" in counts(screen)
        pypi.gates["django-twostepauth"].set()
        await settle(pilot)
        drawn = rows(screen)
        assert drawn["django-stronghold"][:2] == ("older only", "4.2–5.1")
        assert drawn["django-two-factor-auth"][0] == "supports"
        assert drawn["django-twostepauth"][0] == "says nothing" and drawn["django-twostepauth"][-1] == ""
        assert "4 packages: 2 support it · 1 older only · 0 skip it · 1 say nothing" in counts(screen)
        assert "asking" not in counts(screen)
        # Grouped by status: supports first, in the selection's order (most starred first).
        order = list(drawn)
        assert order[:2] == ["django-two-factor-auth", "django-otp"]
    kept = store.pypi_facts(["django-stronghold", "django-otp"])
    assert kept["django-stronghold"].facts is not None and kept["django-otp"].facts == otp  # fresh: not asked


async def test_fresh_facts_are_not_asked_again(tmp_path):
    store = await synced_store(tmp_path)
    pypi = HeldPyPI()
    app = make_app(store, tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_readiness(app, pilot)
        await settle(pilot)
        assert len(pypi.asked) == 4
        await pilot.press("escape")
        await open_readiness(app, pilot)
        await settle(pilot)
        assert len(pypi.asked) == 4  # everything fresh in the store
        await pilot.press("r")  # r asks again for every package shown
        await settle(pilot)
        assert len(pypi.asked) == 8


async def test_a_failure_is_its_rows_note_and_the_rest_carry_on(tmp_path):
    store = await synced_store(tmp_path)
    pypi = HeldPyPI()
    pypi.statuses = {"django-otp": 404, "django-stronghold": 400}
    app = make_app(store, tmp_path, pypi)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        drawn = rows(screen)
        assert drawn["django-otp"][0] == "says nothing" and drawn["django-otp"][-1] == "not on PyPI"
        assert "HTTP 400" in drawn["django-stronghold"][-1]
        assert drawn["django-two-factor-auth"][0] == "supports"
        assert "2 without PyPI facts" in counts(screen)
        # The line under the table gives the cursor row in full, its problem too.
        table = screen.query_one("#readiness-table", VirtualTable)
        for _ in range(table.keys.index(1672)):  # down to django-stronghold
            await pilot.press("j")
        await pilot.pause()
        detail = str(screen.query_one("#readiness-detail", Static).render())
        assert (
            detail.startswith("django-stronghold · ") and "answered HTTP 400 for django-stronghold" in detail
        )
        await pilot.press("g")  # the first row: django-two-factor-auth, with facts
        await pilot.pause()
        detail = str(screen.query_one("#readiness-detail", Static).render())
        assert detail.startswith("django-two-factor-auth 1.18.1 · Django 4.2, 5.1–6.0 · Python ")


async def test_release_product_and_selection_change_on_screen(tmp_path):
    store = await synced_store(tmp_path)
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        assert rows(screen)["django-stronghold"][0] == "older only"
        await pilot.press("v")
        box = screen.query_one("#readiness-release", Input)
        assert screen.focused is box
        box.value = ""
        await pilot.press(*"4.2", "enter")
        await pilot.pause()
        assert screen.release == "4.2" and rows(screen)["django-stronghold"][0] == "supports"
        assert "Django 4.2 readiness of grid Grid 7" in str(
            screen.query_one("#readiness-title", Static).render()
        )
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.release == "5.0" and box.value == "5.0"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert screen.release == "4.1"
        # Not a release: said, and the box goes back to the one shown.
        box.value = "five"
        screen.set_focus(box)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.release == "4.1" and box.value == "4.1"
        await pilot.press("p")
        await pilot.pause()
        assert screen.product == "python" and screen.release == "3.13"
        assert rows(screen)["django-otp"][1].startswith("3.")  # Python versions now
        await pilot.press("c")  # the picker: type to narrow, Enter picks
        await pilot.pause()
        assert isinstance(app.screen, SelectionPicker)
        await pilot.press(*"25 most", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.selection == "top:25"
        assert len(rows(screen)) == 25 and "25 packages:" in counts(screen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"grid 7", "enter")
        await settle(pilot)
        assert screen.selection == GRID7 and len(rows(screen)) == 4
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"apps")
        await pilot.press("escape", "escape")  # the focus rule: clear the box, then to the list
        await pilot.pause()
        assert isinstance(app.screen, SelectionPicker) and app.screen.focused is app.screen.query_one(
            "#picker-options"
        )
        await pilot.press("escape")  # and from the list, leave the picker as it was
        await pilot.pause()
        assert app.screen is screen and screen.selection == GRID7


async def test_f_shows_one_status_at_a_time(tmp_path):
    store = await synced_store(tmp_path)
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert {cells[0] for cells in rows(screen).values()} == {"supports"} and len(rows(screen)) == 2
        await pilot.press("f", "f")  # older only, then skips it: none in this grid
        await pilot.pause()
        assert rows(screen) == {}
        await pilot.press("f", "f")  # says nothing, then all again
        await pilot.pause()
        assert len(rows(screen)) == 4


async def test_enter_opens_the_package_and_o_names_its_pypi_page(tmp_path):
    store = await synced_store(tmp_path)
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        assert screen.focused is screen.query_one("#readiness-table")
        assert screen.focused_url() == "https://pypi.org/project/django-two-factor-auth/"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen) and app.screen.key == "1454"


async def test_without_a_synced_catalogue_it_says_so(tmp_path):
    store = Store(tmp_path / "empty.sqlite")
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        assert screen.message.kind == "empty" and "not synced yet" in screen.message.text
        assert "run pkgtui sync" in screen.message.text  # auto_sync is off: nothing is syncing
        assert rows(screen) == {}


async def test_offline_shows_kept_facts_and_asks_nothing(tmp_path):
    store = await synced_store(tmp_path)
    store.put_pypi_facts([("django-otp", PyPIFacts(name="django-otp", django_versions=("5.2",)), None)])
    pypi = HeldPyPI()
    app = make_app(store, tmp_path, pypi, use_pypi=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        assert pypi.asked == []
        drawn = rows(screen)
        assert drawn["django-otp"][0] == "supports"
        assert drawn["django-stronghold"][-1] == "PyPI facts not kept (offline)"
        assert "PyPI is off" in counts(screen)


async def test_pypi_strings_are_shown_literally(tmp_path):
    store = await synced_store(tmp_path)
    hostile = PyPIFacts(name="django-otp", version="[bold red]9[/]", django_versions=("5.2",))
    store.put_pypi_facts([("django-otp", hostile, None), ("django-stronghold", None, "[link=x]boom[/link]")])
    app = make_app(store, tmp_path, HeldPyPI(), use_pypi=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        drawn = rows(screen)
        assert drawn["django-otp"][2] == "[bold red]9[/]"
        assert drawn["django-stronghold"][-1] == "[link=x]boom[/link]"


async def test_home_and_the_palette_open_it(tmp_path):
    store = await synced_store(tmp_path)
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ReadinessScreen)
        assert len(rows(app.screen)) == 50  # the default: the 50 most starred
        await pilot.press("escape")
        await pilot.pause()
        from pkgtui.commands import JumpProvider

        hits = [hit async for hit in JumpProvider(app.screen).search("readiness")]
        assert hits and hits[0].text.startswith("Readiness")
        hits[0].command()
        await settle(pilot)
        assert isinstance(app.screen, ReadinessScreen)


@pytest.fixture(autouse=True)
def _no_real_pypi(monkeypatch):
    """A request that escaped the test's transport would fail here, not reach pypi.org."""
    monkeypatch.setenv("PKGTUI_PYPI_URL", "http://127.0.0.1:9/pypi/")


async def test_opened_by_the_app_it_asks_before_mounting_and_only_once(tmp_path):
    store = await synced_store(tmp_path)
    pypi = HeldPyPI()
    pypi.release.clear()
    app = make_app(store, tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_screen("readiness", GRID7)  # as d on home does: prefetch, then mount
        screen = app.screen
        assert isinstance(screen, ReadinessScreen) and screen.pending  # asked before the first frame
        await pilot.pause(0.1)
        assert all(cells[-1] == ASKING for cells in rows(screen).values())
        assert "asking PyPI 0/4" in counts(screen)
        pypi.release.set()
        await settle(pilot)
        assert sorted(pypi.asked) == sorted(
            ["django-otp", "django-stronghold", "django-two-factor-auth", "django-twostepauth"]
        )  # prefetch's fetch was taken over by load, not made again
        assert "2 support it · 1 older only" in counts(screen) and "asking" not in counts(screen)


async def test_the_picker_shows_names_literally_and_narrows_by_every_word(tmp_path):
    api = DemoAPI()
    hostile = next(grid for grid in api.grids if grid["slug"] == "grid-7")
    hostile["title"] = "[bold red]Two[/] factor \x1b[31mauth"
    store = await synced_store(tmp_path, api)
    app = make_app(store, tmp_path, HeldPyPI())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_readiness(app, pilot)
        await settle(pilot)
        assert "grid [bold red]Two[/] factor auth" in str(
            screen.query_one("#readiness-title", Static).render()
        )
        await pilot.press("c")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, SelectionPicker)
        await pilot.press(*"factor two")  # every word, in any order
        await pilot.pause()
        from textual.widgets import OptionList

        options = picker.query_one("#picker-options", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts == ["Grid: [bold red]Two[/] factor auth"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.selection == GRID7
