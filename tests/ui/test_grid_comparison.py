"""comparison.py: the grid's columns, sorting and best values (shared with `pkgtui grid --plain`)."""

from __future__ import annotations

from datetime import timedelta

from pkgtui.api.models import Package
from pkgtui.comparison import (
    COLUMN_KEYS,
    activity_buckets,
    best_values,
    column,
    is_best,
    next_sort_key,
    rows,
    sort_packages,
    version_key,
)
from tests.conftest import FIXED_NOW


def pkg(id: int, title: str, *, stars=None, forks=None, days=None, commits=(), participants=()) -> Package:
    return Package(
        id=id,
        title=title,
        slug=title.lower(),
        repo_watchers=stars,
        repo_forks=forks,
        last_updated=None if days is None else FIXED_NOW - timedelta(days=days),
        commits_over_52=tuple(commits),
        participants=tuple(participants),
    )


A = pkg(1, "alpha", stars=10, forks=5, days=400, commits=[1] * 52, participants=["x"])
B = pkg(2, "Beta", stars=300, forks=2, days=3, commits=[], participants=["x", "y"])
C = pkg(3, "gamma", stars=None, forks=5, days=None, commits=[0] * 51 + [9])


def test_sort_numbers_best_first_names_a_to_z_unknown_last():
    assert [p.id for p in sort_packages([A, B, C], "stars", now=FIXED_NOW)] == [2, 1, 3]
    assert [p.id for p in sort_packages([A, B, C], "name", now=FIXED_NOW)] == [1, 2, 3]
    assert [p.id for p in sort_packages([A, B, C], "last_commit", now=FIXED_NOW)] == [2, 1, 3]
    assert [p.id for p in sort_packages([A, B, C], "commits", now=FIXED_NOW)] == [1, 3, 2]
    assert [p.id for p in sort_packages([A, B, C], "stars", reverse=False, now=FIXED_NOW)] == [1, 2, 3]


def test_names_sort_in_natural_order_numbers_by_value():
    packages = [pkg(1, "django-app-10"), pkg(2, "django-app-9"), pkg(3, "Django-App-2"), pkg(4, "bravo")]
    assert [p.title for p in sort_packages(packages, "name", now=FIXED_NOW)] == [
        "bravo",
        "Django-App-2",
        "django-app-9",
        "django-app-10",
    ]
    assert [p.id for p in sort_packages(packages, "name", reverse=True, now=FIXED_NOW)] == [1, 2, 3, 4]


def test_sort_ties_break_on_id_so_order_is_stable():
    assert [p.id for p in sort_packages([C, A], "forks", now=FIXED_NOW)] == [3, 1]


def test_best_values_and_is_best():
    best = best_values([A, B, C], FIXED_NOW)
    assert best["stars"] == 300 and best["commits"] == 52 and best["participants"] == 2
    assert best["last_commit"] == 3
    assert "forks" not in best or best["forks"] == 5
    assert is_best(column("stars"), B, best, FIXED_NOW)
    assert not is_best(column("stars"), A, best, FIXED_NOW)
    assert not is_best(column("name"), A, best, FIXED_NOW)


def test_no_best_when_every_value_is_the_same_or_one_package():
    same = [pkg(1, "a", stars=5), pkg(2, "b", stars=5)]
    assert "stars" not in best_values(same, FIXED_NOW)
    assert best_values([A], FIXED_NOW) == {}


def test_next_sort_key_cycles_every_column():
    seen = ["name"]
    while (key := next_sort_key(seen[-1])) != "name":
        seen.append(key)
    assert tuple(seen) == COLUMN_KEYS
    assert next_sort_key("unknown") == COLUMN_KEYS[0]


def test_rows_show_relative_age_and_dashes_for_unknown():
    table = rows([A, C], FIXED_NOW)
    assert table[0][COLUMN_KEYS.index("last_commit")] == "1 y ago"
    assert table[1][COLUMN_KEYS.index("last_commit")] == "never"
    assert table[1][COLUMN_KEYS.index("stars")] == "–"
    assert table[1][COLUMN_KEYS.index("activity")].endswith("█")


def test_activity_buckets_sum_spans_of_weeks():
    weeks = list(range(52))
    buckets = activity_buckets(weeks, 13)
    assert len(buckets) == 13 and sum(buckets) == sum(weeks)
    assert buckets[0] == 0 + 1 + 2 + 3
    assert activity_buckets([], 13) == []
    assert activity_buckets([1, 2], 13) == [1, 2]


def test_versions_sort_by_their_numbers_and_missing_ones_last():
    versions = ["1.10.0", None, "1.9", "0.1dev", "2.0rc1", "[b]3[/b]"]
    packages = [Package(id=i, title=f"p{i}", slug=f"p{i}", pypi_version=v) for i, v in enumerate(versions)]
    ordered = sort_packages(packages, "version", now=FIXED_NOW)
    assert [p.pypi_version for p in ordered] == ["0.1dev", "1.9", "1.10.0", "2.0rc1", "[b]3[/b]", None]
    assert version_key("") is None and version_key("1.0") < version_key("1.0.1")


def test_counts_read_as_english():
    from pkgtui.format import count_of

    assert [count_of(1, 1), count_of(40, 40), count_of(3, 40), count_of(0, 1)] == [
        "1 package",
        "40 packages",
        "3 of 40 packages",
        "0 of 1 package",
    ]


def test_a_release_dated_days_ahead_is_not_the_best_released():
    from pkgtui.api.pypi import PyPIFacts
    from pkgtui.comparison import Known, known_best_values

    a, b, c = pkg(1, "a"), pkg(2, "b"), pkg(3, "c")
    known = {
        1: Known(PyPIFacts("a", released=FIXED_NOW - timedelta(days=30))),
        2: Known(PyPIFacts("b", released=FIXED_NOW - timedelta(days=300))),
        3: Known(PyPIFacts("c", released=FIXED_NOW + timedelta(days=18))),  # bad data, or a clock
    }
    best = known_best_values([a, b, c], known, FIXED_NOW)
    # Before: the future date was marked best.
    assert best["released"] == (FIXED_NOW - timedelta(days=30)).timestamp()
