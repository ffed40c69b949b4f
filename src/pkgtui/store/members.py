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
    try:
        page = await _v3_page(client, grid, refresh, v3_url)
    except APIError:
        return []
    try:
        return list(_matched(client, store, page.objects, wanted).values())
    except StoreError:
        return []


async def fetch_v3_members(
    client: Client, store: Store | None, grid: Grid, *, refresh: bool = False, v3_url: str | None = None
) -> list[Package | v3.V3Package]:
    """Every member API v3 lists for ``grid``, in v3's order, from one request: a full
    :class:`Package` where the store knows its slug (its id and last commit from there, and
    the newer copy kept), else v3's object alone, which names no id and no last commit (so
    nothing keyed by id may take it, and it is not kept: the store holds v4's shape).
    For a grid the store does not hold whole. Raises :class:`~pkgtui.api.v3.V3Unavailable`
    (an APIError) when v3 does not answer in its shape; the caller falls back to v4."""
    page = await _v3_page(client, grid, refresh, v3_url)
    first: dict[str, v3.V3Package] = {}
    for item in page.objects:
        first.setdefault(item.slug, item)  # a slug listed twice is one member
    items = list(first.values())
    matched: dict[str, Package] = {}
    if store is not None:
        try:
            matched = _matched(client, store, items, None)
        except StoreError:
            matched = {}
    return [matched.get(item.slug, item) for item in items]


async def _v3_page(client: Client, grid: Grid, refresh: bool, v3_url: str | None) -> v3.V3Page:
    root = v3.v3_root(str(client.http.base_url), v3_url)
    return await v3.grid_packages(
        client, root, grid.slug, refresh=refresh, limit=_limit(len(grid.package_ids))
    )


def _matched(
    client: Client, store: Store, items: list[v3.V3Package], wanted: set[int] | None
) -> dict[str, Package]:
    """By slug, the v4 :class:`Package` of each of ``items`` the store knows the id of (and,
    when ``wanted`` is given, that is one of those ids), each kept in the store. Raises
    StoreError when the store cannot be read."""
    ids = store.ids_by_slug("packages", [item.slug for item in items])
    held = store.packages(
        [
            ids[item.slug]
            for item in items
            if item.slug in ids and (wanted is None or ids[item.slug] in wanted)
        ]
    )
    categories = store.ids_by_slug("categories", [item.category_slug for item in items if item.category_slug])
    grids = store.ids_by_slug("grids", [slug for item in items for slug in item.grid_slugs])
    v4_root = str(client.http.base_url)
    packages: dict[str, Package] = {}
    usage: dict[int, int] = {}
    left = set(wanted) if wanted is not None else None
    for item in items:
        package_id = ids.get(item.slug)
        if package_id is None or (left is not None and package_id not in left):
            continue  # unknown to the store, or not a member v4 names: v4 decides
        if left is not None:
            left.discard(package_id)  # a slug listed twice counts once
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
        packages[item.slug] = item.to_package(
            package_id,
            category_url=category_url,
            grid_urls=grid_urls,
            last_updated=before.last_updated if before is not None else None,
        )
        if item.usage_count is not None:
            usage[package_id] = item.usage_count
    _keep(store, list(packages.values()), usage, source="v3")
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
