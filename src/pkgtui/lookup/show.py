"""``pkgtui show SLUG_OR_ID``: one package's summary, its participants, or its JSON.

The summary is laid out here for the width (``$COLUMNS``, the terminal's, else 100): prose
wraps under its label, and nothing a reader copies (a name, a number, a URL) is ever cut or
broken; a URL longer than the line is printed whole. PyPI's facts come store first
(:mod:`pkgtui.facts`), asked of PyPI only when stale and allowed.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import msgspec

from ..api.errors import APIError
from ..api.models import Package
from ..exit_codes import EXIT_OK
from ..filtering import filter_items
from ..format import dated, format_count, iso_time, sparkline
from ..text import clean, is_web_url
from .context import Lookup
from .failures import from_api_error, not_found
from .local import not_stored
from .output import Output, cell_width

if TYPE_CHECKING:
    from ..api.pypi import PyPIFacts
    from ..facts import FactsRow

SCHEMA_VERSION = 1  # of show --json (and --participants --json); raised when a field changes meaning
FIRST_NAMES = 5  # participants named in the summary; --participants lists them all
LABEL_WIDTH = 14
MIN_TEXT = 20  # cells a wrapped value gets at the least, however narrow the terminal


class Summary(msgspec.Struct, frozen=True):
    raw: dict[str, Any]  # the API object as served
    package: Package
    category: tuple[int, str] | None  # (id, title)
    grids: list[tuple[int, str]]  # (id, title), in the package's order
    users: int | None = None  # "Using this" on the website (API v3, kept by the store)
    pypi: PyPIFacts | None = None  # PyPI's facts, when known
    pypi_problem: str | None = None  # why there are none, or why the last fetch failed


class Field(msgspec.Struct, frozen=True):
    label: str
    text: str
    style: str = ""
    link: str | None = None
    whole: bool = False  # a URL: printed on one line, never wrapped nor cut
    graphic: str = ""  # drawn before ``text`` when the line has room (a sparkline), else left out


def run_stored(lookup: Lookup, args: argparse.Namespace) -> int | None:
    """``show`` from the local catalogue alone: no request and no event loop (importing
    asyncio took 29 ms, the whole command ~110). None when the package is not stored, or its
    PyPI facts are due a fetch: :func:`run` then does it all."""
    found = _stored_package(lookup, args.key.strip())
    if found is None:
        return None
    raw, package = found
    if args.participants or args.filter is not None:
        return _print_participants(lookup.out, package, args.filter, args.json)
    facts = _stored_facts(lookup, package)
    if facts is None:
        return None
    return _print_summary(lookup, args, _stored_context(lookup, raw, package), *facts)


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    import asyncio

    key = args.key.strip()
    participants_only = args.participants or args.filter is not None
    raw, package, stored = await _fetch_package(lookup, key)
    if participants_only:
        return _print_participants(lookup.out, package, args.filter, args.json)
    # The category's and grids' titles and PyPI's facts are asked at the same time.
    summary, (facts, problem) = await asyncio.gather(
        _with_context(lookup, raw, package, stored), _pypi_facts(lookup, package)
    )
    return _print_summary(lookup, args, summary, facts, problem)


def _print_summary(
    lookup: Lookup, args: argparse.Namespace, context: Summary, facts: PyPIFacts | None, problem: str | None
) -> int:
    """Print the summary (or its JSON) of ``context`` with PyPI's ``facts`` (or the ``problem``)."""
    summary = Summary(
        context.raw, context.package, context.category, context.grids, context.users, facts, problem
    )
    if args.json:
        lookup.out.json(
            {
                "schema_version": SCHEMA_VERSION,
                "package": summary.raw,
                "derived": derived(summary, lookup),
                "pypi": pypi_json(facts) if facts is not None else None,
                "pypi_problem": problem,
            }
        )
        return EXIT_OK
    lines, left_out = layout(summary, fields(summary, lookup), lookup.out.width)
    if lookup.out.color:
        _print_styled(lookup.out, lines)
    else:
        lookup.out.lines([line.plain for line in lines])
    if left_out:
        lookup.note(
            f"{' and '.join(left_out)} left out to fit {lookup.out.width} columns (set COLUMNS for more)"
        )
    return EXIT_OK


async def _pypi_facts(lookup: Lookup, package: Package) -> tuple[PyPIFacts | None, str | None]:
    """The package's PyPI facts and, when there are none or they could not be refreshed, why.
    Store first: kept facts younger than ``cache_ttl`` are used as they are; else PyPI is
    asked (when allowed) and the answer kept. Without a store, PyPI is asked and nothing kept."""
    from .. import facts as store_facts

    store = lookup.store
    if store is not None:
        if lookup.pypi_url is None:
            row = store_facts.stored_rows(store, [package], offline=True)[0]
        else:
            rows = await store_facts.facts_for(
                store,
                [package],
                base_url=lookup.pypi_url,
                max_age=lookup.pypi_max_age,
                offline=False,
                transport=lookup.pypi_transport,
            )
            row = rows[0]
        return _facts_of(lookup, row)
    name = store_facts.pypi_name_of(package)
    if name is None:
        return None, store_facts.NO_PYPI_NAME
    if lookup.pypi_url is None:
        return None, lookup.pypi_off or "PyPI not asked"
    from ..api import pypi

    http = pypi.open_pypi_client(transport=lookup.pypi_transport)
    try:
        (result,) = await pypi.fetch_many(http, [name], base_url=lookup.pypi_url)
    finally:
        await http.aclose()
    return result.facts, store_facts.reason(result.error) if result.error is not None else None


def _stored_facts(lookup: Lookup, package: Package) -> tuple[PyPIFacts | None, str | None] | None:
    """What :func:`_pypi_facts` answers, from the store alone; None when a fetch is due (kept
    facts older than ``cache_ttl``, or none, and PyPI may be asked)."""
    from .. import facts as store_facts

    store = lookup.store
    assert store is not None  # run_stored is called with a store
    if lookup.pypi_url is not None and store_facts.stale_names(store, [package], lookup.pypi_max_age):
        return None
    # Nothing to fetch: facts_for would answer these same rows without a request.
    return _facts_of(lookup, store_facts.stored_rows(store, [package], offline=lookup.pypi_url is None)[0])


def _facts_of(lookup: Lookup, row: FactsRow) -> tuple[PyPIFacts | None, str | None]:
    if row.facts is None and lookup.pypi_url is None and row.pypi_name is not None:
        return None, lookup.pypi_off or row.problem
    return row.facts, row.problem


def _stored_package(lookup: Lookup, key: str) -> tuple[dict[str, Any], Package] | None:
    """The object as kept and the package, when the local catalogue holds it readably."""
    # The raw object is read (not a Package) so --json can print it as served.
    if lookup.store is None:
        return None
    stored = lookup.store.package_raw(key)
    if stored is None:
        return None
    try:
        return stored, Package.from_api(stored)
    except APIError:
        return None  # kept once but unreadable now: the API's copy instead


async def _fetch_package(lookup: Lookup, key: str) -> tuple[dict[str, Any], Package, bool]:
    """The object as served, the package, and whether the local catalogue answered."""
    found = _stored_package(lookup, key)
    if found is not None:
        return *found, True
    if lookup.offline:
        raise not_stored(lookup.store, f"package {clean(key)!r}")
    try:
        raw = await lookup.client.get_json(f"packages/{quote(key, safe='')}/", refresh=lookup.refresh)
        return raw, Package.from_api(raw), False
    except APIError as error:
        hint = f"check the slug or id, or search with: pkgtui find {clean(key)}"
        raise from_api_error(error, f"package {clean(key)!r}", not_found_hint=hint) from None


async def _with_context(lookup: Lookup, raw: dict[str, Any], package: Package, stored: bool) -> Summary:
    """The category's and the grids' titles, from the local catalogue when it holds the
    package, else fetched concurrently; a missing or failed one is named by id."""
    if lookup.store is not None and stored:
        return _stored_context(lookup, raw, package)
    import asyncio

    category_id = package.category_id
    client, refresh = lookup.client, lookup.refresh

    async def category() -> tuple[int, str] | None:
        if category_id is None:
            return None
        try:
            return category_id, (await client.category(category_id, refresh=refresh)).display_title
        except APIError:
            return category_id, f"Category {category_id}"

    grids = [client.grid(grid_id, refresh=refresh) for grid_id in package.grid_ids]
    found_category, found_grids = await asyncio.gather(
        category(), asyncio.gather(*grids, return_exceptions=True)
    )
    titles = [
        (grid_id, grid.display_title if not isinstance(grid, BaseException) else f"Grid {grid_id}")
        for grid_id, grid in zip(package.grid_ids, found_grids, strict=True)
    ]
    return Summary(raw, package, found_category, titles)


def _stored_context(lookup: Lookup, raw: dict[str, Any], package: Package) -> Summary:
    """The category's and the grids' titles and the usage count from the local catalogue
    (a missing one named by id), for a package it holds."""
    store = lookup.store
    assert store is not None
    category_id = package.category_id
    category = None
    if category_id is not None:
        kept = store.category(category_id)
        category = (category_id, kept.display_title if kept else f"Category {category_id}")
    grids = []
    for grid_id in package.grid_ids:
        grid = store.grid(grid_id)
        grids.append((grid_id, grid.display_title if grid else f"Grid {grid_id}"))
    return Summary(raw, package, category, grids, store.usage_count(package.id))


def derived(summary: Summary, lookup: Lookup) -> dict[str, Any]:
    """Fields computed from the object (and the other objects it names), for --json."""
    package = summary.package
    age = package.last_commit_age_days(lookup.now)
    found = {
        "category": {"id": summary.category[0], "title": summary.category[1]} if summary.category else None,
        "grids": [{"id": grid_id, "title": title} for grid_id, title in summary.grids],
        "stars": package.stars,
        "last_commit": iso_time(package.last_updated),
        "last_commit_age_days": None if age is None else round(age, 1),
        "is_stale": package.is_stale(lookup.now),
        "commits_52_weeks": package.commits_total if package.commits_over_52 else None,
        "weekly_commits": list(package.commits_over_52) or None,  # oldest week first
        "participants_count": len(package.participants),
        "pypi_name": package.pypi_name,
        "as_of": lookup.now.isoformat(),
    }
    if summary.users is not None:  # only when known (the store's usage counts): the API has none
        found["usage_count"] = summary.users
    return found


def fields(summary: Summary, lookup: Lookup) -> list[Field]:
    """The summary's lines after the title and description, shared by plain and styled output."""
    package = summary.package
    age = package.last_commit_age_days(lookup.now)
    if age is None:
        last_commit = Field("Last commit", "unknown", "yellow")
    else:
        style = "red" if package.is_stale(lookup.now) else ("green" if age < 90 else "")
        last_commit = Field("Last commit", dated(package.last_updated, lookup.now), style)
    if package.commits_over_52:
        total = format_count(package.commits_total)
        activity = Field(
            "Activity", f"{total} commits in 52 weeks", "cyan", graphic=sparkline(package.commits_over_52)
        )
    else:
        activity = Field("Activity", "no data", "dim")
    names = [clean(name) for name in package.participants]
    shown = ", ".join(names[:FIRST_NAMES]) + (", …" if len(names) > FIRST_NAMES else "")
    grids = ", ".join(clean(title) for _, title in summary.grids)
    # Known from the local catalogue (API v3's usage counts); the API v4 object has none.
    users = [Field("Users", format_count(summary.users))] if summary.users is not None else []
    return [
        Field("Version", clean(package.pypi_version or "") or "–", "bold"),
        Field("Category", clean(summary.category[1]) if summary.category else "–"),
        Field("Stars", format_count(package.stars), "yellow"),
        Field("Forks", format_count(package.repo_forks)),
        *users,
        last_commit,
        activity,
        *pypi_fields(summary, lookup),
        Field("Participants", f"{len(names)}: {shown}" if names else "0"),
        Field("Grids", grids or "–"),
        _url("Repo", package.repo_url),
        _url("PyPI", package.pypi_page_url),
        _url("Docs", package.documentation_url),
    ]


def pypi_fields(summary: Summary, lookup: Lookup) -> list[Field]:
    """PyPI's facts, a line each; one line saying why when there are none (nothing at all
    when PyPI is turned off and nothing is kept: the user asked for no PyPI)."""
    facts, problem = summary.pypi, summary.pypi_problem
    if facts is None:
        if problem is None or (lookup.pypi_off is not None and problem == lookup.pypi_off):
            return []
        return [Field("PyPI facts", "none: " + clean(problem), "dim")]
    from ..readiness import format_range

    latest = clean(facts.version or "") or "–"
    if facts.yanked:
        reason = clean(facts.yanked_reason or "")
        latest += f" (yanked{': ' + reason if reason else ''})"
    if facts.released is not None:
        latest += f", released {dated(facts.released, lookup.now)}"
    releases = f"{facts.release_count:,} release{'s' * (facts.release_count != 1)}"
    python = format_range(facts.python_versions, "python") or "none declared"
    if facts.requires_python:
        python += f"; requires {clean(facts.requires_python)}"
    found = [
        Field("Latest", latest, "red" if facts.yanked else "bold"),
        Field("Releases", releases),
        Field("License", clean(facts.license or "") or "–"),
        Field("Python", python),
        Field("Django", format_range(facts.django_versions, "django") or "none declared", "green"),
        Field("Status", clean(facts.development_status_label or "") or "–"),
    ]
    if problem:  # facts kept from before; this fetch failed
        found.append(Field("PyPI facts", "as kept before; not refreshed: " + clean(problem), "yellow"))
    return found


def pypi_json(facts: PyPIFacts) -> dict[str, Any]:
    """show --json's ``pypi``: the facts with ISO 8601 dates (see README "Output formats")."""
    from ..readiness import format_range

    return {
        "name": facts.name,
        "version": facts.version,
        "released": iso_time(facts.released),
        "yanked": facts.yanked,
        "yanked_reason": facts.yanked_reason,
        "release_count": facts.release_count,
        "last_release": iso_time(facts.last_release),
        "releases": [
            {"version": release.version, "uploaded": iso_time(release.uploaded), "yanked": release.yanked}
            for release in facts.releases
        ],
        "license": facts.license,
        "requires_python": facts.requires_python,
        "python_versions": list(facts.python_versions),
        "django_versions": list(facts.django_versions),
        "django_range": format_range(facts.django_versions, "django") or None,
        "development_status": facts.development_status,
        "development_status_label": facts.development_status_label,
        "supports_python3": facts.supports_python3,
    }


def _url(label: str, url: str | None) -> Field:
    text = clean(url or "")
    link = url if is_web_url(url) else None
    return Field(label, text or "–", "blue" if link else "", link, whole=True)


def _heading(package: Package) -> str:
    title, slug = clean(package.display_title), clean(package.slug)
    return title if not slug or slug == title else f"{title}  ({slug})"


class Line(msgspec.Struct, frozen=True):
    """One printed line: a label (or its blank indent), and the value's text."""

    label: str
    text: str
    style: str = ""
    link: str | None = None
    label_style: str = "dim"

    @property
    def plain(self) -> str:
        return (self.label + self.text).rstrip()


def layout(summary: Summary, rows: list[Field], width: int) -> tuple[list[Line], list[str]]:
    """The summary's lines for ``width`` columns, and what was left out to fit (for stderr).

    The heading is printed whole (a name is never cut); the description and each value wrap
    at spaces under their label, never inside a word; a URL stays whole on its line.
    """
    lines = [Line("", _heading(summary.package), "bold")]
    description = clean(summary.package.repo_description)
    if description:
        lines += [Line("", text, "italic") for text in _wrap(description, max(width, MIN_TEXT))]
    lines.append(Line("", ""))
    left_out: list[str] = []
    room = max(width - LABEL_WIDTH, MIN_TEXT)
    for row in rows:
        label = f"{row.label:<{LABEL_WIDTH - 1}} "
        indent = " " * LABEL_WIDTH
        if row.whole:
            lines.append(Line(label, row.text, row.style, row.link))
            continue
        texts = _wrap(row.text, room)
        if row.graphic:
            if cell_width(row.graphic) + 2 + cell_width(row.text) <= room:
                texts = [f"{row.graphic}  {row.text}"]
            elif cell_width(row.graphic) <= room:
                texts = [row.graphic, *texts]
            else:  # cut, it would hide the latest weeks: left out whole, its total stays
                left_out.append(f"the {row.label.lower()} sparkline")
        lines += [Line(label if i == 0 else indent, text, row.style) for i, text in enumerate(texts)]
    return lines, left_out


def _wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped at spaces into lines of at most ``width`` (a word longer than that
    gets a line of its own, whole)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _print_styled(out: Output, lines: list[Line]) -> None:
    from rich.style import Style
    from rich.text import Text

    console = out.console
    for line in lines:
        style = Style.parse(line.style) if line.style else Style()
        if line.link:
            style += Style(link=line.link)
        text = Text.assemble((line.label, line.label_style), (line.text, style))
        # soft_wrap: rich neither wraps nor crops; a URL wider than the terminal stays whole
        # (the terminal wraps it) so it can be copied or clicked.
        console.print(text, soft_wrap=True)


def _print_participants(out: Output, package: Package, text: str | None, as_json: bool) -> int:
    names = [name for name in (clean(n) for n in package.participants) if name]
    if text is not None:
        names = filter_items(names, str, clean(text))  # the TUI's rule: every word, any order
        if not names:
            raise not_found(
                f"no participant of {clean(package.display_title)} matches {clean(text)!r}",
                "try a shorter --filter, or leave it out to list them all",
            )
    if as_json:
        out.json(
            {
                "schema_version": SCHEMA_VERSION,
                "package": clean(package.slug),
                "filter": clean(text) if text is not None else None,
                "participants": names,
            }
        )
    else:
        out.lines(names)
    return EXIT_OK
