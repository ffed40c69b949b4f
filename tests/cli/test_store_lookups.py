"""``show``, ``find`` and ``grid`` read the synced local catalogue first: 0 requests, the same
output as from the API, usage counts ("Users"), search over the whole catalogue; ``--refresh``
asks the API; one bad search hit is left out and counted, not fatal."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys

import httpx
import pytest

from pkgtui import lookup
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.cli import build_parser
from pkgtui.config import load_config
from pkgtui.exit_codes import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from pkgtui.store import Store
from pkgtui.sync_command import catalogue_file
from tests.cli.test_local_catalogue import synced
from tests.conftest import FIXED_NOW
from tests.server import LocalAPI
from tests.store.conftest import sync_from

from .conftest import PIPE_ENV


class CountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, api: DemoAPI) -> None:
        self.inner = api.transport()
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def synced_demo():
    """The demo catalogue synced where ``--demo`` looks for it (this test's own cache dir)."""
    path = catalogue_file(load_config(demo=True, env={}))
    asyncio.run(sync_from(DemoAPI(), path, usage=False))
    return path


def run(argv: list[str], *, store: Store | None, transport: CountingTransport):
    args = build_parser().parse_args(argv)
    config = load_config(demo=True, refresh=getattr(args, "refresh", False), env={})
    client = open_client("https://demo.invalid/api/v4/", transport=transport, backoff=0.0, retries=0)
    out, err = io.StringIO(), io.StringIO()
    code = lookup.run(
        args, config, now=FIXED_NOW, stdout=out, stderr=err, client=client, env=PIPE_ENV, store=store
    )
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "django-otp"],
        ["show", "django-otp", "--json"],
        ["grid", "7", "--plain"],
        ["grid", "7", "--json"],
        ["grid", "7", "--csv"],
    ],
    ids=" ".join,
)
def test_from_the_store_no_request_and_the_same_output(synced_demo, argv):
    from_api = CountingTransport(DemoAPI())
    code_api, out_api, err_api = run(argv, store=None, transport=from_api)
    assert code_api == EXIT_OK and from_api.paths
    stored = CountingTransport(DemoAPI())
    with Store(synced_demo) as store:
        code, out, err = run(argv, store=store, transport=stored)
    assert (code, err) == (EXIT_OK, err_api)  # no warning; the same columns left out, if any
    assert stored.paths == []
    if "--json" in argv and argv[0] == "show":
        a, b = json.loads(out_api), json.loads(out)
        assert a["package"] == b["package"]
        assert {k: v for k, v in a["derived"].items() if k != "usage_count"} == {
            k: v for k, v in b["derived"].items() if k != "usage_count"
        }
    else:
        assert out == out_api


# A fresh process of pkgtui: which of these modules it loaded, on stderr's last line.
LOADED = (
    "import sys; from pkgtui.cli import main; code = main(sys.argv[1:]); "
    "print(sorted(m for m in ('asyncio', 'httpx') if m in sys.modules), file=sys.stderr); sys.exit(code)"
)


@pytest.mark.parametrize(
    "argv", [["find", "otp"], ["grid", "7", "--plain"], ["grid", "7", "--csv"]], ids=" ".join
)
def test_what_the_store_answers_runs_without_an_event_loop(argv):
    with LocalAPI() as server:
        synced(server)
        done = subprocess.run(
            [sys.executable, "-c", LOADED, "--api-url", server.url, *argv],
            capture_output=True,
            text=True,
            env=os.environ | PIPE_ENV,
            timeout=60,
        )
        assert server.log.paths == []
    assert done.returncode == EXIT_OK, done.stderr[-2000:]
    assert done.stdout.strip()
    # Before: asyncio (29 ms of imports) in every lookup, though nothing was awaited.
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_show_prints_the_users_the_store_knows(tmp_path):
    path = catalogue_file(load_config(demo=True, env={}))
    asyncio.run(sync_from(DemoAPI(), path))
    with Store(path) as store:
        # The demo serves no API v3: the count a v3 sync would bring, put as a v3 answer would.
        package = store.package("django-otp")
        raw = json.dumps(store.package_raw("django-otp")).encode()
        store.put_packages([(package, raw)], usage={package.id: 1234})
        usage = store.usage_count(package.id)
        assert usage == 1234
        code, out, _ = run(["show", "django-otp"], store=store, transport=CountingTransport(DemoAPI()))
        assert code == EXIT_OK
        assert f"Users         {usage:,}" in out.splitlines()
        code, out, _ = run(
            ["show", "django-otp", "--json"], store=store, transport=CountingTransport(DemoAPI())
        )
        assert json.loads(out)["derived"]["usage_count"] == usage


def test_find_searches_the_whole_catalogue_past_twenty(synced_demo):
    stored = CountingTransport(DemoAPI())
    with Store(synced_demo) as store:
        everything = len(store.search("django"))
        assert everything > 20
        code, out, _ = run(["find", "django", "--limit", "1000", "--json"], store=store, transport=stored)
    assert code == EXIT_OK and stored.paths == []
    hits = json.loads(out)["results"]
    assert len(hits) == everything
    assert all(hit["item_type"] == "package" and hit["slug"] for hit in hits)


def test_refresh_asks_the_api(synced_demo):
    transport = CountingTransport(DemoAPI())
    with Store(synced_demo) as store:
        args = build_parser().parse_args(["show", "django-otp", "--refresh"])
        config = load_config(demo=True, refresh=True, env={})
        client = open_client("https://demo.invalid/api/v4/", transport=transport, backoff=0.0, retries=0)
        code = lookup.run(
            args,
            config,
            now=FIXED_NOW,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            client=client,
            env=PIPE_ENV,
            store=store,
        )
    assert code == EXIT_OK and transport.paths


def test_one_bad_search_hit_is_left_out_and_counted():
    api = DemoAPI()

    class BadHit(CountingTransport):
        async def handle_async_request(self, request):
            if request.url.path.endswith("/search/"):
                hit = {"title": "django-otp", "slug": "django-otp", "item_type": "package"}
                return httpx.Response(200, json=[hit, "not an object", 7, hit])
            return await super().handle_async_request(request)

    code, out, err = run(["find", "otp"], store=None, transport=BadHit(api))
    assert code == EXIT_OK
    assert out.count("django-otp") == 2
    assert err == "pkgtui: warning: 2 search results skipped (bad data from demo.invalid)\n"


def test_offline_serves_the_store_and_says_what_is_missing(local_api, capsys):
    from pkgtui.cli import main

    assert main(["sync", "--api-url", local_api.url]) == EXIT_OK
    before = len(local_api.log.paths)
    capsys.readouterr()
    assert main(["show", "django-otp", "--api-url", local_api.url, "--offline"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("django-otp\n")
    assert main(["show", "no-such-package", "--api-url", local_api.url, "--offline"]) == EXIT_NOT_FOUND
    err = capsys.readouterr().err
    # the catalogue's age, said once, then what is missing
    assert err.count("\n") == 2 and "not in the local catalogue" in err and "drop --offline" in err
    assert main(["sync", "--api-url", local_api.url, "--offline"]) == EXIT_USAGE
    assert len(local_api.log.paths) == before  # not one request while offline


async def test_offline_client_fails_at_once_without_retrying():
    from pkgtui.api import NoConnection

    config = load_config(api_url="http://127.0.0.1:9/api/v4/", offline=True, use_cache=False, env={})
    client = config.open_client()
    try:
        with pytest.raises(NoConnection, match="offline"):
            await client.package("django-otp")
    finally:
        await client.aclose()
