"""The fast path (msgspec) builds exactly the packages the lenient path builds, or steps aside."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pkgtui.api import Package, wire
from pkgtui.api.demo import sample_packages
from tests.hostile import hostile_packages

from .test_models import seed_objects


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def lenient(data: object) -> Package:
    return Package.from_api(data)


def base_package(**fields: object) -> dict:
    data = {
        "id": 7,
        "title": "django-thing",
        "slug": "django-thing",
        "category": "https://djangopackages.org/api/v4/categories/1/",
        "grids": ["https://djangopackages.org/api/v4/grids/3/"],
        "last_updated": "2026-01-07T14:56:37-05:00",
        "repo_watchers": 12,
        "repo_forks": 3,
        "commits_over_52": [1] * 52,
        "participants": ["alice", "bob"],
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("data", [*sample_packages(), *seed_objects()], ids=lambda d: str(d["id"]))
def test_every_real_package_takes_the_fast_path_and_agrees(data):
    fast = wire.package(body(data))
    assert fast is not None, "real data should not need the lenient path"
    assert fast == lenient(data)


@pytest.mark.parametrize("data", hostile_packages(), ids=lambda d: d["slug"])
def test_hostile_packages_agree_or_take_the_lenient_path(data):
    fast = wire.package(body(data))
    assert fast is None or fast == lenient(data)


def test_hostile_numbers_and_dates_take_the_lenient_path():
    by_slug = {data["slug"]: data for data in hostile_packages()}
    assert wire.package(body(by_slug["hostile-numbers"])) is None  # "not a date", "x" in the counts


# Values of the model's types that still need normalising (Package.__post_init__).
NORMALISED = {
    "naive timestamp is UTC": {"last_updated": "2026-01-07T14:56:37"},
    "Z timestamp": {"modified": "2026-01-07T14:56:37Z"},
    "nulls where the model has None": {
        "category": None,
        "repo_watchers": None,
        "repo_forks": None,
        "last_updated": None,
        "pypi_version": None,
        "documentation_url": None,
    },
    "padded URLs": {"repo_url": "  https://github.com/x/y  ", "pypi_url": " ", "documentation_url": ""},
    "short commit list": {"commits_over_52": [3, 0, 7]},
    "long commit list": {"commits_over_52": list(range(200))},
    "empty commit list": {"commits_over_52": []},
    "blank participants": {"participants": ["  alice ", "", "   ", "bob"]},
    "unknown keys": {"usage_count": 5, "new_field": {"nested": [1, 2]}},
    "missing optional keys": None,
}


@pytest.mark.parametrize("changes", NORMALISED.values(), ids=NORMALISED.keys())
def test_documented_types_take_the_fast_path_and_are_normalised_alike(changes):
    data = base_package(**changes) if changes is not None else {"id": 7, "title": "x", "slug": "x"}
    fast = wire.package(body(data))
    assert fast is not None
    assert fast == lenient(data)


def test_a_naive_timestamp_is_read_as_utc():
    fast = wire.package(body(base_package(last_updated="2026-01-07T14:56:37")))
    assert fast is not None and fast.last_updated == datetime(2026, 1, 7, 14, 56, 37, tzinfo=UTC)


# Anything else steps aside, and the lenient path decides (a model, or BadResponse).
STEPS_ASIDE = {
    "number title": base_package(title=42),
    "float stars": base_package(repo_watchers=12.0),
    "digit-string stars": base_package(repo_watchers="12"),
    "bool id": base_package(id=True),
    "no id": {"title": "x"},
    "negative weekly count": base_package(commits_over_52=[1, -1] + [0] * 50),
    "bool weekly count": base_package(commits_over_52=[True] * 52),
    "grids not a list": base_package(grids="not a list"),
    "date only": base_package(last_updated="2026-01-07"),
    "impossible date": base_package(last_updated="2024-13-45T99:99:99"),
    "not an object": [1, 2, 3],
    # Shapes the lenient path normalises into the model's types: nulls where the model has
    # no None, negative counts, the older comma-separated participants, missing titles.
    "null title": base_package(title=None),
    "null description": base_package(repo_description=None),
    "null lists": base_package(grids=None, participants=None, commits_over_52=None),
    "negative counts": base_package(repo_watchers=-5, repo_forks=-1),
    "comma-separated participants": base_package(participants=" a, b ,,c "),
    "missing title": {"id": 7},
}


@pytest.mark.parametrize("data", STEPS_ASIDE.values(), ids=STEPS_ASIDE.keys())
def test_other_shapes_step_aside(data):
    assert wire.package(body(data)) is None


LENIENT_NORMALISES = {
    "null title": ("title", ""),
    "null description": ("repo_description", ""),
    "null lists": ("participants", ()),
    "negative counts": ("repo_watchers", None),
    "comma-separated participants": ("participants", ("a", "b", "c")),
    "missing title": ("title", ""),
}


@pytest.mark.parametrize(("case", "expected"), LENIENT_NORMALISES.items(), ids=LENIENT_NORMALISES.keys())
def test_the_lenient_path_makes_the_model_types_of_what_steps_aside(case, expected):
    name, value = expected
    assert getattr(lenient(STEPS_ASIDE[case]), name) == value


@pytest.mark.parametrize("raw", [b"{not json", b'{"id": 7, "title": "trunc', b"", b"\xff\xfe"])
def test_malformed_bodies_step_aside(raw):
    assert wire.package(raw) is None
    assert wire.list_page(raw) is None


def test_a_page_keeps_its_items_undecoded_with_its_count():
    results = list(sample_packages()[:20])
    page = wire.list_page(
        body({"count": 77, "next": "https://x/?offset=20", "previous": None, "results": results})
    )
    assert page is not None
    assert (len(page.items), page.count, page.last) == (20, 77, False)
    assert [wire.package(item) for item in page.items] == [lenient(item) for item in results]
    assert [wire.item_json(item) for item in page.items] == results


@pytest.mark.parametrize(
    ("extra", "count", "last"),
    [({"next": None}, 3, True), ({}, 3, False), ({"count": None}, None, False)],
    ids=["next null: last page", "no next", "null count"],
)
def test_a_page_says_whether_it_is_the_last(extra, count, last):
    page = wire.list_page(body({"count": 3, "results": list(sample_packages()[:3])} | extra))
    assert page is not None and (page.count, page.last) == (count, last)


def test_odd_items_keep_their_page_on_the_fast_path():
    odd = base_package(id=8, title=42)
    page = wire.list_page(body({"count": 2, "results": [base_package(), odd, 5]}))
    assert page is not None and len(page.items) == 3
    fast = [wire.package(item) for item in page.items]
    assert fast[0] == lenient(base_package()) and fast[1] is None and fast[2] is None
    assert wire.item_json(page.items[1]) == odd and wire.item_json(page.items[2]) == 5


@pytest.mark.parametrize(
    "data",
    [[base_package()], {"count": 1}, {"count": True, "results": []}, {"count": 1, "results": "x"}],
    ids=["bare list", "no results", "bool count", "results not a list"],
)
def test_pages_of_other_shapes_step_aside(data):
    assert wire.list_page(body(data)) is None


def test_package_repr_leaves_out_the_participants():
    package = lenient(base_package(participants=[f"user{i}" for i in range(5000)]))
    assert "user1" not in repr(package) and "django-thing" in repr(package)


def test_packages_are_frozen_and_hashable():
    package = lenient(base_package())
    assert package == lenient(base_package()) and hash(package) == hash(lenient(base_package()))
    with pytest.raises(AttributeError):
        package.title = "changed"  # type: ignore[misc]
    assert package.category_id == 1
