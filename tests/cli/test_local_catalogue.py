"""The print commands read the synced catalogue (0 requests), fall back to the API for what
it lacks, and with --offline never touch the network; bad hits are skipped and counted."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import httpx
import pytest

from pkgtui import completion
from pkgtui.api import open_client
from pkgtui.api.errors import NoConnection
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from pkgtui.sync_command import run as run_sync
from tests.cli.conftest import run_lookup
from tests.server import LocalAPI, as_list, reshaped


def synced(server: LocalAPI) -> None:
    """``pkgtui sync --api-url`` against the test server (usage counts come from its v3)."""
    args = build_parser().parse_args(["sync", "--api-url", server.url])
    out, err = io.StringIO(), io.StringIO()
    assert run_sync(args, load_config(api_url=server.url, env={}), stdout=out, stderr=err) == EXIT_OK, err
    server.log.clear()


def usage_of(server: LocalAPI, slug: str) -> int:
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        package = store.package(slug)
        assert package is not None
        count = store.usage_count(package.id)
    assert count is not None
    return count


@pytest.fixture
def server():
    with LocalAPI() as local:
        yield local


def test_show_from_the_store_makes_no_request_and_shows_users(server):
    synced(server)
    stored = run_lookup(["show", "django-otp", "--api-url", server.url])
    assert stored.code == EXIT_OK and stored.err == ""
    assert server.log.paths == []
    users = usage_of(server, "django-otp")
    assert f"Users         {users:,}" in stored.out.splitlines()
    # --refresh asks the API, and prints the same summary (the API v4 object has no users)
    asked = run_lookup(["show", "django-otp", "--api-url", server.url, "--refresh"])
    assert server.log.paths != []
    assert asked.out.splitlines() == [
        line for line in stored.out.splitlines() if not line.startswith("Users")
    ]
    as_json = json.loads(run_lookup(["show", "django-otp", "--json", "--api-url", server.url]).out)
    assert as_json["derived"]["usage_count"] == users and as_json["package"]["slug"] == "django-otp"


def test_without_a_store_show_asks_the_api_and_has_no_users_line(server):
    result = run_lookup(["show", "django-otp", "--api-url", server.url])
    assert result.code == EXIT_OK and server.log.paths != []
    assert not any(line.startswith("Users") for line in result.out.splitlines())


def test_find_searches_the_whole_catalogue_without_requests(server):
    synced(server)
    everything = json.loads(run_lookup(["find", "django", "--json", "--api-url", server.url]).out)
    limited = json.loads(
        run_lookup(["find", "django", "--json", "--limit", "3", "--api-url", server.url]).out
    )
    assert server.log.paths == []
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        expected = [package.slug for package in store.search("django")]
    assert len(expected) > 20  # past the API's cap
    assert everything["source"] == "catalogue" and everything["capped"] is False
    assert [hit["slug"] for hit in everything["results"]] == expected
    assert [hit["slug"] for hit in limited["results"]] == expected[:3]
    table = run_lookup(["find", "two factor", "--api-url", server.url])
    assert table.code == EXIT_OK and "django-otp" in table.out.lower()
    assert server.log.paths == []


def test_grid_from_the_store_has_a_users_column_and_makes_no_request(server):
    synced(server)
    plain = run_lookup(["grid", "7", "--plain", "--api-url", server.url])
    rows = list(csv.reader(io.StringIO(run_lookup(["grid", "7", "--csv", "--api-url", server.url]).out)))
    data = json.loads(run_lookup(["grid", "7", "--json", "--api-url", server.url]).out)
    assert server.log.paths == []
    assert plain.code == EXIT_OK and "Users" in plain.out.splitlines()[2]
    users = rows[0].index("users")
    assert rows[0][users - 1 :] == [
        "participants",
        "users",
        "weekly_commits",
        "score",
        "django_versions",
        "python_versions",
    ]
    by_slug = {entry["slug"]: entry for entry in data["packages"]}
    otp = by_slug["django-otp"]
    assert otp["users"] == usage_of(server, "django-otp")
    assert [row[users] for row in rows[1:]] == [str(entry["users"]) for entry in data["packages"]]


def test_grid_scores_count_the_python_3_support_the_store_keeps(server):
    # No facts kept: unknown support costs 30 % of the stars (upstream's rule). Facts kept
    # that say Python 3: no such penalty, as on the grid screen. No request either way.
    from pkgtui.api.pypi import PyPIFacts
    from pkgtui.facts import pypi_name_of
    from pkgtui.scores import score
    from tests.conftest import FIXED_NOW

    synced(server)
    before = {
        e["slug"]: e["score"]
        for e in json.loads(run_lookup(["grid", "7", "--json", "--api-url", server.url]).out)["packages"]
    }
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        otp = store.package("django-otp")
        assert otp is not None
        name = pypi_name_of(otp)
        assert name is not None
        store.put_pypi_facts([(name, PyPIFacts(name="django-otp", supports_python3=True), None)])
    after = {
        e["slug"]: e["score"]
        for e in json.loads(run_lookup(["grid", "7", "--json", "--api-url", server.url]).out)["packages"]
    }
    assert server.log.paths == []
    assert before["django-otp"] == score(otp.stars, otp.last_updated, None, FIXED_NOW)
    assert after["django-otp"] == score(otp.stars, otp.last_updated, True, FIXED_NOW) > before["django-otp"]
    assert {slug: score for slug, score in after.items() if slug != "django-otp"} == {
        slug: score for slug, score in before.items() if slug != "django-otp"
    }


def _grid_outputs(server: LocalAPI):
    """``grid 7`` as --plain (200 columns wide), --csv rows and --json packages by slug."""
    url = ["--api-url", server.url]
    plain = run_lookup(["grid", "7", "--plain", *url], env={"COLUMNS": "200"})
    rows = list(csv.reader(io.StringIO(run_lookup(["grid", "7", "--csv", *url]).out)))
    data = json.loads(run_lookup(["grid", "7", "--json", *url]).out)
    return plain, rows, {entry["slug"]: entry for entry in data["packages"]}


def test_grid_prints_the_django_and_python_versions_the_store_keeps(server):
    """As the grid screen's Django and Python columns: from the PyPI facts kept, no request;
    a member with none kept is unknown ("?", null, an empty cell), not "none declared"."""
    from pkgtui.api.pypi import PyPIFacts
    from pkgtui.comparison import versions_text
    from pkgtui.facts import pypi_name_of

    synced(server)
    plain, rows, by_slug = _grid_outputs(server)
    header = plain.out.splitlines()[2]
    assert "Django" not in header and "Python" not in header  # nothing kept: no columns of "?"
    assert {entry["django_versions"] for entry in by_slug.values()} == {None}
    django, python = rows[0].index("django_versions"), rows[0].index("python_versions")
    assert {(row[django], row[python]) for row in rows[1:]} == {("", "")}

    facts = PyPIFacts(
        name="django-otp", django_versions=("4.2", "5.1", "5.2"), python_versions=("3.12", "3.13")
    )
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        otp = store.package("django-otp")
        assert otp is not None and pypi_name_of(otp)
        store.put_pypi_facts([(pypi_name_of(otp), facts, None)])
    plain, rows, by_slug = _grid_outputs(server)
    assert server.log.paths == []
    header, _, *table = [re.split(r"\s{2,}", line.strip()) for line in plain.out.splitlines()[2:]]
    assert header[-4:] == ["Score", "Django", "Python", "Users"]
    cells = {row[0]: dict(zip(header, row, strict=True)) for row in table}
    assert (cells["django-otp"]["Django"], cells["django-otp"]["Python"]) == ("4.2, 5.1–5.2", "3.12–3.13")
    assert cells["django-otp"]["Django"] == versions_text(facts.django_versions)  # the grid screen's text
    others = [row for name, row in cells.items() if name != "django-otp"]
    assert len(others) == 3 and all((row["Django"], row["Python"]) == ("?", "?") for row in others)
    assert "Django and Python known for 1 of 4 packages" in plain.err
    assert by_slug["django-otp"]["django_versions"] == ["4.2", "5.1", "5.2"]
    assert by_slug["django-otp"]["python_versions"] == ["3.12", "3.13"]
    assert [e["django_versions"] for slug, e in by_slug.items() if slug != "django-otp"] == [None] * 3
    otp_csv = next(row for row in rows[1:] if row[1] == "django-otp")
    assert (otp_csv[django], otp_csv[python]) == ("4.2 5.1 5.2", "3.12 3.13")


def test_grid_leaves_python_out_early_and_django_after_the_score(server):
    """README's order for a narrow terminal: Python goes right after Activity and Participants,
    Django only once Score has gone; the columns left out are always the first of the order."""
    from pkgtui.api.pypi import PyPIFacts
    from pkgtui.facts import pypi_name_of

    synced(server)
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        members = [store.package(slug) for slug in ("django-otp", "django-two-factor-auth")]
        names = [pypi_name_of(p) for p in members if p is not None]
        store.put_pypi_facts(
            [
                (n, PyPIFacts(name=n, django_versions=("5.2",), python_versions=("3.13",)), None)
                for n in names
                if n
            ]
        )
    order = [
        "Activity (52 wk)",
        "Participants",
        "Python",
        "Forks",
        "Users",
        "Commits (52 wk)",
        "Score",
        "Django",
        "Version",
        "Last commit",
        "Stars",
    ]
    dropped_at = set()
    for width in range(50, 201, 5):
        result = run_lookup(["grid", "7", "--plain", "--api-url", server.url], env={"COLUMNS": str(width)})
        header = re.split(r"\s{2,}", result.out.splitlines()[2].strip())
        dropped = [label for label in order if label not in header]
        assert dropped == order[: len(dropped)], (width, header)  # always the first ones of the order
        dropped_at.add(len(dropped))
    assert {0, 2, 3, 7, 8} <= dropped_at  # every stage that matters here was reached
    assert server.log.paths == []


def test_offline_with_nothing_synced_is_one_line_and_no_request(server):
    for argv in (["show", "django-otp"], ["find", "auth"], ["grid", "7", "--plain"]):
        result = run_lookup([*argv, "--offline", "--api-url", server.url])
        assert (result.code, result.out) == (EXIT_USAGE, "")
        assert result.err.count("\n") == 1
        assert result.err.endswith("no local catalogue yet; run pkgtui sync or drop --offline\n")
    assert server.log.paths == []


def test_offline_serves_the_store_says_its_age_and_names_what_is_missing(server):
    synced(server)
    server.stop()  # nothing to answer now, and offline nothing is asked
    found = run_lookup(["show", "django-otp", "--offline", "--api-url", server.url])
    assert found.code == EXIT_OK and found.out.startswith("django-otp")
    assert found.err == "pkgtui: offline: the local catalogue, synced just now\n"
    missing = run_lookup(["show", "no-such-package", "--offline", "--api-url", server.url])
    assert (missing.code, missing.out) == (EXIT_NOT_FOUND, "")
    assert missing.err.splitlines()[-1] == (
        "pkgtui show: package 'no-such-package': not in the local catalogue (synced just now); "
        "run pkgtui sync or drop --offline"
    )
    # --refresh cannot ask the API offline: the store answers
    refreshed = run_lookup(["grid", "7", "--plain", "--offline", "--refresh", "--api-url", server.url])
    assert refreshed.code == EXIT_OK


def test_offline_client_refuses_at_once_without_touching_the_server(server, tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text("offline = true\n")
    config = load_config(api_url=server.url, env={"PKGTUI_CONFIG": str(config_file)})
    assert config.offline
    client = config.open_client()

    async def ask() -> None:
        try:
            with pytest.raises(NoConnection, match="offline"):
                await client.get_json("categories/")
        finally:
            await client.aclose()

    asyncio.run(ask())
    assert server.log.paths == []
    assert client.retries > 0  # retries were allowed, yet none was made (the log is empty)


def search_answer(results: list[object]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json={"results": results}))


def test_find_skips_a_bad_hit_and_counts_it():
    good = {"item_type": "package", "title": "Good one", "slug": "good-one", "repo_watchers": 3}
    client = open_client(
        "http://api.test/api/v4/", transport=search_answer([good, 1, "two", None]), backoff=0.0
    )
    result = run_lookup(["find", "good", "--json"], client=client)
    assert result.code == EXIT_OK
    assert json.loads(result.out)["results"] == [good]
    assert result.err.count("\n") == 1 and "3 search results skipped (bad data" in result.err


def test_grid_skips_a_member_of_the_wrong_shape_and_counts_it(server):
    member = "/api/v4/packages/1867/"
    server.faults.add(reshaped(as_list), path=member)
    data = json.loads(run_lookup(["grid", "7", "--json", "--api-url", server.url, "--no-cache"]).out)
    result = run_lookup(["grid", "7", "--plain", "--api-url", server.url, "--no-cache"])
    assert result.code == EXIT_OK
    assert "1 skipped (bad data)" in result.err
    assert 1867 not in [entry["id"] for entry in data["packages"]] and data["packages"]


def test_completion_lists_stored_slugs_and_nothing_without_a_store(server):
    env = {"PKGTUI_API_URL": server.url}
    assert completion.catalogue_slugs("package", env) == []
    assert not catalogue_file(load_config(api_url=server.url, env={})).exists()  # not created
    synced(server)
    with Store(catalogue_file(load_config(api_url=server.url, env={}))) as store:
        packages = {package.slug for package in store.top_packages(1000)}
        grids = {grid.slug for grid in store.grids()}
    assert set(completion.catalogue_slugs("package", env)) == packages and "django-otp" in packages
    assert set(completion.catalogue_slugs("grid", env)) == grids
    assert completion.catalogue_slugs("package", env, limit=5) == [
        package.slug
        for package in Store(catalogue_file(load_config(api_url=server.url, env={}))).top_packages(5)
    ]
    assert server.log.paths == []


def test_sync_offline_is_a_usage_error_without_a_request(server):
    args = build_parser().parse_args(["sync", "--offline", "--api-url", server.url])
    err = io.StringIO()
    config = load_config(api_url=server.url, offline=True, env={})
    assert run_sync(args, config, stdout=io.StringIO(), stderr=err) == EXIT_USAGE
    assert err.getvalue().count("\n") == 1 and "needs the network" in err.getvalue()
    assert server.log.paths == []
