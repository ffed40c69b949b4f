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
    hint = "wait as it says, then press r to retry"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Timeout(APIError):
    pass


class NoConnection(APIError):
    hint = "check the network or the API URL, then press r to retry"


class NotAskedOffline(NoConnection):
    """``--offline`` (or ``offline = true``): the API was not asked, by the user's choice;
    the network may be fine, so the hint is about the catalogue, not the network."""

    hint = "not in the local catalogue: sync it while online (pkgtui sync), or drop --offline"


class BadResponse(APIError):
    """Malformed or truncated JSON, or JSON of the wrong shape.

    ``cached`` is set when the unreadable answer came from the disk cache (it is dropped
    from there; a refresh fetches it anew)."""

    cached = False


class NotJSON(BadResponse):
    """A web page where JSON was expected: a captive portal, a proxy's or a login page."""

    hint = "a proxy or login page may be in the way: check the network, then press r to retry"


class CutOff(BadResponse):
    """The answer ended early: its JSON (or its compressed data) stops in the middle."""


class TooLarge(BadResponse):
    """The answer was bigger than pkgtui reads (decoded); reading stopped at the cap."""

    hint = "check the API URL, then press r to retry"


class Redirected(APIError):
    """The API redirected to another host (or to a non-web address): not followed."""

    hint = "check the API URL, then press r to retry"

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target
