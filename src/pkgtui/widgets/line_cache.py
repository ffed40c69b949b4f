"""Reuse a widget's styled lines across repaints when its content line is the same Strip.

Textual styles every line of a widget (padding, background, tint, line filters) through the
widget's ``StylesCache``, whose cache is keyed by the line's position and dropped on every
``refresh()``. A list that is filtered on each keystroke therefore re-styles every visible
line each time, although most of them only moved. Our scrolling lists cache their content
lines (one ``Strip`` object per row), so the styled line can be cached by that object: a row
that moves to another line, or stays, costs a dictionary lookup instead of ~0.1 ms.

Only lines that do not depend on their position are reused: widgets with top or bottom
borders, padding or outlines (or border titles) take Textual's own path for every line.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.terminal_theme import TerminalTheme
from textual.color import Color
from textual.css.styles import StylesBase
from textual.geometry import Size, Spacing
from textual.strip import Strip

from .textual_internals import StylesCache

# Styled lines kept at most (a few screenfuls at a few widths and focus states).
LIMIT = 2048


class ReusingStylesCache(StylesCache):
    """A ``StylesCache`` whose styled lines are also kept by content ``Strip``."""

    def __init__(self) -> None:
        super().__init__()
        # key -> (content strip, styled strip); the content strip is kept so its id is not
        # reused by another object while the entry lives.
        self._styled: dict[tuple, tuple[Strip, Strip]] = {}
        self._reusable = False

    def forget(self) -> None:
        """Drop every styled line (the widget's styles changed)."""
        self._styled.clear()

    def render(
        self, styles: StylesBase, size: Size, base_background: Color, background: Color, *args, **kwargs
    ) -> list[Strip]:
        padding: Spacing | None = kwargs.get("padding")
        gutter = styles.gutter
        outline = styles.outline
        self._reusable = (
            gutter.top == 0
            and gutter.bottom == 0
            and not outline[0][0]
            and not outline[2][0]
            and (padding is None or (padding.top == 0 and padding.bottom == 0))
        )
        return super().render(styles, size, base_background, background, *args, **kwargs)

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        border_title: tuple | None,
        border_subtitle: tuple | None,
        opacity: float,
        ansi_theme: TerminalTheme,
        native_ansi: bool,
    ) -> Strip:
        if (
            not self._reusable
            or border_title is not None
            or border_subtitle is not None
            or y >= content_size.height
        ):
            return super().render_line(
                styles, y, size, content_size, padding, base_background, background, render_content_line,
                border_title, border_subtitle, opacity, ansi_theme, native_ansi,
            )  # fmt: skip
        content = render_content_line(y)
        key = (
            id(content),
            size,
            content_size,
            padding,
            base_background,
            background,
            opacity,
            id(ansi_theme),
            native_ansi,
        )
        cached = self._styled.get(key)
        if cached is not None and cached[0] is content:
            return cached[1]
        styled = super().render_line(
            styles, y, size, content_size, padding, base_background, background, lambda _y: content,
            border_title, border_subtitle, opacity, ansi_theme, native_ansi,
        )  # fmt: skip
        if len(self._styled) >= LIMIT:
            self._styled.clear()
        self._styled[key] = (content, styled)
        return styled
