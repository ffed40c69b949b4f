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

import copy
import hashlib
import json
import re
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


# -- PyPI, for the demo ------------------------------------------------------------------------

# Where the demo's PyPI lives: a name that can never resolve (.invalid), so a wiring mistake
# that sent a demo request to the network would fail instead of reaching pypi.org.
DEMO_PYPI_URL = "https://pypi.demo.pkgtui.invalid/pypi/"
PYPI_LAST_SERIAL = 28_000_000


@cache
def sample_pypi_projects() -> dict[str, JSON]:
    """The demo's PyPI facts, by normalized project name, in a compact form (see
    :func:`pypi_project_json`). They are made up for the demo (demo_data/pypi/projects.json
    says so too): plausible versions, dates, classifiers and licences, not PyPI's."""
    folder = resources.files("pkgtui.api") / "demo_data" / "pypi"
    data = json.loads((folder / "projects.json").read_text(encoding="utf-8"))
    projects: dict[str, JSON] = data["projects"]
    return projects


def pypi_project_json(project: Mapping[str, Any]) -> JSON:
    """PyPI's whole answer for ``GET /pypi/<name>/json`` (warehouse's
    ``docs/dev/api-reference/json.rst``: ``info``, ``last_serial``, ``releases``, ``urls``,
    ``vulnerabilities``) from one compact entry: ``name``, ``version``, ``releases`` (version →
    upload time), ``classifiers``, ``license``, optional ``license_expression``,
    ``requires_python``, ``summary``, ``yanked``, ``yanked_reason``."""
    name = str(project["name"])
    version = str(project["version"])
    yanked = bool(project.get("yanked"))
    files = {
        number: [_pypi_file(name, number, str(uploaded), yanked=yanked and number == version)]
        for number, uploaded in dict(project.get("releases") or {}).items()
    }
    info: JSON = {
        "author": "",
        "author_email": "",
        "bugtrack_url": None,
        "classifiers": list(project.get("classifiers") or []),
        "description": str(project.get("summary") or ""),
        "description_content_type": "text/markdown",
        "docs_url": None,
        "download_url": None,
        "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
        "dynamic": None,
        "home_page": None,
        "keywords": None,
        "license": project.get("license"),
        "maintainer": None,
        "maintainer_email": None,
        "name": name,
        "package_url": f"https://pypi.org/project/{name}/",
        "platform": None,
        "project_url": f"https://pypi.org/project/{name}/",
        "project_urls": None,
        "provides_extra": None,
        "release_url": f"https://pypi.org/project/{name}/{version}/",
        "requires_dist": None,
        "requires_python": project.get("requires_python"),
        "summary": str(project.get("summary") or ""),
        "version": version,
        "yanked": yanked,
        "yanked_reason": project.get("yanked_reason") if yanked else None,
    }
    if project.get("license_expression"):
        info["license_expression"] = project["license_expression"]
    return {
        "info": info,
        "last_serial": PYPI_LAST_SERIAL,
        "releases": files,
        "urls": [dict(file) for file in files.get(version, [])],
        "vulnerabilities": [],
    }


def _pypi_file(name: str, version: str, uploaded: str, *, yanked: bool) -> JSON:
    """One source distribution as PyPI lists it (made-up digest, size and URL)."""
    filename = f"{name.replace('-', '_')}-{version}.tar.gz"
    digest = hashlib.sha256(filename.encode()).hexdigest()
    return {
        "comment_text": "",
        "digests": {"blake2b_256": digest[::-1], "md5": digest[:32], "sha256": digest},
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": digest[:32],
        "packagetype": "sdist",
        "python_version": "source",
        "requires_python": None,
        "size": 20_000 + int(digest[:4], 16),
        "upload_time": uploaded,
        "upload_time_iso_8601": uploaded + ".000000Z",
        "url": f"https://files.pythonhosted.org/packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}",
        "yanked": yanked,
        "yanked_reason": None,
    }


def normalize_name(name: str) -> str:
    """PEP 503's normal form, as :func:`pkgtui.api.pypi.normalize_name` (not imported from
    there: its fetch functions import the client, which imports this module, and the package
    keeps no import cycles: tests/test_code_health.py)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class DemoPyPI:
    """Answers ``GET <root>/<name>/json`` as PyPI does, from compact entries (the demo's by
    default): 404 ``{"message": "Not Found"}`` for a project it does not have, and an ETag so
    a conditional request can get a 304. Names are looked up in PEP 503's normal form, as
    PyPI's redirects would take a request to."""

    def __init__(self, projects: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        given = sample_pypi_projects() if projects is None else projects
        # Deep copies: the sample is read once per process and shared (see DemoAPI).
        self.projects = {normalize_name(name): copy.deepcopy(dict(entry)) for name, entry in given.items()}
        self._bodies: dict[str, bytes] = {}

    def body(self, name: str) -> bytes | None:
        """The JSON answer for project ``name`` (encoded once), or None: not on PyPI."""
        key = normalize_name(name)
        if key not in self.projects:
            return None
        if key not in self._bodies:
            self._bodies[key] = json.dumps(pypi_project_json(self.projects[key])).encode()
        return self._bodies[key]

    def handle(self, path: str, if_none_match: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        """(status, body, headers) for ``path`` under PyPI's JSON root, like ``django-otp/json``."""
        parts = [part for part in path.strip("/").split("/") if part]
        if len(parts) != 2 or parts[1] != "json":
            return 404, b'{"message": "Not Found"}', {}
        data = self.body(parts[0])
        if data is None:
            return 404, b'{"message": "Not Found"}', {}
        etag = '"' + hashlib.sha256(data).hexdigest()[:22] + '"'
        headers = {"ETag": etag, "Cache-Control": "max-age=900, public"}
        if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
            return 304, b"", headers
        return 200, data, headers

    def transport(self, base_url: str = DEMO_PYPI_URL) -> httpx.MockTransport:
        """An httpx transport answering under ``base_url`` from these projects."""
        root = urlsplit(base_url).path.rstrip("/") + "/"

        def respond(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if not path.startswith(root):
                return httpx.Response(404, content=b'{"message": "Not Found"}')
            status, content, headers = self.handle(path[len(root) :], request.headers.get("if-none-match"))
            return httpx.Response(
                status, content=content, headers={"Content-Type": "application/json"} | headers
            )

        return httpx.MockTransport(respond)
