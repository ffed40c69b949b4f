"""What went wrong, as one line for stderr and an exit code.

The client's own hints talk about the TUI ("press r"); these say what to try in a shell.
"""

from __future__ import annotations

from ..api.errors import (
    APIError,
    BadResponse,
    CutOff,
    NoConnection,
    NotAskedOffline,
    NotFound,
    NotJSON,
    RateLimited,
    Redirected,
    ServerError,
    Timeout,
    TooLarge,
)
from ..exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_USAGE
from ..text import clean


class LookupFailed(Exception):
    """Stops a lookup with ``message`` on stderr and ``code`` as the exit status."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def usage(message: str) -> LookupFailed:
    return LookupFailed(f"{message} (see pkgtui --help)", EXIT_USAGE)


def not_found(message: str, hint: str) -> LookupFailed:
    return LookupFailed(f"{message}; {hint}", EXIT_NOT_FOUND)


def from_api_error(
    error: APIError, doing: str, *, not_found_hint: str = "check the name or id"
) -> LookupFailed:
    """``doing`` says what was being fetched, e.g. "package 'django-otp'"."""
    message = clean(error.message).rstrip(".")
    if isinstance(error, NotFound):
        return not_found(f"{doing}: {message}", not_found_hint)
    return LookupFailed(f"could not get {doing}: {message}; {_hint(error)}", EXIT_API)


API_ROOT_HINT = "check that --api-url points at a djangopackages API v4 root"


def _hint(error: APIError) -> str:
    if isinstance(error, RateLimited):
        # The message says how long, when the server did: said once.
        return "run it again then" if error.retry_after else "wait a moment and run it again"
    if isinstance(error, Timeout):
        return "run it again, or raise `timeout` in the config file"
    if isinstance(error, NotAskedOffline):
        return "run pkgtui sync while online, or drop --offline"
    if isinstance(error, NoConnection):
        return "check the network and --api-url, or try --demo for the sample data"
    if isinstance(error, ServerError):
        return "the API is having trouble; run it again later"
    if isinstance(error, Redirected):
        return "check --api-url: give the API's own address"
    if isinstance(error, NotJSON):
        return "a proxy or login page may be in the way: check the network, then --api-url"
    if isinstance(error, TooLarge):
        return API_ROOT_HINT
    if isinstance(error, BadResponse) and error.cached:
        return "the unreadable cached copy was dropped: run it again with --refresh"
    if isinstance(error, CutOff):
        return "run it again (add --refresh to skip the cache)"
    if isinstance(error, BadResponse):
        return f"run it again with --refresh; if it persists, {API_ROOT_HINT}"
    return "run it again"
