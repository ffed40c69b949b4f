"""pkgtui: a terminal browser for djangopackages.org."""

# The one place the version is written: pyproject.toml reads it for the package metadata
# (setuptools' `attr:`), `pkgtui --version` prints it and the User-Agent sends it.
__version__ = "0.1.0"

import logging as _logging

# pkgtui logs only where the user asked (--log / PKGTUI_LOG, see pkgtui.logs). Without this,
# Python's last-resort handler would print warnings and errors to stderr: over the TUI's
# screen, or a traceback after a command's one-line error.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
