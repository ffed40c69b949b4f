"""What went wrong, as one line for stderr and an exit code.

The client's own hints talk about the TUI ("press r"); these say what to try in a shell.
"""

from __future__ import annotations

from ..api.errors import APIError, BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
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


def _hint(error: APIError) -> str:
    if isinstance(error, RateLimited):
        wait = f" {error.retry_after:.0f} s" if error.retry_after else " a moment"
        return f"wait{wait} and run it again"
    if isinstance(error, Timeout):
        return "run it again, or raise `timeout` in the config file"
    if isinstance(error, NoConnection):
        return "check the network and --api-url, or try --demo for the sample data"
    if isinstance(error, ServerError):
        return "the API is having trouble; run it again later"
    if isinstance(error, BadResponse):
        return "check that --api-url points at a djangopackages API v4 root"
    return "run it again"
