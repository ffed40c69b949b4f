"""Apps for pilot and snapshot tests: in-process data, fixed clock, no cursor blink."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config
from pkgtui.target import StartTarget
from tests.conftest import FIXED_NOW


class SwitchableTransport(httpx.AsyncBaseTransport):
    """Answers from a DemoAPI, or fails the way ``failure`` says (``None``: answer).

    ``gate``: when set to an unset ``asyncio.Event``, package pages after the first wait
    for it, so a test can look at a half-loaded screen. ``started``/``cancelled`` count
    requests, so a test can see work being cancelled.
    """

    def __init__(self, api: DemoAPI) -> None:
        self.api = api
        self.inner = api.transport()
        self.failure: type[Exception] | None = None
        self.gate: asyncio.Event | None = None
        self.paths: list[str] = []
        self.cancelled = 0
        # (path fragment, event): requests whose path contains the fragment wait for the event.
        self.hold: tuple[str, asyncio.Event] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.url.path}?{request.url.query.decode()}")
        query = request.url.query.decode()
        if self.gate is not None and request.url.path.endswith("/packages/") and "offset=0" not in query:
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        if self.hold is not None and self.hold[0] in request.url.path:
            await self.hold[1].wait()
        if self.failure is not None:
            raise self.failure("simulated failure", request=request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def make_app() -> Callable[..., PkgtuiApp]:
    """``make_app(api=None, target=None, page_size=None, demo=True)`` → (app, transport)."""

    def make(
        api: DemoAPI | None = None,
        target: StartTarget | None = None,
        page_size: int | None = None,
        demo: bool = True,
    ) -> tuple[PkgtuiApp, SwitchableTransport]:
        api = api or DemoAPI()
        transport = SwitchableTransport(api)
        options = {"page_size": page_size} if page_size else {}
        client = open_client(api.base_url, transport=transport, backoff=0.0, **options)
        app = create_app(Config(demo=demo), client=client, target=target, clock=lambda: FIXED_NOW)
        app.cursor_blink = False
        return app, transport

    return make


# A worker's answer may start another worker (a page starts the next); no chain in the app is
# longer than this, and a bound keeps a worker that restarts itself from hanging the test.
SETTLE_ROUNDS = 10


async def settle(pilot) -> None:
    """Let workers finish and the screen redraw: pause until a pause leaves no worker running.

    Waits on the workers themselves rather than a fixed number of pauses, so a screen that is
    already still costs one pause, and a longer chain of workers is still waited out."""
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        if not pilot.app.workers:
            return
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, condition: Callable[[], bool], limit: float = 10.0) -> None:
    """Pause in short steps until ``condition()`` holds; fail after ``limit`` seconds. For what
    a timer brings about: a fixed pause long enough for a busy machine is long everywhere."""
    deadline = asyncio.get_running_loop().time() + limit
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"not so after {limit} s: {condition}"
        await pilot.pause(0.02)


async def open_while_held(
    pilot, transport: SwitchableTransport, kind: str, key: str, held_path: str
) -> asyncio.Event:
    """Open a screen from the running app while answers to ``held_path`` wait; the event
    returned lets them go. Returns once the screen has had time to show what it knows."""
    answer = asyncio.Event()
    transport.hold = (held_path, answer)
    pilot.app.open_screen(kind, key)
    await pilot.pause(0.2)
    return answer
