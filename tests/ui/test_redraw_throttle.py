"""RedrawThrottle, the one throttle behind the category's and the grid's redraws while data
arrives: a fake clock and fake timers, so nothing here depends on how fast the machine is."""

from __future__ import annotations

from pkgtui.widgets.redraw import RedrawThrottle


class FakeTimer:
    def __init__(self, delay: float, callback) -> None:
        self.delay, self.callback, self.stopped = delay, callback, False

    def stop(self) -> None:
        self.stopped = True


class Owner:
    """Stands in for a screen: records the timers set."""

    def __init__(self) -> None:
        self.timers: list[FakeTimer] = []

    def set_timer(self, delay, callback, *, name=None):
        self.timers.append(FakeTimer(delay, callback))
        return self.timers[-1]


def make(gather: bool):
    owner, draws, now = Owner(), [], [100.0]
    throttle = RedrawThrottle(owner, 0.1, lambda: draws.append(now[0]), gather=gather, clock=lambda: now[0])
    return throttle, owner, draws, now


def test_the_first_request_draws_at_once_then_at_most_once_an_interval():
    throttle, owner, draws, now = make(gather=False)
    throttle.request()
    assert draws == [100.0] and owner.timers == []
    now[0] = 100.03
    throttle.request()
    throttle.request()  # already due: one timer, not two
    assert draws == [100.0] and [round(t.delay, 3) for t in owner.timers] == [0.07]
    now[0] = 100.1
    owner.timers[0].callback()
    assert draws == [100.0, 100.1] and not throttle.pending
    now[0] = 100.5  # an interval since the last draw: at once again
    throttle.request()
    assert draws == [100.0, 100.1, 100.5] and len(owner.timers) == 1


def test_gathering_waits_an_interval_for_every_burst():
    throttle, owner, draws, _now = make(gather=True)
    throttle.request()
    throttle.request()
    assert draws == [] and [t.delay for t in owner.timers] == [0.1]
    owner.timers[0].callback()
    assert draws == [100.0]
    throttle.request()
    assert len(owner.timers) == 2 and owner.timers[1].delay == 0.1


def test_cancel_drops_the_redraw_due_and_starts_afresh():
    throttle, owner, draws, _now = make(gather=False)
    throttle.request()
    throttle.request()
    assert throttle.pending
    throttle.cancel()
    assert owner.timers[0].stopped and not throttle.pending
    throttle.request()  # as a first request: drawn at once
    assert draws == [100.0, 100.0]
