"""Helpers for the store's tests: a catalogue file per test, and syncs from in-process data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pkgtui.api import open_client
from pkgtui.api.demo import SITE_API, DemoAPI
from pkgtui.store import Store, SyncResult, sync_catalogue


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return tmp_path / "catalogue.sqlite"


async def sync_from(api: DemoAPI, path: Path, **options: Any) -> SyncResult:
    """A sync answered in-process by ``api`` (which has no API v3: usage counts are kept)."""
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0, retries=0)
    try:
        return await sync_catalogue(client, path, **options)
    finally:
        await client.aclose()


async def synced_store(path: Path, api: DemoAPI | None = None) -> Store:
    """The store at ``path``, synced from ``api`` (default: the demo data)."""
    await sync_from(api or DemoAPI(), path)
    return Store(path)


def package(pid: int, title: str, *, stars: int | None = 0, description: str = "", **fields: Any) -> dict:
    """A v4 package object with the fields a test cares about."""
    slug = fields.pop("slug", title.lower().replace(" ", "-"))
    return {
        "id": pid,
        "title": title,
        "slug": slug,
        "category": f"{SITE_API}categories/1/",
        "grids": fields.pop("grids", []),
        "repo_watchers": stars,
        "repo_forks": 0,
        "repo_description": description,
        "participants": [],
        "commits_over_52": [],
        **fields,
    }


CATEGORY = {"id": 1, "title": "App", "slug": "apps", "title_plural": "Apps", "description": ""}


def store_of(path: Path, warnings: list[str] | None = None) -> Store:
    return Store(path, on_warning=(warnings.append if warnings is not None else None))
