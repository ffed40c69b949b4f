"""How every table and list is ordered: one sort specification, one rule, one arrow.

The rule: rows go by their key; a row whose key is unknown (None) goes last whichever the
direction; rows with equal keys go by a tiebreak (an id, a name), so the order is total and
the same on every run. Screens sort indices over precomputed keys, so a sort of 6,000 rows
is one pass of Python's sort over a list, well under a frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

T = TypeVar("T")
_DIGITS = re.compile(r"(\d+)")

# The sort arrows of every table header and summary line: descending, ascending. Drawn
# right after a column's label, so a label fits the width it has without the arrow + 1.
DESCENDING_ARROW = "▼"
ASCENDING_ARROW = "▲"


class SortSpec(msgspec.Struct, Generic[T], frozen=True):
    """One way to order rows of ``T``.

    ``key`` gives a row's sort value, None when unknown (such rows go last); a spec without a
    key keeps the rows in their given order. ``descending`` is the natural direction (numbers
    best-first, names A–Z). ``ties_follow``: rows with equal keys go by the tiebreak in the
    sort's direction, as reversing the whole list would put them (the grid, the participants
    list); otherwise always ascending (the category table). ``column``: the table column whose
    header shows the arrow, if any.
    """

    name: str
    key: Callable[[T], Any] | None
    descending: bool = False
    ties_follow: bool = False
    column: int | None = None

    def keys(self, items: Sequence[T]) -> list[Any]:
        """Each item's sort key, computed once (screens keep them while the rows stay)."""
        key = self.key
        return [None] * len(items) if key is None else [key(item) for item in items]


def sort_indices(
    indices: Sequence[int],
    keys: Sequence[SupportsRichComparison | None],
    *,
    descending: bool = False,
    tiebreak: Sequence[SupportsRichComparison] | None = None,
    ties_follow: bool = False,
) -> list[int]:
    """``indices`` ordered by ``keys[i]``; rows whose key is None always go last.

    ``tiebreak`` (e.g. the lower-case name) orders equal keys, ascending (or, with
    ``ties_follow``, in the sort's direction), and orders the unknown rows ascending.
    """
    known = [i for i in indices if keys[i] is not None]
    unknown = [i for i in indices if keys[i] is None]
    if tiebreak is not None:
        known.sort(key=lambda i: tiebreak[i], reverse=descending and ties_follow)
        unknown.sort(key=lambda i: tiebreak[i])
    # Python's sort is stable (reversed too), so the tiebreak order survives within equal keys.
    known.sort(key=lambda i: keys[i], reverse=descending)  # type: ignore[arg-type, return-value]  # None filtered above
    return known + unknown


def sort_order(
    spec: SortSpec[T],
    keys: Sequence[Any],
    *,
    reverse: bool = False,
    tiebreak: Sequence[SupportsRichComparison] | None = None,
) -> list[int]:
    """The indices of the rows whose ``spec.keys`` are ``keys``, in ``spec``'s order (or the
    opposite, ``reverse``)."""
    if spec.key is None:
        return list(range(len(keys)))
    return sort_indices(
        range(len(keys)),
        keys,
        descending=spec.descending != reverse,
        tiebreak=tiebreak,
        ties_follow=spec.ties_follow,
    )


def sorted_items(
    items: Sequence[T],
    spec: SortSpec[T],
    *,
    reverse: bool = False,
    tiebreak: Sequence[SupportsRichComparison] | None = None,
) -> list[T]:
    """``items`` in ``spec``'s order: for short lists, where keys are not worth keeping."""
    return [items[i] for i in sort_order(spec, spec.keys(items), reverse=reverse, tiebreak=tiebreak)]


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders ``Grid 9`` before ``Grid 10`` (digit runs compare as numbers)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text.casefold()) if part
    )


def sort_arrow(descending: bool) -> str:
    return DESCENDING_ARROW if descending else ASCENDING_ARROW


def sort_labels(labels: Sequence[str], column: int | None, descending: bool) -> list[str]:
    """Column labels for a table header, the sorted column's with its arrow."""
    arrow = sort_arrow(descending)
    return [label + arrow if index == column else label for index, label in enumerate(labels)]
