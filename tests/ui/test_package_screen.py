"""The package screen: fields, links, activity, participants, grids, errors, back."""

from __future__ import annotations

import copy

from textual.widgets import Input, OptionList

from pkgtui.api.demo import DemoAPI, derive_grids, sample_packages
from pkgtui.screens.grid import GridScreen
from pkgtui.screens.package import PackageScreen
from pkgtui.target import StartTarget
from pkgtui.widgets import MessageBox
from pkgtui.widgets.activity_plot import NO_DATA, ActivityPlot
from pkgtui.widgets.participants import ParticipantList, ParticipantsPanel

from .conftest import settle
from .scripted import plain, scripted_app

OTP = StartTarget("package", "django-otp")


def text_of(app, selector: str) -> str:
    return plain(app.screen.query_one(selector).render())


def options(app, selector: str) -> list[str]:
    view = app.screen.query_one(selector, OptionList)
    return [plain(view.get_option_at_index(i).prompt) for i in range(view.option_count)]


def message_of(app) -> MessageBox:
    return app.screen.query_one("#message", MessageBox)


def titled_grids_api() -> DemoAPI:
    """The sample data with grid 7 given a real-looking title (the sample has none)."""
    grids = derive_grids(sample_packages())
    for grid in grids:
        if grid["id"] == 7:
            grid["title"] = "Two-factor [auth]"
    return DemoAPI(grids=grids)


async def test_package_shows_every_field():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen)
        assert text_of(app, "#package-title") == "django-otp"
        assert text_of(app, "#package-description").startswith("A pluggable framework for adding two-factor")
        fields = text_of(app, "#package-fields").splitlines()
        assert fields == [
            "Version       1.7.0",
            "Category      Apps",
            "Stars         621",
            "Forks         117",
            "Created       2013-06-11 (12 y ago)",
            "Last commit   2026-01-07 (1 mo ago)",
            "Last fetched  2026-02-15 (13 d ago)",
        ]
        assert options(app, "#package-links") == [
            "Repository    https://github.com/django-otp/django-otp",
            "PyPI          https://pypi.org/project/django-otp/",
            "Documentation https://django-otp-official.readthedocs.io/",
        ]
        assert options(app, "#package-grids") == ["Grid 7", "Grid 426"]
        assert app.screen.query_one(ActivityPlot).counts[6] == 3
        assert sum(app.screen.query_one(ActivityPlot).counts) == 18
        assert text_of(app, "#participants-count") == "43 of 43 participants"
        assert not message_of(app).display


async def test_stale_package_without_activity_or_participants():
    app, _ = scripted_app(StartTarget("package", "sorethumb"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        fields = text_of(app, "#package-fields")
        assert "⚠ stale" in fields
        assert plain(app.screen.query_one(ActivityPlot).render()) == NO_DATA
        assert text_of(app, "#participants-count") == "No participants listed"


async def test_grid_titles_are_fetched_and_a_failed_one_shows_its_id():
    app, transport = scripted_app(OTP, api=titled_grids_api())
    transport.failures[r"/grids/426/$"] = 503
    transport.failures[r"/categories/1/$"] = 503
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert options(app, "#package-grids") == ["Two-factor [auth]", "Grid 426"]
        assert "Category      Category 1" in text_of(app, "#package-fields")


async def test_package_is_drawn_before_the_grid_titles_arrive():
    app, transport = scripted_app(OTP, api=titled_grids_api())
    gate = transport.hold(r"/grids/7/$")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert text_of(app, "#package-title") == "django-otp"
        assert options(app, "#package-grids") == ["Grid 7 (loading…)", "Grid 426 (loading…)"]
        assert message_of(app).kind == "loading"
        gate.set()
        await settle(pilot)
        assert options(app, "#package-grids") == ["Two-factor [auth]", "Grid 426"]
        assert not message_of(app).display


async def test_enter_on_a_grid_opens_it_and_back_returns():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grids = app.screen.query_one("#package-grids", OptionList)
        grids.focus()
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GridScreen) and app.screen.key == "426"
        await pilot.press("backspace")
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen)


async def test_slash_filters_participants_as_you_type():
    packages = [copy.deepcopy(p) for p in sample_packages() if p["slug"] == "django-otp"]
    packages[0]["participants"] = packages[0]["participants"] + ["dependabot[bot]"]
    app, _ = scripted_app(OTP, api=DemoAPI(packages=packages))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "participants-filter"
        await pilot.press(*"BOT]")
        assert app.screen.query_one(ParticipantList).names == ["dependabot[bot]"]
        assert text_of(app, "#participants-count") == "1 of 44 participants"
        await pilot.press("z")
        assert app.screen.query_one(ParticipantList).names == []
        assert text_of(app, "#participants-count") == "no participant matches 'BOT]z'"
        await pilot.press("enter")
        assert isinstance(app.focused, ParticipantList)


async def test_s_cycles_the_participants_order():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        names = app.screen.query_one(ParticipantList).names
        assert names[:2] == ["psagers", "claudep"]
        await pilot.press("s")
        assert app.screen.query_one(ParticipantsPanel).order == "A–Z"
        assert app.screen.query_one(ParticipantList).names == sorted(names, key=lambda n: (n.casefold(), n))


async def test_unknown_package_says_not_found():
    app, _ = scripted_app(StartTarget("package", "no-such-package"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = message_of(app)
        assert message.kind == "error"
        assert message.text == "No package “no-such-package” on demo.pkgtui.invalid — check the slug or id."
        assert not app.screen.query_one("#package-body").display


async def test_error_is_shown_in_words_and_r_retries():
    app, transport = scripted_app(OTP)
    transport.failures[r"/packages/django-otp/$"] = 502
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = message_of(app)
        assert message.kind == "error" and "HTTP 502" in message.text and "press r to retry" in message.text
        transport.failures.clear()
        await pilot.press("r")
        await settle(pilot)
        assert not message.display
        assert text_of(app, "#package-title") == "django-otp"


async def test_back_cancels_loading():
    app, transport = scripted_app(OTP)
    transport.hold(r"/grids/\d+/$")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        workers = [w for w in app.workers if w.node is screen]
        assert workers and all(w.is_running for w in workers)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PackageScreen)
        assert all(w.is_cancelled for w in workers)
        assert sorted(transport.cancelled) == ["/api/v4/grids/426/", "/api/v4/grids/7/"]


async def test_y_copies_the_focused_link_and_o_opens_it():
    app, _ = scripted_app(OTP)
    opened: list[str] = []
    app.open_url = lambda url, **kwargs: opened.append(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        links = app.screen.query_one("#package-links", OptionList)
        links.focus()
        await pilot.press("j")  # Repository -> PyPI
        await pilot.press("y")
        assert app.clipboard == "https://pypi.org/project/django-otp/"
        await pilot.press("o")
        assert opened == ["https://pypi.org/project/django-otp/"]
        await pilot.press("enter")
        assert opened[-1] == "https://pypi.org/project/django-otp/"


async def test_non_web_links_are_listed_but_never_opened():
    packages = [copy.deepcopy(p) for p in sample_packages() if p["slug"] == "django-otp"]
    packages[0]["repo_url"] = "javascript:alert(1)"
    packages[0]["title"] = "[red]x[/red]\x1b]8;;http://evil\x07"
    app, _ = scripted_app(OTP, api=DemoAPI(packages=packages))
    opened: list[str] = []
    app.open_url = lambda url, **kwargs: opened.append(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert text_of(app, "#package-title") == "[red]x[/red]"
        assert options(app, "#package-links")[0] == "Repository    javascript:alert(1)"
        await pilot.press("o")  # nothing focused: the repository link
        assert opened == []
