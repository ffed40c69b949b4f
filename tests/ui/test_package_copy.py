"""The package screen's `p`: `pip install <PyPI name>` to the clipboard and on screen; PyPI
links point at https://pypi.org/project/<name>/ whatever legacy form the API sends."""

from __future__ import annotations

import copy

import pytest

from pkgtui.api import Package
from pkgtui.api.demo import DemoAPI, sample_packages
from pkgtui.screens.package import PackageScreen
from pkgtui.target import StartTarget

from .conftest import settle
from .scripted import scripted_app

OTP = StartTarget("package", "django-otp")


def otp_with_pypi_url(url: object) -> DemoAPI:
    packages = [copy.deepcopy(p) for p in sample_packages()]
    for package in packages:
        if package["slug"] == "django-otp":
            package["pypi_url"] = url
    return DemoAPI(packages=packages)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://pypi.python.org/pypi/django-otp", "https://pypi.org/project/django-otp/"),
        ("https://pypi.org/project/Django_Two.Factor/", "https://pypi.org/project/Django_Two.Factor/"),
        ("https://pypi.python.org/pypi/x/1.0", "https://pypi.org/project/x/"),
        ("http://pypi.python.org/pypi/[red]x", None),
        ("http://pypi.python.org/pypi/", None),
        (None, None),
    ],
)
def test_pypi_project_url(url, expected):
    assert Package(id=1, title="t", slug="t", pypi_url=url).pypi_project_url == expected


async def test_p_copies_pip_install_and_shows_it(monkeypatch):
    app, _ = scripted_app(OTP, otp_with_pypi_url("http://pypi.python.org/pypi/Django-OTP"))
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        assert isinstance(app.screen, PackageScreen)
        await pilot.press("p")
        assert copied == ["pip install Django-OTP"]
        assert any(n.message == "pip install Django-OTP" for n in app._notifications)


async def test_p_without_a_pypi_project_copies_nothing(monkeypatch):
    app, _ = scripted_app(OTP, otp_with_pypi_url("javascript:alert(1)"))
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await settle(pilot)
        await pilot.press("p")
        assert copied == []
        assert any("no PyPI project" in n.message for n in app._notifications)
