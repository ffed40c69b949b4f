"""A vertical scroll whose keys move it at once, with no animation."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll


class InstantScroll(VerticalScroll):
    """``VerticalScroll`` whose Home, End, Page Up/Down and arrow keys jump, not glide.

    Textual eases a keyboard scroll over up to a second (End: 1 s). Over SSH each frame of
    that is a redraw sent down the link, and a reader (or a capture) in the middle of it sees
    the body short of where it is going: End on the package screen showed the bottom line
    missing for most of that second (seen in tmux at 80×24). pkgtui's own scrolling keys
    (j/k, G, the tables' cursors) already move at once; this makes the container's own
    bindings agree with them.
    """

    def scroll_home(self, *, animate: bool = True, **kwargs: Any) -> None:
        super().scroll_home(animate=False, **kwargs)

    def scroll_end(self, *, animate: bool = True, **kwargs: Any) -> None:
        # The end is taken after the next refresh (Textual's own rule), so it is the end of
        # the content as laid out then: immediate=True would use a size not yet updated.
        super().scroll_end(animate=False, **kwargs)

    def scroll_page_up(self, *, animate: bool = True, **kwargs: Any) -> None:
        super().scroll_page_up(animate=False, **kwargs)

    def scroll_page_down(self, *, animate: bool = True, **kwargs: Any) -> None:
        super().scroll_page_down(animate=False, **kwargs)

    def scroll_up(self, *, animate: bool = True, **kwargs: Any) -> None:
        super().scroll_up(animate=False, **kwargs)

    def scroll_down(self, *, animate: bool = True, **kwargs: Any) -> None:
        super().scroll_down(animate=False, **kwargs)
