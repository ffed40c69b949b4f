"""Upstream's score (djangopackages ``package/scores.py``, ``_calculate_score``) on fixed inputs.

The expected numbers are worked out by hand from upstream's rule; the month counts were also
checked against dateutil's ``relativedelta``, which upstream uses (dateutil is not a pkgtui
dependency, so that check is not repeated here).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pkgtui.scores import score, whole_months_between

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ago(**months_or_days) -> datetime:
    months = months_or_days.pop("months", 0)
    year, month = divmod(NOW.month - 1 - months, 12)
    return NOW.replace(year=NOW.year + year, month=month + 1) - timedelta(**months_or_days)


def test_a_recent_python3_package_scores_its_stars():
    assert score(100, NOW - timedelta(days=10), True, NOW) == 100


def test_no_commit_date_costs_one_tenth_and_no_python3_three_tenths():
    assert score(100, None, False, NOW) == 60  # upstream's own test case


@pytest.mark.parametrize(
    ("last_commit", "expected"),
    [
        (ago(months=2, days=27), 100),  # not yet three whole months
        (ago(months=3), 90),  # exactly three: one tenth off
        (ago(months=3) + timedelta(minutes=1), 100),
        (ago(months=5), 90),
        (ago(months=6), 80),
        (ago(months=21), 30),  # seven quarters
        (ago(months=30), 0),  # ten quarters: all of it
        (ago(months=33), -10),  # and the penalty has no cap
    ],
)
def test_a_tenth_of_the_stars_per_whole_three_months(last_commit, expected):
    assert score(100, last_commit, True, NOW) == expected


def test_the_floor_is_minus_500():
    assert score(1000, ago(months=60), True, NOW) == -500  # 1000 - 20 quarters x 100
    assert score(1000, ago(months=45), True, NOW) == -500  # exactly -500
    assert score(1000, ago(months=42), True, NOW) == -400


def test_the_python3_penalty_is_at_most_1000():
    assert score(10_000, NOW, False, NOW) == 9_000  # not 7,000
    assert score(3_333, NOW, False, NOW) == 2_333  # 999.9 off, truncated
    assert score(3_400, NOW, False, NOW) == 2_400  # capped at 1,000


def test_unknown_python3_support_counts_as_none():
    assert score(100, NOW, None, NOW) == score(100, NOW, False, NOW) == 70


def test_the_total_is_truncated_toward_zero_not_floored():
    assert score(7, ago(months=3), True, NOW) == 6  # 6.3
    assert score(3, ago(months=33), True, NOW) == 0  # -0.3 is 0, not -1
    assert score(3, ago(months=36), True, NOW) == 0  # -0.6 too
    assert score(7, ago(months=36), True, NOW) == -1  # -1.4


def test_a_future_commit_is_no_time_not_a_bonus():
    """Upstream's relativedelta gives negative months here, and 140; pkgtui keeps 100."""
    assert score(100, NOW.replace(year=2027), True, NOW) == 100


def test_missing_or_negative_stars_are_zero():
    assert score(None, NOW, True, NOW) == 0
    assert score(-50, NOW, False, NOW) == 0


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (datetime(2026, 1, 31), datetime(2026, 2, 28), 1),  # 31 Jan + 1 month is 28 Feb
        (datetime(2026, 1, 31, 12), datetime(2026, 2, 28, 11), 0),
        (datetime(2026, 3, 1), datetime(2026, 5, 31), 2),
        (datetime(2026, 3, 1), datetime(2026, 6, 1), 3),
        (datetime(2024, 2, 29), datetime(2025, 2, 28), 12),
        (datetime(2024, 2, 29), datetime(2025, 2, 27, 23), 11),
        (datetime(2020, 5, 15), datetime(2026, 5, 15), 72),
        (datetime(2026, 5, 15), datetime(2020, 5, 15), 0),
        (datetime(2026, 5, 15), datetime(2026, 5, 15), 0),
    ],
)
def test_whole_months_are_counted_as_relativedelta_counts_them(start, end, months):
    assert whole_months_between(start, end) == months


def test_offsets_are_compared_in_utc():
    start = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    end = datetime(2026, 2, 1, 1, 0, tzinfo=UTC) - timedelta(hours=1)  # 31 Jan, 00:00 UTC
    assert whole_months_between(start, end) == 0
    plus_two = end.astimezone(timezone(timedelta(hours=2)))  # 1 Feb locally
    assert whole_months_between(start, plus_two) == 0
