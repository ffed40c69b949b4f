"""Configuration: precedence, platformdirs locations, and bad files that never stop the app."""

from __future__ import annotations

import pytest

from pkgtui.api import DEFAULT_API_URL
from pkgtui.config import Config, cache_dir, config_file_path, load_config


def test_defaults():
    config = load_config()
    assert config.api_url == DEFAULT_API_URL and config.cache_ttl == 3600 and config.concurrency == 8
    assert config.warnings == ()


def test_dirs_follow_xdg(tmp_path):
    assert config_file_path() == tmp_path / "xdg-config" / "pkgtui" / "config.toml"
    assert cache_dir() == tmp_path / "xdg-cache" / "pkgtui"
    assert load_config().cache_file == tmp_path / "xdg-cache" / "pkgtui" / "http-cache.sqlite"


def write_config(tmp_path, text: str):
    path = tmp_path / "xdg-config" / "pkgtui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_file_then_env_then_command_line(tmp_path, monkeypatch):
    write_config(
        tmp_path, 'api_url = "http://file.test/api/v4/"\ncache_ttl = 60\nconcurrency = 4\ntheme = "nord"\n'
    )
    config = load_config()
    assert (config.api_url, config.cache_ttl, config.concurrency, config.theme) == (
        "http://file.test/api/v4/",
        60,
        4,
        "nord",
    )
    monkeypatch.setenv("PKGTUI_API_URL", "http://env.test/api/v4/")
    assert load_config().api_url == "http://env.test/api/v4/"
    assert load_config(api_url="http://cli.test/api/v4/").api_url == "http://cli.test/api/v4/"


def test_pkgtui_config_points_at_another_file(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.toml"
    path.write_text("timeout = 3\n")
    monkeypatch.setenv("PKGTUI_CONFIG", str(path))
    assert load_config().timeout == 3 and load_config().config_path == path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("concurrency = 'many'", "concurrency must be a whole number"),
        ("concurrency = 0", "concurrency must be at least 1"),
        ("api_url = 'ftp://x'", "api_url must be an http(s) URL"),
        ("cache = 'yes'", "cache must be true or false"),
        ("colour = 'red'", "unknown key 'colour'"),
        ("this is [not toml", "not valid TOML"),
    ],
)
def test_a_bad_file_gives_one_line_naming_file_and_key_and_defaults_are_used(tmp_path, text, words):
    path = write_config(tmp_path, text)
    config = load_config()
    assert len(config.warnings) == 1
    warning = config.warnings[0]
    assert str(path) in warning and words in warning and "\n" not in warning
    assert config.concurrency == Config().concurrency and config.api_url == DEFAULT_API_URL


def test_an_unreadable_file_is_a_warning(tmp_path):
    path = tmp_path / "xdg-config" / "pkgtui" / "config.toml"
    path.mkdir(parents=True)  # a directory where the file should be: reading fails
    config = load_config()
    assert len(config.warnings) == 1 and "cannot be read" in config.warnings[0]


def test_a_bad_url_on_the_command_line_is_an_error():
    with pytest.raises(ValueError, match="--api-url must be an http"):
        load_config(api_url="javascript:alert(1)")


def test_demo_and_no_cache_have_no_cache_file():
    assert load_config(demo=True).cache_file is None
    assert load_config(use_cache=False).cache_file is None
