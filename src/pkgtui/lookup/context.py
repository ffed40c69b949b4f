"""What every lookup command gets: the client, the output, the clock, how to warn, the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..api.client import Client
from ..store import Store
from .output import Output


@dataclass(frozen=True)
class Lookup:
    client: Client
    out: Output
    warn: Callable[[str], None]  # one line on stderr; the command carries on
    now: datetime
    refresh: bool = False
    store: Store | None = None  # the synced catalogue, if there is one
    offline: bool = False  # never ask the API (--offline)
    v3_url: str | None = None
    note: Callable[[str], None] = lambda message: None  # one line on stderr, not a warning

    @property
    def local(self) -> Store | None:
        """The store to answer from: the synced catalogue, unless --refresh asks the API
        (offline, the store is all there is)."""
        if self.store is None or (self.refresh and not self.offline):
            return None
        return self.store
