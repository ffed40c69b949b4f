"""``pkgtui sync``: fetch the whole catalogue into the local store; ``--status``: what it holds.

Progress goes to stdout: on a terminal, one bar redrawn in place with counts; piped or
redirected, one plain line a step (no escape sequences). Errors are one line on stderr:
exit 3 for the network or the API, 1 when the catalogue file cannot be written, 2 for usage.
Textual and rich are never imported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from pathlib import Path
from typing import IO, TYPE_CHECKING

from msgspec.structs import replace

from .api.errors import APIError
from .config import Config
from .exit_codes import EXIT_API, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from .format import moments_ago
from .store import Status, Store, StoreError, catalogue_path
from .text import clean

if TYPE_CHECKING:
    from .api.client import Client
    from .store import SyncProgress, SyncResult

BAR_WIDTH = 30
EXIT_STORE = EXIT_NOT_FOUND  # 1: the catalogue file could not be used


def catalogue_file(config: Config) -> Path:
    if config.demo:
        from .api.demo import DEMO_BASE_URL

        return catalogue_path(DEMO_BASE_URL)
    return catalogue_path(config.api_url)


def run(
    args: argparse.Namespace,
    config: Config,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    client: Client | None = None,
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run ``pkgtui sync`` (or ``--status``) and return the exit code. ``client``, if
    given, is closed here."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    path = path or catalogue_file(config)
    if config.offline and not args.status:
        err.write("pkgtui sync: a sync needs the network; drop --offline (or offline = false)\n")
        return EXIT_USAGE

    def warn(message: str) -> None:
        err.write(f"pkgtui: warning: {clean(message)}\n")

    try:
        if args.status:
            return print_status(out, path, config, warn)
        if client is None:
            # No HTTP cache: the store is the copy, and a fresh cached page must not stand in
            # for the API's answer.
            client = replace(config, use_cache=False).open_client()
        progress = Progress(out, env if env is not None else os.environ)
        import asyncio  # here: the commands that only find the catalogue file need none of it

        result = asyncio.run(_sync(client, path, progress, not args.no_usage, config.api_v3_url, warn))
        progress.finish(result, path)
        return EXIT_OK
    except APIError as error:
        from .lookup.failures import from_api_error

        failure = from_api_error(error, "the catalogue")
        err.write(f"pkgtui sync: {failure.message}; the catalogue held is unchanged\n")
        return EXIT_API
    except StoreError as error:
        err.write(f"pkgtui sync: {clean(str(error))}\n")
        return EXIT_STORE
    except KeyboardInterrupt:
        err.write("pkgtui sync: interrupted; the catalogue held is unchanged\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


async def _sync(
    client: Client,
    path: Path,
    progress: Progress,
    usage: bool,
    v3_url: str | None,
    warn: Callable[[str], None],
) -> SyncResult:
    try:
        store = Store(path, on_warning=warn)
        store.close()
        from .store import sync_catalogue

        return await sync_catalogue(client, path, progress=progress, usage=usage, v3_url=v3_url)
    finally:
        await client.aclose()


class Progress:
    """Draws :class:`SyncProgress` reports: a bar on a terminal, plain lines elsewhere."""

    def __init__(self, stream: IO[str], env: Mapping[str, str]) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)()) and env.get("TERM") != "dumb"
        self._last_line = ""
        self._drawn = False

    def __call__(self, state: SyncProgress) -> None:
        if state.phase == "waiting":
            self._line("waiting for another pkgtui sync to finish…")
            return
        if state.phase == "done":
            return
        if self.tty:
            self._draw(state)
        else:
            line = _plain(state)
            if line != self._last_line:
                self._last_line = line
                self.stream.write(line + "\n")
                self.stream.flush()

    def _draw(self, state: SyncProgress) -> None:
        total = state.packages_total
        share = min(1.0, state.packages / total) if total else 0.0
        filled = round(share * BAR_WIDTH)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        counts = f"{state.packages:,} / {total:,} packages" if total is not None else "starting"
        word = "committing" if state.phase == "committing" else "syncing"
        self.stream.write(f"\r{word} {bar} {counts}  ({state.requests} requests)   ")
        self.stream.flush()
        self._drawn = True

    def _line(self, text: str) -> None:
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, result: SyncResult, path: Path) -> None:
        usage = {
            "v3": f", {result.usage_counts:,} usage counts",
            "kept": " (API v3 unavailable: usage counts kept from before)",
            "off": "",
        }[result.usage_source]
        skipped = f"; {result.skipped:,} malformed items skipped" if result.skipped else ""
        self._line(
            f"synced {result.packages:,} packages, {result.categories:,} categories, {result.grids:,} grids"
            f"{usage} in {result.seconds:.1f} s ({result.requests} requests){skipped}"
        )
        self.stream.write(f"catalogue: {path} ({_size(_disk_size(path))})\n")


def _plain(state: SyncProgress) -> str:
    if state.phase == "committing":
        return "committing the new catalogue"
    if state.packages_total is None:
        return "syncing: asking for the catalogue"
    return (
        f"syncing: {state.packages:,} / {state.packages_total:,} packages, "
        f"{state.categories:,} categories, {state.grids:,} grids"
    )


def print_status(out: IO[str], path: Path, config: Config, warn: Callable[[str], None]) -> int:
    if not path.exists():
        out.write(f"no catalogue yet (it would be {path}); run `pkgtui sync`\n")
        return EXIT_OK
    with Store(path, on_warning=warn) as store:
        status = store.status()
    out.write(status_text(status, config.catalogue_max_age))
    return EXIT_OK


def status_text(status: Status, max_age: float, now: float | None = None) -> str:
    now = time.time() if now is None else now
    lines = [
        ("catalogue", str(status.path)),
        ("size on disk", _size(status.size_bytes)),
        ("source", clean(status.source_url) if status.source_url else "–"),
    ]
    if status.synced_at is None:
        lines.append(("synced", "never; run `pkgtui sync`"))
    else:
        age = status.age_seconds(now) or 0.0
        due = "; a sync is due" if age > max_age else ""
        when = status.synced_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(("synced", f"{when} ({moments_ago(age)}{due})"))
    lines += [
        ("packages", f"{status.packages:,}"),
        ("categories", f"{status.categories:,}"),
        ("grids", f"{status.grids:,}"),
        ("usage counts", f"{status.usage_counts:,}"),
    ]
    return "".join(f"{label:<13} {value}\n" for label, value in lines)


def _disk_size(path: Path) -> int:
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += path.with_name(path.name + suffix).stat().st_size
        except OSError:
            pass
    return total


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} kB"
    return f"{size / (1024 * 1024):.1f} MB"
