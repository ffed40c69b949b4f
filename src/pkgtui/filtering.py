"""What a filter box means, for every table and list: a row matches when its text contains
every word of the query, in any order, ignoring case (``rest auth`` finds "Django REST
framework auth"); a blank query keeps every row. Pure, and fast enough for every keystroke.

Screens precompute one case-folded "haystack" string a row (its searchable text), so a
keystroke costs one pass of substring tests: well under a frame for 6,000 rows. Sorting has
its own module, :mod:`pkgtui.sorting`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def haystack(*parts: object) -> str:
    """The searchable text of a row: its string parts, joined and case-folded."""
    return " ".join(part for part in parts if isinstance(part, str)).casefold()


def query_words(query: str) -> list[str]:
    """The words of a filter query; a row matches when it contains every word."""
    return query.casefold().split()


def filter_indices(haystacks: Sequence[str], query: str) -> list[int]:
    """Indices of the haystacks that contain every word of ``query`` (all when it is blank)."""
    words = query_words(query)
    if not words:
        return list(range(len(haystacks)))
    if len(words) == 1:
        word = words[0]
        return [i for i, text in enumerate(haystacks) if word in text]
    return _narrow(range(len(haystacks)), haystacks, words)


def filter_items(items: Sequence[T], text_of: Callable[[T], str], query: str) -> list[T]:
    """Convenience for short lists: the items whose text contains every word of ``query``."""
    hay = [haystack(text_of(item)) for item in items]
    return [items[i] for i in filter_indices(hay, query)]


def filter_order(order: Sequence[int], haystacks: Sequence[str], query: str) -> list[int]:
    """The indices of ``order`` (already sorted) whose haystack contains every query word.

    Keeps the given order, so a screen sorts once per sort change and filters per keystroke.
    """
    words = query_words(query)
    if not words:
        return list(order)
    if len(words) == 1:
        word = words[0]
        return [i for i in order if word in haystacks[i]]
    return _narrow(order, haystacks, words)


def _narrow(indices: Sequence[int], haystacks: Sequence[str], words: list[str]) -> list[int]:
    """Keep the indices whose haystack holds every word: one plain pass per word over the
    survivors is several times faster than an ``all()`` generator per row."""
    kept = list(indices)
    for word in words:
        kept = [i for i in kept if word in haystacks[i]]
    return kept


class FilterMemo:
    """:func:`filter_order` for one filter box, remembering results while the rows and their
    order stay the same (the same ``order`` and ``haystacks`` objects): a query that narrows
    the previous one is filtered from the previous result instead of from every row (typing),
    and a query seen recently is answered from memory (backspace)."""

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._order: Sequence[int] | None = None
        self._haystacks: Sequence[str] | None = None
        self._results: dict[tuple[str, ...], list[int]] = {}
        self._last: tuple[tuple[str, ...], list[int]] | None = None

    def __call__(self, order: Sequence[int], haystacks: Sequence[str], query: str) -> list[int]:
        if order is not self._order or haystacks is not self._haystacks:
            self._order, self._haystacks = order, haystacks  # new rows or a new sort: start over
            self._results.clear()
            self._last = None
        words = tuple(query_words(query))
        if not words:
            return list(order)
        result = self._results.get(words)
        if result is None:
            last = self._last
            base = last[1] if last is not None and narrows(last[0], words) else order
            result = _narrow(base, haystacks, list(words))
            if len(self._results) >= self._size:
                del self._results[next(iter(self._results))]  # the oldest
            self._results[words] = result
        self._last = (words, result)
        return list(result)


def narrows(before: Sequence[str], after: Sequence[str]) -> bool:
    """Whether every row matching the words ``after`` also matches ``before``: each word before
    is part of some word after (typing on, or adding a word)."""
    return all(any(word in later for later in after) for word in before)
