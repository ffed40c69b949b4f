"""``pkgtui compare [SLUG...] [--plain|--json|--csv]``: packages from any grids side by side.

With no SLUG, the compare list the browser keeps (``m`` on a package). The table is the grid
table (``pkgtui.lookup.grid.print_grid``: same columns, best values and formats), headed
"Compare list". Members are read from the synced catalogue first, the rest from the API one
request each; a member that cannot be fetched is one line on stderr and the rest print.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .. import comparison
from ..api.errors import APIError
from ..api.models import Grid, Package
from ..exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from ..store import StoreError
from ..text import clean
from ..userdata import MAX_COMPARE, UserDataFile
from .context import Lookup
from .failures import LookupFailed, from_api_error, usage
from .grid import DEFAULT_SORT, is_bad_data, print_grid
from .local import age_text

MAX_SLUGS = MAX_COMPARE  # the same bound as the browser's list: a comparison, not a catalogue


def slugs_to_compare(args: argparse.Namespace, warn: Callable[[str], None]) -> list[str]:
    """The slugs given, in order and once each; with none, the saved compare list."""
    given = [slug.strip() for slug in getattr(args, "slugs", []) or []]
    if any(not slug for slug in given):
        raise usage("a SLUG is empty; give package slugs")
    if not given:
        store = UserDataFile()
        saved = list(store.read().compare)
        for warning in store.take_warnings():
            warn(clean(warning))
        if not saved:
            raise LookupFailed(
                "the compare list is empty; give package slugs, or mark packages with m in the browser",
                EXIT_USAGE,
            )
        return saved
    slugs = list(dict.fromkeys(given))
    if len(slugs) > MAX_SLUGS:
        raise usage(f"at most {MAX_SLUGS} packages at once ({len(slugs)} given)")
    return slugs


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    slugs = slugs_to_compare(args, lookup.warn)
    found = _from_store(lookup, slugs)
    missing = [slug for slug in slugs if slug not in found]
    failed: dict[int | str, APIError] = {}
    if missing and lookup.offline:
        for slug in missing:
            lookup.warn(
                f"package {clean(slug)!r} left out: not in the local catalogue ({age_text(lookup.store)})"
            )
    elif missing:
        async for fetched in lookup.client.iter_packages(missing, refresh=lookup.refresh):
            if fetched.value is not None:
                found[str(fetched.key)] = fetched.value
            elif fetched.error is not None:
                failed[fetched.key] = fetched.error
    packages = [found[slug] for slug in slugs if slug in found]
    failures = list(failed.items())
    if not packages and failures:
        # Nothing to print: the first failure is the error (and the exit code), the rest warnings.
        first, failures = failures[0], failures[1:]
    for key, error in failures:
        if is_bad_data(error):
            lookup.warn(f"package {clean(str(key))!r} left out: its answer is not a package (bad data)")
        else:
            lookup.warn(f"package {clean(str(key))!r} left out: {clean(error.message)}")
    if not packages:
        if failed:
            raise from_api_error(first[1], f"package {clean(str(first[0]))!r}")
        raise LookupFailed("none of the packages is in the local catalogue", EXIT_NOT_FOUND)
    packages = comparison.sort_packages(packages, DEFAULT_SORT, now=lookup.now)
    print_grid(lookup, args.format or "plain", compare_heading(len(packages)), packages, failed)
    return EXIT_OK


def compare_heading(count: int) -> Grid:
    """The printed table's heading, in the shape of a grid (the grid printer takes one)."""
    return Grid(
        id=0, title="Compare list", slug="", description=f"{count} package{'s' * (count != 1)} compared"
    )


def _from_store(lookup: Lookup, slugs: list[str]) -> dict[str, Package]:
    """The packages the synced catalogue holds, by the slug they were asked for."""
    if lookup.store is None:
        return {}
    found: dict[str, Package] = {}
    for slug in slugs:
        try:
            package = lookup.store.package(slug)
        except StoreError:
            return found
        if package is not None:
            found[slug] = package
    return found
