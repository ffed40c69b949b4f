"""The synced catalogue store, as the print commands read it, and what ``--offline`` says.

A lookup reads the store when it holds a synced catalogue (0 requests), and the API when the
store lacks the item or ``--refresh`` asks for the API. With ``--offline`` the API is never
asked: what the store lacks is one line naming the catalogue's age.
"""

from __future__ import annotations

import time

from ..exit_codes import EXIT_NOT_FOUND, EXIT_USAGE
from ..format import moments_ago
from ..store import Store
from .failures import LookupFailed


def age_text(store: Store | None, now: float | None = None) -> str:
    """``synced 3 h ago``, or ``never synced``."""
    synced = store.last_sync() if store is not None else None
    if synced is None:
        return "never synced"
    now = time.time() if now is None else now
    return f"synced {moments_ago(max(0.0, now - synced.timestamp()))}"


def not_stored(store: Store | None, what: str) -> LookupFailed:
    """``--offline`` and ``what`` is not in the store: one line, and the exit code.

    With a synced catalogue the item is most likely not there at all (1, not found); with
    none, ``--offline`` cannot work until a sync (2, a usage error)."""
    if store is None:
        return LookupFailed(f"{what}: no local catalogue yet; run pkgtui sync or drop --offline", EXIT_USAGE)
    return LookupFailed(
        f"{what}: not in the local catalogue ({age_text(store)}); run pkgtui sync or drop --offline",
        EXIT_NOT_FOUND,
    )
