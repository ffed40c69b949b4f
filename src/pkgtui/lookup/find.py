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
from .output import Output, cut, plain_table

HEADERS = ("Title", "Stars", "Category", "Description")
MAX_TITLE = 40  # cells; the description gets the rest of the terminal


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    term = " ".join(args.term).strip()
    raw = (await _search(lookup, term))[: args.limit]
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


async def _search(lookup: Lookup, term: str) -> list[dict]:
    """The results as served (a bare list, or a page's ``results``), each checked to be an object."""
    try:
        data = await lookup.client.get_json("search/", {"q": term}, refresh=lookup.refresh)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if not isinstance(data, list):
            raise BadResponse(f"{lookup.client.host} sent search results of the wrong shape")
        for item in data:
            SearchResult.from_api(item)  # raises BadResponse for a non-object
        return data
    except APIError as error:
        raise from_api_error(error, f"search results for {clean(term)!r}") from None


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
