"""The bench's API server: the tests' real HTTP server on 127.0.0.1, serving the synthetic data
(API v4 under ``/api/v4/``, PyPI's JSON API for the grid members under ``/pypi/``)."""

from __future__ import annotations

from tests.server import Faults, LocalAPI

from .data import Dataset


def serve(dataset: Dataset, latency: float = 0.0) -> LocalAPI:
    """A started server; ``latency`` seconds pass before every answer. Change it with
    ``server.faults.latency``; stop it with ``server.stop()``."""
    return LocalAPI(api=dataset.api, faults=Faults(latency=latency), pypi=dataset.pypi).start()
