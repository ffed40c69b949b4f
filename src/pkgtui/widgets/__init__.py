"""Reusable widgets (their own DEFAULT_CSS); layout lives in app.tcss."""

from .filter_input import FilterInput
from .load_progress import LoadProgress
from .message import MessageBox
from .source_line import SourceLine
from .virtual_table import Column, VirtualTable

__all__ = ["Column", "FilterInput", "LoadProgress", "MessageBox", "SourceLine", "VirtualTable"]
