"""Where lookup output goes, and how it is written there.

A terminal gets colours and tables fitted to its width (through rich, imported only
then); a pipe, a file or ``NO_COLOR`` gets plain text with no escape sequences at all.
Plain tables are laid out here, measured in terminal cells so wide characters line up.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

import msgspec

from ..text import clean

PIPE_WIDTH = 100  # columns assumed when not writing to a terminal and $COLUMNS is unset


class Output:
    """One output stream and what it can take."""

    def __init__(self, stream: IO[str], env: Mapping[str, str] = os.environ) -> None:
        self.stream = stream
        self.env = env
        _replace_unencodable(stream)
        is_tty = bool(getattr(stream, "isatty", lambda: False)())
        # https://no-color.org: any non-empty value turns colour off.
        self.color = is_tty and not env.get("NO_COLOR")
        self.width = _width(stream if is_tty else None, env)
        self._console: Any = None

    def line(self, text: str = "") -> None:
        self.stream.write(text + "\n")

    def lines(self, texts: Sequence[str]) -> None:
        self.stream.write("".join(f"{text}\n" for text in texts))

    def json(self, data: object) -> None:
        """``data`` as indented JSON, every string in it cleaned of control characters."""
        self.line(json.dumps(clean_json(data), indent=2, ensure_ascii=False))

    @property
    def console(self) -> Any:
        """A rich Console on the stream (only when ``color``); rich is imported here, lazily."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=self.stream,
                width=self.width,
                force_terminal=True,
                markup=False,
                emoji=False,
                highlight=False,
                _environ=dict(self.env),
            )
        return self._console


def _replace_unencodable(stream: IO[str]) -> None:
    """On a stream that cannot encode everything (PYTHONIOENCODING=ascii, say), write "?"
    for what it cannot take (sparklines, dashes) instead of failing half-way."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding and not encoding.startswith("utf") and getattr(stream, "errors", "") == "strict":
        try:
            stream.reconfigure(errors="replace")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass


def _width(tty: IO[str] | None, env: Mapping[str, str]) -> int:
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if tty is not None:
        try:
            return os.get_terminal_size(tty.fileno()).columns
        except (AttributeError, OSError, ValueError):
            pass
    return PIPE_WIDTH


def clean_json(data: object) -> object:
    """A copy of decoded JSON with every string (keys too) passed through ``clean``.

    Line breaks are kept (JSON escapes them); escape sequences and other controls go.
    """
    if isinstance(data, str):
        return clean(data, multiline=True)
    if isinstance(data, Mapping):
        return {clean(str(key), multiline=True): clean_json(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [clean_json(item) for item in data]
    return data


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, emoji) count 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def cut(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in an ellipsis when cut."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        size = cell_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…"


class Fit(msgspec.Struct, frozen=True):
    """Which columns of a table fit a width: the rest are left out whole, never cut."""

    kept: tuple[int, ...]  # column indexes, in table order
    dropped: tuple[int, ...]  # column indexes left out, in the order they went
    flex_width: int | None = None  # cells for the flexible column, when it is kept


def fit_columns(
    widths: Sequence[int],
    width: int,
    *,
    spacing: Callable[[int], int],
    drop_order: Sequence[int] = (),
    flex: int | None = None,
    min_flex: int = 12,
) -> Fit:
    """Columns of natural ``widths`` to print in ``width`` cells.

    Only column ``flex`` (a description) is ever cut, and never below ``min_flex`` cells (or its
    own width, if less). When even that does not fit, whole columns go, in ``drop_order``
    (least important first; it may name ``flex``). Columns not in ``drop_order`` always stay:
    a table of them alone may be wider than ``width``, and is printed whole rather than cut.
    ``spacing(n)``: cells spent outside the columns of an n-column table (gaps, borders).
    """
    kept = list(range(len(widths)))
    dropped: list[int] = []
    candidates = [index for index in drop_order if 0 <= index < len(widths)]
    while True:
        fixed = sum(widths[i] for i in kept if i != flex) + spacing(len(kept))
        if flex in kept:
            assert flex is not None
            room = width - fixed
            floor = min(min_flex, widths[flex])
            if room >= floor or not candidates:
                return Fit(tuple(kept), tuple(dropped), max(min(widths[flex], room), floor))
        elif fixed <= width or not candidates:
            return Fit(tuple(kept), tuple(dropped))
        index = candidates.pop(0)
        kept.remove(index)
        dropped.append(index)


def left_out_note(headers: Sequence[str], fit: Fit, width: int) -> str | None:
    """``Forks, Participants columns left out to fit 80 columns ...``, or None when all fit."""
    if not fit.dropped:
        return None
    names = [headers[i] for i in sorted(fit.dropped)]
    noun = "column" if len(names) == 1 else "columns"
    return f"{', '.join(names)} {noun} left out to fit {width} columns (set COLUMNS for more)"


GAP = "  "  # between the columns of a plain table


def plain_spacing(columns: int) -> int:
    return len(GAP) * max(0, columns - 1)


class PlainTable(msgspec.Struct, frozen=True):
    lines: list[str]
    note: str | None  # which columns were left out, for stderr; None when all fit


def fitted_plain_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    right: Sequence[bool] = (),
    drop_order: Sequence[int] = (),
    flex: int | None = None,
    min_flex: int = 12,
) -> PlainTable:
    """A plain table fitted to ``width``: whole columns left out (``drop_order``) rather than
    any name, number or URL cut; only the ``flex`` column's cells are cut, with "…"."""
    right = list(right) + [False] * (len(headers) - len(right))
    widths = _widths(headers, rows)
    fit = fit_columns(
        widths, width, spacing=plain_spacing, drop_order=drop_order, flex=flex, min_flex=min_flex
    )
    kept = fit.kept
    lines = plain_table(
        [headers[i] for i in kept],
        [[row[i] for i in kept] for row in rows],
        right=[right[i] for i in kept],
        width=width if flex in kept else None,
        flex=kept.index(flex) if flex in kept else None,
        min_flex=min_flex,
    )
    return PlainTable(lines, left_out_note(headers, fit, width))


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max([cell_width(h)] + [cell_width(row[i]) for row in rows]) for i, h in enumerate(headers)]


def plain_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[bool] = (),
    width: int | None = None,
    flex: int | None = None,
    min_flex: int = 12,
) -> list[str]:
    """Aligned text columns under a header and a rule of dashes.

    With ``width`` and ``flex``, column ``flex`` is cut so each line fits in ``width``
    (never below ``min_flex`` cells); otherwise every cell is shown whole.
    """
    right = list(right) + [False] * (len(headers) - len(right))
    widths = _widths(headers, rows)
    gap = GAP
    if width is not None and flex is not None:
        others = sum(w for i, w in enumerate(widths) if i != flex) + plain_spacing(len(widths))
        widths[flex] = max(min(widths[flex], width - others), min(min_flex, widths[flex]))
        rows = [
            [cut(cell, widths[flex]) if i == flex else cell for i, cell in enumerate(row)] for row in rows
        ]

    def layout(cells: Sequence[str]) -> str:
        padded = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - cell_width(cell))
            padded.append(pad + cell if right[i] else cell + pad)
        return gap.join(padded).rstrip()

    rule = gap.join("-" * w for w in widths)
    return [layout(headers), rule, *(layout(row) for row in rows)]
