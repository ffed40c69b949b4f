"""Shell completion: scripts generated from ``cli.build_parser()`` for bash, zsh and fish.

Each script is checked for syntax by its own shell and then asked for completions the way the
shell would ask (bash: ``COMP_WORDS``; zsh: the function with compsys' builtins stubbed;
fish: ``complete -C``). A shell that is not installed is skipped: CI has bash only."""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pkgtui import choices, completion
from pkgtui.cli import build_parser, main
from pkgtui.exit_codes import EXIT_OK, EXIT_USAGE

SHELL_BINARIES = {shell: shutil.which(shell) for shell in completion.SHELLS}


def needs(shell: str):
    return pytest.mark.skipif(SHELL_BINARIES[shell] is None, reason=f"{shell} is not installed")


def visible_parser_words(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """Every subcommand and option a user can see, found by walking the parser here (not by
    the module under test), nested subcommands included."""
    commands: set[str] = set()
    options: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            shown = {a.dest for a in action._choices_actions if a.help != argparse.SUPPRESS}
            for name, sub in action.choices.items():
                if name in shown:
                    commands.add(name)
                    more_commands, more_options = visible_parser_words(sub)
                    commands |= more_commands
                    options |= more_options
        elif action.option_strings and action.help != argparse.SUPPRESS:
            options.update(action.option_strings)
    return commands, options


def script(shell: str, tmp_path: Path) -> Path:
    out = io.StringIO()
    args = build_parser().parse_args(["completion", shell])
    assert completion.run(args, build_parser(), out, io.StringIO()) == EXIT_OK
    path = tmp_path / f"pkgtui.{shell}"
    path.write_text(out.getvalue())
    return path


@pytest.fixture
def fake_pkgtui(tmp_path) -> Path:
    """A stand-in for pkgtui that answers ``completion --slugs KIND`` and notes how it was run,
    so the scripts' way of asking for slugs is tested before the catalogue store exists."""
    fake = tmp_path / "bin" / "pkgtui"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n'
        '[ "$1 $2" = "completion --slugs" ] && printf "%s-one\\n%s-two\\n" "$3" "$3"\nexit 0\n'
    )
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_every_subcommand_and_option_of_the_parser_is_in_the_script(shell, tmp_path):
    text = script(shell, tmp_path).read_text()
    commands, options = visible_parser_words(build_parser())
    assert {"show", "cache", "clear", "completion", "paths", "bookmarks"} <= commands
    for word in sorted(commands | options):
        assert f"'{word}'" in text or f"'{word}:" in text, f"{word} missing from the {shell} script"
    assert "'--slugs'" not in text and "--slugs:" not in text  # hidden: only the scripts call it


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_a_subcommand_added_later_is_completed_without_touching_the_scripts(shell):
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = subparsers.add_parser("frobnicate", help="added after the scripts were written")
    sub.add_argument("--wiggle", metavar="HOW", help="takes a value")
    text = completion.script(shell, parser)
    assert "'frobnicate" in text and ("'--wiggle'" in text or "'--wiggle:" in text)
    assert "frobnicate|--wiggle" in text  # known to take a value


def test_every_slug_argument_says_what_it_completes():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    slug_commands = {
        name
        for name, sub in subparsers.choices.items()
        if any(a.metavar in ("SLUG_OR_ID", "SLUG") for a in sub._actions if not a.option_strings)
    }
    assert slug_commands == set(completion.SLUG_ARGUMENTS)
    assert set(completion.SLUG_ARGUMENTS.values()) <= set(choices.SLUG_KINDS)


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_the_script_is_valid_syntax_for_its_shell(shell, tmp_path):
    if SHELL_BINARIES[shell] is None:
        pytest.skip(f"{shell} is not installed")
    result = subprocess.run(
        [SHELL_BINARIES[shell], "-n", str(script(shell, tmp_path))], capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")


# --- asking each shell ------------------------------------------------------------------------

CASES = [
    (
        ["pkgtui", ""],
        {
            "package",
            "category",
            "grid",
            "compare",
            "search",
            "show",
            "find",
            "paths",
            "cache",
            "bookmarks",
            "completion",
            "sync",
            "readiness",
        },
    ),
    (["pkgtui", "s"], {"search", "show", "sync"}),
    (["pkgtui", "show", "--j"], {"--json"}),
    (["pkgtui", "--api-url", "x", "s"], {"search", "show", "sync"}),  # the option's value is not a command
    (["pkgtui", "--api-url", ""], set()),  # a URL: nothing to offer
    (["pkgtui", "find", "--limit", ""], set()),
    (["pkgtui", "cache", ""], {"clear"}),
    (["pkgtui", "cache", "clear", "--y"], {"--yes"}),
    (["pkgtui", "completion", ""], {"bash", "zsh", "fish"}),
    (["pkgtui", "completion", "bash", ""], set()),  # one shell only
    (["pkgtui", "--demo", "grid", "--c"], {"--csv"}),
    (["pkgtui", "paths", "--"], {"--help", "--json"}),
]


def bash_complete(script_path: Path, words: list[str], env: dict[str, str] | None = None) -> set[str]:
    code = f'source "{script_path}"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pkgtui; printf "%s\\n" "${{COMPREPLY[@]}}"'
    result = subprocess.run(
        [SHELL_BINARIES["bash"], "-c", code, "_", *words], capture_output=True, text=True, env=env, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def zsh_complete(script_path: Path, words: list[str]) -> set[str]:
    """The zsh function run outside compsys, with the builtins it calls replaced by ones that
    print their candidates (zsh filters by the typed prefix itself, so the test does too)."""
    code = (
        f'compdef() {{ : }}; source "{script_path}"; '
        "compadd() { [[ $1 == -a ]] && print -l -- ${(P)2} }; "
        "_describe() { print -l -- ${${(P)4}%%:*} }; "
        'words=("$@"); CURRENT=$#; _pkgtui'
    )
    result = subprocess.run(
        [SHELL_BINARIES["zsh"], "-c", code, "_", *words], capture_output=True, text=True, timeout=30
    )
    assert result.returncode in (0, 1), result.stderr
    return {word.replace("\\:", ":") for word in result.stdout.split() if word.startswith(words[-1])}


def fish_complete(script_path: Path, words: list[str]) -> set[str]:
    line = " ".join(words)
    result = subprocess.run(
        [SHELL_BINARIES["fish"], "-c", f"source {script_path}; complete -C {line!r}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return {row.split("\t")[0] for row in result.stdout.splitlines()}


ASK = {"bash": bash_complete, "zsh": zsh_complete, "fish": fish_complete}


@pytest.mark.parametrize("shell", completion.SHELLS)
@pytest.mark.parametrize(("words", "expected"), CASES, ids=[" ".join(w[1:]) or "(nothing)" for w, _ in CASES])
def test_the_shell_offers_what_the_parser_allows(shell, words, expected, tmp_path):
    if SHELL_BINARIES[shell] is None:
        pytest.skip(f"{shell} is not installed")
    offered = ASK[shell](script(shell, tmp_path), words)
    if words[-1].startswith("--"):
        offered = {word for word in offered if word.startswith("--")}  # fish adds no -h for --
    assert offered == expected


@pytest.mark.parametrize("shell", completion.SHELLS)
@pytest.mark.parametrize(("words", "kind"), [(["show", ""], "package"), (["--demo", "grid", ""], "grid")])
def test_slugs_come_from_the_hidden_command(shell, words, kind, fake_pkgtui, tmp_path):
    if SHELL_BINARIES[shell] is None:
        pytest.skip(f"{shell} is not installed")
    offered = ASK[shell](script(shell, tmp_path), [str(fake_pkgtui), *words])
    assert offered == {f"{kind}-one", f"{kind}-two"}
    assert f"completion --slugs {kind}" in (fake_pkgtui.parent / "calls").read_text()


@needs("bash")
def test_no_slugs_are_asked_for_a_second_argument(fake_pkgtui, tmp_path):
    assert bash_complete(script("bash", tmp_path), [str(fake_pkgtui), "show", "django-otp", ""]) == set()
    assert not (fake_pkgtui.parent / "calls").exists()


# --- the command ------------------------------------------------------------------------------


def test_slugs_print_nothing_until_the_catalogue_store_exists_and_load_no_http_stack():
    code = (
        "import sys; from pkgtui.cli import main; code = main(['completion', '--slugs', 'package']); "
        "print(sorted(m for m in ('httpx', 'textual', 'pkgtui.config') if m in sys.modules), file=sys.stderr); "
        "sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert (result.returncode, result.stdout, result.stderr.strip()) == (EXIT_OK, "", "[]")


def test_completion_needs_one_shell(capsys):
    assert main(["completion"]) == EXIT_USAGE
    assert capsys.readouterr().err == "pkgtui completion: name one shell: bash, zsh, fish\n"
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "tcsh"])
    assert exit_.value.code == EXIT_USAGE
    assert main(["completion", "--slugs", "package", "bash"]) == EXIT_USAGE


def test_only_plain_one_word_slugs_reach_the_shell():
    hostile = [
        "django-otp",
        "two words",
        "$(rm -rf ~)",
        "esc\x1b[2J",
        "'quote",
        "-rf",
        "",
        7,
        "django-otp",
        "a.b_c",
    ]
    assert completion.safe_slugs(hostile) == ["django-otp", "a.b_c"]
    assert completion.safe_slugs((f"p{i}" for i in range(10)), limit=3) == ["p0", "p1", "p2"]
