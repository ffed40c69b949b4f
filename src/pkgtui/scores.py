"""djangopackages.org's package score, computed the way upstream computes it.

Upstream: djangopackages/djangopackages, ``package/scores.py``, function ``_calculate_score``
(the score column of ``templates/partials/grid_comparison_table.html``). Its rule, exactly:

- start from the stars (``repo_watchers``);
- less a tenth of the stars for every whole three months since the last commit, where the
  months are whole calendar months (``relativedelta(now, last_commit)``: years × 12 + months,
  so 1 March → 31 May is 2 months, → 1 June is 3); the penalty has no cap, so after 30 months
  the score is 0 and it goes on falling;
- a package with no last commit date loses one tenth (one quarter's penalty, although its
  comment there says "maximum penalty");
- less 30 % of the stars, at most 1,000, unless the package supports Python 3 (unknown
  counts as not: upstream's ``supports_python3`` is nullable and tested for truth);
- the total is truncated toward zero (``int()``), then floored at -500.

One deliberate difference: a last commit in the future (clock skew, or hostile data) counts as
no time at all. Upstream's ``relativedelta`` then gives negative months, and the penalty turns
into a bonus.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

SCORE_FLOOR = -500
PYTHON2_PENALTY_CAP = 1000


def whole_months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end``, as dateutil's
    ``relativedelta(end, start)`` counts them (``years * 12 + months``); 0 when ``end`` is
    not after ``start``. Naive datetimes are taken as UTC."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # relativedelta steps back while start + months overshoots end; adding months keeps the
    # day of the month, cut to the month's last day (31 January + 1 month = 28/29 February).
    while months > 0 and _add_months(start, months) > end:
        months -= 1
    return months


def score(
    stars: int | None, last_commit: datetime | None, supports_python3: bool | None, now: datetime
) -> int:
    """The package's score by upstream's rule (see the module's docstring)."""
    stars = max(0, stars or 0)
    if last_commit is not None:
        quarters = whole_months_between(last_commit, now) // 3
        age_penalty = quarters * stars / 10
    else:
        age_penalty = stars / 10
    python_penalty = 0 if supports_python3 else min(stars * 30 / 100, PYTHON2_PENALTY_CAP)
    return max(SCORE_FLOOR, int(stars - age_penalty - python_penalty))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
