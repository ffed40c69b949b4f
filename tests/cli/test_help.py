"""Every subcommand's ``--help``: a description, examples that parse, and its exit codes."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from pkgtui import exit_codes
from pkgtui.cli import build_parser

KNOWN_CODES = {
    value for name, value in vars(exit_codes).items() if name.startswith("EXIT_") and isinstance(value, int)
} | {1}  # cache clear's "some files could not be deleted" (housekeeping.EXIT_NOT_DONE)


def subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every subcommand's parser by its words ("cache clear"), nested ones too."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[prefix + name] = sub
                found |= subparsers(sub, prefix + name + " ")
    return found


COMMANDS = subparsers(build_parser())


def test_every_command_is_checked():
    assert {"show", "find", "grid", "package", "category", "search", "sync", "paths"} <= set(COMMANDS)
    assert {"cache", "cache clear", "bookmarks", "completion", "readiness"} <= set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_has_a_description_examples_and_exit_codes(command):
    text = COMMANDS[command].format_help()
    parser = COMMANDS[command]
    assert parser.description and len(parser.description) > 40, "no description"
    assert "example" in text.lower()
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith(f"pkgtui {command}")]
    assert examples, "no example of the command itself"
    codes = [
        int(code) for code in re.findall(r"^\s*(\d{1,3})\s+\S", text.split("exit codes:")[-1], re.MULTILINE)
    ]
    assert "exit codes:" in text and 0 in codes and 2 in codes
    assert set(codes) <= KNOWN_CODES and len(codes) == len(set(codes))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_examples_are_real_command_lines(command):
    text = COMMANDS[command].format_help()
    for line in text.splitlines():
        example = line.strip()
        if not example.startswith("pkgtui ") or any(mark in example for mark in "<>|$"):
            continue
        words = shlex.split(example)
        build_parser().parse_args(words[1:])  # exits (SystemExit) on an example that does not parse


def test_lookup_exit_codes_are_the_ones_the_commands_return():
    text = COMMANDS["show"].format_help().split("exit codes:")[-1]
    lines = {int(line.split()[0]): line for line in text.strip().splitlines()}
    assert "not found" in lines[exit_codes.EXIT_NOT_FOUND]
    assert "network" in lines[exit_codes.EXIT_API]
    assert set(lines) == {0, 1, 2, 3, 130}


def test_show_help_names_the_pypi_facts_and_json_keys():
    text = " ".join(COMMANDS["show"].format_help().split())
    assert "--pypi-url" in text and "schema_version" in text and "pypi_problem" in text


@pytest.mark.parametrize("width", [60, 120])
def test_descriptions_and_epilogs_are_fitted_to_the_terminal(width, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(width))
    for command, parser in subparsers(build_parser()).items():  # built now, for this width
        text = parser.format_help()
        body = text.split("\n\n", 1)[1]  # argparse's own usage lines aside
        long = [line for line in body.splitlines() if len(line) > width - 2 and " " in line.strip()]
        # Before: pre-wrapped at 78, so lines ran past a 60-column terminal and broke mid-word.
        assert not long, (command, long)
        if width > 100 and len(parser.description or "") > 300:  # a wide terminal gets its width, not 78
            description = body.split("\n\n", 1)[0]
            assert max(len(line) for line in description.splitlines()) > 80, command
