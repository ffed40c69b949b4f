"""``pkgtui find TERM``: the API's search, as a table or as the raw results."""

from __future__ import annotations

import argparse

from ..api.errors import APIError, BadResponse
from ..api.models import Package, SearchResult
from ..exit_codes import EXIT_OK
from ..format import format_count
from ..store import StoreError
from ..text import clean
from .context import Lookup
from .failures import from_api_error, not_found
from .local import not_stored
from .output import Output, cut, plain_table

HEADERS = ("Title", "Stars", "Category", "Description")
MAX_TITLE = 40  # cells; the description gets the rest of the terminal


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    term = " ".join(args.term).strip()
    stored = _search_store(lookup, term, args.limit)
    if stored is not None:
        raw = stored
    elif lookup.offline:
        raise not_stored(lookup.store, f"search for {clean(term)!r}")
    else:
        raw, skipped = await _search(lookup, term)
        raw = raw[: args.limit]
        if skipped:
            lookup.warn(f"{skipped} skipped (bad data) in the search results for {clean(term)!r}")
    if not raw:
        if args.json:
            lookup.out.json([])
        raise not_found(f"no package or grid matches {clean(term)!r}", "try fewer or other words")
    if args.json:
        lookup.out.json(raw)
        return EXIT_OK
    results = [SearchResult.from_api(item) for item in raw]
    if lookup.out.color:
        _print_styled(lookup.out, results, term)
    else:
        lookup.out.lines(
            plain_table(
                HEADERS, [_cells(r) for r in results], right=(False, True), width=lookup.out.width, flex=3
            )
        )
    return EXIT_OK


async def _search(lookup: Lookup, term: str) -> tuple[list[dict], int]:
    """The results as served (a bare list, or a page's ``results``) that are objects, and how
    many were not: one bad hit is left out and counted, not the end of the command."""
    try:
        data = await lookup.client.get_json("search/", {"q": term}, refresh=lookup.refresh)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if not isinstance(data, list):
            raise BadResponse(f"{lookup.client.host} sent search results of the wrong shape")
    except APIError as error:
        raise from_api_error(error, f"search results for {clean(term)!r}") from None
    good: list[dict] = []
    for item in data:
        try:
            SearchResult.from_api(item)  # raises BadResponse for a non-object
        except BadResponse:
            continue
        good.append(item)
    return good, len(data) - len(good)


def _search_store(lookup: Lookup, term: str, limit: int | None) -> list[dict] | None:
    """The synced catalogue's ranked hits, as objects of the API's search shape (so --json
    and the table read them alike); None when there is no catalogue to search. The whole
    catalogue is searched: only ``--limit`` bounds the hits (the catalogue itself is bounded
    by what a sync keeps)."""
    store = lookup.local
    if store is None:
        return None
    try:
        hits = store.search(term, limit)
        categories = {category.id: category.display_title for category in store.categories()}
        results = [_as_search_result(package, categories) for package in hits]
    except StoreError:
        return None
    return results


def _as_search_result(package: Package, categories: dict[int, str]) -> dict:
    category = categories.get(package.category_id, "") if package.category_id is not None else ""
    return {
        "item_type": "package",
        "id": package.id,
        "title": package.title,
        "slug": package.slug,
        "description": package.repo_description or "",
        "category": category,
        "repo_watchers": package.repo_watchers,
        "repo_forks": package.repo_forks,
        "last_committed": package.last_updated.isoformat() if package.last_updated else None,
    }


def _cells(result: SearchResult) -> list[str]:
    category = "(grid)" if result.item_type == "grid" else clean(result.category) or "–"
    return [
        clean(result.display_title),
        format_count(result.repo_watchers),
        category,
        clean(result.description),
    ]


def _print_styled(out: Output, results: list[SearchResult], term: str) -> None:
    from .styled import fitted_table

    count = f"{len(results)} result{'s' * (len(results) != 1)} for {clean(term)!r}"
    rows = [
        [(cut(cells[0], MAX_TITLE), "bold"), *((cell, "") for cell in cells[1:])]
        for cells in map(_cells, results)
    ]
    fitted_table(
        out,
        HEADERS,
        rows,
        flex=3,
        right=(False, True),
        column_styles=("", "yellow", "cyan", ""),
        caption=count,
    )
