"""Every fault and hostile input pkgtui is tested against, and what the user sees for each.

The tests parametrise over these lists, and ``docs/faults.md`` holds the table rendered from
them (a test checks it is up to date). After changing a row, regenerate the doc:

    .venv/bin/python -m tests.faults.catalogue
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.hostile import HOSTILE_TEXTS, LONG, HostileText
from tests.server import (
    Action,
    as_list,
    body,
    cut_body,
    deep_nesting,
    delayed,
    gzip_bomb,
    huge_body,
    invalid_json,
    nothing,
    rate_limited,
    redirect,
    reset,
    reshaped,
    status,
    trickled,
    truncated,
    without_keys,
    wrong_types,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "faults.md"
BEGIN, END = "<!-- catalogue:begin -->", "<!-- catalogue:end -->"
ALL_COMMANDS = ("show", "find", "grid")


@dataclass(frozen=True)
class ClientFault:
    """A server fault, served on every request; ``says`` is a regex the user's error message matches."""

    name: str
    make: Callable[[], list[Action]]
    error: str  # the APIError subclass
    says: str
    user_sees: str
    commands: tuple[str, ...] = ALL_COMMANDS  # the lookups it makes fail (search is lenient on fields)

    def actions(self) -> list[Action]:
        return self.make()

    def matches(self, message: str) -> bool:
        return re.search(self.says, message) is not None


CLIENT_FAULTS: tuple[ClientFault, ...] = (
    ClientFault(
        "HTTP 500",
        lambda: [status(500)],
        "ServerError",
        r"server error \(HTTP 500\)",
        'retried three times; then "had a server error (HTTP 500)", press r to retry',
    ),
    ClientFault(
        "HTTP 502",
        lambda: [status(502)],
        "ServerError",
        r"server error \(HTTP 502\)",
        'retried three times; then "had a server error (HTTP 502)"',
    ),
    ClientFault(
        "HTTP 503",
        lambda: [status(503)],
        "ServerError",
        r"server error \(HTTP 503\)",
        'retried three times; then "had a server error (HTTP 503)"',
    ),
    ClientFault(
        "429 with a long Retry-After",
        lambda: [rate_limited(3600)],
        "RateLimited",
        r"limiting requests; try again in an hour or more(?!.*(?:hour|3600))",  # said once
        'not waited out: "is limiting requests; try again in an hour or more" (said once; '
        "a Retry-After over an hour is capped)",
    ),
    ClientFault(
        "429 that persists",
        lambda: [rate_limited(0)],
        "RateLimited",
        r"limiting requests",
        'waits as told (at most 20 s), retries three times; then "is limiting requests"',
    ),
    ClientFault(
        "truncated body",
        lambda: [truncated(0.5)],
        "BadResponse",
        r"incomplete response: it was cut off",
        'retried three times; then "sent an incomplete response: it was cut off"',
    ),
    ClientFault(
        "connection reset mid-response",
        lambda: [reset(0.3)],
        "NoConnection",
        r"connection to .* was lost|incomplete response",
        'retried three times; then "the connection to HOST was lost"',
    ),
    ClientFault(
        "invalid JSON",
        lambda: [invalid_json()],
        "BadResponse",
        r"malformed JSON",
        'retried three times; then "sent malformed JSON"; the hint suggests --refresh, then --api-url',
    ),
    ClientFault(
        "a proxy's HTML page",
        lambda: [body(b"<html>Log in to the proxy</html>")],
        "BadResponse",
        r"answered with a web page, not JSON: a proxy or login page\?",
        'retried three times; then "answered with a web page, not JSON: a proxy or login page?"',
    ),
    ClientFault(
        "list where an object is expected",
        lambda: [reshaped(as_list)],
        "BadResponse",
        r"got a list",
        '"expected a package object, got a list" (grid, search result alike)',
    ),
    ClientFault(
        "null where an object is expected",
        lambda: [reshaped(nothing)],
        "BadResponse",
        r"got null|wrong shape",
        '"expected a package object, got null" / "search results of the wrong shape"',
    ),
    ClientFault(
        "missing keys (id, results)",
        lambda: [reshaped(without_keys("id", "results"))],
        "BadResponse",
        r"without a numeric id|wrong shape",
        '"package object without a numeric id"',
        commands=("show", "grid"),
    ),
    ClientFault(
        'wrong types (id "seven", results {})',
        lambda: [reshaped(wrong_types)],
        "BadResponse",
        r"without a numeric id|wrong shape",
        '"object without a numeric id"; a search hit with odd fields shows blanks instead',
        commands=("show", "grid"),
    ),
    ClientFault(
        "a 200 cut short, its Content-Length matching",
        lambda: [cut_body(0.5)],
        "BadResponse",
        r"was cut off",
        'retried three times; then "the answer from HOST was cut off" (never stored: '
        "a cached copy is shown instead, marked stale)",
    ),
    ClientFault(
        "gzip bomb (80 MB inflated from 80 KB)",
        lambda: [gzip_bomb(80 * 1024 * 1024)],
        "BadResponse",
        r"larger than 64 MB; pkgtui stopped reading it",
        'reading stops at the 64 MB cap: "sent an answer larger than 64 MB; pkgtui stopped reading it"',
    ),
    ClientFault(
        "plain body over the size cap (70 MB)",
        lambda: [huge_body(70 * 1024 * 1024)],
        "BadResponse",
        r"larger than 64 MB",
        "refused from its Content-Length, before reading: the same message",
    ),
    ClientFault(
        "100,000 nested [",
        lambda: [deep_nesting(100_000)],
        "BadResponse",
        r"nested too deeply",
        'retried three times; then "sent JSON nested too deeply to read" (no RecursionError)',
    ),
    ClientFault(
        "redirect to another host",
        lambda: [redirect("http://localhost:{port}{path}")],
        "Redirected",
        r"redirected to another host, localhost; not followed",
        '"redirected to another host, OTHER; not followed" (same host, http to https, is followed)',
    ),
    ClientFault(
        "redirect to javascript:",
        lambda: [redirect("javascript:alert(1)")],
        "Redirected",
        r"redirected to a javascript: address; not followed",
        '"redirected to a javascript: address; not followed" (data:, mailto: alike)',
    ),
    ClientFault(
        "429 with Retry-After as an HTTP date",
        lambda: [rate_limited("Fri, 31 Dec 2100 23:59:59 GMT")],
        "RateLimited",
        r"limiting requests; try again in an hour or more",
        "the date is read, and capped at an hour: never a wait in years",
    ),
    ClientFault(
        "slow first byte (past the timeout)",
        lambda: [delayed(3)],
        "Timeout",
        r"did not answer in",
        '"HOST did not answer in N s"',
    ),
    ClientFault(
        "trickled body (each read in time, the whole not)",
        lambda: [trickled(16, 0.2)],
        "Timeout",
        r"did not finish answering in",
        '"HOST did not finish answering in 3×timeout s"',
    ),
)


@dataclass(frozen=True)
class Row:
    """A row of the docs table that is not a server fault: ``tests`` name the tests that prove it."""

    name: str
    user_sees: str
    tests: tuple[str, ...] = field(default=())


NETWORK_ROWS: tuple[Row, ...] = (
    Row(
        "refused port (nothing listening)",
        'retried three times; then "cannot connect to HOST"',
        (
            "test_client_faults.test_refused_port_is_no_connection",
            "test_lookup_faults.test_refused_port_is_exit_3_and_one_line",
        ),
    ),
    Row(
        "latency on every answer",
        "the data, later; the screen says Loading… meanwhile",
        ("test_app_faults.test_latency_shows_loading_then_data",),
    ),
    Row(
        "a 30 % share of 500/502/503",
        "retried quietly: nearly everything arrives; a grid member still failing "
        "is shown as failed in its place",
        (
            "test_client_faults.test_a_share_of_server_errors_spares_the_rest",
            "test_app_faults.test_a_failing_grid_member_is_shown_failed_in_its_place",
        ),
    ),
    Row(
        "a fault that clears",
        "the retry (automatic, or r) shows the data",
        (
            "test_client_faults.test_after_every_fault_clears_the_same_client_works",
            "test_lookup_faults.test_a_fault_that_clears_is_retried_into_output",
            "test_app_faults.test_retry_after_the_fault_clears_shows_the_data",
        ),
    ),
    Row(
        "a page whose count lies (a billion)",
        "one request: a page whose next is null is the last",
        ("test_client_faults.test_a_lying_count_with_no_next_page_costs_one_request",),
    ),
    Row(
        "a count of 10⁶ or 10⁹ with a next page",
        "paging follows the pages: an empty page ends the list (at most one look-ahead of "
        "`concurrency` pages); a short first page is followed one page at a time; never more "
        "than 100,000 items or 500 pages",
        (
            "test_reliability_api.test_a_lying_count_with_a_next_page_is_not_believed",
            "test_reliability_api.test_a_count_on_a_short_first_page_is_followed_one_page_at_a_time",
        ),
    ),
    Row(
        "bad answers of every kind (13: cut, HTML, `[1,2,3]`, `null`, `{}`, wrong types, latin-1, "
        "deep nesting, ...)",
        "never stored: once the server heals the next lookup asks it again; after a good copy, "
        "a bad answer to `--refresh`/`r` shows the good copy marked stale, and keeps it",
        (
            "test_reliability_api.test_a_bad_answer_is_never_stored",
            "test_reliability_api.test_a_bad_answer_to_refresh_keeps_the_good_copy",
        ),
    ),
    Row(
        "40 % of 500s and a fifth of the rest cut short (seeded)",
        "at least 36 of 40 lookups succeed; once it heals all 40 do, the failed ones "
        "asked for again and nothing bad replayed from the cache",
        ("test_reliability_api.test_chaos_most_lookups_succeed_and_all_do_once_the_faults_stop",),
    ),
    Row(
        'unreadable items in a list (`1`, `"two"`, `null`)',
        "the readable items shown, the rest counted (`skipped`); a page with skipped items is "
        "not stored; a list of nothing readable is an error",
        (
            "test_reliability_api.test_unreadable_items_are_skipped_and_counted",
            "test_reliability_api.test_a_page_with_skipped_items_is_shown_but_not_stored",
        ),
    ),
    Row(
        "a port out of range (99999)",
        '"cannot connect to HOST: …", no traceback',
        ("test_reliability_api.test_a_port_out_of_range_is_no_connection",),
    ),
    Row(
        "a SOCKS5 proxy (`ALL_PROXY=socks5://…`)",
        "requests go through it",
        (
            "test_reliability_api.test_a_socks_proxy_carries_the_requests",
            "test_reliability_api.test_a_socks_proxy_from_all_proxy_in_the_environment",
        ),
    ),
    Row(
        "a proxy of a scheme pkgtui cannot use (socks4://, ftp://)",
        'one line: "the proxy socks4://HOST:PORT uses socks4://, which pkgtui cannot use" '
        "(no password shown)",
        ("test_reliability_api.test_an_unusable_proxy_is_one_clear_line",),
    ),
    Row(
        "a SOCKS proxy, socksio missing (a broken install)",
        'one line: "the SOCKS proxy … needs the socksio package (pip install socksio)"',
        ("test_reliability_api.test_a_socks_proxy_without_socksio_is_one_clear_line",),
    ),
)


def _hostile_sees(text: HostileText) -> str:
    if text is LONG:
        return "cut or wrapped to fit the screen; nothing slows down or breaks"
    if text.visible == text.raw:
        return f"exactly as sent: `{text.visible}`"
    return f"the text without its escapes: `{text.visible}`"


HOSTILE_ROWS: tuple[Row, ...] = (
    *(
        Row(
            f"text: {text.name}",
            _hostile_sees(text),
            (
                "test_lookup_faults.test_hostile_text_appears_literally",
                "test_app_faults.test_hostile_text_on_screen",
            ),
        )
        for text in HOSTILE_TEXTS
    ),
    Row(
        "clicking hostile markup text",
        "nothing happens (no action runs, the app keeps running)",
        ("test_app_faults.test_clicking_hostile_text_does_nothing",),
    ),
    Row(
        "repo_url `javascript:`, `file:`, `data:`, http(s) with escapes",
        "shown as text, never a link; `o` says it will not open it",
        (
            "test_lookup_faults.test_only_clean_http_urls_become_links",
            "test_app_faults.test_non_web_urls_are_never_opened",
        ),
    ),
    Row(
        "negative and null counts",
        "`–` (unknown), never a negative number",
        (
            "test_lookup_faults.test_bad_numbers_show_as_unknown",
            "test_app_faults.test_bad_numbers_in_the_app",
        ),
    ),
    Row(
        "invalid dates",
        "last commit `unknown` (`–` in the app)",
        (
            "test_lookup_faults.test_bad_numbers_show_as_unknown",
            "test_app_faults.test_bad_numbers_in_the_app",
        ),
    ),
    Row(
        "commits_over_52 of the wrong length or types",
        "52 bars: newest weeks kept, missing weeks 0",
        ("test_lookup_faults.test_hostile_data_prints_inert_text",),
    ),
    Row(
        "5,000 participants",
        "all listed (virtual list in the TUI, one a line with --participants)",
        (
            "test_lookup_faults.test_five_thousand_participants_are_all_listed",
            "test_app_faults.test_every_hostile_package_opens",
        ),
    ),
    Row(
        "grid members that 404 or are not package URLs",
        "the good members shown; `pkgtui grid` names the missing one in one line on stderr",
        ("test_lookup_faults.test_hostile_grid_keeps_the_good_members_and_warns_once_for_the_missing_one",),
    ),
)

STATE_ROWS: tuple[Row, ...] = (
    Row(
        "a cache that still holds a bad copy (written before it checked)",
        "the copy is read, found bad, dropped, and fetched again",
        ("test_reliability_api.test_a_bad_copy_already_in_the_cache_is_dropped_and_fetched_anew",),
    ),
    Row(
        "refreshing again and again",
        "one stored copy per URL: a new copy replaces the old",
        ("test_reliability_api.test_every_refresh_replaces_the_stored_copy",),
    ),
    Row(
        "a cache at its size cap (`cache_max_mb`, default 200)",
        "the entries used least recently are dropped first",
        ("test_reliability_api.test_the_cache_stays_under_its_cap_dropping_the_oldest",),
    ),
    Row(
        "cache database of garbage bytes",
        'one warning "cache … unusable (…); running without it"; data comes from the network',
        (
            "test_state.test_corrupted_cache_file_is_one_warning_and_no_cache",
            "test_lookup_faults.test_corrupted_cache_is_one_warning_and_the_command_works",
            "test_app_faults.test_corrupted_cache_is_one_warning_in_the_app",
        ),
    ),
    Row(
        "cache corrupted while running",
        "the same one warning; the app goes on uncached",
        ("test_state.test_cache_corrupted_while_running_is_dropped_not_fatal",),
    ),
    Row(
        "cache folder unwritable (a file in its place)",
        "the same one warning",
        (
            "test_state.test_cache_dir_under_a_regular_file_is_one_warning",
            "test_state.test_cache_file_that_is_a_folder_is_one_warning",
        ),
    ),
    Row(
        "cache unreadable (permission denied)",
        "the same one warning",
        ("test_state.test_unreadable_cache_is_one_warning",),
    ),
    Row(
        'full disk (ENOSPC, SQLite "disk is full")',
        "the same one warning",
        ("test_state.test_full_disk_is_one_warning_and_no_cache",),
    ),
    Row(
        "config file unreadable (permissions, a folder, not UTF-8)",
        "one warning naming the file; defaults used",
        (
            "test_state.test_unreadable_config_is_one_warning",
            "test_state.test_config_path_that_is_a_folder_is_one_warning",
            "test_lookup_faults.test_broken_config_is_one_warning_and_the_command_works",
        ),
    ),
    Row(
        "config file not valid TOML",
        "one warning naming the file and the line; defaults used",
        ("test_state.test_invalid_config_file_is_one_warning_and_defaults",),
    ),
    Row(
        "config value bad (wrong type, out of range, nan, non-http URL)",
        "one warning naming the key; that key's default used, the others kept",
        (
            "test_state.test_bad_value_is_one_warning_naming_the_key",
            "test_state.test_good_values_beside_a_bad_one_are_kept",
        ),
    ),
    Row(
        "a file the app writes, on a full disk or killed mid-write",
        "the old file intact, no temporary left",
        (
            "test_state.test_atomic_write_on_a_full_disk_keeps_the_old_file",
            "test_state.test_atomic_write_interrupted_before_rename_keeps_the_old_file",
        ),
    ),
)

TERMINAL_ROWS: tuple[Row, ...] = (
    Row(
        "a 60×20 terminal",
        "every screen opens and works from the keyboard",
        ("test_app_faults.test_small_plain_terminal",),
    ),
    Row(
        "NO_COLOR=1",
        "every screen opens and works, without colour",
        ("test_app_faults.test_small_plain_terminal",),
    ),
    Row(
        "no mouse",
        "every screen reachable and left with keys alone",
        ("test_app_faults.test_small_plain_terminal",),
    ),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table() -> str:
    """The markdown that sits between the markers in docs/faults.md."""
    lines = [
        "### Server and network faults",
        "",
        "| fault | error | what the user sees |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {_cell(f.name)} | {f.error} | {_cell(f.user_sees)} |" for f in CLIENT_FAULTS]
    lines += [f"| {_cell(r.name)} | – | {_cell(r.user_sees)} |" for r in NETWORK_ROWS]
    for title, rows in (
        ("Hostile data", HOSTILE_ROWS),
        ("Broken state", STATE_ROWS),
        ("Small and plain terminals", TERMINAL_ROWS),
    ):
        lines += ["", f"### {title}", "", "| input | what the user sees |", "| --- | --- |"]
        lines += [f"| {_cell(r.name)} | {_cell(r.user_sees)} |" for r in rows]
    return "\n".join(lines)


def write_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{render_table()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    write_doc()
    print(f"wrote {DOC}")
