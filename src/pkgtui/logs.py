"""The log a user turns on for a bug report: ``--log FILE`` or ``PKGTUI_LOG=FILE``.

Everything pkgtui logs goes to the ``pkgtui`` logger: each request (``pkgtui.http``: method,
URL, status, ms, and whether the network, the cache or the store answered), retries, errors
and timings. Without a log it has no handler and logs nothing (the calls cost an
``isEnabledFor`` check). The file is appended to and bounded: at 5 MB it is rotated once
(``FILE.1``), so a long session on a server cannot fill the disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

MAX_BYTES = 5 * 1024 * 1024
_file: Path | None = None
_handlers: list[logging.Handler] = []


def logger(name: str = "pkgtui") -> logging.Logger:
    """``name``'s logger (``pkgtui`` or one below it), with the package's NullHandler in place.

    Every module that logs gets its logger here. Without the NullHandler, Python's last-resort
    handler would print warnings and errors to stderr: over the TUI's screen, or a traceback
    after a command's one-line error. Installed here, not in ``pkgtui/__init__``, so that a
    command that logs nothing imports no ``logging`` (9 ms of ``pkgtui show``'s 22 ms budget
    above its floor; ``python -X importtime``).
    """
    import logging

    package = logging.getLogger("pkgtui")
    if not any(isinstance(handler, logging.NullHandler) for handler in package.handlers):
        package.addHandler(logging.NullHandler())
    return logging.getLogger(name)


def requested(option: str | None, env: Mapping[str, str] = os.environ) -> str | None:
    """The log file asked for: ``--log``, else ``PKGTUI_LOG``; None when neither (or empty)."""
    for value in (option, env.get("PKGTUI_LOG")):
        if value and value.strip():
            return value.strip()
    return None


def start(path: str) -> Path:
    """Log to ``path`` from now on; OSError when it cannot be opened for appending."""
    global _file
    target = Path(path).expanduser()
    import logging.handlers  # only when a log is asked for: not on every start-up

    package = logger()

    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8", errors="replace"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package.addHandler(handler)
    _handlers.append(handler)
    package.setLevel(logging.DEBUG)
    package.propagate = False  # never on the terminal the TUI draws on
    _file = target.resolve()
    return _file


def current() -> Path | None:
    """The file being logged to, if any: error messages name it."""
    return _file


def stop() -> None:
    """Stop logging to the file (the package's NullHandler stays: see :func:`logger`)."""
    global _file
    import logging

    package = logger()
    while _handlers:
        handler = _handlers.pop()
        package.removeHandler(handler)
        handler.close()
    package.setLevel(logging.NOTSET)
    _file = None
