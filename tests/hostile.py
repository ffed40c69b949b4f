"""A hostile API v4 dataset: what a compromised or buggy server could send.

Every string here is something pkgtui must show literally (markup as text, escapes removed),
never act on. Build a server over it with :func:`hostile_api`:

    api = hostile_api()                       # hostile objects plus the normal sample
    with LocalAPI(api=hostile_api()) as srv:  # the same, over real HTTP
        ...

:data:`HOSTILE_TEXTS` lists each hostile string with the text a user must see for it, so
tests can look for it on screen and in plain output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pkgtui.api.demo import SITE_API, DemoAPI, sample_categories, sample_packages

JSON = dict[str, Any]


@dataclass(frozen=True)
class HostileText:
    name: str  # short label, used in test ids and the docs table
    raw: str  # what the server sends
    visible: str  # a piece of what the user must see, exactly (after escapes are removed)


# Textual/Rich markup: shown as typed, never styled, never a link, never an action.
MARKUP_BOLD = HostileText("markup [b]", "[b]Bold[/b] pkg", "[b]Bold[/b] pkg")
MARKUP_CLICK = HostileText(
    "markup [@click=app.quit]", "[@click=app.quit]Quit now[/]", "[@click=app.quit]Quit now[/]"
)
MARKUP_LINK = HostileText(
    "markup [link=...]",
    "[link=https://evil.example/]Click[/link] me",
    "[link=https://evil.example/]Click[/link] me",
)
MARKUP_UNCLOSED = HostileText("unclosed [", "Broken [ markup [/", "Broken [ markup [/")
# Escape sequences: removed, the text around them kept.
ANSI_SGR = HostileText("ANSI colour", "\x1b[31;1mRed\x1b[0m alert", "Red alert")
ANSI_CLEAR = HostileText("ANSI clear screen", "Wipe\x1b[2J\x1b[H screen", "Wipe screen")
OSC_LINK = HostileText(
    "OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\Hidden link\x1b]8;;\x1b\\", "Hidden link"
)
OSC_CLIPBOARD = HostileText("OSC 52 clipboard write", "Copy\x1b]52;c;ZXZpbA==\x07 me", "Copy me")
OSC_TITLE = HostileText("OSC 0 window title", "\x1b]0;pwned\x07Window title", "Window title")
C1_CSI = HostileText("8-bit CSI", "Eight\x9b31m bit", "Eight bit")
# Bidirectional overrides: removed, so a line reads in the order it is stored.
RTL_OVERRIDE = HostileText("RTL override", "Invoice \u202egnp.exe\u202c", "Invoice gnp.exe")
# Wide and joined characters: shown, and do not break the layout.
EMOJI = HostileText("emoji", "Snake 🐍 dev 👩‍💻 ok", "Snake 🐍 dev 👩‍💻 ok")
# Huge strings: cut to fit, never slow or crash.
LONG = HostileText("5,000-character string", "Long" + "x" * 4996, "Longxxxx")

HOSTILE_TEXTS: tuple[HostileText, ...] = (
    MARKUP_BOLD,
    MARKUP_CLICK,
    MARKUP_LINK,
    MARKUP_UNCLOSED,
    ANSI_SGR,
    ANSI_CLEAR,
    OSC_LINK,
    OSC_CLIPBOARD,
    OSC_TITLE,
    C1_CSI,
    RTL_OVERRIDE,
    EMOJI,
    LONG,
)

# URLs that must never be opened: only http(s) is.
BAD_URLS: tuple[str, ...] = (
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "  JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/\x1b]8;;x\x07",  # an http(s) URL carrying an escape
)

HOSTILE_CATEGORY_ID = 66
HOSTILE_GRID_ID = 666
BIG_PARTICIPANTS = 5000


def _url(kind: str, key: int) -> str:
    return f"{SITE_API}{kind}/{key}/"


def _package(pid: int, slug: str, **fields: Any) -> JSON:
    base: JSON = {
        "category": _url("categories", HOSTILE_CATEGORY_ID),
        "grids": [_url("grids", HOSTILE_GRID_ID)],
        "id": pid,
        "title": slug,
        "slug": slug,
        "last_updated": "2026-01-07T14:56:37-05:00",
        "last_fetched": "2026-02-15T14:22:30.548761-05:00",
        "repo_url": f"https://github.com/hostile/{slug}",
        "pypi_version": "1.0",
        "created": "2013-06-11T06:45:04.825389-04:00",
        "modified": "2026-01-28T13:47:41.708130-05:00",
        "repo_forks": 3,
        "repo_description": "",
        "pypi_url": f"https://pypi.org/project/{slug}/",
        "documentation_url": None,
        "repo_watchers": 10,
        "commits_over_52": [1] * 52,
        "participants": ["alice", "bob"],
    }
    base.update(fields)
    return base


def hostile_packages() -> list[JSON]:
    """Packages whose every visible field is hostile in some way. Slugs are plain so they can be looked up."""
    return [
        _package(
            9001,
            "hostile-markup",
            title=MARKUP_CLICK.raw,
            repo_description=f"{MARKUP_BOLD.raw} {MARKUP_LINK.raw} {MARKUP_UNCLOSED.raw}",
            participants=[MARKUP_CLICK.raw, MARKUP_BOLD.raw, "dependabot[bot]", "[", "[/]"],
            pypi_version="[b]1.0[/b]",
            repo_url=BAD_URLS[0],
            documentation_url=BAD_URLS[3],
        ),
        _package(
            9002,
            "hostile-escapes",
            title=ANSI_SGR.raw,
            repo_description=f"{OSC_LINK.raw} {OSC_CLIPBOARD.raw} {ANSI_CLEAR.raw} {OSC_TITLE.raw} {C1_CSI.raw}",
            participants=[ANSI_SGR.raw, OSC_TITLE.raw, "\x07bell", "nul\x00byte"],
            repo_url=BAD_URLS[1],
            pypi_url=BAD_URLS[4],
        ),
        _package(
            9003,
            "hostile-bidi-emoji",
            title=RTL_OVERRIDE.raw,
            repo_description=f"{EMOJI.raw}\r\nsecond line\ttab",
            participants=["\u202eesrever", "🐍", "👩‍💻"],
            repo_url=BAD_URLS[2],
        ),
        _package(
            9004,
            "hostile-huge",
            title=LONG.raw,
            repo_description="Long description " + "y" * 4983,
            participants=[f"user{i:04d}" for i in range(BIG_PARTICIPANTS)],
            pypi_version="9" * 5000,
        ),
        _package(
            9005,
            "hostile-numbers",
            title="Numbers gone wrong",
            repo_watchers=-5,
            repo_forks=None,
            last_updated="not a date",
            last_fetched="2024-13-45T99:99:99",
            created=None,
            modified="",
            commits_over_52=[3, -1, "x", None, 7],  # wrong length, wrong types
            participants=None,
            pypi_version=None,
            pypi_url="",
            repo_url=None,
            grids="not a list",
            category=None,
        ),
        _package(
            9006,
            "hostile-commits-long",
            title="Too many weeks",
            repo_watchers=None,
            repo_forks=-1,
            commits_over_52=list(range(200)),
            participants="a,b,[b]c[/b]",  # the older comma-separated shape
        ),
    ]


def hostile_categories() -> list[JSON]:
    return [
        {
            "id": HOSTILE_CATEGORY_ID,
            "title": MARKUP_CLICK.raw,
            "slug": "hostile",
            "description": f"{ANSI_SGR.raw} {MARKUP_LINK.raw} {RTL_OVERRIDE.raw}",
            "title_plural": MARKUP_CLICK.raw,
            "show_pypi": True,
            "created": "not a date",
            "modified": None,
        },
        {
            "id": HOSTILE_CATEGORY_ID + 1,
            "title": LONG.raw,
            "slug": "hostile-long",
            "description": "z" * 5000,
            "title_plural": LONG.raw,
            "show_pypi": True,
            "created": None,
            "modified": None,
        },
    ]


def hostile_grids(packages: list[JSON]) -> list[JSON]:
    members = [_url("packages", p["id"]) for p in packages]
    return [
        {
            "id": HOSTILE_GRID_ID,
            "title": MARKUP_CLICK.raw,
            "slug": "hostile-grid",
            "description": f"{OSC_LINK.raw} {MARKUP_BOLD.raw} {EMOJI.raw}",
            "is_locked": "yes",
            "header": None,
            # Members, plus entries a grid should never hold: a missing package (404), a
            # non-URL, a URL of another kind, a javascript: URL, a number.
            "packages": [
                *members,
                _url("packages", 999999),
                "not a url",
                _url("grids", 1),
                BAD_URLS[0],
                12,
            ],
            "created": "2024-02-30T00:00:00",
            "modified": None,
        }
    ]


def hostile_api(*, with_sample: bool = True, base_url: str | None = None) -> DemoAPI:
    """A DemoAPI serving the hostile objects (and, by default, the normal sample beside them)."""
    packages = hostile_packages()
    categories = hostile_categories()
    if with_sample:
        packages = [*sample_packages(), *packages]
        categories = [*sample_categories(), *categories]
    from pkgtui.api.demo import derive_grids

    grids = [*derive_grids(p for p in packages if p["id"] < 9000), *hostile_grids(hostile_packages())]
    kwargs = {"base_url": base_url} if base_url else {}
    return DemoAPI(packages=packages, categories=categories, grids=grids, **kwargs)
