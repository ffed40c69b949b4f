"""Know when a headless Textual app has painted a frame, and what was on screen then.

Headless, Textual still lays out and renders every frame (the compositor's update) but skips
encoding it for the terminal. :class:`PaintClock` wraps ``App._display`` to do that encoding
too (so the cost a real terminal session pays is counted) and to timestamp each frame.
``painted(predicate)`` resolves with the time of the first frame painted while ``predicate()``
held: everything the app had done by then is on that frame.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual._compositor import CompositorUpdate
from textual.app import App


class PaintTimeout(RuntimeError):
    pass


class PaintClock:
    def __init__(self, app: App) -> None:
        self.app = app
        self.frames = 0
        self.last_frame = 0.0
        self._waiting: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what the terminal driver would write
            now = time.perf_counter()
            self.frames += 1
            self.last_frame = now
            for waiter in list(self._waiting):
                predicate, future = waiter
                if not future.done() and predicate():
                    future.set_result(now)
                    self._waiting.remove(waiter)

        app._display = display  # type: ignore[method-assign]

    async def painted(self, predicate: Callable[[], bool], timeout: float = 30.0) -> float:
        """``perf_counter()`` of the first frame painted (from now on) while ``predicate()`` is true."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise PaintTimeout(f"no frame painted with the expected content within {timeout:g} s") from None
        finally:
            self._waiting = [w for w in self._waiting if w[1] is not future]

    async def settled(self, quiet: float = 0.05, limit: float = 2.0) -> float:
        """Wait until no frame has been painted for ``quiet`` seconds (at most ``limit``);
        return the time of the last frame painted."""
        deadline = time.perf_counter() + limit
        frames = -1
        while time.perf_counter() < deadline:
            if frames == self.frames and time.perf_counter() - self.last_frame >= quiet:
                break
            frames = self.frames
            await asyncio.sleep(quiet / 4)
        return self.last_frame
