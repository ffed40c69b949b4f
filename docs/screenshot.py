"""Render docs/screenshot.svg, the README's picture: pkgtui's grid screen on the bundled demo data.

Run from the repository root when a screen changes: ``.venv/bin/python docs/screenshot.py``.
The same settings as the snapshot tests (in-process demo data, a fixed clock, no cursor blink),
so the picture changes only when the screen does.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from msgspec.structs import replace

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store, sync_catalogue
from pkgtui.target import StartTarget

OUT = Path(__file__).with_name("screenshot.svg")
SIZE = (100, 14)  # the grid has four rows: no empty half-screen below them
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def main() -> None:
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0)
    with tempfile.TemporaryDirectory() as scratch:
        # A synced catalogue (in a scratch file) and the demo's PyPI facts, as a user has them
        # after the first start: the picture shows the fact columns and the score.
        store = Store(Path(scratch) / "catalogue.sqlite")
        async with open_client(api.base_url, transport=api.transport(), backoff=0.0) as syncing:
            await sync_catalogue(syncing, store, usage=False)
        _, pypi = Config(demo=True).pypi_source()
        app = create_app(
            replace(Config(demo=True), auto_sync=False),
            client=client,
            target=StartTarget("grid", "7"),
            clock=lambda: NOW,
            store=store,
            pypi_transport=pypi,
        )
        await _shoot(app)
        store.close()
    print(f"wrote {OUT}")


async def _shoot(app) -> None:
    app.cursor_blink = False
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause()
        OUT.write_text(app.export_screenshot(title="pkgtui: a djangopackages.org grid"))


if __name__ == "__main__":
    asyncio.run(main())
