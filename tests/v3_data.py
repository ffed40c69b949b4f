"""API v3 rendered from the sample data, the way upstream djangopackages renders it.

Upstream (``apiv3/views.py`` and ``apiv3/resources.py``): lists answer
``{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}`` with relative
``next``/``previous`` paths; objects name each other by slug in relative URIs; a package has
no id and no ``last_updated``, ``commits_over_52`` (and ``commit_list``) and
``participants`` are comma-separated strings, and ``usage_count`` is the website's
"Using this". Packages are ordered by title (the model's ``Meta.ordering``).
``grids/<slug>/packages/`` adds the grid itself under ``"grid"``. A 404 is django-jsonview's
``{"error": 404, "message": ...}``.

Usage counts are not in the sample; each package gets a fixed made-up one (:func:`usage_of`)
unless ``usage`` overrides it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pkgtui.api.demo import DemoAPI
from pkgtui.api.models import id_from_url

ROOT = "/api/v3/"
DEFAULT_LIMIT = 20

JSON = dict[str, Any]


def usage_of(package: JSON) -> int:
    """A made-up usage count, fixed per package id."""
    return (int(package["id"]) * 7919) % 53


class V3API:
    """Answers API v3 requests from a DemoAPI's objects (paths relative to ``/api/v3/``)."""

    def __init__(self, api: DemoAPI, usage: Mapping[str, int] | None = None) -> None:
        self.api = api
        self.usage = dict(usage or {})
        self._categories = {c["id"]: c for c in api.categories}
        self._grids = {g["id"]: g for g in api.grids}
        self._grids_by_slug = {g["slug"]: g for g in api.grids if isinstance(g.get("slug"), str)}
        self._packages = sorted(api.packages, key=lambda p: (str(p.get("title") or ""), p["id"]))
        self._packages_by_slug = {p["slug"]: p for p in api.packages if isinstance(p.get("slug"), str)}
        self._members: dict[int, list[JSON]] = {}
        for package in self._packages:
            for url in package.get("grids") or []:
                grid_id = id_from_url(url, "grids")
                if grid_id is not None:
                    self._members.setdefault(grid_id, []).append(package)

    def handle(self, path: str, query: Mapping[str, str]) -> tuple[int, Any]:
        parts = [p for p in path.strip("/").split("/") if p]
        if not parts:
            return 200, {kind: f"{ROOT}{kind}/" for kind in ("categories", "grids", "packages", "users")}
        match parts:
            case ["packages"]:
                return 200, self._page("packages/", self._packages, query)
            case ["packages", slug] if slug in self._packages_by_slug:
                return 200, self.package(self._packages_by_slug[slug])
            case ["grids"]:
                return 200, self._page("grids/", self.api.grids, query, self.grid)
            case ["grids", slug] if slug in self._grids_by_slug:
                return 200, self.grid(self._grids_by_slug[slug])
            case ["grids", slug, "packages"] if slug in self._grids_by_slug:
                grid = self._grids_by_slug[slug]
                members = self._members.get(grid["id"], [])
                return 200, self._page(f"grids/{slug}/packages/", members, query) | {"grid": self.grid(grid)}
        return 404, {"error": 404, "message": "No such object."}

    def _page(
        self,
        path: str,
        objects: list[JSON],
        query: Mapping[str, str],
        render: Callable[[JSON], JSON] | None = None,
    ) -> JSON:
        """One page of ``objects`` (v4 objects), each rendered as v3 (packages by default)."""
        render = render or self.package
        limit = _int(query.get("limit"), DEFAULT_LIMIT)
        offset = _int(query.get("offset"), 0)
        count = len(objects)
        return {
            "meta": {
                "limit": limit,
                "next": f"{ROOT}{path}?limit={limit}&offset={offset + limit}"
                if count > limit + offset
                else None,
                "offset": offset,
                "previous": None
                if offset <= 0
                else f"{ROOT}{path}?limit={limit}&offset={max(offset - limit, 0)}",
                "total_count": count,
            },
            "objects": [render(item) for item in objects[offset : offset + limit]],
        }

    def package(self, package: JSON) -> JSON:
        category = self._categories.get(id_from_url(package.get("category"), "categories") or -1)
        grids = [self._grids.get(id_from_url(url, "grids") or -1) for url in package.get("grids") or []]
        commits = ",".join(str(n) for n in package.get("commits_over_52") or [])
        participants = package.get("participants") or []
        slug = package.get("slug")
        return {
            "absolute_url": f"/packages/p/{slug}/",
            "created": package.get("created"),
            "modified": package.get("modified"),
            "slug": slug,
            "title": package.get("title"),
            "category": f"{ROOT}categories/{category['slug']}/" if category else None,
            "commit_list": commits,
            "commits_over_52": commits,
            "created_by": None,
            "documentation_url": package.get("documentation_url"),
            "grids": [f"{ROOT}grids/{grid['slug']}/" for grid in grids if grid],
            "last_fetched": package.get("last_fetched"),
            "last_modified_by": None,
            "participants": ",".join(p for p in participants if isinstance(p, str))
            if isinstance(participants, list)
            else participants,
            "pypi_url": package.get("pypi_url"),
            "pypi_version": package.get("pypi_version"),
            "repo_description": package.get("repo_description"),
            "repo_forks": package.get("repo_forks"),
            "repo_url": package.get("repo_url"),
            "repo_watchers": package.get("repo_watchers"),
            "resource_uri": f"{ROOT}packages/{slug}/",
            "usage_count": self.usage.get(str(slug), usage_of(package)),
        }

    def grid(self, grid: JSON) -> JSON:
        members = self._members.get(grid["id"], [])
        return {
            "absolute_url": f"/grids/g/{grid['slug']}/",
            "created": grid.get("created"),
            "modified": grid.get("modified"),
            "slug": grid["slug"],
            "title": grid.get("title"),
            "description": grid.get("description"),
            "is_locked": grid.get("is_locked", False),
            "resource_uri": f"{ROOT}grids/{grid['slug']}/",
            "header": grid.get("header", False),
            "packages": [f"{ROOT}packages/{p['slug']}/" for p in members],
        }


def _int(value: str | None, default: int) -> int:
    # upstream's GET_int: no bounds, a non-number gives the default
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
