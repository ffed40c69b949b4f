"""The client against mocked HTTP (respx): pagination, concurrency, errors, retries."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from pkgtui.api import (
    BadResponse,
    Category,
    NoConnection,
    NotFound,
    Package,
    RateLimited,
    ServerError,
    Timeout,
    open_client,
    wire,
)
from pkgtui.api.demo import DemoAPI
from tests.conftest import Sleeps

BASE = "https://api.test/api/v4/"


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(sleeps):
    client = open_client(BASE, sleep=sleeps, retries=2, timeout=2)
    yield client
    await client.aclose()


def demo_route(api: DemoAPI):
    """A respx side effect that answers like API v4 from ``api``."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v4/")
        status, body = api.handle(path, dict(request.url.params))
        return httpx.Response(status, json=body)

    return answer


def synthetic_packages(n: int) -> list[dict]:
    return [
        {"id": i, "title": f"pkg-{i}", "slug": f"pkg-{i}", "category": f"{BASE}categories/1/"}
        for i in range(1, n + 1)
    ]


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_pagination_fetches_every_page_with_as_few_requests_as_needed(respx_mock, client):
    api = DemoAPI(packages=synthetic_packages(2345), base_url=BASE)
    route = respx_mock.get("packages/").mock(side_effect=demo_route(api))
    client.page_size = 1000
    packages = await client.list_all("packages", Package.from_api)
    assert sorted(p.id for p in packages) == list(range(1, 2346))
    assert route.call_count == 3  # ceil(2345 / 1000): count read from page one, the rest in parallel
    offsets = sorted(int(call.request.url.params["offset"]) for call in route.calls)
    assert offsets == [0, 1000, 2000]


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_list_that_fits_one_page_costs_one_request(respx_mock, client):
    route = respx_mock.get("categories/").mock(side_effect=demo_route(DemoAPI(base_url=BASE)))
    categories = await client.categories()
    assert len(categories) == 4 and route.call_count == 1


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_pages_arrive_progressively_and_leaving_early_cancels_the_rest(respx_mock, client):
    api = DemoAPI(packages=synthetic_packages(50), base_url=BASE)
    respx_mock.get("packages/").mock(side_effect=demo_route(api))
    seen = []
    async for page in client.iter_pages("packages", Package.from_api, page_size=10):
        seen.append(page)
        if len(seen) == 2:
            break
    assert seen[0].offset == 0 and seen[0].count == 50 and len(seen[0].items) == 10
    assert seen[1].offset in (10, 20, 30, 40)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert not [t for t in pending if "_page" in repr(t.get_coro())]  # the rest were cancelled


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_the_other_pages_are_requested_before_the_first_is_handed_over(respx_mock, client):
    # Parsing and drawing the first page must overlap the other pages' round trips.
    api = DemoAPI(packages=synthetic_packages(50), base_url=BASE)
    route = respx_mock.get("packages/").mock(side_effect=demo_route(api))
    async for page in client.iter_pages("packages", Package.from_api, page_size=10):
        assert page.offset == 0
        assert route.call_count == 5  # the first page, and the four others already asked for
        break


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_concurrency_bound_holds(respx_mock, sleeps):
    in_flight = 0
    most = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        pid = int(request.url.path.rstrip("/").rsplit("/", 1)[1])
        return httpx.Response(200, json={"id": pid, "title": f"p{pid}", "slug": f"p{pid}"})

    respx_mock.get(url__regex=r".*/packages/\d+/$").mock(side_effect=slow)
    client = open_client(BASE, concurrency=3, sleep=sleeps)
    try:
        results = [f async for f in client.iter_packages(range(1, 21))]
    finally:
        await client.aclose()
    assert sorted(f.value.id for f in results) == list(range(1, 21))
    assert most == 3


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_one_failed_member_does_not_sink_the_rest(respx_mock, client):
    respx_mock.get(url__regex=r".*/packages/\d+/$").mock(side_effect=demo_route(DemoAPI(base_url=BASE)))
    results = {f.key: f async for f in client.iter_packages([1867, 424242, 1454])}
    assert results[1867].value.slug == "django-otp" and results[1454].value is not None
    assert isinstance(results[424242].error, NotFound) and results[424242].value is None


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (httpx.Response(404, json={"detail": "No Package matches the given query."}), NotFound, "No Package"),
        (httpx.Response(500), ServerError, "HTTP 500"),
        (httpx.Response(502), ServerError, "HTTP 502"),
        (httpx.Response(503), ServerError, "HTTP 503"),
        (httpx.Response(429, headers={"Retry-After": "120"}), RateLimited, "120 s"),
        (httpx.Response(200, content=b'{"id": 1, "title": "trunc'), BadResponse, "was cut off"),
        (httpx.Response(200, content=b'{"id": 1, "title": "x"}}'), BadResponse, "malformed JSON"),
        (httpx.Response(200, content=b"<html>proxy error</html>"), BadResponse, "web page, not JSON"),
        (httpx.Response(200, json=[1, 2, 3]), BadResponse, "package object"),
        (httpx.Response(403), BadResponse, "HTTP 403"),
    ],
)
@respx.mock(base_url=BASE, assert_all_called=False)
async def test_each_error_class_from_its_response(respx_mock, client, response, error, words):
    respx_mock.get("packages/x/").mock(return_value=response)
    with pytest.raises(error) as caught:
        await client.package("x")
    assert words in caught.value.message
    assert "api.test" in caught.value.message or error is BadResponse


@pytest.mark.parametrize(
    ("exception", "error"),
    [
        (httpx.ConnectError("refused"), NoConnection),
        (httpx.ReadTimeout("slow"), Timeout),
        (httpx.ConnectTimeout("slow"), Timeout),
        (httpx.ReadError("reset"), NoConnection),
        (httpx.RemoteProtocolError("incomplete"), BadResponse),
    ],
)
@respx.mock(base_url=BASE, assert_all_called=False)
async def test_each_error_class_from_its_transport_failure(respx_mock, client, exception, error):
    respx_mock.get("packages/x/").mock(side_effect=exception)
    with pytest.raises(error):
        await client.package("x")


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_timeout_message_names_the_host_and_the_seconds(respx_mock, client):
    respx_mock.get("packages/x/").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(Timeout) as caught:
        await client.package("x")
    assert caught.value.message == "api.test did not answer in 2 s"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
@respx.mock(base_url=BASE, assert_all_called=False)
async def test_retries_stop_after_the_limit(respx_mock, client, sleeps, status):
    route = respx_mock.get("packages/x/").mock(return_value=httpx.Response(status))
    with pytest.raises((ServerError, RateLimited)):
        await client.package("x")
    assert route.call_count == 3  # the first try and two retries
    assert len(sleeps.calls) == 2 and sleeps.calls[1] > sleeps.calls[0] * 1.1  # growing backoff


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_connect_errors_retry_then_succeed(respx_mock, client, sleeps):
    route = respx_mock.get("packages/x/").mock(
        side_effect=[httpx.ConnectError("down"), httpx.Response(200, json={"id": 3, "slug": "x"})]
    )
    assert (await client.package("x")).id == 3
    assert route.call_count == 2 and len(sleeps.calls) == 1


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_retry_after_is_honoured(respx_mock, client, sleeps):
    route = respx_mock.get("packages/x/").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={"id": 3})]
    )
    await client.package("x")
    assert route.call_count == 2 and sleeps.calls == [3.0]


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_retry_after_too_long_to_wait_is_reported_at_once(respx_mock, client, sleeps):
    route = respx_mock.get("packages/x/").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "3600"})
    )
    with pytest.raises(RateLimited) as caught:
        await client.package("x")
    assert route.call_count == 1 and sleeps.calls == [] and caught.value.retry_after == 3600


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_404_is_not_retried(respx_mock, client, sleeps):
    route = respx_mock.get("grids/nope/").mock(return_value=httpx.Response(404, json={"detail": "No Grid"}))
    with pytest.raises(NotFound):
        await client.grid("nope")
    assert route.call_count == 1 and sleeps.calls == []


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_lookups_by_id_or_slug_and_category_slug_from_the_list(respx_mock, client):
    respx_mock.route(host="api.test").mock(side_effect=demo_route(DemoAPI(base_url=BASE)))
    assert (await client.package(1867)).slug == "django-otp"
    assert (await client.package("django-otp")).id == 1867
    assert (await client.category(2)).slug == "frameworks"
    assert (await client.category("frameworks")).id == 2
    assert isinstance(await client.category("Apps"), Category)
    with pytest.raises(NotFound):
        await client.category("no-such-category")
    grid = await client.grid(7)
    assert (await client.grid(grid.slug)).id == 7


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_slugs_are_escaped_in_the_path(respx_mock, client):
    route = respx_mock.get(url__regex=r".*/packages/a%2F..%3Fx/$").mock(return_value=httpx.Response(404))
    with pytest.raises(NotFound):
        await client.package("a/..?x")
    assert route.call_count == 1


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_search_answers_a_bare_list(respx_mock, client):
    route = respx_mock.get("search/").mock(side_effect=demo_route(DemoAPI(base_url=BASE)))
    results = await client.search("two factor")
    assert "django-two-factor-auth" in [r.slug for r in results]
    assert route.calls[0].request.url.params["q"] == "two factor"
    assert await client.search("   ") == [] and route.call_count == 1


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_package_pages_take_the_fast_path_and_an_odd_member_the_lenient_one(
    respx_mock, client, monkeypatch
):
    """Well-formed packages are decoded by pkgtui.api.wire; one it cannot read is parsed
    leniently, alone, and every package arrives."""
    packages = synthetic_packages(30)
    packages[17]["repo_watchers"] = "12"  # a count as a string: lenient only
    respx_mock.get("packages/").mock(side_effect=demo_route(DemoAPI(packages=packages, base_url=BASE)))
    fast_results: list[bool] = []
    original = wire.package
    monkeypatch.setattr(
        wire, "package", lambda raw: fast_results.append((p := original(raw)) is not None) or p
    )
    client.page_size = 10
    pages = [page async for page in client.iter_package_pages()]
    assert sorted(p.id for page in pages for p in page.items) == list(range(1, 31))
    assert fast_results.count(False) == 1 and fast_results.count(True) == 29
    assert next(p for page in pages for p in page.items if p.id == 18).stars == 12


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_page_with_a_non_object_package_keeps_the_rest_and_counts_it(respx_mock, client):
    body = {"count": 2, "next": None, "results": [synthetic_packages(1)[0], 5]}
    respx_mock.get("packages/").mock(return_value=httpx.Response(200, json=body))
    pages = [page async for page in client.iter_package_pages()]
    assert [len(page.items) for page in pages] == [1] and pages[0].skipped == 1


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_a_page_of_nothing_but_unreadable_items_is_a_bad_response(respx_mock, client):
    body = {"count": 3, "next": None, "results": [1, "two", None]}
    respx_mock.get("packages/").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(BadResponse, match="none of the 3 items"):
        _ = [page async for page in client.iter_package_pages()]


@respx.mock(base_url=BASE, assert_all_called=False)
async def test_wrong_shaped_lists_are_bad_responses(respx_mock, client):
    respx_mock.get("categories/").mock(return_value=httpx.Response(200, json={"results": "nope"}))
    respx_mock.get("search/").mock(return_value=httpx.Response(200, json={"detail": "x"}))
    with pytest.raises(BadResponse):
        await client.categories()
    with pytest.raises(BadResponse):
        await client.search("x")


@pytest.mark.parametrize("base", [BASE, "http://127.0.0.1:8000/api/v4", "https://Example.ORG:443/a/b/"])
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("packages/1867/", None),
        ("packages/django-otp/", None),
        ("grids/Django_CMS~2.x/", None),
        ("packages/django.contrib/", None),
        ("packages/%C3%A9t%C3%A9/", None),  # escapes: through httpx
        ("packages/../categories/", None),  # dot segments: through httpx
        ("packages/", {"limit": 1000, "offset": 0}),  # a query: through httpx
        ("search/", {"q": "a b&c"}),
    ],
)
def test_the_cache_peek_asks_for_the_url_httpx_would_request(base, path, params):
    client = open_client(base, transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    assert client._url(path, params) == str(client.http.build_request("GET", path, params=params).url)
