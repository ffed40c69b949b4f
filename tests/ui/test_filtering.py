"""The pure filtering and sorting behind every filterable table."""

from pkgtui.filtering import (
    filter_indices,
    filter_items,
    filter_order,
    haystack,
    natural_key,
    query_words,
    sort_indices,
)


def test_haystack_joins_strings_case_folded_and_skips_non_strings():
    assert haystack("Django-REST", None, "Straße", 3) == "django-rest strasse"


def test_blank_query_keeps_everything_in_order():
    assert filter_indices(["a", "b", "c"], "   ") == [0, 1, 2]


def test_every_word_must_appear_in_any_order():
    rows = ["django rest auth", "rest framework", "auth tokens for rest"]
    assert filter_indices(rows, "REST auth") == [0, 2]
    assert filter_indices(rows, "framework") == [1]
    assert filter_indices(rows, "nothing") == []


def test_query_words_are_case_folded():
    assert query_words("  Foo  BAR ") == ["foo", "bar"]


def test_sort_descending_puts_unknown_last_and_breaks_ties_by_name():
    keys = [5, None, 9, 5, None]
    names = ["e", "d", "c", "b", "a"]
    assert sort_indices(range(5), keys, descending=True, tiebreak=names) == [2, 3, 0, 4, 1]
    assert sort_indices(range(5), keys, descending=False, tiebreak=names) == [3, 0, 2, 4, 1]


def test_filter_order_keeps_the_given_sort_order():
    hay = ["alpha", "beta", "alphabet"]
    assert filter_order([2, 1, 0], hay, "alp") == [2, 0]
    assert filter_order([2, 1, 0], hay, "") == [2, 1, 0]
    assert filter_order([2, 1, 0], hay, "alp bet") == [2]


def test_filter_items_convenience():
    assert filter_items(["Apps", "Frameworks"], str, "frame") == ["Frameworks"]


def test_natural_key_orders_numbers_by_value():
    assert sorted(["Grid 10", "Grid 9", "grid 100", "Apps"], key=natural_key) == [
        "Apps",
        "Grid 9",
        "Grid 10",
        "grid 100",
    ]
