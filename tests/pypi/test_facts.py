"""Parsing PyPI's JSON into PyPIFacts: the fields, their precedence, hostile and odd values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from packaging.specifiers import SpecifierSet

from pkgtui.api.errors import BadResponse
from pkgtui.api.pypi import (
    MAX_CLASSIFIERS,
    PyPIFacts,
    _admits_any,
    parse_facts,
    supports_python3,
)
from tests.pypi.data import DJANGO_OTP_CLASSIFIERS, project_json


def facts_with(**changes) -> PyPIFacts:
    return parse_facts(project_json(**changes), requested="django-otp")


def test_a_real_shaped_answer_gives_every_fact():
    facts = parse_facts(project_json(), requested="django-otp", etag='"abc123"', last_modified="Wed, 09 Apr")
    assert facts.name == "django-otp"
    assert facts.version == "1.6.0"
    assert facts.released == datetime(2025, 4, 9, 16, 10, 37, 418234, tzinfo=UTC)
    assert facts.release_count == 4
    assert [r.version for r in facts.releases] == ["1.0.0", "1.3.0", "1.5.4", "1.6.0"]
    assert facts.license == "BSD License"  # "license" is "" and no expression: the classifier
    assert facts.requires_python == ">=3.9"
    assert facts.python_versions == ("3.9", "3.10", "3.11", "3.12", "3.13")
    assert facts.django_versions == ("4.2", "5.0", "5.1", "5.2")
    assert facts.development_status == 5
    assert facts.development_status_label == "Production/Stable"
    assert facts.yanked is False and facts.yanked_reason is None
    assert facts.supports_python3 is True
    assert (facts.etag, facts.last_modified) == ('"abc123"', "Wed, 09 Apr")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "not a JSON object"),
        ("Not Found", "not a JSON object"),
        ({"message": "Not Found"}, "no project info"),
        ({"info": None, "releases": {}}, "no project info"),
        ({"info": {"name": "x"}, "releases": []}, "no releases"),
        ({"info": {"name": "x"}}, "no releases"),
        ({"info": ["name"], "releases": {}}, "no project info"),
    ],
)
def test_an_answer_not_of_pypis_shape_is_a_bad_response(data, words):
    with pytest.raises(BadResponse, match=words):
        parse_facts(data)


def test_odd_fields_are_left_out_one_by_one_not_the_whole_answer():
    data = project_json()
    data["info"].update(
        name=None, version=12, classifiers="Framework :: Django :: 5.2", requires_python=["3"], yanked="yes"
    )
    data["urls"] = "none"
    data["releases"]["1.3.0"] = {"not": "a list"}
    data["releases"]["1.5.4"][0] = "not a file"
    facts = parse_facts(data, requested="django-otp")
    assert facts.name == "django-otp"  # the name asked for
    assert facts.version is None and facts.released is None
    assert facts.django_versions == () and facts.requires_python is None
    assert facts.yanked is False  # only true is true
    assert facts.release_count == 4
    dated = {r.version: r.uploaded for r in facts.releases}
    assert dated["1.3.0"] is None and dated["1.5.4"] is not None


# -- licence -------------------------------------------------------------------------------


def test_license_expression_comes_first():
    assert facts_with(license_expression="MIT OR Apache-2.0", license="BSD").license == "MIT OR Apache-2.0"


def test_a_short_legacy_license_comes_before_the_classifier():
    assert facts_with(license="BSD-3-Clause").license == "BSD-3-Clause"
    assert facts_with(license_expression="", license=" MIT \n").license == "MIT"


BSD_TEXT = """Copyright (c) 2011-2025, Peter Sagerson
All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are permitted
provided that the following conditions are met:
"""


@pytest.mark.parametrize(
    "legacy",
    [
        BSD_TEXT,  # a whole licence text
        "Permission is hereby granted, free of charge, to any person obtaining a copy",
        "UNKNOWN",
        "none",
        "",
        None,
        "\n\n\n",
    ],
)
def test_a_legacy_license_that_is_text_or_says_nothing_gives_way_to_the_classifier(legacy):
    assert facts_with(license=legacy).license == "BSD License"


def test_a_licence_texts_first_line_counts_when_it_is_a_name():
    assert facts_with(license="MIT License\n\nPermission is hereby granted...").license == "MIT License"


def test_no_licence_anywhere_is_none():
    classifiers = [c for c in DJANGO_OTP_CLASSIFIERS if not c.startswith("License")]
    assert facts_with(license="UNKNOWN", classifiers=classifiers).license is None
    assert facts_with(license=None, classifiers=["License :: OSI Approved"]).license is None


def test_a_licence_is_cleaned_and_bounded():
    facts = facts_with(license_expression="MIT\x1b]8;;https://evil.test\x07 OR " + "X" * 500)
    assert facts.license is not None
    assert "\x1b" not in facts.license and "\x07" not in facts.license
    assert facts.license.startswith("MIT OR ") and len(facts.license) <= 100


# -- classifiers -----------------------------------------------------------------------------


def test_declared_versions_are_sorted_numerically_and_once():
    classifiers = [
        "Framework :: Django :: 5.0",
        "Framework :: Django :: 4.10",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 4.2",
        "Programming Language :: Python :: 3.10",
        "Programming Language :: Python :: 3.9",
    ]
    facts = facts_with(classifiers=classifiers)
    assert facts.django_versions == ("4.2", "4.10", "5.0")
    assert facts.python_versions == ("3.9", "3.10")


@pytest.mark.parametrize(
    ("classifier", "django"),
    [
        ("Framework :: Django :: 5.2 ", ("5.2",)),  # trailing space
        ("Framework  ::  Django  ::  5.2", ("5.2",)),
        ("Framework :: Django :: 10.0", ("10.0",)),
        (":: ::", ()),
        ("::", ()),
        ("Framework :: Django", ()),
        ("Framework :: Django ::", ()),
        ("Framework :: Django :: 5", ()),
        ("Framework :: Django :: 5.2.1", ()),
        ("Framework :: Django :: 5.x", ()),
        ("Framework :: Django :: ５.２", ()),  # fullwidth digits: int() would take them
        ("Framework :: Django :: 5.2\x1b[31m", ()),  # escape sequence: dropped, not cleaned
        ("Framework :: Django :: 5.2\x00", ()),
        ("Framework :: Django :: \u202e2.5", ()),  # bidi override
        ("Framework :: Django CMS :: 4.1", ()),  # another framework
        ("Framework :: Django :: 5.2 :: Extra", ()),
        ("framework :: django :: 5.2", ()),  # trove is case-sensitive
        ("Framework :: Django :: 5.2" + " " * 300, ()),  # longer than any real classifier
    ],
)
def test_odd_and_hostile_django_classifiers(classifier, django):
    assert facts_with(classifiers=[classifier]).django_versions == django


def test_a_classifier_with_an_escape_sequence_is_dropped_not_shown():
    hostile = "License :: OSI Approved :: MIT\x1b]8;;https://evil.test\x07 License"
    facts = facts_with(license="", classifiers=[hostile, "Development Status :: 4 - Beta"])
    assert facts.license is None
    assert facts.development_status == 4  # the rest are still read


def test_non_strings_among_classifiers_are_skipped():
    facts = facts_with(classifiers=[None, 5.2, ["Framework :: Django :: 5.2"], "Framework :: Django :: 4.2"])
    assert facts.django_versions == ("4.2",)


def test_ten_thousand_classifiers_are_read_only_up_to_the_bound():
    filler = [f"Topic :: Filler :: {i}" for i in range(10_000)]
    filler[10] = "Framework :: Django :: 5.2"
    filler[MAX_CLASSIFIERS + 10] = "Framework :: Django :: 6.0"  # past the bound: not looked at
    facts = facts_with(classifiers=filler)
    assert facts.django_versions == ("5.2",)


def test_python_major_and_implementation_classifiers_are_not_versions():
    classifiers = [
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: Implementation :: CPython",
        "Programming Language :: Python :: 3.13",
    ]
    assert facts_with(classifiers=classifiers).python_versions == ("3.13",)


@pytest.mark.parametrize(
    ("classifiers", "status"),
    [
        (["Development Status :: 4 - Beta", "Development Status :: 5 - Production/Stable"], 4),
        (["Development Status :: 7 - Inactive"], 7),
        (["Development Status :: 5 - Production/Stable "], 5),
        (["Development Status :: 9 - Hyperstable"], None),
        (["Development Status :: 5 - Mature"], None),  # number and label disagree
        (["Development Status :: 5 - Production/Stable\x1b[2J"], None),
        ([], None),
    ],
)
def test_development_status(classifiers, status):
    assert facts_with(classifiers=classifiers).development_status == status


# -- releases and yanking --------------------------------------------------------------------


def test_releases_are_counted_and_dated_for_a_history_plot():
    releases = {
        "0.1": None,
        "1.0": "2021-01-05T10:00:00",
        "0.9": "2020-03-01T10:00:00",
        "2.0": "2024-02-01T10:00:00",
    }
    facts = facts_with(version="2.0", releases=releases)
    assert facts.release_count == 4  # a version without files counts
    assert [r.version for r in facts.releases] == ["0.9", "1.0", "2.0", "0.1"]  # fileless last
    assert facts.release_dates == (
        datetime(2020, 3, 1, 10, 0, 0, 418234, tzinfo=UTC),
        datetime(2021, 1, 5, 10, 0, 0, 418234, tzinfo=UTC),
        datetime(2024, 2, 1, 10, 0, 0, 418234, tzinfo=UTC),
    )


def test_the_latest_release_may_be_older_than_the_last_upload():
    releases = {"4.2.20": "2025-03-06T14:00:00", "5.1": "2024-08-07T14:00:00"}
    facts = facts_with(version="5.1", releases=releases)
    assert facts.released == datetime(2024, 8, 7, 14, 0, 0, 418234, tzinfo=UTC)
    assert facts.last_release == datetime(2025, 3, 6, 14, 0, 0, 418234, tzinfo=UTC)


def test_the_release_date_falls_back_to_the_releases_entry_without_urls():
    data = project_json()
    data["urls"] = []
    assert parse_facts(data).released == datetime(2025, 4, 9, 16, 10, 37, 418234, tzinfo=UTC)


def test_a_yanked_latest_release_says_so_with_its_reason_cleaned():
    facts = facts_with(
        yanked=True, yanked_reason="broken \x1b[5mupload\x1b[0m", yanked_versions=frozenset({"1.6.0"})
    )
    assert facts.yanked is True
    assert facts.yanked_reason == "broken upload"
    assert [r.version for r in facts.releases if r.yanked] == ["1.6.0"]


def test_a_yanked_reason_without_yanking_is_not_kept():
    assert facts_with(yanked=False, yanked_reason="stale").yanked_reason is None


def test_strings_are_cleaned_of_escapes_and_controls():
    data = project_json(name="django-otp\x1b]0;pwned\x07", version="1.6.0\r\n\x1b[2J")
    facts = parse_facts(data)
    assert facts.name == "django-otp"
    assert facts.version == "1.6.0"


# -- Python 3, by upstream's rule ----------------------------------------------------------


@pytest.mark.parametrize(
    "specifier",
    [
        ">=3.8",
        ">=3.8, <4",
        ">=3.8,<4.0",
        "~=3.9",
        "~=3.9.1",
        "==3.*",
        "!=3.0.*, !=3.1.*, >=2.7",
        ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*",
        "<3",
        "<3.0",
        "==2.7",
        ">2.7",
        "<=3.0",
        ">3.14",
        ">=3.15",
        "==3.8",
        "!=3.8",
        ">=3.8,<3.8",
        "<3.0, >=2.6",
        "===3.9",
    ],
)
def test_the_requires_python_reader_agrees_with_packaging(specifier):
    probes = [f"3.{minor}" for minor in range(15)]
    expected = any(SpecifierSet(specifier).contains(v, prereleases=True) for v in probes)
    assert _admits_any(specifier, [(3, minor) for minor in range(15)]) is expected


@pytest.mark.parametrize(
    ("requires_python", "classifiers", "expected"),
    [
        (">=3.8", [], True),
        ("<3", ["Programming Language :: Python :: 3"], False),  # Requires-Python wins
        ("not a specifier", ["Programming Language :: Python :: 3.12"], True),  # falls back
        ("not a specifier", [], None),
        (None, ["Programming Language :: Python :: 3 :: Only"], True),
        (None, ["Programming Language :: Python :: 2.7"], None),
        ("", [], None),
        (">=3.8.0b1", [], None),  # a pre-release in the specifier: not read, no classifier
    ],
)
def test_supports_python3(requires_python, classifiers, expected):
    assert supports_python3(requires_python, classifiers) is expected
