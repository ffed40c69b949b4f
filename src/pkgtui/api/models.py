"""Typed models of API v4 objects.

Built leniently: real data holds nulls where strings are expected, naive and offset
timestamps, empty commit lists and keys that come and go. A model never raises on a
missing or odd optional field; it raises :class:`BadResponse` only when the object is
not an object at all or lacks its id.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec

from .errors import BadResponse

WEEKS = 52
STALE_AFTER_DAYS = 365

_ID_IN_URL = re.compile(r"/(categories|grids|packages)/(\d+)/?(?:[?#].*)?$")


def id_from_url(url: object, kind: str | None = None) -> int | None:
    """The numeric id at the end of an API URL like ``.../grids/7/?format=api``."""
    if not isinstance(url, str):
        return None
    return _id_from_url(url, kind)


@lru_cache(maxsize=4096)  # thousands of packages share a handful of category URLs
def _id_from_url(url: str, kind: str | None) -> int | None:
    match = _ID_IN_URL.search(url.strip())
    if match is None or (kind is not None and match.group(1) != kind):
        return None
    return int(match.group(2))


_PYPI_HOSTS = frozenset({"pypi.org", "www.pypi.org", "pypi.python.org"})
# PEP 508's project name, ASCII only (as api/pypi.py checks it before asking PyPI).
_PYPI_PROJECT_NAME = re.compile(r"[A-Z0-9](?:[A-Z0-9._-]{0,198}[A-Z0-9])?", re.IGNORECASE | re.ASCII)


def pypi_name_from_url(url: object) -> str | None:
    """The project name in ``pypi.python.org/pypi/X``, ``pypi.org/project/X/`` and the like."""
    if not isinstance(url, str) or not url.strip():
        return None
    parts = [part for part in urlsplit(url.strip()).path.split("/") if part]
    for marker in ("project", "pypi"):
        if marker in parts:
            index = parts.index(marker)
            if index + 1 < len(parts):
                return parts[index + 1]
    return None


def parse_time(value: object) -> datetime | None:
    """An ISO timestamp, naive (taken as UTC) or with an offset; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        # The usual case, tried first: a catalogue holds four timestamps a package.
        moment = datetime.fromisoformat(value)
    except ValueError:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _text(value: object) -> str:
    """A string field: None and non-strings become ""; numbers keep their digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _optional_text(value: object) -> str | None:
    text = _text(value).strip()
    return text or None


def _count(value: object) -> int | None:
    """A non-negative count, or None when the API gives null, a negative or a non-number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and math.isfinite(value):
        return int(value) if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _weekly_counts(value: object) -> tuple[int, ...]:
    """The 52 weekly commit counts, oldest first. Wrong lengths are padded or cut
    (keeping the newest weeks) so a plot always has 52 bars; [] stays empty (no data)."""
    if not isinstance(value, list) or not value:
        return ()
    if set(map(type, value)) == {int} and min(value) >= 0:  # the usual case, checked in C
        counts = value
    else:
        counts = [(_count(item) or 0) for item in value]
    if len(counts) > WEEKS:
        counts = counts[-WEEKS:]
    elif len(counts) < WEEKS:
        counts = [0] * (WEEKS - len(counts)) + counts
    return tuple(counts)


def _strings(value: object) -> tuple[str, ...]:
    """A list of strings; a comma-separated string (older API shape) is split."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if not isinstance(value, list):
        return ()
    if set(map(type, value)) <= {str}:  # the usual case (a catalogue holds ~100,000 names)
        return tuple(filter(None, map(str.strip, value)))
    return tuple(item for item in (_text(v).strip() for v in value) if item)


_JSON_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "null",
}


def _require_object(data: object, kind: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        got = _JSON_NAMES.get(type(data), "something else")
        raise BadResponse(f"expected a {kind} object, got {got}")
    return data


def _require_id(data: dict[str, Any], kind: str) -> int:
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadResponse(f"{kind} object without a numeric id")
    return value


class Category(msgspec.Struct, frozen=True):
    id: int
    title: str
    slug: str
    description: str = ""
    title_plural: str = ""
    show_pypi: bool = True
    created: datetime | None = None
    modified: datetime | None = None

    @classmethod
    def from_api(cls, data: object) -> Category:
        obj = _require_object(data, "category")
        return cls(
            id=_require_id(obj, "category"),
            title=_text(obj.get("title")),
            slug=_text(obj.get("slug")),
            description=_text(obj.get("description")),
            title_plural=_text(obj.get("title_plural")),
            show_pypi=bool(obj.get("show_pypi", True)),
            created=parse_time(obj.get("created")),
            modified=parse_time(obj.get("modified")),
        )

    @property
    def display_title(self) -> str:
        return self.title_plural or self.title or self.slug or f"Category {self.id}"

    def answers_to(self, key: str) -> bool:
        """Whether ``key`` (an id, or a slug or title as typed) names this category."""
        key = key.strip()
        if key.isdigit():
            return int(key) == self.id
        return key.lower() in (self.slug.lower(), self.title.lower(), self.title_plural.lower())


class Grid(msgspec.Struct, frozen=True):
    id: int
    title: str
    slug: str
    description: str = ""
    is_locked: bool = False
    header: bool = False
    package_urls: tuple[str, ...] = ()
    created: datetime | None = None
    modified: datetime | None = None

    @classmethod
    def from_api(cls, data: object) -> Grid:
        obj = _require_object(data, "grid")
        packages = obj.get("packages")
        urls = tuple(u for u in packages if isinstance(u, str)) if isinstance(packages, list) else ()
        return cls(
            id=_require_id(obj, "grid"),
            title=_text(obj.get("title")),
            slug=_text(obj.get("slug")),
            description=_text(obj.get("description")),
            is_locked=bool(obj.get("is_locked", False)),
            header=bool(obj.get("header", False)),
            package_urls=urls,
            created=parse_time(obj.get("created")),
            modified=parse_time(obj.get("modified")),
        )

    @property
    def package_ids(self) -> tuple[int, ...]:
        ids = (id_from_url(url, "packages") for url in self.package_urls)
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    @property
    def display_title(self) -> str:
        return self.title or self.slug or f"Grid {self.id}"


# A count the API documents as non-negative. msgspec rejects a negative one when decoding a
# body straight into a Package (see wire.py); the lenient path makes it None.
_Count = Annotated[int, msgspec.Meta(ge=0)]


class Package(
    msgspec.Struct, frozen=True, gc=False, rename={"category_url": "category", "grid_urls": "grids"}
):
    """A package. A msgspec Struct rather than a dataclass: a catalogue makes thousands, and
    a frozen dataclass took ~7 µs each to build where this takes under 1 µs. It holds only
    strings, numbers, datetimes and tuples of them, so the garbage collector need not track
    it (``gc=False``).

    Well-formed bodies are decoded straight into this class (:mod:`.wire`): the field types
    are what msgspec checks, the renames are the API's names, and ``__post_init__`` does the
    normalising left for values of those types. Anything else takes :meth:`from_api`.
    """

    id: int
    title: str
    slug: str
    category_url: str | None = None
    grid_urls: tuple[str, ...] = ()
    last_updated: datetime | None = None
    last_fetched: datetime | None = None
    created: datetime | None = None
    modified: datetime | None = None
    repo_url: str | None = None
    pypi_url: str | None = None
    documentation_url: str | None = None
    pypi_version: str | None = None
    repo_description: str = ""
    repo_forks: _Count | None = None
    repo_watchers: _Count | None = None
    commits_over_52: tuple[_Count, ...] = ()
    participants: tuple[str, ...] = ()
    # Derived from ``category_url`` once: category screens test it for every catalogue row.
    # Whatever is passed for it (or decoded) is replaced.
    category_id: int | None = None

    def __post_init__(self) -> None:
        # Runs however a package is made, so both paths end alike. A catalogue builds
        # thousands, so it is written out field by field: a loop over names took twice as
        # long, and there is usually nothing to change. str.strip returns the same object
        # when there is nothing to strip.
        set_field = msgspec.structs.force_setattr
        if (text := self.category_url) is not None and (text.strip() is not text or not text):
            set_field(self, "category_url", text.strip() or None)
        if (text := self.repo_url) is not None and (text.strip() is not text or not text):
            set_field(self, "repo_url", text.strip() or None)
        if (text := self.pypi_url) is not None and (text.strip() is not text or not text):
            set_field(self, "pypi_url", text.strip() or None)
        if (text := self.documentation_url) is not None and (text.strip() is not text or not text):
            set_field(self, "documentation_url", text.strip() or None)
        if (text := self.pypi_version) is not None and (text.strip() is not text or not text):
            set_field(self, "pypi_version", text.strip() or None)
        # Naive timestamps are UTC, as in parse_time.
        if (moment := self.last_updated) is not None and moment.tzinfo is None:
            set_field(self, "last_updated", moment.replace(tzinfo=UTC))
        if (moment := self.last_fetched) is not None and moment.tzinfo is None:
            set_field(self, "last_fetched", moment.replace(tzinfo=UTC))
        if (moment := self.created) is not None and moment.tzinfo is None:
            set_field(self, "created", moment.replace(tzinfo=UTC))
        if (moment := self.modified) is not None and moment.tzinfo is None:
            set_field(self, "modified", moment.replace(tzinfo=UTC))
        if (counts := self.commits_over_52) and len(counts) != WEEKS:
            set_field(self, "commits_over_52", _weekly_counts(list(counts)))
        if names := self.participants:
            set_field(self, "participants", tuple(filter(None, map(str.strip, names))))
        if (url := self.category_url) is not None:
            set_field(self, "category_id", _id_from_url(url, "categories"))
        elif self.category_id is not None:
            set_field(self, "category_id", None)

    def __repr__(self) -> str:  # without the participants: a package may have thousands
        return f"Package(id={self.id!r}, slug={self.slug!r}, title={self.title!r})"

    @classmethod
    def from_api(cls, data: object) -> Package:
        obj = _require_object(data, "package")
        grids = obj.get("grids")
        return cls(
            id=_require_id(obj, "package"),
            title=_text(obj.get("title")),
            slug=_text(obj.get("slug")),
            category_url=_optional_text(obj.get("category")),
            grid_urls=tuple(g for g in grids if isinstance(g, str)) if isinstance(grids, list) else (),
            last_updated=parse_time(obj.get("last_updated")),
            last_fetched=parse_time(obj.get("last_fetched")),
            created=parse_time(obj.get("created")),
            modified=parse_time(obj.get("modified")),
            repo_url=_optional_text(obj.get("repo_url")),
            pypi_url=_optional_text(obj.get("pypi_url")),
            documentation_url=_optional_text(obj.get("documentation_url")),
            pypi_version=_optional_text(obj.get("pypi_version")),
            repo_description=_text(obj.get("repo_description")),
            repo_forks=_count(obj.get("repo_forks")),
            repo_watchers=_count(obj.get("repo_watchers")),
            commits_over_52=_weekly_counts(obj.get("commits_over_52")),
            participants=_strings(obj.get("participants")),
        )

    @property
    def stars(self) -> int | None:
        """djangopackages calls GitHub stars ``repo_watchers``."""
        return self.repo_watchers

    @property
    def display_title(self) -> str:
        return self.title.strip() or self.slug or f"Package {self.id}"

    @property
    def grid_ids(self) -> tuple[int, ...]:
        ids = (id_from_url(url, "grids") for url in self.grid_urls)
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    @property
    def pypi_name(self) -> str | None:
        return pypi_name_from_url(self.pypi_url)

    @property
    def pypi_project_url(self) -> str | None:
        """``https://pypi.org/project/<name>/``: the API still sends the legacy
        ``http://pypi.python.org/pypi/<name>``, which redirects (and over plain http). None
        unless the name is a PEP 508 project name, so nothing odd is put in a link."""
        name = self.pypi_name
        if name is None or not _PYPI_PROJECT_NAME.fullmatch(name):
            return None
        return f"https://pypi.org/project/{name}/"

    @property
    def pypi_page_url(self) -> str | None:
        """The link to show for ``pypi_url``: :attr:`pypi_project_url` when it is on one of
        PyPI's hosts, else ``pypi_url`` as it is (a link elsewhere is not rewritten)."""
        url = self.pypi_url
        if not url:
            return url
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            return url
        return (self.pypi_project_url or url) if host in _PYPI_HOSTS else url

    @property
    def commits_total(self) -> int:
        return sum(self.commits_over_52)

    def last_commit_age_days(self, now: datetime | None = None) -> float | None:
        """Days since ``last_updated`` (the last commit), or None when unknown."""
        if self.last_updated is None:
            return None
        now = now or datetime.now(UTC)
        return max(0.0, (now - self.last_updated).total_seconds() / 86400)

    def is_stale(self, now: datetime | None = None) -> bool:
        """No commit for a year or more (or never known)."""
        age = self.last_commit_age_days(now)
        return age is None or age >= STALE_AFTER_DAYS


class SearchResult(msgspec.Struct, frozen=True):
    """One hit of ``search/?q=``: a package or a grid (``item_type``)."""

    item_type: str
    title: str
    slug: str
    description: str = ""
    category: str = ""
    absolute_url: str = ""
    repo_watchers: int | None = None
    repo_forks: int | None = None
    pypi_downloads: int | None = None
    usage: int | None = None
    weight: int | None = None
    last_committed: datetime | None = None
    last_released: datetime | None = None

    @classmethod
    def from_api(cls, data: object) -> SearchResult:
        obj = _require_object(data, "search result")
        return cls(
            item_type=_text(obj.get("item_type")) or "package",
            title=_text(obj.get("title")),
            slug=_text(obj.get("slug")),
            description=_text(obj.get("description")),
            category=_text(obj.get("category")),
            absolute_url=_text(obj.get("absolute_url")),
            repo_watchers=_count(obj.get("repo_watchers")),
            repo_forks=_count(obj.get("repo_forks")),
            pypi_downloads=_count(obj.get("pypi_downloads")),
            usage=_count(obj.get("usage")),
            weight=_count(obj.get("weight")),
            last_committed=parse_time(obj.get("last_committed")),
            last_released=parse_time(obj.get("last_released")),
        )

    @property
    def display_title(self) -> str:
        return self.title.strip() or self.slug or "(untitled)"
