"""docs/faults.md is the table rendered from the catalogue, and every row names tests that exist."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.faults.catalogue import (
    BEGIN,
    CLIENT_FAULTS,
    DOC,
    END,
    HOSTILE_ROWS,
    NETWORK_ROWS,
    STATE_ROWS,
    TERMINAL_ROWS,
    render_table,
)

ROWS = (*NETWORK_ROWS, *HOSTILE_ROWS, *STATE_ROWS, *TERMINAL_ROWS)
README = Path(__file__).resolve().parents[2] / "README.md"


def test_docs_table_is_the_catalogue():
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    table = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == render_table(), (
        "docs/faults.md is out of date: run .venv/bin/python -m tests.faults.catalogue"
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_row_is_proved_by_tests_that_exist(row):
    assert row.tests, f"{row.name}: no test named"
    for name in row.tests:
        module_name, _, function = name.partition(".")
        module = importlib.import_module(f"tests.faults.{module_name}")
        assert callable(getattr(module, function, None)) and function.startswith("test_"), name


def test_fault_names_are_unique_and_every_fault_has_a_message():
    names = [f.name for f in CLIENT_FAULTS] + [r.name for r in ROWS]
    assert len(names) == len(set(names))
    assert all(f.says and f.user_sees and f.actions() for f in CLIENT_FAULTS)


def test_readme_points_at_the_fault_table():
    text = README.read_text(encoding="utf-8")
    assert "docs/faults.md" in text and "tests/faults/" in text
