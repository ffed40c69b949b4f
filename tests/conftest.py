"""Shared fixtures: every test runs with its own config/cache/data dirs and no network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pkgtui.api import Client, open_client
from pkgtui.api.demo import DemoAPI
from tests.server import LocalAPI


class Sleeps:
    """Records the client's backoff sleeps instead of waiting (pass as ``sleep=``)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


# Snapshots and relative ages ("3 mo ago") are computed against this moment.
FIXED_NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch) -> None:
    """Keep tests away from the user's real config and cache, and from the live API."""
    for name in ("config", "cache", "data", "state"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(tmp_path / f"xdg-{name}"))
    for name in ("PKGTUI_CONFIG", "PKGTUI_API_URL", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def demo_api() -> DemoAPI:
    """The API v4 stand-in over the bundled sample data."""
    return DemoAPI()


@pytest.fixture
async def demo_client(demo_api: DemoAPI) -> Client:
    """A client answered in-process by ``demo_api`` (no cache, no retries' sleeping)."""
    client = open_client(demo_api.base_url, transport=demo_api.transport(), backoff=0.0)
    yield client
    await client.aclose()


@pytest.fixture
def local_api() -> Iterator[LocalAPI]:
    """A real HTTP server on 127.0.0.1 serving the sample data."""
    with LocalAPI() as server:
        yield server
