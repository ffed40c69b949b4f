"""Quick lookup without the TUI: ``pkgtui show``, ``pkgtui find``, ``pkgtui grid --plain/--json/--csv``.

Shares the app's client, cache and config. Textual is never imported here, and rich
only when writing to a terminal, so a lookup in a script starts fast and prints bare text.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO

from ..api.client import Client
from ..api.errors import APIError
from ..config import Config
from ..exit_codes import EXIT_OK
from . import find, grid, show
from .context import Lookup
from .failures import LookupFailed, from_api_error, usage
from .local import age_text, open_catalogue
from .output import Output

COMMANDS = {"show": show.run, "find": find.run, "grid": grid.run}


def run(
    args: argparse.Namespace,
    config: Config,
    *,
    now: datetime | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    client: Client | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run one lookup command and return its exit code. ``client``, if given, is closed here."""
    err = stderr or sys.stderr
    out = Output(stdout or sys.stdout, os.environ if env is None else env)

    def warn(message: str) -> None:
        err.write(f"pkgtui: warning: {message}\n")

    def note(message: str) -> None:
        err.write(f"pkgtui: {message}\n")

    store = None
    try:
        _check(args)
        offline = config.offline and not config.demo  # the demo is local anyway
        store = open_catalogue(config, warn)
        if client is None:
            client = config.open_client(on_cache_warning=warn)
        lookup = Lookup(
            client,
            out,
            warn,
            now or datetime.now(UTC),
            config.refresh,
            store=store,
            offline=offline,
            v3_url=config.api_v3_url,
            note=note,
        )
        if offline and store is not None:
            # Said once, up front: what is printed is only as new as the last sync.
            note(f"offline: the local catalogue, {age_text(store)}")
        code = asyncio.run(_run(lookup, args))
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
    finally:
        if store is not None:
            store.close()


def _check(args: argparse.Namespace) -> None:
    """Usage errors argparse cannot see: blank names and terms."""
    if args.command == "find" and not " ".join(args.term).strip():
        raise usage("pkgtui find: TERM is empty; give a word to search for")
    if args.command in ("show", "grid") and not args.key.strip():
        raise usage(f"pkgtui {args.command}: SLUG_OR_ID is empty; give a slug or an id")


async def _run(lookup: Lookup, args: argparse.Namespace) -> int:
    try:
        return await COMMANDS[args.command](lookup, args)
    except APIError as error:  # anything a command did not put in its own words
        raise from_api_error(error, "an answer from the API") from None
    finally:
        await lookup.client.aclose()
