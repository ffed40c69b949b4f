"""Reusable widgets (their own DEFAULT_CSS); layout lives in app.tcss."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .filter_input import FilterInput
from .key_footer import KeyFooter
from .message import MessageBox
from .source_line import SourceLine
from .textual_internals import Pane
from .virtual_table import Column, LazyRows, Subset, VirtualTable

if TYPE_CHECKING:
    from .load_progress import LoadProgress

__all__ = [
    "Column",
    "FilterInput",
    "KeyFooter",
    "LazyRows",
    "LoadProgress",
    "MessageBox",
    "Pane",
    "SourceLine",
    "Subset",
    "VirtualTable",
]


def __getattr__(name: str) -> Any:
    # Imported on first use: home, the first screen painted, has no progress bar (Textual's
    # ProgressBar costs a few ms of start-up).
    if name == "LoadProgress":
        from .load_progress import LoadProgress

        return LoadProgress
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
