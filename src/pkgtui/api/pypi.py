"""PyPI's facts about a package: latest version and date, release history, licence,
supported Python and Django versions, development status, whether the latest release is yanked.

API v4 serves none of these; djangopackages.org reads them from PyPI's JSON API
(``GET https://pypi.org/pypi/<project>/json``, documented in warehouse's
``docs/dev/api-reference/json.rst``: an ``info`` object for the latest release and a
``releases`` object of every version's files). Upstream reads the same answer in
djangopackages' ``package/pypi.py`` (``PyPIPackage``: licence precedence, development status,
``supports_python3``) and ``package/models.py`` (``Package.pypi_name``).

Like the rest of the API layer this module raises only :class:`APIError` subclasses and
returns typed, frozen models. Parsing is lenient field by field (an odd field becomes None or
is left out) but strict about the whole: an answer that is not an object with an ``info``
object and a ``releases`` object is a :class:`BadResponse`, so nothing that failed to decode
is ever handed on to be stored. Every string kept is cleaned of control characters and
escape sequences (:func:`pkgtui.text.clean`) and cut to a bound, and every list has one.
"""

from __future__ import annotations

import json
import operator
import random
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import msgspec

from ..text import clean
from .errors import APIError, BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
from .models import parse_time

if TYPE_CHECKING:
    import httpx

# httpx (and the API client, for its User-Agent) and asyncio are imported by the functions that
# make requests: reading facts kept in the store (``pkgtui show`` from the local catalogue)
# parses them with this module, and importing httpx took ~35 ms of that command
# (pyinstrument), asyncio 29 ms more (wall time of python -c imports, with and without it).

DEFAULT_PYPI_URL = "https://pypi.org/pypi/"
# PyPI's own concurrency bound, apart from the API's 8: PyPI is another host, and a CDN that
# asks clients to be gentle.
DEFAULT_PYPI_CONCURRENCY = 4
# The decoded body is read in chunks and dropped past this: PyPI's JSON for a project with
# thousands of releases runs to megabytes (Django's, with ~300 releases, is about 0.5 MB).
MAX_BODY_BYTES = 8 * 1024 * 1024
# PyPI accepts only known trove classifiers (a few hundred exist), so more than this is not
# a real answer; the rest are not looked at.
MAX_CLASSIFIERS = 1000
MAX_CLASSIFIER_CHARS = 200
# Releases kept for the history plot (their count is always the true one); files of one
# release looked at for its upload date.
MAX_RELEASES = 5000
MAX_FILES_PER_RELEASE = 500
MAX_VERSION_CHARS = 64
MAX_LICENSE_CHARS = 100
MAX_REQUIRES_PYTHON_CHARS = 200
MAX_REASON_CHARS = 200
# A legacy ``license`` field longer than this (on its first line) is taken for licence text,
# not a licence's name, and the classifier is used instead.
MAX_LICENSE_NAME_CHARS = 40
MAX_RETRY_AFTER = 20.0
# One attempt's whole answer, headers to last byte: the client's timeout bounds each read,
# and a body trickled in slowly would otherwise never end.
DEFAULT_DEADLINE = 30.0

PYPI_HOSTS = frozenset({"pypi.org", "www.pypi.org", "pypi.python.org"})

# PEP 508's project name, in ASCII only (str.isdigit and \d accept other scripts' digits).
_PROJECT_NAME = re.compile(r"[A-Z0-9](?:[A-Z0-9._-]{0,198}[A-Z0-9])?", re.IGNORECASE | re.ASCII)
_MINOR_VERSION = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})", re.ASCII)

# Trove's seven development statuses (upstream: core/utils.py ``PackageStatus``), by number.
DEVELOPMENT_STATUSES = {
    1: "Planning",
    2: "Pre-Alpha",
    3: "Alpha",
    4: "Beta",
    5: "Production/Stable",
    6: "Mature",
    7: "Inactive",
}
_STATUS_CLASSIFIERS = {
    f"Development Status :: {number} - {label}": number for number, label in DEVELOPMENT_STATUSES.items()
}
_MEANINGLESS_LICENSES = frozenset(
    {"", "unknown", "none", "null", "n/a", "na", "-", "license", "see license", "see license file",
     "license.txt", "license.md", "other", "other/proprietary license", "dual license", "osi approved"}
)  # fmt: skip


# -- the name --------------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """PEP 503's normal form, the one PyPI's URLs use: ``Django_Tagging`` → ``django-tagging``."""
    return re.sub(r"[-_.]+", "-", name).lower()


class ProjectName(msgspec.Struct, frozen=True):
    """The PyPI project named by a package's ``pypi_url``, or why there is none."""

    name: str | None  # as written in the URL
    reason: str = ""  # when ``name`` is None: a few words a user can read

    @property
    def normalized(self) -> str | None:
        return normalize_name(self.name) if self.name is not None else None


def project_name(pypi_url: object) -> ProjectName:
    """The PyPI project in API v4's ``pypi_url``: ``http://pypi.python.org/pypi/X``,
    ``https://pypi.org/project/X/`` (a version after it is ignored), or a bare project name
    (upstream's field is a "PyPI slug", and ``Package.pypi_name`` takes one as it is).

    The name comes from the URL, never from the package's slug, which differs (slug
    ``django-tagging__maintained``, project ``django-tagging``). A URL on any host but PyPI's
    is refused: the name is then used to build a request to PyPI.
    """
    if pypi_url is None or (isinstance(pypi_url, str) and not pypi_url.strip()):
        return ProjectName(None, "no PyPI URL")
    if not isinstance(pypi_url, str):
        return ProjectName(None, "the PyPI URL is not text")
    text = pypi_url.strip()
    if clean(text) != text:
        return ProjectName(None, "the PyPI URL has control characters")
    if "/" not in text and ":" not in text:
        if _PROJECT_NAME.fullmatch(text):
            return ProjectName(text)
        return ProjectName(None, "not a PyPI project name")
    try:
        parts = urlsplit(text)
        if not parts.scheme:  # "pypi.org/project/X"
            parts = urlsplit("https://" + text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return ProjectName(None, "not a URL")
    if parts.scheme.lower() not in ("http", "https"):
        return ProjectName(None, "not an http(s) URL")
    if host not in PYPI_HOSTS:
        return ProjectName(None, f"not a PyPI address: {host or 'no host'}"[:MAX_REASON_CHARS])
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if len(segments) >= 2 and segments[0].lower() in ("project", "pypi", "simple"):
        candidate = segments[1]
        if _PROJECT_NAME.fullmatch(candidate):
            return ProjectName(candidate)
        return ProjectName(None, "the PyPI URL's project name is not valid")
    return ProjectName(None, "no project name in the PyPI URL")


# -- the facts -------------------------------------------------------------------------------


class Release(msgspec.Struct, frozen=True):
    """One version on PyPI: when its first file was uploaded (None: it has no files), and
    whether every file of it is yanked."""

    version: str
    uploaded: datetime | None
    yanked: bool = False


class PyPIFacts(msgspec.Struct, frozen=True):
    name: str  # PyPI's spelling, e.g. "Django"
    version: str | None = None  # the latest release, as PyPI's ``info`` describes it
    released: datetime | None = None  # that release's upload
    release_count: int = 0  # every version PyPI lists, files or not
    releases: tuple[Release, ...] = ()  # oldest upload first; without files last; bounded
    license: str | None = None
    requires_python: str | None = None
    python_versions: tuple[str, ...] = ()  # "3.10", "3.12": minor versions, numeric order
    django_versions: tuple[str, ...] = ()  # "4.2", "5.2"
    development_status: int | None = None  # 1-7, see DEVELOPMENT_STATUSES
    yanked: bool = False  # the latest release is yanked
    yanked_reason: str | None = None
    supports_python3: bool | None = None  # upstream's rule; None: PyPI does not say
    # The response's validators, so a store can revalidate (If-None-Match / If-Modified-Since).
    etag: str | None = None
    last_modified: str | None = None

    @property
    def development_status_label(self) -> str | None:
        """``Production/Stable`` and the like (upstream shows the classifier's last word)."""
        return DEVELOPMENT_STATUSES.get(self.development_status or 0)

    @property
    def last_release(self) -> datetime | None:
        """The newest upload of any release (the latest version's may be older: a backport)."""
        dates = [release.uploaded for release in self.releases if release.uploaded is not None]
        return max(dates, default=None)

    @property
    def release_dates(self) -> tuple[datetime, ...]:
        """Every release's upload, oldest first: the points of a release-history plot."""
        return tuple(release.uploaded for release in self.releases if release.uploaded is not None)


# Kept facts read for a table (grid, category): every field but the release list, which no
# table shows. Decoding a grid of 160 members' kept facts took 1.6 ms, 1.3 of it their 5,900
# releases; without them 0.3 ms (and 0.2 ms to make the PyPIFacts). The type is made from
# PyPIFacts' own fields, so the two cannot drift apart.
_SUMMARY_FIELDS = [each for each in msgspec.structs.fields(PyPIFacts) if each.name != "releases"]
_FactsSummary = msgspec.defstruct(
    "_FactsSummary",
    [
        (each.name, each.type) if each.required else (each.name, each.type, each.default)
        for each in _SUMMARY_FIELDS
    ],
    frozen=True,
    module=__name__,
)
_FACTS = msgspec.json.Decoder(PyPIFacts)
_SUMMARY: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_FactsSummary)
# PyPIFacts made positionally from the summary's values (a C attrgetter): 0.78 -> 0.65 ms for
# 160, against keyword arguments built in a dict.
_SUMMARY_VALUES = operator.attrgetter(*(each.name for each in _SUMMARY_FIELDS))
_RELEASES_AT = PyPIFacts.__struct_fields__.index("releases")


def decode_kept_facts(raw: bytes | str, *, releases: bool = True) -> PyPIFacts:
    """Facts as a store keeps them (``msgspec.json.encode`` of PyPIFacts). ``releases=False``
    leaves the release list out (``releases`` empty, ``release_count`` still the count): for
    tables, which show none of it. Raises msgspec's DecodeError (ValidationError too)."""
    if releases:
        return _FACTS.decode(raw)
    values = _SUMMARY_VALUES(_SUMMARY.decode(raw))
    # Every field in order, the empty release list in its place (mypy cannot count a *tuple).
    return PyPIFacts(*values[:_RELEASES_AT], (), *values[_RELEASES_AT:])  # type: ignore[call-arg]


def parse_facts(
    data: object, *, requested: str = "", etag: str | None = None, last_modified: str | None = None
) -> PyPIFacts:
    """:class:`PyPIFacts` from PyPI's decoded JSON for one project; :class:`BadResponse` when
    it is not of PyPI's shape (an object with an ``info`` object and a ``releases`` object)."""
    if not isinstance(data, dict):
        raise BadResponse("PyPI's answer is not a JSON object")
    info, releases_data = data.get("info"), data.get("releases")
    if not isinstance(info, dict) or not isinstance(releases_data, dict):
        raise BadResponse("PyPI's answer has no project info or no releases")
    classifiers = _classifiers(info.get("classifiers"))
    version = _short_text(info.get("version"), MAX_VERSION_CHARS)
    releases = _releases(releases_data)
    requires_python = _short_text(info.get("requires_python"), MAX_REQUIRES_PYTHON_CHARS)
    yanked = info.get("yanked") is True
    return PyPIFacts(
        name=_short_text(info.get("name"), 200) or requested,
        version=version,
        released=_latest_upload(data.get("urls"), releases, version),
        release_count=len(releases_data),
        releases=releases,
        license=license_of(info, classifiers),
        requires_python=requires_python,
        python_versions=_declared_versions(classifiers, ("Programming Language", "Python")),
        django_versions=_declared_versions(classifiers, ("Framework", "Django")),
        development_status=_development_status(classifiers),
        yanked=yanked,
        yanked_reason=_short_text(info.get("yanked_reason"), MAX_REASON_CHARS) if yanked else None,
        supports_python3=supports_python3(requires_python, classifiers),
        etag=_short_text(etag, 200),
        last_modified=_short_text(last_modified, 100),
    )


# -- decoding the answer -------------------------------------------------------------------
#
# A well-shaped answer is decoded with msgspec into the few fields parse_facts reads: the
# rest (the description, every file's URL, digests, size...) is skipped unbuilt. For a
# 220 KB answer of 300 releases, json.loads alone took ~1.1 ms and parse_facts ~0.65 ms on
# the event loop, between keystrokes (bench busy, its 300-release row). Every field is Any,
# as json.loads would give it, so parse_facts applies its field-by-field rules to the same
# values; anything of another shape (a release's files not a list of objects, info not an
# object, not JSON at all) fails this decoder and goes through json.loads as before, for
# parse_facts's leniency or BadResponse. Both give the same facts (tests/pypi/test_decode.py).


class _File(msgspec.Struct):
    upload_time_iso_8601: Any = None
    upload_time: Any = None
    yanked: Any = None


class _Info(msgspec.Struct):
    name: Any = None
    version: Any = None
    classifiers: Any = None
    license: Any = None
    license_expression: Any = None
    requires_python: Any = None
    yanked: Any = None
    yanked_reason: Any = None


class _Answer(msgspec.Struct):
    info: _Info
    releases: dict[str, list[_File]]
    urls: list[_File] | None = None


_ANSWER = msgspec.json.Decoder(_Answer)
_INFO_FIELDS = _Info.__struct_fields__


def decode_answer(body: bytes) -> object:
    """PyPI's JSON answer, decoded into what :func:`parse_facts` reads (plain dicts and
    lists, as ``json.loads`` gives). ValueError (or RecursionError) when it is not JSON."""
    try:
        body.decode()  # UTF-8 throughout: msgspec does not check the strings it skips
        answer = _ANSWER.decode(body)
    except (UnicodeDecodeError, msgspec.DecodeError, RecursionError):  # DecodeError: ValidationError too
        return json.loads(body)
    info = answer.info
    return {
        "info": {field: getattr(info, field) for field in _INFO_FIELDS},
        "releases": {version: [_file(each) for each in files] for version, files in answer.releases.items()},
        "urls": None if answer.urls is None else [_file(each) for each in answer.urls],
    }


def _file(file: _File) -> dict[str, Any]:
    return {
        "upload_time_iso_8601": file.upload_time_iso_8601,
        "upload_time": file.upload_time,
        "yanked": file.yanked,
    }


def _short_text(value: object, limit: int) -> str | None:
    """A string field, cleaned and cut to ``limit``; None when empty or not a string."""
    if not isinstance(value, str):
        return None
    text = clean(value[: limit * 4])[:limit].strip()
    return text or None


def _classifiers(value: object) -> tuple[str, ...]:
    """The trove classifiers worth reading: strings of printable text, stripped, bounded.
    One with a control character or an escape sequence is not a classifier PyPI accepts, so
    it is dropped rather than cleaned into one."""
    if not isinstance(value, list):
        return ()
    kept = []
    for item in value[:MAX_CLASSIFIERS]:
        if isinstance(item, str) and len(item) <= MAX_CLASSIFIER_CHARS:
            text = item.strip()
            if text and text.isprintable():
                kept.append(text)
    return tuple(kept)


def _parts(classifier: str) -> list[str]:
    return [part.strip() for part in classifier.split("::")]


def minor_version_key(version: str) -> tuple[int, int] | None:
    """``"5.2"`` → ``(5, 2)``, for numeric order (4.2 < 4.10 < 5.0); None for anything not
    MAJOR.MINOR in ASCII digits (``"5"``, ``"５.２"``, ``"5.2.1"``, ``"3.x"``)."""
    match = _MINOR_VERSION.fullmatch(version.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _declared_versions(classifiers: Iterable[str], prefix: tuple[str, str]) -> tuple[str, ...]:
    """The MAJOR.MINOR versions in ``Framework :: Django :: 5.2``-shaped classifiers, in
    numeric order, each once. ``Framework :: Django CMS :: 4.1`` is another framework, and
    ``Programming Language :: Python :: 3 :: Only`` is not a version."""
    keys = set()
    for classifier in classifiers:
        parts = _parts(classifier)
        if len(parts) == 3 and (parts[0], parts[1]) == prefix:
            key = minor_version_key(parts[2])
            if key is not None:
                keys.add(key)
    return tuple(f"{major}.{minor}" for major, minor in sorted(keys))


def _development_status(classifiers: Iterable[str]) -> int | None:
    """The first ``Development Status :: N - Label`` classifier that is one of trove's seven
    (upstream also takes the first)."""
    for classifier in classifiers:
        number = _STATUS_CLASSIFIERS.get(" :: ".join(_parts(classifier)))
        if number is not None:
            return number
    return None


def license_of(info: Mapping[str, Any], classifiers: Iterable[str]) -> str | None:
    """The licence, by upstream's precedence (PEP 639): ``license_expression``; else the
    legacy ``license`` field when it names a licence (its first line, short, not "UNKNOWN"
    and the like, not a whole licence text); else the first ``License ::`` classifier's last
    part (``License :: OSI Approved :: MIT License`` → ``MIT License``)."""
    expression = _short_text(info.get("license_expression"), MAX_LICENSE_CHARS)
    if expression:
        return expression
    legacy = info.get("license")
    if isinstance(legacy, str):
        first_line = next((line for line in clean(legacy[:4000], multiline=True).splitlines() if line), "")
        name = first_line.strip()
        if (
            len(name) <= MAX_LICENSE_NAME_CHARS
            and name.lower() not in _MEANINGLESS_LICENSES
            and not name.lower().startswith(("copyright", "(c)", "©"))
        ):
            return name
    for classifier in classifiers:
        parts = _parts(classifier)
        if len(parts) >= 2 and parts[0] == "License":
            name = parts[-1]
            if name and name.lower() not in _MEANINGLESS_LICENSES:
                return name[:MAX_LICENSE_CHARS]
    return None


def _releases(releases_data: dict[str, Any]) -> tuple[Release, ...]:
    releases = []
    for key, files in list(releases_data.items())[:MAX_RELEASES]:
        version = _short_text(key, MAX_VERSION_CHARS)
        if version is None:
            continue
        uploaded, yanked = _files_upload(files)
        releases.append(Release(version, uploaded, yanked))
    releases.sort(key=lambda release: (release.uploaded is None, release.uploaded or datetime.min))
    return tuple(releases)


def _files_upload(files: object) -> tuple[datetime | None, bool]:
    """A release's first upload among its files, and whether it has files, all yanked."""
    if not isinstance(files, list):
        return None, False
    dates = []
    all_yanked = bool(files)
    for file in files[:MAX_FILES_PER_RELEASE]:
        if not isinstance(file, dict):
            all_yanked = False
            continue
        moment = parse_time(file.get("upload_time_iso_8601")) or parse_time(file.get("upload_time"))
        if moment is not None:
            dates.append(moment)
        all_yanked = all_yanked and file.get("yanked") is True
    return min(dates, default=None), all_yanked


def _latest_upload(urls: object, releases: tuple[Release, ...], version: str | None) -> datetime | None:
    """When the latest release was uploaded: from its files in ``urls``, else from its entry
    in ``releases``."""
    uploaded, _ = _files_upload(urls)
    if uploaded is not None or version is None:
        return uploaded
    return next((release.uploaded for release in releases if release.version == version), None)


# -- Python 3, by upstream's rule ------------------------------------------------------------

# Upstream (package/pypi.py, ``_PY3_PROBE_VERSIONS`` and ``PyPIPackage.supports_python3``):
# a package supports Python 3 when its Requires-Python admits any of 3.0-3.14; without a
# (valid) Requires-Python, when a classifier starts with "Programming Language :: Python :: 3";
# else it is unknown (None), which upstream's score treats as "no".
_PY3_PROBES = tuple((3, minor) for minor in range(15))
_SPECIFIER = re.compile(r"\s*(~=|===|==|!=|<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)*)(\.\*)?\s*", re.ASCII)


def supports_python3(requires_python: str | None, classifiers: Iterable[str]) -> bool | None:
    classifier_says = any(c.startswith("Programming Language :: Python :: 3") for c in classifiers)
    if requires_python:
        admits = _admits_any(requires_python, _PY3_PROBES)
        if admits is not None:
            return admits
    return True if classifier_says else None


def _admits_any(requires_python: str, probes: Iterable[tuple[int, ...]]) -> bool | None:
    """Whether a PEP 440 specifier set admits any of ``probes`` (final releases); None when
    it is not one this small reader understands (upstream then falls back to classifiers,
    as it does for an invalid specifier). Enough for Requires-Python, which is release
    numbers only: ``>=3.8``, ``>=3.8, <4``, ``~=3.9``, ``!=3.0.*``, ``==3.*``."""
    clauses = []
    for clause in requires_python.split(",")[:20]:
        match = _SPECIFIER.fullmatch(clause)
        if match is None:
            return None
        operator, number, wildcard = match.groups()
        if wildcard and operator not in ("==", "!="):
            return None
        if operator == "~=" and "." not in number:
            return None
        clauses.append((operator, tuple(int(part) for part in number.split(".")), bool(wildcard)))
    return any(all(_admits(probe, *clause) for clause in clauses) for probe in probes)


def _admits(version: tuple[int, ...], operator: str, spec: tuple[int, ...], wildcard: bool) -> bool:
    if wildcard:
        matches = version[: len(spec)] + (0,) * (len(spec) - len(version)) == spec
        return matches if operator == "==" else not matches
    width = max(len(version), len(spec))
    left, right = version + (0,) * (width - len(version)), spec + (0,) * (width - len(spec))
    if operator in ("==", "==="):
        return left == right
    if operator == "!=":
        return left != right
    if operator == "<=":
        return left <= right
    if operator == ">=":
        return left >= right
    if operator == "<":
        return left < right
    if operator == ">":
        return left > right
    # ~=X.Y.Z: >= X.Y.Z and == X.Y.*
    prefix = spec[:-1]
    return left >= right and version[: len(prefix)] + (0,) * (len(prefix) - len(version)) == prefix


# -- fetching --------------------------------------------------------------------------------


def open_pypi_client(
    *,
    timeout: float = 10.0,
    concurrency: int = DEFAULT_PYPI_CONCURRENCY,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An HTTP client for PyPI alone (its own connection pool, apart from the API's).
    PyPI redirects a project's other spellings to its canonical one, so redirects are followed
    (a few); :func:`fetch_facts` refuses any that leaves PyPI's host. Without ``transport``,
    the API client's kind of network transport: the environment's proxies, and TLS built off
    the event loop (httpx's own transport built it here, ~60-130 ms while a screen waited)."""
    import httpx

    from .client import USER_AGENT

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    if transport is None:
        from .network import NetworkTransport

        transport = NetworkTransport(limits)
    return httpx.AsyncClient(
        transport=transport,
        limits=limits,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
        max_redirects=3,
    )


def facts_url(name: str, base_url: str = DEFAULT_PYPI_URL) -> str:
    """``https://pypi.org/pypi/<normalized name>/json``; ValueError for a name that is not a
    PyPI project name or a base that is not http(s)."""
    if not _PROJECT_NAME.fullmatch(name):
        raise ValueError(f"not a PyPI project name: {clean(name)[:80]!r}")
    if urlsplit(base_url).scheme.lower() not in ("http", "https"):
        raise ValueError(f"PyPI URL must be http(s): {clean(base_url)[:80]}")
    return f"{base_url.rstrip('/')}/{normalize_name(name)}/json"


async def fetch_facts(
    http: httpx.AsyncClient,
    name: str,
    *,
    base_url: str = DEFAULT_PYPI_URL,
    previous: PyPIFacts | None = None,
    retries: int = 2,
    backoff: float = 0.5,
    max_bytes: int = MAX_BODY_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    sleep: Callable[[float], Awaitable[None]] | None = None,  # asyncio.sleep
) -> PyPIFacts:
    """PyPI's facts about project ``name``.

    Raises :class:`NotFound` when PyPI has no such project, :class:`BadResponse` for an answer
    that is not PyPI's JSON (or is larger than ``max_bytes`` decoded), and, once ``retries``
    more tries (with jittered exponential backoff) have failed too, :class:`ServerError`,
    :class:`RateLimited`, :class:`Timeout` (also when one attempt's whole answer takes longer
    than ``deadline`` seconds) or :class:`NoConnection`. With ``previous`` (facts
    fetched before, with their ETag or Last-Modified), the request is conditional, and PyPI's
    "304 Not Modified" returns ``previous`` as it is.
    """
    try:
        url = facts_url(name, base_url)
    except ValueError as error:
        raise BadResponse(str(error)) from error
    import asyncio

    from .client import USER_AGENT

    host = urlsplit(url).hostname or url
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if previous is not None and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous is not None and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    attempt = 0
    while True:
        try:
            return await _fetch_once(http, url, host, name, headers, previous, max_bytes, deadline)
        except (ServerError, RateLimited, Timeout, NoConnection) as error:
            wait = error.retry_after if isinstance(error, RateLimited) else None
            if attempt >= retries or (wait is not None and wait > MAX_RETRY_AFTER):
                raise
            pause = sleep or asyncio.sleep
            await pause(wait if wait is not None else backoff * (2**attempt) * (0.75 + random.random() / 2))
            attempt += 1


async def _fetch_once(
    http: httpx.AsyncClient,
    url: str,
    host: str,
    name: str,
    headers: dict[str, str],
    previous: PyPIFacts | None,
    max_bytes: int,
    deadline: float,
) -> PyPIFacts:
    import asyncio

    import httpx

    shown = clean(name)[:80]
    try:
        async with asyncio.timeout(deadline), http.stream("GET", url, headers=headers) as response:
            final_host = response.url.host
            if final_host and final_host != host:
                raise BadResponse(f"PyPI sent the request for {shown} to another host")
            status = response.status_code
            if status == 304 and previous is not None:
                return previous
            if status == 404:
                raise NotFound(f"{shown} is not on PyPI")
            if status == 429:
                raise RateLimited(f"{host} is limiting requests", retry_after=_retry_after(response))
            if status >= 500:
                raise ServerError(f"{host} had a server error (HTTP {status})", status)
            if status != 200:
                raise BadResponse(f"{host} answered HTTP {status} for {shown}")
            body = await _read_capped(response, max_bytes, shown)
            etag, last_modified = response.headers.get("etag"), response.headers.get("last-modified")
    except APIError:
        raise
    except TimeoutError as error:  # the deadline's
        raise Timeout(f"{host} did not finish answering in {deadline:g} s for {shown}") from error
    except httpx.TimeoutException as error:
        raise Timeout(f"{host} did not answer in time for {shown}") from error
    except httpx.ConnectError as error:
        raise NoConnection(f"cannot connect to {host}") from error
    except httpx.TooManyRedirects as error:
        raise BadResponse(f"{host} redirected the request for {shown} too many times") from error
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as error:
        raise NoConnection(f"the connection to {host} was lost") from error
    except httpx.HTTPError as error:
        raise NoConnection(f"request to {host} failed: {type(error).__name__}") from error
    try:
        data = decode_answer(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise BadResponse(f"{host} sent malformed JSON for {shown}") from error
    return parse_facts(data, requested=name, etag=etag, last_modified=last_modified)


async def _read_capped(response: httpx.Response, max_bytes: int, shown: str) -> bytes:
    """The decoded body, read in chunks and given up on past ``max_bytes``."""
    too_large = BadResponse(f"PyPI's answer for {shown} is larger than {max_bytes / 1_048_576:g} MB")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and not response.headers.get("content-encoding") and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class FactsResult(msgspec.Struct, frozen=True):
    """One name's outcome in :func:`fetch_many`: facts, or the error that stopped them."""

    name: str
    facts: PyPIFacts | None = None
    error: APIError | None = None

    @property
    def not_on_pypi(self) -> bool:
        return isinstance(self.error, NotFound)


async def fetch_many(
    http: httpx.AsyncClient,
    names: Iterable[str],
    *,
    concurrency: int = DEFAULT_PYPI_CONCURRENCY,
    previous: Mapping[str, PyPIFacts] | None = None,
    on_result: Callable[[FactsResult], None] | None = None,
    **options: Any,
) -> list[FactsResult]:
    """:func:`fetch_facts` for each of ``names`` (each once, in their order), at most
    ``concurrency`` at a time. One failure never fails the batch: it is that name's result.
    ``previous`` maps names to facts to revalidate; ``on_result`` is called with each result
    as it arrives (to keep or show it at once); ``options`` go to :func:`fetch_facts`."""
    import asyncio

    unique = list(dict.fromkeys(names))
    gate = asyncio.Semaphore(max(1, concurrency))
    known = previous or {}

    async def one(name: str) -> FactsResult:
        async with gate:
            try:
                result = FactsResult(name, await fetch_facts(http, name, previous=known.get(name), **options))
            except APIError as error:
                result = FactsResult(name, error=error)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(name) for name in unique)))
