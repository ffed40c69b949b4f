"""``pkgtui readiness RELEASE``: which packages declare support for a Django (or Python)
release, from PyPI's classifiers, as the website's readiness pages show (upstream
``homepage/views.py``, ``readiness/<product>/<cycle>/``).

The packages come from the local catalogue (``pkgtui sync``): a grid, a category or the most
starred N. Their PyPI facts come from the store when fresher than ``cache_ttl``, else from
PyPI's JSON API (at most ``DEFAULT_PYPI_CONCURRENCY`` requests at a time), and are kept in
the store. A fetch that fails keeps the facts already kept, and the row says why.
Textual and rich are never imported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from .exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import httpx

    from .api.models import Package
    from .config import Config
    from .facts import FactsRow as Row
    from .lookup.output import Output
    from .readiness import Product
    from .store import Store

# What follows ``add_parser`` is imported in ``run``: building the command line (for every
# command, and for shell completion) must not load the HTTP stack (tests/cli/test_completion.py).

SCHEMA_VERSION = 1
DEFAULT_TOP = 50
MAX_PACKAGES = 1000  # PyPI requests one command may make: a bound, and politeness to PyPI
STATUS_WORDS = {  # by Readiness value
    "supports": "supports",
    "older_only": "older only",
    "skips": "skips it",
    "silent": "says nothing",
}


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    from .help_text import command_help

    readiness_parser = commands.add_parser(
        "readiness",
        parents=[common],
        help="which packages declare support for a Django (or Python) release",
        **command_help(
            "List which packages declare support for a Django release (or, with --python, a Python "
            "release) in their PyPI classifiers, which declare only older ones, and which say "
            "nothing. Packages come from the local catalogue (run pkgtui sync first): a grid, a "
            "category, or the most starred N. PyPI's facts are kept in the catalogue.",
            [
                "pkgtui readiness 5.2 --grid two-factor-authentication",
                "pkgtui readiness 3.13 --python --json",
            ],
            (
                (EXIT_OK, "done"),
                (EXIT_NOT_FOUND, "not found, or nothing synced"),
                (EXIT_USAGE, "bad usage (a release not like 5.2)"),
                (EXIT_API, "PyPI failed for every package"),
            ),
        ),
    )
    readiness_parser.add_argument("release", metavar="RELEASE", help="a MAJOR.MINOR release, e.g. 5.2")
    readiness_parser.add_argument("--python", action="store_true", help="RELEASE is a Python release")
    where = readiness_parser.add_mutually_exclusive_group()
    where.add_argument("--grid", metavar="SLUG", help="the packages of this grid")
    where.add_argument("--category", metavar="SLUG", help="the packages of this category")
    where.add_argument(
        "--top", metavar="N", type=_count, help=f"the N most starred packages (default {DEFAULT_TOP})"
    )
    shape = readiness_parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print JSON")
    shape.add_argument("--csv", action="store_true", help="print CSV")
    readiness_parser.add_argument(
        "--pypi-url",
        metavar="URL",
        help="PyPI's JSON API root (default $PKGTUI_PYPI_URL or https://pypi.org/pypi/)",
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_PACKAGES:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_PACKAGES}")
    return value


def run(
    args: argparse.Namespace,
    config: Config,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    from .format import moments_ago
    from .lookup.output import Output
    from .readiness import readiness
    from .store import Store, StoreError
    from .sync_command import catalogue_file
    from .text import clean

    out = Output(stdout or sys.stdout, env if env is not None else os.environ)
    err = stderr or sys.stderr
    env = env if env is not None else os.environ
    product: Product = "python" if args.python else "django"
    release = args.release.strip()
    try:
        readiness([], release, product)  # checks the release's shape
    except ValueError:
        err.write(f"pkgtui readiness: {clean(release)[:20]!r} is not a MAJOR.MINOR release, e.g. 5.2\n")
        return EXIT_USAGE
    from .api import pypi

    base_url = (args.pypi_url or env.get("PKGTUI_PYPI_URL") or config.pypi_url).strip()
    try:
        pypi.facts_url("django", base_url)
    except ValueError as error:
        err.write(f"pkgtui readiness: {clean(str(error))}\n")
        return EXIT_USAGE

    def warn(message: str) -> None:
        err.write(f"pkgtui: warning: {clean(message)}\n")

    try:
        store = Store(catalogue_file(config), on_warning=warn)
    except StoreError as error:
        err.write(f"pkgtui readiness: {clean(str(error))}\n")
        return EXIT_NOT_FOUND
    try:
        synced = store.last_sync()
        if synced is None:
            err.write("pkgtui readiness: the local catalogue is empty; run pkgtui sync first\n")
            return EXIT_NOT_FOUND
        selection, packages = _select(store, args)
        if packages is None:
            err.write(
                f"pkgtui readiness: no {selection} in the local catalogue (synced {moments_ago(time.time() - synced.timestamp())})\n"
            )
            return EXIT_NOT_FOUND
        offline = not config.pypi_facts_allowed
        if config.demo and transport is None:  # the demo's made-up facts, in-process: no network
            base_url, transport = config.pypi_source()
        import asyncio  # not at the top: cli.build_parser imports this module for every command

        rows = asyncio.run(_facts(store, packages, base_url, config.cache_ttl, offline, transport))
    finally:
        store.close()

    report = readiness([(row, row.facts) for row in rows], release, product)
    failed = [row for row in rows if row.facts is None and row.pypi_name is not None]
    if rows and len(failed) == len(rows) and not offline:
        first = failed[0].problem or "no answer"
        err.write(
            f"pkgtui readiness: PyPI gave no facts for any of the {len(rows)} packages ({clean(first)})\n"
        )
        return EXIT_API
    label = ("Python " if product == "python" else "Django ") + release
    if args.json:
        out.json(_json(report, label, selection))
    elif args.csv:
        _csv(out.stream, report)
    else:
        _plain(out, report, label, selection)
    if offline and any(row.facts is None and row.pypi_name for row in rows):
        err.write(
            "pkgtui readiness: offline: packages whose PyPI facts are not kept count as saying nothing\n"
        )
    return EXIT_OK


def _select(store: Store, args: argparse.Namespace) -> tuple[str, list[Package] | None]:
    from .text import clean

    if args.grid is not None:
        grid = store.grid(args.grid)
        return f"grid {clean(args.grid)!r}", None if grid is None else store.grid_members(grid.id)[
            :MAX_PACKAGES
        ]
    if args.category is not None:
        category = store.category(args.category)
        if category is None:
            return f"category {clean(args.category)!r}", None
        return f"category {clean(category.title)!r}", store.category_packages(category.id)[:MAX_PACKAGES]
    top = args.top or DEFAULT_TOP
    return f"the {top} most starred packages", store.top_packages(top)


async def _facts(
    store: Store,
    packages: Sequence[Package],
    base_url: str,
    max_age: float,
    offline: bool,
    transport: httpx.AsyncBaseTransport | None,
) -> list[Row]:
    from .facts import facts_for

    return await facts_for(
        store, packages, base_url=base_url, max_age=max_age, offline=offline, transport=transport
    )


def _declared(row: Row, product: Product) -> tuple[str, ...]:
    if row.facts is None:
        return ()
    return row.facts.django_versions if product == "django" else row.facts.python_versions


def _plain(out: Output, report: Any, label: str, selection: str) -> None:
    from .lookup.output import plain_table
    from .readiness import Readiness, format_range
    from .text import clean

    counts = report.counts
    out.line(f"{label} readiness of {selection}: {len(report.rows)} packages")
    out.line(", ".join(f"{counts[status]} {STATUS_WORDS[status.value]}" for status in Readiness))
    out.line()
    table = []
    for row, status in report.rows:
        declared = format_range(_declared(row, report.product), report.product)
        latest = row.facts.version or "" if row.facts is not None else ""
        released = (
            row.facts.released.date().isoformat() if row.facts is not None and row.facts.released else ""
        )
        table.append(
            [
                clean(row.package.title),
                STATUS_WORDS[status.value],
                clean(declared) or "—",
                clean(latest),
                released,
                clean(row.problem or ""),
            ]
        )
    # Names, statuses and versions are never cut: a user copies them. Only the note is.
    out.lines(
        plain_table(
            ["Package", "Status", "Declares", "Latest", "Released", "Note"],
            table,
            width=out.width,
            flex=5,
            min_flex=8,
        )
    )


def _json(report: Any, label: str, selection: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "product": report.product,
        "release": report.release,
        "selection": selection,
        "counts": {status.value: count for status, count in report.counts.items()},
        "packages": [
            {
                "id": row.package.id,
                "slug": row.package.slug,
                "title": row.package.title,
                "pypi_name": row.pypi_name,
                "status": status.value,
                "declared": list(_declared(row, report.product)),
                "latest_version": row.facts.version if row.facts is not None else None,
                "released": row.facts.released.isoformat()
                if row.facts is not None and row.facts.released
                else None,
                "problem": row.problem,
            }
            for row, status in report.rows
        ],
    }


def _csv(stream: IO[str], report: Any) -> None:
    import csv  # here, not at the top: building the command line imports this module

    from .lookup.grid import csv_text
    from .text import clean

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(
        ["slug", "title", "pypi_name", "status", "declared", "latest_version", "released", "problem"]
    )
    for row, status in report.rows:
        facts = row.facts
        writer.writerow(
            [
                csv_text(clean(row.package.slug)),
                csv_text(clean(row.package.title)),
                csv_text(row.pypi_name or ""),
                status.value,
                " ".join(_declared(row, report.product)),
                csv_text(clean(facts.version or "")) if facts is not None else "",
                facts.released.isoformat() if facts is not None and facts.released else "",
                csv_text(clean(row.problem or "")),
            ]
        )
