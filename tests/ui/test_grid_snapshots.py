"""Snapshots of the grid screen (fixed clock, no cursor blink, workers finished)."""

from __future__ import annotations

import pytest

from pkgtui.target import StartTarget

from .conftest import settle
from .scripted import scripted_app


@pytest.mark.parametrize(
    "size", [(200, 50), (100, 30), (80, 24), (60, 20)], ids=["200x50", "100x30", "80x24", "60x20"]
)
def test_grid_screen(snap_compare, size):
    app, _ = scripted_app(StartTarget("grid", "7"))
    assert snap_compare(app, terminal_size=size, run_before=settle)
