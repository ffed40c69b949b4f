"""``pkgtui grid SLUG_OR_ID --plain|--json|--csv``: a grid's comparison table without the TUI.

The columns, their text and the "best" values come from ``pkgtui.comparison``, as on the
grid screen. A member that cannot be fetched is reported on stderr; the rest print.
"""

from __future__ import annotations

import argparse
import csv
from typing import TYPE_CHECKING, Any

import msgspec

from .. import comparison
from ..api.errors import APIError, BadResponse, CutOff, NotJSON, TooLarge
from ..api.models import Grid, Package
from ..comparison import Known
from ..exit_codes import EXIT_OK
from ..format import format_count, iso_time
from ..store import GridView, StoreError
from ..text import clean
from .context import Lookup
from .failures import from_api_error
from .local import age_text, not_stored
from .output import Output, fitted_plain_table

if TYPE_CHECKING:
    from datetime import datetime

    from ..api.pypi import PyPIFacts

DEFAULT_SORT = "stars"
SCHEMA_VERSION = 1  # of grid --json; raised when a field changes meaning or goes
USERS_KEY = "users"  # the Users column's key in --json and --csv (not a grid screen column)
SCORE_KEY = "score"  # upstream's score, as the website's grid and the grid screen show it
# The versions the members' PyPI classifiers declare, as the grid screen's Django and Python
# columns show them: from the facts the store keeps (no request here), only when some are kept.
VERSION_KEYS = ("django", "python")
# Whole columns left out to fit the width, least important first: the 52-glyph sparkline (its
# total stays in Commits), then the counts a choice rests on least. The name is never left out
# nor cut, so a table of it alone may be wider than the terminal.
DROP_ORDER = (
    "activity",
    "participants",
    "python",
    "forks",
    USERS_KEY,
    "commits",
    SCORE_KEY,
    "django",
    "version",
    "last_commit",
    "stars",
)
# grid --csv's first columns, in order (then Users when known, the weekly commits, the score
# and the declared versions); see README "Output formats".
CSV_FIELDS = (
    "id",
    "slug",
    "name",
    "version",
    "stars",
    "forks",
    "last_commit",
    "commits_52_weeks",
    "participants",
)
MAX_MEMBERS = 10_000  # usage counts read for at most this many members (a grid has ~10-200)


def run_stored(lookup: Lookup, args: argparse.Namespace) -> int | None:
    """The grid from the local catalogue alone, with no event loop (asyncio's imports are
    29 ms): when it holds the grid whole, or all there is offline. None otherwise."""
    view = _from_store(lookup, args.key.strip())
    if view is None or (view.missing and not lookup.offline):
        return None
    # The synced catalogue holds the grid (whole, or all there is offline): 0 requests.
    grid, packages = view.grid, list(view.members)
    if view.missing:
        lookup.warn(
            f"{len(view.missing)} package{'s' * (len(view.missing) != 1)} of {_title(grid)} "
            f"left out: not in the local catalogue ({age_text(lookup.store)})"
        )
    return _print_sorted(lookup, args, grid, packages, {})


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    stored = run_stored(lookup, args)
    if stored is not None:
        return stored
    key = args.key.strip()
    if lookup.offline:
        raise not_stored(lookup.store, f"grid {clean(key)!r}")
    view = _from_store(lookup, key)
    if view is not None:
        grid = view.grid
    else:
        try:
            grid = await lookup.client.grid(key, refresh=lookup.refresh)
        except APIError as error:
            hint = f"grids are looked up by id or slug; search with: pkgtui find {clean(key)}"
            raise from_api_error(error, f"grid {clean(key)!r}", not_found_hint=hint) from None
    packages, failed = await _members(lookup, grid)
    return _print_sorted(lookup, args, grid, packages, failed)


def _print_sorted(
    lookup: Lookup,
    args: argparse.Namespace,
    grid: Grid,
    packages: list[Package],
    failed: dict[int | str, APIError],
) -> int:
    packages = comparison.sort_packages(packages, DEFAULT_SORT, now=lookup.now)
    print_grid(lookup, args.format, grid, packages, failed)
    return EXIT_OK


def print_grid(
    lookup: Lookup, fmt: str, grid: Grid, packages: list[Package], failed: dict[int | str, APIError]
) -> None:
    """The comparison table of ``packages`` (sorted already) as ``fmt`` says; shared with
    ``pkgtui compare``, whose list is printed as a grid."""
    users = _users(lookup, packages)
    known = _known(lookup, packages)
    scores = _scores(lookup, packages, known)
    out = lookup.out
    if fmt == "json":
        out.json(_as_json(grid, packages, failed, lookup, users, scores, known))
    elif fmt == "csv":
        writer = csv.writer(out.stream, lineterminator="\n")
        writer.writerow(
            [
                *CSV_FIELDS,
                *([USERS_KEY] if users else []),
                "weekly_commits",
                SCORE_KEY,
                *(f"{key}_versions" for key in VERSION_KEYS),
            ]
        )
        writer.writerows(_csv_rows(packages, lookup, users, scores, known))
    else:
        table = _terminal_table(packages, lookup, users, scores, known)
        note = (_print_styled if out.color else _print_plain)(out, grid, packages, table)
        if note:
            lookup.note(note)
        if note := _facts_note(packages, known):
            lookup.note(note)


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


class _Scores(msgspec.Struct, frozen=True):
    """Each member's score (by package id) and the best one, None when all agree."""

    by_id: dict[int, int]
    best: int | None


def _known(lookup: Lookup, packages: list[Package]) -> dict[int, Known]:
    """What the store keeps of each member's PyPI facts (no request here: the browser, ``show``
    and ``readiness`` fetch them); a member with none kept knows nothing."""
    facts: dict[int, PyPIFacts | None] = {}
    if lookup.store is not None:
        from ..facts import stored_rows

        try:
            facts = {
                row.package.id: row.facts
                for row in stored_rows(lookup.store, packages[:MAX_MEMBERS], releases=False)
            }
        except StoreError:
            facts = {}
    return {p.id: Known(facts.get(p.id)) for p in packages}


def _scores(lookup: Lookup, packages: list[Package], known: dict[int, Known]) -> _Scores:
    """Each member's score, as the website's grid and the grid screen give it (upstream's
    rule: stars, less for the time since the last commit and for no Python 3 support), and
    the best by the grid screen's rule. The Python 3 support is PyPI's, as the store keeps it;
    unknown counts as none, as upstream's does."""
    best = comparison.known_best_values(packages, known, lookup.now).get(SCORE_KEY)
    by_id = {p.id: comparison.package_score(p, known[p.id], lookup.now) for p in packages}
    return _Scores(by_id, best if isinstance(best, int) else None)


def _declared(known: Known, key: str) -> list[str] | None:
    """The Django (``key`` "django") or Python versions the member's kept facts declare, in
    numeric order; None when no facts are kept (unknown, not "none declared")."""
    if known.facts is None:
        return None
    return list(known.facts.django_versions if key == "django" else known.facts.python_versions)


def _versions_cell(package: Package, known: Known, key: str, now: datetime) -> str:
    """As the grid screen's column shows it ("4.2–6.0", "–" for none declared); "?" when no
    facts are kept for the member."""
    if known.facts is None:
        return "?"
    return comparison.fact_column(key).text(package, known, now)


def _facts_note(packages: list[Package], known: dict[int, Known]) -> str | None:
    """What the terminal table says on stderr when it shows the declared versions of only some
    members (the others' "?")."""
    kept = sum(known[p.id].facts is not None for p in packages)
    if not kept or kept == len(packages):
        return None
    return (
        f"Django and Python known for {kept} of {len(packages)} packages (PyPI's facts as kept; "
        "opening the grid in pkgtui fetches the rest)"
    )


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
            lookup.warn(f"package {clean(str(key))} of {_title(grid)} left out: {clean(error.message)}")
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
    grid: Grid,
    packages: list[Package],
    failed: dict,
    lookup: Lookup,
    users: dict[int, int] | None,
    scores: _Scores,
    known: dict[int, Known],
) -> dict[str, Any]:
    """grid --json: every value typed (numbers bare, dates ISO 8601, the weekly counts a list),
    not the table's text; see README "Output formats"."""
    best = comparison.best_values(packages, lookup.now)
    entries = []
    for package in packages:
        age = package.last_commit_age_days(lookup.now)
        entry: dict[str, Any] = {
            "id": package.id,
            "slug": package.slug,
            "name": clean(package.display_title),
            "version": package.pypi_version or None,
            "stars": package.stars,
            "forks": package.repo_forks,
            "last_commit": iso_time(package.last_updated),
            "last_commit_age_days": None if age is None else round(age, 1),
            "is_stale": package.is_stale(lookup.now),
            "commits_52_weeks": package.commits_total if package.commits_over_52 else None,
            "weekly_commits": list(package.commits_over_52) or None,
            "participants": len(package.participants),
            "score": scores.by_id[package.id],
            "best": [
                col.key for col in comparison.COLUMNS if comparison.is_best(col, package, best, lookup.now)
            ]
            + ([SCORE_KEY] if scores.by_id[package.id] == scores.best else []),
            **{f"{key}_versions": _declared(known[package.id], key) for key in VERSION_KEYS},
        }
        if users:
            entry[USERS_KEY] = users.get(package.id)
        entries.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "grid": {"id": grid.id, "title": grid.title, "slug": grid.slug, "description": grid.description},
        "packages": entries,
        "failed": [{"id": key, "error": error.message} for key, error in failed.items()],
        "as_of": lookup.now.isoformat(),
    }


def _users_text(users: dict[int, int], package: Package) -> str:
    count = users.get(package.id)
    return format_count(count) if count is not None else "–"


def _csv_rows(
    packages: list[Package],
    lookup: Lookup,
    users: dict[int, int] | None,
    scores: _Scores,
    known: dict[int, Known],
) -> list[list[object]]:
    """One row a package, in ``CSV_FIELDS`` order: counts as bare integers (no "1,234"),
    the last commit as an ISO 8601 date-time, and the 52 weekly commit counts (oldest week
    first) as one space-separated field, and so the declared versions; empty where unknown.

    Text cells go through :func:`csv_text`: a name like ``=HYPERLINK(...)`` from the API must
    not become a live formula in the spreadsheet the file is opened in. Counts are numbers
    the API gave as numbers (a negative one included), so they stay numbers."""
    rows: list[list[object]] = []
    for package in packages:
        row: list[object] = [
            package.id,
            csv_text(clean(package.slug)),
            csv_text(clean(package.display_title)),
            csv_text(clean(package.pypi_version or "")),
            _blank_if_none(package.stars),
            _blank_if_none(package.repo_forks),
            iso_time(package.last_updated) or "",
            package.commits_total if package.commits_over_52 else "",
            len(package.participants),
        ]
        if users:
            row.append(_blank_if_none(users.get(package.id)))
        row.append(" ".join(str(count) for count in package.commits_over_52))
        row.append(scores.by_id[package.id])
        for key in VERSION_KEYS:
            row.append(csv_text(" ".join(clean(v) for v in _declared(known[package.id], key) or [])))
        rows.append(row)
    return rows


def _blank_if_none(value: int | None) -> object:
    return "" if value is None else value


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


class _TerminalTable(msgspec.Struct, frozen=True):
    """What both terminal printers draw: the comparison columns, then Score, Django and Python
    (when some facts are kept), then Users when known; each cell with whether it holds its
    column's best value."""

    keys: list[str]
    labels: list[str]
    right: list[bool]
    rows: list[list[tuple[str, bool]]]


def _terminal_table(
    packages: list[Package],
    lookup: Lookup,
    users: dict[int, int] | None,
    scores: _Scores,
    known: dict[int, Known],
) -> _TerminalTable:
    best = comparison.best_values(packages, lookup.now)
    columns = comparison.COLUMNS
    versions = VERSION_KEYS if any(k.facts is not None for k in known.values()) else ()
    rows = []
    for package, cells in zip(packages, comparison.rows(packages, lookup.now), strict=True):
        row = [
            (text, comparison.is_best(col, package, best, lookup.now))
            for col, text in zip(columns, cells, strict=True)
        ]
        score = scores.by_id[package.id]
        row.append((f"{score:,}", score == scores.best))
        # The newest version is not "best" to compare on (the grid screen's rule too).
        row.extend((_versions_cell(package, known[package.id], key, lookup.now), False) for key in versions)
        if users:
            row.append((_users_text(users, package), False))
        rows.append(row)
    return _TerminalTable(
        keys=[*comparison.COLUMN_KEYS, SCORE_KEY, *versions, *([USERS_KEY] if users else [])],
        labels=[
            *(col.label for col in columns),
            "Score",
            *(comparison.fact_column(key).label for key in versions),
            *([comparison.USERS_LABEL] if users else []),
        ],
        right=[
            *(col.numeric for col in columns),
            True,
            *(False for _ in versions),
            *([True] if users else []),
        ],
        rows=rows,
    )


def _drop_order(keys: list[str]) -> list[int]:
    return [keys.index(key) for key in DROP_ORDER if key in keys]


def _print_plain(out: Output, grid: Grid, packages: list[Package], table: _TerminalTable) -> str | None:
    rows = [[text for text, _ in row] for row in table.rows]
    fitted = fitted_plain_table(
        table.labels, rows, width=out.width, right=table.right, drop_order=_drop_order(table.keys)
    )
    out.lines([_heading(grid, len(packages)), "", *fitted.lines])
    return fitted.note


def _print_styled(out: Output, grid: Grid, packages: list[Package], table: _TerminalTable) -> str | None:
    from .styled import fitted_table

    return fitted_table(
        out,
        table.labels,
        [[(text, "bold green" if best else "") for text, best in row] for row in table.rows],
        flex=None,
        right=table.right,
        column_styles=["cyan" if key == "activity" else "" for key in table.keys],
        title=_heading(grid, len(packages)),
        drop_order=_drop_order(table.keys),
    )
