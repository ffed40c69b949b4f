"""The log a user turns on for a bug report: ``--log FILE`` or ``PKGTUI_LOG=FILE``.

Everything pkgtui logs goes to the ``pkgtui`` logger: each request (``pkgtui.http``: method,
URL, status, ms, and whether the network, the cache or the store answered), retries, errors
and timings. Without a log it has no handler and logs nothing (the calls cost an
``isEnabledFor`` check). The file is appended to and bounded: at 5 MB it is rotated once
(``FILE.1``), so a long session on a server cannot fill the disk.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
LOGGER = logging.getLogger("pkgtui")
_file: Path | None = None
_handlers: list[logging.Handler] = []


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

    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8", errors="replace"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    _handlers.append(handler)
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.propagate = False  # never on the terminal the TUI draws on
    _file = target.resolve()
    return _file


def current() -> Path | None:
    """The file being logged to, if any: error messages name it."""
    return _file


def stop() -> None:
    """Stop logging to the file (the package's NullHandler stays: see pkgtui/__init__.py)."""
    global _file
    while _handlers:
        handler = _handlers.pop()
        LOGGER.removeHandler(handler)
        handler.close()
    LOGGER.setLevel(logging.NOTSET)
    _file = None
