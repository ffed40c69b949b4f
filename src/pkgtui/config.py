"""Settings: defaults, then the TOML config file, then the environment, then the command line.

All paths come from platformdirs, so ``XDG_CONFIG_HOME`` / ``XDG_CACHE_HOME`` relocate them.
A config file that cannot be read or holds a bad value never stops the app: the problem is
reported as one line naming the file and the key, and the default is used instead.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .api.client import DEFAULT_API_URL, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, Client, open_client

# Where files live is pkgtui.paths' job; cache_dir is still imported from here by others.
from .paths import cache_dir, config_file_path, http_cache_file  # noqa: F401
from .text import clean

ENV_API_URL = "PKGTUI_API_URL"


@dataclass(frozen=True)
class Config:
    api_url: str = DEFAULT_API_URL
    cache_ttl: float = 3600.0
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    theme: str = "textual-dark"
    use_cache: bool = True
    catalogue_max_age: float = 86400.0  # seconds before the local catalogue is synced again
    auto_sync: bool = True  # the TUI syncs a stale catalogue in the background
    api_v3_url: str | None = None  # None: the sibling v3/ of api_url
    demo: bool = False
    refresh: bool = False
    config_path: Path | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def cache_file(self) -> Path | None:
        return http_cache_file() if self.use_cache and not self.demo else None

    @property
    def v3_url(self) -> str:
        """API v3's root: ``api_v3_url``, else the sibling ``v3/`` of ``api_url``."""
        from .api.v3 import v3_root

        return v3_root(self.api_url, self.api_v3_url)

    def open_client(self, on_cache_warning: Callable[[str], None] | None = None) -> Client:
        """The API client these settings describe (the app and the lookup commands share it)."""
        return open_client(
            self.api_url,
            demo=self.demo,
            cache_file=self.cache_file,
            ttl=self.cache_ttl,
            timeout=self.timeout,
            concurrency=self.concurrency,
            on_cache_warning=on_cache_warning,
        )


def _check_url(value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value.strip()).scheme not in ("http", "https"):
        raise ValueError("must be an http(s) URL")
    if not urlsplit(value.strip()).netloc:
        raise ValueError("must be an http(s) URL with a host")
    return value.strip()


def _number(minimum: float, maximum: float | None = None, integer: bool = False):
    def check(value: Any) -> float | int:
        ok_type = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_type):
            raise ValueError("must be a whole number" if integer else "must be a number")
        if not math.isfinite(value):  # TOML allows nan and inf; nan passes every comparison
            raise ValueError("must be a finite number")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum:g}" if maximum is not None else ""
            raise ValueError(f"must be at least {minimum:g}{upper}")
        return value

    return check


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    if clean(value) != value.strip():
        raise ValueError("must not hold control characters")
    return value.strip()


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


# key in the file -> (Config field, check)
FILE_KEYS = {
    "api_url": ("api_url", _check_url),
    "cache_ttl": ("cache_ttl", _number(0, 30 * 86400)),
    "concurrency": ("concurrency", _number(1, 64, integer=True)),
    "timeout": ("timeout", _number(0.5, 300)),
    "theme": ("theme", _string),
    "cache": ("use_cache", _boolean),
    "catalogue_max_age": ("catalogue_max_age", _number(0, 365 * 86400)),
    "auto_sync": ("auto_sync", _boolean),
    "api_v3_url": ("api_v3_url", _check_url),
}


def load_config(
    *,
    api_url: str | None = None,
    demo: bool = False,
    refresh: bool = False,
    use_cache: bool | None = None,
    env: Mapping[str, str] = os.environ,
) -> Config:
    """Settings from the file, the environment and the given command-line values.

    Raises ``ValueError`` only for a bad ``api_url`` given on the command line or in the
    environment (the user typed it just now); file problems become ``warnings``.
    """
    path = config_file_path(env)
    values: dict[str, Any] = {}
    warnings: list[str] = []
    raw = _read_file(path, warnings)
    for key, value in raw.items():
        if key not in FILE_KEYS:
            warnings.append(f"{path}: unknown key {key!r} ignored (known: {', '.join(FILE_KEYS)})")
            continue
        name, check = FILE_KEYS[key]
        try:
            values[name] = check(value)
        except ValueError as error:
            warnings.append(f"{path}: {key} {error}; using the default")

    config = replace(Config(), **values, config_path=path)
    if env.get(ENV_API_URL):
        try:
            config = replace(config, api_url=_check_url(env[ENV_API_URL]))
        except ValueError as error:
            raise ValueError(f"{ENV_API_URL} {error}: {env[ENV_API_URL]!r}") from None
    if api_url is not None:
        try:
            config = replace(config, api_url=_check_url(api_url))
        except ValueError as error:
            raise ValueError(f"--api-url {error}: {api_url!r}") from None
    if use_cache is not None:
        config = replace(config, use_cache=use_cache)
    return replace(config, demo=demo, refresh=refresh, warnings=tuple(warnings))


def _read_file(path: Path, warnings: list[str]) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        warnings.append(f"{path}: cannot be read ({error.__class__.__name__}); using defaults")
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        warnings.append(f"{path}: not valid TOML ({error}); using defaults")
        return {}
