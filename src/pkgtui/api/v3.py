"""API v3's whole-grid endpoint, and its packages mapped to the v4 :class:`Package`.

djangopackages.org still routes API v3 (upstream ``urls.py``: ``api/v3/`` → ``apiv3.urls``).
``GET grids/<slug>/packages/?limit=N`` answers every member of a grid as a full object in one
request, where API v4 needs one request a member. Its shape (upstream ``apiv3/views.py``,
``grid_packages_list``, and ``apiv3/resources.py``, ``package_resource``) differs from v4:

- ``{"meta": {"limit", "next", "offset", "previous", "total_count"}, "grid": {...},
  "objects": [...]}``, pages by ``limit``/``offset`` (no upper bound on ``limit``);
- objects name each other by slug in relative URIs (``/api/v3/categories/apps/``,
  ``/api/v3/grids/<slug>/``) and carry no ``id``;
- ``commits_over_52`` and ``participants`` are comma-separated strings;
- no ``last_updated`` (the last commit), and a ``usage_count`` (the website's "Using this").

So a v3 object becomes a :class:`Package` only together with what a v4 source knows: its id,
its category's and grids' ids, and ``last_updated`` (see ``pkgtui.store.members``). Anything
that is not of this shape, and a 404 (a server without v3), raise :class:`V3Unavailable`, so
the caller can fall back to API v4 quietly.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
import msgspec

from .client import Client, cancel_and_wait
from .errors import APIError, BadResponse, NotFound
from .models import Package, parse_time

PAGE_LIMIT = 1000
MAX_GRID_PAGES = 5  # a grid of more than 5,000 members is not a grid anyone reads
MAX_PACKAGE_PAGES = 200  # the whole catalogue: 200,000 packages
# Upstream routes only Django slugs here (``<slug:slug>``): anything else cannot be a v3 grid.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_URI_SLUG = re.compile(r"/(categories|grids|packages)/([^/?#]+)/?(?:[?#].*)?$")


class V3Unavailable(APIError):
    """API v3 did not answer in its shape (missing, 404, another shape): use v4 instead."""


def v3_root(api_url: str, override: str | None = None) -> str:
    """The v3 root: ``override`` when given, else the sibling ``v3/`` of the v4 root
    (``https://djangopackages.org/api/v4/`` → ``https://djangopackages.org/api/v3/``)."""
    if override:
        return override if override.endswith("/") else override + "/"
    base = api_url if api_url.endswith("/") else api_url + "/"
    return urljoin(base, "../v3/")


def slug_from_uri(uri: object, kind: str) -> str | None:
    """``apps`` from ``/api/v3/categories/apps/``, when ``uri`` names a ``kind``."""
    if not isinstance(uri, str):
        return None
    match = _URI_SLUG.search(uri.strip())
    if match is None or match.group(1) != kind:
        return None
    return match.group(2)


class V3Package(msgspec.Struct, frozen=True):
    """One v3 package object, its fields checked and typed; ids are not part of v3."""

    slug: str
    title: str
    category_slug: str | None
    grid_slugs: tuple[str, ...]
    usage_count: int | None
    repo_url: str | None
    pypi_url: str | None
    documentation_url: str | None
    pypi_version: str | None
    repo_description: str
    repo_forks: int | None
    repo_watchers: int | None
    commits_over_52: tuple[int, ...]
    participants: tuple[str, ...]
    created: datetime | None
    modified: datetime | None
    last_fetched: datetime | None

    @classmethod
    def from_api(cls, data: object) -> V3Package:
        if not isinstance(data, dict):
            raise BadResponse("expected a v3 package object")
        slug = data.get("slug")
        if not isinstance(slug, str) or not slug.strip():
            raise BadResponse("v3 package object without a slug")
        grids = data.get("grids")
        return cls(
            slug=slug.strip(),
            title=_text(data.get("title")),
            category_slug=slug_from_uri(data.get("category"), "categories"),
            grid_slugs=tuple(
                s
                for s in (slug_from_uri(uri, "grids") for uri in (grids if isinstance(grids, list) else ()))
                if s
            ),
            usage_count=_count(data.get("usage_count")),
            repo_url=_optional(data.get("repo_url")),
            pypi_url=_optional(data.get("pypi_url")),
            documentation_url=_optional(data.get("documentation_url")),
            pypi_version=_optional(data.get("pypi_version")),
            repo_description=_text(data.get("repo_description")),
            repo_forks=_count(data.get("repo_forks")),
            repo_watchers=_count(data.get("repo_watchers")),
            commits_over_52=_counts(data.get("commits_over_52")),
            participants=_names(data.get("participants")),
            created=parse_time(data.get("created")),
            modified=parse_time(data.get("modified")),
            last_fetched=parse_time(data.get("last_fetched")),
        )

    def to_package(
        self,
        package_id: int,
        *,
        category_url: str | None,
        grid_urls: tuple[str, ...],
        last_updated: datetime | None,
    ) -> Package:
        """The v4 model, given what v3 does not say: the id, the category's and grids' v4
        URLs, and the last commit's date."""
        return Package(
            id=package_id,
            title=self.title,
            slug=self.slug,
            category_url=category_url,
            grid_urls=grid_urls,
            last_updated=last_updated,
            last_fetched=self.last_fetched,
            created=self.created,
            modified=self.modified,
            repo_url=self.repo_url,
            pypi_url=self.pypi_url,
            documentation_url=self.documentation_url,
            pypi_version=self.pypi_version,
            repo_description=self.repo_description,
            repo_forks=self.repo_forks,
            repo_watchers=self.repo_watchers,
            commits_over_52=self.commits_over_52,
            participants=self.participants,
        )


class V3Page(msgspec.Struct, frozen=True):
    objects: list[V3Package]
    total_count: int
    skipped: int  # objects that were not v3 packages


def fast_page(body: bytes) -> V3Page | None:
    """The v3 list page in ``body``, its JSON decoded by msgspec rather than ``json.loads``
    (a grid of 160's page: 2.8 → 2.5 ms with :func:`parse_page`, bench data, best of 7), then
    read by :func:`parse_page` as always; None for a body msgspec does not decode, which the
    lenient path then reads (or says why it cannot). A typed msgspec decode of the objects
    was tried: 2.3 ms, for a second copy of :meth:`V3Package.from_api`'s mapping."""
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    return parse_page(data)


async def grid_packages(
    client: Client, root: str, grid_slug: str, *, refresh: bool = False, limit: int = PAGE_LIMIT
) -> V3Page:
    """Every member of the grid ``grid_slug``, in one request when it has at most ``limit``
    (further pages, at most :data:`MAX_GRID_PAGES` in all, fetched together).
    Raises V3Unavailable for a 404 or an answer not of v3's shape."""
    if not _SLUG.fullmatch(grid_slug):
        raise V3Unavailable(f"{grid_slug!r} is not a slug API v3 can look up")
    url = f"{root}grids/{quote(grid_slug, safe='')}/packages/"
    pages = [page async for page in _pages(client, url, limit, MAX_GRID_PAGES, refresh)]
    objects = [item for page in pages for item in page.objects]
    return V3Page(objects, pages[0].total_count, sum(page.skipped for page in pages))


class _UsageObject(msgspec.Struct, gc=False):
    slug: object = None
    usage_count: object = None


class _UsageMeta(msgspec.Struct, gc=False):
    total_count: object = None


class _UsagePage(msgspec.Struct, gc=False):
    meta: _UsageMeta
    objects: list[_UsageObject]


_usage_page = msgspec.json.Decoder(_UsagePage)


async def iter_usage_pages(
    client: Client, root: str, *, limit: int = PAGE_LIMIT
) -> AsyncIterator[list[tuple[str, int]]]:
    """Every package's usage count from the v3 catalogue (``packages/``): its only source.
    ``(slug, count)`` pairs page by page as they arrive, at most :data:`MAX_PACKAGE_PAGES`.

    Each page is read with msgspec straight from its bytes, keeping only the two fields: a
    page of 1,000 full objects as Python dicts took ~15 MB, and a sync holds several. So
    it goes through ``client.http`` (the client's transports: bound, cache) rather than
    ``get_json``, without retries: the counts are extra, and a sync whose v3 fails keeps
    the counts held before. Raises V3Unavailable for anything but pages of v3's shape."""
    url = f"{root}packages/"
    first, total = await _usage_page_at(client, url, limit, 0)
    pages = min(MAX_PACKAGE_PAGES, math.ceil(total / limit)) if total else 1
    tasks: list[asyncio.Future[Any]] = [
        asyncio.ensure_future(_usage_page_at(client, url, limit, n * limit)) for n in range(1, pages)
    ]
    try:
        yield first
        for task in asyncio.as_completed(tasks):
            pairs, _ = await task
            yield pairs
    finally:
        await cancel_and_wait(tasks)


async def _usage_page_at(
    client: Client, url: str, limit: int, offset: int
) -> tuple[list[tuple[str, int]], int]:
    try:
        response = await client.http.get(url, params={"limit": limit, "offset": offset})
    except httpx.HTTPError as error:
        raise V3Unavailable(f"API v3 at {_host_path(url)} did not answer ({type(error).__name__})") from None
    if response.status_code != 200:
        raise V3Unavailable(f"API v3 at {_host_path(url)} answered HTTP {response.status_code}")
    try:
        page = _usage_page.decode(response.content)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise V3Unavailable(f"{_host_path(url)} did not answer a v3 list") from None
    total = page.meta.total_count
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise V3Unavailable(f"{_host_path(url)} answered a v3 list without its total_count")
    pairs = []
    for item in page.objects:
        count = _count(item.usage_count)
        if isinstance(item.slug, str) and item.slug.strip() and count is not None:
            pairs.append((item.slug.strip(), count))
    if page.objects and not pairs:
        raise V3Unavailable(f"{_host_path(url)} answered no v3 package objects")
    return pairs, total


async def _pages(
    client: Client, url: str, limit: int, max_pages: int, refresh: bool
) -> AsyncIterator[V3Page]:
    """The first page, then the others (as ``total_count`` says, within ``max_pages``)
    concurrently, yielded as they arrive."""
    first = await _page(client, url, limit, 0, refresh)
    pages = min(max_pages, math.ceil(first.total_count / limit)) if first.total_count else 1
    tasks: list[asyncio.Future[Any]] = [
        asyncio.ensure_future(_page(client, url, limit, n * limit, refresh)) for n in range(1, pages)
    ]
    try:
        yield first
        for task in asyncio.as_completed(tasks):
            yield await task
    finally:
        await cancel_and_wait(tasks)


async def _page(client: Client, url: str, limit: int, offset: int, refresh: bool) -> V3Page:
    try:
        # An answer not of v3's shape raises V3Unavailable from parse_page, inside the
        # fetch: not retried, and never kept in the HTTP cache.
        return await client.get_model(
            url,
            {"limit": limit, "offset": offset},
            refresh=refresh,
            fast=fast_page,
            lenient=parse_page,  # one function, so two askers of one page share its request
        )
    except NotFound as error:
        raise V3Unavailable(f"API v3 is not available at {_host_path(url)}") from error
    except BadResponse as error:
        raise V3Unavailable(f"API v3 at {_host_path(url)} did not answer JSON") from error


def parse_page(data: Any, url: str = "API v3") -> V3Page:
    """One v3 list page; V3Unavailable when it is not of that shape."""
    if not isinstance(data, dict):
        raise V3Unavailable(f"{_host_path(url)} did not answer a v3 list")
    meta, objects = data.get("meta"), data.get("objects")
    if not isinstance(meta, dict) or not isinstance(objects, list):
        raise V3Unavailable(f"{_host_path(url)} did not answer a v3 list")
    total = meta.get("total_count")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise V3Unavailable(f"{_host_path(url)} answered a v3 list without its total_count")
    parsed: list[V3Package] = []
    for item in objects:
        try:
            parsed.append(V3Package.from_api(item))
        except BadResponse:
            continue
    skipped = len(objects) - len(parsed)
    if objects and not parsed:
        raise V3Unavailable(f"{_host_path(url)} answered no v3 package objects")
    return V3Page(parsed, total, skipped)


def _host_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}" if parts.netloc else url


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value >= 0 else None


def _counts(value: object) -> tuple[int, ...]:
    """``"0,1,5,..."`` (v3), or a list; anything unreadable counts as 0 that week."""
    if isinstance(value, str):
        parts: list[object] = [part.strip() for part in value.split(",")] if value.strip() else []
    elif isinstance(value, list):
        parts = value
    else:
        return ()
    counts = []
    for part in parts:
        if isinstance(part, str) and part.isdigit():
            counts.append(int(part))
        else:
            counts.append(_count(part) or 0)
    return tuple(counts)


def _names(value: object) -> tuple[str, ...]:
    """``"alice,bob"`` (v3: the model's text field as stored), or a list of names."""
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(",") if name.strip())
    if isinstance(value, list):
        return tuple(name.strip() for name in value if isinstance(name, str) and name.strip())
    return ()
