"""djangopackages.org API v4: typed models, one async client, one error family.

Free of UI code (an import-linter contract in pyproject.toml keeps it so), so the
TUI, the quick-lookup commands and the tests all share it.
"""

from .client import (
    DEFAULT_API_URL,
    Client,
    Fetched,
    Page,
    ResponseInfo,
    open_client,
)
from .errors import APIError, BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
from .models import Category, Grid, Package, SearchResult, format_age, id_from_url, pypi_name_from_url

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
    "format_age",
    "id_from_url",
    "open_client",
    "pypi_name_from_url",
]
