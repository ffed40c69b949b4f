"""The category screen while its PyPI facts arrive: each redraw reads from the store only the
rows answered since the last one (reading all 200 asked each time stalled keystrokes: bench
busy), so an answer must never be missed, whenever it comes, and the end clears every row's
pending mark, answered or not; and its rows are out of the collector's full passes, read from
the local catalogue as from the API. PyPI is faked in-process (tests/ui/facts_app.py)."""

from __future__ import annotations

import pytest

from pkgtui.target import StartTarget

from .conftest import settle, wait_until
from .facts_app import FakePyPI, facts_app, make_store
from .test_fact_columns import cells, table_of

CATEGORY = StartTarget("category", "apps")


@pytest.fixture
async def store(tmp_path):
    store = await make_store(tmp_path / "catalogue.sqlite")
    yield store
    store.close()


async def test_each_answer_is_drawn_while_the_fetch_runs_and_the_end_clears_pending(store, tmp_path):
    pypi = FakePyPI()
    otp, stronghold = pypi.hold("django-otp"), pypi.hold("django-stronghold")
    app = facts_app(store, pypi, CATEGORY, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        screen, table = app.screen, table_of(app)
        # The answers not held come first and are drawn (one redraw or more) ...
        await wait_until(
            pilot, lambda: cells(table_of(app), "Django").get("django-two-factor-auth") == "4.2–5.0"
        )
        assert cells(table, "Django")["django-otp"] == "…"
        assert screen.facts_pending
        # ... then one answered after those redraws is drawn too, with the fetch still running.
        otp.set()
        await wait_until(pilot, lambda: cells(table, "Django")["django-otp"] == "4.2, 5.1–5.2")
        assert screen.facts_pending
        assert cells(table, "Django")["django-stronghold"] == "…"
        stronghold.set()
        await wait_until(pilot, lambda: not screen.facts_pending)
        await settle(pilot)
        django = cells(table, "Django")
        assert django["django-stronghold"] == "–"  # on PyPI, declares no Django version
        assert django["django-twostepauth"] == "✗ PyPI 503"
        assert "…" not in django.values()  # nothing left pending: not-on-PyPI rows say so
        assert cells(table, "License")["django-otp"] == "BSD-3-Clause"


async def test_a_category_read_from_the_local_catalogue_is_kept_out_of_gc_scans_too(store, tmp_path):
    # Unfrozen, the collector's full passes during the first facts fetch took 70-100 ms each,
    # between keystrokes (bench busy); a category loaded from the API was frozen already.
    import gc

    app = facts_app(store, FakePyPI(), StartTarget("home", ""), tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        started = gc.get_freeze_count()
        app.open_screen("category", "apps")
        await settle(pilot)
        screen = app.screen
        assert screen.shown_from_store and screen.complete
        assert gc.get_freeze_count() > started
        await pilot.press("escape")
        await settle(pilot)
        assert gc.get_freeze_count() == 0  # given back when the screen went: nothing leaks
