"""What the API client hands out, free of the HTTP stack: the shapes of its results, and the
asyncio helpers screens use with them.

Kept apart from ``client`` so that a warm start (the catalogue store synced) can paint its
first frame without importing httpx, httpcore and anyio: about 100 ms of imports on this
machine (``python -X importtime -c "import textual.app; import httpx"``), against ~350 ms
for a bare Textual app's whole start.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any, Generic, TypeVar

import msgspec
from msgspec import field

from .errors import APIError

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T], frozen=True):
    """One page of a list endpoint: ``count`` is the size of the whole list (as far as it is
    read); ``skipped`` counts the page's items that could not be read and were left out."""

    items: list[T]
    count: int
    offset: int
    skipped: int = 0
    # How old the answer was when read, in seconds: 0 from the network, a cached copy's age;
    # None when it was served stale (the network failed and an older copy stood in).
    age: float | None = 0.0


class ItemList(list[T]):
    """A list endpoint's readable items, and how many were unreadable and left out (``skipped``),
    so a screen can say "2 items skipped". It is a plain list otherwise."""

    def __init__(self, items: Iterable[T] = (), skipped: int = 0) -> None:
        super().__init__(items)
        self.skipped = skipped


class Started(Generic[T]):
    """An async iterator (catalogue pages, a grid's members) whose first item is already being
    fetched when this is made, so that other work (a screen looking up what it shows) overlaps
    that round trip. Iterate it as the iterator it wraps; ``aclose`` stops both (call it when
    done, whether or not the first was used)."""

    def __init__(self, items: AsyncIterator[T]) -> None:
        self._items = items
        self._first: asyncio.Future[T] | None = asyncio.ensure_future(anext(items))

    def __aiter__(self) -> Started[T]:
        return self

    async def __anext__(self) -> T:
        if self._first is not None:
            first, self._first = self._first, None
            return await first
        return await anext(self._items)

    async def aclose(self) -> None:
        first, self._first = self._first, None
        if first is not None:
            await cancel_and_wait([first])  # its outcome (cancelled, or an error) is not wanted
        aclose = getattr(self._items, "aclose", None)
        if aclose is not None:
            await aclose()


class Fetched(msgspec.Struct, Generic[T], frozen=True):
    """One member of a many-at-once fetch: the object, or why it could not be had."""

    key: int | str
    value: T | None = None
    error: APIError | None = None


def skipped_count(items: object) -> int:
    """How many unreadable items ``items`` left out: an :class:`ItemList`'s ``skipped``, else
    0 (a plain list, e.g. one read from the store, which keeps only what was read)."""
    return items.skipped if isinstance(items, ItemList) else 0


class ResponseInfo(msgspec.Struct, frozen=True):
    """Where a response came from, for the status line."""

    url: str
    stale_age: float | None  # seconds, when served from cache because the network failed
    at: float = field(default_factory=time.time)


async def cancel_and_wait(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel what is still running (the consumer left early) and wait for it to stop; any
    error it ended with is retrieved, so asyncio does not report it as lost."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
