"""An app on a catalogue synced from the demo data, with PyPI faked in-process: for the grid
and category screens' fact columns (Django, Python, License, Status, Released, Score)."""

from __future__ import annotations

from pathlib import Path

from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import PkgtuiApp, create_app
from pkgtui.config import Config
from pkgtui.store import Store
from pkgtui.target import StartTarget
from pkgtui.userdata import UserDataFile
from tests.conftest import FIXED_NOW
from tests.pypi.data import project_json
from tests.store.conftest import synced_store

from . import pypi_app


def classifiers(*django: str, python: tuple[str, ...] = ("3.10", "3.12"), status: str = "") -> list[str]:
    return [
        "Framework :: Django",
        *(f"Framework :: Django :: {v}" for v in django),
        *(f"Programming Language :: Python :: {v}" for v in python),
        *([status] if status else []),
    ]


# Grid 7 of the demo data: django-twostepauth, django-two-factor-auth, django-stronghold, django-otp.
ANSWERS: dict[str, object] = {
    "django-otp": project_json(
        "django-otp",
        version="1.7.0",
        classifiers=classifiers(
            "4.2", "5.1", "5.2", python=("3.9", "3.13"), status="Development Status :: 5 - Production/Stable"
        ),
        license_expression="BSD-3-Clause",
        releases={"1.0.0": "2020-06-02T09:12:44", "1.7.0": "2025-11-03T10:00:00"},
    ),
    "django-two-factor-auth": project_json(
        "django-two-factor-auth",
        version="1.17.0",
        classifiers=classifiers("4.2", "5.0", status="Development Status :: 4 - Beta"),
        license="MIT",
        releases={"1.17.0": "2024-08-01T10:00:00"},
    ),
    "django-stronghold": project_json(
        "django-stronghold", version="0.4.0", classifiers=["Framework :: Django"], license="MIT"
    ),
    "django-twostepauth": 503,
}


class FakePyPI(pypi_app.FakePyPI):
    """The screen tests' fake PyPI, answering grid 7's members as ``ANSWERS`` says."""

    def __init__(self, answers: dict[str, object] | None = None) -> None:
        super().__init__(ANSWERS if answers is None else answers)


async def make_store(path: Path) -> Store:
    """A catalogue synced from the demo data (in-process, no API v3)."""
    return await synced_store(path)


def facts_app(
    store: Store, pypi: FakePyPI, target: StartTarget, tmp_path: Path, **config: object
) -> PkgtuiApp:
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0)
    settings = Config(api_url=api.base_url, auto_sync=False, **config)  # type: ignore[arg-type]
    app = create_app(
        settings,
        client=client,
        target=target,
        clock=lambda: FIXED_NOW,
        user_data=UserDataFile(tmp_path / "user.json"),
        store=store,
        pypi_transport=pypi,
    )
    app.cursor_blink = False
    return app
