"""Coloured tables for a terminal, fitted to its width. Imports rich, so only
imported itself when output goes to a terminal.

Column widths are worked out here rather than left to rich: the short columns keep
their values whole (their headers may wrap at spaces), and one flexible column takes
what is left, its cells cut with "…" and never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.table import Table
from rich.text import Text

from .output import Output, cell_width, fit_columns, left_out_note

MIN_FLEX = 12


def overhead(columns: int) -> int:
    """Cells a SIMPLE_HEAD table spends outside its columns: edges, dividers, padding."""
    return 2 + (columns - 1) + 2 * columns


def natural_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column as narrow as its widest cell or its header's longest word allows."""
    return [
        max([max(cell_width(word) for word in header.split() or [""])] + [cell_width(row[i]) for row in rows])
        for i, header in enumerate(headers)
    ]


def fitted_table(
    out: Output,
    headers: Sequence[str],
    rows: Sequence[Sequence[tuple[str, str]]],
    *,
    flex: int | None,
    right: Sequence[bool] = (),
    column_styles: Sequence[str] = (),
    title: str | None = None,
    caption: str | None = None,
    drop_order: Sequence[int] = (),
    min_flex: int = MIN_FLEX,
) -> str | None:
    """Print ``rows`` of (text, style) cells fitted to the terminal: column ``flex`` (if any)
    absorbs the width left over and is the only one cut; when it would get less than
    ``min_flex``, whole columns go in ``drop_order``. Returns the note naming the columns
    left out (for stderr), or None."""
    texts = [[text for text, _ in row] for row in rows]
    widths = natural_widths(headers, texts)
    if flex is not None:
        # The flexible column's natural width is its widest cell, not its longest word.
        widths[flex] = max([cell_width(headers[flex])] + [cell_width(row[flex]) for row in texts])
    fit = fit_columns(
        widths, out.width, spacing=overhead, drop_order=drop_order, flex=flex, min_flex=min_flex
    )
    if fit.flex_width is not None and flex is not None:
        widths[flex] = fit.flex_width

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title=Text(title, style="bold") if title else None,
        title_justify="left",
        caption=Text(caption, style="dim") if caption else None,
    )
    for i in fit.kept:
        table.add_column(
            Text(headers[i]),
            width=widths[i],
            justify="right" if i < len(right) and right[i] else "left",
            style=column_styles[i] if i < len(column_styles) else "",
        )
    for row in rows:
        cells = [row[i] for i in fit.kept]
        table.add_row(*(Text(text, style=style, no_wrap=True, overflow="ellipsis") for text, style in cells))
    # Wider than the terminal only when the columns that are never left out do not fit:
    # printed whole then (the terminal wraps), rather than a name cut.
    out.console.print(table, crop=False, width=max(out.width, _table_width(widths, fit.kept)))
    return left_out_note(headers, fit, out.width)


def _table_width(widths: Sequence[int], kept: Sequence[int]) -> int:
    return sum(widths[i] for i in kept) + overhead(len(kept))
