"""The local catalogue: categories, grids and packages in SQLite, synced from the API.

No UI code here (an import-linter contract keeps it so): the TUI, the ``sync`` command and
the tests share it.

- :class:`Store` reads (one cheap synchronous call per screen) and :func:`catalogue_path`
  says where a catalogue lives;
- :func:`sync_catalogue` replaces the catalogue atomically, reporting :class:`SyncProgress`;
- :func:`fetch_grid_members` gets a grid's members by API v3 in one request, else by v4;
  :func:`fetch_v3_members` gets them by v3 alone, for a grid the store does not hold.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .listing import PackageListing
from .store import CategoryCount, GridView, Status, Store, StoreError, catalogue_path

if TYPE_CHECKING:
    from .members import fetch_grid_members, fetch_v3_members
    from .sync import SyncBusy, SyncProgress, SyncResult, sync_catalogue

# Reading the store needs no HTTP; syncing does. These load on first use, so a warm start
# paints from the store before httpx is imported (tests/store/test_layering.py checks it).
_NEEDS_HTTP = {
    "fetch_grid_members": ".members",
    "fetch_v3_members": ".members",
    "SyncBusy": ".sync",
    "SyncProgress": ".sync",
    "SyncResult": ".sync",
    "sync_catalogue": ".sync",
}


def __getattr__(name: str) -> Any:
    if name in _NEEDS_HTTP:
        return getattr(importlib.import_module(_NEEDS_HTTP[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CategoryCount",
    "GridView",
    "PackageListing",
    "Status",
    "Store",
    "StoreError",
    "SyncBusy",
    "SyncProgress",
    "SyncResult",
    "catalogue_path",
    "fetch_grid_members",
    "fetch_v3_members",
    "sync_catalogue",
]
