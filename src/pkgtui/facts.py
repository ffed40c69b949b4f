"""PyPI's facts about a list of packages, store first: the one place that decides what is
fresh, what to ask PyPI for, and what a row says when there are no facts.

Used by ``pkgtui readiness``, ``pkgtui show`` and the screens (from a worker). The rule:

- Facts (or "not on PyPI") younger than ``max_age`` (the config's ``cache_ttl``) are used as
  kept, with no request. Older or missing ones are fetched (conditionally, with the kept
  ETag) at most ``concurrency`` at a time, and kept in the store; a failed fetch keeps the
  facts already kept (the store's rule) and the row says why.
- Offline, or with PyPI turned off, nothing is fetched: what is kept is used, however old.

:func:`stored_rows` answers from the store alone, so a screen can paint before any request.
No Textual here, and the HTTP stack is imported only when something must be fetched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from .api.pypi import normalize_name  # no HTTP stack: api.pypi imports httpx only to fetch

if TYPE_CHECKING:
    import httpx

    from .api.errors import APIError
    from .api.models import Package
    from .api.pypi import FactsResult, PyPIFacts
    from .store import Store
    from .store.store import StoredFacts

NOT_ON_PYPI = "not on PyPI"
NO_PYPI_NAME = "no PyPI name in its djangopackages entry"
NO_ANSWER = "no answer from PyPI"  # nothing kept: never asked, or not answered yet
MAX_FETCH = 1000  # PyPI requests one call may make: a bound, and politeness to PyPI


class FactsRow(msgspec.Struct, frozen=True):
    """One package's PyPI facts as known now."""

    package: Package
    pypi_name: str | None  # normalized; None when the package names no PyPI project
    facts: PyPIFacts | None
    problem: str | None  # why there are no facts, or why the last fetch failed


# The usual shape of API v4's pypi_url, read without urlsplit: a category screen names thousands
# of packages before its first frame (~35 µs each through project_name, ~1 µs here). Any other
# shape goes through project_name; both give the same name (tests/pypi/test_names.py).
_PLAIN_PYPI_URL = re.compile(
    r"https?://(?:(?:www\.)?pypi\.org|pypi\.python\.org)/(?:project|pypi|simple)/"  # api.pypi.PYPI_HOSTS
    r"([A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?)/?",
    re.ASCII,
)


def pypi_name_of(package: Package) -> str | None:
    url = package.pypi_url
    if isinstance(url, str) and (plain := _PLAIN_PYPI_URL.fullmatch(url)):
        return normalize_name(plain.group(1))
    from .api.pypi import project_name

    return project_name(url).normalized


def is_fresh(kept: StoredFacts | None, now: float, max_age: float) -> bool:
    """Whether what is kept needs no new fetch: facts, or "not on PyPI", younger than
    ``max_age``. A failed fetch (5xx, a timeout) is tried again the next time."""
    if kept is None or now - kept.fetched_at > max_age:
        return False
    return kept.facts is not None or kept.error == NOT_ON_PYPI


def reason(error: APIError | None) -> str:
    """The words a row shows for a failed fetch."""
    if error is None:
        return ""
    from .api.errors import NotFound
    from .text import clean

    return NOT_ON_PYPI if isinstance(error, NotFound) else clean(error.message)[:120]


def stored_rows(
    store: Store, packages: Sequence[Package], *, offline: bool = False, releases: bool = True
) -> list[FactsRow]:
    """Each package's facts from the store alone (no request). ``releases=False``: without
    their release lists, for tables (see :func:`pkgtui.api.pypi.decode_kept_facts`)."""
    names = {package.id: pypi_name_of(package) for package in packages}
    kept = store.pypi_facts((name for name in names.values() if name is not None), releases=releases)
    return [_row(package, names[package.id], kept, {}, offline) for package in packages]


def stale_names(store: Store, packages: Iterable[Package], max_age: float) -> list[str]:
    """The PyPI names among ``packages`` whose kept facts need a fetch, in order, each once."""
    wanted = [name for name in (pypi_name_of(package) for package in packages) if name is not None]
    kept = store.pypi_facts(wanted, releases=False)  # only whether they are fresh is looked at
    now = time.time()
    return [name for name in dict.fromkeys(wanted) if not is_fresh(kept.get(name), now, max_age)]


async def fetch_into_store(
    store: Store,
    names: Sequence[str],
    *,
    base_url: str,
    http: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_result: Callable[[FactsResult], None] | None = None,
) -> dict[str, FactsResult]:
    """Fetch ``names`` (at most :data:`MAX_FETCH`) from PyPI and keep every outcome in the
    store, each as it arrives (so a reader of the store sees facts progressively). ``http``
    is a PyPI client to use (kept open); without it one is opened and closed here."""
    from .api import pypi

    wanted = list(dict.fromkeys(names))[:MAX_FETCH]
    if not wanted:
        return {}
    kept = store.pypi_facts(wanted)
    previous: dict[str, PyPIFacts] = {}
    for name in wanted:
        if name in kept and (old := kept[name].facts) is not None:
            previous[name] = old

    def keep(result: FactsResult) -> None:
        store.put_pypi_facts(
            [(result.name, result.facts, reason(result.error) if result.error is not None else None)]
        )
        if on_result is not None:
            on_result(result)

    client = http if http is not None else pypi.open_pypi_client(transport=transport)
    try:
        results = await pypi.fetch_many(client, wanted, previous=previous, base_url=base_url, on_result=keep)
    finally:
        if http is None:
            await client.aclose()
    return {result.name: result for result in results}


async def facts_for(
    store: Store,
    packages: Sequence[Package],
    *,
    base_url: str,
    max_age: float,
    offline: bool,
    transport: httpx.AsyncBaseTransport | None = None,
    http: httpx.AsyncClient | None = None,
) -> list[FactsRow]:
    """Each package's facts: kept ones when fresh, else fetched now (unless ``offline``)."""
    names = {package.id: pypi_name_of(package) for package in packages}
    fetched: dict[str, FactsResult] = {}
    if not offline:
        stale = stale_names(store, packages, max_age)
        if stale:
            fetched = await fetch_into_store(store, stale, base_url=base_url, http=http, transport=transport)
    kept = store.pypi_facts(name for name in names.values() if name is not None)
    return [_row(package, names[package.id], kept, fetched, offline) for package in packages]


def _row(
    package: Package,
    pypi_name: str | None,
    kept: Mapping[str, StoredFacts],
    fetched: Mapping[str, FactsResult],
    offline: bool,
) -> FactsRow:
    if pypi_name is None:
        return FactsRow(package, None, None, NO_PYPI_NAME)
    result = fetched.get(pypi_name)
    if result is not None and result.facts is not None:
        return FactsRow(package, pypi_name, result.facts, None)
    stored = kept.get(pypi_name)
    facts = stored.facts if stored is not None else None
    if result is not None and result.error is not None:
        problem: str | None = reason(result.error)
    else:
        problem = stored.error if stored is not None else None
    if facts is None and problem is None:
        problem = "PyPI facts not kept (offline)" if offline else NO_ANSWER
    return FactsRow(package, pypi_name, facts, problem)
