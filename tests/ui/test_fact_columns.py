"""PyPI's facts in the grid and category screens: from the store in the first frame, fetched
progressively into the rows without re-laying out the table, a failed member saying why, every
column sortable (Score by upstream's rule), the Django filter, and no request when the facts
kept are fresh. PyPI is faked in-process (tests/ui/facts_app.py)."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.facts import pypi_name_of
from pkgtui.scores import score
from pkgtui.target import StartTarget
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.pypi.data import project_json

from .conftest import settle, wait_until
from .facts_app import FakePyPI, facts_app, make_store

GRID = StartTarget("grid", "7")  # django-twostepauth, django-two-factor-auth, django-stronghold, django-otp
CATEGORY = StartTarget("category", "apps")


@pytest.fixture
async def store(tmp_path):
    store = await make_store(tmp_path / "catalogue.sqlite")
    yield store
    store.close()


def table_of(app) -> VirtualTable:
    return app.screen.query_one("#grid-table, #packages", VirtualTable)


def cells(table: VirtualTable, label: str) -> dict[str, str]:
    """Each row's cell under ``label``, by the row's name (marks stripped)."""
    labels = [column.label for column in table.columns]
    index = labels.index(label)
    return {_name(str(table.row(i)[0])): str(table.row(i)[index]).lstrip("◆") for i in range(table.row_count)}


def _name(text: str) -> str:
    return text.removeprefix("⚠ ").lstrip("◆")


def names(table: VirtualTable) -> list[str]:
    return [_name(str(table.row(i)[0])) for i in range(table.row_count)]


async def test_facts_arrive_progressively_in_place_and_a_failed_member_says_why(store, tmp_path):
    pypi = FakePyPI()
    otp = pypi.hold("django-otp")
    app = facts_app(store, pypi, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        table = table_of(app)
        await wait_until(pilot, lambda: cells(table, "Django").get("django-two-factor-auth") == "4.2–5.0")
        columns_before = list(table.columns)
        widths_before = table.column_widths(table.scrollable_content_region.width)
        await wait_until(pilot, lambda: cells(table, "Django").get("django-twostepauth", "").startswith("✗"))
        django = cells(table, "Django")
        assert django["django-otp"] == "…"  # asked, not answered yet
        assert django["django-twostepauth"] == "✗ PyPI 503"  # why, briefly, in its row
        assert django["django-stronghold"] == "–"  # on PyPI, declares no Django version
        assert "asking PyPI" in str(app.screen.query_one("#grid-legend").render())
        otp.set()
        await wait_until(pilot, lambda: cells(table, "Django")["django-otp"] == "4.2, 5.1–5.2")
        await settle(pilot)
        # Filled in place: the same columns, the same widths, nothing re-laid out.
        assert table.columns == columns_before
        assert table.column_widths(table.scrollable_content_region.width) == widths_before
        assert cells(table, "Python")["django-otp"] == "3.9, 3.13"
        assert cells(table, "License")["django-otp"] == "BSD-3-Clause"
        assert cells(table, "Status") == {
            "django-two-factor-auth": "Beta",
            "django-otp": "Stable",
            "django-stronghold": "–",
            "django-twostepauth": "",
        }
        assert cells(table, "Released")["django-otp"] == "2025-11-03"
        assert "asking PyPI" not in str(app.screen.query_one("#grid-legend").render())
        # Kept in the store as they came: the failure too.
        kept = store.pypi_facts(["django-otp", "django-twostepauth"])
        assert kept["django-otp"].facts is not None
        assert kept["django-twostepauth"].facts is None and "503" in (kept["django-twostepauth"].error or "")


def every_member_answers() -> dict[str, object]:
    answers = FakePyPI().answers
    answers["django-twostepauth"] = project_json("django-twostepauth", version="0.2.0")
    return answers


async def test_fresh_facts_in_the_store_are_shown_at_once_with_no_request(store, tmp_path):
    first = FakePyPI(every_member_answers())
    app = facts_app(store, first, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
    assert set(first.requests) == {
        "django-otp",
        "django-two-factor-auth",
        "django-stronghold",
        "django-twostepauth",
    }

    again = FakePyPI(every_member_answers())
    app = facts_app(store, again, GRID, tmp_path)
    seen: list[dict[str, str]] = []
    async with app.run_test(size=(200, 50)) as pilot:
        # The rows as the screen opened: the facts are there already, from the store.
        seen.append(cells(table_of(app), "Django"))
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        assert cells(table_of(app), "Django")["django-otp"] == "4.2, 5.1–5.2"
    assert seen[0]["django-otp"] == "4.2, 5.1–5.2"
    assert again.requests == []  # every member's facts fresh: not one request


async def test_a_failed_fetch_is_not_kept_as_fresh(store, tmp_path):
    first = FakePyPI()
    app = facts_app(store, first, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
    again = FakePyPI(every_member_answers())
    app = facts_app(store, again, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        await settle(pilot)
        assert cells(table_of(app), "Django")["django-twostepauth"] == "4.2–5.2"  # answered now
    assert set(again.requests) == {"django-twostepauth"}  # only the 503 is asked again


async def test_r_asks_pypi_again_for_every_member(store, tmp_path):
    pypi = FakePyPI()
    app = facts_app(store, pypi, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        pypi.requests.clear()
        pypi.answers["django-otp"] = FakePyPI().answers["django-two-factor-auth"]  # otp moved on
        await pilot.press("r")
        await settle(pilot)
        await wait_until(
            pilot,
            lambda: (
                not app.screen.facts_pending and cells(table_of(app), "Django")["django-otp"] == "4.2–5.0"
            ),
        )
        assert {"django-otp", "django-two-factor-auth", "django-stronghold"} <= set(pypi.requests)


async def test_score_follows_upstreams_rule_and_sorts_with_the_other_fact_columns(store, tmp_path):
    pypi = FakePyPI()
    app = facts_app(store, pypi, GRID, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        await settle(pilot)
        screen, table = app.screen, table_of(app)
        labels = [column.label for column in table.columns]
        table.post_message(VirtualTable.HeaderClicked(table, labels.index("Score")))
        await settle(pilot)
        assert screen.sort_key == "score"
        expected = {}
        for package in screen.packages.values():
            facts = screen.known[package.id].facts
            supports = facts.supports_python3 if facts is not None else None
            expected[package.slug] = score(package.stars, package.last_updated, supports, FIXED_NOW)
        shown = {name: int(text.replace(",", "")) for name, text in cells(table, "Score").items()}
        assert shown == expected
        assert names(table) == sorted(expected, key=lambda slug: -expected[slug])
        assert table._labels[labels.index("Score")] == "Score▼"
        # The failed member has no facts: Python 3 support unknown costs it 30 %, as upstream.
        twostep = next(p for p in screen.packages.values() if p.slug == "django-twostepauth")
        assert shown["django-twostepauth"] == score(twostep.stars, twostep.last_updated, False, FIXED_NOW)

        table.post_message(VirtualTable.HeaderClicked(table, labels.index("Django")))
        await settle(pilot)
        # The newest declared Django first; those declaring none (or with no facts) last.
        assert names(table)[:2] == ["django-otp", "django-two-factor-auth"]
        assert set(names(table)[2:]) == {"django-stronghold", "django-twostepauth"}
        await pilot.press("S")
        assert names(table)[:2] == ["django-two-factor-auth", "django-otp"]
        assert set(names(table)[2:]) == {"django-stronghold", "django-twostepauth"}  # unknown stays last


async def test_d_filters_to_a_declared_django_version_and_esc_clears_it(store, tmp_path):
    pypi = FakePyPI()
    app = facts_app(store, pypi, GRID, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        await settle(pilot)
        screen, table = app.screen, table_of(app)
        legend = lambda: str(screen.query_one("#grid-legend").render())
        assert screen.declared_django_versions() == ["5.2", "5.1", "5.0", "4.2"]
        await pilot.press("d")
        assert screen.django_filter == "5.2"
        assert names(table) == ["django-otp"]
        assert "1 of 4 packages declare Django 5.2" in legend()
        await pilot.press("d", "d")
        assert screen.django_filter == "5.0"
        assert names(table) == ["django-two-factor-auth"]
        await pilot.press("d")
        assert sorted(names(table)) == ["django-otp", "django-two-factor-auth"]  # 4.2
        await pilot.press("d")  # after the oldest: all again
        assert screen.django_filter is None and table.row_count == 4
        await pilot.press("d", "escape")  # Esc clears the filter, and stays on the grid
        assert screen.django_filter is None and table.row_count == 4
        assert app.screen is screen
        await pilot.press("escape")  # then Esc goes back as ever
        await pilot.pause()
        assert app.screen is not screen


async def test_the_category_shows_facts_sorts_on_them_and_filters_by_django(store, tmp_path):
    pypi = FakePyPI()
    app = facts_app(store, pypi, CATEGORY, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        await settle(pilot)
        screen, table = app.screen, table_of(app)
        django = cells(table, "Django")
        assert django["django-otp"] == "4.2, 5.1–5.2"
        assert django["django-two-factor-auth"] == "4.2–5.0"
        assert django["django-twostepauth"] == "✗ PyPI 503"
        # The demo's other packages are unknown to this PyPI, or name no PyPI project: each
        # says so in its row.
        others = [text for name, text in django.items() if name not in FakePyPI().answers]
        assert others and set(others) <= {"✗ not on PyPI", "✗ no PyPI name"}
        assert cells(table, "License")["django-otp"] == "BSD-3-Clause"
        # At most FACTS_MOST rows asked for, each once, the table's first rows first.
        with_names = {pypi_name_of(p) for p in screen.packages} - {None}
        assert len(with_names) < len(screen.packages)  # some name no PyPI project: not asked
        assert set(pypi.requests) == with_names and len(with_names) <= 200
        assert pypi.requests[0] == names(table)[0]

        labels = [column.label for column in table.columns]
        table.post_message(VirtualTable.HeaderClicked(table, labels.index("Released")))
        await settle(pilot)
        assert names(table)[:3] == ["django-otp", "django-stronghold", "django-two-factor-auth"]
        assert table._labels[labels.index("Released")] == "Released▼"

        await pilot.press("d")
        assert screen.django_filter == "5.2" and names(table) == ["django-otp"]
        assert "declare Django 5.2" in str(screen.query_one("#summary").render())
        await pilot.press("escape")
        assert screen.django_filter is None and app.screen is screen
        assert table.row_count == len(screen.packages)


async def test_rows_a_sort_or_a_scroll_brings_into_view_have_their_facts_asked_for(
    store, tmp_path, monkeypatch
):
    # A category longer than the rows one fetch asks for (the demo's 77 against 200 for real).
    monkeypatch.setattr("pkgtui.screens.category.FACTS_MOST", 5)
    monkeypatch.setattr("pkgtui.screens.category.VIEW_FACTS_DELAY", 0.05)
    pypi = FakePyPI()
    app = facts_app(store, pypi, CATEGORY, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen, table = app.screen, table_of(app)

        def top_five() -> list:
            return [screen.packages[i] for i in screen.visible_indices()[:5]]

        def pypi_names(packages) -> set[str]:
            return {pypi_name_of(p) for p in packages} - {None}

        await wait_until(pilot, lambda: screen._facts_done and not screen.facts_pending)
        await settle(pilot)
        first = top_five()
        assert set(pypi.requests) == pypi_names(first)  # the view's first rows, no more
        # The rest were not asked: no row waits for them ("…" stayed in such rows for good).
        assert "…" not in cells(table, "Django").values()
        # The other way round, and to the top (the cursor's row stays in view after S: the
        # rows around it are asked for then), where the last rows now are.
        await pilot.press("S", "home")
        await settle(pilot)
        bottom = top_five()
        assert not {p.id for p in bottom} & {p.id for p in first}
        await wait_until(pilot, lambda: pypi_names(bottom) <= set(pypi.requests))
        await wait_until(pilot, lambda: screen._facts_done and not screen.facts_pending)
        await settle(pilot)
        django = cells(table, "Django")
        assert all(django[_name(str(table.row(i)[0]))] != "…" for i in range(5))
        assert len(pypi.requests) == len(set(pypi.requests))  # each name asked once
        table.scroll_to(y=30, animate=False)  # scrolled down: the rows there are asked for
        await settle(pilot)
        top = round(table.scroll_y)
        assert top > 10
        middle = [screen.packages[i] for i in screen.visible_indices()[top : top + 5]]
        await wait_until(pilot, lambda: pypi_names(middle) <= set(pypi.requests))


async def test_the_category_names_what_a_narrow_table_hides_and_keeps_names_whole(store, tmp_path):
    app = facts_app(store, FakePyPI(), CATEGORY, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        await settle(pilot)
        table = table_of(app)
        shown = [
            table.columns[i].label for i, _ in table.column_widths(table.scrollable_content_region.width)
        ]
        # What a package is and does, from 80 columns; then the numbers that fit.
        assert shown[:2] == ["Package", "Description"]
        assert "Stars" in shown and "Django" in shown
        summary = str(app.screen.query_one("#summary").render())
        hidden = [label for label in (c.label for c in table.columns) if label not in shown]
        # Named on the summary line, the first ones by name and the rest counted (one line).
        assert hidden and f"hidden: {hidden[0]}" in summary
        listed = summary.split("hidden: ", 1)[1]
        named = [label for label in hidden if label in listed.split(" and ")[0].split(", ")]
        assert named == hidden[: len(named)]
        assert len(named) == len(hidden) or f"and {len(hidden) - len(named)} more" in listed
        width = dict(table.column_widths(table.scrollable_content_region.width))[0]
        # No name up to 30 cells is cut.
        assert all(len(name) > width for name in names(table) if "…" in name) or not any(
            "…" in name for name in names(table)
        )
        assert width >= min(30, max(len(name) for name in names(table)))


async def test_pypi_off_asks_nothing_and_shows_dashes_not_failures(store, tmp_path):
    pypi = FakePyPI()
    app = facts_app(store, pypi, GRID, tmp_path, use_pypi=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await asyncio.sleep(0.2)
        await settle(pilot)
        django = cells(table_of(app), "Django")
    assert pypi.requests == []
    assert set(django.values()) == {"–"}


async def test_a_category_with_fresh_facts_kept_asks_pypi_nothing(store, tmp_path):
    answers = every_member_answers()
    first = FakePyPI(answers)
    app = facts_app(store, first, CATEGORY, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending and app.screen._facts_done)
    assert "django-otp" in first.requests

    again = FakePyPI(answers)
    app = facts_app(store, again, CATEGORY, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.screen._facts_done)
        await settle(pilot)
        django = cells(table_of(app), "Django")
        assert django["django-otp"] == "4.2, 5.1–5.2"  # from the store
        assert "…" not in django.values()
    assert again.requests == []  # facts and "not on PyPI" both fresh: not one request


async def test_the_category_sorts_on_the_facts_it_holds_now_not_those_of_its_first_load(store, tmp_path):
    app = facts_app(store, FakePyPI(), CATEGORY, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: not app.screen.facts_pending)
        screen = app.screen
        django = next(spec for spec in screen.sorts if spec.name == "django")
        otp = next(p for p in screen.packages if p.slug == "django-otp")
        assert django.key(otp) is not None
        screen.known = {}  # what a reload does: a new dict of what is known
        assert django.key(otp) is None


async def test_d_offers_only_versions_declared_by_the_packages_listed_now(store, tmp_path):
    # The screen keeps what it knew of packages from an earlier load (a reload then draws
    # their facts at once); one gone from the category must not add its Django versions.
    from msgspec.structs import replace

    from pkgtui.comparison import NOTHING_KNOWN

    app = facts_app(store, FakePyPI(), CATEGORY, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: not app.screen.facts_pending and app.screen.complete)
        await settle(pilot)
        screen = app.screen
        listed = screen.declared_django_versions()
        some = next(k for k in screen.known.values() if k.facts is not None)
        gone = max(screen.known) + 1000  # no package of this category
        assert gone not in screen._ids
        screen.known[gone] = replace(NOTHING_KNOWN, facts=replace(some.facts, django_versions=("1.0",)))
        assert "1.0" not in listed
        assert screen.declared_django_versions() == listed
