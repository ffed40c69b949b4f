"""An app whose API answers can be held back or made to fail per request path,
for the grid and package screens' progressive-loading, error and cancellation tests."""

from __future__ import annotations

import asyncio
import re

import httpx

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config
from pkgtui.target import StartTarget
from tests.conftest import FIXED_NOW


class ScriptedTransport(httpx.AsyncBaseTransport):
    """Answers from a DemoAPI, except that a request whose path matches a pattern in
    ``failures`` gets that HTTP status, and one matching ``gates`` waits for the event."""

    def __init__(self, api: DemoAPI) -> None:
        self.inner = api.transport()
        self.failures: dict[str, int] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.started: list[str] = []
        self.cancelled: list[str] = []

    def hold(self, pattern: str) -> asyncio.Event:
        self.gates[pattern] = gate = asyncio.Event()
        return gate

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.started.append(path)
        for pattern, status in self.failures.items():
            if re.search(pattern, path):
                return httpx.Response(status, json={"detail": "Scripted failure."})
        for pattern, gate in list(self.gates.items()):
            if re.search(pattern, path):
                try:
                    await gate.wait()
                except asyncio.CancelledError:
                    self.cancelled.append(path)
                    raise
        return await self.inner.handle_async_request(request)


def scripted_app(target: StartTarget, api: DemoAPI | None = None) -> tuple[PkgtuiApp, ScriptedTransport]:
    api = api or DemoAPI()
    transport = ScriptedTransport(api)
    client = open_client(api.base_url, transport=transport, backoff=0.0)
    app = create_app(Config(demo=True), client=client, target=target, clock=lambda: FIXED_NOW)
    app.cursor_blink = False
    return app, transport


def plain(cell: object) -> str:
    return cell.plain if hasattr(cell, "plain") else str(cell)
