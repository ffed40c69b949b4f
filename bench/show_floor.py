"""The floor for ``pkgtui show`` from the store: a fresh process of the same interpreter that
opens the same catalogue file with stdlib sqlite3 and prints one package's row, nothing more.

    python bench/show_floor.py DATABASE SLUG
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def main(database: str, slug: str) -> int:
    connection = sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT slug, title, stars, description FROM packages WHERE slug = ?", (slug,)
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        print(f"no package {slug!r} in {database}", file=sys.stderr)
        return 1
    print(" | ".join(str(value) for value in row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
