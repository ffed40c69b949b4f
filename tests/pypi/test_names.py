"""The PyPI project named by API v4's ``pypi_url``, and the URL its facts are fetched from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pkgtui.api.models import Package
from pkgtui.api.pypi import facts_url, normalize_name, project_name
from pkgtui.facts import pypi_name_of

DEMO_PACKAGES = Path(__file__).resolve().parents[2] / "src" / "pkgtui" / "api" / "demo_data" / "packages"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://pypi.python.org/pypi/django-otp", "django-otp"),
        ("http://pypi.python.org/pypi/django-otp/", "django-otp"),
        ("https://pypi.python.org/pypi/django-otp", "django-otp"),
        ("https://pypi.org/project/django-otp/", "django-otp"),
        ("https://pypi.org/project/django-otp", "django-otp"),
        ("https://pypi.org/project/Django/5.2/", "Django"),  # a version after the name
        ("https://www.pypi.org/project/django_otp/", "django_otp"),
        ("https://PyPI.org/project/django-otp/#history", "django-otp"),
        ("https://pypi.org/project/django-otp/?x=1", "django-otp"),
        ("  https://pypi.org/project/django-otp/  ", "django-otp"),
        ("pypi.org/project/django-otp/", "django-otp"),
        ("https://pypi.org/simple/django-otp/", "django-otp"),
        ("django-otp", "django-otp"),  # upstream's field is a "PyPI slug": a bare name counts
        ("zope.interface", "zope.interface"),
    ],
)
def test_the_name_comes_from_every_shape_of_pypi_url(url, name):
    assert project_name(url).name == name


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "no PyPI URL"),
        ("   ", "no PyPI URL"),
        (None, "no PyPI URL"),
        (42, "not text"),
        ("https://github.com/django-otp/django-otp", "not a PyPI address: github.com"),
        ("https://pypi.org.evil.test/project/x/", "not a PyPI address"),
        ("https://evil.test/pypi.org/project/x/", "not a PyPI address"),
        ("https://test.pypi.org/project/x/", "not a PyPI address"),
        ("https://www.pypi.python.org/pypi/x/", "not a PyPI address"),
        ("https://pypi.org@evil.test/project/x/", "not a PyPI address"),
        ("ftp://pypi.org/project/x/", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("https://pypi.org/", "no project name"),
        ("https://pypi.org/search/?q=otp", "no project name"),
        ("https://pypi.org/project/../../admin/", "not valid"),
        ("https://pypi.org/project/%2e%2e/", "not valid"),
        ("https://pypi.org/project/-bad-/", "not valid"),
        ("https://pypi.org/project/djangо-otp/", "not valid"),  # Cyrillic о
        ("https://pypi.org/project/x\x1b[2J/", "control characters"),
        ("not a name!", "not a PyPI project name"),
        ("https://[::1/project/x", "not a URL"),
    ],
)
def test_no_name_says_why(url, reason):
    result = project_name(url)
    assert result.name is None
    assert result.normalized is None
    assert reason in result.reason
    # facts.pypi_name_of's fast path for plain URLs refuses the same ones.
    if isinstance(url, str):
        assert pypi_name_of(Package(id=1, title="x", slug="x", pypi_url=url)) is None


def test_the_name_is_the_urls_not_the_slugs():
    """Slug ``django-tagging__maintained`` in the sample data is project ``django-tagging``."""
    data = json.loads((DEMO_PACKAGES / "2943.json").read_text())
    assert data["slug"] == "django-tagging__maintained"
    assert project_name(data["pypi_url"]).name == "django-tagging"


def test_every_sample_packages_pypi_url_gives_a_name_or_a_reason():
    for path in DEMO_PACKAGES.glob("*.json"):
        data = json.loads(path.read_text())
        result = project_name(data.get("pypi_url"))
        assert (result.name is None) == bool(result.reason), path.name
        if data.get("pypi_url"):
            assert result.name, path.name


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Django", "django"),
        ("django_otp", "django-otp"),
        ("Zope.Interface", "zope-interface"),
        ("a-_.b", "a-b"),
    ],
)
def test_pep_503_normalisation(name, normal):
    assert normalize_name(name) == normal
    assert project_name(f"https://pypi.org/project/{name}/").normalized == normal


def test_facts_url_uses_the_normal_form_and_refuses_what_is_not_a_name():
    assert facts_url("Django_Tagging") == "https://pypi.org/pypi/django-tagging/json"
    assert facts_url("x", "http://127.0.0.1:9/pypi") == "http://127.0.0.1:9/pypi/x/json"
    for bad in ("../admin", "a/b", "", "x y", "x?y=1"):
        with pytest.raises(ValueError, match="not a PyPI project name"):
            facts_url(bad)
    with pytest.raises(ValueError, match="http"):
        facts_url("x", "file:///etc/")
