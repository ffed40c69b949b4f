"""The store is UI-free: importing it (and running a sync's code) loads no Textual or rich."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys


def test_importing_the_store_loads_no_ui():
    code = (
        "import sys, pkgtui.store, pkgtui.store.sync, pkgtui.store.members, pkgtui.api.v3, pkgtui.sync_command; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# The app on a synced catalogue, headless: at the first frame that shows home's categories, is
# any HTTP module loaded? The API URL points at a closed port, so a request would fail loudly.
WARM_START = """
import asyncio, sys
from pkgtui.app import create_app
from pkgtui.config import Config
from pkgtui.store import Store

HTTP = ("httpx", "httpcore", "anyio", "h11")
store = Store(sys.argv[1])
app = create_app(Config(api_url="http://127.0.0.1:9/api/v4/", auto_sync=False), store=store)
seen = []
original = app._display

def display(screen, renderable):
    if not seen and screen.query("#categories") and screen.query_one("#categories").row_count:
        seen.append(sorted(m for m, v in sys.modules.items() if v is not None and m.split(".")[0] in HTTP))
    return original(screen, renderable)

app._display = display

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if seen:
                break
            await pilot.pause(0.01)
    print(seen[0] if seen else "never painted")

asyncio.run(main())
"""


def test_a_warm_start_paints_home_before_any_http_module_is_imported(tmp_path):
    from pkgtui.api.demo import DemoAPI
    from tests.store.conftest import sync_from

    path = tmp_path / "catalogue.sqlite"
    asyncio.run(sync_from(DemoAPI(), path))
    env = os.environ | {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", WARM_START, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Before: httpx, httpcore and anyio were loaded before the first paint (app.py built its
    # client in __init__; config.py and the api package imported the client at the top).
    assert result.stdout.strip() == "[]", result.stdout
