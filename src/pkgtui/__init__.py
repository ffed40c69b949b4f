"""pkgtui: a terminal browser for djangopackages.org."""

__version__ = "0.1.0"
