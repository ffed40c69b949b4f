"""A sync makes each listed package's row from the few fields a row holds
(``wire.PackageColumns``); that row is the one the whole model gives, for every package."""

from __future__ import annotations

import json
import sqlite3
import time

import msgspec
import pytest

from pkgtui.api import Package
from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.api.errors import BadResponse
from pkgtui.store import Store, sync
from pkgtui.store.store import package_row
from tests.api.test_models import seed_objects
from tests.api.test_wire import NORMALISED, STEPS_ASIDE, base_package
from tests.hostile import hostile_packages
from tests.store.conftest import CATEGORY, package, sync_from


@pytest.fixture(autouse=True)
def away_from_utc(monkeypatch):
    """A naive timestamp is UTC: in a zone that is not, taking it as local time shows."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def synced_row(data: object) -> tuple[object, ...] | None:
    """The row a sync stages for ``data`` as an item of a list page: the fast path, else
    the lenient one (as Client._read_page takes them); None when it is no package."""
    raw = msgspec.Raw(json.dumps(data).encode())
    item = sync._package_fast(raw) or sync._package_lenient(json.loads(bytes(raw)))
    return item.model if item is not None else None


def model_row(data: object) -> tuple[object, ...]:
    return package_row(Package.from_api(data), 0, 0.0)


@pytest.mark.parametrize("data", [*sample_packages(), *seed_objects()], ids=lambda d: str(d["id"]))
def test_real_packages_take_the_fast_path_and_get_the_models_row(data):
    fast = sync._package_fast(msgspec.Raw(json.dumps(data).encode()))
    assert fast is not None
    assert fast.model == model_row(data)


ODD_ROW_FIELDS = {
    "padded category": {"category": "  https://djangopackages.org/api/v4/categories/5/ "},
    "blank category": {"category": "   "},
    "category of another kind": {"category": "https://djangopackages.org/api/v4/grids/5/"},
    "naive timestamp": {"last_updated": "2026-01-07T14:56:37"},
    "Z timestamp": {"last_updated": "2026-01-07T14:56:37Z"},
    "offset timestamp": {"last_updated": "2026-01-07T14:56:37+09:30"},
    "odd title and slug": {"title": "  Django_OTP  Ünïcode ", "slug": "django--otp_x"},
    # Fields a row does not hold, of types Package refuses: the row's fields still decode.
    "negative forks": {"repo_forks": -1},
    "null participants": {"participants": None, "grids": "not a list"},
}


@pytest.mark.parametrize("changes", ODD_ROW_FIELDS.values(), ids=ODD_ROW_FIELDS.keys())
def test_odd_row_fields_give_the_models_row(changes):
    data = base_package(**changes)
    assert sync._package_fast(msgspec.Raw(json.dumps(data).encode())) is not None
    assert synced_row(data) == model_row(data)


@pytest.mark.parametrize(
    "data",
    [*hostile_packages(), *[base_package(**c) for c in NORMALISED.values() if c], *STEPS_ASIDE.values()],
    ids=lambda d: str(d.get("slug", d) if isinstance(d, dict) else d)[:40],
)
def test_every_shape_gets_the_models_row_or_is_no_package(data):
    try:
        expected = model_row(data)
    except BadResponse:
        expected = None  # not a package at all: the sync skips it
    assert synced_row(data) == expected


async def test_a_package_listed_twice_in_a_page_is_kept_once_as_listed_last(catalogue):
    # Newest first, as the live API lists them; the rows are written in id order (faster),
    # which must not change which copy of a package is kept, nor the list's order.
    listed = [package(9, "Nine"), package(5, "Five"), package(7, "Seven"), package(5, "Five again")]
    result = await sync_from(
        DemoAPI(packages=listed, categories=[CATEGORY], grids=[]), catalogue, usage=False
    )
    assert result.packages == 3
    with Store(catalogue) as store:
        assert [p.title for p in store.category_packages(1)] == ["Nine", "Seven", "Five again"]
        assert store.status().packages == 3


def live_indexes(path) -> dict[str, set[str]]:
    """Each live table's indexes, as the columns they index (their names alternate)."""
    connection = sqlite3.connect(path)
    try:
        found: dict[str, set[str]] = {}
        for name, table in connection.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ):
            columns = ", ".join(row[2] for row in connection.execute(f"PRAGMA index_info({name})"))
            found.setdefault(table, set()).add(columns)
        return found
    finally:
        connection.close()


async def test_every_sync_leaves_the_live_tables_indexed_as_a_new_file_is(catalogue):
    Store(catalogue).close()
    expected = live_indexes(catalogue)  # made by schema.create_all
    assert "slug" in expected["packages"] and "package_id" in expected["grid_members"]
    api = DemoAPI()
    slug = api.packages[0]["slug"]
    for _ in range(3):  # each sync takes the other set of names
        await sync_from(api, catalogue)
        assert live_indexes(catalogue) == expected
        with Store(catalogue) as store:
            assert store.package(slug) is not None
