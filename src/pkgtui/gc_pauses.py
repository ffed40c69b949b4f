"""Keep the garbage collector's full passes short: they stop everything, frames included.

A full pass scans every object the collector tracks. Once pkgtui has started that is a few
hundred thousand (Textual, rich, httpx and the app itself), and a pass took 50–100 ms,
landing in the middle of opening a grid or between two keystrokes. Objects that live as long
as the app are taken out of those scans with :func:`gc.freeze`: after start-up, and after a
loaded catalogue (see the category screen). Objects that are frozen and later become
garbage are still freed by reference counting; only cycles among them wait for
:func:`release`, which the app calls when it closes and the category screen when it goes.
"""

from __future__ import annotations

import gc

# The latest a start-up keeps the collector off (seconds after the app mounts), should the
# first screen never finish loading (see hold_until_started).
START_HOLD_LIMIT = 3.0


def hold_until_started() -> None:
    """No collections while pkgtui starts: importing Textual and the app and building the first
    screen allocate tens of thousands of objects (~80,000 tracked once the demo's home is up)
    that live as long as the app, and the collector's passes over them took 19 ms of a warm
    start (timed with gc.callbacks on the bench's pty). Reference counting still frees what is dropped; :func:`started` turns collection
    back on."""
    gc.disable()


def resume() -> None:
    """Collection back on, nothing frozen: for a start that ends without the app running."""
    gc.enable()


def started() -> None:
    """Start-up is over (idempotent): collection is back on, everything alive now frozen.

    No young collection first (as in :func:`freeze_survivors`): after a start with the
    collector off it took 18 ms over ~70,000 young objects, and home's load ends before the
    first paint. What it would have freed (~2,000 objects of start-up's cycles, measured on
    the demo) is frozen with the rest; :func:`release` gives it back with everything else."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def freeze_survivors() -> None:
    """Leave everything alive now out of later full passes."""
    gc.collect(1)  # young garbage first (a few ms), so little of it is frozen with the rest
    gc.freeze()


def release() -> None:
    """Give every frozen object back to the collector (the next full pass frees the cycles)."""
    gc.unfreeze()


def collect_and_freeze() -> None:
    """A full pass (frees what was released), then freeze the survivors again."""
    gc.collect()
    gc.freeze()
