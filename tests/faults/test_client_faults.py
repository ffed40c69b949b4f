"""The API client against a real misbehaving HTTP server on 127.0.0.1.

Each fault must end as the right :class:`APIError` subclass with a sentence a user can
read, retries must stop, and a fault that clears must let the next try succeed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from pkgtui.api import (
    APIError,
    BadResponse,
    NoConnection,
    NotFound,
    Package,
    RateLimited,
    ServerError,
    Timeout,
    open_client,
)
from tests.conftest import Sleeps
from tests.server import (
    LocalAPI,
    as_list,
    as_object,
    body,
    delayed,
    invalid_json,
    nothing,
    rate_limited,
    refused_port,
    refused_url,
    reset,
    reshaped,
    status,
    trickled,
    truncated,
    without_keys,
    wrong_types,
)

PACKAGE = r"/packages/1867/"


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    with LocalAPI() as api:
        yield api


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(server, sleeps):
    client = open_client(server.url, timeout=1.0, backoff=0.0, retries=2, sleep=sleeps)
    yield client
    await client.aclose()


def requests_to(server: LocalAPI, fragment: str) -> int:
    return sum(fragment in path for path in server.log.paths)


def assert_readable(error: APIError) -> None:
    """A sentence for the status line: one line, names the host, no exception class dump."""
    assert error.message and "\n" not in error.message
    assert "127.0.0.1" in error.message
    assert "Traceback" not in error.message and "Error(" not in error.message
    assert error.hint


# -- HTTP errors and retries ----------------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 502, 503])
async def test_server_errors_are_retried_then_reported(server, client, code):
    server.faults.add(status(code), path=PACKAGE)
    with pytest.raises(ServerError) as caught:
        await client.package(1867)
    assert caught.value.status == code and f"HTTP {code}" in caught.value.message
    assert_readable(caught.value)
    assert requests_to(server, PACKAGE) == 3  # one try and two retries, then it stops


async def test_a_server_error_that_clears_is_retried_into_success(server, client):
    rule = server.faults.add(status(503), path=PACKAGE, times=2)
    package = await client.package(1867)
    assert package.slug == "django-otp" and rule.hits == 2
    assert requests_to(server, PACKAGE) == 3


async def test_a_share_of_server_errors_spares_the_rest(server, client):
    server.faults.error_rate, server.faults.seed = 0.3, 7
    ids = [p["id"] for p in server.api.packages]
    fetched = [f async for f in client.iter_packages(ids)]
    assert len(fetched) == len(ids)
    failed = [f for f in fetched if f.error is not None]
    assert all(isinstance(f.error, ServerError) for f in failed)
    assert len(failed) < len(ids) // 4  # with retries, most of a 30 % error share gets through
    assert {s for _, s in server.log.faulted} <= {"status 500", "status 502", "status 503"}
    assert len(server.log.faulted) > 10  # the share really was served


async def test_rate_limit_with_retry_after_waits_as_told(server, client, sleeps):
    server.faults.add(rate_limited(0.25), path=PACKAGE, times=1)
    assert (await client.package(1867)).id == 1867
    assert sleeps.calls == [0.25]


async def test_rate_limit_that_persists_is_reported_with_the_wait(server, client, sleeps):
    server.faults.add(rate_limited(3), path=PACKAGE)
    with pytest.raises(RateLimited) as caught:
        await client.package(1867)
    assert caught.value.retry_after == 3 and "try again in 3 s" in caught.value.message
    assert_readable(caught.value)
    assert sleeps.calls == [3, 3] and requests_to(server, PACKAGE) == 3


async def test_rate_limit_with_a_long_retry_after_is_not_waited_out(server, client, sleeps):
    server.faults.add(rate_limited(3600), path=PACKAGE)
    with pytest.raises(RateLimited) as caught:
        await client.package(1867)
    assert caught.value.retry_after == 3600 and sleeps.calls == []
    assert requests_to(server, PACKAGE) == 1


async def test_rate_limit_with_an_http_date_or_garbage_retry_after(server, client, sleeps):
    server.faults.add(rate_limited("Wed, 21 Oct 2015 07:28:00 GMT"), path=PACKAGE, times=1)
    server.faults.add(rate_limited("soon-ish"), path=PACKAGE, times=1)
    assert (await client.package(1867)).id == 1867
    assert sleeps.calls[0] == 0.0  # a date in the past: retry now
    assert len(sleeps.calls) == 2  # garbage: the usual backoff


async def test_not_found_is_not_retried(server, client):
    with pytest.raises(NotFound) as caught:
        await client.package("no-such-thing")
    assert "No Package matches" in caught.value.message
    assert requests_to(server, "no-such-thing") == 1


# -- broken bodies and connections ----------------------------------------------------------------


async def test_truncated_body_is_an_incomplete_response(server, client):
    server.faults.add(truncated(0.5), path=PACKAGE)
    with pytest.raises(BadResponse) as caught:
        await client.package(1867)
    assert "incomplete" in caught.value.message
    assert_readable(caught.value)
    assert requests_to(server, PACKAGE) == 3


async def test_truncated_body_once_is_retried(server, client):
    server.faults.add(truncated(0.1), path=PACKAGE, times=1)
    assert (await client.package(1867)).slug == "django-otp"


async def test_connection_reset_mid_response_is_a_lost_connection(server, client):
    server.faults.add(reset(0.3), path=PACKAGE)
    with pytest.raises(NoConnection) as caught:
        await client.package(1867)
    assert "lost" in caught.value.message or "incomplete" in caught.value.message
    assert_readable(caught.value)
    assert requests_to(server, PACKAGE) == 3


async def test_connection_reset_once_is_retried(server, client):
    server.faults.add(reset(0.3), path=PACKAGE, times=1)
    assert (await client.package(1867)).slug == "django-otp"


async def test_refused_port_is_no_connection(sleeps):
    with refused_port() as port:
        client = open_client(refused_url(port), timeout=1.0, backoff=0.0, retries=2, sleep=sleeps)
        try:
            with pytest.raises(NoConnection) as caught:
                await client.categories()
        finally:
            await client.aclose()
    assert "cannot connect" in caught.value.message and "127.0.0.1" in caught.value.message
    assert len(sleeps.calls) == 2  # two retries, then it stops


async def test_slow_first_byte_times_out(server, client):
    server.faults.add(delayed(5), path=PACKAGE)
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        await client.package(1867)
    assert time.monotonic() - started < 4
    assert "did not answer" in caught.value.message
    assert_readable(caught.value)


async def test_trickled_body_cannot_outlast_the_timeout(server, sleeps):
    # Every read gets a few bytes well inside the 0.5 s timeout, but the whole answer would
    # take ~5 s: the client must give up on the whole, not wait for it.
    server.faults.add(trickled(chunk=64, interval=0.2), path=PACKAGE)
    client = open_client(server.url, timeout=0.5, backoff=0.0, sleep=sleeps)
    started = time.monotonic()
    with pytest.raises(Timeout) as caught:
        await client.package(1867)
    await client.aclose()
    assert time.monotonic() - started < 4
    assert "did not finish answering" in caught.value.message
    assert_readable(caught.value)
    assert requests_to(server, PACKAGE) == 1


async def test_a_quick_trickle_still_arrives(server, client):
    server.faults.add(trickled(chunk=512, interval=0.01), path=PACKAGE)
    assert (await client.package(1867)).slug == "django-otp"


# -- bodies that are not what was asked for --------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "says"),
    [
        (invalid_json(), "malformed JSON"),
        (invalid_json(b"\xff\xfe not utf-8 \x00"), "malformed JSON"),
        (invalid_json(b""), "an empty answer"),
        (body(b"<html><body>Please log in to the proxy</body></html>"), "web page, not JSON"),
    ],
    ids=["broken JSON", "bytes", "empty", "proxy HTML page"],
)
async def test_a_body_that_is_not_json_is_a_bad_response(server, client, action, says):
    server.faults.add(action, path=PACKAGE)
    with pytest.raises(BadResponse) as caught:
        await client.package(1867)
    assert says in caught.value.message
    assert_readable(caught.value)
    assert requests_to(server, PACKAGE) == 3  # retried like a 5xx: a proxy's page may go away


@pytest.mark.parametrize(
    ("path", "call", "action"),
    [
        (PACKAGE, lambda c: c.package(1867), reshaped(as_list)),
        (PACKAGE, lambda c: c.package(1867), reshaped(without_keys("id"))),
        (PACKAGE, lambda c: c.package(1867), reshaped(nothing)),
        (PACKAGE, lambda c: c.package(1867), reshaped(wrong_types)),
        (r"/grids/7/", lambda c: c.grid(7), reshaped(as_list)),
        (r"/categories/\?", lambda c: c.categories(), reshaped(without_keys("results"))),
        (r"/categories/\?", lambda c: c.categories(), reshaped(wrong_types)),
        (r"/categories/\?", lambda c: c.categories(), reshaped(nothing)),
        (r"/packages/\?", lambda c: c.list_all("packages", Package.from_api), reshaped(as_list)),
        (r"/search/", lambda c: c.search("django"), reshaped(as_object)),
    ],
    ids=[
        "package as list",
        "package without id",
        "package null",
        "package wrong types",
        "grid as list",
        "page without results",
        "page wrong types",
        "page null",
        "page as list of pages",
        "search as object",
    ],
)
async def test_wrong_shapes_are_bad_responses(server, client, path, call, action):
    server.faults.add(action, path=path)
    with pytest.raises(BadResponse) as caught:
        await call(client)
    assert caught.value.message and "\n" not in caught.value.message


async def test_missing_and_mistyped_optional_fields_are_taken_in_stride(server, client):
    def damaged(data):
        kept = {"id": data["id"], "slug": data["slug"]}
        return kept | {"title": None, "repo_watchers": "many", "participants": 5, "commits_over_52": {"a": 1}}

    server.faults.add(reshaped(damaged), path=PACKAGE)
    package = await client.package(1867)
    assert package.display_title == "django-otp"
    server.faults.add(reshaped(wrong_types), path=r"/search/")
    results = await client.search("django")  # fields of the wrong type become blanks, not errors
    assert results and all(r.title == "42" and r.repo_watchers is None for r in results)
    assert package.stars is None and package.participants == () and package.commits_over_52 == ()


async def test_a_lying_count_with_no_next_page_costs_one_request(server, client):
    # count says a billion, but the server's own "next" says this is the last page.
    server.faults.add(reshaped(lambda page: page | {"count": 10**9}, "count lies"), path=r"/categories/\?")
    categories = await client.categories()
    assert len(categories) == 4
    assert requests_to(server, "/categories/") == 1


async def test_one_faulty_member_does_not_sink_the_rest(server, client):
    server.faults.add(truncated(0.2), path=PACKAGE)
    grid = await client.grid(7)
    fetched = {f.key: f async for f in client.iter_packages(grid.package_ids)}
    assert isinstance(fetched[1867].error, BadResponse)
    assert all(f.value is not None for key, f in fetched.items() if key != 1867)


async def test_after_every_fault_clears_the_same_client_works(server, client):
    for action in (status(500), truncated(), reset(), invalid_json(), reshaped(as_list), delayed(3)):
        server.faults.add(action, path=PACKAGE)
        with pytest.raises(APIError):
            await client.package(1867)
        server.faults.clear()
        assert (await client.package(1867)).slug == "django-otp"
