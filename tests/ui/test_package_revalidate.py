"""An old stored package, refreshed in the background, is kept in the store for the next screen."""

from __future__ import annotations

from textual.widgets import Static

from .conftest import settle
from .test_grid_v3 import _app, synced  # noqa: F401 (the fixture)


async def test_a_refreshed_old_package_is_kept_in_the_store(synced, tmp_path):  # noqa: F811
    server, store = synced
    key = store.grid(426).package_ids[0]
    served = next(p for p in server.api.packages if p["id"] == key)
    served["repo_watchers"] = (served.get("repo_watchers") or 0) + 100_000
    store.is_stale = lambda max_age, now=None: True  # type: ignore[method-assign]
    app = _app(server, store, tmp_path, cache_ttl=60.0)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        app.open_screen("package", str(key))
        await settle(pilot)
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen.shown_from_store
        assert app.screen.package.stars == served["repo_watchers"]
        fields = str(app.screen.query_one("#package-fields", Static).render())
        assert f"{served['repo_watchers']:,}" in fields
        assert store.package(key).stars == served["repo_watchers"]
