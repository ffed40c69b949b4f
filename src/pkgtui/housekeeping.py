"""The commands about pkgtui's own files and the shell: ``paths``, ``cache clear``,
``bookmarks`` and ``completion``.

None of them reads the config file or touches the network, so they run before the config
is loaded (and without importing the HTTP stack: completion runs on every Tab press).
Messages are one line on stderr; exit codes as elsewhere (0 done, 2 usage), and 1 when
``cache clear`` could not delete every file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from . import completion, paths
from .exit_codes import EXIT_OK, EXIT_USAGE
from .text import clean

EXIT_NOT_DONE = 1  # some files could not be deleted (cache clear)
MAX_FAILURES_SHOWN = 3


def run(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    env: Mapping[str, str] = os.environ,
) -> int:
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    if args.command == "paths":
        return print_paths(args.json, stdout, env)
    if args.command == "cache":
        return clear_cache(args.yes, stdin, stdout, stderr, env)
    if args.command == "bookmarks":
        return print_bookmarks(args.json, stdout, stderr)
    return completion.run(args, parser, stdout, stderr)


def print_paths(as_json: bool, stdout: TextIO, env: Mapping[str, str]) -> int:
    found = paths.locations(env)
    if as_json:
        document = {name: (str(path) if path is not None else None) for name, path in found.items()}
        stdout.write(json.dumps(document, indent=2) + "\n")
        return EXIT_OK
    width = max(len(label) for label in found.LABELS.values())
    stdout.writelines(
        f"{found.LABELS[name]:<{width}}  {path if path is not None else '(off)'}\n"
        for name, path in found.items()
    )
    return EXIT_OK


def _megabytes(size: int) -> str:
    if 0 < size < 50_000:
        return "<0.1 MB"
    return f"{size / 1_000_000:,.1f} MB"


def _files(count: int) -> str:
    return f"{count:,} file{'s' if count != 1 else ''}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


def clear_cache(yes: bool, stdin: TextIO, stdout: TextIO, stderr: TextIO, env: Mapping[str, str]) -> int:
    """Empty the cache dir (HTTP cache, catalogue store, their -wal/-shm files): it holds only
    what can be fetched again. The config file and the user data dir are never touched, even
    when a setting puts them inside the cache dir."""
    folder = paths.cache_dir()
    contents = paths.scan_cache(folder, protected=paths.protected_paths(env))
    if contents.too_many:
        stderr.write(
            f"pkgtui cache clear: {folder} holds more than {paths.MAX_CACHE_ENTRIES:,} entries, "
            "which pkgtui did not make; not clearing it\n"
        )
        return EXIT_NOT_DONE
    kept = f" ({_files(len(contents.kept))} of the config or user data kept)" if contents.kept else ""
    if not contents.files:
        stdout.write(f"Nothing to delete in {folder}{kept}.\n")
        return EXIT_OK
    summary = f"{_files(len(contents.files))} ({_megabytes(contents.size)}) in {folder}"
    if not yes:
        if not _is_terminal(stdin):
            stderr.write(
                f"pkgtui cache clear: would delete {summary}; add --yes to do it without a terminal\n"
            )
            return EXIT_USAGE
        stdout.write(f"Delete {summary}{kept}? [y/N] ")
        stdout.flush()
        try:
            answer = stdin.readline()
        except KeyboardInterrupt:
            stdout.write("\nNothing deleted.\n")
            return 130  # interrupted, as the lookup commands say it
        if answer.strip().lower() not in ("y", "yes"):
            stdout.write("\nNothing deleted.\n" if not answer.endswith("\n") else "Nothing deleted.\n")
            return EXIT_OK
    failures = paths.clear_cache(contents)
    deleted = len(contents.files) - len(failures)
    stdout.write(f"Deleted {_files(deleted)} from {folder}{kept}.\n")
    if failures:
        shown = "; ".join(
            f"{path.name}: {error.strerror or error}" for path, error in failures[:MAX_FAILURES_SHOWN]
        )
        more = f" and {len(failures) - MAX_FAILURES_SHOWN} more" if len(failures) > MAX_FAILURES_SHOWN else ""
        stderr.write(f"pkgtui cache clear: could not delete {_files(len(failures))} ({shown}{more})\n")
        return EXIT_NOT_DONE
    return EXIT_OK


def print_bookmarks(as_json: bool, stdout: TextIO, stderr: TextIO) -> int:
    from .userdata import UserDataFile

    store = UserDataFile()
    data = store.read()
    stderr.writelines(f"pkgtui: warning: {clean(warning)}\n" for warning in store.take_warnings())
    if as_json:
        document = [
            {"kind": b.kind, "slug": b.slug, "title": b.title, "added_at": b.added_at.isoformat()}
            for b in data.bookmarks
        ]
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not data.bookmarks:
        stderr.write("No bookmarks yet.\n")
        return EXIT_OK
    kind_width = max(len(b.kind) for b in data.bookmarks)
    slug_width = min(40, max(len(b.slug) for b in data.bookmarks))
    for b in data.bookmarks:
        # Slugs and titles came from the API: they are checked when saved and cleaned again here.
        line = f"{b.kind:<{kind_width}}  {clean(b.slug):<{slug_width}}  {clean(b.title)}"
        stdout.write(f"{line.rstrip()}  ({b.added_at:%Y-%m-%d})\n")
    return EXIT_OK
