"""``pkgtui grid SLUG_OR_ID --plain|--json|--csv``: a grid's comparison table without the TUI.

The columns, their text and the "best" values come from ``pkgtui.comparison``, as on the
grid screen. A member that cannot be fetched is reported on stderr; the rest print.
"""

from __future__ import annotations

import argparse
import csv
from typing import Any

from .. import comparison
from ..api.errors import APIError, BadResponse, CutOff, NotJSON, TooLarge
from ..api.models import Grid, Package
from ..exit_codes import EXIT_OK
from ..format import format_count
from ..store import GridView, StoreError
from ..text import clean
from .context import Lookup
from .failures import from_api_error
from .local import age_text, not_stored
from .output import Output, plain_table

DEFAULT_SORT = "stars"
USERS_KEY = "users"  # the Users column's key in --json (not a grid screen column)
MAX_MEMBERS = 10_000  # usage counts read for at most this many members (a grid has ~10-200)


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    key = args.key.strip()
    view = _from_store(lookup, key)
    failed: dict[int | str, APIError] = {}
    if view is not None and (not view.missing or lookup.offline):
        # The synced catalogue holds the grid (whole, or all there is offline): 0 requests.
        grid, packages = view.grid, list(view.members)
        if view.missing:
            lookup.warn(
                f"{len(view.missing)} package{'s' * (len(view.missing) != 1)} of {_title(grid)} "
                f"left out: not in the local catalogue ({age_text(lookup.store)})"
            )
    elif lookup.offline:
        raise not_stored(lookup.store, f"grid {clean(key)!r}")
    else:
        if view is not None:
            grid = view.grid
        else:
            try:
                grid = await lookup.client.grid(key, refresh=lookup.refresh)
            except APIError as error:
                hint = f"grids are looked up by id or slug; search with: pkgtui find {clean(key)}"
                raise from_api_error(error, f"grid {clean(key)!r}", not_found_hint=hint) from None
        packages, failed = await _members(lookup, grid)
    packages = comparison.sort_packages(packages, DEFAULT_SORT, now=lookup.now)
    print_grid(lookup, args.format, grid, packages, failed)
    return EXIT_OK


def print_grid(
    lookup: Lookup, fmt: str, grid: Grid, packages: list[Package], failed: dict[int | str, APIError]
) -> None:
    """The comparison table of ``packages`` (sorted already) as ``fmt`` says; shared with
    ``pkgtui compare``, whose list is printed as a grid."""
    users = _users(lookup, packages)
    out = lookup.out
    if fmt == "json":
        out.json(_as_json(grid, packages, failed, lookup, users))
    elif fmt == "csv":
        writer = csv.writer(out.stream, lineterminator="\n")
        writer.writerow([col.label for col in comparison.COLUMNS] + (["Users"] if users else []))
        writer.writerows(_csv_rows(packages, lookup, users))
    elif out.color:
        _print_styled(out, grid, packages, lookup, users)
    else:
        _print_plain(out, grid, packages, lookup, users)


def _from_store(lookup: Lookup, key: str) -> GridView | None:
    store = lookup.store
    if store is None:
        return None
    try:
        return store.grid_view(key)
    except StoreError:
        return None


def _users(lookup: Lookup, packages: list[Package]) -> dict[int, int] | None:
    """Each member's usage count ("Using this"), as the store holds it (a sync, or the v3
    grid fetch just made); None when none is known, and the column is then left out."""
    if lookup.store is None:
        return None
    try:
        found = lookup.store.usage_counts(package.id for package in packages[:MAX_MEMBERS])
    except StoreError:
        return None
    return found or None


def is_bad_data(error: APIError) -> bool:
    """An answer that came whole but is not a package (a list, a string, wrong types)."""
    return isinstance(error, BadResponse) and not isinstance(error, (NotJSON, CutOff, TooLarge))


async def _members(lookup: Lookup, grid: Grid) -> tuple[list[Package], dict[int | str, APIError]]:
    packages: list[Package] = []
    failed: dict[int | str, APIError] = {}
    if lookup.store is not None:
        # API v3's whole grid in one request (usage counts too), matched through the store;
        # what it cannot give comes from v4, one member a request.
        from ..store import fetch_grid_members

        members = fetch_grid_members(
            lookup.client, lookup.store, grid, refresh=lookup.refresh, v3_url=lookup.v3_url
        )
    else:
        members = lookup.client.iter_packages(grid.package_ids, refresh=lookup.refresh)
    async for fetched in members:
        if fetched.value is not None:
            packages.append(fetched.value)
        elif fetched.error is not None:
            failed[fetched.key] = fetched.error
    bad = [key for key, error in failed.items() if is_bad_data(error)]
    for key, error in sorted(failed.items(), key=lambda item: str(item[0])):
        if not is_bad_data(error):
            lookup.warn(f"package {key} of {_title(grid)} left out: {clean(error.message)}")
    if bad:
        lookup.warn(f"{len(bad)} skipped (bad data) among the packages of {_title(grid)}")
    if failed and not packages:
        # Nothing to show: the first failure says why (and sets the exit code).
        raise from_api_error(next(iter(failed.values())), f"the packages of {_title(grid)}")
    return packages, failed


def _title(grid: Grid) -> str:
    return clean(grid.display_title) or f"Grid {grid.id}"


def _heading(grid: Grid, count: int) -> str:
    return f"{_title(grid)}: {count} package{'s' * (count != 1)}"


def _as_json(
    grid: Grid, packages: list[Package], failed: dict, lookup: Lookup, users: dict[int, int] | None
) -> dict[str, Any]:
    numeric = [col for col in comparison.COLUMNS if col.numeric]
    columns = [{"key": col.key, "label": col.label} for col in comparison.COLUMNS]
    if users:
        columns.append({"key": USERS_KEY, "label": "Users"})
    entries = []
    for package, cells in zip(packages, comparison.rows(packages, lookup.now), strict=True):
        entry: dict[str, Any] = {
            "id": package.id,
            "slug": package.slug,
            "cells": dict(zip(comparison.COLUMN_KEYS, cells, strict=True)),
            "values": {col.key: _number(col.value(package, lookup.now)) for col in numeric},
        }
        if users:
            entry["cells"][USERS_KEY] = _users_text(users, package)
            entry["values"][USERS_KEY] = users.get(package.id)
        entries.append(entry)
    return {
        "grid": {"id": grid.id, "title": grid.title, "slug": grid.slug, "description": grid.description},
        "columns": columns,
        "packages": entries,
        "failed": [{"id": key, "error": error.message} for key, error in failed.items()],
        "as_of": lookup.now.isoformat(),
    }


def _users_text(users: dict[int, int], package: Package) -> str:
    count = users.get(package.id)
    return format_count(count) if count is not None else "–"


def _csv_rows(
    packages: list[Package], lookup: Lookup, users: dict[int, int] | None = None
) -> list[list[object]]:
    """The table's text, except counts as bare integers (no "1,234") for spreadsheets.

    Text cells go through :func:`csv_text`: a name like ``=HYPERLINK(...)`` from the API must
    not become a live formula in the spreadsheet the file is opened in. Counts are numbers
    the API gave as numbers (a negative one included), so they stay numbers."""
    rows: list[list[object]] = []
    for package, cells in zip(packages, comparison.rows(packages, lookup.now), strict=True):
        values = [col.value(package, lookup.now) if col.numeric else None for col in comparison.COLUMNS]
        row: list[object] = [
            value if isinstance(value, int) and not isinstance(value, bool) else csv_text(cell)
            for value, cell in zip(values, cells, strict=True)
        ]
        if users:
            row.append(users.get(package.id, ""))  # a bare number, or empty when unknown
        rows.append(row)
    return rows


# What a spreadsheet takes for the start of a formula (OWASP's list: = + - @, tab, CR). Looked
# for after leading spaces and controls too: a spreadsheet may trim them before it looks, and
# cleaning the text has already taken them away ("\t=1+2" from the API is "=1+2" here).
FORMULA_STARTS = frozenset("=+-@\t\r")
_SKIPPED_BEFORE_FORMULA = " \t\r\n\f\v\x00"


def csv_text(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet: one that could start a formula, even after
    leading spaces or controls, gets a ``'`` in front (OWASP's advice), which spreadsheets
    read as "this is text" and do not show. Everything else is written as it is."""
    if cell[:1] in FORMULA_STARTS or cell.lstrip(_SKIPPED_BEFORE_FORMULA)[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell


def _number(value: object) -> object:
    # Ages are fractional days: one decimal is plenty, and keeps the output stable.
    return round(value, 1) if isinstance(value, float) else value


def _with_users(
    rows: list[list[str]], packages: list[Package], users: dict[int, int] | None
) -> list[list[str]]:
    if not users:
        return rows
    return [[*cells, _users_text(users, package)] for cells, package in zip(rows, packages, strict=True)]


def _print_plain(
    out: Output, grid: Grid, packages: list[Package], lookup: Lookup, users: dict[int, int] | None = None
) -> None:
    headers = [col.label for col in comparison.COLUMNS] + (["Users"] if users else [])
    right = [col.numeric for col in comparison.COLUMNS] + ([True] if users else [])
    rows = _with_users(comparison.rows(packages, lookup.now), packages, users)
    out.lines([_heading(grid, len(packages)), "", *plain_table(headers, rows, right=right)])


def _print_styled(
    out: Output, grid: Grid, packages: list[Package], lookup: Lookup, users: dict[int, int] | None = None
) -> None:
    from .styled import MIN_FLEX, fitted_table, natural_widths, overhead

    best = comparison.best_values(packages, lookup.now)
    columns: list[Any] = list(comparison.COLUMNS)
    rows = comparison.rows(packages, lookup.now)
    # A sparkline cut short would hide the latest weeks: when the name would get squeezed,
    # the activity column goes (the commit total stays).
    extra = ["Users"] if users else []
    widths = natural_widths([col.label for col in columns] + extra, _with_users(rows, packages, users))
    name_room = out.width - overhead(len(columns) + len(extra)) - sum(widths[1:])
    caption = None
    if name_room < min(widths[0], MIN_FLEX + 8):
        columns.remove(comparison.column("activity"))
        caption = "Activity column left out: the terminal is too narrow"

    styled_rows = []
    for package, cells in zip(packages, rows, strict=True):
        texts = dict(zip(comparison.COLUMN_KEYS, cells, strict=True))
        styled_rows.append(
            [
                (
                    texts[col.key],
                    "bold green"
                    if col.key in best and col.value(package, lookup.now) == best[col.key]
                    else "",
                )
                for col in columns
            ]
            + ([(_users_text(users, package), "")] if users else [])
        )
    fitted_table(
        out,
        [col.label for col in columns] + extra,
        styled_rows,
        flex=0,
        right=[col.numeric for col in columns] + [True] * len(extra),
        column_styles=["cyan" if col.key == "activity" else "" for col in columns] + [""] * len(extra),
        title=_heading(grid, len(packages)),
        caption=caption,
    )
