"""Every use of Textual's private internals in pkgtui, in one place.

Textual does not promise anything about names that start with ``_``: an update may rename or
remove them without notice, and code that relies on them then breaks silently (or draws
wrongly). So pkgtui uses them only where a benchmark shows what they buy, only here, and each
use below names the Textual version it was checked against and the measurement behind it
(``python -m bench.run --cases filter`` reruns them; each was measured by taking the one
use out, in five rounds interleaved with the unchanged code, 2026-12-02, on a shared 2-CPU
machine with a load of 2-6, so single rounds vary a lot: the figures are the median and the
range of the five rounds' p50 per keystroke).
``tests/ui/test_textual_internals.py`` checks that every attribute used here still exists
with the signature relied on, so a Textual update fails the tests loudly instead.

Everything else in pkgtui uses Textual's public API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

# The base class of widgets/line_cache.py's ReusingStylesCache. Checked with Textual 8.2.8.
# Why: a Widget styles each line through its StylesCache, which forgets every line on each
# refresh(), so a filter re-styled every visible row on every keystroke although most of them
# only moved; the subclass keeps styled lines by their content Strip. Measured without it (the
# tables and the participants list on Textual's own StylesCache): category filter p50 11.7 ms
# (7.9-13.4) against 8.0 ms (6.3-14.9), slower in 4 of 5 rounds; participants filter 10.7 ms
# (7.2-11.9) against 8.7 ms (6.9-11.8), slower in 3 of 5.
from textual._styles_cache import StylesCache
from textual.containers import Vertical

if TYPE_CHECKING:
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.scrollbar import ScrollBar
    from textual.widget import Widget

__all__ = [
    "TEXTUAL_CHECKED",
    "Pane",
    "StylesCache",
    "adopt_vertical_scrollbar",
    "paint_now",
    "resize_virtual",
    "use_styles_cache",
]

# The Textual release every use below was read against (``pip show textual``).
TEXTUAL_CHECKED = "8.2.8"


def use_styles_cache(widget: Widget, cache: StylesCache) -> None:
    """Make ``widget`` style its lines through ``cache`` (a ReusingStylesCache).

    Private: ``Widget._styles_cache``, made in ``Widget.__init__`` and read by
    ``Widget._render_content`` via ``render_widget``. Checked with Textual 8.2.8. Measured: see
    the import of ``StylesCache`` above (the category and participants filter keystrokes)."""
    widget._styles_cache = cache


def adopt_vertical_scrollbar(widget: Widget, make: Callable[[], ScrollBar]) -> ScrollBar:
    """``widget``'s vertical scrollbar, made by ``make`` the first time (as Textual's own
    ``Widget.vertical_scrollbar`` property makes a plain ``ScrollBar``).

    Private: ``Widget._vertical_scrollbar`` and ``App._start_widget``, exactly as that property
    uses them. Checked with Textual 8.2.8. Why: the bar of widgets/scrollbar.py draws each kind
    of cell once; Textual's bar re-rendered and re-styled every cell whenever the row count
    changed, 1.6-2.7 ms of a category-filter keystroke on 6,000 rows when it was written.
    Measured with Textual's bar instead: participants filter p50 11.8 ms (9.4-12.9) against
    8.7 ms (6.9-11.8), slower in 4 of 5 rounds; category filter 9.7 ms (7.0-11.9) against
    8.0 ms (6.3-14.9), slower in 3 of 5."""
    bar = widget._vertical_scrollbar
    if bar is None:
        bar = make()
        bar.display = False  # as Textual's property does: the layout shows it when needed
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return bar


def resize_virtual(widget: Widget, size: Size) -> None:
    """Give a scrolling widget a new virtual size, updating only its own scrollbars.

    Public Textual sets ``virtual_size``, a reactive with ``layout=True``: that re-lays out the
    whole screen, on every keystroke of a filter whose row count changes. Only the widget's
    scrollbars need to know, which is what ``Widget._scroll_update`` (private) does when a
    layout ends. Checked with Textual 8.2.8. Measured with ``widget.virtual_size = size``
    instead: participants filter p50 16.3 ms (13.8-20.9) against 8.7 ms (6.9-11.8), slower in
    all 5 rounds, p95 31.4 ms against 21.6 ms; category filter 10.0 ms (8.5-12.9) against
    8.0 ms (6.3-14.9)."""
    widget.set_reactive(type(widget).virtual_size, size)
    widget._scroll_update(size)


def paint_now(screen: Screen[object]) -> None:
    """Lay out and paint what ``screen`` has pending now, not at its next frame.

    A screen paints on a timer of Textual's frame rate (60 a second), so rows set just after
    a frame wait up to 16.7 ms for the next. For the first frame of data that just arrived
    over the network, that wait is all that is left between the answer and the user. This runs
    what the timer would run, private ``Screen._on_timer_update`` (it pauses the timer, and
    does nothing unless the screen is current and no batch update is open), with a layout
    asked for (private ``Screen._layout_required``): widgets tell their screen what they
    changed only by a message on their next idle, so without it a change of content alone
    (a Static's new text) would wait for those messages, and the timer. The layout lays out
    and paints the whole screen from the widgets as they are. Checked with Textual 8.2.8.
    Measured (bench ``grid``, a grid of 40 from API v3 at 50 ms latency, 5 repetitions, runs
    interleaved): 79.7 and 83.0 ms without it, 73.6 and 76.5 ms with it (docs/benchmarks.md,
    round of 2026-12-04; measured before the layout was asked for, which the grid's load
    asked for anyway: 70.4 ms and 74.7 ms in the two runs since)."""
    if not screen.is_current:
        return  # a screen under another paints when it is shown again, laid out then
    screen._layout_required = True
    screen._on_timer_update()


class Pane(Vertical):
    """A ``Vertical`` that never scrolls (its children do): a screen's section, such as home's
    categories, grids and search results.

    Private: overrides ``Widget._size_updated``, which the screen's layout calls with each
    widget's new size. Textual then sets the new ``virtual_size``, a reactive with
    ``layout=True``, so every container a layout resized asks for a second layout of the whole
    screen in the same frame. A container that cannot scroll has no use for its virtual size:
    its children were placed at the new size by the layout that resized it. Checked with
    Textual 8.2.8. Why: typing the first letter into home's empty search box (or erasing the
    last) hides the categories for the results and resizes the grids pane; that key took two
    layouts. Measured (bench ``search``'s home-search keys, 20,000 packages, three runs of 34
    keys each way, interleaved, 2026-12-06): those keys p50 18.0 and 20.6 ms with Textual's
    Vertical, 13.9 and 14.2 ms as a Pane; the other keys unchanged (p50 10-13 ms)."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        scrolls = self.styles.overflow_x != "hidden" or self.styles.overflow_y != "hidden"
        return super()._size_updated(size, virtual_size, container_size, layout=layout and scrolls)
