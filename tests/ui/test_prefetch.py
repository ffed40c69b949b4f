"""Screens start their first requests as they are opened, before they are mounted."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.screens.base import DataScreen
from pkgtui.screens.package import PackageScreen

from .conftest import settle


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
