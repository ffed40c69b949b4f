"""A vertical scrollbar that draws each distinct cell once.

Textual's scrollbar renders itself through Rich and then styles every line whenever its size
or position changes. A filter changes the row count, and so the bar, on most keystrokes: that
cost 1.6-2.7 ms of a category-filter keystroke on 6,000 rows, for one column of cells. A bar
has at most five kinds of line (track above and below the thumb, the thumb, its two ends), so
this one builds the lines from :meth:`ScrollBarRender.render_bar`, keeps one ``Strip`` a
kind, and lets :class:`ReusingStylesCache` reuse the styled lines by that ``Strip``.

It draws what Textual's bar draws (a test compares the two); horizontal bars and anything
else unusual take Textual's own path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

from .line_cache import ReusingStylesCache
from .textual_internals import adopt_vertical_scrollbar, use_styles_cache

if TYPE_CHECKING:
    from textual.widget import Widget

# Kinds of line kept at most (a few themes and hover states of five kinds each).
LIMIT = 256


class ReusingScrollBar(ScrollBar):
    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1) -> None:
        super().__init__(vertical=vertical, name=name, thickness=thickness)
        self._line_styles = ReusingStylesCache()
        use_styles_cache(self, self._line_styles)
        self._kinds: dict[tuple[Segment, Style, int], Strip] = {}
        self._lines: list[Strip] | None = None  # this repaint's lines; None: Textual's path

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lines = self._bar_lines()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self._lines is None:
            return super().render_line(y)
        try:
            return self._lines[y]
        except IndexError:
            return Strip.blank(self.size.width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_styles.forget()

    def _bar_lines(self) -> list[Strip] | None:
        width, height = self.size
        bar = self.render()
        if not self.vertical or not isinstance(bar, ScrollBarRender) or not isinstance(bar.style, Style):
            return None
        if self.text_selection is not None or self.styles.content_align != ("left", "top"):
            return None
        style = bar.style
        segments = self.renderer.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or Color.parse("#555555"),  # ScrollBarRender's own fallbacks
            bar_color=style.color or Color.parse("bright_magenta"),
        ).segments
        base = self.visual_style.rich_style
        kinds = self._kinds
        lines: list[Strip] = []
        for segment in segments:
            key = (segment, base, width)
            strip = kinds.get(key)
            if strip is None:
                if len(kinds) >= LIMIT:
                    kinds.clear()
                # As Rich renders the bar under the widget's style (``Widget.post_render``).
                strip = kinds[key] = Strip(Segment.apply_style([segment], base))
            lines.append(strip)
        return lines


class ReusingScrollBars:
    """For a ``ScrollView`` whose row count changes as you type: its vertical bar is a
    :class:`ReusingScrollBar`. Put it before ``ScrollView`` in the bases."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Textual's own property (``Widget.vertical_scrollbar``), making our bar instead.
        widget = cast("Widget", self)
        return adopt_vertical_scrollbar(
            widget,
            lambda: ReusingScrollBar(
                vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
            ),
        )
