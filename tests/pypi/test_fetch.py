"""Fetching PyPI's facts against mocked HTTP: headers, 404, retries, size cap, batches."""

from __future__ import annotations

import asyncio
import gzip
import json

import httpx
import pytest
import respx

from pkgtui.api.client import USER_AGENT
from pkgtui.api.errors import BadResponse, NoConnection, NotFound, RateLimited, ServerError, Timeout
from pkgtui.api.pypi import fetch_facts, fetch_many, open_pypi_client, parse_facts
from tests.conftest import Sleeps
from tests.pypi.data import project_json

PYPI = "https://pypi.org/pypi/"
OTP_URL = "https://pypi.org/pypi/django-otp/json"


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def http():
    client = open_pypi_client(timeout=2)
    yield client
    await client.aclose()


@respx.mock(assert_all_called=False)
async def test_facts_are_fetched_from_the_normal_name_with_the_right_headers(respx_mock, http):
    route = respx_mock.get(OTP_URL).respond(
        200,
        json=project_json(),
        headers={"ETag": '"5e1c-v2"', "Last-Modified": "Wed, 09 Apr 2025 16:10:40 GMT"},
    )
    facts = await fetch_facts(http, "Django_OTP", base_url=PYPI)
    assert facts.name == "django-otp" and facts.version == "1.6.0"
    assert (facts.etag, facts.last_modified) == ('"5e1c-v2"', "Wed, 09 Apr 2025 16:10:40 GMT")
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT


@respx.mock(assert_all_called=False)
async def test_a_plain_httpx_client_gets_the_headers_too(respx_mock):
    route = respx_mock.get(OTP_URL).respond(200, json=project_json())
    async with httpx.AsyncClient() as plain:
        await fetch_facts(plain, "django-otp")
    assert route.calls.last.request.headers["User-Agent"] == USER_AGENT


@respx.mock(assert_all_called=False)
async def test_not_on_pypi_is_not_found_and_not_retried(respx_mock, http, sleeps):
    route = respx_mock.get(OTP_URL).respond(404, json={"message": "Not Found"})
    with pytest.raises(NotFound, match="django-otp is not on PyPI"):
        await fetch_facts(http, "django-otp", sleep=sleeps)
    assert route.call_count == 1 and sleeps.calls == []


@respx.mock(assert_all_called=False)
async def test_server_errors_are_retried_then_succeed(respx_mock, http, sleeps):
    route = respx_mock.get(OTP_URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(502), httpx.Response(200, json=project_json())]
    )
    facts = await fetch_facts(http, "django-otp", sleep=sleeps, retries=2, backoff=0.5)
    assert facts.version == "1.6.0"
    assert route.call_count == 3
    assert len(sleeps.calls) == 2 and sleeps.calls[1] > sleeps.calls[0] > 0  # backing off


@respx.mock(assert_all_called=False)
async def test_server_errors_that_go_on_are_a_server_error_after_the_retries(respx_mock, http, sleeps):
    route = respx_mock.get(OTP_URL).respond(500)
    with pytest.raises(ServerError, match="HTTP 500"):
        await fetch_facts(http, "django-otp", sleep=sleeps, retries=2)
    assert route.call_count == 3


@respx.mock(assert_all_called=False)
async def test_timeouts_are_retried_then_a_timeout(respx_mock, http, sleeps):
    route = respx_mock.get(OTP_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(Timeout):
        await fetch_facts(http, "django-otp", sleep=sleeps, retries=1)
    assert route.call_count == 2


@respx.mock(assert_all_called=False)
async def test_a_refused_connection_is_no_connection(respx_mock, http, sleeps):
    respx_mock.get(OTP_URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(NoConnection, match="cannot connect to pypi.org"):
        await fetch_facts(http, "django-otp", sleep=sleeps)


@respx.mock(assert_all_called=False)
async def test_rate_limiting_waits_as_asked_unless_it_is_too_long(respx_mock, http, sleeps):
    respx_mock.get(OTP_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, json=project_json()),
        ]
    )
    await fetch_facts(http, "django-otp", sleep=sleeps)
    assert sleeps.calls == [3.0]
    respx_mock.get(OTP_URL).mock(
        side_effect=None, return_value=httpx.Response(429, headers={"Retry-After": "600"})
    )
    with pytest.raises(RateLimited):
        await fetch_facts(http, "django-otp", sleep=sleeps)
    assert sleeps.calls == [3.0]  # not waited ten minutes


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html>Service Unavailable</html>", "malformed JSON"),
        (b'{"info": {"name": "x"', "malformed JSON"),
        (b"\xff\xfe\x00", "malformed JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON"),  # too deep to decode
        (b'{"info": {}, "releases": []}', "no releases"),
        (b'"django-otp"', "not a JSON object"),
    ],
)
@respx.mock(assert_all_called=False)
async def test_what_is_not_pypis_json_is_a_bad_response(respx_mock, http, body, words):
    respx_mock.get(OTP_URL).respond(200, content=body)
    with pytest.raises(BadResponse, match=words):
        await fetch_facts(http, "django-otp")


@respx.mock(assert_all_called=False)
async def test_an_odd_status_is_a_bad_response(respx_mock, http):
    respx_mock.get(OTP_URL).respond(403)
    with pytest.raises(BadResponse, match="HTTP 403"):
        await fetch_facts(http, "django-otp")


async def test_a_name_that_is_not_a_project_name_is_refused_without_a_request():
    requests = []
    transport = httpx.MockTransport(lambda request: requests.append(request) or httpx.Response(200))
    async with open_pypi_client(transport=transport) as http:
        with pytest.raises(BadResponse, match="not a PyPI project name"):
            await fetch_facts(http, "../../admin")
    assert requests == []


class CountingStream(httpx.AsyncByteStream):
    """A body of ``chunks`` chunks of ``size`` bytes, counting how many were read."""

    def __init__(self, chunks: int, size: int) -> None:
        self.chunks, self.size, self.read = chunks, size, 0

    async def __aiter__(self):
        for _ in range(self.chunks):
            self.read += 1
            yield b" " * self.size

    async def aclose(self) -> None:
        pass


async def test_a_body_past_the_cap_is_given_up_on_while_streaming():
    stream = CountingStream(chunks=1000, size=64 * 1024)  # 64 MB in all, no Content-Length
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    async with open_pypi_client(transport=transport) as http:
        with pytest.raises(BadResponse, match="larger than 1 MB"):
            await fetch_facts(http, "django-otp", max_bytes=1024 * 1024)
    assert stream.read <= 17  # stopped just past 1 MB, not read to the end


class EndlessStream(httpx.AsyncByteStream):
    """A body that sends one byte and then nothing, never ending (each read is not late: the
    server just never finishes)."""

    def __init__(self) -> None:
        self.opened = 0

    async def __aiter__(self):
        self.opened += 1
        yield b"{"
        await asyncio.Event().wait()

    async def aclose(self) -> None:
        pass


async def test_an_answer_that_never_ends_meets_the_deadline_and_is_retried(sleeps):
    stream = EndlessStream()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    async with open_pypi_client(transport=transport) as http:
        with pytest.raises(Timeout, match="did not finish answering in 0.05 s"):
            await fetch_facts(http, "django-otp", deadline=0.05, retries=1, sleep=sleeps)
    assert stream.opened == 2 and len(sleeps.calls) == 1


@respx.mock(assert_all_called=False)
async def test_a_declared_length_past_the_cap_is_refused_before_reading(respx_mock, http):
    respx_mock.get(OTP_URL).respond(200, content=b"{}", headers={"Content-Length": str(9 * 1024 * 1024)})
    with pytest.raises(BadResponse, match="larger than 8 MB"):
        await fetch_facts(http, "django-otp")


@respx.mock(assert_all_called=False)
async def test_the_cap_is_on_the_decoded_size_not_the_compressed_one(respx_mock, http):
    big = json.dumps(project_json() | {"padding": " " * (2 * 1024 * 1024)}).encode()
    compressed = gzip.compress(big)
    assert len(compressed) < 1024 * 1024 < len(big)
    respx_mock.get(OTP_URL).respond(200, content=compressed, headers={"Content-Encoding": "gzip"})
    with pytest.raises(BadResponse, match="larger than 1 MB"):
        await fetch_facts(http, "django-otp", max_bytes=1024 * 1024)
    facts = await fetch_facts(http, "django-otp", max_bytes=4 * 1024 * 1024)
    assert facts.version == "1.6.0"


@respx.mock(assert_all_called=False)
async def test_redirects_are_followed_on_pypi_but_not_off_it(respx_mock, http):
    respx_mock.get("https://pypi.org/pypi/django/json").respond(
        301, headers={"Location": "https://pypi.org/pypi/Django/json"}
    )
    respx_mock.get("https://pypi.org/pypi/Django/json").respond(200, json=project_json("Django"))
    assert (await fetch_facts(http, "django")).name == "Django"
    respx_mock.get(OTP_URL).respond(302, headers={"Location": "https://evil.test/pypi/django-otp/json"})
    evil = respx_mock.get("https://evil.test/pypi/django-otp/json").respond(200, json=project_json())
    with pytest.raises(BadResponse, match="another host"):
        await fetch_facts(http, "django-otp")
    assert evil.called  # httpx followed it; the answer was not used


@respx.mock(assert_all_called=False)
async def test_revalidation_sends_the_validators_and_keeps_the_facts_on_304(respx_mock, http):
    previous = parse_facts(project_json(), etag='"v1"', last_modified="Wed, 09 Apr 2025 16:10:40 GMT")
    route = respx_mock.get(OTP_URL).respond(304)
    assert await fetch_facts(http, "django-otp", previous=previous) is previous
    headers = route.calls.last.request.headers
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Wed, 09 Apr 2025 16:10:40 GMT"


@respx.mock(assert_all_called=False)
async def test_a_304_without_facts_to_keep_is_a_bad_response(respx_mock, http):
    respx_mock.get(OTP_URL).respond(304)
    with pytest.raises(BadResponse, match="HTTP 304"):
        await fetch_facts(http, "django-otp")


# -- many at once --------------------------------------------------------------------------


@respx.mock(assert_all_called=False)
async def test_one_failure_never_fails_the_batch(respx_mock, http, sleeps):
    respx_mock.get(OTP_URL).respond(200, json=project_json())
    respx_mock.get("https://pypi.org/pypi/gone/json").respond(404)
    respx_mock.get("https://pypi.org/pypi/broken/json").respond(500)
    respx_mock.get("https://pypi.org/pypi/garbled/json").respond(200, content=b"<html>")
    results = await fetch_many(http, ["django-otp", "gone", "broken", "garbled", "django-otp"], sleep=sleeps)
    assert [r.name for r in results] == ["django-otp", "gone", "broken", "garbled"]  # once each, in order
    ok, gone, broken, garbled = results
    assert ok.facts is not None and ok.error is None and not ok.not_on_pypi
    assert gone.facts is None and gone.not_on_pypi
    assert isinstance(broken.error, ServerError) and not broken.not_on_pypi
    assert isinstance(garbled.error, BadResponse)


async def test_fetch_many_keeps_to_its_concurrency_bound():
    in_flight = peak = 0

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(20):  # let every other task that could start, start
            await asyncio.sleep(0)
        in_flight -= 1
        name = request.url.path.split("/")[2]
        return httpx.Response(200, json=project_json(name))

    names = [f"pkg-{i}" for i in range(12)]
    async with open_pypi_client(transport=httpx.MockTransport(answer), concurrency=10) as http:
        results = await fetch_many(http, names, concurrency=3)
        assert peak == 3
        assert [r.facts.name for r in results if r.facts] == names
        peak = 0
        await fetch_many(http, names)  # the default: 4, whatever the pool allows
        assert peak == 4


@respx.mock(assert_all_called=False)
async def test_fetch_many_revalidates_what_it_is_given(respx_mock, http):
    previous = parse_facts(project_json(), etag='"v1"')
    route = respx_mock.get(OTP_URL).respond(304)
    [result] = await fetch_many(http, ["django-otp"], previous={"django-otp": previous})
    assert result.facts is previous
    assert route.calls.last.request.headers["If-None-Match"] == '"v1"'
