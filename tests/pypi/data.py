"""PyPI JSON API answers (``GET /pypi/<project>/json``) in PyPI's real shape, built here.

The shape follows warehouse's ``docs/dev/api-reference/json.rst`` and real answers: an
``info`` object describing the latest release (every key PyPI sends, most of them unused by
pkgtui), ``last_serial``, ``releases`` mapping each version to its files (``[]`` for a version
with no files, as old Django releases have), ``urls`` (the latest release's files) and
``vulnerabilities``. Newer answers add ``license_expression`` (PEP 639) to ``info``.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

DJANGO_OTP_CLASSIFIERS = [
    "Development Status :: 5 - Production/Stable",
    "Framework :: Django",
    "Framework :: Django :: 4.2",
    "Framework :: Django :: 5.0",
    "Framework :: Django :: 5.1",
    "Framework :: Django :: 5.2",
    "Intended Audience :: Developers",
    "License :: OSI Approved :: BSD License",
    "Operating System :: OS Independent",
    "Programming Language :: Python",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3 :: Only",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13",
    "Programming Language :: Python :: 3.9",
    "Topic :: Security",
    "Topic :: Software Development :: Libraries :: Python Modules",
]


def release_file(
    name: str, version: str, uploaded: str, *, kind: str = "sdist", yanked: bool = False
) -> dict[str, Any]:
    """One file of a release as PyPI lists it; ``uploaded`` like "2025-04-09T16:10:37"."""
    dist = name.replace("-", "_")
    filename = f"{dist}-{version}-py3-none-any.whl" if kind == "bdist_wheel" else f"{dist}-{version}.tar.gz"
    digest = hashlib.sha256(filename.encode()).hexdigest()
    md5 = hashlib.md5(filename.encode()).hexdigest()
    return {
        "comment_text": "",
        "digests": {"blake2b_256": digest[::-1], "md5": md5, "sha256": digest},
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": md5,
        "packagetype": kind,
        "python_version": "py3" if kind == "bdist_wheel" else "source",
        "requires_python": ">=3.9",
        "size": 59_613,
        "upload_time": uploaded,
        "upload_time_iso_8601": uploaded + ".418234Z",
        "url": f"https://files.pythonhosted.org/packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}",
        "yanked": yanked,
        "yanked_reason": "broken wheel" if yanked else None,
    }


def project_json(
    name: str = "django-otp",
    *,
    version: str = "1.6.0",
    releases: dict[str, str | None] | None = None,
    classifiers: list[str] | None = None,
    license: str | None = "",
    license_expression: str | None = None,
    requires_python: str | None = ">=3.9",
    yanked: bool = False,
    yanked_reason: str | None = None,
    yanked_versions: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A project's answer. ``releases`` maps version → upload time (None: a version with no
    files); by default a short real-looking history ending at ``version``."""
    if releases is None:
        releases = {
            "1.0.0": "2020-06-02T09:12:44",
            "1.3.0": "2023-11-27T21:05:13",
            "1.5.4": "2024-09-30T18:31:02",
            version: "2025-04-09T16:10:37",
        }
    files = {
        number: []
        if uploaded is None
        else [
            release_file(name, number, uploaded, kind="bdist_wheel", yanked=number in yanked_versions),
            release_file(name, number, uploaded[:-2] + "59", yanked=number in yanked_versions),
        ]
        for number, uploaded in releases.items()
    }
    info: dict[str, Any] = {
        "author": "",
        "author_email": "Peter Sagerson <psagers@ignorare.net>",
        "bugtrack_url": None,
        "classifiers": DJANGO_OTP_CLASSIFIERS if classifiers is None else classifiers,
        "description": "django-otp\n==========\n\nA pluggable framework for two-factor authentication.\n",
        "description_content_type": "text/x-rst",
        "docs_url": None,
        "download_url": None,
        "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
        "dynamic": None,
        "home_page": None,
        "keywords": None,
        "license": license,
        "maintainer": None,
        "maintainer_email": None,
        "name": name,
        "package_url": f"https://pypi.org/project/{name}/",
        "platform": None,
        "project_url": f"https://pypi.org/project/{name}/",
        "project_urls": {
            "Documentation": "https://django-otp-official.readthedocs.io/",
            "Homepage": "https://github.com/django-otp/django-otp",
        },
        "provides_extra": ["qrcode"],
        "release_url": f"https://pypi.org/project/{name}/{version}/",
        "requires_dist": ["django>=4.2", "qrcode; extra == 'qrcode'"],
        "requires_python": requires_python,
        "summary": "A pluggable framework for adding two-factor authentication to Django using one-time passwords.",
        "version": version,
        "yanked": yanked,
        "yanked_reason": yanked_reason,
    }
    if license_expression is not None:
        info["license_expression"] = license_expression
    return {
        "info": info,
        "last_serial": 28_318_204,
        "releases": files,
        "urls": copy.deepcopy(files.get(version, [])),
        "vulnerabilities": [],
    }
