"""The local catalogue: categories, grids and packages in SQLite, synced from the API.

No UI code here (an import-linter contract keeps it so): the TUI, the ``sync`` command and
the tests share it.

- :class:`Store` reads (one cheap synchronous call per screen) and :func:`catalogue_path`
  says where a catalogue lives;
- :func:`sync_catalogue` replaces the catalogue atomically, reporting :class:`SyncProgress`;
- :func:`fetch_grid_members` gets a grid's members by API v3 in one request, else by v4.
"""

from .members import fetch_grid_members
from .store import CategoryCount, GridView, Status, Store, StoreError, catalogue_path
from .sync import SyncBusy, SyncProgress, SyncResult, sync_catalogue

__all__ = [
    "CategoryCount",
    "GridView",
    "Status",
    "Store",
    "StoreError",
    "SyncBusy",
    "SyncProgress",
    "SyncResult",
    "catalogue_path",
    "fetch_grid_members",
    "sync_catalogue",
]
