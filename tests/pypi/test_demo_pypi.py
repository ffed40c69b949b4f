"""The demo's PyPI: shipped, made-up facts for the demo's packages, served in PyPI's shape by
an in-process transport, so ``--demo`` exercises the whole facts path with no network."""

from __future__ import annotations

import asyncio
import io
import json

import httpx

from pkgtui.api.demo import DEMO_PYPI_URL, DemoAPI, DemoPyPI, sample_packages, sample_pypi_projects
from pkgtui.api.pypi import fetch_facts, open_pypi_client, parse_facts, project_name
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_OK
from pkgtui.facts import NOT_ON_PYPI, stored_rows
from pkgtui.readiness_command import run
from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from tests.store.conftest import sync_from


def test_every_demo_answer_is_pypi_shaped_and_parses():
    pypi = DemoPyPI()
    assert len(pypi.projects) >= 50
    for name in pypi.projects:
        body = pypi.body(name)
        assert body is not None
        data = json.loads(body)
        assert set(data) == {"info", "last_serial", "releases", "urls", "vulnerabilities"}
        assert data["info"]["version"] in data["releases"]
        facts = parse_facts(data, requested=name)
        assert facts.version == data["info"]["version"] and facts.released is not None
        assert facts.license, name  # every demo entry names a licence, one way or another
        assert facts.development_status is not None


def test_the_demo_has_each_kind_of_answer_a_readiness_list_shows():
    projects = sample_pypi_projects()
    django = [parse_facts(json.loads(DemoPyPI().body(name) or b"")).django_versions for name in projects]
    assert any("5.2" in versions for versions in django)
    assert any(versions and "5.2" not in versions for versions in django)
    assert any(not versions for versions in django)  # declares no Django release
    # Packages whose PyPI project the demo does not have get PyPI's 404, as on PyPI.
    names = {project_name(p.get("pypi_url")).normalized for p in sample_packages()} - {None}
    assert names - set(DemoPyPI().projects)


def test_the_transport_answers_like_pypi_404_and_304_included():
    async def go() -> tuple[int, int, int, str | None]:
        http = open_pypi_client(transport=DemoPyPI().transport())
        try:
            first = await http.get(f"{DEMO_PYPI_URL}django-otp/json")
            again = await http.get(
                f"{DEMO_PYPI_URL}django-otp/json", headers={"If-None-Match": first.headers["etag"]}
            )
            missing = await http.get(f"{DEMO_PYPI_URL}no-such-project-anywhere/json")
            facts = await fetch_facts(http, "Django_OTP", base_url=DEMO_PYPI_URL)  # PEP 503's spelling
        finally:
            await http.aclose()
        return first.status_code, again.status_code, missing.status_code, facts.version

    assert asyncio.run(go()) == (200, 304, 404, "1.7.0")


def test_demo_config_allows_pypi_through_its_own_transport():
    config = load_config(demo=True, env={})
    base_url, transport = config.pypi_source()
    assert (
        config.pypi_facts_allowed and base_url == DEMO_PYPI_URL and isinstance(transport, httpx.MockTransport)
    )
    # Code that asks the network's PyPI (pypi_url) never does so in the demo.
    assert not config.pypi_allowed
    assert not load_config(demo=True, offline=True, env={}).pypi_facts_allowed
    plain = load_config(env={})
    assert plain.pypi_allowed and plain.pypi_facts_allowed
    assert plain.pypi_source() == ("https://pypi.org/pypi/", None)


def test_readiness_in_the_demo_gets_facts_with_no_transport_given():
    config = load_config(demo=True, env={})
    asyncio.run(sync_from(DemoAPI(), catalogue_file(config)))
    args = build_parser().parse_args(["readiness", "5.2", "--demo", "--json"])
    out, err = io.StringIO(), io.StringIO()
    assert run(args, config, stdout=out, stderr=err, env={}) == EXIT_OK, err.getvalue()
    report = json.loads(out.getvalue())
    assert report["counts"]["supports"] > 0 and report["counts"]["older_only"] > 0
    with Store(catalogue_file(config)) as store:
        rows = stored_rows(store, store.top_packages(50))
        everything = stored_rows(store, store.top_packages(1000))
    assert sum(row.facts is not None for row in rows) >= 30
    assert not any(row.problem == NOT_ON_PYPI for row in everything)  # only the top 50 were asked for
    args = build_parser().parse_args(["readiness", "5.2", "--demo", "--top", "1000"])
    assert run(args, config, stdout=io.StringIO(), stderr=err, env={}) == EXIT_OK
    with Store(catalogue_file(config)) as store:
        assert any(row.problem == NOT_ON_PYPI for row in stored_rows(store, store.top_packages(1000)))
