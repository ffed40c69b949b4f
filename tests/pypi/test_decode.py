"""decode_answer: a well-shaped PyPI answer decoded with only the fields parse_facts reads,
anything else through json.loads as before. Whichever way, the facts (or the error) must be
exactly what json.loads and parse_facts gave: same values, same leniency, same refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pkgtui.api.demo import pypi_project_json, sample_pypi_projects
from pkgtui.api.errors import BadResponse
from pkgtui.api.pypi import decode_answer, parse_facts

from .data import project_json


def outcome(decode: Any, body: bytes) -> object:
    """What the fetch would make of ``body``: facts, or the kind of refusal."""
    try:
        data = decode(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "malformed JSON"
    try:
        return parse_facts(data, requested="x", etag='"e"', last_modified=None)
    except BadResponse as error:
        return f"BadResponse: {error.message}"


def changed(path: tuple[Any, ...], value: object) -> bytes:
    """project_json() with the value at ``path`` replaced."""
    data = project_json(
        license="MIT",
        license_expression="BSD-3-Clause",
        yanked=True,
        yanked_reason="broken",
        yanked_versions=frozenset({"1.0.0"}),
    )
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data).encode()


WELL_SHAPED = [
    json.dumps(project_json()).encode(),
    json.dumps(project_json(releases={"1.0": None, "2.0": "2024-01-01T00:00:00"})).encode(),
    json.dumps(
        project_json(yanked=True, yanked_reason="oops", yanked_versions=frozenset({"1.6.0"}))
    ).encode(),
    *(json.dumps(pypi_project_json(entry)).encode() for entry in sample_pypi_projects().values()),
]

ODD = [
    changed(("info", "classifiers"), "Framework :: Django :: 5.2"),  # not a list: ()
    changed(("info", "classifiers"), ["Framework :: Django :: 5.2", 7, None, "\x1b[31mx"]),
    changed(("info", "version"), 1.6),
    changed(("info", "name"), {"a": 1}),
    changed(("info", "license"), ["MIT"]),
    changed(("info", "yanked"), "true"),  # not True: not yanked
    changed(("info", "requires_python"), ">=3.8, <4"),
    changed(("releases", "1.0.0"), "not files"),  # a release's files not a list
    changed(("releases", "1.0.0"), [1, "x", None]),  # files not objects
    changed(("releases", "1.0.0", 0, "upload_time_iso_8601"), 12),
    changed(("releases", "1.0.0", 0, "yanked"), 1),
    changed(("urls",), "none"),
    changed(("urls",), None),
    changed(("urls", 0), []),
    changed(("info",), []),  # not an object: BadResponse
    changed(("releases",), []),
    changed(("info", "description"), "[" * 50),
    changed(("info", "description"), float("nan")),  # NaN: json.loads takes it, msgspec does not
    changed(("last_serial",), 10**40),
    b'{"info": {"name": "a", "name": "b", "version": "1", "version": "2"}, "releases": {"1": [], "1": []}}',
    b'{"releases": {}, "info": {"name": "late info"}}',
    b'{"info": {"name": "x"}}',  # no releases
    b'{"info": {"description": "' + b"\xff\xfe" + b'"}, "releases": {}}',  # not UTF-8 in a field skipped
    b'{"info": {"description": "a\x01b"}, "releases": {}}',  # a raw control character
    b'{"info": {"d": ' + b"[" * 100_000 + b"]" * 100_000 + b"}, " + b'"releases": {}}',  # too deep
    b'\xef\xbb\xbf{"info": {}, "releases": {}}',  # a BOM
    json.dumps(project_json()).encode("utf-16"),  # json.loads reads UTF-16
    b'{"info": {}, "releases": {}} trailing',
    b"",
    b"null",
    b'"django-otp"',
]


@pytest.mark.parametrize("body", WELL_SHAPED + ODD, ids=lambda body: repr(body[:40]))
def test_the_facts_are_those_json_loads_gave(body):
    fast = outcome(decode_answer, body)
    assert fast == outcome(json.loads, body)


def test_refusals_stay_refusals():
    refused = [body for body in ODD if isinstance(outcome(json.loads, body), str)]
    assert len(refused) >= 8
    assert all(isinstance(outcome(decode_answer, body), str) for body in refused)


@pytest.mark.parametrize("body", WELL_SHAPED, ids=lambda body: repr(body[:40]))
def test_a_well_shaped_answer_skips_what_is_not_read(body):
    # The fields parse_facts never reads (the description, files' URLs and digests) are not
    # built: the point of the decoder (bench busy, 300-release answers).
    data = decode_answer(body)
    assert isinstance(data, dict)
    assert "description" not in data["info"]
    files = [file for files in data["releases"].values() for file in files]
    assert files and all(set(file) == {"upload_time_iso_8601", "upload_time", "yanked"} for file in files)


def test_a_long_history_is_decoded_whole():
    data = project_json(
        releases={f"0.{n}": f"2020-01-{1 + n % 28:02d}T00:00:00" for n in range(300)}, version="0.299"
    )
    body = json.dumps(data).encode()
    facts = outcome(decode_answer, body)
    assert facts == outcome(json.loads, body)
    assert not isinstance(facts, str) and facts.release_count == 300 and len(facts.releases) == 300
