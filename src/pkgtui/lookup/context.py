"""What every lookup command gets: the output, the clock, how to warn, the local catalogue
when it can answer, and the API client (made only when a command asks the API)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import msgspec

from .output import Output

if TYPE_CHECKING:
    from ..api.client import Client
    from ..store import Store


class Lookup(msgspec.Struct, frozen=True, dict=True):
    make_client: Callable[[], Client]
    out: Output
    warn: Callable[[str], None]  # one line on stderr; the command carries on
    # One line on stderr about the output itself (the columns left out to fit the width).
    note: Callable[[str], None]
    now: datetime
    refresh: bool = False
    # The synced local catalogue, None without one or with --refresh: commands read it first
    # and ask the API only for what it does not hold.
    store: Store | None = None
    offline: bool = False  # never ask the API (--offline): what the store lacks is an error
    v3_url: str | None = None  # api_v3_url, for a grid's members in one request
    # PyPI's JSON API root to ask for facts (show), or None when PyPI may not be asked; then
    # ``pypi_off`` says why (offline, pypi = false, the demo), for a package with no kept facts.
    pypi_url: str | None = None
    pypi_off: str | None = None
    pypi_max_age: float = 3600.0  # kept facts younger than this are used without a request
    pypi_transport: Any = None  # an httpx transport for PyPI (tests)

    @cached_property
    def client(self) -> Client:
        """The API client, made on first use: a lookup the store answers imports no HTTP."""
        return self.make_client()

    @property
    def client_made(self) -> bool:
        return "client" in self.__dict__
