"""The pure filtering and sorting behind every filterable table."""

from pkgtui.filtering import (
    FilterMemo,
    filter_indices,
    filter_items,
    filter_order,
    haystack,
    narrows,
    query_words,
)
from pkgtui.sorting import natural_key, sort_indices


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


def test_narrows_when_typing_on_or_adding_a_word():
    assert narrows(("dj",), ("dja",)) and narrows(("dj",), ("dj", "rest"))
    assert narrows(("rest", "dj"), ("django", "rest"))
    assert not narrows(("dja",), ("dj",))  # erasing widens
    assert not narrows(("a", "b"), ("a",))


def test_filter_memo_gives_what_filter_order_gives_while_typing_and_erasing():
    import random

    rng = random.Random(7)
    haystacks = ["".join(rng.choice("abcde ") for _ in range(12)) for _ in range(500)]
    order = sorted(range(len(haystacks)), key=lambda i: haystacks[i])
    memo = FilterMemo(size=4)
    typed = ""
    for _ in range(400):  # type, erase, and now and then add a word
        roll = rng.random()
        typed = typed[:-1] if roll < 0.35 else typed + rng.choice("abcde ")
        assert memo(order, haystacks, typed) == filter_order(order, haystacks, typed), repr(typed)


def test_filter_memo_starts_over_when_the_rows_or_their_order_change():
    haystacks = ["alpha", "beta", "gamma"]
    memo = FilterMemo()
    assert memo([0, 1, 2], haystacks, "a") == [0, 1, 2]
    grown = haystacks + ["delta"]
    assert memo([3, 0, 1, 2], grown, "a") == [3, 0, 1, 2]  # new order and rows: not the old answer
    assert memo([3, 0, 1, 2], grown, "alph") == [0]


def test_filter_memo_answers_a_result_it_handed_out_unchanged():
    memo = FilterMemo()
    order = [0, 1]
    first = memo(order, ["ab", "b"], "b")
    first.append(99)  # the caller's copy
    assert memo(order, ["ab", "b"], "b") == [0, 1]
