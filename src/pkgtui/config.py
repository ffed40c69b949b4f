"""Settings: defaults, then the TOML config file, then the environment, then the command line.

All paths come from platformdirs, so ``XDG_CONFIG_HOME`` / ``XDG_CACHE_HOME`` relocate them.
A config file that cannot be read or holds a bad value never stops the app: the problem is
reported as one line naming the file and the key, and the default is used instead.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import msgspec
from msgspec.structs import replace

from .api.defaults import DEFAULT_API_URL, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT

# Where files live is pkgtui.paths' job; cache_dir is still imported from here by others.
from .paths import cache_dir, config_file_path, http_cache_file  # noqa: F401
from .text import clean

if TYPE_CHECKING:
    import httpx

    from .api.client import Client

ENV_API_URL = "PKGTUI_API_URL"
ENV_PYPI_URL = "PKGTUI_PYPI_URL"
# api/pypi.py's DEFAULT_PYPI_URL, written out so that reading the config imports no httpx.
DEFAULT_PYPI_URL = "https://pypi.org/pypi/"


class Config(msgspec.Struct, frozen=True):
    api_url: str = DEFAULT_API_URL
    cache_ttl: float = 3600.0
    cache_max_mb: float = 200.0  # the HTTP cache file's size cap; least recently used go first
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    theme: str = "textual-dark"
    use_cache: bool = True
    catalogue_max_age: float = 86400.0  # seconds before the local catalogue is synced again
    auto_sync: bool = True  # the TUI syncs a stale catalogue in the background
    offline: bool = False  # never touch the network: the local catalogue and the cache only
    api_v3_url: str | None = None  # None: the sibling v3/ of api_url
    pypi_url: str = DEFAULT_PYPI_URL  # PyPI's JSON API, the second, optional source
    use_pypi: bool = True  # `pypi = false`: never ask PyPI (facts kept in the store still show)
    demo: bool = False
    refresh: bool = False
    config_path: Path | None = None
    # The [keys] table as written (binding id -> keys); the app checks it against its bindings.
    keys: tuple[tuple[str, object], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def cache_file(self) -> Path | None:
        return http_cache_file() if self.use_cache and not self.demo else None

    @property
    def pypi_allowed(self) -> bool:
        """Whether the network's PyPI (``pypi_url``) may be asked: not offline, not turned off,
        not the demo (whose PyPI is in-process: see :attr:`pypi_facts_allowed`)."""
        return self.use_pypi and not self.offline and not self.demo

    @property
    def pypi_facts_allowed(self) -> bool:
        """Whether PyPI's facts may be fetched at all, from :meth:`pypi_source`: the network's
        PyPI when :attr:`pypi_allowed`, and in the demo its own shipped, made-up facts. Code
        that does not go through ``pypi_source`` asks ``pypi_allowed``, so the demo never
        reaches the network."""
        return self.use_pypi and not self.offline

    def pypi_source(self) -> tuple[str, httpx.AsyncBaseTransport | None]:
        """PyPI's JSON root and the transport to reach it (None: the network): the demo's
        shipped, made-up facts in-process with ``--demo``, else ``pypi_url``."""
        if self.demo:
            from .api.demo import DEMO_PYPI_URL, DemoPyPI

            return DEMO_PYPI_URL, DemoPyPI().transport()
        return self.pypi_url, None

    @property
    def v3_url(self) -> str:
        """API v3's root: ``api_v3_url``, else the sibling ``v3/`` of ``api_url``."""
        from .api.v3 import v3_root

        return v3_root(self.api_url, self.api_v3_url)

    def open_client(self, on_cache_warning: Callable[[str], None] | None = None) -> Client:
        """The API client these settings describe (the app and the lookup commands share it)."""
        from .api.client import open_client

        transport = None
        if self.offline and not self.demo:
            from .api.network import OfflineTransport

            transport = OfflineTransport()
        return open_client(
            self.api_url,
            transport=transport,
            demo=self.demo,
            cache_file=self.cache_file,
            ttl=self.cache_ttl,
            timeout=self.timeout,
            concurrency=self.concurrency,
            on_cache_warning=on_cache_warning,
            cache_max_bytes=int(self.cache_max_mb * 1024 * 1024),
        )


def _check_url(value: Any) -> str:
    """An API root the client can use as it is: http(s), a host, a valid port, nothing odd.

    Checked here, up front, because the first request is far from where the URL was typed:
    a control character, a port like 99999 or a bracket left open would otherwise surface as
    an exception from deep inside httpx, in the middle of the app's start-up.
    """
    return _check_web_url(value, ("http", "https"), "an http(s) URL")


def _check_web_url(value: Any, schemes: tuple[str, ...], kind: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be {kind}")
    text = value.strip()  # a line break or spaces pasted around it are harmless
    if any(char.isspace() or not char.isprintable() for char in text):
        raise ValueError(f"must be {kind} without spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises for a port that is not a number or is out of range
    except ValueError as error:
        raise ValueError(f"must be {kind} ({error})") from None
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"must be {kind}")
    if not parts.hostname:
        raise ValueError(f"must be {kind} with a host")
    if port == 0:
        raise ValueError(f"must be {kind} with a port from 1 to 65535")
    if PLAIN_HOST.fullmatch(parts.hostname) or _is_ipv4(parts.hostname):
        return text  # httpx takes such a host as it is
    import httpx  # ~100 ms of imports, spared on a warm start with a plain host

    try:
        # What the client will make of it: whatever it refuses is refused now. Reading the host
        # decodes an IDNA name ("xn--..."), which fails only there, as a request is built.
        httpx.URL(text).host  # noqa: B018
    except (httpx.InvalidURL, ValueError) as error:  # idna's errors are ValueErrors
        raise ValueError(f"must be {kind} ({error})") from None
    return text


def _is_ipv4(host: str) -> bool:
    # httpx checks a host of digits and dots with ipaddress too (its urlparse.encode_host).
    import ipaddress

    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


# A host name httpx accepts unchanged (ASCII letters, digits, hyphens; no IDNA "xn--" label and
# nothing that looks like an IPv4 address, which it checks further). Other hosts go through
# httpx itself, so what it refuses is refused here.
PLAIN_HOST = re.compile(r"(?!.*(?:^|\.)xn--)(?=.*[a-z-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?")


# The proxy schemes httpx can use (SOCKS through the socksio package).
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def environment_proxies(env: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``{scheme: (proxy, variable name)}`` from ``*_proxy`` variables, read as
    ``urllib.request.getproxies_environment`` reads them (which the network transport uses):
    any case first, then lowercase names win, and an empty lowercase one removes the entry."""
    found: dict[str, tuple[str, str]] = {}
    for name, value in env.items():
        if value and name.lower().endswith("_proxy"):
            found[name.lower()[:-6]] = (value, name)
    if "REQUEST_METHOD" in env:  # under CGI, HTTP_PROXY may come from a request header
        found.pop("http", None)
    for name, value in env.items():
        if name.endswith("_proxy"):
            if value:
                found[name.lower()[:-6]] = (value, name)
            else:
                found.pop(name.lower()[:-6], None)
    return found


def check_proxy(api_url: str, env: Mapping[str, str]) -> None:
    """Raise ``ValueError`` naming the variable when the proxy that requests to ``api_url``
    would go through cannot be used (a bad URL, or SOCKS without its package)."""
    proxies = environment_proxies(env)
    parts = urlsplit(api_url)
    chosen = proxies.get(parts.scheme.lower()) or proxies.get("all")
    if chosen is None:
        return
    value, name = chosen
    # Imported only with a proxy set: urllib.request (with http.client, email and hashlib)
    # took 11 ms of every start-up (python -X importtime), and a start without a proxy needs none of it.
    # Public in urllib.request since Python 3.0, but missing from typeshed's stubs.
    from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

    no_proxy = {"no": proxies["no"][0]} if "no" in proxies else {}
    if proxy_bypass_environment(parts.hostname or "", no_proxy):
        return
    text = value.strip()
    url = text if "://" in text else f"http://{text}"  # as the transport reads a bare host:port
    try:
        _check_web_url(url, PROXY_SCHEMES, "an http, https or socks5 proxy URL")
    except ValueError as error:
        raise ValueError(f"environment variable {name} {error}: {value!r}") from None
    import importlib.util

    if urlsplit(url).scheme.lower().startswith("socks") and importlib.util.find_spec("socksio") is None:
        raise ValueError(
            f"environment variable {name} names a SOCKS proxy, which needs the socksio package "
            "(pip install 'httpx[socks]')"
        )


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


def _key_table(value: Any) -> tuple[tuple[str, object], ...]:
    if not isinstance(value, dict):
        raise ValueError('must be a table of binding ids and keys, e.g. [keys] then "grid.sort" = "o"')
    if len(value) > 500:  # there are ~40 bindings; more entries than this is not a keymap
        raise ValueError("has more than 500 entries")
    return tuple((str(binding_id), keys) for binding_id, keys in value.items())


# key in the file -> (Config field, check)
FILE_KEYS = {
    "api_url": ("api_url", _check_url),
    "cache_ttl": ("cache_ttl", _number(0, 30 * 86400)),
    "cache_max_mb": ("cache_max_mb", _number(1, 100_000)),
    "concurrency": ("concurrency", _number(1, 64, integer=True)),
    "timeout": ("timeout", _number(0.5, 300)),
    "theme": ("theme", _string),
    "cache": ("use_cache", _boolean),
    "keys": ("keys", _key_table),
    "catalogue_max_age": ("catalogue_max_age", _number(0, 365 * 86400)),
    "auto_sync": ("auto_sync", _boolean),
    "offline": ("offline", _boolean),
    "api_v3_url": ("api_v3_url", _check_url),
    "pypi_url": ("pypi_url", _check_url),
    "pypi": ("use_pypi", _boolean),
}


def load_config(
    *,
    api_url: str | None = None,
    demo: bool = False,
    refresh: bool = False,
    use_cache: bool | None = None,
    offline: bool = False,
    env: Mapping[str, str] = os.environ,
) -> Config:
    """Settings from the file, the environment and the given command-line values.

    Raises ``ValueError`` (one line naming the setting and where it came from) only for a bad
    ``api_url`` given on the command line or in the environment, or a proxy variable that
    cannot be used (the user set it just now); file problems become ``warnings``.
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
            raise ValueError(f"environment variable {ENV_API_URL} {error}: {env[ENV_API_URL]!r}") from None
    if api_url is not None:
        try:
            config = replace(config, api_url=_check_url(api_url))
        except ValueError as error:
            raise ValueError(f"--api-url {error}: {api_url!r}") from None
    if env.get(ENV_PYPI_URL):
        try:
            config = replace(config, pypi_url=_check_url(env[ENV_PYPI_URL]))
        except ValueError as error:
            raise ValueError(f"environment variable {ENV_PYPI_URL} {error}: {env[ENV_PYPI_URL]!r}") from None
    if offline:
        config = replace(config, offline=True)
    if not demo and not config.offline:  # the demo never touches the network
        check_proxy(config.api_url, env)
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
    import tomllib  # only with a config file: 1.7 ms of a start-up without one

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        warnings.append(f"{path}: not valid TOML ({error}); using defaults")
        return {}
