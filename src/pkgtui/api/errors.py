"""The one error type the API client raises, with subclasses the UI can explain.

``str(error)`` is a sentence a user can read; ``hint`` says what to try.
"""

from __future__ import annotations


class APIError(Exception):
    """Anything that went wrong talking to the API."""

    hint = "press r to retry"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(APIError):
    hint = "check the name or id"


class ServerError(APIError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(APIError):
    hint = "wait a moment, then press r to retry"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Timeout(APIError):
    pass


class NoConnection(APIError):
    hint = "check the network or the API URL, then press r to retry"


class BadResponse(APIError):
    """Malformed or truncated JSON, or JSON of the wrong shape."""
