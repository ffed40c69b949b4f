"""What the PyPI tests share: a store synced from the demo data, and grid 7's members."""

from __future__ import annotations

import pytest

from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from tests.readiness.test_readiness_command import GRID, synced  # noqa: F401 - a fixture


@pytest.fixture
def store(synced):  # noqa: F811
    kept = Store(catalogue_file(synced))
    yield kept
    kept.close()


def members(store: Store):
    """Grid 7 of the demo data: django-twostepauth, django-two-factor-auth, django-stronghold, django-otp."""
    grid = store.grid(GRID)
    assert grid is not None
    return store.grid_members(grid.id)
