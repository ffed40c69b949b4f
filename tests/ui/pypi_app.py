"""Apps for the package screen's PyPI tests: the demo API in-process, a store for the facts,
and PyPI faked in-process (answers, failures and held answers per project)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
from msgspec.structs import replace

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.api.pypi import parse_facts
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config
from pkgtui.store import Store
from pkgtui.target import StartTarget
from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW
from tests.pypi.data import project_json

from .scripted import ScriptedTransport

PYPI_URL = "https://pypi.example/pypi/"
OTP = StartTarget("package", "django-otp")
# django-otp's history as the fake PyPI serves it: ten releases over six years.
OTP_RELEASES = {
    "0.9.0": "2020-03-02T10:00:00",
    "1.0.0": "2020-06-02T09:12:44",
    "1.0.6": "2021-05-03T10:00:00",
    "1.1.0": "2021-11-08T10:00:00",
    "1.2.0": "2023-05-15T10:00:00",
    "1.3.0": "2023-11-27T21:05:13",
    "1.5.0": "2024-06-03T10:00:00",
    "1.5.4": "2024-09-30T18:31:02",
    "1.6.0": "2025-04-09T16:10:37",
    "1.7.0": "2026-01-07T16:10:37",
}


def otp_json(**changes: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "version": "1.7.0",
        "releases": OTP_RELEASES,
        "license_expression": "BSD-3-Clause",
    }
    options.update(changes)
    return project_json("django-otp", **options)


class FakePyPI(httpx.AsyncBaseTransport):
    """PyPI's JSON API in-process, as a transport: ``answers`` maps a project to its JSON or
    an HTTP status (missing: 404); a project in ``held`` waits for its event before answering.
    The one fake PyPI of the screen tests (tests/ui/facts_app.py gives it grid 7's answers)."""

    def __init__(self, answers: dict[str, object] | None = None) -> None:
        self.answers: dict[str, object] = dict(answers or {})
        self.requests: list[str] = []
        self.held: dict[str, asyncio.Event] = {}

    def hold(self, name: str) -> asyncio.Event:
        self.held[name] = gate = asyncio.Event()
        return gate

    def transport(self) -> httpx.AsyncBaseTransport:
        return self

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.removeprefix("/pypi/").removesuffix("/json").strip("/")
        self.requests.append(name)
        if name in self.held:
            await self.held[name].wait()
        answer = self.answers.get(name, 404)
        if isinstance(answer, int):
            return httpx.Response(answer, json={"message": "scripted"}, request=request)
        return httpx.Response(200, json=answer, request=request)


def keep_facts(store: Store, data: dict[str, Any], *, age: float = 0.0, error: str | None = None) -> None:
    """Keep facts parsed from ``data`` in ``store``, as if fetched ``age`` seconds ago."""
    facts = parse_facts(data)
    store.put_pypi_facts([(facts.name.lower(), facts, error)])
    if age:
        # The store stamps the fetch with the time it is kept; age it by hand for the test.
        fetched_at = time.time() - age
        store._write(
            lambda c: c.execute(
                "UPDATE pypi_facts SET fetched_at = ? WHERE name = ?", (fetched_at, facts.name.lower())
            )
        )


def pypi_app(
    tmp_path: Path,
    pypi: FakePyPI,
    *,
    target: StartTarget = OTP,
    api: DemoAPI | None = None,
    store: Store | None = None,
    with_store: bool = True,
    **config: Any,
) -> tuple[PkgtuiApp, ScriptedTransport, Store | None]:
    """An app on the demo API (not synced: screens load from the API, the store keeps PyPI's
    facts), with PyPI allowed unless ``config`` says otherwise."""
    api = api or DemoAPI()
    transport = ScriptedTransport(api)
    client = open_client(api.base_url, transport=transport, backoff=0.0)
    if store is None and with_store:
        store = Store(tmp_path / "catalogue.sqlite")
    settings = replace(Config(), auto_sync=False, pypi_url=PYPI_URL, **config)
    app = create_app(
        settings,
        client=client,
        target=target,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "userdata.json"),
        store=store,
        pypi_transport=pypi.transport(),
    )
    app.cursor_blink = False
    return app, transport, store
