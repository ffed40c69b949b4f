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

from .output import Output, cell_width

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
    flex: int,
    right: Sequence[bool] = (),
    column_styles: Sequence[str] = (),
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Print ``rows`` of (text, style) cells; column ``flex`` absorbs the width left over."""
    texts = [[text for text, _ in row] for row in rows]
    widths = natural_widths(headers, texts)
    widest = max([cell_width(headers[flex])] + [cell_width(row[flex]) for row in texts])
    room = out.width - overhead(len(headers)) - sum(w for i, w in enumerate(widths) if i != flex)
    widths[flex] = max(min(widest, room), min(MIN_FLEX, widest))

    table = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title=Text(title, style="bold") if title else None,
        title_justify="left",
        caption=Text(caption, style="dim") if caption else None,
    )
    for i, header in enumerate(headers):
        table.add_column(
            Text(header),
            width=widths[i],
            justify="right" if i < len(right) and right[i] else "left",
            style=column_styles[i] if i < len(column_styles) else "",
        )
    for row in rows:
        table.add_row(*(Text(text, style=style, no_wrap=True, overflow="ellipsis") for text, style in row))
    out.console.print(table)
