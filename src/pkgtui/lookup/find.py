"""``pkgtui find TERM``: the API's search, as a table or as the raw results."""

from __future__ import annotations

import argparse

from ..api.errors import APIError, BadResponse
from ..api.models import SearchResult
from ..exit_codes import EXIT_OK
from ..format import format_count
from ..text import clean
from .context import Lookup
from .failures import from_api_error, not_found
from .local import not_stored
from .output import Output, fitted_plain_table

SCHEMA_VERSION = 1  # of find --json; raised when a field changes meaning or goes
HEADERS = ("Title", "Stars", "Category", "Description")
FLEX = 3  # the description: the one column cut, with "…", to fit the width
# Whole columns left out when the description would get less than MIN_DESCRIPTION cells,
# least important first. The title is never left out, nor cut.
DROP_ORDER = (2, 3, 1)
MIN_DESCRIPTION = 20
MAX_RESULTS = 10_000  # hits one find prints at most, whatever --limit says
API_SEARCH_CAP = 20  # the API's search/ answers at most this many hits


def run_stored(lookup: Lookup, args: argparse.Namespace) -> int | None:
    """The search over the local catalogue, with no event loop (asyncio's imports are 29 ms);
    None without a synced catalogue."""
    if lookup.store is None:
        return None
    term = " ".join(args.term).strip()
    return _print_hits(lookup, args, term, _search_store(lookup, term, args.limit), capped=False)


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    stored = run_stored(lookup, args)
    if stored is not None:
        return stored
    term = " ".join(args.term).strip()
    if lookup.offline:
        raise not_stored(None, f"search for {clean(term)!r}")
    found = await _search(lookup, term)
    raw = found[: args.limit]
    # The API stops at 20: said, so a script does not take 20 hits for all there are.
    capped = len(found) >= API_SEARCH_CAP and len(raw) == len(found)
    return _print_hits(lookup, args, term, raw, capped)


def _print_hits(lookup: Lookup, args: argparse.Namespace, term: str, raw: list[dict], capped: bool) -> int:
    if not raw:
        if args.json:
            lookup.out.json(_document(term, [], lookup, capped))
        raise not_found(f"no package or grid matches {clean(term)!r}", "try fewer or other words")
    if capped:  # said first: on a terminal the table follows it, piped it is apart anyway
        lookup.note(f"the API answers at most {API_SEARCH_CAP} hits; pkgtui sync first to search everything")
    if args.json:
        lookup.out.json(_document(term, raw, lookup, capped))
        return EXIT_OK
    results = [SearchResult.from_api(item) for item in raw]
    if lookup.out.color:
        note = _print_styled(lookup.out, results, term)
    else:
        table = fitted_plain_table(
            HEADERS,
            [_cells(r) for r in results],
            right=(False, True),
            width=lookup.out.width,
            drop_order=DROP_ORDER,
            flex=FLEX,
            min_flex=MIN_DESCRIPTION,
        )
        lookup.out.lines(table.lines)
        note = table.note
    if note:
        lookup.note(note)
    return EXIT_OK


def _document(term: str, raw: list[dict], lookup: Lookup, capped: bool) -> dict:
    """find --json: the hits as served (or as the local catalogue holds them, in the same
    shape), with what a script needs to read them."""
    return {
        "schema_version": SCHEMA_VERSION,
        "term": term,
        "source": "catalogue" if lookup.store is not None else "api",
        "capped": capped,
        "results": raw,
    }


async def _search(lookup: Lookup, term: str) -> list[dict]:
    """The results as served (a bare list, or a page's ``results``), each checked to be an object."""
    try:
        data = await lookup.client.get_json("search/", {"q": term}, refresh=lookup.refresh)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if not isinstance(data, list):
            raise BadResponse(f"{lookup.client.host} sent search results of the wrong shape")
        good = [item for item in data[:MAX_RESULTS] if _readable(item)]
        if data and not good:  # not one hit readable: the answer itself is bad (say why)
            SearchResult.from_api(data[0])
        if len(good) < min(len(data), MAX_RESULTS):
            # One bad hit used to fail the whole command; now it is left out, and counted.
            skipped = min(len(data), MAX_RESULTS) - len(good)
            lookup.warn(
                f"{skipped} search result{'s' * (skipped != 1)} skipped (bad data from {lookup.client.host})"
            )
        return good
    except APIError as error:
        raise from_api_error(error, f"search results for {clean(term)!r}") from None


def _readable(item: object) -> bool:
    try:
        SearchResult.from_api(item)
    except BadResponse:
        return False
    return True


def _search_store(lookup: Lookup, term: str, limit: int | None) -> list[dict]:
    """The local catalogue's ranked hits (the whole catalogue, no 20-hit cap), in the shape
    of the API's search results, so ``--json`` and the table read the same either way."""
    assert lookup.store is not None
    store = lookup.store
    hits = store.search(term, limit=min(limit or MAX_RESULTS, MAX_RESULTS))
    categories = {category.id: category.display_title for category in store.categories()}
    usage = store.usage_counts(package.id for package in hits)  # one query, not one a hit
    return [
        {
            "item_type": "package",
            "title": package.title,
            "slug": package.slug,
            "description": package.repo_description,
            "category": categories.get(package.category_id or 0, ""),
            "absolute_url": f"/packages/p/{package.slug}/",
            "repo_watchers": package.repo_watchers,
            "repo_forks": package.repo_forks,
            "usage": usage.get(package.id),
            "last_committed": package.last_updated.isoformat() if package.last_updated else None,
        }
        for package in hits
    ]


def _cells(result: SearchResult) -> list[str]:
    category = "(grid)" if result.item_type == "grid" else clean(result.category) or "–"
    return [
        clean(result.display_title),
        format_count(result.repo_watchers),
        category,
        clean(result.description),
    ]


def _print_styled(out: Output, results: list[SearchResult], term: str) -> str | None:
    from .styled import fitted_table

    count = f"{len(results)} result{'s' * (len(results) != 1)} for {clean(term)!r}"
    rows = [[(cells[0], "bold"), *((cell, "") for cell in cells[1:])] for cells in map(_cells, results)]
    return fitted_table(
        out,
        HEADERS,
        rows,
        flex=FLEX,
        right=(False, True),
        column_styles=("", "yellow", "cyan", ""),
        caption=count,
        drop_order=DROP_ORDER,
        min_flex=MIN_DESCRIPTION,
    )
