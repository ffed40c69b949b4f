"""Where pkgtui keeps its files, in one place, and what ``pkgtui cache clear`` may delete.

Every location comes from platformdirs, so ``XDG_CONFIG_HOME``, ``XDG_CACHE_HOME`` and
``XDG_DATA_HOME`` move them (the tests point all three at a temporary folder). This module
imports only platformdirs: ``pkgtui paths``, ``cache clear`` and shell completion use it
without loading the HTTP stack (importing ``pkgtui.config`` costs ~160 ms more).

The cache dir holds only what pkgtui can fetch again (the HTTP cache, the catalogue store);
what the user made (config, bookmarks) lives elsewhere, and clearing never reaches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import msgspec
import platformdirs

APP_NAME = "pkgtui"
ENV_CONFIG = "PKGTUI_CONFIG"
# The log option is still to come: when set, this names the log file.
ENV_LOG = "PKGTUI_LOG"
HTTP_CACHE_NAME = "http-cache.sqlite"
CATALOGUE_NAME = "catalogue.sqlite"
USER_DATA_NAME = "userdata.json"
# A cache dir with more entries than this is not pkgtui's doing: clearing refuses to walk on.
MAX_CACHE_ENTRIES = 100_000


def config_file_path(env: Mapping[str, str] = os.environ) -> Path:
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME)


def http_cache_file() -> Path:
    return cache_dir() / HTTP_CACHE_NAME


def catalogue_file() -> Path:
    return cache_dir() / CATALOGUE_NAME


def user_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def user_data_file() -> Path:
    return user_data_dir() / USER_DATA_NAME


def log_file(env: Mapping[str, str] = os.environ) -> Path | None:
    """The log file, or None when logging is off (``PKGTUI_LOG`` unset or empty)."""
    value = env.get(ENV_LOG, "").strip()
    return Path(value).expanduser() if value else None


class Locations(msgspec.Struct, frozen=True):
    """Everything ``pkgtui paths`` prints, in its order."""

    config_file: Path
    cache_dir: Path
    http_cache: Path
    catalogue: Path
    user_data_dir: Path
    user_data_file: Path
    log_file: Path | None

    LABELS = {
        "config_file": "config file",
        "cache_dir": "cache dir",
        "http_cache": "HTTP cache",
        "catalogue": "catalogue store",
        "user_data_dir": "user data dir",
        "user_data_file": "user data file",
        "log_file": "log file",
    }

    def items(self) -> list[tuple[str, Path | None]]:
        return [(name, getattr(self, name)) for name in self.LABELS]


def locations(env: Mapping[str, str] = os.environ) -> Locations:
    return Locations(
        config_file=config_file_path(env),
        cache_dir=cache_dir(),
        http_cache=http_cache_file(),
        catalogue=catalogue_file(),
        user_data_dir=user_data_dir(),
        user_data_file=user_data_file(),
        log_file=log_file(env),
    )


def protected_paths(env: Mapping[str, str] = os.environ) -> tuple[Path, ...]:
    """What clearing the cache must never delete, even when a setting puts it inside the
    cache dir (``PKGTUI_CONFIG=~/.cache/pkgtui/config.toml``, or ``XDG_DATA_HOME`` there)."""
    found = locations(env)
    paths = [found.config_file, config_dir(), found.user_data_dir]
    if found.log_file is not None:
        paths.append(found.log_file)
    return tuple(paths)


class CacheContents(msgspec.Struct, frozen=True):
    """What is in the cache dir: the files clearing would delete, and the ones it keeps."""

    folder: Path
    files: tuple[Path, ...]  # regular files and symbolic links (a link is deleted, never its target)
    folders: tuple[Path, ...]  # subfolders, deepest first, removed once empty
    size: int  # bytes in ``files``
    kept: tuple[Path, ...]  # inside a protected location
    too_many: bool  # more than MAX_CACHE_ENTRIES entries: nothing may be deleted


def _real(path: Path) -> Path:
    # The folder resolved and the name kept, so a link is compared as itself, not its target.
    return Path(os.path.realpath(path.parent)) / path.name


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def scan_cache(
    folder: Path | None = None, *, protected: Iterable[Path] | None = None, limit: int = MAX_CACHE_ENTRIES
) -> CacheContents:
    """The contents of the cache dir (a missing dir is empty). Links are not followed."""
    folder = cache_dir() if folder is None else folder
    roots = [_real(path) for path in (protected_paths() if protected is None else protected)]
    files: list[Path] = []
    folders: list[Path] = []
    kept: list[Path] = []
    size = 0
    seen = 0
    if _inside(Path(os.path.realpath(folder)), roots):
        # The whole cache dir lies in a protected location (say XDG_CACHE_HOME = XDG_CONFIG_HOME):
        # nothing in it is pkgtui's to delete.
        roots.append(Path(os.path.realpath(folder)))
    for top, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(top)
        # os.walk lists a link to a folder among the folders but does not enter it: delete the link.
        links = [name for name in dirnames if (here / name).is_symlink()]
        # A protected folder inside the cache dir (the user data dir, say) is not entered at all.
        guarded = [name for name in dirnames if name not in links and _inside(_real(here / name), roots)]
        kept.extend(here / name for name in sorted(guarded))
        dirnames[:] = sorted(name for name in dirnames if name not in links and name not in guarded)
        for name in sorted(filenames) + sorted(links):
            seen += 1
            if seen > limit:
                return CacheContents(folder, (), (), 0, (), too_many=True)
            path = here / name
            if _inside(_real(path), roots):
                kept.append(path)
                continue
            try:
                size += path.lstat().st_size
            except OSError:
                pass  # gone already, or unreadable: still try to delete it
            files.append(path)
        if here != folder:
            folders.append(here)
    folders.sort(key=lambda path: len(path.parts), reverse=True)
    return CacheContents(folder, tuple(files), tuple(folders), size, tuple(kept), too_many=False)


def clear_cache(contents: CacheContents) -> list[tuple[Path, OSError]]:
    """Delete ``contents.files`` and then the subfolders left empty; the cache dir itself
    stays. Returns the files that could not be deleted, with why."""
    if contents.too_many:
        raise ValueError("refusing to clear a cache dir with too many entries")
    failures: list[tuple[Path, OSError]] = []
    for path in contents.files:
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # another process got there first: the goal is met
        except OSError as error:
            failures.append((path, error))
    for folder in contents.folders:
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty (it holds something kept, or a failure above): leave it
    return failures
