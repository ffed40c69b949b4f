"""``pkgtui grid SLUG_OR_ID --plain|--json|--csv``: a grid's comparison table without the TUI.

The columns, their text and the "best" values come from ``pkgtui.comparison``, as on the
grid screen. A member that cannot be fetched is reported on stderr; the rest print.
"""

from __future__ import annotations

import argparse
import csv
from typing import Any

from .. import comparison
from ..api.errors import APIError
from ..api.models import Grid, Package
from ..exit_codes import EXIT_OK
from ..text import clean
from .context import Lookup
from .failures import from_api_error
from .output import Output, plain_table

DEFAULT_SORT = "stars"


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    key = args.key.strip()
    view = lookup.store.grid_view(key) if lookup.store is not None else None
    failed: dict[int | str, APIError]
    if view is not None and not view.missing:
        # The local catalogue holds the grid and every member: no request at all.
        grid, packages, failed = view.grid, list(view.members), {}
    else:
        try:
            grid = await lookup.client.grid(key, refresh=lookup.refresh)
        except APIError as error:
            hint = f"grids are looked up by id or slug; search with: pkgtui find {clean(key)}"
            raise from_api_error(error, f"grid {clean(key)!r}", not_found_hint=hint) from None
        packages, failed = await _members(lookup, grid)
    packages = comparison.sort_packages(packages, DEFAULT_SORT, now=lookup.now)
    out = lookup.out
    if args.format == "json":
        out.json(_as_json(grid, packages, failed, lookup))
    elif args.format == "csv":
        writer = csv.writer(out.stream, lineterminator="\n")
        writer.writerow([col.label for col in comparison.COLUMNS])
        writer.writerows(_csv_rows(packages, lookup))
    elif out.color:
        _print_styled(out, grid, packages, lookup)
    else:
        _print_plain(out, grid, packages, lookup)
    return EXIT_OK


async def _members(lookup: Lookup, grid: Grid) -> tuple[list[Package], dict[int | str, APIError]]:
    packages: list[Package] = []
    failed: dict[int | str, APIError] = {}
    async for fetched in lookup.client.iter_packages(grid.package_ids, refresh=lookup.refresh):
        if fetched.value is not None:
            packages.append(fetched.value)
        elif fetched.error is not None:
            failed[fetched.key] = fetched.error
    for key, error in sorted(failed.items(), key=lambda item: str(item[0])):
        lookup.warn(f"package {key} of {_title(grid)} left out: {clean(error.message)}")
    if failed and not packages:
        # Nothing to show: the first failure says why (and sets the exit code).
        raise from_api_error(next(iter(failed.values())), f"the packages of {_title(grid)}")
    return packages, failed


def _title(grid: Grid) -> str:
    return clean(grid.display_title) or f"Grid {grid.id}"


def _heading(grid: Grid, count: int) -> str:
    return f"{_title(grid)}: {count} package{'s' * (count != 1)}"


def _as_json(grid: Grid, packages: list[Package], failed: dict, lookup: Lookup) -> dict[str, Any]:
    numeric = [col for col in comparison.COLUMNS if col.numeric]
    return {
        "grid": {"id": grid.id, "title": grid.title, "slug": grid.slug, "description": grid.description},
        "columns": [{"key": col.key, "label": col.label} for col in comparison.COLUMNS],
        "packages": [
            {
                "id": package.id,
                "slug": package.slug,
                "cells": dict(zip(comparison.COLUMN_KEYS, cells, strict=True)),
                "values": {col.key: _number(col.value(package, lookup.now)) for col in numeric},
            }
            for package, cells in zip(packages, comparison.rows(packages, lookup.now), strict=True)
        ],
        "failed": [{"id": key, "error": error.message} for key, error in failed.items()],
        "as_of": lookup.now.isoformat(),
    }


def _csv_rows(packages: list[Package], lookup: Lookup) -> list[list[object]]:
    """The table's text, except counts as bare integers (no "1,234") for spreadsheets.

    Text cells go through :func:`csv_text`: a name like ``=HYPERLINK(...)`` from the API must
    not become a live formula in the spreadsheet the file is opened in. Counts are numbers
    the API gave as numbers (a negative one included), so they stay numbers."""
    rows: list[list[object]] = []
    for package, cells in zip(packages, comparison.rows(packages, lookup.now), strict=True):
        values = [col.value(package, lookup.now) if col.numeric else None for col in comparison.COLUMNS]
        rows.append(
            [
                value if isinstance(value, int) and not isinstance(value, bool) else csv_text(cell)
                for value, cell in zip(values, cells, strict=True)
            ]
        )
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


def _print_plain(out: Output, grid: Grid, packages: list[Package], lookup: Lookup) -> None:
    headers = [col.label for col in comparison.COLUMNS]
    right = [col.numeric for col in comparison.COLUMNS]
    out.lines(
        [
            _heading(grid, len(packages)),
            "",
            *plain_table(headers, comparison.rows(packages, lookup.now), right=right),
        ]
    )


def _print_styled(out: Output, grid: Grid, packages: list[Package], lookup: Lookup) -> None:
    from .styled import MIN_FLEX, fitted_table, natural_widths, overhead

    best = comparison.best_values(packages, lookup.now)
    columns = list(comparison.COLUMNS)
    rows = comparison.rows(packages, lookup.now)
    # A sparkline cut short would hide the latest weeks: when the name would get squeezed,
    # the activity column goes (the commit total stays).
    widths = natural_widths([col.label for col in columns], rows)
    name_room = out.width - overhead(len(columns)) - sum(widths[1:])
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
        )
    fitted_table(
        out,
        [col.label for col in columns],
        styled_rows,
        flex=0,
        right=[col.numeric for col in columns],
        column_styles=["cyan" if col.key == "activity" else "" for col in columns],
        title=_heading(grid, len(packages)),
        caption=caption,
    )
