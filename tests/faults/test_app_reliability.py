"""The app and the command line against bad settings, no terminal, a racing start-up answer,
off-site links and bugs: one line and the right exit code, never a traceback or a blank screen."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys

import pytest

from pkgtui import cli
from pkgtui.api import open_client
from pkgtui.api.demo import DemoAPI
from pkgtui.app import create_app
from pkgtui.config import Config, check_proxy, load_config
from pkgtui.exit_codes import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from pkgtui.screens import home
from pkgtui.screens.home import HomeScreen
from pkgtui.widgets import VirtualTable
from tests.conftest import FIXED_NOW
from tests.faults.test_app_faults import screen_text, settle


def pkgtui(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m pkgtui ARGV`` with no terminal anywhere (stdin from /dev/null, output piped)."""
    return subprocess.run(
        [sys.executable, "-m", "pkgtui", *argv],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"} | (env or {}),
    )


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert (result.returncode, result.stdout) == (code, ""), result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pkgtui"), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


# -- URL settings: checked up front, one line naming the setting --------------------------------------

BAD_API_URLS = {
    "control character": "http://exa\x01mple.com/api/v4/",
    "port 99999": "http://127.0.0.1:99999/api/v4/",
    "port 0": "http://127.0.0.1:0/api/v4/",
    "port not a number": "http://127.0.0.1:http/api/v4/",
    "space inside": "http://example.com/api v4/",
    "unclosed IPv6 bracket": "http://[::1/api/v4/",
    "no host": "http://:8000/api/v4/",
    "not http": "ftp://example.com/api/v4/",
    "invalid IDNA name": "http://xn--zz.example/api/v4/",
}


@pytest.mark.parametrize("url", BAD_API_URLS.values(), ids=BAD_API_URLS.keys())
def test_a_bad_api_url_is_refused_up_front_naming_where_it_came_from(url):
    with pytest.raises(ValueError, match=r"^--api-url must be an http\(s\) URL") as command_line:
        load_config(api_url=url, env={})
    with pytest.raises(ValueError, match=r"^environment variable PKGTUI_API_URL must be") as environment:
        load_config(env={"PKGTUI_API_URL": url})
    for error in (command_line, environment):
        assert "\n" not in str(error.value) and repr(url) in str(error.value)  # control chars escaped


@pytest.mark.parametrize(
    "argv", [["show", "django-otp"], ["find", "auth"], ["grid", "7", "--csv"], [], ["package", "x"]]
)
def test_a_bad_api_url_is_one_line_and_exit_2_for_every_command(argv):
    # The TUI (no command, "package x") starts from the same check, before it needs a terminal.
    for url in (BAD_API_URLS["control character"], BAD_API_URLS["port 99999"]):
        result = pkgtui(*argv, "--api-url", url, "--no-cache")
        assert_one_line(result, EXIT_USAGE, "--api-url")


def test_a_bad_api_url_in_the_config_file_is_a_warning_and_the_default_is_used(tmp_path):
    config_file = tmp_path / "config.toml"
    config_file.write_text('api_url = "http://127.0.0.1:99999/api/v4/"\n', encoding="utf-8")
    config = load_config(env={"PKGTUI_CONFIG": str(config_file)})
    assert config.api_url == Config().api_url
    assert len(config.warnings) == 1 and "api_url" in config.warnings[0]
    assert str(config_file) in config.warnings[0]


BAD_PROXIES = {
    "not a proxy scheme": ("ALL_PROXY", "ftp://127.0.0.1:1080"),
    "port out of range": ("HTTPS_PROXY", "http://127.0.0.1:99999"),
    "control character": ("https_proxy", "http://pro\x00xy:3128"),
    "bare host, bad port": ("HTTPS_PROXY", "127.0.0.1:99999"),
}


@pytest.mark.parametrize(("name", "value"), BAD_PROXIES.values(), ids=BAD_PROXIES.keys())
def test_a_proxy_that_cannot_be_used_is_refused_naming_the_variable(name, value):
    with pytest.raises(ValueError, match=f"^environment variable {name} ") as error:
        load_config(env={name: value})
    assert "\n" not in str(error.value)
    # --demo never touches the network, so its proxy does not matter.
    assert load_config(env={name: value}, demo=True).demo


def test_only_the_proxy_that_would_be_used_is_checked():
    good = "https://djangopackages.org/api/v4/"
    check_proxy(good, {"HTTPS_PROXY": "http://proxy.test:3128", "FTP_PROXY": "ftp://odd"})
    check_proxy(good, {"HTTPS_PROXY": "http://127.0.0.1:99999", "NO_PROXY": "djangopackages.org"})
    check_proxy("http://127.0.0.1:8000/api/v4/", {"HTTPS_PROXY": "http://127.0.0.1:99999"})
    check_proxy(good, {"HTTPS_PROXY": "proxy.test:3128"})  # a bare host:port means http://
    with pytest.raises(ValueError, match="HTTP_PROXY"):
        check_proxy("http://127.0.0.1:8000/api/v4/", {"HTTP_PROXY": "http://127.0.0.1:99999"})


def test_a_socks_proxy_without_its_package_is_one_line(monkeypatch):
    import importlib.util  # what pkgtui.config asks, when a SOCKS proxy is set

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "socksio" else real_find_spec(name, *args),
    )
    with pytest.raises(ValueError, match=r"^environment variable ALL_PROXY .*SOCKS.*httpx\[socks\]"):
        load_config(env={"ALL_PROXY": "socks5://127.0.0.1:1080"})


def test_a_bad_proxy_is_one_line_and_exit_2_from_the_command_line():
    result = pkgtui("show", "django-otp", "--no-cache", env={"ALL_PROXY": "ftp://127.0.0.1:1"})
    assert_one_line(result, EXIT_USAGE, "ALL_PROXY")


# -- no terminal --------------------------------------------------------------------------------------


def test_the_browser_refuses_to_start_without_a_terminal():
    # Before: the app started, drew into the pipe and spun at ~90% CPU for ever (the timeout).
    for argv in (["--demo"], ["package", "django-otp", "--demo"], ["search", "auth", "--demo"]):
        result = pkgtui(*argv, timeout=30)
        assert_one_line(result, EXIT_USAGE, "needs a terminal", "pkgtui show", "pkgtui find", "--plain")


def test_an_empty_name_for_the_browser_is_a_usage_error():
    # Before: "pkgtui grid ''" crashed in the grid screen (an exception outside any worker).
    for command in ("package", "grid", "category"):
        result = pkgtui(command, " ", "--demo")
        assert_one_line(result, EXIT_USAGE, f"pkgtui {command}: SLUG_OR_ID is empty")


def test_the_print_commands_still_work_without_a_terminal():
    result = pkgtui("find", "auth", "--demo")
    assert (result.returncode, result.stderr) == (EXIT_OK, "")
    assert "django-otp" in result.stdout


# -- the last-resort handler --------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_exit_3_and_its_traceback_is_kept(monkeypatch, capsys, tmp_path):
    from pkgtui import lookup

    def broken(args, config):
        raise RuntimeError("a bug \x1b[31mwith an escape\x1b[0m\nand a second line")

    monkeypatch.setattr(lookup, "run", broken)
    assert cli.main(["show", "django-otp", "--demo"]) == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith("pkgtui: internal error: RuntimeError: a bug with an escape and a second line;")
    assert "please report it" in err
    saved = tmp_path / "xdg-state" / "pkgtui" / "last-error.txt"
    assert f"(details in {saved})" in err
    assert "Traceback" in saved.read_text(encoding="utf-8") and "broken" in saved.read_text(encoding="utf-8")


# The crash leaves Textual's header coroutine unawaited; that is the crash's doing, not the app's.
@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
@pytest.mark.parametrize("one_line", [True, False], ids=["run_app's way", "Textual's way"])
async def test_a_crash_inside_the_app_is_kept_for_one_line_not_drawn_as_a_traceback(
    one_line, monkeypatch, capsys
):
    # What run_app sets: Textual draws no traceback, the error is kept, and run_app raises it
    # again once the terminal is back, for cli.main's one line. (Textual's way, for contrast.)
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport())
    app = create_app(Config(demo=True), client=client, clock=lambda: FIXED_NOW)
    app.crash_in_one_line = one_line

    def boom(self) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeScreen, "on_screen_resume", boom)
    with pytest.raises(RuntimeError, match="boom"):  # run_test raises what the app caught
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
    assert isinstance(app.crash, RuntimeError)
    drawn = capsys.readouterr().err
    assert ("Traceback" in drawn) is not one_line
    gc.collect()  # the unawaited coroutine's warning comes here, under this test's filter


# -- home: the answer that lands as home takes it -------------------------------------------------------


async def test_home_shows_its_categories_when_the_answer_lands_as_home_takes_it():
    """Home's data is asked for in App.on_load and taken by home's first load. When it is
    completed just as home takes it (the answer was arriving then), the loading message is
    shown and cleared before it is ever styled, so nothing re-laid out the screen: the
    categories table kept the height it had while empty, under "Categories (4)", until a
    resize or a key. 2 of ~226 cold starts did that; here the timing is forced."""
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport())
    answer = await asyncio.gather(client.categories(), client.grids())
    app = create_app(Config(demo=True), client=client, clock=lambda: FIXED_NOW)
    arrived: asyncio.Future = asyncio.get_running_loop().create_future()

    async def home_data(refresh: bool):
        return await arrived

    app.fetch_home_data = home_data  # type: ignore[method-assign]
    take = app.take_home_data

    def take_as_it_arrives():
        started = take()
        if started is not None and not arrived.done():
            arrived.set_result(answer)
        return started

    app.take_home_data = take_as_it_arrives  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)  # no resize, no key: what the user sees without touching it
        table = app.screen.query_one("#categories", VirtualTable)
        assert table.row_count == 4
        assert table.region.height == 5  # the header and the four rows
        text = screen_text(app)
        assert "Categories (4)" in text
        for title in ("Apps", "Frameworks", "Other", "Projects"):
            assert title in text


async def test_home_shows_its_categories_when_the_answer_comes_after_the_first_frame():
    api = DemoAPI()
    client = open_client(api.base_url, transport=api.transport())
    app = create_app(Config(demo=True), client=client, clock=lambda: FIXED_NOW)
    release = asyncio.Event()
    fetch = app.fetch_home_data

    async def late(refresh: bool):
        await release.wait()
        return await fetch(refresh)

    app.fetch_home_data = late  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert "Loading categories and grids" in screen_text(app)
        release.set()
        await settle(pilot)
        assert app.screen.query_one("#categories", VirtualTable).region.height == 5
        assert "Frameworks" in screen_text(app)


# -- "o" on a search result: only the API's own site ------------------------------------------------------


class OffSiteSearch(DemoAPI):
    """Search results whose ``absolute_url`` names other hosts (a compromised or buggy API)."""

    def search(self, term: str) -> list[dict]:
        hits = super().search(term)[:4]
        urls = [
            "https://evil.example/packages/p/django-otp/",
            "//evil.example/phish/",
            "http:evil.example/x/",
            "/packages/p/fine/",
        ]
        return [dict(hit, absolute_url=url) for hit, url in zip(hits, urls, strict=False)]


@pytest.mark.parametrize(
    ("config", "site"),
    [
        (Config(demo=True), "https://djangopackages.org"),
        (Config(api_url="http://127.0.0.1:8123/api/v4/"), "http://127.0.0.1:8123"),
    ],
    ids=["demo", "own API"],
)
async def test_o_on_a_search_result_opens_only_a_page_of_the_apis_site(config, site, monkeypatch):
    from pkgtui.target import StartTarget
    from tests.faults.test_app_faults import build

    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    api = OffSiteSearch()
    client = open_client(api.base_url, transport=api.transport(), backoff=0.0)
    app, recorder = build(client, StartTarget("search", "django"), config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # The search box's first value may ask again after the debounce, and a new answer puts
        # the cursor back on the first row: let that happen before moving it.
        await pilot.pause(home.SEARCH_DEBOUNCE + 0.2)
        await settle(pilot)
        results = app.screen.query_one("#results", VirtualTable)
        assert results.row_count == 4
        results.focus()
        for row in range(4):
            results.cursor = row
            await pilot.pause()
            assert results.cursor == row
            await pilot.press("o")
            await pilot.pause()
    assert recorder.opened == [
        f"{site}/packages/p/django-otp/",
        f"{site}/phish/",
        f"{site}/evil.example/x/",
        f"{site}/packages/p/fine/",
    ]
