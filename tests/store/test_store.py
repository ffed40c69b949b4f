"""The store's reads after a sync of the sample data, its writes, and bad files set aside."""

from __future__ import annotations

import json
import sqlite3

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI, sample_categories, sample_packages
from pkgtui.api.models import Package
from pkgtui.store import Store, sync_catalogue
from pkgtui.store.schema import SCHEMA_VERSION
from tests.store.conftest import CATEGORY, package, store_of, sync_from


async def test_a_sync_of_the_sample_gives_every_screen_its_first_frame(catalogue):
    result = await sync_from(DemoAPI(), catalogue)
    assert (result.packages, result.categories, result.grids, result.skipped) == (77, 4, 68, 0)

    with Store(catalogue) as store:
        counts = {c.category.title: c.packages for c in store.category_counts()}
        titles = {c["id"]: c["title"] for c in sample_categories()}
        expected = dict.fromkeys(titles.values(), 0)
        for raw in sample_packages():
            expected[titles[Package.from_api(raw).category_id]] += 1
        assert counts == expected
        assert sum(counts.values()) == 77

        app = store.category("apps")
        assert app is not None
        members = store.category_packages(app.id)
        assert len(members) == counts[app.title]
        assert all(p.category_id == app.id for p in members)

        grid = store.grid("grid-426")
        assert grid is not None and grid.id == 426
        view = store.grid_view(426)
        assert view is not None
        assert [p.id for p in view.members] == list(grid.package_ids)  # in the grid's order
        assert view.missing == ()

        otp = store.package("django-otp")
        assert otp is not None and store.package(otp.id) == otp
        raw = next(p for p in sample_packages() if p["slug"] == "django-otp")
        assert store.package_raw("django-otp") == raw  # the API object as served
        assert store.package("no-such-package") is None and store.grid("999999") is None


async def test_a_grid_member_the_catalogue_lacks_is_named_missing(catalogue):
    grid = {
        "id": 5,
        "title": "G",
        "slug": "g",
        "packages": [
            "https://x/api/v4/packages/2/",
            "https://x/api/v4/packages/99/",
            "https://x/api/v4/packages/1/",
        ],
    }
    api = DemoAPI(packages=[package(1, "One"), package(2, "Two")], categories=[CATEGORY], grids=[grid])
    await sync_from(api, catalogue)
    with Store(catalogue) as store:
        view = store.grid_view("g")
        assert view is not None
        assert [p.id for p in view.members] == [2, 1]
        assert view.missing == (99,)


async def test_last_sync_and_staleness(catalogue):
    with Store(catalogue) as store:
        assert store.last_sync() is None and store.is_stale(86400)
    await sync_from(DemoAPI(), catalogue)
    with Store(catalogue) as store:
        synced = store.last_sync()
        assert synced is not None
        assert not store.is_stale(3600, now=synced.timestamp() + 60)
        assert store.is_stale(3600, now=synced.timestamp() + 3601)


async def test_put_packages_updates_a_package_and_its_search_text(catalogue):
    await sync_from(
        DemoAPI(packages=[package(1, "Alpha", stars=5)], categories=[CATEGORY], grids=[]), catalogue
    )
    with Store(catalogue) as store:
        changed = Package.from_api(package(1, "Zebra", stars=9))
        added = Package.from_api(package(2, "Newcomer"))
        import msgspec

        assert store.put_packages([(p, msgspec.json.encode(p)) for p in (changed, added)], usage={1: 4}) == 2
        assert store.package(1).title == "Zebra"
        assert store.usage_count(1) == 4 and store.usage_count(2) is None
        assert [p.id for p in store.search("zebra")] == [1]
        assert store.search("alpha") == [] or list(store.search("alpha")) == []
        assert [p.id for p in store.search("newcomer")] == [2]
        assert len(store.category_packages(1)) == 2


def test_a_file_that_is_not_a_database_is_set_aside_with_one_warning(catalogue):
    catalogue.write_bytes(b"this is not sqlite at all\n" * 100)
    warnings: list[str] = []
    with store_of(catalogue, warnings) as store:
        assert store.status().packages == 0
        assert store.search("django") == [] or len(store.search("django")) == 0
    assert len(warnings) == 1 and "set aside" in warnings[0]
    assert catalogue.with_name("catalogue.sqlite.broken").read_bytes().startswith(b"this is not sqlite")
    warnings.clear()
    with store_of(catalogue, warnings):
        pass
    assert warnings == []  # the new file is fine


def test_a_database_of_another_schema_version_is_set_aside(catalogue):
    with Store(catalogue):
        pass
    connection = sqlite3.connect(catalogue)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    warnings: list[str] = []
    with store_of(catalogue, warnings) as store:
        assert store.status().packages == 0
    assert len(warnings) == 1 and f"schema version {SCHEMA_VERSION + 1}" in warnings[0]


def test_another_programs_database_is_not_taken_as_a_catalogue(catalogue):
    connection = sqlite3.connect(catalogue)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.execute("INSERT INTO notes VALUES ('x')")
    connection.commit()
    connection.close()
    warnings: list[str] = []
    with store_of(catalogue, warnings) as store:
        assert store.categories() == []
    assert len(warnings) == 1 and "not a pkgtui catalogue" in warnings[0]


async def test_a_file_damaged_after_opening_is_set_aside_when_read(catalogue):
    await sync_from(DemoAPI(), catalogue)
    warnings: list[str] = []
    store = store_of(catalogue, warnings)
    # Scribble over every page after the first (the header stays valid).
    store._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(catalogue.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset : offset + 4096] = b"\xa5" * min(4096, len(data) - offset)
    catalogue.write_bytes(bytes(data))
    other = store_of(catalogue, warnings)  # a new process opening it
    assert other.category_counts() == []
    assert len(warnings) == 1 and "set aside" in warnings[0]
    assert other.status().packages == 0
    other.close()
    store.close()


async def test_raw_json_round_trips_hostile_strings(catalogue):
    title = '\x1b[31mRed\x1b[0m [b]bold[/b] "quoted" 🐍'
    await sync_from(
        DemoAPI(packages=[package(1, title, slug="hostile")], categories=[CATEGORY], grids=[]), catalogue
    )
    with Store(catalogue) as store:
        assert store.package("hostile").title == title  # stored literally; cleaned where shown
        assert json.loads(store.package_raw_bytes(1))["title"] == title


async def test_a_store_made_late_reads_nothing_until_a_write_or_a_sync_makes_the_file(tmp_path):
    # The TUI's store: a first start paints home without making the file (~6.5 ms).
    path = tmp_path / "cache" / "catalogue.sqlite"
    store = Store(path, create_late=True)
    assert (store.categories(), store.last_sync(), store.package_count()) == ([], None, 0)
    assert store.search("django").ids == []
    assert not path.exists() and not path.parent.exists()
    await sync_from(DemoAPI(), path)  # another connection makes it
    assert store.last_sync() is not None and store.package_count() == 77
    store.close()

    # A sync handed the store itself (as the TUI's background sync is) makes the file first.
    handed = Store(tmp_path / "handed.sqlite", create_late=True)
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0, retries=0)
    try:
        result = await sync_catalogue(client, handed)
    finally:
        await client.aclose()
    assert result.packages == 77 and handed.package_count() == 77
    handed.close()

    other = tmp_path / "other.sqlite"
    late = Store(other, create_late=True)
    assert late.put_pypi_facts([("django-otp", None, "not on PyPI")]) == 1  # a write makes it
    assert other.exists() and "django-otp" in late.pypi_facts(["django-otp"])
    late.close()
    Store(tmp_path / "never.sqlite", create_late=True).close()
    assert not (tmp_path / "never.sqlite").exists()
