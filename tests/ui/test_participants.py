"""Participants: the pure filter and the list widget that renders only what is visible."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pkgtui.filtering import filter_items
from pkgtui.widgets.participants import (
    ParticipantList,
    ParticipantsPanel,
    count_text,
    filter_names,
    fold,
    order_names,
)

NAMES = ["psagers", "Claudep", "dependabot[bot]", "ÉMILE", "cabarnes"]


def test_filter_is_case_insensitive_substring_in_given_order():
    assert filter_names(NAMES, "A") == ["psagers", "Claudep", "dependabot[bot]", "cabarnes"]
    assert filter_names(NAMES, "claude") == ["Claudep"]
    assert filter_names(NAMES, "émile") == ["ÉMILE"]


def test_filter_takes_brackets_literally_and_ignores_surrounding_space():
    assert filter_names(NAMES, "[bot]") == ["dependabot[bot]"]
    assert filter_names(NAMES, "  ") == NAMES
    assert filter_names(NAMES, " bot] ") == ["dependabot[bot]"]


def test_filter_with_precomputed_folded_names_matches_without():
    folded = [fold(n) for n in NAMES]
    for query in ("", "a", "BOT", "zz", "é"):
        assert filter_names(NAMES, query, folded) == filter_names(NAMES, query)


def test_filter_means_what_every_filter_means_every_word_in_any_order():
    """The rule of pkgtui.filtering, used by every table: each word of the query must appear."""
    assert filter_names(NAMES, "claude p") == ["Claudep"]
    assert filter_names(NAMES, "BOT depend") == ["dependabot[bot]"]
    assert filter_names(NAMES, "claude x") == []
    for query in ("", "a", "a s", "[bot] a", "É m", " p  e ", "zz"):
        assert filter_names(NAMES, query) == filter_items(NAMES, str, query), query


def test_filter_empty_result():
    assert filter_names(NAMES, "xyz") == []
    assert filter_names([], "a") == []


def test_order_names():
    assert order_names(NAMES, "as listed") == NAMES
    assert order_names(NAMES, "A–Z") == ["cabarnes", "Claudep", "dependabot[bot]", "psagers", "ÉMILE"]
    assert order_names(NAMES, "Z–A")[0] == "ÉMILE"


def test_orders_are_total_names_that_fold_the_same_go_by_the_name():
    names = ["anna", "Bob", "Anna", "bob"]
    assert order_names(names, "A–Z") == ["Anna", "anna", "Bob", "bob"]
    assert order_names(names, "Z–A") == ["bob", "Bob", "anna", "Anna"]


def test_count_text():
    assert count_text(3, 45, "a") == "3 of 45 participants"
    assert count_text(5000, 5000, "") == "5,000 of 5,000 participants"
    assert count_text(0, 45, " xyz ") == "no participant matches 'xyz'"
    assert count_text(0, 0, "") == "No participants listed"
    # A query with control characters is shown cleaned.
    assert count_text(0, 3, "a\x1b[31mb") == "no participant matches 'ab'"


class PanelApp(App):
    CSS = "ParticipantsPanel { height: 10; }"

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        yield ParticipantsPanel()

    def on_mount(self) -> None:
        self.query_one(ParticipantsPanel).set_participants(self.names)


async def test_panel_filters_as_you_type_and_says_when_nothing_matches():
    names = [f"user{i:04d}" for i in range(5000)] + ["dependabot[bot]"]
    app = PanelApp(names)
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(ParticipantsPanel)
        count = app.query_one("#participants-count")
        assert str(count.render()) == "5,001 of 5,001 participants"
        panel.filter_input.focus()
        await pilot.press("B", "o", "t")
        assert panel.list.names == ["dependabot[bot]"]
        assert str(count.render()) == "1 of 5,001 participants"
        await pilot.press("x")
        assert panel.list.names == []
        assert str(count.render()) == "no participant matches 'Botx'"
        for _ in range(4):
            await pilot.press("backspace")
        assert len(panel.list.names) == 5001


async def test_list_renders_names_literally_and_only_visible_lines():
    app = PanelApp(["dependabot[bot]", "[b]bold[/b]"] + [f"n{i}" for i in range(100)])
    async with app.run_test(size=(40, 12)) as pilot:
        plist = app.query_one(ParticipantList)
        assert plist.virtual_size.height == 102
        first = "".join(segment.text for segment in plist.render_line(0)).rstrip()
        second = "".join(segment.text for segment in plist.render_line(1)).rstrip()
        assert (first, second) == ("dependabot[bot]", "[b]bold[/b]")
        plist.focus()
        await pilot.press("G")
        await pilot.pause()
        assert plist.scroll_offset.y == plist.max_scroll_y > 0
        last_visible = "".join(s.text for s in plist.render_line(plist.scrollable_content_region.height - 1))
        assert last_visible.rstrip() == "n99"
        await pilot.press("home")  # not g: the package screen keeps g for its grids
        await pilot.pause()
        assert plist.scroll_offset.y == 0


async def test_cycle_order_keeps_the_filter():
    app = PanelApp(["bob", "alice", "Anna", "carl"])
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(ParticipantsPanel)
        panel.filter_input.value = "a"
        await pilot.pause()
        assert panel.list.names == ["alice", "Anna", "carl"]
        assert panel.cycle_order() == "A–Z"
        assert panel.list.names == ["alice", "Anna", "carl"]
        assert panel.cycle_order() == "Z–A"
        assert panel.list.names == ["carl", "Anna", "alice"]
        assert panel.cycle_order() == "as listed"
        assert panel.list.names == ["alice", "Anna", "carl"]


def test_show_filter_on_the_command_line_means_the_same():
    """`pkgtui show --participants --filter` and the package screen's box find the same names."""
    from pkgtui.api.demo import sample_packages
    from tests.cli.conftest import run_lookup

    names = next(p["participants"] for p in sample_packages() if p["slug"] == "django-otp")
    for query in ("AR", "cl p", "p cl"):
        result = run_lookup(["show", "django-otp", "--demo", "--participants", "--filter", query])
        assert result.out.splitlines() == filter_names(names, query), query


async def test_panel_shows_what_filter_names_gives_while_typing_erasing_and_reordering():
    import random

    rng = random.Random(5)
    names = ["".join(rng.choice("abcAB ") for _ in range(rng.randrange(1, 8))) for _ in range(300)]
    app = PanelApp(names)
    async with app.run_test(size=(40, 12)) as pilot:
        panel = app.query_one(ParticipantsPanel)
        typed = ""
        for step in range(120):
            typed = typed[:-1] if rng.random() < 0.35 else typed + rng.choice("abAB ")
            panel.filter_input.value = typed
            if step % 40 == 39:
                panel.cycle_order()
            await pilot.pause()
            expected = filter_names(order_names(panel._source, panel.order), typed)
            assert panel.list.names == expected, (typed, panel.order)
