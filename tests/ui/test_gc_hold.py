"""The garbage collector is held off while the browser starts (``cli`` before Textual is
imported) and is always turned back on: once home has its data, or when the app never starts."""

from __future__ import annotations

import gc
import io

import httpx
import pytest

from pkgtui import cli, gc_pauses
from pkgtui.exit_codes import EXIT_USAGE
from tests.ui.conftest import settle


@pytest.fixture
def collection_held():
    gc.disable()  # as cli.main leaves it for the app
    try:
        yield
    finally:
        gc.enable()


async def test_the_app_turns_collection_back_on_once_home_has_its_data(make_app, collection_held):
    app, _ = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#categories").row_count > 0
        # Well before gc_pauses.START_HOLD_LIMIT: home's load turned it on, not the timer.
        assert gc.isenabled()


async def test_a_start_whose_home_never_loads_turns_collection_on_after_the_limit(
    make_app, collection_held, monkeypatch
):
    monkeypatch.setattr(gc_pauses, "START_HOLD_LIMIT", 0.05)
    app, transport = make_app()
    transport.failure = httpx.ConnectError  # home's load fails: no "home" worker succeeds
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        assert gc.isenabled()


def test_the_command_line_turns_collection_back_on_when_the_browser_cannot_start(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: run_app refuses
    assert gc.isenabled()
    assert cli.main(["--demo"]) == EXIT_USAGE
    assert "needs a terminal" in capsys.readouterr().err
    assert gc.isenabled()


def test_started_freezes_what_is_alive_and_is_idempotent(collection_held):
    try:
        gc_pauses.started()
        frozen = gc.get_freeze_count()
        assert gc.isenabled() and frozen > 0
        made_since = [[] for _ in range(1000)]  # tracked objects, alive through the second call
        gc_pauses.started()  # already started: none of them is frozen
        # Not "== frozen": frozen objects still die by reference counting, which lowers it.
        assert gc.get_freeze_count() < frozen + len(made_since)
    finally:
        gc.unfreeze()
