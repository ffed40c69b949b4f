"""The catalogue database's tables, and the staging copies a sync fills before it swaps them in.

Each catalogue table exists twice: the live one every reader uses, and a ``stage_`` copy a
running sync fills page by page, each page in its own short transaction. When the staged
catalogue is whole, one transaction drops the live tables and renames the staged ones in
their place (:data:`SWAP`), so a reader sees the old catalogue or the new one, never a mix,
and a sync killed at any moment leaves the live tables as they were (the staged rows are
dropped by the next sync).

Indexes are made once the staged packages are all in (faster than keeping them up to date
row by row), before the swap, under a set of names the live tables do not hold (two sets,
taken in turn): dropping the old tables at the swap frees theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

# Bump when the tables change: a database of another version is set aside and rebuilt
# (it is a cache of the API, nothing in it is the user's own).
SCHEMA_VERSION = 1
APPLICATION_ID = 0x706B6774  # "pkgt": marks the file as pkgtui's catalogue

LIVE = ""
STAGE = "stage_"

# Text the full-text index holds: title, slug (hyphens split it into words) and description.
# unicode61 folds case and (remove_diacritics 2) accents; the prefix indexes make a query's
# prefix terms (up to "django"*) cheap: "django"* at 20,000 packages took 2.6 ms with
# prefixes of 1-3 characters indexed, 1.9 ms with 1-6 (and a 30 % larger index). Its rowid is the package's rank by stars, not
# its id, so FTS5 (which yields hits in rowid order) yields them most-starred first, and a
# search needs no sort: at 20,000 packages, sorting "django"'s hits by a joined column took
# ~50 ms, reading them in rowid order a few.
_FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6'"


def catalogue_tables(prefix: str) -> list[str]:
    """CREATE statements for one copy (live or staged) of the catalogue tables."""
    return [
        f"""CREATE TABLE {prefix}categories (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,      -- order in the API's list
            slug TEXT NOT NULL,
            title TEXT NOT NULL,
            raw BLOB NOT NULL,              -- the API object as JSON
            fetched_at REAL NOT NULL        -- Unix time
        )""",
        f"""CREATE TABLE {prefix}grids (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            slug TEXT NOT NULL,
            title TEXT NOT NULL,
            raw BLOB NOT NULL,
            fetched_at REAL NOT NULL
        )""",
        f"""CREATE TABLE {prefix}grid_members (
            grid_id INTEGER NOT NULL,
            position INTEGER NOT NULL,      -- order in the grid's own list
            package_id INTEGER NOT NULL,
            PRIMARY KEY (grid_id, position)
        ) WITHOUT ROWID""",
        f"""CREATE TABLE {prefix}packages (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            slug TEXT NOT NULL,
            title TEXT NOT NULL,
            title_key TEXT NOT NULL,        -- search.key(title): for exact and prefix matches
            slug_key TEXT NOT NULL,
            category_id INTEGER,
            stars INTEGER,
            rank INTEGER,                   -- 1 = most stars; the package's rowid in package_text
            description TEXT NOT NULL,
            last_updated REAL,
            usage_count INTEGER,            -- "Using this" on the website; API v3 only
            fetched_at REAL NOT NULL,
            source TEXT NOT NULL DEFAULT 'v4'
        )""",
        # The JSON apart from the columns: ranking a sync's packages rewrites their rows, and
        # rows of ~150 bytes rewrite in a fraction of the time rows holding ~1-3 kB of JSON do.
        f"""CREATE TABLE {prefix}package_json (
            id INTEGER PRIMARY KEY,
            raw BLOB NOT NULL               -- the API v4 object as JSON
        )""",
        f"CREATE VIRTUAL TABLE {prefix}package_text USING fts5(title, slug, description, {_FTS_OPTIONS})",
    ]


# Staging only: a sync's usage counts from API v3, by slug, merged into the packages at the swap.
STAGE_USAGE = f"CREATE TABLE {STAGE}usage (slug TEXT PRIMARY KEY, usage_count INTEGER NOT NULL) WITHOUT ROWID"


# (name, table, columns). Index names belong to the database, not to a table, and a renamed
# table keeps its indexes' names: see staged_indexes.
_INDEXED = [
    ("packages_slug", "packages", "slug"),
    ("packages_category", "packages", "category_id, position"),
    ("packages_title_key", "packages", "title_key"),
    ("packages_slug_key", "packages", "slug_key"),
    ("packages_rank", "packages", "rank"),
    ("grids_slug", "grids", "slug"),
    ("categories_slug", "categories", "slug"),
    ("grid_members_package", "grid_members", "package_id"),
]
INDEXES = [f"CREATE INDEX {name} ON {table} ({columns})" for name, table, columns in _INDEXED]
# The other set of names: a sync indexes its staged tables under whichever set the live
# tables' indexes do not hold, so the next sync finds the other one free.
_OTHER_NAMES = "_2"


def staged_indexes(taken: Iterable[str]) -> list[str]:
    """CREATE statements for the staged tables' indexes, under names not in ``taken`` (the
    database's index names). Made while API v3's usage pages arrive rather than at the
    swap: at 20,000 packages they took ~36 ms of CPU, all of it after the last answer."""
    held = set(taken)
    suffix = _OTHER_NAMES if any(name in held for name, _, _ in _INDEXED) else ""
    return [f"CREATE INDEX {name}{suffix} ON {STAGE}{table} ({columns})" for name, table, columns in _INDEXED]


SWAPPED = ("categories", "grids", "grid_members", "packages", "package_json", "package_text")

META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID"
# PyPI's facts by normalized project name (issue 18). Not a catalogue table: a sync does not
# replace it (PyPI is a second source, refreshed on its own). ``facts`` is msgspec JSON of
# api.pypi.PyPIFacts, decoded with its type on every read; ``error`` is why the last fetch
# failed (the facts, if any, are then the last good ones: a failure never replaces them).
# Made IF NOT EXISTS at open, so a catalogue of schema 1 made before it gains it unchanged.
PYPI_FACTS = """CREATE TABLE IF NOT EXISTS pypi_facts (
    name TEXT PRIMARY KEY,
    facts BLOB,
    error TEXT,
    fetched_at REAL NOT NULL
) WITHOUT ROWID"""


def create_all() -> list[str]:
    """A new, empty database."""
    return [META, *catalogue_tables(LIVE), *INDEXES, PYPI_FACTS]


def drop_staged() -> list[str]:
    return [f"DROP TABLE IF EXISTS {STAGE}{name}" for name in (*SWAPPED, "usage")]


# Before the swap: rank the staged packages by stars, and index their text under their rank.
RANK_STAGED = [
    """UPDATE stage_packages SET rank = ranked.n FROM (
        SELECT id, row_number() OVER (ORDER BY stars DESC NULLS LAST, title_key, id) AS n FROM stage_packages
    ) AS ranked WHERE ranked.id = stage_packages.id""",
    # In rowid order: FTS5 then appends, where random order made it sort (20,000 packages:
    # 0.3 s of CPU against 1.0 s).
    """INSERT INTO stage_package_text (rowid, title, slug, description)
        SELECT rank, title, slug, description FROM stage_packages ORDER BY rank""",
]


def swap() -> list[str]:
    """Within one transaction: the staged tables become the live ones."""
    statements = [f"DROP TABLE {name}" for name in SWAPPED]
    statements += [f"ALTER TABLE {STAGE}{name} RENAME TO {name}" for name in SWAPPED]
    return statements


EXPECTED_TABLES = frozenset({"meta", *SWAPPED})
