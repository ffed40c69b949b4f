"""djangopackages.org API v4: typed models, one async client, one error family.

Free of UI code (an import-linter contract in pyproject.toml keeps it so), so the
TUI, the quick-lookup commands and the tests all share it.
"""

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

# Wherever click is installed, ``import httpx`` also imports httpx's command-line tool
# (click, pygments' lexers, rich.syntax): 30-50 ms in every process that uses this package
# (the command, the tests, the bench's drivers), for a tool pkgtui never runs. None in sys.modules makes that one import fail at once, and httpx then defines a
# stub ``httpx.main`` in its place (its own fallback for when click is missing).
sys.modules.setdefault("httpx._main", cast(ModuleType, None))  # None is what the import system reads

from .defaults import DEFAULT_API_URL

if TYPE_CHECKING:
    from .client import Client, open_client
    from .errors import APIError, BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
    from .models import Category, Grid, Package, SearchResult, id_from_url, pypi_name_from_url
    from .results import Fetched, Page, ResponseInfo

# Which submodule holds each name. They load when a name is first asked for: the models need
# msgspec (24 ms of imports) and the results asyncio (17 ms), and a command that reads only the
# defaults (``pkgtui.config``, for ``pkgtui show`` from the store) needs neither; the client
# needs httpx (~100 ms), which a warm start's first paint must not wait for.
_HOMES = {
    **dict.fromkeys(("Client", "open_client"), "client"),
    **dict.fromkeys(
        ("APIError", "BadResponse", "NoConnection", "NotFound", "RateLimited", "ServerError", "Timeout"),
        "errors",
    ),
    **dict.fromkeys(
        ("Category", "Grid", "Package", "SearchResult", "id_from_url", "pypi_name_from_url"), "models"
    ),
    **dict.fromkeys(("Fetched", "Page", "ResponseInfo"), "results"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{home}", __name__), name)


__all__ = [
    "DEFAULT_API_URL",
    "APIError",
    "BadResponse",
    "Category",
    "Client",
    "Fetched",
    "Grid",
    "NoConnection",
    "NotFound",
    "Package",
    "Page",
    "RateLimited",
    "ResponseInfo",
    "SearchResult",
    "ServerError",
    "Timeout",
    "id_from_url",
    "open_client",
    "pypi_name_from_url",
]
