"""State that must not be lost or block the app: the cache, the config file, files the app writes.

A broken cache (corrupt, unwritable, a full disk) is switched off with one warning and the
app carries on uncached; a broken config file is one warning a problem and defaults are used;
the app's own writes are atomic.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkgtui import storage
from pkgtui.api import open_client
from pkgtui.config import Config, load_config
from pkgtui.storage import atomic_write_text
from tests.server import LocalAPI

GARBAGE = b"\x00\xffThis is not an SQLite database.\x13\x37" * 100


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    with LocalAPI() as api:
        yield api


async def fetch_three_times(server: LocalAPI, cache_file: Path, warnings: list[str]) -> None:
    client = open_client(server.url, cache_file=cache_file, backoff=0.0, on_cache_warning=warnings.append)
    try:
        for _ in range(3):
            assert (await client.package(1867)).slug == "django-otp"
            assert len(await client.categories()) == 4
    finally:
        await client.aclose()


def assert_one_warning(warnings: list[str], *words: str) -> None:
    assert len(warnings) == 1, warnings
    assert "\n" not in warnings[0] and "running without it" in warnings[0]
    for word in words:
        assert word in warnings[0]


# -- the HTTP cache -----------------------------------------------------------------------------


async def test_corrupted_cache_file_is_one_warning_and_no_cache(server, tmp_path):
    cache_file = tmp_path / "http-cache.sqlite"
    cache_file.write_bytes(GARBAGE)
    warnings: list[str] = []
    await fetch_three_times(server, cache_file, warnings)
    assert_one_warning(warnings, str(cache_file))
    assert len(server.log.paths) == 6  # every request went to the network: nothing was cached
    assert cache_file.read_bytes() == GARBAGE  # and the user's file was not touched


async def test_cache_corrupted_while_running_is_dropped_not_fatal(server, tmp_path):
    cache_file = tmp_path / "http-cache.sqlite"
    warnings: list[str] = []
    client = open_client(server.url, cache_file=cache_file, backoff=0.0, on_cache_warning=warnings.append)
    try:
        await client.package(1867)
        await client.package(1867)  # answered from the cache, so the first answer's save is done
        assert warnings == [] and cache_file.stat().st_size > 0
        transport = client.cache  # the CachingTransport (under the request log)
        transport._storage.close()  # what another process scribbling over the file leaves
        cache_file.write_bytes(GARBAGE)
        transport._storage = None
        assert (await client.package(1867)).slug == "django-otp"
        assert (await client.package(1867)).slug == "django-otp"
    finally:
        await client.aclose()
    assert_one_warning(warnings)


async def test_cache_dir_under_a_regular_file_is_one_warning(server, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    await fetch_three_times(server, blocker / "pkgtui" / "http-cache.sqlite", warnings)
    assert_one_warning(warnings)


async def test_cache_file_that_is_a_folder_is_one_warning(server, tmp_path):
    cache_file = tmp_path / "http-cache.sqlite"
    cache_file.mkdir()
    warnings: list[str] = []
    await fetch_three_times(server, cache_file, warnings)
    assert_one_warning(warnings)


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), sqlite3.OperationalError("database or disk is full")],
    ids=["ENOSPC", "sqlite full"],
)
async def test_full_disk_is_one_warning_and_no_cache(server, tmp_path, monkeypatch, error):
    from hishel import SqliteStorage

    def disk_full(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(SqliteStorage, "create_entry", disk_full)
    warnings: list[str] = []
    await fetch_three_times(server, tmp_path / "http-cache.sqlite", warnings)
    assert_one_warning(warnings, "full" if isinstance(error, sqlite3.Error) else "No space")


async def test_unreadable_cache_is_one_warning(server, tmp_path, monkeypatch):
    # Tests run as root, where chmod blocks nothing: fail the read itself.
    from hishel import SqliteStorage

    def unreadable(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(SqliteStorage, "get_entries", unreadable)
    warnings: list[str] = []
    await fetch_three_times(server, tmp_path / "http-cache.sqlite", warnings)
    assert_one_warning(warnings, "Permission denied")


async def test_a_working_cache_still_caches(server, tmp_path):
    # The control for the tests above: the same calls with a healthy cache go to the network once.
    warnings: list[str] = []
    await fetch_three_times(server, tmp_path / "http-cache.sqlite", warnings)
    assert warnings == [] and len(server.log.paths) == 2


# -- the config file -----------------------------------------------------------------------------


def config_with(tmp_path: Path, content: bytes | str) -> Config:
    path = tmp_path / "config.toml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return load_config(env={"PKGTUI_CONFIG": str(path)})


def assert_defaults_with_one_warning(config: Config, *words: str) -> None:
    assert len(config.warnings) == 1, config.warnings
    assert "\n" not in config.warnings[0]
    for word in words:
        assert word in config.warnings[0]
    assert config.api_url == Config().api_url and config.timeout == Config().timeout


@pytest.mark.parametrize(
    ("content", "word"),
    [
        ("api_url = \n[broken", "not valid TOML"),
        ('api_url = "https://a.example/"\napi_url = "twice"', "not valid TOML"),
        (b"\xff\xfe\x00 not utf-8", "cannot be read"),
        (b"\x00" * 64, "not valid TOML"),
    ],
    ids=["syntax", "duplicate key", "not UTF-8", "NUL bytes"],
)
def test_invalid_config_file_is_one_warning_and_defaults(tmp_path, content, word):
    assert_defaults_with_one_warning(config_with(tmp_path, content), word, "config.toml")


def test_config_path_that_is_a_folder_is_one_warning(tmp_path):
    (tmp_path / "config.toml").mkdir()
    config = load_config(env={"PKGTUI_CONFIG": str(tmp_path / "config.toml")})
    assert_defaults_with_one_warning(config, "cannot be read")


def test_config_under_a_regular_file_is_one_warning(tmp_path):
    (tmp_path / "file").write_text("x")
    config = load_config(env={"PKGTUI_CONFIG": str(tmp_path / "file" / "config.toml")})
    assert_defaults_with_one_warning(config, "cannot be read")


def test_unreadable_config_is_one_warning(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text("timeout = 5\n")
    real_read_text = Path.read_text

    def denied(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)  # root ignores chmod 000
    assert_defaults_with_one_warning(load_config(env={"PKGTUI_CONFIG": str(path)}), "cannot be read")


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('api_url = "javascript:alert(1)"', "api_url"),
        ('api_url = "file:///etc/passwd"', "api_url"),
        ("api_url = 5", "api_url"),
        ("[api_url]\nx = 1", "api_url"),
        ('timeout = "fast"', "timeout"),
        ("timeout = nan", "timeout"),
        ("timeout = inf", "timeout"),
        ("timeout = -1", "timeout"),
        ("cache_ttl = nan", "cache_ttl"),
        ("concurrency = 0", "concurrency"),
        ("concurrency = 2.5", "concurrency"),
        ("concurrency = 100000", "concurrency"),
        ('cache = "yes"', "cache"),
        ('theme = ""', "theme"),
        ('theme = "[b]x[/b]\\u001b[2J"', "theme"),
        ("colour = 1", "colour"),
    ],
)
def test_bad_value_is_one_warning_naming_the_key(tmp_path, line, key):
    config = config_with(tmp_path, f"{line}\n")
    assert len(config.warnings) == 1, config.warnings
    warning = config.warnings[0]
    assert key in warning and "config.toml" in warning and "\n" not in warning and "\x1b" not in warning
    defaults = Config()
    assert (config.api_url, config.timeout, config.cache_ttl, config.concurrency, config.use_cache) == (
        defaults.api_url,
        defaults.timeout,
        defaults.cache_ttl,
        defaults.concurrency,
        defaults.use_cache,
    )


def test_good_values_beside_a_bad_one_are_kept(tmp_path):
    config = config_with(tmp_path, 'timeout = 3\nconcurrency = "lots"\ncache = false\n')
    assert config.timeout == 3 and config.use_cache is False
    assert config.concurrency == Config().concurrency and len(config.warnings) == 1


# -- files the app writes --------------------------------------------------------------------------


def test_atomic_write_creates_and_replaces(tmp_path):
    target = tmp_path / "deep" / "folder" / "notes.txt"
    atomic_write_text(target, "first")
    os.chmod(target, 0o640)
    atomic_write_text(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert target.stat().st_mode & 0o777 == 0o640  # the user's permissions survive
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.txt"]


def test_atomic_write_on_a_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "notes.txt"
    target.write_text("precious")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    with pytest.raises(OSError) as caught:
        atomic_write_text(target, "new text that does not fit")
    assert caught.value.errno == errno.ENOSPC
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # no temporary file left


def test_atomic_write_interrupted_before_rename_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "notes.txt"
    target.write_text("precious")

    def killed(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(storage.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "half")
    assert target.read_text() == "precious" and [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_atomic_write_where_a_folder_is_a_file_raises_oserror(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "file" / "notes.txt", "text")
