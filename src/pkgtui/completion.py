"""Shell completion for bash, zsh and fish, generated from the command line's own parser.

``pkgtui completion SHELL`` prints a script built from ``cli.build_parser()`` (handed in: this
module must not import the command line), so a new subcommand or option is completed the day
it is added. Every script carries the same tables (subcommands, options, which options take a
value, what a command's first argument is) and the same small walk over the words typed so
far; only the syntax differs.

Package, grid and category slugs are completed by running the hidden ``pkgtui completion
--slugs KIND``, which prints one slug a line. The slugs are to come from the catalogue store
(``paths.catalogue_file()``), which is not part of pkgtui yet: until it is, it prints nothing.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

import msgspec

from .choices import SHELLS
from .exit_codes import EXIT_OK, EXIT_USAGE

# The commands whose first argument is a slug, and of what (tests check this against the parser).
SLUG_ARGUMENTS = {
    "package": "package",
    "show": "package",
    "grid": "grid",
    "category": "category",
    "compare": "package",  # its first SLUG only, as the scripts complete one positional
}
MAX_SLUGS = 50_000  # a catalogue holds ~20,000 packages
_SAFE_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class Option(msgspec.Struct, frozen=True):
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...]


class Command(msgspec.Struct, frozen=True):
    path: str  # "" for pkgtui itself, "cache clear" for a nested one
    help: str
    options: tuple[Option, ...]
    subcommands: tuple[Command, ...]
    argument_choices: tuple[str, ...]  # the first positional's choices, if it has any
    slug_kind: str | None  # the first positional is a slug of this kind

    def walk(self) -> Iterable[Command]:
        yield self
        for sub in self.subcommands:
            yield from sub.walk()


def _help(text: str | None) -> str:
    return " ".join((text or "").replace("%%", "%").split())


def describe(parser: argparse.ArgumentParser, path: str = "", help: str = "") -> Command:
    """The completion's view of ``parser``: what is hidden (``help=SUPPRESS``) is left out."""
    options: list[Option] = []
    subcommands: list[Command] = []
    choices: tuple[str, ...] = ()
    first_positional = True
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                if name in helps and helps[name] != argparse.SUPPRESS:
                    subcommands.append(describe(sub, f"{path} {name}".strip(), _help(helps[name])))
        elif action.help == argparse.SUPPRESS:
            continue
        elif action.option_strings:
            options.append(
                Option(
                    tuple(action.option_strings),
                    _help(action.help),
                    takes_value=action.nargs != 0,
                    choices=tuple(str(c) for c in action.choices or ()),
                )
            )
        elif first_positional:
            first_positional = False
            choices = tuple(str(c) for c in action.choices or ())
    name = path.rsplit(" ", 1)[-1]
    slug_kind = SLUG_ARGUMENTS.get(name) if " " not in path and path else None
    return Command(path, help, tuple(options), tuple(subcommands), choices, slug_kind)


# --- the scripts ------------------------------------------------------------------------------


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    root = describe(parser)
    prog = parser.prog
    if shell == "bash":
        return _bash(root, prog)
    if shell == "zsh":
        return _zsh(root, prog)
    if shell == "fish":
        return _fish(root, prog)
    raise ValueError(f"no completion for {shell!r} (known: {', '.join(SHELLS)})")


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _sh_tables(root: Command, fn: str, *, described: bool) -> list[str]:
    """Functions shared by bash and zsh (the same ``case`` syntax): each prints or answers for
    a command path ("" or "cache" ...). With ``described``, names come as ``name:help``."""

    def zsh_entry(name: str, help: str) -> str:
        return f"{name.replace(':', chr(92) + ':')}:{help}" if described else name

    def listing(pairs: Iterable[tuple[str, str]]) -> str:
        return "printf '%s\\n' " + " ".join(_sh_quote(zsh_entry(n, h)) for n, h in pairs)

    commands = list(root.walk())
    lines = [f"{fn}_subcommands() {{", '    case "$1" in']
    for command in commands:
        if command.subcommands:
            pairs = [(sub.path.rsplit(" ", 1)[-1], sub.help) for sub in command.subcommands]
            lines.append(f"        {_sh_quote(command.path)}) {listing(pairs)} ;;")
    lines += ["    esac", "}", f"{fn}_options() {{", '    case "$1" in']
    for command in commands:
        pairs = [(flag, option.help) for option in command.options for flag in option.flags]
        lines.append(f"        {_sh_quote(command.path)}) {listing(pairs)} ;;")
    lines += ["    esac", "}", f"{fn}_valued() {{", '    case "$1|$2" in']
    valued = [
        _sh_quote(f"{c.path}|{flag}")
        for c in commands
        for o in c.options
        if o.takes_value
        for flag in o.flags
    ]
    if valued:
        lines.append(f"        {'|'.join(valued)}) return 0 ;;")
    lines += ["    esac", "    return 1", "}", f"{fn}_values() {{", '    case "$1|$2" in']
    for command in commands:
        for option in command.options:
            if option.choices:
                keys = "|".join(_sh_quote(f"{command.path}|{flag}") for flag in option.flags)
                lines.append(f"        {keys}) {listing((c, '') for c in option.choices)} ;;")
    lines += ["    esac", "}", f"{fn}_argument() {{", '    case "$1" in']
    for command in commands:
        if command.argument_choices:
            words = " ".join(command.argument_choices)
            lines.append(f"        {_sh_quote(command.path)}) echo {_sh_quote('choices ' + words)} ;;")
        elif command.slug_kind:
            lines.append(
                f"        {_sh_quote(command.path)}) echo {_sh_quote('slugs ' + command.slug_kind)} ;;"
            )
    lines += ["    esac", "}"]
    return lines


_BASH_MAIN = r"""
# The words before the cursor: the command path they name, how many arguments of that
# command are given, and whether the word before the cursor still wants a value.
__FN__() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmdpath="" word skip=0 given=0 i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == "=" ]]; then skip=1; continue; fi   # --option=value, split at "="
        if ((skip)); then skip=0; continue; fi
        case $word in
            --*=*) ;;
            -*) __FN___valued "$cmdpath" "$word" && skip=1 ;;
            *)
                if ((given == 0)) && __FN___subcommands "$cmdpath" | grep -qxF -- "$word"; then
                    cmdpath=${cmdpath:+$cmdpath }$word
                else
                    given=$((given + 1))
                fi ;;
        esac
    done
    [[ $prev == "=" ]] && prev=${COMP_WORDS[COMP_CWORD-2]}   # the option of --option=
    COMPREPLY=()
    if ((skip)); then
        COMPREPLY=($(compgen -W "$(__FN___values "$cmdpath" "$prev")" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(__FN___options "$cmdpath")" -- "$cur"))
        return
    fi
    local subcommands
    subcommands=$(__FN___subcommands "$cmdpath")
    if [[ -n $subcommands ]] && ((given == 0)); then
        COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
        return
    fi
    ((given == 0)) || return
    local argument
    argument=$(__FN___argument "$cmdpath")
    case $argument in
        choices\ *) COMPREPLY=($(compgen -W "${argument#choices }" -- "$cur")) ;;
        slugs\ *) COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" completion --slugs "${argument#slugs }" 2>/dev/null)" -- "$cur")) ;;
    esac
}
complete -F __FN__ __PROG__
"""


def _bash(root: Command, prog: str) -> str:
    fn = f"_{_ident(prog)}"
    head = [
        f"# bash completion for {prog}, generated from its parser by `{prog} completion bash`.",
        f"# Load it now with:  source <({prog} completion bash)",
        f"# or for good:       {prog} completion bash > ~/.local/share/bash-completion/completions/{prog}",
    ]
    body = _BASH_MAIN.replace("__FN__", fn).replace("__PROG__", prog)
    return "\n".join(head + _sh_tables(root, fn, described=False)) + "\n" + body


_ZSH_MAIN = r"""
__FN__() {
    local cur=${words[CURRENT]} prev=${words[CURRENT-1]}
    local cmdpath="" word skip=0 given=0 i
    local -a candidates
    for ((i = 2; i < CURRENT; i++)); do
        word=${words[i]}
        if ((skip)); then skip=0; continue; fi
        case $word in
            --*=*) ;;
            -*) __FN___valued "$cmdpath" "$word" && skip=1 ;;
            *)
                if ((given == 0)) && __FN___subcommands "$cmdpath" | cut -d: -f1 | grep -qxF -- "$word"; then
                    cmdpath=${cmdpath:+$cmdpath }$word
                else
                    given=$((given + 1))
                fi ;;
        esac
    done
    if ((skip)); then
        candidates=(${(f)"$(__FN___values "$cmdpath" "$prev")"})
        candidates=(${candidates%%:*})
        (( $#candidates )) && compadd -a candidates
        return
    fi
    if [[ $cur == -* ]]; then
        candidates=(${(f)"$(__FN___options "$cmdpath")"})
        _describe -t options option candidates
        return
    fi
    candidates=(${(f)"$(__FN___subcommands "$cmdpath")"})
    if (( $#candidates )) && ((given == 0)); then
        _describe -t commands command candidates
        return
    fi
    ((given == 0)) || return
    local argument
    argument=$(__FN___argument "$cmdpath")
    case $argument in
        choices\ *) candidates=(${=argument#choices }); compadd -a candidates ;;
        slugs\ *)
            candidates=(${(f)"$("${words[1]}" completion --slugs "${argument#slugs }" 2>/dev/null)"})
            (( $#candidates )) && compadd -a candidates ;;
    esac
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    __FN__ "$@"
else
    compdef __FN__ __PROG__
fi
"""


def _zsh(root: Command, prog: str) -> str:
    fn = f"_{_ident(prog)}"
    head = [
        f"#compdef {prog}",
        f"# zsh completion for {prog}, generated from its parser by `{prog} completion zsh`.",
        f"# Load it now with:  source <({prog} completion zsh)   (after compinit)",
        f"# or for good:       {prog} completion zsh > ~/.zfunc/_{prog}   (with ~/.zfunc in fpath)",
    ]
    body = _ZSH_MAIN.replace("__FN__", fn).replace("__PROG__", prog)
    return "\n".join(head + _sh_tables(root, fn, described=True)) + "\n" + body


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


_FISH_MAIN = r"""
# The candidates for the word under the cursor, "name<TAB>help" a line (fish filters them).
function __FN___complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l skip 0
    set -l given 0
    set -l prev ''
    for word in $words[2..-1]
        set prev $word
        if test $skip = 1
            set skip 0
            continue
        end
        switch $word
            case '--*=*'
            case '-*'
                __FN___valued "$cmdpath" $word; and set skip 1
            case '*'
                if test $given = 0; and contains -- $word (__FN___subcommands "$cmdpath" | string split -f1 \t)
                    set cmdpath (string trim -- "$cmdpath $word")
                else
                    set given (math $given + 1)
                end
        end
    end
    if test $skip = 1
        __FN___values "$cmdpath" $prev
        return
    end
    if string match -q -- '-*' $cur
        __FN___options "$cmdpath"
        return
    end
    set -l subcommands (__FN___subcommands "$cmdpath")
    if test (count $subcommands) -gt 0; and test $given = 0
        printf '%s\n' $subcommands
        return
    end
    test $given = 0; or return
    set -l argument (string split -m1 ' ' -- (__FN___argument "$cmdpath"))
    switch "$argument[1]"
        case choices
            string split ' ' -- $argument[2]
        case slugs
            $words[1] completion --slugs $argument[2] 2>/dev/null
    end
end

complete -c __PROG__ -f -a '(__FN___complete)'
"""


def _fish(root: Command, prog: str) -> str:
    fn = f"__{_ident(prog)}"
    commands = list(root.walk())

    def switch(name: str, subject: str, cases: list[tuple[str, list[str]]], fallback: str = "") -> list[str]:
        out = [f"function {fn}_{name}", f"    switch {subject}"]
        for keys, body in cases:
            out.append(f"        case {keys}")
            out.extend(f"            {line}" for line in body)
        if fallback:
            out += ["        case '*'", f"            {fallback}"]
        return [*out, "    end", "end"]

    def printing(pairs: Iterable[tuple[str, str]]) -> list[str]:
        return [f"printf '%s\\t%s\\n' {_fish_quote(n)} {_fish_quote(h)}" for n, h in pairs]

    def argument(command: Command) -> str:
        if command.argument_choices:
            return "choices " + " ".join(command.argument_choices)
        return f"slugs {command.slug_kind}"

    path_and_flag = '"$argv[1]|$argv[2]"'
    subcommands = [
        (_fish_quote(c.path), printing((s.path.rsplit(" ", 1)[-1], s.help) for s in c.subcommands))
        for c in commands
        if c.subcommands
    ]
    options = [
        (_fish_quote(c.path), printing((f, o.help) for o in c.options for f in o.flags)) for c in commands
    ]
    valued = [
        _fish_quote(f"{c.path}|{f}") for c in commands for o in c.options if o.takes_value for f in o.flags
    ]
    values = [
        (
            " ".join(_fish_quote(f"{c.path}|{f}") for f in o.flags),
            printing((choice, "") for choice in o.choices),
        )
        for c in commands
        for o in c.options
        if o.choices
    ]
    arguments = [
        (_fish_quote(c.path), [f"echo {_fish_quote(argument(c))}"])
        for c in commands
        if c.argument_choices or c.slug_kind
    ]
    lines = [
        f"# fish completion for {prog}, generated from its parser by `{prog} completion fish`.",
        f"# Load it now with:  {prog} completion fish | source",
        f"# or for good:       {prog} completion fish > ~/.config/fish/completions/{prog}.fish",
        *switch("subcommands", '"$argv[1]"', subcommands),
        *switch("options", '"$argv[1]"', options),
        *switch("valued", path_and_flag, [(" ".join(valued), ["return 0"])] if valued else [], "return 1"),
        *switch("values", path_and_flag, values),
        *switch("argument", '"$argv[1]"', arguments),
    ]
    body = _FISH_MAIN.replace("__FN__", fn).replace("__PROG__", prog)
    return "\n".join(lines) + "\n" + body


def _ident(prog: str) -> str:
    return re.sub(r"\W", "_", prog)


# --- slugs ------------------------------------------------------------------------------------


def safe_slugs(slugs: Iterable[str], limit: int = MAX_SLUGS) -> list[str]:
    """Slugs fit to hand a shell: one word of plain characters each (a slug from the API with a
    space, a quote or an escape sequence would otherwise be completed into the command line),
    without repeats, at most ``limit``."""
    seen: dict[str, None] = {}
    for slug in slugs:
        if isinstance(slug, str) and _SAFE_SLUG.fullmatch(slug):
            seen.setdefault(slug)
            if len(seen) >= limit:
                break
    return list(seen)


# Slugs offered a Tab press: the whole catalogue (~5,500 packages) with room, and a bound.
MAX_SLUGS = 10_000


def catalogue_slugs(kind: str, env: Mapping[str, str] | None = None, limit: int = MAX_SLUGS) -> list[str]:
    """Up to ``limit`` slugs of ``kind`` from the synced catalogue store (packages most
    starred first); none, and no error, when there is no catalogue. Never the network, and
    neither the HTTP stack nor the config module is loaded: this runs on every Tab press."""
    try:
        path = _catalogue_file(os.environ if env is None else env)
        if not path.is_file():  # never create an empty catalogue
            return []
        from .store import Store

        with Store(path) as store:
            if store.last_sync() is None:
                return []
            if kind == "package":
                slugs = [package.slug for package in store.top_packages(limit)]
            elif kind == "grid":
                slugs = [grid.slug for grid in store.grids()]
            else:
                slugs = [category.slug for category in store.categories()]
    except Exception:  # noqa: BLE001 (a Tab press must never print an error or a traceback)
        return []
    return [slug for slug in slugs if slug][:limit]


def _catalogue_file(env: Mapping[str, str]) -> Path:
    """The catalogue of the API root pkgtui would use: ``PKGTUI_API_URL``, else the config
    file's ``api_url``, else the default (read here without the config module's checks: a
    bad value only means a catalogue file that does not exist)."""
    from .api.defaults import DEFAULT_API_URL
    from .paths import config_file_path
    from .store import catalogue_path

    url = env.get("PKGTUI_API_URL") or ""
    if not url:
        try:
            import tomllib

            value = tomllib.loads(config_file_path(env).read_text(encoding="utf-8")).get("api_url")
        except (OSError, UnicodeDecodeError, ValueError):
            value = None
        url = value if isinstance(value, str) and value else DEFAULT_API_URL
    return catalogue_path(url)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, stdout: TextIO, stderr: TextIO) -> int:
    """``pkgtui completion SHELL`` prints the script; ``--slugs KIND`` prints slugs."""
    if args.slugs is not None and args.shell is None:
        stdout.writelines(slug + "\n" for slug in safe_slugs(catalogue_slugs(args.slugs)))
        return EXIT_OK
    if args.shell is None or args.slugs is not None:
        stderr.write(f"pkgtui completion: name one shell: {', '.join(SHELLS)}\n")
        return EXIT_USAGE
    stdout.write(script(args.shell, parser))
    return EXIT_OK
