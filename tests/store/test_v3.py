"""API v3's whole grid: the mapping to Package, and the quiet fallback to v4."""

from __future__ import annotations

import json

import pytest

from pkgtui.api import open_client
from pkgtui.api.models import Package
from pkgtui.api.v3 import V3Package, V3Unavailable, fast_page, grid_packages, parse_page, v3_root
from pkgtui.store import Store, fetch_grid_members, sync_catalogue
from tests.hostile import hostile_api
from tests.server import LocalAPI, body, reshaped, status
from tests.v3_data import V3API, usage_of

GRID = 426  # a sample grid with several members


def test_the_v3_root_is_the_v4_roots_sibling_unless_configured():
    assert v3_root("https://djangopackages.org/api/v4/") == "https://djangopackages.org/api/v3/"
    assert v3_root("http://127.0.0.1:8000/api/v4") == "http://127.0.0.1:8000/api/v3/"
    assert v3_root("https://x/api/v4/", "https://mirror/v3") == "https://mirror/v3/"


def test_a_v3_object_maps_to_the_v4_model(demo_api):
    v3 = V3API(demo_api)
    raw = next(p for p in demo_api.packages if p["slug"] == "django-otp")
    item = V3Package.from_api(v3.package(raw))
    assert isinstance(v3.package(raw)["participants"], str)  # as upstream sends it
    assert isinstance(v3.package(raw)["commits_over_52"], str)
    assert item.usage_count == usage_of(raw)
    v4 = Package.from_api(raw)
    mapped = item.to_package(
        v4.id, category_url=v4.category_url, grid_urls=v4.grid_urls, last_updated=v4.last_updated
    )
    assert mapped == v4  # every field v4 has, from v3 plus the ids and last commit


def test_hostile_v3_strings_stay_literal():
    api = hostile_api()
    v3 = V3API(api)
    for raw in api.packages:
        if not isinstance(raw.get("slug"), str) or not raw["slug"]:
            continue
        item = V3Package.from_api(v3.package(raw))
        if isinstance(raw.get("title"), str):
            assert item.title == raw["title"]
        if isinstance(raw.get("repo_description"), str):
            assert item.repo_description == raw["repo_description"]


def _v3_body(objects: list, total: int | None = None) -> bytes:
    return json.dumps(
        {"meta": {"total_count": len(objects) if total is None else total}, "objects": objects}
    ).encode()


def test_the_fast_read_of_a_v3_page_agrees_with_the_lenient_one(demo_api):
    v3 = V3API(demo_api)
    objects = [v3.package(raw) for raw in demo_api.packages]
    body = _v3_body(objects)
    fast = fast_page(body)
    assert fast is not None and len(fast.objects) == len(demo_api.packages)  # every sample: fast
    assert fast == parse_page(json.loads(body))
    # Naive times are UTC, as parse_time reads them; lists where v3 writes comma strings too.
    naive = dict(objects[0], created="2020-01-02T03:04:05", commits_over_52=[1, 2], participants=["a", " b "])
    assert fast_page(_v3_body([naive])) == parse_page(json.loads(_v3_body([naive])))


def test_hostile_v3_strings_read_fast_agree_and_stay_literal():
    api = hostile_api()
    v3 = V3API(api)
    for raw in api.packages:
        if not isinstance(raw.get("slug"), str) or not raw["slug"].strip():
            continue
        body = _v3_body([v3.package(raw)])
        fast = fast_page(body)
        if fast is not None:  # else the lenient path reads it, as before
            assert fast == parse_page(json.loads(body))
            if isinstance(raw.get("title"), str):
                assert fast.objects[0].title == raw["title"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"meta": {"total_count": -1}, "objects": []}',
        b'{"meta": {"total_count": 1}, "objects": [{"slug": "  "}]}',  # no slug: lenient skips it
        b'{"meta": {"total_count": 1}, "objects": [{"slug": "a", "title": null}]}',
        b'{"meta": {"total_count": 1}, "objects": [{"slug": "a", "repo_watchers": "9"}]}',
        b'{"meta": {"total_count": 1}, "objects": [{"slug": "a", "usage_count": true}]}',
        b'{"count": 3, "results": []}',
    ],
    ids=repr,
)
def test_the_fast_read_of_an_odd_body_ends_as_the_lenient_one(body):
    def outcome(read):
        try:
            return read()
        except V3Unavailable:
            return "unavailable"
        except ValueError:
            return "not JSON"

    lenient = outcome(lambda: parse_page(json.loads(body)))
    fast = outcome(lambda: fast_page(body))
    # Not JSON to msgspec: None, and the lenient path reads it (here: it cannot either).
    assert fast == lenient or (fast is None and lenient == "not JSON")


@pytest.mark.parametrize(
    "data",
    [None, [], {"objects": []}, {"meta": {}, "objects": []}, {"meta": {"total_count": "9"}, "objects": []},
     {"meta": {"total_count": 2}, "objects": [1, "x"]}, {"count": 3, "results": []}],
    ids=repr,
)  # fmt: skip
def test_anything_not_of_v3s_shape_is_unavailable(data):
    with pytest.raises(V3Unavailable):
        parse_page(data)


async def test_objects_without_a_slug_are_skipped():
    page = parse_page({"meta": {"total_count": 2}, "objects": [{"title": "no slug"}, {"slug": "ok"}]})
    assert [item.slug for item in page.objects] == ["ok"] and page.skipped == 1


@pytest.fixture
async def synced(local_api, tmp_path):
    path = tmp_path / "catalogue.sqlite"
    async with open_client(local_api.url) as client:
        await sync_catalogue(client, path, usage=False)
    local_api.log.clear()
    store = Store(path)
    yield local_api, store
    store.close()


async def members_of(server: LocalAPI, store: Store | None, grid_id: int = GRID) -> list:
    async with open_client(server.url) as client:
        grid = await client.grid(grid_id)
        server.log.clear()
        return [f async for f in fetch_grid_members(client, store, grid)]


async def test_a_grid_in_one_v3_request(synced):
    server, store = synced
    fetched = await members_of(server, store)
    grid = store.grid(GRID)
    assert sorted(f.key for f in fetched) == sorted(grid.package_ids) and all(f.value for f in fetched)
    assert len(grid.package_ids) >= 3
    assert server.log.paths == [
        f"/api/v3/grids/grid-{GRID}/packages/?limit={len(grid.package_ids) + 20}&offset=0"
    ]
    for f in fetched:  # exactly what v4 says of each
        v4 = Package.from_api(next(p for p in server.api.packages if p["id"] == f.key))
        assert f.value == v4
        assert store.usage_count(f.key) == usage_of(next(p for p in server.api.packages if p["id"] == f.key))


@pytest.mark.parametrize(
    "fault",
    [status(404), reshaped(lambda data: {"detail": "no"}), body(b"<html>login</html>"), status(500)],
    ids=["404", "wrong shape", "html", "500"],
)
async def test_without_v3_the_members_come_from_v4_quietly(synced, fault):
    server, store = synced
    server.faults.add(fault, path=r"^/api/v3/")
    fetched = await members_of(server, store)
    grid = store.grid(GRID)
    assert sorted(f.key for f in fetched) == sorted(grid.package_ids) and all(f.value for f in fetched)
    v4 = [path for path in server.log.paths if path.startswith("/api/v4/packages/")]
    assert len(v4) == len(grid.package_ids)


async def test_members_the_store_cannot_match_come_from_v4(synced):
    server, store = synced
    grid = store.grid(GRID)
    first = grid.package_ids[0]
    store._connection.execute("UPDATE packages SET slug = 'renamed-locally' WHERE id = ?", (first,))
    fetched = await members_of(server, store)
    assert sorted(f.key for f in fetched) == sorted(grid.package_ids)
    assert [p for p in server.log.paths if p.startswith("/api/v4/")] == [f"/api/v4/packages/{first}/"]


async def test_without_a_store_v4_is_used(local_api):
    fetched = await members_of(local_api, None)
    assert fetched and not any(p.startswith("/api/v3/") for p in local_api.log.paths)


async def test_v3_is_not_asked_for_a_slug_it_cannot_route(local_api):
    async with open_client(local_api.url) as client:
        with pytest.raises(V3Unavailable):
            await grid_packages(client, v3_root(local_api.url), "not a slug/../x")
    assert local_api.log.paths == []
