"""Reliability of the API layer against tests/server.py: what a bad answer may not do.

- Nothing is stored until it parsed into the shape asked for, and a bad answer never
  replaces or shadows a good copy (the 13 poisoning cases below).
- A body that does not read is retried like a 5xx; when the tries are spent, the good copy
  is served, marked stale.
- Work is bounded: decoded size (bombs), pages (lying counts), redirects (API host only).
- A list keeps its readable items and counts the rest.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from pkgtui.api import (
    APIError,
    BadResponse,
    Category,
    NoConnection,
    RateLimited,
    ResponseInfo,
    open_client,
)
from pkgtui.api.cache import CachingTransport
from pkgtui.api.client import ItemList, _retry_after
from pkgtui.api.errors import CutOff, NotJSON, Redirected, TooLarge
from pkgtui.api.network import NetworkTransport
from tests.conftest import Sleeps
from tests.server import (
    Action,
    LocalAPI,
    SocksProxy,
    as_list,
    bad_items,
    body,
    count_lies,
    cut_body,
    deep_nesting,
    gzip_bomb,
    gzipped,
    huge_body,
    invalid_json,
    nothing,
    rate_limited,
    redirect,
    reshaped,
    without_keys,
    wrong_types,
)

PACKAGE = r"/packages/1867/"
MB = 1024 * 1024

# The poisoning cases (13 of 13 were stored and then served): each is a 200.
POISON: dict[str, Callable[[], Action]] = {
    "half body, matching Content-Length": lambda: cut_body(0.5),
    "captive portal HTML page": lambda: body(b"<!doctype html><html><body>Sign in to Wi-Fi</body></html>"),
    "[1, 2, 3]": lambda: invalid_json(b"[1, 2, 3]"),
    "null": lambda: reshaped(nothing),
    "{}": lambda: invalid_json(b"{}"),
    "wrong field types": lambda: reshaped(wrong_types),
    "a latin-1 byte": lambda: invalid_json('{"id": 1867, "slug": "caf\xe9"}'.encode("latin-1")),
    "100,000 nested [": lambda: deep_nesting(100_000),
    "empty body": lambda: invalid_json(b""),
    "a list of the object": lambda: reshaped(as_list),
    "no id": lambda: reshaped(without_keys("id")),
    "a bare string": lambda: invalid_json(b'"django-otp"'),
    "broken JSON": lambda: invalid_json(),
}


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    with LocalAPI() as api:
        yield api


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def cache_file(tmp_path):
    return tmp_path / "cache" / "http.sqlite"


def cached_client(server: LocalAPI, cache_file, sleeps: Sleeps, **options):
    options = {"timeout": 2.0, "backoff": 0.0, "retries": 2, "sleep": sleeps} | options
    return open_client(server.url, cache_file=cache_file, **options)


def requests_to(server: LocalAPI, fragment: str) -> int:
    return sum(fragment in path for path in server.log.paths)


async def package_via_show(client):
    """What ``pkgtui show`` asks for: the raw JSON (get_json), then the model."""
    from pkgtui.api import Package

    return Package.from_api(await client.get_json("packages/1867/"))


CALLS = {"package()": lambda client: client.package(1867), "get_json (show)": package_via_show}


# -- 1. poisoning -------------------------------------------------------------------------------


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("case", POISON.values(), ids=POISON.keys())
async def test_a_bad_answer_is_never_stored(server, cache_file, sleeps, case, call):
    async with cached_client(server, cache_file, sleeps) as client:
        server.faults.add(case(), path=PACKAGE)
        with pytest.raises(BadResponse):
            await call(client)
        assert requests_to(server, PACKAGE) == 3  # retried like a 5xx
        server.faults.clear()
        assert (await call(client)).slug == "django-otp"
        assert requests_to(server, PACKAGE) == 4  # asked the server: nothing bad was stored
    # ... and a new process (same cache file) serves the good copy without asking.
    async with cached_client(server, cache_file, sleeps) as client:
        assert (await call(client)).slug == "django-otp"
    assert requests_to(server, PACKAGE) == 4


@pytest.mark.parametrize("case", POISON.values(), ids=POISON.keys())
async def test_a_bad_answer_to_refresh_keeps_the_good_copy(server, cache_file, sleeps, case):
    seen: list[ResponseInfo] = []
    async with cached_client(server, cache_file, sleeps) as client:
        client.listeners.append(seen.append)
        good = await client.package(1867)
        server.faults.add(case(), path=PACKAGE)
        again = await client.package(1867, refresh=True)  # every try bad: the good copy, stale
        assert again == good and seen[-1].stale_age is not None
        assert requests_to(server, PACKAGE) == 4
    async with cached_client(server, cache_file, sleeps) as client:
        client.listeners.append(seen.append)
        assert await client.package(1867) == good  # still the good copy, served fresh
        assert seen[-1].stale_age is None
    assert requests_to(server, PACKAGE) == 4


async def test_a_bad_body_once_is_retried_into_success(server, cache_file, sleeps):
    async with cached_client(server, cache_file, sleeps) as client:
        rule = server.faults.add(body(b"<html>portal</html>"), path=PACKAGE, times=1)
        assert (await client.package(1867)).slug == "django-otp"
        assert rule.hits == 1 and requests_to(server, PACKAGE) == 2 and len(sleeps.calls) == 1


async def test_a_bad_copy_already_in_the_cache_is_dropped_and_fetched_anew(server, cache_file, sleeps):
    # A cache written before this rule may hold a portal page: it is read, found bad, dropped.
    network = NetworkTransport(httpx.Limits(max_connections=4), prepare_tls=False)
    poisoned = CachingTransport(network, cache_file)
    url = f"{server.url}packages/1867/"
    request = httpx.Request("GET", url)
    await poisoned._store(
        poisoned_key(url),
        request,
        httpx.Response(200, content=b"<html>portal</html>"),
        b"<html>portal</html>",
        time.time(),
    )
    await poisoned.aclose()
    async with cached_client(server, cache_file, sleeps) as client:
        assert (await client.package(1867)).slug == "django-otp"
        assert requests_to(server, PACKAGE) == 1
    async with cached_client(server, cache_file, sleeps) as client:
        assert (await client.package(1867)).slug == "django-otp"
    assert requests_to(server, PACKAGE) == 1  # the good copy replaced the bad one


def poisoned_key(url: str) -> str:
    from pkgtui.api.cache import cache_key

    return cache_key(url)


# -- 2. the chaos test --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
async def test_chaos_most_lookups_succeed_and_all_do_once_the_faults_stop(server, cache_file, sleeps, seed):
    """40 lookups under a seeded 40 % of 500/502/503 and 20 % of the other answers cut short
    (with a matching Content-Length), with the default retries; then the same 40 once it
    heals. Seeds 0-2 are the first three; over seeds 0-19 this got 34-39 of 40 through, 36.7
    on average (with two retries instead of three: 29-37, 34.2)."""
    ids = [p["id"] for p in server.api.packages][:40]
    assert len(ids) == 40
    server.faults.error_rate, server.faults.cut_rate, server.faults.seed = 0.4, 0.2, seed
    outcomes: list[bool] = []
    async with open_client(server.url, cache_file=cache_file, timeout=2.0, sleep=sleeps) as client:
        for key in ids:
            try:
                outcomes.append((await client.package(key)).id == key)
            except APIError:
                outcomes.append(False)
    faulted = [kind for _, kind in server.log.faulted]
    assert sum(kind.startswith("status 5") for kind in faulted) > 20 and faulted.count(cut_body().kind) > 0
    print(f"chaos: {sum(outcomes)} of 40 succeeded, {len(server.log.paths)} requests, {len(faulted)} faulted")
    assert sum(outcomes) >= 36

    server.faults.clear()
    server.log.clear()
    async with open_client(server.url, cache_file=cache_file, timeout=2.0, sleep=sleeps) as client:
        assert [(await client.package(key)).id for key in ids] == ids
    # Only the lookups that had failed asked the server again: the others came from the
    # cache, and nothing bad had been stored to be replayed.
    assert len(server.log.paths) == outcomes.count(False)


# -- 3. lying counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10**6, 10**9])
async def test_a_lying_count_with_a_next_page_is_not_believed(server, sleeps, count):
    server.faults.add(reshaped(count_lies(count)), path=r"/grids/\?")
    async with open_client(server.url, backoff=0.0, sleep=sleeps, concurrency=8) as client:
        grids = await client.grids()
    assert len(grids) == len(server.api.grids)
    # The second page came back empty: the list ended there. At most one look-ahead window.
    assert requests_to(server, "/grids/") <= 1 + 8


async def test_a_count_on_a_short_first_page_is_followed_one_page_at_a_time(server, sleeps):
    one = server.api.grids[0]

    def short(page):
        return page | {"count": 10**9, "next": "x", "results": [one]} if "results" in page else page

    server.faults.add(reshaped(short, "one item a page, count a billion"), path=r"/grids/\?")
    async with open_client(server.url, backoff=0.0, sleep=sleeps, page_size=50) as client:
        pages = [page async for page in client.iter_pages("grids", lambda item: item)]
    # Each page held one item and said there was more: followed until the cap, one at a time.
    assert len(pages) == requests_to(server, "/grids/") == 500
    assert server.log.max_in_flight == 1


# -- 4. size caps ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [gzip_bomb(10 * MB), huge_body(10 * MB)], ids=["gzip bomb", "plain 10 MB"])
async def test_a_body_over_the_cap_stops_there(server, cache_file, sleeps, action):
    server.faults.add(action, path=PACKAGE)
    async with cached_client(server, cache_file, sleeps, max_body=1 * MB) as client:
        with pytest.raises(TooLarge) as caught:
            await client.package(1867)
    assert "larger than 1 MB" in caught.value.message and "127.0.0.1" in caught.value.message
    assert requests_to(server, PACKAGE) == 1  # the same would come again: not retried


async def test_a_bomb_after_a_good_copy_serves_the_good_copy_stale(server, cache_file, sleeps):
    seen: list[ResponseInfo] = []
    async with cached_client(server, cache_file, sleeps, max_body=1 * MB) as client:
        client.listeners.append(seen.append)
        good = await client.package(1867)
        server.faults.add(gzip_bomb(10 * MB), path=PACKAGE)
        assert await client.package(1867, refresh=True) == good
    assert seen[-1].stale_age is not None


async def test_a_gzip_answer_under_the_cap_is_read(server, sleeps):
    server.faults.add(gzipped(), path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps, max_body=1 * MB) as client:
        assert (await client.package(1867)).slug == "django-otp"
    assert server.log.faulted == [("/api/v4/packages/1867/", "gzip body")]


async def test_a_gzip_bomb_of_json_whitespace_under_the_deadline(server, sleeps):
    # A bomb that would inflate to 200 MB stops at the (default) 64 MB cap.
    server.faults.add(gzip_bomb(200 * MB), path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(TooLarge, match="larger than 64 MB"):
            await client.package(1867)


# -- 5. deep nesting, odd redirects, odd ports --------------------------------------------------


async def test_deep_nesting_is_a_bad_response(server, sleeps):
    server.faults.add(deep_nesting(100_000), path=r"/search/")
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(BadResponse, match="nested too deeply"):
            await client.search("django")


@pytest.mark.parametrize("location", ["javascript:alert(1)", "data:text/html,hi", "mailto:a@example.org"])
async def test_a_redirect_to_a_non_web_address_is_an_api_error(server, sleeps, location):
    server.faults.add(redirect(location), path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(Redirected) as caught:
            await client.package(1867)
    assert location.split(":")[0] in caught.value.message and "not followed" in caught.value.message


async def test_a_port_out_of_range_is_no_connection(sleeps):
    async with open_client("http://127.0.0.1:99999/api/v4/", backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(NoConnection) as caught:
            await client.categories()
    assert "\n" not in caught.value.message and "127.0.0.1" in caught.value.message


# -- 6. redirects ---------------------------------------------------------------------------------


async def test_a_redirect_to_another_host_is_refused_naming_it(server, sleeps):
    # The same server under another name: were it followed, the package would arrive.
    server.faults.add(redirect("http://localhost:{port}{path}"), path=PACKAGE, times=1)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(Redirected) as caught:
            await client.package(1867)
    assert "another host, localhost" in caught.value.message and caught.value.target == "localhost"
    assert requests_to(server, PACKAGE) == 1


async def test_a_redirect_within_the_api_host_is_followed(server, sleeps):
    server.faults.add(redirect("/api/v4/packages/django-otp/", 301), path=PACKAGE, times=1)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        assert (await client.package(1867)).slug == "django-otp"
    assert server.log.paths == ["/api/v4/packages/1867/", "/api/v4/packages/django-otp/"]


async def test_a_redirect_loop_stops(server, sleeps):
    server.faults.add(redirect("{path}"), path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(BadResponse, match="redirected more than 5 times"):
            await client.package(1867)
    assert requests_to(server, PACKAGE) == 6


@pytest.mark.parametrize(
    ("start", "target", "followed"),
    [
        ("http://api.test/v4/", "https://api.test/v4/x/", True),  # http to https, same host
        ("https://api.test/v4/", "http://api.test/v4/x/", False),  # a downgrade
        ("http://api.test/v4/", "http://api.test:8080/v4/x/", False),  # another port
        ("https://api.test/v4/", "https://evil.test/v4/x/", False),
    ],
)
async def test_redirect_policy(start, target, followed):
    def answer(request: httpx.Request) -> httpx.Response:
        if str(request.url) == start + "packages/1/":
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, json={"id": 1, "slug": "one", "title": "One"})

    async with open_client(start, transport=httpx.MockTransport(answer), retries=0) as client:
        if followed:
            assert (await client.package(1)).slug == "one"
        else:
            with pytest.raises(Redirected):
                await client.package(1)


# -- 7. unreadable items --------------------------------------------------------------------------


async def test_unreadable_items_are_skipped_and_counted(server, sleeps):
    server.faults.add(reshaped(bad_items), path=r"/(categories|packages)/\?")
    server.faults.add(reshaped(lambda hits: [*hits, 7, None]), path=r"/search/")
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        categories = await client.categories()
        pages = [page async for page in client.iter_package_pages()]
        results = await client.search("django")
    assert isinstance(categories, ItemList) and isinstance(categories[0], Category)
    assert len(categories) == len(server.api.categories) and categories.skipped == 3
    assert sum(len(page.items) for page in pages) == len(server.api.packages)
    assert sum(page.skipped for page in pages) == 3
    assert results and results.skipped == 2


async def test_a_page_with_skipped_items_is_shown_but_not_stored(server, cache_file, sleeps):
    server.faults.add(reshaped(bad_items), path=r"/categories/\?", times=1)
    async with cached_client(server, cache_file, sleeps) as client:
        assert (await client.categories()).skipped == 3
        assert (await client.categories()).skipped == 0  # asked again, not served the bad copy
        assert (await client.categories()).skipped == 0
    assert requests_to(server, "/categories/") == 2


# -- 8. one copy per key, and a size cap -----------------------------------------------------------


def stored_entries(cache_file) -> list[int]:
    """How many rows the cache file holds for each key, hidden ones included."""
    with sqlite3.connect(cache_file) as db:
        return sorted(n for (n,) in db.execute("SELECT count(*) FROM entries GROUP BY cache_key"))


async def test_every_refresh_replaces_the_stored_copy(server, cache_file, sleeps):
    async with cached_client(server, cache_file, sleeps) as client:
        for _ in range(12):
            await client.categories(refresh=True)
            await client.package(1867, refresh=True)
    assert stored_entries(cache_file) == [1, 1]  # one copy of each answer, not 12


async def test_the_cache_stays_under_its_cap_dropping_the_oldest(server, cache_file, sleeps):
    ids = [p["id"] for p in server.api.packages]
    network = NetworkTransport(httpx.Limits(max_connections=4), prepare_tls=False)
    cache = CachingTransport(network, cache_file, max_size=64 * 1024, evict_after=0)
    async with open_client(server.url, transport=cache, backoff=0.0, sleep=sleeps) as client:
        for key in ids:
            await client.package(key)
            await asyncio_drain(cache)
    size = cache_file.stat().st_size
    assert size < 2 * 64 * 1024  # the cap holds (77 packages took 164 KB uncapped)
    async with open_client(
        server.url, transport=CachingTransport(network, cache_file), sleep=sleeps
    ) as client:
        server.log.clear()
        await client.package(ids[-1])  # the newest is kept
        assert server.log.paths == []
        await client.package(ids[0])  # the oldest went first
        assert len(server.log.paths) == 1


async def asyncio_drain(cache: CachingTransport) -> None:
    import asyncio

    while cache._saving:
        await asyncio.gather(*cache._saving.values())


# -- 12. what the user reads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "kind", "says"),
    [
        (
            body(b"<html><body>Log in</body></html>"),
            NotJSON,
            "answered with a web page, not JSON: a proxy or login page?",
        ),
        (cut_body(0.5), CutOff, "was cut off"),
    ],
    ids=["captive portal", "cut body"],
)
async def test_messages_say_what_came(server, sleeps, action, kind, says):
    server.faults.add(action, path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(kind) as caught:
            await client.package(1867)
    assert says in caught.value.message


def test_show_says_a_long_retry_after_once(server):
    from tests.faults.test_lookup_faults import quick_client, run_lookup

    server.faults.add(rate_limited(99999))
    result = run_lookup(["show", "django-otp"], client=quick_client(server.url, 5.0))
    assert result.err.count("\n") == 1 and "99999" not in result.err
    assert result.err.count("hour") == 1 and result.err.count("again") == 2  # "try again in", "run it again"


def test_show_on_a_portal_page_says_so_and_not_api_url_alone(server):
    from tests.faults.test_lookup_faults import quick_client, run_lookup

    server.faults.add(body(b"<html>Sign in</html>"))
    result = run_lookup(["show", "django-otp"], client=quick_client(server.url, 5.0))
    assert "web page, not JSON" in result.err and "proxy or login page" in result.err


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("99999", 3600.0),  # capped
        ("-5", 0.0),
        ("nan", None),
        ("soon", None),
        (format_datetime(datetime(2030, 1, 1, 0, 2, tzinfo=UTC), usegmt=True), 120.0),
        ("Tue, 01 Jan 2030 00:02:00 -0000", 120.0),  # a date without a zone: GMT, not local time
        ("Tue, 01 Jan 2999 00:00:00 GMT", 3600.0),
    ],
)
def test_retry_after_in_both_forms_and_capped(header, seconds):
    now = datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    response = httpx.Response(429, headers={"Retry-After": header})
    assert _retry_after(response, lambda: now) == seconds


async def test_a_rate_limit_with_a_date_says_seconds_not_years(server, sleeps):
    when = datetime.now(UTC) + timedelta(seconds=300)
    server.faults.add(rate_limited(format_datetime(when, usegmt=True)), path=PACKAGE)
    async with open_client(server.url, backoff=0.0, sleep=sleeps, max_retry_after=1) as client:
        with pytest.raises(RateLimited) as caught:
            await client.package(1867)
    assert 290 <= (caught.value.retry_after or 0) <= 300 and "try again in" in caught.value.message


# -- proxies ------------------------------------------------------------------------------------


async def test_a_socks_proxy_carries_the_requests(server, sleeps):
    with SocksProxy() as proxy:
        network = NetworkTransport(
            httpx.Limits(max_connections=4),
            prepare_tls=False,
            proxies=lambda: {"http": proxy.url},
            bypass=lambda host: False,
        )
        async with open_client(server.url, transport=network, backoff=0.0, sleep=sleeps) as client:
            assert (await client.package(1867)).slug == "django-otp"
    assert proxy.connects and proxy.connects[0][0] == "127.0.0.1"


@pytest.mark.parametrize(
    ("proxy", "says"),
    [("socks4://127.0.0.1:1080", "uses socks4://"), ("ftp://user:secret@proxy.test:21", "uses ftp://")],
)
async def test_an_unusable_proxy_is_one_clear_line(server, sleeps, proxy, says):
    network = NetworkTransport(
        httpx.Limits(max_connections=4),
        prepare_tls=False,
        proxies=lambda: {"http": proxy},
        bypass=lambda host: False,
    )
    async with open_client(server.url, transport=network, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(NoConnection) as caught:
            await client.package(1867)
    message = caught.value.message
    assert says in message and "\n" not in message and "secret" not in message
    assert server.log.paths == []


async def test_a_socks_proxy_from_all_proxy_in_the_environment(server, sleeps, monkeypatch):
    with SocksProxy() as proxy:
        for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        async with open_client(server.url, backoff=0.0, sleep=sleeps) as client:
            assert (await client.package(1867)).slug == "django-otp"
    assert proxy.connects


async def test_a_socks_proxy_without_socksio_is_one_clear_line(server, sleeps, monkeypatch):
    monkeypatch.setitem(sys.modules, "socksio", None)  # as if httpx[socks] were not installed
    network = NetworkTransport(
        httpx.Limits(max_connections=4),
        prepare_tls=False,
        proxies=lambda: {"http": "socks5://127.0.0.1:1080"},
        bypass=lambda host: False,
    )
    async with open_client(server.url, transport=network, backoff=0.0, sleep=sleeps) as client:
        with pytest.raises(NoConnection, match="needs the socksio package"):
            await client.package(1867)
