"""Searching the whole catalogue locally: tiers, stars, no cap, and hostile strings."""

from __future__ import annotations

import pytest

from pkgtui.api.demo import DemoAPI
from pkgtui.store import Store
from pkgtui.store.search import queries
from tests.hostile import HOSTILE_TEXTS, hostile_api
from tests.store.conftest import CATEGORY, package, sync_from

RANKED = [
    package(1, "Django OTP", stars=10, slug="django-otp"),  # exact (title and slug)
    package(2, "django-otp-yubikey", stars=500),  # starts with the query
    package(3, "Two factor", stars=9000, description="Plugs into django-otp for you"),  # elsewhere
    package(4, "Django OTP Agents", stars=50),  # starts with it
    package(5, "Unrelated", stars=99999, description="nothing to see"),
    package(6, "OTP for Django", stars=800),  # all words, not at the start
    package(7, "Nameless", stars=None, slug="django-otp-nameless"),  # starts (slug), no stars known
]


@pytest.fixture
async def ranked(catalogue) -> Store:
    await sync_from(DemoAPI(packages=RANKED, categories=[CATEGORY], grids=[]), catalogue)
    store = Store(catalogue)
    yield store
    store.close()


def ids(store: Store, query: str, limit: int | None = None) -> list[int]:
    return [p.id for p in store.search(query, limit)]


def test_exact_then_prefix_then_other_hits_each_by_stars(ranked):
    assert ids(ranked, "django-otp") == [1, 2, 4, 7, 3, 6]
    # Spelling of the same name does not matter for the exact tier.
    assert ids(ranked, "Django OTP")[0] == 1
    assert ids(ranked, "DJANGO_OTP")[0] == 1


def test_the_last_word_is_a_prefix_and_every_word_must_match(ranked):
    assert set(ids(ranked, "yubi")) == {2}
    assert set(ids(ranked, "django yubi")) == {2}
    assert ids(ranked, "django nothing") == []
    assert set(ids(ranked, "plugs")) == {3}  # the description is searched


def test_limit_cuts_the_ranked_list(ranked):
    assert ids(ranked, "django-otp", limit=3) == [1, 2, 4]
    assert ids(ranked, "django-otp", limit=0) == []


async def test_no_twenty_result_cap(catalogue):
    many = [package(i, f"Widget {i}", stars=i) for i in range(1, 61)]
    await sync_from(DemoAPI(packages=many, categories=[CATEGORY], grids=[]), catalogue)
    with Store(catalogue) as store:
        found = store.search("widget")
        assert len(found) == 60
        assert [p.id for p in found] == list(range(60, 0, -1))  # most stars first
        assert found[-1].id == 1 and [p.id for p in found[10:13]] == [50, 49, 48]


HOSTILE_QUERIES = [
    '"',
    '""',
    '"unbalanced',
    "*",
    "django*",
    "NEAR(django otp)",
    "NEAR",
    "AND",
    "OR OR",
    "NOT django",
    "-django",
    "^django",
    "title:django",
    "{title}: x",
    "(((",
    "django)",
    "\x00\x1b[31m",
    "\x1b]52;c;ZXZpbA==\x07 otp",
    "🐍",
    "👩‍💻 django",
    "   ",
    "",
    "x" * 10_000,
    "a " * 5000,
    "'; DROP TABLE packages; --",
    "%_\\",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=repr)
def test_hostile_queries_never_raise(ranked, query):
    found = ranked.search(query)
    assert isinstance(len(found), int)
    list(found)  # decoding works too
    assert len(ranked.category_packages(1)) == len(RANKED)  # nothing was dropped


def test_a_query_with_no_words_finds_nothing(ranked):
    for query in ('"', "*", "🐍", "   ", "(("):
        assert queries(query) is None
        assert ids(ranked, query) == []


def test_operators_are_plain_words(ranked):
    # NEAR/AND/NOT would be FTS5 syntax; quoted, they are words no package holds.
    assert ids(ranked, "NOT django") == []
    assert ids(ranked, "django*") == ids(ranked, "django")
    assert ids(ranked, '"django otp"') == ids(ranked, "django otp")


async def test_hostile_package_strings_are_indexed_and_found_literally(catalogue):
    await sync_from(hostile_api(), catalogue)
    with Store(catalogue) as store:
        titles = {p.title for c in store.categories() for p in store.category_packages(c.id)}
        checked = 0
        for text in HOSTILE_TEXTS:
            if text.raw in titles and queries(text.raw) is not None:
                found = store.search(text.raw)
                assert text.raw in {p.title for p in found}, text.name  # stored as sent
                checked += 1
        assert checked >= 4
        for query in HOSTILE_QUERIES:
            list(store.search(query))
        assert "[@click=app.quit]Quit now[/]" in {p.title for p in store.search("quit now")}


def brute_force(packages: list[dict], query: str) -> list[int]:
    """The ranking spelled out in Python, for comparison."""
    from pkgtui.store.search import key, words

    q = key(query)
    terms = words(query)

    def stars(p: dict) -> tuple:
        return (p["repo_watchers"] is None, -(p["repo_watchers"] or 0), key(p["title"]), p["id"])

    def holds(p: dict) -> bool:
        tokens = words(f"{p['title']} {p['slug']} {p['repo_description']}")
        return all(any(t.startswith(term) for t in tokens) for term in terms)

    exact = [p for p in packages if q in (key(p["title"]), key(p["slug"]))]
    starting = [p for p in packages if p not in exact and (key(p["title"]) + " ").startswith(q) or False]
    starting = [
        p for p in packages
        if p not in exact and any(k == q or k.startswith(q) for k in (key(p["title"]), key(p["slug"])))
    ]  # fmt: skip
    rest = [p for p in packages if p not in exact and p not in starting and holds(p)]
    return [p["id"] for tier in (exact, starting, rest) for p in sorted(tier, key=stars)]


MIXED = (
    RANKED
    + [
        package(100 + i, f"django otp helper {i}", stars=(i * 37) % 101, slug=f"dj-otp-{i}")
        for i in range(25)
    ]
    + [
        package(200 + i, f"Helper {i}", stars=i, description=f"works with django-otp, take {i}")
        for i in range(25)
    ]
)


@pytest.mark.parametrize("window", [1, 3, 7, 200])
@pytest.mark.parametrize("query", ["django-otp", "django", "otp", "helper", "dj", "works", "d"])
async def test_windows_read_the_same_ranking_as_the_whole(catalogue, monkeypatch, window, query):
    from pkgtui.store.store import SearchResults

    await sync_from(DemoAPI(packages=MIXED, categories=[CATEGORY], grids=[]), catalogue)
    monkeypatch.setattr(SearchResults, "WINDOW", window)
    with Store(catalogue) as store:
        expected = brute_force(MIXED, query)
        found = store.search(query)
        assert len(found) == len(expected)
        assert [found[n].id for n in range(len(found) - 1, -1, -1)] == expected[::-1]  # read backwards
        assert store.search(query).ids == expected
        assert [p.id for p in store.search(query)[5:9]] == expected[5:9]
        assert store.search(query, limit=4).ids == expected[:4]
        assert store.search(query).ids_until(5) == expected[:5]  # only the windows they are in
        assert store.search(query).ids_until(len(expected) + 3) == expected
        assert store.search(query).ids_until(0) == []


async def test_a_sync_between_windows_keeps_the_hits_already_read(catalogue, monkeypatch):
    from pkgtui.store.store import SearchResults

    monkeypatch.setattr(SearchResults, "WINDOW", 2)
    old = [package(i, f"Widget {i}", stars=i) for i in range(1, 7)]
    await sync_from(DemoAPI(packages=old, categories=[CATEGORY], grids=[]), catalogue)
    store = Store(catalogue)
    found = store.search("widget")
    assert len(found) == 6 and [found[0].id, found[1].id] == [6, 5]
    new = [package(i, f"Widget {i}", stars=100 - i) for i in range(1, 4)]  # fewer, re-ranked
    await sync_from(DemoAPI(packages=new, categories=[CATEGORY], grids=[]), catalogue)
    assert len(found) == 6  # a sequence keeps its length
    assert [found[n].id for n in range(6)] == [6, 5, 3, 0, 0, 0]  # the new catalogue's 3rd hit, then nothing
    assert store.search("widget").ids == [1, 2, 3]
    store.close()
