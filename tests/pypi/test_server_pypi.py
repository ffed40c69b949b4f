"""PyPI facts against the real local server (tests/server.py's ``/pypi/<name>/json``, in
PyPI's shape) misbehaving on purpose: each fault is that row's reason, nothing bad is kept,
and facts kept from before are never replaced by a failure."""

from __future__ import annotations

import asyncio
import json

import pytest

from pkgtui.api.demo import DemoPyPI
from pkgtui.api.errors import BadResponse, NotFound, ServerError
from pkgtui.api.pypi import fetch_facts, open_pypi_client
from pkgtui.facts import NOT_ON_PYPI, facts_for, stored_rows
from pkgtui.store import Store
from tests.pypi.conftest import members
from tests.server import (
    LocalAPI,
    huge_pypi_body,
    invalid_json,
    pypi_info_as_list,
    pypi_without_releases,
    reshaped,
    status,
    truncated,
)

OTP = r"^/pypi/django-otp/json"


def fetch(store: Store, server: LocalAPI, *, max_age: float = 3600):
    return asyncio.run(
        facts_for(store, members(store), base_url=server.pypi_url, max_age=max_age, offline=False)
    )


def expected_version(name: str) -> str:
    return json.loads(DemoPyPI().body(name) or b"")["info"]["version"]


def test_the_server_answers_in_pypis_shape_with_validators(local_api):
    async def go():
        http = open_pypi_client()
        try:
            response = await http.get(f"{local_api.pypi_url}django-otp/json")
            again = await http.get(
                f"{local_api.pypi_url}django-otp/json", headers={"If-None-Match": response.headers["etag"]}
            )
            missing = await http.get(f"{local_api.pypi_url}not-a-project-here/json")
            return response, again, missing
        finally:
            await http.aclose()

    response, again, missing = asyncio.run(go())
    data = response.json()
    assert set(data) == {"info", "last_serial", "releases", "urls", "vulnerabilities"}
    assert data["info"]["name"] == "django-otp" and data["urls"][0]["packagetype"] == "sdist"
    assert again.status_code == 304 and again.content == b""
    assert missing.status_code == 404 and missing.json() == {"message": "Not Found"}


def test_facts_from_the_server_are_kept_and_fresh_ones_are_not_asked_again(store, local_api):
    rows = fetch(store, local_api)
    by_name = {row.pypi_name: row for row in rows}
    assert by_name["django-otp"].facts is not None
    assert by_name["django-otp"].facts.version == expected_version("django-otp")
    assert all(row.facts is not None for row in rows), [row.problem for row in rows]
    asked = [path for path in local_api.log.paths if path.startswith("/pypi/")]
    assert sorted(asked) == sorted(f"/pypi/{row.pypi_name}/json" for row in rows)
    local_api.log.clear()
    fetch(store, local_api)
    assert local_api.log.paths == []  # all fresh in the store: no request


def test_a_revalidation_gets_304_and_keeps_the_facts(store, local_api):
    fetch(store, local_api)
    local_api.log.clear()
    rows = fetch(store, local_api, max_age=0)  # everything stale: asked again, conditionally
    assert len(local_api.log.paths) == len(rows)
    assert all(row.facts is not None and row.problem is None for row in rows)


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (status(404), NOT_ON_PYPI),
        (status(503), "503"),
        (huge_pypi_body(), "larger than 8 MB"),
        (reshaped(pypi_info_as_list), "no project info"),
        (reshaped(pypi_without_releases), "no project info or no releases"),
        (invalid_json(), "malformed JSON"),
        (truncated(), "lost"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.kind,
)
def test_a_fault_on_refresh_keeps_the_good_facts_and_is_that_rows_reason(store, local_api, action, words):
    fetch(store, local_api)
    good = {row.pypi_name: row.facts for row in stored_rows(store, members(store))}
    local_api.faults.add(action, path=OTP)
    rows = {row.pypi_name: row for row in fetch(store, local_api, max_age=0)}
    otp = rows["django-otp"]
    assert otp.facts == good["django-otp"]  # not replaced, not emptied
    assert otp.problem is not None and words in otp.problem
    assert all(row.problem is None for name, row in rows.items() if name != "django-otp")
    kept = {row.pypi_name: row for row in stored_rows(store, members(store))}
    assert kept["django-otp"].facts == good["django-otp"] and words in (kept["django-otp"].problem or "")


@pytest.mark.parametrize(
    "action",
    [status(404), status(500), huge_pypi_body(), reshaped(pypi_info_as_list), invalid_json()],
    ids=lambda action: action.kind,
)
def test_a_fault_on_the_first_fetch_keeps_nothing_but_the_reason(store, local_api, action):
    local_api.faults.add(action, path=OTP)
    fetch(store, local_api)
    kept = store.pypi_facts(["django-otp"])
    assert "django-otp" in kept and kept["django-otp"].facts is None and kept["django-otp"].error


def test_fetch_facts_raises_the_faults_kind(local_api):
    async def one(action):
        rule = local_api.faults.add(action, path=OTP)
        http = open_pypi_client()
        try:
            await fetch_facts(http, "django-otp", base_url=local_api.pypi_url, retries=0)
        finally:
            await http.aclose()
            local_api.faults.remove(rule)

    for action, kind in [
        (status(404), NotFound),
        (status(502), ServerError),
        (huge_pypi_body(), BadResponse),
        (reshaped(pypi_without_releases), BadResponse),
    ]:
        with pytest.raises(kind):
            asyncio.run(one(action))
