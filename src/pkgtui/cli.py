"""Command line: the TUI (optionally opened on one screen) and the quick-lookup commands.

Exit codes: 0 found, 1 not found, 2 usage error, 3 network or API failure (or an internal
error), 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (see ``pkgtui.exit_codes``).
Textual is imported only when the TUI is started, so lookups start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .choices import SHELLS, SLUG_KINDS
from .exit_codes import EXIT_API, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from .help_text import BROWSER_EXITS, INTERRUPTED, LOOKUP_EXITS, PRINT_EXITS, command_help

# How much of an unexpected error's message the one line quotes.
ERROR_MESSAGE_LIMIT = 300


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS, so an option given before the subcommand is not reset by the subparser.
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("data source")
    group.add_argument(
        "--api-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="API v4 root (default: env PKGTUI_API_URL, the config file, or https://djangopackages.org/api/v4/)",
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the bundled sample data, no network",
    )
    group.add_argument(
        "--refresh",
        action="store_true",
        default=argparse.SUPPRESS,
        help="ignore fresh cached responses and ask the API again",
    )
    group.add_argument(
        "--offline",
        action="store_true",
        default=argparse.SUPPRESS,
        help="never touch the network: the local catalogue (pkgtui sync) and the cache only",
    )
    group.add_argument(
        "--no-cache",
        action="store_true",
        default=argparse.SUPPRESS,
        help="do not read or write the on-disk HTTP cache",
    )
    common.add_argument(
        "--log",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="append a log (each request, retries, errors) to FILE, for a bug report (also: env PKGTUI_LOG)",
    )
    return common


def _add_table_formats(parser: argparse.ArgumentParser) -> None:
    """``--plain``, ``--json`` or ``--csv`` (one of them): how a comparison table is printed."""
    fmt = parser.add_mutually_exclusive_group()
    for name in ("plain", "json", "csv"):
        fmt.add_argument(
            f"--{name}", dest="format", action="store_const", const=name, help=f"print as {name}"
        )


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="pkgtui",
        description="Browse djangopackages.org from the terminal. With no command, opens the browser.",
        parents=[common],
        epilog=(
            "Config file: $PKGTUI_CONFIG or <user config dir>/pkgtui/config.toml "
            "(keys: api_url, cache_ttl, concurrency, timeout, theme, cache, offline, pypi, pypi_url). "
            "pkgtui COMMAND --help gives each command's examples and exit codes."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pkgtui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for kind, noun, example in (
        ("package", "a package", "django-otp"),
        ("category", "a category", "apps"),
    ):
        sub = commands.add_parser(
            kind,
            parents=[common],
            help=f"open the browser on {noun}",
            **command_help(
                f"Open the full-screen browser on {noun}, given by its slug or its id. Esc goes back "
                "from there, q quits, ? lists the keys.",
                [f"pkgtui {kind} {example}", f"pkgtui {kind} {example} --demo"],
                BROWSER_EXITS,
            ),
        )
        sub.add_argument("key", metavar="SLUG_OR_ID")

    grid = commands.add_parser(
        "grid",
        parents=[common],
        help="open the browser on a grid, or print it with --plain/--json/--csv",
        **command_help(
            "Open the browser on a grid's comparison table, or print the table and exit with "
            "--plain (text fitted to the width: whole columns left out, named on stderr, never a "
            "name or a number cut), --csv or --json (every value typed, dates ISO 8601, the 52 "
            "weekly commit counts as numbers; see the README's output formats).",
            [
                "pkgtui grid two-factor-authentication",
                "pkgtui grid 7 --plain",
                "pkgtui grid two-factor-authentication --csv > grid.csv",
            ],
            (
                (EXIT_OK, "printed, or the browser closed normally"),
                *LOOKUP_EXITS[1:-1],
                *(exit for exit in BROWSER_EXITS if exit[0] > EXIT_API),
            ),
        ),
    )
    grid.add_argument("key", metavar="SLUG_OR_ID")
    _add_table_formats(grid)

    compare = commands.add_parser(
        "compare",
        parents=[common],
        help="print packages from any grids side by side (no SLUG: your compare list)",
        **command_help(
            "Print packages from any grids or categories in the grid comparison table (the "
            "columns, sort and best values of pkgtui grid, with its --plain, --csv and --json). "
            "With no SLUG, the compare list the browser keeps (m on a package marks it).",
            ["pkgtui compare django-otp django-two-factor-auth django-mfa", "pkgtui compare --csv"],
            (
                (EXIT_OK, "printed"),
                (EXIT_NOT_FOUND, "none of the packages found"),
                (EXIT_USAGE, "bad arguments, or no SLUG and an empty compare list"),
                (EXIT_API, "the network or the API failed (after retries), or an internal error"),
                (EXIT_INTERRUPTED, "interrupted (Ctrl+C)"),
            ),
        ),
    )
    compare.add_argument("slugs", nargs="*", metavar="SLUG")
    _add_table_formats(compare)  # printed as grid prints its table

    search = commands.add_parser(
        "search",
        parents=[common],
        help="open the browser on search results",
        **command_help(
            "Open the browser on the search results for TERM (several words are one term). To "
            "print them instead, use pkgtui find.",
            ["pkgtui search two factor", "pkgtui search rest --demo"],
            BROWSER_EXITS,
        ),
    )
    search.add_argument("term", nargs="+", metavar="TERM")

    show = commands.add_parser(
        "show",
        parents=[common],
        help="print a package summary and exit",
        **command_help(
            "Print a package's summary: version, category, stars, forks, users, last commit, a "
            "year of commit activity, its PyPI facts (latest release and its date, releases, "
            "licence, Python and Django versions, status; store first, asked of PyPI when stale "
            "unless offline or pypi = false), participants, grids and links. Laid out for "
            "$COLUMNS (else the terminal's width, else 100); URLs and numbers are never cut.\n\n"
            "--json prints the API object as served, computed fields under derived, and PyPI's "
            "facts under pypi (null when unknown, pypi_problem says why), with schema_version.",
            [
                "pkgtui show django-otp",
                "pkgtui show django-otp --json",
                "pkgtui show django-otp --participants --filter ar",
            ],
            LOOKUP_EXITS,
        ),
    )
    show.add_argument("key", metavar="SLUG_OR_ID")
    show.add_argument("--json", action="store_true", help="print the API object and derived fields as JSON")
    show.add_argument("--participants", action="store_true", help="list every participant, one a line")
    show.add_argument(
        "--filter", metavar="TEXT", help="only participants whose name contains TEXT (implies --participants)"
    )
    show.add_argument(
        "--pypi-url",
        metavar="URL",
        help="PyPI's JSON API root for the package's PyPI facts (default $PKGTUI_PYPI_URL, the config's "
        "pypi_url, or https://pypi.org/pypi/)",
    )

    find = commands.add_parser(
        "find",
        parents=[common],
        help="search packages and print a table",
        **command_help(
            "Search packages and print title, stars, category and description; only the "
            "description is cut to the width, and columns that do not fit are left out whole "
            "(named on stderr). Once synced it searches the whole local catalogue; before, the "
            "API, which stops at 20 hits (stderr says so). --json prints the hits as served, "
            "with schema_version.",
            ["pkgtui find two factor", "pkgtui find auth --limit 5", "pkgtui find rest --json"],
            LOOKUP_EXITS,
        ),
    )
    find.add_argument("term", nargs="+", metavar="TERM")
    find.add_argument("--json", action="store_true", help="print the raw search results as JSON")
    find.add_argument(
        "--limit",
        type=_positive_int,
        default=None,
        metavar="N",
        help="at most N results (default: every hit of the local catalogue; the API stops at 20)",
    )

    # pkgtui's own files and the shell (pkgtui.housekeeping): no config, no network.
    paths = commands.add_parser(
        "paths",
        help="print where pkgtui keeps its files",
        **command_help(
            "Print where pkgtui keeps its config, cache, catalogue, state and your data.",
            ["pkgtui paths", "pkgtui paths --json"],
            PRINT_EXITS,
        ),
    )
    paths.add_argument("--json", action="store_true", help="print them as JSON")
    clear_exits = (
        (EXIT_OK, "deleted (or nothing to delete, or not confirmed)"),
        (1, "some files could not be deleted"),
        (EXIT_USAGE, "bad arguments, or no terminal to ask on and no --yes"),
        INTERRUPTED,
    )
    cache = commands.add_parser(
        "cache",
        help="manage the cache: pkgtui cache clear",
        **command_help(
            "Manage pkgtui's cache. Its one action, clear, deletes the HTTP cache and the local "
            "catalogue (never your config or bookmarks).",
            ["pkgtui cache clear", "pkgtui cache clear --yes"],
            clear_exits,
        ),
    )
    cache_actions = cache.add_subparsers(dest="cache_action", metavar="ACTION", required=True)
    clear = cache_actions.add_parser(
        "clear",
        help="delete the HTTP cache and the catalogue store",
        **command_help(
            "Delete the HTTP cache and the local catalogue (never your config or bookmarks), "
            "after asking on a terminal; --yes deletes without asking.",
            ["pkgtui cache clear", "pkgtui cache clear --yes"],
            clear_exits,
        ),
    )
    clear.add_argument("--yes", "-y", action="store_true", help="do not ask first")
    bookmarks = commands.add_parser(
        "bookmarks",
        help="list your bookmarks",
        **command_help(
            "List the packages, grids and categories you bookmarked in the browser (b), with "
            "the day each was added.",
            ["pkgtui bookmarks", "pkgtui bookmarks --json"],
            PRINT_EXITS,
        ),
    )
    bookmarks.add_argument("--json", action="store_true", help="print them as JSON")
    completion = commands.add_parser(
        "completion",
        help="print a completion script for bash, zsh or fish",
        **command_help(
            "Print a completion script for bash, zsh or fish: commands, options, and the "
            "slugs of the local catalogue.",
            [
                'eval "$(pkgtui completion bash)"',
                "pkgtui completion fish > ~/.config/fish/completions/pkgtui.fish",
            ],
            PRINT_EXITS,
        ),
    )
    completion.add_argument("shell", nargs="?", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    completion.add_argument("--slugs", choices=SLUG_KINDS, help=argparse.SUPPRESS)  # what the scripts run

    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="fetch the whole catalogue into the local store",
        **command_help(
            "Fetch the whole djangopackages.org catalogue (every category, grid and package, "
            "and the usage counts) into the local store, atomically: the catalogue held is "
            "unchanged until the new one is whole. --status prints what it holds and its age.",
            ["pkgtui sync", "pkgtui sync --status", "pkgtui sync --no-usage"],
            (
                (EXIT_OK, "synced (or the status printed)"),
                (EXIT_NOT_FOUND, "the catalogue file could not be used"),
                (EXIT_USAGE, "bad arguments or config (a sync with --offline)"),
                (EXIT_API, "the network or the API failed (the catalogue held is unchanged)"),
                INTERRUPTED,
            ),
        ),
    )
    sync.add_argument(
        "--status", action="store_true", help="print what the local catalogue holds, and its age"
    )
    sync.add_argument("--no-usage", action="store_true", help="skip the usage counts (API v3's package list)")
    from .readiness_command import add_parser as add_readiness

    add_readiness(commands, common)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run pkgtui with ``argv`` and return its exit status; nothing it does ends in a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # before a command took over (each handles its own)
        print("pkgtui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 (logged below, with its traceback)
        # The net under the real fixes, not one of them: every known bad input has its own
        # words. What still gets here is a bug, said in one line and kept for the report.
        print(internal_error_line(error), file=sys.stderr)
        from .logs import logger

        logger().error("internal error", exc_info=error)
        return EXIT_INTERNAL


def internal_error_line(error: BaseException) -> str:
    """One line for an unexpected exception; the traceback goes to a file it names."""
    from .text import clean

    try:
        message = clean(str(error))
    except Exception:  # noqa: BLE001 (an exception whose str() fails must not break the net)
        message = ""
    if len(message) > ERROR_MESSAGE_LIMIT:
        message = message[: ERROR_MESSAGE_LIMIT - 1] + "…"
    saved = _save_traceback(error)
    where = f" (details in {saved})" if saved else ""
    return f"pkgtui: internal error: {type(error).__name__}: {message}; please report it{where}"


def _save_traceback(error: BaseException) -> str | None:
    """The traceback in ``<user state dir>/pkgtui/last-error.txt`` (replaced each time)."""
    import traceback

    import platformdirs

    try:
        path = platformdirs.user_state_path("pkgtui") / "last-error.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(traceback.format_exception(error))
        path.write_text(f"pkgtui {__version__}\n{text[-100_000:]}", encoding="utf-8", errors="replace")
    except Exception:  # noqa: BLE001 (a report that cannot be written must not hide the one line)
        return None
    return str(path)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("paths", "cache", "bookmarks", "completion"):
        from . import housekeeping

        return housekeeping.run(args, parser)

    from . import logs

    log_file = logs.requested(getattr(args, "log", None))
    if log_file is not None:
        try:
            logs.start(log_file)
        except OSError as error:
            print(f"pkgtui: cannot write the log {log_file}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
    code = _run_command(args)
    if code not in (0, None) and logs.current() is not None:
        logs.logger().info("exit status %s", code)
        print(f"pkgtui: the log is in {logs.current()}", file=sys.stderr)
    return code


def _run_command(args: argparse.Namespace) -> int:
    command = args.command
    from .config import load_config

    try:
        config = load_config(
            api_url=getattr(args, "api_url", None),
            demo=getattr(args, "demo", False),
            refresh=getattr(args, "refresh", False),
            use_cache=False if getattr(args, "no_cache", False) else None,
            offline=getattr(args, "offline", False),
        )
    except ValueError as error:
        print(f"pkgtui: {error}", file=sys.stderr)
        return EXIT_USAGE
    for warning in config.warnings:
        print(f"pkgtui: warning: {warning}", file=sys.stderr)

    if command == "sync":
        from . import sync_command

        return sync_command.run(args, config)
    if command == "readiness":
        from . import readiness_command

        return readiness_command.run(args, config)
    if command in ("show", "find", "compare") or (command == "grid" and args.format):
        from . import lookup

        return lookup.run(args, config)

    from .target import StartTarget

    target = StartTarget()
    if command in ("package", "grid", "category"):
        if not args.key.strip():  # as the print commands say it (lookup._check)
            print(
                f"pkgtui {command}: SLUG_OR_ID is empty; give a slug or an id (see pkgtui --help)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        target = StartTarget(command, args.key.strip())
    elif command == "search":
        target = StartTarget("search", " ".join(args.term))

    from . import gc_pauses

    gc_pauses.hold_until_started()  # before Textual is imported; the app turns collection back on
    try:
        from .app import run_app

        return run_app(config, target)
    finally:
        gc_pauses.resume()


if __name__ == "__main__":
    raise SystemExit(main())
