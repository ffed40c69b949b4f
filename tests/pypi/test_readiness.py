"""Readiness: who declares a Django or Python release, with counts, and the range column."""

from __future__ import annotations

import pytest

from pkgtui.api.pypi import PyPIFacts, parse_facts
from pkgtui.readiness import Readiness, classify, format_range, format_span, readiness
from tests.pypi.data import project_json


def facts(*classifiers: str) -> PyPIFacts:
    return parse_facts(project_json(classifiers=list(classifiers)))


def django(*versions: str) -> PyPIFacts:
    return facts(*(f"Framework :: Django :: {v}" for v in versions))


@pytest.mark.parametrize(
    ("versions", "release", "status"),
    [
        (["4.2", "5.0", "5.1", "5.2"], "5.2", Readiness.SUPPORTS),
        (["4.2", "5.2", "6.0"], "5.2", Readiness.SUPPORTS),
        (["3.2", "4.0", "4.1"], "5.2", Readiness.OLDER_ONLY),
        (["4.2", "5.1", "6.0"], "5.2", Readiness.SKIPS),  # a gap where 5.2 should be
        (["6.0"], "5.2", Readiness.SKIPS),
        ([], "5.2", Readiness.SILENT),
        (["4.10"], "4.9", Readiness.SKIPS),  # 4.10 is after 4.9, not before
        (["4.9"], "4.10", Readiness.OLDER_ONLY),
        (["5.2"], " 5.2 ", Readiness.SUPPORTS),
        (["５.２", "5", "x"], "5.2", Readiness.SILENT),  # nothing of the MAJOR.MINOR shape
    ],
)
def test_classify(versions, release, status):
    assert classify(versions, release) is status


@pytest.mark.parametrize("release", ["5", "5.2.1", "five", "", "５.２", "5.2; drop table"])
def test_a_release_that_is_not_major_minor_is_refused(release):
    with pytest.raises(ValueError, match="MAJOR.MINOR"):
        classify(["5.2"], release)
    with pytest.raises(ValueError, match="MAJOR.MINOR"):
        readiness([], release)


def test_a_report_classifies_each_package_in_order_and_counts_every_class():
    packages = [
        ("django-otp", django("4.2", "5.0", "5.1", "5.2")),
        ("django-old", django("2.2", "3.2")),
        ("django-gap", django("4.2", "6.0")),
        ("django-quiet", facts("Framework :: Django", "Programming Language :: Python :: 3.12")),
        ("not-on-pypi", None),
        (
            "django-hostile",
            facts("Framework :: Django :: 5.2\x1b[0m", "Framework :: Django :: ５.２", ":: ::"),
        ),
        ("django-new", django("5.2", "6.0")),
    ]
    report = readiness(packages, "5.2")
    assert [status for _, status in report.rows] == [
        Readiness.SUPPORTS,
        Readiness.OLDER_ONLY,
        Readiness.SKIPS,
        Readiness.SILENT,
        Readiness.SILENT,
        Readiness.SILENT,
        Readiness.SUPPORTS,
    ]
    assert report.counts == {
        Readiness.SUPPORTS: 2,
        Readiness.OLDER_ONLY: 1,
        Readiness.SKIPS: 1,
        Readiness.SILENT: 3,
    }
    assert report.having(Readiness.SUPPORTS) == ["django-otp", "django-new"]
    assert (report.product, report.release) == ("django", "5.2")


def test_python_readiness_reads_the_python_classifiers():
    packages = [
        ("new", facts("Programming Language :: Python :: 3.12", "Programming Language :: Python :: 3.13")),
        ("old", facts("Programming Language :: Python :: 3.8", "Programming Language :: Python :: 3.9")),
        (
            "vague",
            facts("Programming Language :: Python :: 3", "Programming Language :: Python :: 3 :: Only"),
        ),
        ("django-only", django("5.2")),
    ]
    report = readiness(packages, "3.13", product="python")
    assert [status for _, status in report.rows] == [
        Readiness.SUPPORTS,
        Readiness.OLDER_ONLY,
        Readiness.SILENT,
        Readiness.SILENT,
    ]
    assert report.counts[Readiness.SKIPS] == 0  # zeros are there too


def test_an_empty_report_counts_zero_everywhere():
    assert readiness([], "6.0").counts == dict.fromkeys(Readiness, 0)


@pytest.mark.parametrize(
    ("versions", "text"),
    [
        (["4.2", "5.0", "5.1", "5.2", "6.0"], "4.2–6.0"),  # 4.2 → 5.0 and 5.2 → 6.0 are next releases
        (["5.2", "4.2", "6.0", "5.1", "5.0"], "4.2–6.0"),  # any order in
        (["3.2", "4.2", "5.0", "5.1", "5.2"], "3.2, 4.2–5.2"),  # 4.0 and 4.1 missing
        (["4.2", "5.2"], "4.2, 5.2"),
        (["1.11", "2.0", "2.1", "2.2"], "1.11–2.2"),  # 1.x ran to 1.11
        (["1.8", "1.9", "1.10", "1.11"], "1.8–1.11"),  # 1.10 after 1.9, not after 1.1
        (["1.2", "1.10"], "1.2, 1.10"),
        (["5.2"], "5.2"),
        (["5.2", "5.2"], "5.2"),
        ([], ""),
        (["x", "5", "５.２"], ""),
        (["10.0", "9.2"], "9.2–10.0"),
    ],
)
def test_django_ranges(versions, text):
    assert format_range(versions) == text


@pytest.mark.parametrize(
    ("versions", "text"),
    [
        (["3.9", "3.10", "3.11", "3.12", "3.13"], "3.9–3.13"),
        (["3.13", "3.9", "3.10", "3.12", "3.11"], "3.9–3.13"),
        (["2.7", "3.0", "3.1"], "2.7–3.1"),  # 2.7 was the last 2.x
        (["2.7", "3.8", "3.9"], "2.7, 3.8–3.9"),
        (["3.8", "3.10"], "3.8, 3.10"),
    ],
)
def test_python_ranges(versions, text):
    assert format_range(versions, "python") == text


def test_a_span_is_lowest_to_highest_gaps_or_not():
    assert format_span(["3.2", "4.2", "5.2", "4.10"]) == "3.2–5.2"
    assert format_span(["5.2"]) == "5.2"
    assert format_span([]) == ""


def test_the_range_of_real_facts():
    assert format_range(django("4.2", "5.0", "5.1", "5.2").django_versions) == "4.2–5.2"
    assert format_range(parse_facts(project_json()).python_versions, "python") == "3.9–3.13"


def test_the_django_filter_key_steps_from_the_newest_to_the_oldest_then_off():
    from pkgtui.readiness import newest_first, next_filter

    versions = newest_first(["4.2", "5.2", "4.2", "6.0", "junk"])
    assert versions == ["6.0", "5.2", "4.2", "junk"]
    steps, current = [], None
    for _ in range(5):
        current = next_filter(current, versions)
        steps.append(current)
    assert steps == ["6.0", "5.2", "4.2", "junk", None]
    assert next_filter("3.2", ["5.2"]) == "5.2" and next_filter(None, []) is None


def test_the_python_column_runs_python_releases_together():
    from pkgtui.comparison import versions_text

    # Python 3.2 is followed by 3.3 (not by 4.0, as Django's 3.2 is).
    assert versions_text(["3.2", "3.3"], 9, "python") == "3.2–3.3"
    assert versions_text(["3.2", "4.0"]) == "3.2–4.0"
