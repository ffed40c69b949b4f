"""What every subcommand's ``--help`` ends with: examples and its exit codes, the codes taken
from :mod:`pkgtui.exit_codes` so the help and the behaviour cannot drift. A leaf module (no
Textual, no HTTP), so a command's own module can build its parser with it."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from typing import Any

from .exit_codes import (
    EXIT_API,
    EXIT_HANGUP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
)

HELP_WIDTH = 78  # a subcommand's description is wrapped here (RawDescriptionHelpFormatter keeps it)

# Each command's exit codes for its --help, from pkgtui.exit_codes so the two cannot drift.
USAGE = (EXIT_USAGE, "bad arguments, config or environment")
INTERRUPTED = (EXIT_INTERRUPTED, "interrupted (Ctrl+C)")
LOOKUP_EXITS = (
    (EXIT_OK, "printed"),
    (EXIT_NOT_FOUND, "not found (or, with --offline, not in the local catalogue)"),
    USAGE,
    (EXIT_API, "the network or the API failed (after retries), or an internal error"),
    INTERRUPTED,
)
BROWSER_EXITS = (
    (EXIT_OK, "the browser closed normally"),
    (EXIT_USAGE, "bad arguments or config, or no terminal to draw on"),
    (EXIT_INTERNAL, "an internal error"),
    (EXIT_HANGUP, "the terminal went away (SIGHUP)"),
    INTERRUPTED,
    (EXIT_TERMINATED, "stopped by SIGTERM"),
)
PRINT_EXITS = ((EXIT_OK, "printed"), USAGE)


def command_help(
    description: str, examples: Sequence[str], exit_codes: Sequence[tuple[int, str]]
) -> dict[str, Any]:
    """A subparser's description, examples and exit codes, for ``add_parser(**...)``."""
    lines = ["examples:", *(f"  {example}" for example in examples), "", "exit codes:"]
    lines += [f"  {code:<4}{meaning}" for code, meaning in exit_codes]
    return {
        "description": "\n\n".join(textwrap.fill(part, HELP_WIDTH) for part in description.split("\n\n")),
        "epilog": "\n".join(lines),
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
