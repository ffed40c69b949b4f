"""Quick lookup without the TUI: ``pkgtui show``, ``pkgtui find``, ``pkgtui grid --plain/--json/--csv``.

Shares the app's client, cache and config. Textual is never imported here, and rich
only when writing to a terminal, so a lookup in a script starts fast and prints bare text.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING

from ..api.errors import APIError
from ..config import Config
from ..exit_codes import EXIT_OK
from ..text import clean
from .context import Lookup
from .failures import LookupFailed, from_api_error, usage
from .local import age_text
from .output import Output

if TYPE_CHECKING:
    from ..api.client import Client
    from ..store import Store

# Each command's module (its ``run``), imported when it runs: ``show`` needs none of the
# others (compare alone brought comparison, userdata, grid and csv: 5 ms of every lookup).
COMMANDS = {"show": ".show", "find": ".find", "grid": ".grid", "compare": ".compare"}


def run(
    args: argparse.Namespace,
    config: Config,
    *,
    now: datetime | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    client: Client | None = None,
    env: Mapping[str, str] | None = None,
    store: Store | None = None,
    pypi_transport: object = None,
) -> int:
    """Run one lookup command and return its exit code. ``client``, if given, is closed here.
    ``store``: the local catalogue to read first (else the synced one of ``config``, if any;
    none when a ``client`` is given without it, as in tests). ``pypi_transport``: an httpx
    transport for PyPI's requests (tests)."""
    err = stderr or sys.stderr
    out = Output(stdout or sys.stdout, os.environ if env is None else env)

    def warn(message: str) -> None:
        err.write(f"pkgtui: warning: {message}\n")

    def note(message: str) -> None:
        err.write(f"pkgtui {args.command}: {message}\n")

    given = client

    def make_client() -> Client:
        return given if given is not None else config.open_client(on_cache_warning=warn)

    try:
        _check(args)
        offline = config.offline and not config.demo  # the demo is local anyway
        # Offline, the store is all there is: --refresh cannot ask the API.
        use_store = offline or not config.refresh
        opened = synced_store(config, warn) if store is None and client is None and use_store else None
        reader = (store or opened) if use_store else None
        pypi_url = _pypi_url(args, config)
        if config.demo and pypi_url is not None and pypi_transport is None:
            pypi_url, pypi_transport = config.pypi_source()  # the demo's made-up facts, in-process
        lookup = Lookup(
            make_client,
            out,
            warn,
            note,
            now or datetime.now(UTC),
            config.refresh,
            reader,
            offline=offline,
            v3_url=config.api_v3_url,
            pypi_url=pypi_url,
            pypi_off=_pypi_off(config),
            pypi_max_age=config.cache_ttl,
            pypi_transport=pypi_transport,
        )
        if offline and reader is not None:
            # Said once, up front: what is printed is only as new as the last sync.
            err.write(f"pkgtui: offline: the local catalogue, {age_text(reader)}\n")
        try:
            code = _run_stored(lookup, args)
            if code is None:
                import asyncio  # 29 ms of imports, for a command the local catalogue cannot answer

                code = asyncio.run(_run(lookup, args))
        finally:
            if opened is not None:
                opened.close()
        out.stream.flush()
        return code
    except LookupFailed as failure:
        err.write(f"pkgtui {args.command}: {failure.message}\n")
        return failure.code
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without Python's complaint at exit.
        if stdout is None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("pkgtui: interrupted\n")
        return 130


def _check(args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see: blank names and terms. (Their messages go without
    the ``pkgtui COMMAND:`` prefix, which ``run`` puts in front of every failure.)"""
    if args.command == "find" and not " ".join(args.term).strip():
        raise usage("TERM is empty; give a word to search for")
    if args.command in ("show", "grid") and not args.key.strip():
        raise usage("SLUG_OR_ID is empty; give a slug or an id")


def _pypi_url(args: argparse.Namespace, config: Config) -> str | None:
    """PyPI's root for facts (``--pypi-url``, else the config's, which has PKGTUI_PYPI_URL),
    or None when PyPI may not be asked."""
    given = (getattr(args, "pypi_url", None) or "").strip()
    # A bad --pypi-url is said even when PyPI is not asked (offline, the demo): it is a typo.
    if given and not given.lower().startswith(("http://", "https://")):
        raise usage(f"--pypi-url must be an http(s) URL: {clean(given)[:80]!r}")
    if not config.pypi_facts_allowed:
        return None
    return given or config.pypi_url


def _pypi_off(config: Config) -> str | None:
    """Why PyPI is not asked (the words a package with no kept facts shows), or None."""
    if config.offline:
        return "PyPI facts not kept (offline)"
    if not config.use_pypi:
        return "PyPI not asked (pypi = false)"
    return None


def synced_store(config: Config, warn: Callable[[str], None]) -> Store | None:
    """The local catalogue of ``config``'s API when it holds a synced catalogue; None else
    (never created by a lookup: a missing file stays missing)."""
    if not config.use_cache:
        return None
    from ..store import Store, StoreError
    from ..sync_command import catalogue_file

    path = catalogue_file(config)
    if not path.exists():
        return None
    try:
        store = Store(path, on_warning=warn)
    except StoreError as error:
        warn(str(error))
        return None
    if store.last_sync() is None:
        store.close()
        return None
    return store


def _run_stored(lookup: Lookup, args: argparse.Namespace) -> int | None:
    """The command answered from the local catalogue alone, with no event loop, when it can
    be (a command's ``run_stored``: ``show`` of a stored package whose facts need no fetch);
    None when it must ask the network, or has no such part."""
    if lookup.store is None:
        return None
    command = importlib.import_module(COMMANDS[args.command], __package__)
    run_stored = getattr(command, "run_stored", None)
    if run_stored is None:
        return None
    try:
        code: int | None = run_stored(lookup, args)
    except APIError as error:  # as in _run
        raise from_api_error(error, "an answer from the API") from None
    return code


async def _run(lookup: Lookup, args: argparse.Namespace) -> int:
    try:
        command = importlib.import_module(COMMANDS[args.command], __package__)
        return await command.run(lookup, args)
    except APIError as error:  # anything a command did not put in its own words
        raise from_api_error(error, "an answer from the API") from None
    finally:
        if lookup.client_made:
            await lookup.client.aclose()
