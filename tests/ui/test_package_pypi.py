"""The package screen's PyPI facts: from the store at the first frame with no request, fetched
in the background when stale and redrawn in place, `r` fetching again, failures in words."""

from __future__ import annotations

import copy

from textual.widgets import Static

from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.facts import NO_PYPI_NAME
from pkgtui.target import StartTarget
from pkgtui.widgets.release_plot import ReleasePlot

from .conftest import settle
from .pypi_app import FakePyPI, keep_facts, otp_json, pypi_app
from .scripted import plain

DAY = 24 * 3600.0


def pypi_text(app) -> str:
    return plain(app.screen.query_one("#package-pypi", Static).render())


def pypi_values(app) -> dict[str, str]:
    return {line[:14].strip(): line[14:].strip() for line in pypi_text(app).splitlines()}


async def test_fresh_facts_are_shown_from_the_store_with_no_request(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json(version="9.9.9")})  # would differ, if asked
    app, _, store = pypi_app(tmp_path, pypi)
    keep_facts(store, otp_json())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        values = pypi_values(app)
        assert values["PyPI"] == "django-otp 1.7.0"
        assert values["Released"] == "2026-01-07 (1 mo ago) · 10 releases"
        assert values["License"] == "BSD-3-Clause"
        assert values["Django"] == "4.2–5.2"
        assert values["Python"] == "3.9–3.13  requires >=3.9"
        assert values["Status"] == "Production/Stable"
        assert "Last fetch" not in values
        # PyPI's version, not also djangopackages' copy of it.
        assert plain(app.screen.query_one("#package-fields", Static).render()).startswith("Category")
        plot = app.screen.query_one(ReleasePlot)
        assert plot.display
        labels, counts, unit = plot.bins
        assert (unit, labels[0], labels[-1], sum(counts)) == ("year", "2020", "2026", 10)
        assert pypi.requests == []


async def test_stale_facts_are_shown_at_once_then_refreshed_in_place(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json(version="1.8.0")})
    gate = pypi.hold("django-otp")
    app, _, store = pypi_app(tmp_path, pypi)
    keep_facts(store, otp_json(), age=30 * DAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert pypi_values(app)["PyPI"] == "django-otp 1.7.0"  # the kept facts, while PyPI is asked
        assert pypi.requests == ["django-otp"]
        gate.set()
        await settle(pilot)
        assert pypi_values(app)["PyPI"] == "django-otp 1.8.0"
        assert pypi.requests == ["django-otp"]
    assert store.pypi_facts(["django-otp"])["django-otp"].facts.version == "1.8.0"


async def test_with_nothing_kept_the_screen_says_it_is_asking_then_shows_the_facts(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json()})
    gate = pypi.hold("django-otp")
    app, _, _ = pypi_app(tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert pypi_text(app) == "PyPI          asking PyPI for django-otp…"
        assert not app.screen.query_one(ReleasePlot).display
        gate.set()
        await settle(pilot)
        assert pypi_values(app)["Django"] == "4.2–5.2"
        assert app.screen.query_one(ReleasePlot).display


async def test_r_fetches_fresh_facts_again(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json(version="1.8.0", yanked=True, yanked_reason="broken wheel")})
    app, _, store = pypi_app(tmp_path, pypi)
    keep_facts(store, otp_json())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi.requests == []
        await pilot.press("r")
        await settle(pilot)
        assert pypi.requests == ["django-otp"]
        assert pypi_values(app)["PyPI"] == "django-otp 1.8.0  yanked: broken wheel"


async def test_a_project_pypi_does_not_know_says_so(tmp_path):
    pypi = FakePyPI({})
    app, _, _ = pypi_app(tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi_text(app) == "PyPI          django-otp: not on PyPI"
        fields = plain(app.screen.query_one("#package-fields", Static).render())
        assert fields.startswith("Version       1.7.0")  # djangopackages' copy, the only one
        assert not app.screen.query_one(ReleasePlot).display


async def test_a_failed_fetch_says_why(tmp_path):
    pypi = FakePyPI({"django-otp": 503})
    app, _, _ = pypi_app(tmp_path, pypi, timeout=2.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = pypi_text(app)
        assert text.startswith("PyPI          django-otp: ") and "503" in text, text


async def test_a_failed_refresh_keeps_the_facts_and_says_why_under_them(tmp_path):
    pypi = FakePyPI({"django-otp": 503})
    app, _, store = pypi_app(tmp_path, pypi)
    keep_facts(store, otp_json(), age=30 * DAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        values = pypi_values(app)
        assert values["PyPI"] == "django-otp 1.7.0"
        assert values["Last fetch"].startswith("failed: ") and "503" in values["Last fetch"]
        assert values["Last fetch"].endswith("(kept facts shown)")


async def test_a_package_without_a_pypi_url_says_so_and_asks_nothing(tmp_path):
    packages = [copy.deepcopy(p) for p in sample_packages() if p["slug"] == "django-otp"]
    packages[0]["pypi_url"] = ""
    pypi = FakePyPI({"django-otp": otp_json()})
    app, _, _ = pypi_app(tmp_path, pypi, api=DemoAPI(packages=packages))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi_text(app) == f"PyPI          {NO_PYPI_NAME}"
        assert pypi.requests == []


async def test_pypi_turned_off_says_so_and_kept_facts_still_show(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json(version="9.9.9")})
    app, _, _ = pypi_app(tmp_path, pypi, use_pypi=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi_text(app) == "PyPI          django-otp: none kept (PyPI turned off: pypi = false)"
    app, _, store = pypi_app(tmp_path, pypi, use_pypi=False)
    keep_facts(store, otp_json(), age=365 * DAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi_values(app)["PyPI"] == "django-otp 1.7.0"
    assert pypi.requests == []


async def test_without_a_store_the_lines_say_why(tmp_path):
    pypi = FakePyPI({"django-otp": otp_json()})
    app, _, _ = pypi_app(tmp_path, pypi, with_store=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "the local catalogue is off" in pypi_text(app)
    assert pypi.requests == []


async def test_pypi_strings_are_shown_literally(tmp_path):
    hostile = otp_json(
        license_expression=None, license="[bold red]MIT[/] \x1b[31m", version="[link=x]1[/link]"
    )
    pypi = FakePyPI({"django-otp": hostile})
    app, _, _ = pypi_app(tmp_path, pypi)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        values = pypi_values(app)
        assert values["License"] == "[bold red]MIT[/]"
        assert values["PyPI"] == "django-otp [link=x]1[/link]"
        assert "\x1b" not in pypi_text(app)


async def test_another_package_s_pypi_name_is_the_one_asked_for(tmp_path):
    packages = [copy.deepcopy(p) for p in sample_packages() if p["slug"] == "django-otp"]
    packages[0]["slug"] = "django-otp__maintained"
    packages[0]["pypi_url"] = "http://pypi.python.org/pypi/Django_OTP"
    pypi = FakePyPI({"django-otp": otp_json()})
    app, _, _ = pypi_app(
        tmp_path,
        pypi,
        api=DemoAPI(packages=packages),
        target=StartTarget("package", "django-otp__maintained"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pypi_values(app)["PyPI"] == "django-otp 1.7.0"
    assert pypi.requests == ["django-otp"]


async def test_from_a_synced_catalogue_the_first_frame_has_the_facts_with_no_request(tmp_path):
    from .test_home_store import _synced_store

    store = await _synced_store(tmp_path)
    keep_facts(store, otp_json())
    pypi = FakePyPI({"django-otp": otp_json(version="9.9.9")})
    app, transport, _ = pypi_app(tmp_path, pypi, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.shown_from_store
        assert pypi_values(app)["PyPI"] == "django-otp 1.7.0"
        assert app.screen.query_one(ReleasePlot).display
        await settle(pilot)
        assert transport.started == [] and pypi.requests == []
