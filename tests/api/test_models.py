"""Models accept everything real API data holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pkgtui.api import BadResponse, Category, Grid, Package, SearchResult, id_from_url, pypi_name_from_url
from pkgtui.api.demo import derive_grids, sample_categories, sample_packages
from pkgtui.api.models import parse_time
from pkgtui.format import format_age

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"


def seed_objects() -> list[dict]:
    """The seeds are browsable-API pages: headers, then the JSON object."""
    objects = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        objects.append(json.loads(text[text.index("{") :]))
    return objects


@pytest.mark.parametrize("data", sample_packages(), ids=lambda d: str(d["id"]))
def test_every_sample_package_parses(data):
    package = Package.from_api(data)
    assert package.id == data["id"]
    assert package.slug == data["slug"]
    assert package.category_id in (1, 2, 3, 4)
    assert len(package.grid_ids) == len(data["grids"])
    assert package.participants == tuple(p.strip() for p in data["participants"] if p.strip())
    assert len(package.commits_over_52) in (0, 52)
    assert package.commits_total == sum(data["commits_over_52"])


def test_every_seed_parses():
    seeds = seed_objects()
    assert len(seeds) == 5
    for data in seeds:
        package = Package.from_api(data)
        # Seed URLs carry ?format=api; the ids must still come out.
        assert package.category_id == 1
        assert package.grid_ids and all(isinstance(i, int) for i in package.grid_ids)


def test_every_sample_category_parses():
    categories = [Category.from_api(c) for c in sample_categories()]
    assert {c.slug for c in categories} == {"apps", "frameworks", "projects", "other"}
    assert all(c.created is not None and c.created.tzinfo is not None for c in categories)


def test_derived_grids_parse_and_are_named_by_id():
    for grid in (Grid.from_api(g) for g in derive_grids(sample_packages())):
        assert grid.title == f"Grid {grid.id}"
        assert grid.package_ids


def test_timestamps_naive_offset_and_junk():
    assert parse_time("2010-08-14T22:47:52") == datetime(2010, 8, 14, 22, 47, 52, tzinfo=UTC)
    moment = parse_time("2026-01-07T16:32:16-05:00")
    assert moment.utcoffset() == timedelta(hours=-5)
    assert parse_time("2026-02-15T14:29:39.610036-05:00").microsecond == 610036
    assert parse_time("2026-02-15T14:29:39Z").tzinfo is not None
    for junk in (None, "", "yesterday", 12, "2026-13-45T99:00:00"):
        assert parse_time(junk) is None


def test_nulls_empties_missing_keys_and_extra_keys():
    package = Package.from_api(
        {
            "id": 5,
            "title": "x ",
            "slug": "x",
            "last_updated": None,
            "pypi_version": None,
            "pypi_url": "",
            "documentation_url": "",
            "repo_description": None,
            "commits_over_52": [],
            "participants": [],
            "an_unknown_key": {"nested": True},
        }
    )
    assert package.last_updated is None and package.pypi_version is None
    assert package.pypi_url is None and package.pypi_name is None and package.documentation_url is None
    assert package.repo_description == ""
    assert package.commits_over_52 == () and package.commits_total == 0
    assert package.repo_watchers is None and package.category_id is None and package.grid_ids == ()
    assert package.display_title == "x"
    assert package.is_stale()  # never committed counts as stale


def test_odd_counts_and_wrong_length_commits():
    package = Package.from_api(
        {"id": 1, "repo_watchers": -3, "repo_forks": "12", "commits_over_52": [1, None, "x", 2]}
    )
    assert package.repo_watchers is None and package.repo_forks == 12
    assert len(package.commits_over_52) == 52 and package.commits_over_52[-4:] == (1, 0, 0, 2)
    longer = Package.from_api({"id": 1, "commits_over_52": list(range(60))})
    assert longer.commits_over_52 == tuple(range(8, 60))


@pytest.mark.parametrize("data", [None, [], "package", {"title": "no id"}, {"id": "7"}, {"id": True}])
def test_not_an_object_or_no_id_is_a_bad_response(data):
    with pytest.raises(BadResponse):
        Package.from_api(data)


@pytest.mark.parametrize(
    ("url", "kind", "expected"),
    [
        ("https://djangopackages.org/api/v4/grids/7/?format=api", "grids", 7),
        ("https://djangopackages.org/api/v4/packages/1454/", "packages", 1454),
        ("https://djangopackages.org/api/v4/packages/1454", None, 1454),
        ("https://djangopackages.org/api/v4/categories/1/", "grids", None),
        ("https://djangopackages.org/api/v4/grids/abc/", None, None),
        (None, None, None),
    ],
)
def test_id_from_url(url, kind, expected):
    assert id_from_url(url, kind) == expected


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://pypi.python.org/pypi/django-otp", "django-otp"),
        ("https://pypi.python.org/pypi/django-otp/", "django-otp"),
        ("https://pypi.org/project/Django_Foo/", "Django_Foo"),
        ("https://pypi.org/project/django-foo", "django-foo"),
        ("", None),
        (None, None),
        ("https://example.com/", None),
    ],
)
def test_pypi_name(url, name):
    assert pypi_name_from_url(url) == name


def test_pypi_name_can_differ_from_slug():
    names = {(p["slug"], pypi_name_from_url(p["pypi_url"])) for p in sample_packages() if p["pypi_url"]}
    assert any(slug != name for slug, name in names)


def test_last_commit_age_and_staleness():
    now = datetime(2026, 3, 1, tzinfo=UTC)
    fresh = Package.from_api({"id": 1, "last_updated": "2026-02-01T00:00:00-05:00"})
    assert 27.5 < fresh.last_commit_age_days(now) < 28
    assert not fresh.is_stale(now)
    old = Package.from_api({"id": 2, "last_updated": "2024-11-24T14:39:30-05:00"})
    assert old.is_stale(now)
    future = Package.from_api({"id": 3, "last_updated": datetime(2027, 1, 1, tzinfo=UTC).isoformat()})
    assert future.last_commit_age_days(now) == 0


def test_format_age():
    assert [format_age(d) for d in (None, 0.2, 5, 95, 800)] == [
        "never",
        "today",
        "5 d ago",
        "3 mo ago",
        "2 y ago",
    ]


def test_search_result_accepts_api_shape():
    hit = SearchResult.from_api(
        {
            "weight": 10,
            "item_type": "grid",
            "title": "Auth",
            "slug": "auth",
            "repo_watchers": None,
            "last_committed": "2025-01-01T00:00:00",
            "participants": "a,b",
        }
    )
    assert hit.item_type == "grid" and hit.repo_watchers is None and hit.last_committed.year == 2025


@pytest.mark.parametrize(
    ("key", "expected"),
    [("1", True), (" 1 ", True), ("2", False), ("apps", True), ("APPS", True), ("App", True), ("Apps", True),
     ("ap", False), ("", False)],
)  # fmt: skip
def test_a_category_answers_to_its_id_slug_title_and_plural(key, expected):
    category = Category(id=1, title="App", slug="apps", title_plural="Apps")
    assert category.answers_to(key) is expected


def test_pypi_page_url_is_the_current_pypi_page_only_for_pypi_hosts():
    from pkgtui.api import Package

    def page(url):
        return Package.from_api({"id": 1, "title": "x", "slug": "x", "pypi_url": url}).pypi_page_url

    assert page("http://pypi.python.org/pypi/django-otp") == "https://pypi.org/project/django-otp/"
    assert page("https://pypi.org/project/Django/") == "https://pypi.org/project/Django/"
    assert page("https://example.com/pypi/django-otp") == "https://example.com/pypi/django-otp"
    assert page("http://pypi.python.org/pypi/bad name") == "http://pypi.python.org/pypi/bad name"
    assert page(None) is None and page("") in ("", None)
