"""pkgtui: a terminal browser for djangopackages.org."""

# The one place the version is written: pyproject.toml reads it for the package metadata
# (setuptools' `attr:`), `pkgtui --version` prints it and the User-Agent sends it.
__version__ = "0.1.0"
