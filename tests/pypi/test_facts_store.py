"""``pkgtui.facts``: PyPI facts store first, fetched progressively into the store, a failure
never replacing good facts; and the settings that point at PyPI or turn it off."""

from __future__ import annotations

import asyncio

import pytest

from pkgtui.config import load_config
from pkgtui.facts import NO_PYPI_NAME, NOT_ON_PYPI, facts_for, fetch_into_store, stale_names, stored_rows
from tests.pypi.conftest import members
from tests.readiness.test_readiness_command import ANSWERS, PYPI, FakePyPI


def test_rows_from_the_store_ask_nothing_then_fill_in_as_results_arrive(store):
    pypi = FakePyPI(dict(ANSWERS))
    packages = members(store)
    before = stored_rows(store, packages)
    assert all(row.facts is None for row in before) and pypi.requests == []
    seen = []
    asyncio.run(
        fetch_into_store(
            store,
            stale_names(store, packages, 3600),
            base_url=PYPI,
            transport=pypi.transport(),
            on_result=seen.append,
        )
    )
    assert sorted(result.name for result in seen) == sorted(ANSWERS)
    after = {row.pypi_name: row for row in stored_rows(store, packages)}
    assert after["django-otp"].facts is not None and after["django-otp"].facts.version == "1.7.0"
    assert after["django-twostepauth"].facts is None and after["django-twostepauth"].problem
    # Fresh facts (and nothing else) are not asked for again; the 500 is.
    assert stale_names(store, packages, 3600) == ["django-twostepauth"]


def test_a_failed_refresh_keeps_the_good_facts_and_says_why(store):
    packages = members(store)
    asyncio.run(
        facts_for(
            store,
            packages,
            base_url=PYPI,
            max_age=3600,
            offline=False,
            transport=FakePyPI(dict(ANSWERS)).transport(),
        )
    )
    broken = FakePyPI({name: 503 for name in ANSWERS})
    rows = asyncio.run(
        facts_for(store, packages, base_url=PYPI, max_age=0, offline=False, transport=broken.transport())
    )
    otp = next(row for row in rows if row.pypi_name == "django-otp")
    assert otp.facts is not None and otp.facts.version == "1.7.0"
    print(otp.problem)
    assert otp.problem is not None and "503" in otp.problem
    assert broken.requests  # it did ask


def test_offline_asks_nothing_and_not_on_pypi_is_kept_as_an_answer(store):
    packages = members(store)
    quiet = FakePyPI(dict(ANSWERS))
    rows = asyncio.run(
        facts_for(store, packages, base_url=PYPI, max_age=3600, offline=True, transport=quiet.transport())
    )
    assert quiet.requests == [] and all(row.facts is None for row in rows)
    missing = FakePyPI({})  # every project: 404
    asyncio.run(
        facts_for(store, packages, base_url=PYPI, max_age=3600, offline=False, transport=missing.transport())
    )
    assert {row.problem for row in stored_rows(store, packages)} <= {NOT_ON_PYPI, NO_PYPI_NAME}
    assert stale_names(store, packages, 3600) == []


def test_pypi_settings_from_the_file_and_the_environment(tmp_path):
    config_file = tmp_path / "config.toml"
    config_file.write_text('pypi = false\npypi_url = "https://mirror.example/pypi/"\n')
    config = load_config(env={"PKGTUI_CONFIG": str(config_file)})
    assert config.pypi_url == "https://mirror.example/pypi/" and not config.pypi_allowed
    assert (
        load_config(env={"PKGTUI_PYPI_URL": "http://127.0.0.1:9/pypi/"}).pypi_url
        == "http://127.0.0.1:9/pypi/"
    )
    with pytest.raises(ValueError, match="PKGTUI_PYPI_URL"):
        load_config(env={"PKGTUI_PYPI_URL": "javascript:alert(1)"})
    assert not load_config(offline=True, env={}).pypi_allowed and load_config(env={}).pypi_allowed


def test_a_tables_read_of_kept_facts_is_the_whole_read_without_the_release_list(store):
    # Tables (grid, category) read kept facts without their releases: every other field the
    # same, hostile strings too; the release count still counts them.
    from datetime import UTC, datetime

    import msgspec

    from pkgtui.api.pypi import PyPIFacts, Release

    asyncio.run(
        fetch_into_store(store, list(ANSWERS), base_url=PYPI, transport=FakePyPI(dict(ANSWERS)).transport())
    )
    hostile = PyPIFacts(
        name="[b]x[/b]\x1b[31m",
        version="1.0",
        released=datetime(2026, 1, 2, tzinfo=UTC),
        release_count=2,
        releases=(Release("0.9", datetime(2025, 1, 2, tzinfo=UTC)), Release("1.0", None, True)),
        license="[link=javascript:x]MIT[/link]",
        python_versions=("3.12",),
        django_versions=("5.2",),
        development_status=5,
        supports_python3=True,
        etag='"abc"',
    )
    store.put_pypi_facts([("hostile", hostile, None)])
    names = [*ANSWERS, "hostile"]
    whole, table = store.pypi_facts(names), store.pypi_facts(names, releases=False)
    assert whole.keys() == table.keys() and "hostile" in whole
    assert any(kept.facts is not None and kept.facts.releases for kept in whole.values())
    for name, kept in whole.items():
        light = table[name]
        assert (light.error, light.fetched_at) == (kept.error, kept.fetched_at)
        if kept.facts is None:
            assert light.facts is None
            continue
        assert light.facts is not None and light.facts.releases == ()
        assert light.facts == msgspec.structs.replace(kept.facts, releases=())
        assert light.facts.release_count == kept.facts.release_count
    assert table["hostile"].facts == msgspec.structs.replace(hostile, releases=())
