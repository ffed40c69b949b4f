"""An in-process stand-in for API v4, serving the bundled sample data.

``DemoAPI.handle`` is pure routing (path and query in, status and JSON out), so the
same behaviour backs ``pkgtui --demo`` (through an httpx transport), the tests' real
HTTP server on 127.0.0.1 and the benchmarks. It behaves like API v4: ``limit``/``offset``
pages with ``count``/``next``/``previous``, lookups by id or slug (categories by id only),
404 bodies, and ``search/?q=`` answering a bare list of at most 20.

The sample has no grid objects, only the grid URLs in each package. Grids are derived
from those and named honestly by id: their real titles are not known here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from .models import id_from_url

DEMO_BASE_URL = "https://demo.pkgtui.invalid/api/v4/"
SITE_API = "https://djangopackages.org/api/v4/"
DEFAULT_LIMIT = 20
SEARCH_LIMIT = 20

JSON = dict[str, Any]


@cache
def sample_packages() -> tuple[JSON, ...]:
    return tuple(_load("packages"))


@cache
def sample_categories() -> tuple[JSON, ...]:
    return tuple(_load("categories"))


def _load(kind: str) -> list[JSON]:
    folder = resources.files("pkgtui.api") / "demo_data" / kind
    items = [json.loads(f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".json")]
    return sorted(items, key=lambda item: item["id"])


def derive_grids(packages: Iterable[JSON], site_api: str = SITE_API) -> list[JSON]:
    """Grid objects built from the packages' ``grids`` lists, titled by id."""
    members: dict[int, list[int]] = {}
    for package in packages:
        for url in package.get("grids") or []:
            grid_id = id_from_url(url, "grids")
            if grid_id is not None:
                members.setdefault(grid_id, []).append(package["id"])
    return [
        {
            "id": grid_id,
            "title": f"Grid {grid_id}",
            "slug": f"grid-{grid_id}",
            "description": (
                f"Sample data: the packages that list grid {grid_id}. "
                "The grid's real title is not part of the sample."
            ),
            "is_locked": False,
            "header": False,
            "packages": [f"{site_api}packages/{pid}/" for pid in sorted(ids)],
            "created": None,
            "modified": None,
        }
        for grid_id, ids in sorted(members.items())
    ]


class DemoAPI:
    """Answers API v4 requests from in-memory objects."""

    def __init__(
        self,
        packages: Iterable[JSON] | None = None,
        categories: Iterable[JSON] | None = None,
        grids: Iterable[JSON] | None = None,
        base_url: str = DEMO_BASE_URL,
    ) -> None:
        # Copies: the sample data is read once per process and shared, and a test that changes
        # what its server serves must not change it for every later test (seen: a star count
        # raised by one test showed in the next test's snapshots).
        self.packages = [dict(p) for p in (sample_packages() if packages is None else packages)]
        self.categories = list(sample_categories() if categories is None else categories)
        self.grids = list(derive_grids(self.packages) if grids is None else grids)
        self.base_url = base_url
        # The live API lists newest first.
        self.packages.sort(key=lambda p: -p["id"])
        self.grids.sort(key=lambda g: -g["id"])
        self.categories.sort(key=lambda c: -c["id"])
        self._categories_by_id = {c["id"]: c for c in self.categories}
        self._grids_by_key = _index(self.grids)
        self._packages_by_key = _index(self.packages)

    def handle(self, path: str, query: Mapping[str, str]) -> tuple[int, Any]:
        """Route ``path`` (relative to the API root, like ``packages/12/``)."""
        parts = [p for p in path.strip("/").split("/") if p]
        if not parts:
            return 200, {
                kind: f"{self.base_url}{kind}/" for kind in ("categories", "grids", "packages", "search")
            }
        kind, rest = parts[0], parts[1:]
        if kind == "search" and not rest:
            return 200, self.search(query.get("q", ""))
        collections = {
            "categories": (self.categories, None),
            "grids": (self.grids, self._grids_by_key),
            "packages": (self.packages, self._packages_by_key),
        }
        if kind not in collections or len(rest) > 1:
            return 404, {"detail": "Not found."}
        items, by_key = collections[kind]
        if not rest:
            return 200, self._page(kind, items, query)
        key = rest[0]
        if by_key is None:  # categories: by id only
            found = self._categories_by_id.get(int(key)) if key.isdigit() else None
        else:
            found = by_key.get(key)
        if found is None:
            noun = {"categories": "Category", "grids": "Grid", "packages": "Package"}[kind]
            return 404, {"detail": f"No {noun} matches the given query."}
        return 200, found

    def _page(self, kind: str, items: list[JSON], query: Mapping[str, str]) -> JSON:
        limit = _int(query.get("limit"), DEFAULT_LIMIT, minimum=1)
        offset = _int(query.get("offset"), 0, minimum=0)
        page = items[offset : offset + limit]

        def link(new_offset: int) -> str:
            params = {"limit": limit} | ({"offset": new_offset} if new_offset else {})
            return f"{self.base_url}{kind}/?{urlencode(params)}"

        return {
            "count": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": page,
        }

    def search(self, term: str) -> list[JSON]:
        words = term.lower().split()
        if not words:
            return []
        categories = {c["id"]: c.get("title") or "" for c in self.categories}
        hits: list[tuple[int, JSON]] = []
        for package in self.packages:
            haystack = " ".join(
                str(package.get(k) or "") for k in ("title", "slug", "repo_description")
            ).lower()
            if all(word in haystack for word in words):
                weight = (
                    (package.get("repo_watchers") or 0)
                    if isinstance(package.get("repo_watchers"), int)
                    else 0
                )
                hits.append((weight, _package_hit(package, categories)))
        for grid in self.grids:
            haystack = f"{grid.get('title', '')} {grid.get('slug', '')}".lower()
            if all(word in haystack for word in words):
                hits.append((0, _grid_hit(grid)))
        hits.sort(key=lambda hit: -hit[0])
        return [hit for _, hit in hits[:SEARCH_LIMIT]]

    def transport(self) -> httpx.MockTransport:
        """An httpx transport that answers requests under ``base_url`` from this API."""
        root = urlsplit(self.base_url).path

        def respond(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if not path.startswith(root):
                return httpx.Response(404, json={"detail": "Not found."})
            query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
            status, body = self.handle(path[len(root) :], query)
            return httpx.Response(status, json=body)

        return httpx.MockTransport(respond)


def _index(items: list[JSON]) -> dict[str, JSON]:
    index: dict[str, JSON] = {}
    for item in items:
        index[str(item["id"])] = item
        if isinstance(item.get("slug"), str) and item["slug"]:
            index.setdefault(item["slug"], item)
    return index


def _int(value: str | None, default: int, *, minimum: int) -> int:
    try:
        return max(minimum, int(value)) if value is not None else default
    except ValueError:
        return default


def _package_hit(package: JSON, categories: dict[int, str]) -> JSON:
    slug = package.get("slug") or ""
    return {
        "weight": package.get("repo_watchers") or 0,
        "item_type": "package",
        "title": package.get("title"),
        "title_no_prefix": package.get("title"),
        "slug": slug,
        "slug_no_prefix": slug.removeprefix("django-"),
        "clean_title": package.get("title"),
        "description": package.get("repo_description"),
        "category": categories.get(id_from_url(package.get("category"), "categories") or -1, ""),
        "absolute_url": f"/packages/p/{slug}/",
        "repo_watchers": package.get("repo_watchers"),
        "repo_forks": package.get("repo_forks"),
        "pypi_downloads": 0,
        "usage": 0,
        "participants": ",".join(p for p in package.get("participants") or [] if isinstance(p, str)),
        "last_committed": package.get("last_updated"),
        "last_released": None,
    }


def _grid_hit(grid: JSON) -> JSON:
    return {
        "weight": 0,
        "item_type": "grid",
        "title": grid.get("title"),
        "title_no_prefix": grid.get("title"),
        "slug": grid.get("slug"),
        "slug_no_prefix": grid.get("slug"),
        "clean_title": grid.get("title"),
        "description": grid.get("description"),
        "category": "",
        "absolute_url": f"/grids/g/{grid.get('slug')}/",
        "repo_watchers": 0,
        "repo_forks": 0,
        "pypi_downloads": 0,
        "usage": 0,
        "participants": "",
        "last_committed": None,
        "last_released": None,
    }
