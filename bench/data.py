"""Synthetic API v4 data for the benchmarks: a big catalogue, grids of set sizes, a crowded package.

Everything is generated from a fixed seed, so every run (and every machine) serves the same
bytes. Objects have the shape and roughly the size of real API v4 objects (see
``src/pkgtui/api/demo_data/``): 52 weekly commit counts, a dozen participants, URLs in the
``https://djangopackages.org/api/v4/...`` form, timestamps with offsets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pkgtui.api.demo import SITE_API, DemoAPI, DemoPyPI

JSON = dict[str, Any]

SEED = 20260301
CATALOGUE_SIZE = 6000
GRID_SIZES = (10, 40, 160)
CROWD_SIZE = 5000  # participants of the one crowded package
CATEGORY_ID = 1  # every synthetic package is in this category, so its screen has them all
CROWD_ID = 900_000
# Category titles no other text on the home screen contains: start-up waits for all of them.
CATEGORY_TITLES = ("Benchapp", "Benchframework", "Benchproject", "Benchother")
FIRST_PACKAGE_ID = 100_000
FIRST_GRID_ID = 800_000

_WORDS = [
    "admin",
    "auth",
    "cache",
    "celery",
    "channels",
    "cms",
    "comments",
    "cors",
    "crispy",
    "csp",
    "debug",
    "docs",
    "email",
    "extensions",
    "filter",
    "forms",
    "graphql",
    "guardian",
    "haystack",
    "health",
    "import",
    "export",
    "json",
    "jwt",
    "lock",
    "log",
    "mail",
    "markdown",
    "migrations",
    "model",
    "money",
    "oauth",
    "otp",
    "permissions",
    "polymorphic",
    "q",
    "queue",
    "redis",
    "rest",
    "robots",
    "rq",
    "search",
    "select2",
    "sentry",
    "session",
    "simple",
    "sitemap",
    "social",
    "storage",
    "stripe",
    "tables",
    "tagging",
    "tasks",
    "tenant",
    "test",
    "timezone",
    "toolbar",
    "translation",
    "tree",
    "upload",
    "url",
    "user",
    "uuid",
    "versions",
    "waffle",
    "webpack",
]
_NAME_PARTS = [
    "alex",
    "ana",
    "ben",
    "carl",
    "dana",
    "eli",
    "finn",
    "gus",
    "hana",
    "ivan",
    "jo",
    "kai",
    "lena",
    "max",
    "nia",
    "omar",
    "pia",
    "quin",
    "rosa",
    "sam",
    "tara",
    "uma",
    "vic",
    "wes",
    "xia",
    "yan",
    "zoe",
    "dev",
    "code",
    "hack",
    "py",
    "web",
    "ops",
    "data",
    "cloud",
    "byte",
]


@dataclass(frozen=True)
class Dataset:
    """What the bench server serves, and the keys the cases open."""

    api: DemoAPI
    grid_ids: dict[int, int]  # member count -> grid id
    crowd_id: int
    category_id: int
    catalogue_size: int
    # PyPI's answers for every grid member (the readiness and facts cases), by project name.
    pypi: DemoPyPI | None = None
    pypi_names: dict[int, list[str]] | None = None  # member count -> its members' PyPI names


def _timestamp(rng: random.Random, year_from: int = 2012) -> str:
    year = rng.randint(year_from, 2026)
    month = rng.randint(1, 12 if year < 2026 else 2)
    day = rng.randint(1, 28)
    return f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:07-05:00"


def participant_name(rng: random.Random, index: int) -> str:
    """A GitHub-like login; unique by ``index``, a few bots among them like the real data."""
    if index % 97 == 0:
        return f"{rng.choice(_WORDS)}-bot{index}[bot]"
    first, second = rng.choice(_NAME_PARTS), rng.choice(_NAME_PARTS + _WORDS)
    separator = rng.choice(("", "-", "_", ""))
    return f"{first}{separator}{second}{index}"


def package(
    rng: random.Random, package_id: int, index: int, participants: list[str], grid_urls: list[str]
) -> JSON:
    words = rng.sample(_WORDS, 2)
    slug = f"django-{words[0]}-{words[1]}-{index}"
    weekly = [rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13)) for _ in range(52)]
    return {
        "category": f"{SITE_API}categories/{CATEGORY_ID}/",
        "grids": grid_urls,
        "id": package_id,
        "title": f"Django {words[0].title()} {words[1].title()} {index}",
        "slug": slug,
        "last_updated": _timestamp(rng, 2015),
        "last_fetched": "2026-02-15T17:22:12.978455-05:00",
        "repo_url": f"https://github.com/{participants[0] if participants else 'someone'}/{slug}",
        "pypi_version": f"{rng.randint(0, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "created": _timestamp(rng, 2010),
        "modified": "2026-01-28T14:19:03.138175-05:00",
        "repo_forks": rng.randint(0, 3000),
        "repo_description": f"A synthetic {words[0]} and {words[1]} app for Django, number {index}.",
        "pypi_url": f"https://pypi.org/project/{slug}/",
        "documentation_url": rng.choice((None, "", f"https://{slug}.readthedocs.io/")),
        "repo_watchers": rng.randint(0, 20000),
        "commits_over_52": weekly,
        "participants": participants,
    }


# PyPI releases a synthetic project has, at most: real answers for maintained Django apps run
# from a dozen to a few hundred releases (django-otp ~60, Django ~300), each with one to a
# few files; the answer's size is mostly its releases' files.
MAX_PYPI_RELEASES = 60
DJANGO_RELEASES = ("3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2", "6.0")
PYTHON_RELEASES = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")


def pypi_project(rng: random.Random, pkg: JSON) -> JSON:
    """A compact PyPI entry (see :func:`pkgtui.api.demo.pypi_project_json`) for ``pkg``:
    10 to MAX_PYPI_RELEASES releases ending at its ``pypi_version``, Django and Python
    classifiers over a random run of releases, a licence."""
    count = rng.randint(10, MAX_PYPI_RELEASES)
    major = rng.randint(0, 5)
    versions = [f"{major}.{minor}.{rng.randint(0, 9)}" for minor in range(1, count)]
    versions.append(str(pkg["pypi_version"]))
    releases = {}
    year = 2026 - count // 6
    for n, version in enumerate(dict.fromkeys(versions)):
        releases[version] = f"{year + n // 6}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:00:00"
    low = rng.randint(0, len(DJANGO_RELEASES) - 1)
    django = DJANGO_RELEASES[low : rng.randint(low + 1, len(DJANGO_RELEASES))]
    python = PYTHON_RELEASES[rng.randint(0, 3) :]
    classifiers = [
        "Development Status :: 5 - Production/Stable",
        "Framework :: Django",
        *(f"Framework :: Django :: {v}" for v in django),
        "License :: OSI Approved :: BSD License",
        "Programming Language :: Python :: 3",
        *(f"Programming Language :: Python :: {v}" for v in python),
    ]
    return {
        "name": pkg["slug"],
        "summary": pkg["repo_description"],
        "version": pkg["pypi_version"],
        "releases": releases,
        "classifiers": classifiers,
        "license": "BSD",
        "requires_python": f">={python[0]}",
    }


def categories() -> list[JSON]:
    return [
        {
            "id": n,
            "title": title,
            "slug": title.lower(),
            "description": f"Synthetic category {n}, for the benchmarks.",
            "title_plural": f"{title}s",
            "show_pypi": True,
            "created": "2010-08-14T22:47:52",
            "modified": "2022-03-04T21:48:41.249944",
        }
        for n, title in enumerate(CATEGORY_TITLES, start=1)
    ]


def build(catalogue_size: int = CATALOGUE_SIZE, crowd_size: int = CROWD_SIZE) -> Dataset:
    """The bench's dataset: ``catalogue_size`` packages in one category, one grid of each of
    :data:`GRID_SIZES` members (drawn from the catalogue), and one package with ``crowd_size``
    participants (not in the category, so the catalogue keeps its size)."""
    rng = random.Random(SEED)
    names = [participant_name(rng, i) for i in range(max(crowd_size, 400))]
    grid_ids = {size: FIRST_GRID_ID + n for n, size in enumerate(GRID_SIZES)}
    ids = [FIRST_PACKAGE_ID + i for i in range(catalogue_size)]
    # Grid members: disjoint slices of the catalogue, so each grid's requests are its own.
    members: dict[int, list[int]] = {}
    start = 0
    for size in GRID_SIZES:
        members[grid_ids[size]] = ids[start : start + size]
        start += size
    grids_of: dict[int, list[str]] = {}
    for grid_id, member_ids in members.items():
        for member in member_ids:
            grids_of.setdefault(member, []).append(f"{SITE_API}grids/{grid_id}/")

    packages = [
        package(rng, pid, i, rng.sample(names[:400], rng.randint(1, 24)), grids_of.get(pid, []))
        for i, pid in enumerate(ids)
    ]
    crowd = package(rng, CROWD_ID, catalogue_size, names[:crowd_size], [])
    crowd.update(
        category=f"{SITE_API}categories/{CATEGORY_ID + 1}/", slug="django-crowd", title="Django Crowd"
    )
    grids = [
        {
            "id": grid_id,
            "title": f"Bench grid of {len(member_ids)}",
            "slug": f"bench-grid-{len(member_ids)}",
            "description": f"{len(member_ids)} synthetic packages, for the benchmarks.",
            "is_locked": False,
            "header": False,
            "packages": [f"{SITE_API}packages/{pid}/" for pid in member_ids],
            "created": None,
            "modified": None,
        }
        for grid_id, member_ids in members.items()
    ]
    api = DemoAPI(packages=[*packages, crowd], categories=categories(), grids=grids)
    by_id = {pkg["id"]: pkg for pkg in packages}
    pypi_rng = random.Random(SEED + 1)  # its own sequence: the API data stays as it was
    projects = {
        by_id[pid]["slug"]: pypi_project(pypi_rng, by_id[pid])
        for member_ids in members.values()
        for pid in member_ids
    }
    pypi_names = {size: [by_id[pid]["slug"] for pid in members[grid_ids[size]]] for size in GRID_SIZES}
    return Dataset(api, grid_ids, CROWD_ID, CATEGORY_ID, catalogue_size, DemoPyPI(projects), pypi_names)
