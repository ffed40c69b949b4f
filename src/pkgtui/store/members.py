"""A grid's members, in as few requests as the API allows: API v3's whole grid, else v4.

API v3 answers every member of a grid as a full object in one request
(``grids/<slug>/packages/``); API v4 needs one request a member. v3 objects carry no ids,
so they are matched to the grid's v4 members by slug through the store, which also gives
what v3 leaves out (the last commit's date, the category's and grids' v4 ids). Members the
store cannot match, and every member when v3 is unavailable (404, another shape, a
failure), are fetched from v4 one by one (``Client.iter_packages``), quietly.

Every member fetched is written to the store, so the next screen opens with it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec

from ..api import v3
from ..api.client import Client, Fetched
from ..api.errors import APIError
from ..api.models import Grid, Package
from .store import Store, StoreError


async def fetch_grid_members(
    client: Client,
    store: Store | None,
    grid: Grid,
    *,
    refresh: bool = False,
    v3_url: str | None = None,
) -> AsyncIterator[Fetched[Package]]:
    """Each of ``grid``'s members (by its v4 ``package_ids``), as it arrives: those v3 gave
    first (all at once), then the rest from v4. A member that fails is yielded with its
    error, as ``Client.iter_packages`` does."""
    wanted = list(grid.package_ids)
    if not wanted:
        return
    left = set(wanted)
    if store is not None:
        found = await _from_v3(client, store, grid, set(wanted), refresh, v3_url)
        for package in found:
            left.discard(package.id)
            yield Fetched(package.id, value=package)
    async for fetched in client.iter_packages([key for key in wanted if key in left], refresh=refresh):
        if fetched.value is not None and store is not None:
            _keep(store, [fetched.value], {})
        yield fetched


async def _from_v3(
    client: Client, store: Store, grid: Grid, wanted: set[int], refresh: bool, v3_url: str | None
) -> list[Package]:
    """The members v3 gives that the store can match to ``wanted`` ids; [] when v3 is
    unavailable or failed (the caller then asks v4 for them)."""
    root = v3.v3_root(str(client.http.base_url), v3_url)
    try:
        page = await v3.grid_packages(client, root, grid.slug, refresh=refresh, limit=_limit(len(wanted)))
    except APIError:
        return []
    try:
        ids = store.ids_by_slug("packages", [item.slug for item in page.objects])
        held = store.packages([ids[item.slug] for item in page.objects if ids.get(item.slug) in wanted])
        categories = store.ids_by_slug(
            "categories", [item.category_slug for item in page.objects if item.category_slug]
        )
        grids = store.ids_by_slug("grids", [slug for item in page.objects for slug in item.grid_slugs])
    except StoreError:
        return []
    v4_root = str(client.http.base_url)
    packages: list[Package] = []
    usage: dict[int, int] = {}
    for item in page.objects:
        package_id = ids.get(item.slug)
        if package_id is None or package_id not in wanted:
            continue  # unknown to the store, or not a member v4 names: v4 decides
        wanted = wanted - {package_id}  # a slug listed twice counts once
        before = held.get(package_id)
        # v3 names the category and grids by slug; the store knows their ids. Where they are
        # the ones the held copy names, its URLs are kept as the API wrote them.
        category_id = categories.get(item.category_slug) if item.category_slug else None
        if before is not None and (category_id is None or category_id == before.category_id):
            category_url = before.category_url
        else:
            category_url = f"{v4_root}categories/{category_id}/" if category_id is not None else None
        grid_ids = [grids[slug] for slug in item.grid_slugs if slug in grids]
        if before is not None and set(grid_ids) == set(before.grid_ids):
            grid_urls = before.grid_urls
        else:
            grid_urls = tuple(f"{v4_root}grids/{grid_id}/" for grid_id in grid_ids)
        package = item.to_package(
            package_id,
            category_url=category_url,
            grid_urls=grid_urls,
            last_updated=before.last_updated if before is not None else None,
        )
        packages.append(package)
        if item.usage_count is not None:
            usage[package_id] = item.usage_count
    _keep(store, packages, usage, source="v3")
    return packages


def _limit(members: int) -> int:
    """One page for the whole grid: a little room over the members v4 named."""
    return max(20, min(v3.PAGE_LIMIT, members + 20))


def _keep(store: Store, packages: list[Package], usage: dict[int, int], source: str = "v4") -> None:
    """Write what was fetched; a store that cannot be written is no reason to fail the grid."""
    try:
        store.put_packages(((p, msgspec.json.encode(p)) for p in packages), source=source, usage=usage)
    except StoreError:
        pass
