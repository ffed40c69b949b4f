"""Screens start their first requests as they are opened, before they are mounted."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.screens.base import DataScreen
from pkgtui.screens.package import PackageScreen

from .conftest import open_while_held, settle


@pytest.mark.parametrize(
    ("kind", "key", "first"),
    [
        ("category", "1", ["/categories/1/", "/packages/?limit"]),
        ("grid", "7", ["/grids/7/"]),
        ("package", "django-otp", ["/packages/django-otp/"]),
    ],
)
async def test_first_requests_go_out_before_the_screen_is_mounted(make_app, monkeypatch, kind, key, first):
    app, transport = make_app()
    sent_by_mount: list[str] = []
    original = DataScreen.on_mount

    def on_mount(self):  # where the first load starts
        if len(app.screen_stack) > 1:  # not home
            sent_by_mount.extend(transport.paths)
        original(self)

    monkeypatch.setattr(DataScreen, "on_mount", on_mount)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transport.paths.clear()
        app.open_screen(kind, key)
        await settle(pilot)
        for path in first:
            assert any(path in sent for sent in sent_by_mount), (path, sent_by_mount)
        # Each went out once: the first load took the early answers instead of asking again.
        for path in first:
            assert sum(path in sent for sent in transport.paths) == 1, (path, transport.paths)


async def test_early_requests_of_a_screen_that_closes_first_are_cancelled(make_app):
    app, transport = make_app()
    never = asyncio.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transport.hold = ("/packages/", never)
        screen = PackageScreen("django-otp")
        screen.prefetch()
        early = screen.take_early("package")
        assert early is not None
        screen.start_early("package", early)  # put back: nothing took it
        await pilot.pause()
        await screen.on_unmount()  # as Textual does when the screen goes
        assert early.cancelled()
        assert screen.take_early("package") is None


async def test_a_grid_opened_from_home_asks_for_its_members_beside_the_grid(make_app):
    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        known = app.session.find_grid("7")
        assert known is not None and known.package_ids  # home's list names the members
        transport.paths.clear()
        grid_answer = await open_while_held(pilot, transport, "grid", "7", "/grids/")
        members = [p for p in transport.paths if p.startswith("/api/v4/packages/")]
        assert len(members) == len(known.package_ids)  # not waiting for the grid's answer
        grid_answer.set()
        await settle(pilot)
        assert sorted(app.screen.table.keys) == sorted(known.package_ids)
        # Each member was asked for once: load took the early fetch.
        assert len([p for p in transport.paths if p.startswith("/api/v4/packages/")]) == len(
            known.package_ids
        )


async def test_when_the_grid_lists_other_members_than_home_knew_its_own_are_shown(make_app):
    from msgspec.structs import replace

    app, transport = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        known = app.session.find_grid("7")
        assert known is not None
        # Home's copy is out of date: it lists one member the grid no longer has.
        stale = replace(known, package_urls=(*known.package_urls, f"{transport.api.base_url}packages/1/"))
        app.session.add_grids([stale])
        app.open_screen("grid", "7")
        await settle(pilot)
        assert sorted(app.screen.table.keys) == sorted(known.package_ids)


async def test_early_members_of_a_grid_that_closes_first_are_cancelled(make_app):
    app, transport = make_app()
    never = asyncio.Event()
    cancelled: list[str] = []
    answer = transport.handle_async_request

    async def hold_everything(request):
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.append(request.url.path)
            raise
        return await answer(request)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        known = app.session.find_grid("7")
        assert known is not None
        transport.handle_async_request = hold_everything  # type: ignore[method-assign]
        app.open_screen("grid", "7")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await settle(pilot)
        members = [path for path in cancelled if path.startswith("/api/v4/packages/")]
        assert len(members) == len(known.package_ids)
        assert any(path.startswith("/api/v4/grids/") for path in cancelled)
