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
    return {"description": description, "epilog": "\n".join(lines), "formatter_class": FittedHelpFormatter}


class FittedHelpFormatter(argparse.HelpFormatter):
    """argparse's help, with the description and the epilog fitted to the terminal's width as
    the options are (``COLUMNS``, else the terminal's): prose paragraphs filled, and lines
    that start indented (examples, exit codes) kept as lines, a longer one wrapped under
    itself at spaces. Pre-wrapped at 78 columns, they had broken mid-word in a narrower one."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            lines = block.splitlines()
            if any(line[:1].isspace() for line in lines):  # examples, exit codes: line by line
                wrapped = []
                for line in lines:
                    lead = " " * (len(line) - len(line.lstrip()))
                    wrapped += textwrap.wrap(
                        line,
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent + lead + "    ",
                        break_long_words=False,
                        break_on_hyphens=False,
                    ) or [indent]
                blocks.append("\n".join(wrapped))
            else:
                blocks.append(
                    textwrap.fill(
                        " ".join(block.split()), width, initial_indent=indent, subsequent_indent=indent
                    )
                )
        return "\n\n".join(blocks)
