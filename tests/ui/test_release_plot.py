"""The release-history plot's periods, labels and title, and the PyPI lines, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from pkgtui.api.pypi import PyPIFacts
from pkgtui.widgets.pypi_facts import NONE_DECLARED, pypi_lines, versions_text
from pkgtui.widgets.release_plot import MAX_YEARS, label_ticks, release_bins, release_title

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def test_an_old_project_is_counted_per_year_up_to_the_current_year():
    labels, counts, unit = release_bins([at(2019), at(2019, 9), at(2021), at(2025, 12)], NOW)
    assert unit == "year"
    assert labels == ["2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"]
    assert counts == [2, 0, 1, 0, 0, 0, 1, 0]


def test_a_young_project_is_counted_per_quarter():
    labels, counts, unit = release_bins([at(2025, 2), at(2025, 3, 30), at(2025, 11), at(2026, 1)], NOW)
    assert unit == "quarter"
    assert labels == ["Q1 25", "Q2 25", "Q3 25", "Q4 25", "Q1 26"]
    assert counts == [2, 0, 0, 1, 1]


def test_a_long_history_draws_the_last_years_and_the_title_says_how_many_are_shown():
    dates = [at(year) for year in range(1995, 2027)]
    labels, counts, _ = release_bins(dates, NOW)
    assert len(labels) == MAX_YEARS and labels[-1] == "2026" and sum(counts) == MAX_YEARS
    assert (
        release_title(len(dates), sum(counts), "year") == f"32 releases on PyPI, per year ({MAX_YEARS} shown)"
    )
    assert release_title(1, 1, "quarter") == "1 release on PyPI, per quarter"


def test_a_release_after_the_clock_extends_the_bars_to_it():
    labels, counts, _ = release_bins([at(2020), at(2027, 2)], NOW)
    assert labels[-1] == "2027" and counts[-1] == 1


def test_no_dates_no_bars():
    assert release_bins([], NOW) == ([], [], "year")


def test_labels_count_back_from_the_newest():
    assert label_ticks(10, 3) == [1, 5, 9]  # at most 3, the newest among them
    assert label_ticks(4, 10) == [0, 1, 2, 3]
    assert label_ticks(5, 0) == [4]


def test_pypi_lines_without_classifiers_say_none_declared():
    lines = [line.plain for line in pypi_lines(PyPIFacts(name="x", version="1.0"), None, NOW)]
    assert lines == [
        "PyPI          x 1.0",
        "Released      – · 0 releases",
        "License       –",
        f"Django        {NONE_DECLARED}",
        f"Python        {NONE_DECLARED}",
        "Status        –",
    ]


def test_pypi_lines_show_runs_with_gaps_and_a_yanked_latest_release():
    facts = PyPIFacts(
        name="x",
        version="2.0",
        released=at(2026, 2, 1),
        release_count=1,
        django_versions=("3.2", "4.2", "5.0", "5.1", "5.2", "6.0"),
        python_versions=("3.12", "3.10", "3.11"),
        yanked=True,
    )
    lines = [line.plain for line in pypi_lines(facts, None, NOW)]
    assert lines[0] == "PyPI          x 2.0  yanked"
    assert lines[1] == "Released      2026-02-01 (28 d ago) · 1 release"
    assert lines[3] == "Django        3.2, 4.2–6.0"
    assert lines[4] == "Python        3.10–3.12"


def test_pypi_lines_without_facts_name_the_project_unless_asking():
    assert (
        pypi_lines(None, "not on PyPI", NOW, name="django-x")[0].plain
        == "PyPI          django-x: not on PyPI"
    )
    line = pypi_lines(None, None, NOW, name="django-x", pending="asking PyPI for django-x…")[0]
    assert line.plain == "PyPI          asking PyPI for django-x…"


def test_many_gaps_become_one_span():
    declared = tuple(f"{major}.{minor}" for major in range(1, 40) for minor in (0, 2))
    assert versions_text(declared, "django") == "1.0–39.2 (with gaps)"
    assert versions_text(("4.2", "5.0"), "django") == "4.2–5.0"
    assert versions_text((), "python") == NONE_DECLARED
