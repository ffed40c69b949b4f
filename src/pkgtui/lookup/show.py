"""``pkgtui show SLUG_OR_ID``: one package's summary, its participants, or its JSON."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..api.errors import APIError
from ..api.models import Package
from ..exit_codes import EXIT_OK
from ..filtering import filter_items
from ..format import dated, format_age, format_count, sparkline
from ..text import clean, is_web_url
from .context import Lookup
from .failures import from_api_error, not_found
from .local import not_stored
from .output import Output

FIRST_NAMES = 5  # participants named in the summary; --participants lists them all
LABEL_WIDTH = 14


@dataclass(frozen=True)
class Summary:
    raw: dict[str, Any]  # the API object as served
    package: Package
    category: tuple[int, str] | None  # (id, title)
    grids: list[tuple[int, str]]  # (id, title), in the package's order
    users: int | None = None  # "Using this" on the website (API v3, kept by the store)


@dataclass(frozen=True)
class Field:
    label: str
    text: str
    style: str = ""
    link: str | None = None


async def run(lookup: Lookup, args: argparse.Namespace) -> int:
    key = args.key.strip()
    participants_only = args.participants or args.filter is not None
    raw, package, stored = await _fetch_package(lookup, key)
    if participants_only:
        return _print_participants(lookup.out, package, args.filter, args.json)
    summary = await _with_context(lookup, raw, package, stored)
    if args.json:
        lookup.out.json({"package": summary.raw, "derived": derived(summary, lookup)})
    elif lookup.out.color:
        _print_styled(lookup.out, summary, fields(summary, lookup))
    else:
        _print_plain(lookup.out, summary, fields(summary, lookup))
    return EXIT_OK


async def _fetch_package(lookup: Lookup, key: str) -> tuple[dict[str, Any], Package, bool]:
    """The object as served, the package, and whether the local catalogue answered."""
    # The raw object is read (not client.package) so --json can print it as served.
    if lookup.store is not None:
        stored = lookup.store.package_raw(key)
        if stored is not None:
            try:
                return stored, Package.from_api(stored), True
            except APIError:
                pass  # kept once but unreadable now: the API's copy instead
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
    category_id = package.category_id
    store = lookup.store
    if store is not None and stored:
        kept = store.category(category_id) if category_id is not None else None
        stored_category = None
        if category_id is not None:
            stored_category = (category_id, kept.display_title if kept else f"Category {category_id}")
        stored_grids = []
        for grid_id in package.grid_ids:
            grid = store.grid(grid_id)
            stored_grids.append((grid_id, grid.display_title if grid else f"Grid {grid_id}"))
        return Summary(raw, package, stored_category, stored_grids, store.usage_count(package.id))
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


def derived(summary: Summary, lookup: Lookup) -> dict[str, Any]:
    """Fields computed from the object (and the other objects it names), for --json."""
    package = summary.package
    age = package.last_commit_age_days(lookup.now)
    found = {
        "category": {"id": summary.category[0], "title": summary.category[1]} if summary.category else None,
        "grids": [{"id": grid_id, "title": title} for grid_id, title in summary.grids],
        "stars": package.stars,
        "last_commit_age_days": None if age is None else round(age, 1),
        "last_commit_age": format_age(age),
        "is_stale": package.is_stale(lookup.now),
        "commits_52_weeks": package.commits_total if package.commits_over_52 else None,
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
            "Activity", f"{sparkline(package.commits_over_52)}  {total} commits in 52 weeks", "cyan"
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
        Field("Participants", f"{len(names)}: {shown}" if names else "0"),
        Field("Grids", grids or "–"),
        _url("Repo", package.repo_url),
        _url("PyPI", package.pypi_page_url),
        _url("Docs", package.documentation_url),
    ]


def _url(label: str, url: str | None) -> Field:
    text = clean(url or "")
    return Field(label, text or "–", "blue" if is_web_url(url) else "", url if is_web_url(url) else None)


def _heading(package: Package) -> str:
    title, slug = clean(package.display_title), clean(package.slug)
    return title if not slug or slug == title else f"{title}  ({slug})"


def _print_plain(out: Output, summary: Summary, rows: list[Field]) -> None:
    description = clean(summary.package.repo_description)
    lines = [_heading(summary.package), *([description] if description else []), ""]
    lines += [f"{row.label:<{LABEL_WIDTH}}{row.text}" for row in rows]
    out.lines(lines)


def _print_styled(out: Output, summary: Summary, rows: list[Field]) -> None:
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    console = out.console
    console.print(Text(_heading(summary.package), style="bold"))
    description = clean(summary.package.repo_description)
    if description:
        console.print(Text(description, style="italic"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for row in rows:
        style = Style.parse(row.style) if row.style else Style()
        if row.link:
            style += Style(link=row.link)
        table.add_row(Text(row.label), Text(row.text, style=style))
    console.print()
    console.print(table)


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
        out.json(names)
    else:
        out.lines(names)
    return EXIT_OK
