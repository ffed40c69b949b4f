"""The client against a real HTTP server on 127.0.0.1, started by the test."""

from __future__ import annotations

from pkgtui.api import NotFound, open_client


async def test_everything_over_real_http(local_api, tmp_path):
    client = open_client(local_api.url, cache_file=tmp_path / "cache.sqlite", concurrency=4, page_size=10)
    try:
        assert {c.slug for c in await client.categories()} == {"apps", "frameworks", "projects", "other"}
        packages = await client.list_all("packages", lambda d: d["id"])
        assert len(packages) == 77 and len(set(packages)) == 77
        grid = await client.grid(7)
        members = [f async for f in client.iter_packages(grid.package_ids)]
        assert {f.value.id for f in members} == set(grid.package_ids) and len(members) == 4
        assert local_api.log.max_in_flight <= 4
        try:
            await client.package("no-such-package")
        except NotFound as error:
            assert "No Package matches the given query." in error.message
        else:
            raise AssertionError("expected NotFound")
        before = len(local_api.log.paths)
        await client.grid(7)  # fresh in the disk cache: no request
        assert len(local_api.log.paths) == before
    finally:
        await client.aclose()


async def test_concurrency_bound_over_real_http(local_api):
    local_api.faults.latency = 0.05
    client = open_client(local_api.url, concurrency=8)
    try:
        ids = [p["id"] for p in local_api.api.packages]
        results = [f async for f in client.iter_packages(ids)]
    finally:
        await client.aclose()
    assert all(f.error is None for f in results) and len(results) == 77
    # Server-side counts depend on thread timing: the bound must hold and concurrency must be used.
    assert 1 < local_api.log.max_in_flight <= 8
