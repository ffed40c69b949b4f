"""The catalogue store: every category, grid and package the API lists, in one SQLite file.

Readers get typed models (``pkgtui.api.models``) from one cheap synchronous call per screen:
:meth:`Store.category_counts` and :meth:`Store.grids` for home, :meth:`Store.category_packages`,
:meth:`Store.grid_view`, :meth:`Store.package`, :meth:`Store.search`. Only :mod:`.sync`
replaces the catalogue (atomically, see :mod:`.schema`); :meth:`Store.put_packages` updates
single packages learned elsewhere (a grid's members fetched on their own).

The file is a cache of the API: WAL mode, so readers never wait for a writer and several
pkgtui processes can use it at once; a busy timeout for writers. A file that is not a
database, is damaged, or was written by another schema version is set aside (renamed to
``*.broken``) and a new one started, with one warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self, TypeVar, overload

import msgspec
from msgspec import field

from ..api import wire
from ..api.defaults import DEFAULT_API_URL
from ..api.errors import BadResponse
from ..api.models import Category, Grid, Package, id_from_url
from . import listing, schema, search
from .listing import PackageListing

if TYPE_CHECKING:
    from ..api.pypi import PyPIFacts

BUSY_TIMEOUT = 10.0  # seconds a writer waits for another writer (a sync's swap takes well under 1 s)
# One package's JSON larger than this is not kept: a real one is a few kB.
MAX_RAW_BYTES = 1_000_000

T = TypeVar("T")


class StoreError(Exception):
    """The catalogue file cannot be used (permissions, a full disk, another process holding
    it too long). ``str(error)`` is one line a user can read."""


class CategoryCount(msgspec.Struct, frozen=True):
    """A category and how many packages the catalogue holds in it (home's list)."""

    category: Category
    packages: int


class GridView(msgspec.Struct, frozen=True):
    """A grid and its members in the grid's order; ``missing`` are members the catalogue
    does not hold (yet); ``usage`` the members' known usage counts (unknown: left out)."""

    grid: Grid
    members: list[Package]
    missing: tuple[int, ...]
    usage: dict[int, int] = field(default_factory=dict)


class StoredFacts(NamedTuple):
    """PyPI's facts for one project as kept: the last good facts (None: never had), why the
    last fetch failed (None: it did not), and when that was (Unix time)."""

    facts: PyPIFacts | None
    error: str | None
    fetched_at: float


class Status(msgspec.Struct, frozen=True):
    path: Path
    size_bytes: int
    packages: int
    categories: int
    grids: int
    usage_counts: int  # packages whose usage count is known
    synced_at: datetime | None
    source_url: str | None

    def age_seconds(self, now: float | None = None) -> float | None:
        if self.synced_at is None:
            return None
        return max(0.0, (now if now is not None else time.time()) - self.synced_at.timestamp())


def catalogue_path(api_url: str, folder: Path | None = None) -> Path:
    """Where the catalogue of ``api_url`` lives: ``paths.catalogue_file()`` for
    djangopackages.org, and a file of its own for any other API root, so a test server or
    the demo never mixes with the real catalogue. All of them are in the cache dir, which
    ``pkgtui cache clear`` empties."""
    from .. import paths

    url = api_url if api_url.endswith("/") else api_url + "/"
    if url == DEFAULT_API_URL:
        return (folder / paths.CATALOGUE_NAME) if folder is not None else paths.catalogue_file()
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return (folder or paths.cache_dir()) / f"catalogue-{digest}.sqlite"


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), WAL, busy timeout.
    Raises sqlite3.DatabaseError when the file is not a database."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        # With WAL, NORMAL never corrupts the file; a power cut may lose the last commit.
        connection.execute("PRAGMA synchronous = NORMAL")
        # Freed pages need no zeroing (the builds of Debian's SQLite turn it on): a sync
        # drops a whole catalogue. And a large sync's WAL is cut back once checkpointed.
        connection.execute("PRAGMA secure_delete = OFF")
        connection.execute("PRAGMA journal_size_limit = 16777216")
    except BaseException:
        connection.close()
        raise
    return connection


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    connection.execute(f"BEGIN {mode}")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def is_damage(error: sqlite3.Error) -> bool:
    """Whether ``error`` says the file itself is bad (not a database, corrupt), as opposed
    to busy, locked, or out of space."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return type(error) is sqlite3.DatabaseError


def check_schema(connection: sqlite3.Connection) -> str | None:
    """None when the database is a complete catalogue of this version, "new" when it is
    empty, else what is wrong with it."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    app_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and app_id == 0 and not tables:
        return "new"
    if app_id != schema.APPLICATION_ID:
        return "not a pkgtui catalogue"
    if version != schema.SCHEMA_VERSION:
        return f"schema version {version}, this pkgtui uses {schema.SCHEMA_VERSION}"
    if not schema.EXPECTED_TABLES <= tables:
        return "tables are missing"
    return None


def create(connection: sqlite3.Connection) -> None:
    """Make the tables of an empty database (another process may be doing the same)."""
    with transaction(connection, "EXCLUSIVE"):
        if check_schema(connection) != "new":
            return  # made by someone else meanwhile
        for statement in schema.create_all():
            connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")


# -- rows ------------------------------------------------------------------------------------


def package_row(package: Package, position: int, fetched_at: float, source: str = "v4") -> tuple[Any, ...]:
    """The columns of one package row (see schema.catalogue_tables), in order; its JSON
    goes to package_json."""
    updated = package.last_updated.timestamp() if package.last_updated is not None else None
    return (
        package.id,
        position,
        package.slug,
        package.title,
        search.key(package.title),
        search.key(package.slug),
        package.category_id,
        package.repo_watchers,
        package.repo_description,
        updated,
        fetched_at,
        source,
    )


def columns_row(columns: wire.PackageColumns, position: int, fetched_at: float) -> tuple[Any, ...]:
    """The row :func:`package_row` makes of the Package these columns are part of: the same
    normalising as ``Package.__post_init__``, for the fields a row holds (a sync's path;
    the tests check the two agree)."""
    updated = columns.last_updated
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)  # naive timestamps are UTC, as in parse_time
    return (
        columns.id,
        position,
        columns.slug,
        columns.title,
        search.key(columns.title),
        search.key(columns.slug),
        id_from_url(columns.category, "categories"),  # it strips, as __post_init__ does
        columns.repo_watchers,
        columns.repo_description,
        updated.timestamp() if updated is not None else None,
        fetched_at,
        "v4",
    )


PACKAGE_COLUMNS = (
    "id, position, slug, title, title_key, slug_key, category_id, stars, description, last_updated, "
    "fetched_at, source"
)
PACKAGE_MARKS = ",".join("?" * 12)


_package_list = msgspec.json.Decoder(list[Package])


def decode_packages(raws: Sequence[bytes]) -> list[Package]:
    """Packages from their stored JSON: all in one msgspec call when every one is
    well-formed (the usual case: ~6 ms for 1,000), else one by one, the lenient way for
    those the strict decoder refuses."""
    if not raws:
        return []
    try:
        return _package_list.decode(b"[" + b",".join(raws) + b"]")
    except (msgspec.ValidationError, msgspec.DecodeError):
        pass
    packages = []
    for raw in raws:
        package = decode_package(raw)
        if package is not None:
            packages.append(package)
    return packages


def decode_package(raw: bytes) -> Package | None:
    package = wire.package(raw)
    if package is not None:
        return package
    try:
        return Package.from_api(json.loads(raw))
    except (ValueError, UnicodeDecodeError, BadResponse):
        return None  # not written by this code: nothing stored fails to decode


def raw_json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


# -- the store -------------------------------------------------------------------------------


class Store:
    """One catalogue file, opened once; safe to share between threads (calls take turns)."""

    def __init__(
        self, path: Path | str, *, on_warning: Callable[[str], None] | None = None, create_late: bool = False
    ) -> None:
        """With ``create_late``, a file that does not exist yet is made by the first write (a
        sync makes it too): until then every read finds nothing. Making it took ~6.5 ms, on
        a first start's way to its first paint."""
        self.path = Path(path)
        self._warn = on_warning or (lambda message: None)
        self._lock = threading.RLock()
        self._ranks: list[int] | None = None
        self._ranks_version: int | None = None
        self._writes = 0
        self._connection: sqlite3.Connection | None = (
            None if create_late and not self.path.exists() else self._open()
        )

    def make(self) -> None:
        """Make the file now, if it was left to the first write (``create_late``)."""
        with self._lock:
            if self._connection is None:
                self._connection = self._open()

    @classmethod
    def for_api(cls, api_url: str, **options: Any) -> Store:
        return cls(catalogue_path(api_url), **options)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- opening, and setting a bad file aside ---------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create {self.path.parent}: {error.strerror or error}") from None
        problem: str | None
        try:
            connection = connect(self.path)
        except sqlite3.Error as error:
            if not is_damage(error):
                raise StoreError(f"cannot open {self.path}: {error}") from None
            problem = "not a database"
        else:
            try:
                problem = check_schema(connection)
                if problem == "new":
                    create(connection)
                    problem = None
            except sqlite3.Error as error:
                if not is_damage(error):
                    connection.close()
                    raise StoreError(f"cannot open {self.path}: {error}") from None
                problem = "damaged"
            if problem is None:
                try:
                    connection.execute(schema.PYPI_FACTS)
                except sqlite3.Error as error:  # a read-only file: facts are then not kept
                    self._warn(f"catalogue {self.path}: PyPI facts cannot be kept ({error})")
                return connection
            connection.close()
        return self._start_afresh(problem)

    def _start_afresh(self, problem: str) -> sqlite3.Connection:
        """Rename the bad file to ``*.broken`` (replacing an older one) and make a new one."""
        aside = self.path.with_name(self.path.name + ".broken")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StoreError(f"cannot set aside the unreadable {self.path}: {error.strerror}") from None
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(self.path.with_name(self.path.name + suffix))
        self._warn(
            f"catalogue {self.path} could not be used ({problem}); set aside as {aside.name}, starting afresh"
        )
        try:
            connection = connect(self.path)
            create(connection)
        except sqlite3.Error as error:
            raise StoreError(f"cannot create {self.path}: {error}") from None
        return connection

    def _read(self, query: Callable[[sqlite3.Connection], T], empty: T) -> T:
        """Run ``query``; a file found damaged now is set aside (``empty`` is the answer),
        any other database failure is a StoreError."""
        with self._lock:
            if self._connection is None:
                if not self.path.exists():
                    return empty  # not made yet (create_late), by a write or a sync
                self._connection = self._open()
            try:
                return query(self._connection)
            except sqlite3.Error as error:
                if not is_damage(error):
                    raise StoreError(f"cannot read {self.path}: {error}") from None
                with contextlib.suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = self._start_afresh("damaged")
                return empty

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._connection is None:
                self._connection = self._open()
            try:
                with transaction(self._connection) as connection:
                    return work(connection)
            except sqlite3.Error as error:
                if is_damage(error):
                    with contextlib.suppress(sqlite3.Error):
                        self._connection.close()
                    self._connection = self._start_afresh("damaged")
                raise StoreError(f"cannot write {self.path}: {error}") from None

    # -- reading: one call per screen -----------------------------------------------------

    def categories(self) -> list[Category]:
        return self._read(
            lambda c: _objects(c.execute("SELECT raw FROM categories ORDER BY position"), Category.from_api),
            [],
        )

    def category_counts(self) -> list[CategoryCount]:
        """Home's categories, in the API's order, with the number of packages in each."""

        def query(c: sqlite3.Connection) -> list[CategoryCount]:
            counts = dict(
                c.execute("SELECT category_id, count(*) FROM packages GROUP BY category_id").fetchall()
            )
            return [
                CategoryCount(category, counts.get(category.id, 0))
                for category in _objects(
                    c.execute("SELECT raw FROM categories ORDER BY position"), Category.from_api
                )
            ]

        return self._read(query, [])

    def category(self, key: int | str) -> Category | None:
        text = str(key).strip()
        return next((category for category in self.categories() if category.answers_to(text)), None)

    def _packages(self, where: str, params: tuple[Any, ...]) -> list[Package]:
        """Packages read with ``SELECT ... FROM packages p JOIN package_json j`` and ``where``
        (its filter, order and limit), decoded; [] if the file is found damaged."""
        sql = f"SELECT j.raw FROM packages p JOIN package_json j ON j.id = p.id {where}"
        return self._read(lambda c: decode_packages([row[0] for row in c.execute(sql, params)]), [])

    def category_packages(self, category_id: int) -> list[Package]:
        """Every package of a category, in the API's order."""
        return self._packages("WHERE p.category_id = ? ORDER BY p.position", (category_id,))

    def category_listing(self, category_id: int) -> PackageListing:
        """Every package of a category, in the API's order, as a screen lists them: a few
        columns read at once, each package read and decoded when first asked for (.listing)."""
        sql = f"SELECT {listing.COLUMNS} FROM packages WHERE category_id = ? ORDER BY position"
        return self._read(
            lambda c: PackageListing(c.execute(sql, (category_id,)).fetchall(), self.packages),
            PackageListing([], self.packages),
        )

    def grids(self) -> list[Grid]:
        return self._read(
            lambda c: _objects(c.execute("SELECT raw FROM grids ORDER BY position"), Grid.from_api), []
        )

    def grid(self, key: int | str) -> Grid | None:
        column, value = _lookup(key)
        return self._read(
            lambda c: next(
                iter(
                    _objects(
                        c.execute(f"SELECT raw FROM grids WHERE {column} = ? LIMIT 1", (value,)),
                        Grid.from_api,
                    )
                ),
                None,
            ),
            None,
        )

    def grid_members(self, grid_id: int) -> list[Package]:
        """The grid's members the catalogue holds, in the grid's order."""
        return self._read(
            lambda c: decode_packages(
                [
                    row[0]
                    for row in c.execute(
                        "SELECT j.raw FROM grid_members m JOIN package_json j ON j.id = m.package_id "
                        "WHERE m.grid_id = ? ORDER BY m.position",
                        (grid_id,),
                    )
                ]
            ),
            [],
        )

    def grid_view(self, key: int | str) -> GridView | None:
        """A grid and its members (the grid screen's first frame), in one read transaction."""

        def query(c: sqlite3.Connection) -> GridView | None:
            column, value = _lookup(key)
            grids = _objects(
                c.execute(f"SELECT raw FROM grids WHERE {column} = ? LIMIT 1", (value,)), Grid.from_api
            )
            if not grids:
                return None
            grid = grids[0]
            # The usage counts in the same query: a read of their own cost ~0.4 ms on a new
            # connection (a grid of 160 opened from the store), a third of the members' read.
            rows = c.execute(
                "SELECT m.package_id, j.raw, p.usage_count FROM grid_members m "
                "LEFT JOIN package_json j ON j.id = m.package_id LEFT JOIN packages p ON p.id = m.package_id "
                "WHERE m.grid_id = ? ORDER BY m.position",
                (grid.id,),
            ).fetchall()
            members = decode_packages([raw for _, raw, _ in rows if raw is not None])
            missing = tuple(package_id for package_id, raw, _ in rows if raw is None)
            usage = {
                package_id: count
                for package_id, raw, count in rows
                if raw is not None and isinstance(count, int) and not isinstance(count, bool)
            }
            return GridView(grid, members, missing, usage)

        with self._lock:
            return self._read(lambda c: _in_snapshot(c, query), None)

    def package(self, key: int | str) -> Package | None:
        raw = self.package_raw_bytes(key)
        return decode_package(raw) if raw is not None else None

    def package_raw(self, key: int | str) -> dict[str, Any] | None:
        """The package's JSON as the API served it (for ``show --json``)."""
        raw = self.package_raw_bytes(key)
        if raw is None:
            return None
        data = json.loads(raw)
        return data if isinstance(data, dict) else None

    def package_raw_bytes(self, key: int | str) -> bytes | None:
        column, value = _lookup(key)
        row = self._read(
            lambda c: c.execute(
                f"SELECT j.raw FROM packages p JOIN package_json j ON j.id = p.id WHERE p.{column} = ? LIMIT 1",
                (value,),
            ).fetchone(),
            None,
        )
        return row[0] if row else None

    def packages(self, ids: Iterable[int]) -> dict[int, Package]:
        """The packages with these ids that the catalogue holds."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, Package] = {}
        for start in range(0, len(wanted), 500):  # SQLite's bound on parameters is far above
            chunk = wanted[start : start + 500]

            def query(c: sqlite3.Connection, chunk: list[int] = chunk) -> list[bytes]:
                marks = ",".join("?" * len(chunk))
                return [
                    row[0] for row in c.execute(f"SELECT raw FROM package_json WHERE id IN ({marks})", chunk)
                ]

            found.update((package.id, package) for package in decode_packages(self._read(query, [])))
        return found

    def top_packages(self, limit: int) -> list[Package]:
        """The ``limit`` most-starred packages, most first (the catalogue's rank)."""
        return self._packages("WHERE p.rank IS NOT NULL ORDER BY p.rank LIMIT ?", (max(0, limit),))

    def pypi_facts(self, names: Iterable[str], *, releases: bool = True) -> dict[str, StoredFacts]:
        """What is kept for each of ``names`` (normalized PyPI names); a name with nothing
        kept, or whose kept facts no longer decode, is left out. ``releases=False``: the
        facts without their release list, for tables (see ``decode_kept_facts``)."""
        from ..api.pypi import decode_kept_facts

        wanted = list(dict.fromkeys(names))
        found: dict[str, StoredFacts] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]

            def query(c: sqlite3.Connection, chunk: list[str] = chunk) -> list[tuple[str, Any, Any, float]]:
                marks = ",".join("?" * len(chunk))
                return c.execute(
                    f"SELECT name, facts, error, fetched_at FROM pypi_facts WHERE name IN ({marks})", chunk
                ).fetchall()

            empty: list[tuple[str, Any, Any, float]] = []
            for name, raw, error, fetched_at in self._read(query, empty):
                facts = None
                if raw is not None:
                    try:
                        facts = decode_kept_facts(raw, releases=releases)
                    except (msgspec.DecodeError, msgspec.ValidationError):
                        facts = None
                if facts is None and error is None:
                    continue
                found[name] = StoredFacts(facts, error if isinstance(error, str) else None, float(fetched_at))
        return found

    def put_pypi_facts(self, results: Iterable[tuple[str, PyPIFacts | None, str | None]]) -> int:
        """Keep each ``(name, facts, error)``: new facts replace the old; an error is noted
        beside the facts already kept, which stay (a failure never replaces good facts)."""
        now = time.time()
        rows = [
            (name, msgspec.json.encode(facts) if facts is not None else None, error, now)
            for name, facts, error in results
        ]

        def work(c: sqlite3.Connection) -> int:
            c.executemany(
                "INSERT INTO pypi_facts (name, facts, error, fetched_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET facts = coalesce(excluded.facts, facts), "
                "error = excluded.error, fetched_at = excluded.fetched_at",
                rows,
            )
            return len(rows)

        return self._write(work)

    def usage_count(self, package_id: int) -> int | None:
        row = self._read(
            lambda c: c.execute("SELECT usage_count FROM packages WHERE id = ?", (package_id,)).fetchone(),
            None,
        )
        return row[0] if row else None

    def usage_counts(self, package_ids: Iterable[int]) -> dict[int, int]:
        """The known usage counts of ``package_ids``, in one query per 500 (unknown: left out)."""
        wanted = list(dict.fromkeys(package_ids))
        found: dict[int, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]

            def query(c: sqlite3.Connection, chunk: list[int] = chunk) -> list[tuple[int, int]]:
                marks = ",".join("?" * len(chunk))
                sql = (
                    f"SELECT id, usage_count FROM packages WHERE usage_count IS NOT NULL AND id IN ({marks})"
                )
                return c.execute(sql, chunk).fetchall()

            empty: list[tuple[int, int]] = []
            found.update(self._read(query, empty))
        return found

    def ids_by_slug(self, kind: str, slugs: Iterable[str]) -> dict[str, int]:
        """``{slug: id}`` for the packages, grids or categories with these slugs."""
        table = {"packages": "packages", "grids": "grids", "categories": "categories"}[kind]
        wanted = list(dict.fromkeys(slugs))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]

            def query(c: sqlite3.Connection, chunk: list[str] = chunk) -> list[tuple[str, int]]:
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT slug, min(id) FROM {table} WHERE slug IN ({marks}) GROUP BY slug"
                return c.execute(sql, chunk).fetchall()

            empty: list[tuple[str, int]] = []
            found.update(self._read(query, empty))
        return found

    def search(self, query: str, limit: int | None = None) -> SearchResults:
        """Packages matching ``query``, ranked: exact title or slug first, then titles and
        slugs that start with it, then every other package holding all its words (each as a
        prefix) in its title, slug or description; most stars first within each. Any string
        is a valid query (one without words finds nothing).

        The hits are counted here and read a window at a time as they are used (see
        :class:`SearchResults`): "django" matches every package, and reading 20,000 ranks
        cost twice what counting them does."""
        queries = search.queries(query)
        if queries is None:
            return SearchResults(self, None, 0)
        text_key, starts, anywhere = queries
        cap = -1 if limit is None else max(0, limit)

        def run(c: sqlite3.Connection) -> SearchResults:
            exact = _ranks(
                c,
                "SELECT rank FROM packages WHERE title_key = ? OR slug_key = ? ORDER BY rank",
                text_key,
                text_key,
                cap,
            )
            count = "SELECT count(*) FROM package_text WHERE package_text MATCH ?"
            plan = _SearchPlan(query, cap, tuple(exact), starts, anywhere)
            # Every title or slug that starts with the query holds all its words too, so the
            # rows holding them are tiers 2 and 3 together: one count, not one per tier (a
            # count of "django" visits all 20,000 rows; the second pass doubled the time of
            # such queries: "django" 2.7 -> 1.1 ms on the bench's 20,000, best of 15).
            holding = c.execute(count + plan.not_exact, (anywhere,)).fetchone()[0]
            total = len(exact) + holding
            results = SearchResults(self, plan, total if cap < 0 else min(cap, total), self._generation(c))
            results._fetch(c, 0, self._ids_by_rank(c))  # the first window, in the same snapshot
            return results

        return self._read(lambda c: _in_snapshot(c, run), SearchResults(self, None, 0))

    def _generation(self, c: sqlite3.Connection) -> tuple[int, int]:
        """Changes whenever the catalogue may have: another connection committed (``PRAGMA
        data_version``), or this one wrote."""
        return c.execute("PRAGMA data_version").fetchone()[0], self._writes

    def search_ids(self, query: str, limit: int | None = None) -> list[int]:
        """The ranked package ids of :meth:`search`."""
        return self.search(query, limit).ids

    def _ids_by_rank(self, c: sqlite3.Connection) -> list[int]:
        """Package ids indexed by rank (0 where no package has that rank), kept in memory
        until the database changes (``PRAGMA data_version`` tells of other connections'
        commits; this one's own writes clear it)."""
        version = c.execute("PRAGMA data_version").fetchone()[0]
        if self._ranks is None or self._ranks_version != version:
            top = c.execute("SELECT coalesce(max(rank), 0) FROM packages").fetchone()[0]
            ids = [0] * (top + 1)
            for rank, package_id in c.execute("SELECT rank, id FROM packages WHERE rank IS NOT NULL"):
                ids[rank] = package_id
            self._ranks, self._ranks_version = ids, version
        return self._ranks

    # -- sync state -----------------------------------------------------------------------

    def meta(self, name: str) -> Any:
        row = self._read(
            lambda c: c.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone(), None
        )
        return row[0] if row else None

    def last_sync(self) -> datetime | None:
        """When the catalogue now in the store was fetched (its sync committed), or None."""
        value = self.meta("synced_at")
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, UTC)
        return None

    def is_stale(self, max_age: float, now: float | None = None) -> bool:
        """Whether a sync is due: never synced, or the last sync is older than ``max_age`` s."""
        synced = self.last_sync()
        if synced is None:
            return True
        return (now if now is not None else time.time()) - synced.timestamp() > max_age

    def package_count(self) -> int:
        """How many packages are held: the status line's figure. Not ``status()``, whose
        usage count scans the whole table (8 ms of a warm start, read cold from disk)."""
        return self._read(lambda c: int(c.execute("SELECT count(*) FROM packages").fetchone()[0]), 0)

    def status(self) -> Status:
        def query(c: sqlite3.Connection) -> tuple[int, int, int, int]:
            row = c.execute(
                "SELECT (SELECT count(*) FROM packages), (SELECT count(*) FROM categories), "
                "(SELECT count(*) FROM grids), (SELECT count(*) FROM packages WHERE usage_count IS NOT NULL)"
            ).fetchone()
            return (row[0], row[1], row[2], row[3])

        packages, categories, grids, usage = self._read(query, (0, 0, 0, 0))
        size = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                size += os.stat(self.path.with_name(self.path.name + suffix)).st_size
        source = self.meta("source_url")
        return Status(
            self.path,
            size,
            packages,
            categories,
            grids,
            usage,
            self.last_sync(),
            source if isinstance(source, str) else None,
        )

    # -- writing single packages ------------------------------------------------------------

    def put_packages(
        self,
        packages: Iterable[tuple[Package, bytes]],
        *,
        source: str = "v4",
        usage: dict[int, int] | None = None,
        fetched_at: float | None = None,
    ) -> int:
        """Add or update packages learned outside a sync, each with its v4-shaped JSON; a
        package's usage count, when ``usage`` has one, replaces the one held. Returns how
        many were written (one larger than MAX_RAW_BYTES is not)."""
        usage = usage or {}
        when = fetched_at if fetched_at is not None else time.time()
        items = [(package, raw) for package, raw in packages if len(raw) <= MAX_RAW_BYTES]
        if not items:
            return 0

        def work(c: sqlite3.Connection) -> int:
            position, rank = c.execute(
                "SELECT coalesce(max(position), -1) + 1, coalesce(max(rank), 0) + 1 FROM packages"
            ).fetchone()
            for package, raw in items:
                held = c.execute("SELECT position, rank FROM packages WHERE id = ?", (package.id,)).fetchone()
                if held is not None and held[1] is not None:
                    c.execute("DELETE FROM package_text WHERE rowid = ?", (held[1],))
                    row_position, row_rank = held
                else:  # new here: last in the list, and after every ranked package
                    row_position, row_rank = position, rank
                    position, rank = position + 1, rank + 1
                c.execute(
                    f"INSERT INTO packages ({PACKAGE_COLUMNS}, usage_count, rank) VALUES ({PACKAGE_MARKS}, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title, "
                    "title_key = excluded.title_key, slug_key = excluded.slug_key, "
                    "category_id = excluded.category_id, stars = excluded.stars, "
                    "description = excluded.description, last_updated = excluded.last_updated, "
                    "fetched_at = excluded.fetched_at, source = excluded.source, "
                    "rank = excluded.rank, usage_count = coalesce(excluded.usage_count, packages.usage_count)",
                    (*package_row(package, row_position, when, source), usage.get(package.id), row_rank),
                )
                c.execute("INSERT OR REPLACE INTO package_json (id, raw) VALUES (?, ?)", (package.id, raw))
                c.execute(
                    "INSERT INTO package_text (rowid, title, slug, description) VALUES (?, ?, ?, ?)",
                    (row_rank, package.title, package.slug, package.repo_description),
                )
            self._ranks = None
            self._writes += 1
            return len(items)

        return self._write(work)


_json_array = msgspec.json.Decoder()


def _ranks(c: sqlite3.Connection, sql: str, *params: Any, offset: int = 0) -> list[int]:
    """The integers in the first column ``sql`` selects (its last parameter is a LIMIT, -1
    for none), read as one comma-joined string and parsed as a JSON array by msgspec: for
    20,000 hits, rows one by one took ~4x as long, and ``map(int, split)`` ~8x msgspec."""
    sql = f"WITH hits(n) AS ({sql} LIMIT ? OFFSET {int(offset)}) SELECT group_concat(n) FROM hits"
    (joined,) = c.execute(sql, params).fetchone()
    return _json_array.decode(f"[{joined}]") if joined else []


class _SearchPlan(msgspec.Struct, frozen=True):
    """How to read a search's three tiers, a window at a time (ranks are FTS rowids)."""

    query: str
    cap: int  # -1: no limit
    exact: tuple[int, ...]  # tier 1, whole (it is small)
    starts: str  # FTS5 expression: title or slug starts with the query (tier 2)
    anywhere: str  # FTS5 expression: holds all its words (tier 3, less tier 2)

    @property
    def not_exact(self) -> str:
        # ranks are integers from SQLite: safe to write into the statement
        return f" AND rowid NOT IN ({','.join(map(str, self.exact))})" if self.exact else ""

    def tiers(self) -> list[tuple[str, tuple[str, ...]]]:
        fts = "SELECT rowid FROM package_text WHERE package_text MATCH ?"
        return [
            (f"{fts}{self.not_exact} ORDER BY rowid", (self.starts,)),
            (f"{fts}{self.not_exact} AND rowid NOT IN ({fts}) ORDER BY rowid", (self.anywhere, self.starts)),
        ]


class SearchResults(Sequence[Package]):
    """Ranked search hits, counted when searched and read a window at a time as they are
    used, each package decoded when it is read: a screen shows its first screenful at once
    however many packages match, and ``len`` is known from the start.

    The first window is read with the count, in one snapshot. If the catalogue changes
    before a later window is read (a sync committed), the rest is taken from the same
    search of the new catalogue, so the hits read so far stay as they were; past the new
    catalogue's hits, a bare placeholder package (id 0) fills the length."""

    WINDOW = 200

    def __init__(
        self, store: Store, plan: _SearchPlan | None, total: int, generation: tuple[int, int] = (0, 0)
    ) -> None:
        self.store = store
        self._plan = plan
        self._total = total
        self._generation = generation
        self._slots: list[int | None] = [None] * total  # package ids, as they are read
        self._decoded: dict[int, Package] = {}

    def __len__(self) -> int:
        return self._total

    @property
    def ids(self) -> list[int]:
        """Every hit's package id, in rank order (reads all windows)."""
        return self.ids_until(self._total)

    def ids_until(self, count: int) -> list[int]:
        """The first ``count`` hits' package ids, in rank order: only their windows are
        read, and no package is decoded."""
        count = max(0, min(count, self._total))
        for start in range(0, count, self.WINDOW):
            self._ensure(start)
        return [package_id or 0 for package_id in self._slots[:count]]

    def _ensure(self, index: int) -> None:
        if self._slots[index] is not None:
            return
        start = index - index % self.WINDOW

        def read(c: sqlite3.Connection) -> bool:
            if self.store._generation(c) != self._generation:
                return False
            self._fetch(c, start, self.store._ids_by_rank(c))
            return True

        if not self.store._read(lambda c: _in_snapshot(c, read), False):
            # The catalogue changed since the search: the rest comes from the new one.
            self._adopt(self.store.search(self._plan.query if self._plan else "", self._total).ids)

    def _fetch(self, c: sqlite3.Connection, start: int, ids_by_rank: list[int]) -> None:
        """Read the window of ranks from ``start``, and note their package ids."""
        plan = self._plan
        if plan is None:
            return
        stop = min(self._total, start + self.WINDOW)
        ranks = list(plan.exact[start:stop])
        position = len(plan.exact)
        for sql, params in plan.tiers():
            if start + len(ranks) >= stop:
                break
            offset = max(0, start + len(ranks) - position)
            wanted = stop - start - len(ranks)
            tier = _ranks(c, sql, *params, wanted, offset=offset)
            ranks += tier
            if len(tier) < wanted:  # this tier ends here: the next one starts where it did
                count = c.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
                position += count
            else:
                break
        top = len(ids_by_rank)
        for n, rank in enumerate(ranks[: stop - start]):
            self._slots[start + n] = ids_by_rank[rank] if rank < top else 0
        for n in range(start + len(ranks), stop):  # the count and the reads disagreed
            self._slots[n] = 0

    def _adopt(self, ids: list[int]) -> None:
        for n, slot in enumerate(self._slots):
            if slot is None:
                self._slots[n] = ids[n] if n < len(ids) else 0

    @overload
    def __getitem__(self, index: int) -> Package: ...
    @overload
    def __getitem__(self, index: slice) -> list[Package]: ...
    def __getitem__(self, index: int | slice) -> Package | list[Package]:
        if isinstance(index, slice):
            positions = range(self._total)[index]
        else:
            positions = range(self._total)[index : index + 1 if index != -1 else None]
            if not positions:
                raise IndexError("search result index out of range")
        for position in positions:
            self._ensure(position)
        wanted = [self._slots[p] or 0 for p in positions]
        self._load(wanted)
        packages = [self._decoded[package_id] for package_id in wanted]
        return packages if isinstance(index, slice) else packages[0]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SearchResults):
            return self.ids == other.ids
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _load(self, ids: list[int]) -> None:
        missing = [package_id for package_id in dict.fromkeys(ids) if package_id not in self._decoded]
        if not missing:
            return
        found = self.store.packages(missing)
        for package_id in missing:
            self._decoded[package_id] = found.get(package_id) or Package(id=package_id, title="", slug="")


def _lookup(key: int | str) -> tuple[str, int | str]:
    """(column, value) for a key that is an id or a slug, as the API looks them up."""
    text = str(key).strip()
    if text.isdigit():
        return "id", int(text)
    return "slug", text


def _objects(rows: Iterable[tuple[bytes]], parse: Callable[[object], T]) -> list[T]:
    objects = []
    for (raw,) in rows:
        try:
            objects.append(parse(json.loads(raw)))
        except (ValueError, UnicodeDecodeError, BadResponse):
            continue  # only parsed objects are stored, so this does not happen
    return objects


def _in_snapshot(connection: sqlite3.Connection, query: Callable[[sqlite3.Connection], T]) -> T:
    """``query``'s statements in one read transaction: a sync committing meanwhile cannot
    give a grid from one catalogue and its members from the next."""
    connection.execute("BEGIN")
    try:
        return query(connection)
    finally:
        with contextlib.suppress(sqlite3.Error):  # a damaged file: _read deals with it
            connection.execute("COMMIT")
