"""pkgtui.sorting: the one sort rule behind the category table, the grid (and `pkgtui grid`)
and the participants list."""

from __future__ import annotations

import random
from datetime import timedelta

from pkgtui.api.models import Package
from pkgtui.comparison import COLUMN_KEYS, column, sort_packages
from pkgtui.sorting import SortSpec, sort_arrow, sort_labels, sort_order, sorted_items
from tests.conftest import FIXED_NOW


def test_unknown_keys_go_last_whichever_the_direction():
    spec = SortSpec("n", lambda n: n)
    items = [3, None, 1, None, 2]
    assert sorted_items(items, spec, tiebreak=range(5)) == [1, 2, 3, None, None]
    assert sorted_items(items, spec, reverse=True, tiebreak=range(5)) == [3, 2, 1, None, None]


def test_ties_go_by_the_tiebreak_ascending_or_in_the_sorts_direction():
    words = ["b", "a", "B", "A"]
    ascending_ties = SortSpec("folded", str.casefold, descending=True)
    following_ties = SortSpec("folded", str.casefold, descending=True, ties_follow=True)
    assert sorted_items(words, ascending_ties, tiebreak=words) == ["B", "b", "A", "a"]
    assert sorted_items(words, following_ties, tiebreak=words) == ["b", "B", "a", "A"]
    assert sorted_items(words, following_ties, reverse=True, tiebreak=words) == ["A", "a", "B", "b"]


def test_a_spec_without_a_key_keeps_the_given_order():
    assert sort_order(SortSpec("as listed", None), [None, None, None], reverse=True) == [0, 1, 2]


def test_one_arrow_pair_right_after_the_label():
    assert (sort_arrow(True), sort_arrow(False)) == ("▼", "▲")
    assert sort_labels(["Name", "Stars"], 1, True) == ["Name", "Stars▼"]
    assert sort_labels(["Name", "Stars"], None, True) == ["Name", "Stars"]


def _old_sort_packages(packages, key, reverse=None):
    """comparison.sort_packages as it was before pkgtui.sorting, to hold the grid's order."""
    col = column(key)
    if reverse is None:
        reverse = bool(col.higher_is_better)
    known = [p for p in packages if col.value(p, FIXED_NOW) is not None]
    unknown = [p for p in packages if col.value(p, FIXED_NOW) is None]
    known.sort(key=lambda p: (col.value(p, FIXED_NOW), p.id), reverse=reverse)
    return known + sorted(unknown, key=lambda p: p.id)


def test_the_grids_order_is_what_it_was_for_every_column_and_direction():
    rng = random.Random(3)

    def maybe(value):
        return None if rng.random() < 0.2 else value

    packages = [
        Package(
            id=rng.randrange(10_000),
            title=rng.choice(["alpha", "Beta", "gamma", "beta"]),
            slug=f"p{n}",
            repo_watchers=maybe(rng.randrange(4)),
            repo_forks=maybe(rng.randrange(3)),
            pypi_version=maybe(rng.choice(["1.0", "1.10", "1.9", "2.0rc1"])),
            last_updated=maybe(FIXED_NOW - timedelta(days=rng.choice([1, 40, 400]))),
            commits_over_52=tuple(rng.choice([[], [1] * 52, [0] * 51 + [2]])),
            participants=tuple("x" * rng.randrange(3)),
        )
        for n in range(300)
    ]
    for key in COLUMN_KEYS:
        for reverse in (None, True, False):
            new = sort_packages(packages, key, reverse=reverse, now=FIXED_NOW)
            assert [p.slug for p in new] == [p.slug for p in _old_sort_packages(packages, key, reverse)]
