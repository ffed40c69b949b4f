"""The package screen's layout and keys (issue 17 item 3): what is on the first screen at each
width, one scrollbar a pane, and one key to the grids."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from pkgtui.screens.grid import GridScreen
from pkgtui.screens.package import PackageScreen
from pkgtui.widgets.participants import ParticipantList

from .conftest import settle
from .pypi_app import FakePyPI, keep_facts, otp_json, pypi_app
from .scripted import scripted_app
from .test_package_screen import OTP


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def line_of(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


async def test_at_100x30_facts_grids_and_the_participants_filter_are_on_the_first_screen(tmp_path):
    app, _, store = pypi_app(tmp_path, FakePyPI())
    keep_facts(store, otp_json())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        footer = len(lines) - 1
        for text in ("Stars", "Django        4.2–5.2", "Grids (g)", "Grid 7", "Grid 426", "Participants"):
            assert line_of(lines, text) < footer, text
        assert line_of(lines, "/ filter participants") < footer
        # The fields and PyPI's facts side by side: the same line holds both.
        assert "Forks" in lines[line_of(lines, "License")]
        assert app.screen.query_one("#package-body").scroll_y == 0


@pytest.mark.parametrize("width", [60, 80, 100])
async def test_one_pane_below_120_columns_has_one_scrollbar(width):
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-one-pane") and not screen.has_class("-two-panes")
        body = screen.query_one("#package-body")
        assert body.show_vertical_scrollbar  # the page scrolls
        participants = screen.query_one(ParticipantList)
        assert participants.styles.scrollbar_size_vertical == 0  # ... and the list inside it has no bar
        side = screen.query_one("#package-side")
        # The participants before the plots, so their filter is on the first screen.
        assert [child.id for child in side.children][:2] == ["participants-title", "package-participants"]


@pytest.mark.parametrize("size", [(120, 30), (200, 50)])
async def test_two_panes_from_120_columns(size):
    app, _ = scripted_app(OTP)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-two-panes")
        main, side = screen.query_one("#package-main"), screen.query_one("#package-side")
        assert main.region.y == side.region.y and side.region.x >= main.region.right
        assert not screen.query_one("#package-body").show_vertical_scrollbar
        participants = screen.query_one(ParticipantList)
        assert participants.styles.scrollbar_size_vertical > 0  # the right pane's one bar
        assert participants.region.bottom <= size[1] - 1 and participants.region.height >= 5
        assert side.children[0].id == "package-plots-pane"  # plots on top on the right
        lines = screen_lines(app)
        assert line_of(lines, "Grid 426") < size[1] - 1


async def test_the_layout_follows_a_resize():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert app.screen.has_class("-two-panes")
        assert app.screen.query_one("#package-side").children[0].id == "package-plots-pane"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen.has_class("-one-pane")
        assert app.screen.query_one("#package-side").children[-1].id == "package-plots-pane"


async def test_g_reaches_the_grids_from_anywhere_and_enter_opens_one(tmp_path):
    app, _, store = pypi_app(tmp_path, FakePyPI())
    keep_facts(store, otp_json())  # seven more lines: the grids are below the first 60x20 screen
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        grids = app.screen.query_one("#package-grids", OptionList)
        assert app.focused.id == "package-body"
        await pilot.press("g")
        await pilot.pause()
        assert app.focused is grids and grids.highlighted == 0
        # Scrolled into view, even at 60x20 where the grids are below the first screen.
        assert app.screen.query_one("#package-body").scroll_y > 0
        assert 0 <= grids.region.y < 19
        await pilot.press("j")
        assert grids.highlighted == 1
        await pilot.press("g")  # again, in the list: back to the first
        assert grids.highlighted == 0
        app.screen.query_one(ParticipantList).focus()
        await pilot.pause()
        await pilot.press("g")  # from the participants list too
        assert app.focused is grids
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GridScreen) and app.screen.key == "426"


async def test_g_in_the_participants_filter_is_a_letter():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "g", "r")
        assert isinstance(app.focused, Input) and app.focused.value == "gr"
        await pilot.press("escape", "escape")  # clear, then to the list
        await pilot.press("g")
        assert app.focused.id == "package-grids"


async def test_tab_from_the_page_goes_to_the_grids_first():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused.id == "package-grids"
        await pilot.press("tab")
        assert app.focused.id == "package-links"


async def test_j_k_and_end_scroll_the_left_pane_of_two():
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(120, 14)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen) and app.screen.has_class("-two-panes")
        main = app.screen.query_one("#package-main")
        assert main.max_scroll_y > 0
        await pilot.press("j", "j")
        assert main.scroll_y == 2
        await pilot.press("end")
        assert main.scroll_y == main.max_scroll_y
        await pilot.press("home")
        assert main.scroll_y == 0


@pytest.mark.parametrize("key", ["end", "pagedown", "down"])
async def test_the_bodys_own_scroll_keys_move_it_at_once(key):
    # With the one pane focused, End, Page Down and Down are the scroll container's own
    # keys, which Textual eases over up to a second: the reader (or an SSH link) saw the
    # frames in between, End one line short of the bottom for most of that second.
    app, _ = scripted_app(OTP)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        body = app.screen.query_one("#package-body")
        assert app.focused is body and body.max_scroll_y > 10
        # The pilot waits for animations to end before it returns, so what is checked is
        # that none was started: Widget.animate is where an eased scroll begins.
        animated: list[str] = []
        animate = body.animate

        def spy(attribute: str, *args, **kwargs) -> None:
            animated.append(attribute)
            animate(attribute, *args, **kwargs)

        body.animate = spy  # type: ignore[method-assign]
        await pilot.press(key)
        await pilot.pause()  # one refresh: the end is taken once laid out
        expected = {"end": body.max_scroll_y, "pagedown": body.scrollable_content_region.height, "down": 1}
        assert body.scroll_y == expected[key]
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0
        assert animated == []
