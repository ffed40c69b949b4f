"""Redraw at most once an interval while data arrives in bursts.

Pages of a catalogue and members of a grid arrive many at a time: sorting, drawing and
painting once per arrival would cost more than the arrivals themselves. A screen asks its
:class:`RedrawThrottle` for a redraw on each arrival, and the throttle runs the redraw at most
once per interval, the last request never lost (it is drawn when the interval is up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer


class RedrawThrottle:
    """Runs ``redraw`` for :meth:`request`, at most once per ``interval`` seconds.

    ``gather=False``: the first request is drawn at once, and later ones when ``interval``
    has passed since the last draw (the category screen: the first page shows at once).
    ``gather=True``: every request waits ``interval``, so what arrives together is drawn
    together (the grid screen: a grid's members come in a burst).
    """

    def __init__(
        self,
        owner: MessagePump,
        interval: float,
        redraw: Callable[[], object],
        *,
        gather: bool = False,
        name: str = "redraw",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owner = owner
        self._interval = interval
        self._redraw = redraw
        self._gather = gather
        self._name = name
        self._clock = clock
        self._timer: Timer | None = None
        self._drawn_at: float | None = None

    @property
    def pending(self) -> bool:
        """Whether a redraw is due (waiting for its interval)."""
        return self._timer is not None

    def request(self) -> None:
        """Something changed: redraw now, or when the interval is up."""
        if self._timer is not None:
            return  # already due: that redraw will show this change too
        if self._gather:
            wait = self._interval
        elif self._drawn_at is None:
            wait = 0.0
        else:
            wait = self._drawn_at + self._interval - self._clock()
        if wait <= 0:
            self._fire()
        else:
            self._timer = self._owner.set_timer(wait, self._fire, name=self._name)

    def cancel(self) -> None:
        """Drop a redraw that is due, and start afresh: the next request draws as a first."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._drawn_at = None

    def _fire(self) -> None:
        self._timer = None
        self._drawn_at = self._clock()
        self._redraw()
