"""pkgtui.format.time_ago: the one formatter behind every "… ago" on screen and in print."""

from __future__ import annotations

from datetime import timedelta

from pkgtui.format import dated, format_age, time_ago
from pkgtui.widgets.source_line import source_text
from tests.conftest import FIXED_NOW

DAY = 86400


def test_the_largest_whole_unit_that_fits():
    assert [time_ago(s) for s in (0, 45, 60, 12 * 60 + 59, 3 * 3600, 5 * DAY, 95 * DAY, 800 * DAY)] == [
        "0 s ago",
        "45 s ago",
        "1 min ago",
        "12 min ago",
        "3 h ago",
        "5 d ago",
        "3 mo ago",
        "2 y ago",
    ]
    assert time_ago(-5) == "0 s ago"  # a clock ahead of ours


def test_finest_and_coarsest_units():
    assert time_ago(3 * 3600, finest="d") == "today"
    assert time_ago(40 * DAY, coarsest="d") == "40 d ago"
    assert time_ago(2 * DAY, finest="d", coarsest="d") == "2 d ago"


def test_commit_ages_dates_and_the_status_line_all_use_it():
    assert [format_age(d) for d in (None, 0.2, 5, 29.9, 30, 364, 365)] == [
        "never",
        "today",
        "5 d ago",
        "29 d ago",
        "1 mo ago",
        "12 mo ago",
        "1 y ago",
    ]
    assert dated(FIXED_NOW - timedelta(days=40), FIXED_NOW).endswith(" (1 mo ago)")
    assert dated(FIXED_NOW + timedelta(days=1), FIXED_NOW).endswith(" (today)")
    assert dated(None, FIXED_NOW) == "–"
    line = source_text("example.org", demo=False, stale_age=30 * DAY)
    assert line == "offline — data cached 30 d ago (example.org did not answer)"


def test_dates_are_days_in_utc_as_the_exports_give_them():
    from datetime import datetime, timedelta, timezone

    from pkgtui.format import format_date, iso_time

    evening = datetime(2015, 10, 13, 22, 48, 7, tzinfo=timezone(timedelta(hours=-5)))
    # Before: 2015-10-13 on screen and in show, 2015-10-14T03:48:07+00:00 in --csv / --json.
    assert format_date(evening) == "2015-10-14" == (iso_time(evening) or "")[:10]
    assert format_date(datetime(2015, 10, 13, 22, 48)) == "2015-10-13"  # naive: taken as UTC


def test_a_date_days_ahead_is_in_the_future_not_today():
    from pkgtui.format import time_ago

    assert time_ago(-3600, finest="d") == "today"  # clocks a little apart
    assert time_ago(-18 * 86400, finest="d") == "in the future"
