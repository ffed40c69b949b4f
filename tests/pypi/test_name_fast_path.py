"""pkgtui.facts.pypi_name_of reads the usual pypi_url shape without urlsplit (a category names
thousands of packages before its first frame): it must name the same project as
api.pypi.project_name for every URL, usual or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pkgtui.api.models import Package
from pkgtui.api.pypi import project_name
from pkgtui.facts import pypi_name_of

DEMO_PACKAGES = Path(__file__).resolve().parents[2] / "src" / "pkgtui" / "api" / "demo_data" / "packages"


def with_url(url: object) -> Package:
    return Package.from_api({"id": 1, "title": "x", "slug": "x", "pypi_url": url})


URLS = [
    "http://pypi.python.org/pypi/django-otp",
    "http://pypi.python.org/pypi/django-otp/",
    "https://pypi.org/project/Django_Tagging/",
    "https://www.pypi.org/project/django.otp",
    "https://pypi.org/simple/django-otp/",
    "https://pypi.org/project/Django/5.2/",
    "https://PyPI.org/project/django-otp/",
    "https://pypi.org/project/django-otp/?x=1",
    "https://pypi.org/project/-bad/",
    "https://pypi.org/project/bad-/",
    "https://pypi.org/project/",
    "https://pypi.org.evil.example/project/django-otp/",
    "https://evil.example/pypi.org/project/django-otp/",
    "ftp://pypi.org/project/django-otp/",
    "https://pypi.org/project/django%2Dotp/",
    "https://pypi.org/project/djángo/",
    "https://pypi.org/project/django-otp/\x1b[31m",
    "django-otp",
    "",
    None,
    42,
]


@pytest.mark.parametrize("url", URLS)
def test_the_fast_path_names_what_project_name_names(url):
    package = with_url(url)  # as the model keeps it (it may coerce or drop odd values)
    assert pypi_name_of(package) == project_name(package.pypi_url).normalized


def test_every_demo_package_is_named_the_same_either_way():
    urls = []
    for page in sorted(DEMO_PACKAGES.glob("*.json")):
        urls.append(json.loads(page.read_text()).get("pypi_url"))
    assert len(urls) > 50
    for url in urls:
        package = with_url(url)
        assert pypi_name_of(package) == project_name(package.pypi_url).normalized, url
