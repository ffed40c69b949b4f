"""What every lookup command gets: the client, the output, the clock, how to warn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..api.client import Client
from .output import Output


@dataclass(frozen=True)
class Lookup:
    client: Client
    out: Output
    warn: Callable[[str], None]  # one line on stderr; the command carries on
    now: datetime
    refresh: bool = False
