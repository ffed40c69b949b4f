"""Where the data comes from: --api-url, the disk cache, and failures reaching the API."""

from __future__ import annotations

import httpx

from pkgtui.api import open_client
from pkgtui.exit_codes import EXIT_API, EXIT_OK
from tests.cli.conftest import run_lookup
from tests.cli.test_entry_point import refused_url
from tests.server import LocalAPI


def test_api_url_and_the_cache_serve_a_second_run_without_the_server():
    with LocalAPI() as server:
        first = run_lookup(["show", "django-otp", "--api-url", server.url])
        asked = len(server.log.paths)
    assert first.code == EXIT_OK and asked == 4
    # the server is gone; the cached answers (still fresh) are used
    again = run_lookup(["show", "django-otp", "--api-url", server.url])
    assert (again.code, again.out) == (EXIT_OK, first.out)
    # The same as the demo's, but for the demo's made-up PyPI facts (this run asks no PyPI).
    facts = ("Latest ", "Releases ", "License ", "Python ", "Django ", "Status ")
    demo = run_lookup(["show", "django-otp", "--demo"]).out.splitlines(keepends=True)
    assert again.out == "".join(line for line in demo if not line.startswith(facts))


def test_no_cache_with_no_server_is_a_network_failure():
    result = run_lookup(["find", "auth"], client=open_client(refused_url(), backoff=0.0))
    assert (result.code, result.out) == (EXIT_API, "")
    assert result.err.count("\n") == 1
    assert result.err.startswith("pkgtui find: could not get search results for 'auth': cannot connect")


def answering(status: int, headers: dict[str, str] | None = None):
    transport = httpx.MockTransport(
        lambda request: httpx.Response(status, headers=headers or {}, text="oops")
    )
    return open_client("http://api.test/api/v4/", transport=transport, backoff=0.0)


def test_server_errors_rate_limits_and_garbage_exit_3_with_a_hint():
    cases = {
        500: "run it again later",
        429: "try again in 5 s; run it again then",  # the wait said once
        200: "points at a djangopackages API v4 root",  # not JSON
    }
    for status, hint in cases.items():
        client = answering(status, {"Retry-After": "5"} if status == 429 else None)
        client.max_retry_after = 1.0  # do not sit out the wait in a test
        result = run_lookup(["show", "django-otp"], client=client)
        assert (result.code, result.out) == (EXIT_API, ""), status
        assert result.err.count("\n") == 1 and hint in result.err, result.err


def test_refresh_asks_the_api_again_despite_a_fresh_cache():
    with LocalAPI() as server:
        run_lookup(["find", "auth", "--api-url", server.url])
        run_lookup(["find", "auth", "--api-url", server.url])
        assert len(server.log.paths) == 1  # the second answer came from the cache
        refreshed = run_lookup(["find", "auth", "--api-url", server.url, "--refresh"])
        assert len(server.log.paths) == 2
    assert refreshed.code == EXIT_OK and "django-otp" in refreshed.out
