"""The user's data: kept across runs, never lost to a bad file or a second process, bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pkgtui import paths, userdata
from pkgtui.exit_codes import EXIT_OK
from pkgtui.userdata import (
    MAX_BOOKMARKS,
    MAX_COMPARE,
    MAX_HISTORY,
    Bookmark,
    UserData,
    UserDataError,
    UserDataFile,
    UserDataFull,
    encode,
)

ROOT = Path(__file__).resolve().parents[1]
MOMENT = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = MOMENT

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store() -> UserDataFile:
    return UserDataFile(now=Clock())


def python(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def pkgtui(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pkgtui", *argv], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def backups() -> list[Path]:
    return sorted(paths.user_data_dir().glob("userdata.json.corrupt-*"))


# --- across runs ------------------------------------------------------------------------------


def test_it_lives_in_the_user_data_dir_not_the_cache(store, tmp_path):
    assert store.path == tmp_path / "xdg-data" / "pkgtui" / "userdata.json"
    assert paths.cache_dir() not in store.path.parents


def test_a_bookmark_saved_by_one_run_is_listed_by_the_next():
    saved = python(
        """
        from pkgtui.userdata import UserDataFile
        UserDataFile().add_bookmark("package", "django-otp", "django-otp")
        UserDataFile().add_bookmark("grid", "two-factor", "Two-factor \\x1b[31mauth\\x1b[0m")
        """
    )
    assert saved.returncode == 0, saved.stderr
    listed = pkgtui("bookmarks", "--json")
    assert (listed.returncode, listed.stderr) == (EXIT_OK, "")
    assert [(b["kind"], b["slug"], b["title"]) for b in json.loads(listed.stdout)] == [
        ("package", "django-otp", "django-otp"),
        ("grid", "two-factor", "Two-factor auth"),  # the escape sequences never stored
    ]
    plain = pkgtui("bookmarks")
    lines = plain.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [["package", "django-otp"], ["grid", "two-factor"]]
    assert "\x1b" not in plain.stdout


def test_no_bookmarks_is_said_on_stderr_and_json_is_an_empty_list():
    assert (pkgtui("bookmarks").stdout, pkgtui("bookmarks").stderr) == ("", "No bookmarks yet.\n")
    assert json.loads(pkgtui("bookmarks", "--json").stdout) == []


def test_the_file_has_a_schema_version_and_reads_back_the_same(store):
    store.add_bookmark("package", "django-otp", "django-otp")
    store.add_to_compare("django-otp")
    store.add_to_compare("django-two-factor-auth")
    store.record_visit("grid", "two-factor", "Two-factor")
    store.set_theme("nord")
    document = json.loads(store.path.read_text())
    assert document["schema_version"] == userdata.SCHEMA_VERSION
    again = UserDataFile().read()
    assert again == store.read()
    assert again.compare == ("django-otp", "django-two-factor-auth")
    assert again.theme == "nord" and again.bookmarked("package", "django-otp")
    assert store.take_warnings() == []


# --- bad files are kept, and said ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"schema_version": 1, "bookmarks": [', "is not valid JSON"),
        (b"[1, 2, 3]", "does not hold a JSON object"),
        (b'{"bookmarks": []}', "has no valid schema_version"),
        (b"\xff\xfe not text", "is not UTF-8 text"),
        (b"[" * 100_000, "is not valid JSON"),
        (b" " * (userdata.MAX_FILE_BYTES + 1), "is larger than 2 MB"),
    ],
    ids=["cut-off", "not-an-object", "no-version", "not-utf8", "deep", "huge"],
)
def test_an_unreadable_file_is_kept_aside_and_reported(store, content, reason):
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    assert store.read() == UserData()
    [warning] = store.take_warnings()
    [backup] = backups()
    assert backup.read_bytes() == content  # every byte kept
    assert warning.startswith(f"{store.path} {reason}")
    assert warning.endswith(f": kept as {backup.name}; going on with none of it")
    assert backup.name.startswith("userdata.json.corrupt-2026") and backup.name.endswith("Z")
    store.add_bookmark("package", "django-otp")  # and saving works again
    assert UserDataFile().read().bookmarked("package", "django-otp")


def test_a_file_that_cannot_be_read_is_set_aside_too(store):
    store.path.mkdir(parents=True)  # reading a folder fails (root reads anything by permissions)
    assert store.read() == UserData()
    [warning] = store.take_warnings()
    assert "cannot be read" in warning and backups()[0].is_dir()


def test_bad_entries_are_dropped_from_the_file_but_kept_in_a_backup(store):
    good = encode(UserData(bookmarks=(Bookmark("package", "django-otp", "django-otp", MOMENT),)))
    document = json.loads(good)
    document["bookmarks"] += [
        {"kind": "package", "slug": "bad slug", "title": "x", "added_at": "2026-01-01T00:00:00Z"},
        {"kind": "shop", "slug": "x", "title": "x", "added_at": "2026-01-01T00:00:00Z"},
        "not an object",
    ]
    document["compare"] = ["django-otp", 7]
    store.path.parent.mkdir(parents=True)
    original = json.dumps(document)
    store.path.write_text(original)
    data = store.read()
    assert [b.slug for b in data.bookmarks] == ["django-otp"] and data.compare == ("django-otp",)
    [warning] = store.take_warnings()
    assert (
        "3 unreadable bookmarks; 1 unreadable compare entry" in warning
        and "going on with the rest" in warning
    )
    assert backups()[0].read_text() == original
    assert UserDataFile().read() == data  # the cleaned file was saved: the warning comes once
    assert store.take_warnings() == [] and len(backups()) == 1


def test_a_file_from_a_newer_pkgtui_is_never_written_over(store):
    store.path.parent.mkdir(parents=True)
    newer = '{"schema_version": 99, "bookmarks": "in some new shape"}'
    store.path.write_text(newer)
    assert store.read() == UserData()
    assert store.take_warnings() == [
        f"{store.path} is from a newer pkgtui (schema 99, this one reads 1): left as it is"
    ]
    with pytest.raises(UserDataError, match="not saved"):
        store.add_bookmark("package", "django-otp")
    assert store.path.read_text() == newer and backups() == []


def test_a_bad_file_that_cannot_be_moved_is_left_and_not_saved_over(store, monkeypatch):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("not json")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(userdata.os, "replace", refuse)
    with pytest.raises(UserDataError, match="cannot be set aside .Permission denied.*not saved"):
        store.add_bookmark("package", "django-otp")
    assert store.read() == UserData()
    assert "left as it is" in store.take_warnings()[-1]
    assert store.path.read_text() == "not json"


def test_a_failed_write_keeps_the_old_file(store, monkeypatch):
    store.add_bookmark("package", "django-otp")
    before = store.path.read_bytes()

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pkgtui.storage.os.fsync", full)
    with pytest.raises(UserDataError, match="cannot be saved .No space left on device."):
        store.add_bookmark("package", "django-allauth")
    assert store.path.read_bytes() == before


def test_the_cli_shows_the_warning_once():
    path = paths.user_data_file()
    path.parent.mkdir(parents=True)
    path.write_text("{oops")
    first = pkgtui("bookmarks")
    assert first.returncode == EXIT_OK
    assert first.stderr.splitlines()[0].startswith(
        f"pkgtui: warning: {path} is not valid JSON (JSONDecodeError)"
    )
    assert pkgtui("bookmarks").stderr == "No bookmarks yet.\n"


# --- two processes at once --------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from pkgtui.userdata import UserDataFile
name, go = sys.argv[1], Path(sys.argv[2])
store = UserDataFile()
while not go.exists():
    time.sleep(0.001)
for i in range(40):
    store.add_bookmark("package", f"{name}-{i}", f"{name} {i}")
    store.record_visit("package", f"{name}-{i}")
"""


def test_two_processes_adding_at_once_keep_every_bookmark(tmp_path):
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, str(go)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for name in ("first", "second")
    ]
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    data = UserDataFile().read()
    expected = {f"{name}-{i}" for name in ("first", "second") for i in range(40)}
    assert {b.slug for b in data.bookmarks} == expected
    assert len(data.history) == min(80, MAX_HISTORY)


def test_a_held_lock_makes_a_change_fail_in_one_line_and_a_read_go_on(store):
    store.add_bookmark("package", "django-otp")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with userdata._locked(store.lock_path, 5):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(5)
        impatient = UserDataFile(lock_timeout=0.2)
        with pytest.raises(UserDataError, match="another pkgtui has held it for 0.2 s"):
            impatient.add_bookmark("package", "django-allauth")
        assert impatient.read().bookmarked("package", "django-otp")  # read without the lock
        assert "another pkgtui" in impatient.take_warnings()[0]
    finally:
        release.set()
        holder.join()
    assert not store.read().bookmarked("package", "django-allauth")


# --- caps ---------------------------------------------------------------------------------------


def test_bookmarks_stop_at_their_cap_without_dropping_any(store):
    full = UserData(
        bookmarks=tuple(Bookmark("package", f"p{i}", f"p{i}", MOMENT) for i in range(MAX_BOOKMARKS))
    )
    store.path.parent.mkdir(parents=True)
    store.path.write_text(encode(full))
    with pytest.raises(UserDataFull, match="bookmarks are full .1,000."):
        store.add_bookmark("package", "one-more")
    assert store.read() == full
    store.add_bookmark("package", "p7")  # already there: no change, no error
    store.remove_bookmark("package", "p0")
    assert store.add_bookmark("grid", "one-more").bookmarked("grid", "one-more")


def test_a_file_over_a_cap_keeps_the_first_and_backs_up_the_rest(store):
    over = UserData(
        bookmarks=tuple(Bookmark("package", f"p{i}", f"p{i}", MOMENT) for i in range(MAX_BOOKMARKS + 5))
    )
    store.path.parent.mkdir(parents=True)
    store.path.write_text(encode(over))
    assert len(store.read().bookmarks) == MAX_BOOKMARKS
    assert "5 bookmarks over the cap of 1,000" in store.take_warnings()[0]
    assert len(json.loads(backups()[0].read_text())["bookmarks"]) == MAX_BOOKMARKS + 5


def test_the_compare_list_keeps_its_order_and_its_cap(store):
    for i in range(MAX_COMPARE):
        store.add_to_compare(f"p{i}")
    with pytest.raises(UserDataFull, match="compare list is full .50."):
        store.add_to_compare("one-more")
    store.add_to_compare("p3")  # already there
    data = store.remove_from_compare("p0")
    assert data.compare == tuple(f"p{i}" for i in range(1, MAX_COMPARE))
    assert store.clear_compare().compare == ()


def test_history_is_newest_first_deduplicated_capped_and_clearable(store):
    for i in range(MAX_HISTORY + 20):
        store.record_visit("package", f"p{i}", f"Package {i}")
    data = store.record_visit("package", "p50")
    assert len(data.history) == MAX_HISTORY
    assert [v.slug for v in data.history[:3]] == ["p50", f"p{MAX_HISTORY + 19}", f"p{MAX_HISTORY + 18}"]
    assert [v.slug for v in data.history].count("p50") == 1
    assert data.history[0].title == "p50"  # reopened without a title: the slug stands in
    assert store.clear_history().history == ()
    assert UserDataFile().read().history == ()


@pytest.mark.parametrize("slug", ["", "two words", "esc\x1b[2J", "x" * 201, "new\nline"])
def test_a_bad_slug_is_refused_as_a_user_data_error(store, slug):
    with pytest.raises(UserDataError, match="cannot save"):
        store.add_bookmark("package", slug)
    assert not store.path.exists()


def test_titles_are_cleaned_and_bounded(store):
    data = store.add_bookmark("package", "p", "  " + "\x1b]8;;http://evil\x07t" + "i" * 400)
    assert data.bookmarks[0].title == "t" + "i" * (userdata.MAX_TITLE - 1)
    assert store.take_warnings() == [] and UserDataFile().read() == data


def test_the_theme_is_kept_cleared_and_checked(store):
    assert store.set_theme("textual-light").theme == "textual-light"
    assert UserDataFile().read().theme == "textual-light"
    assert store.set_theme(None).theme is None
    with pytest.raises(UserDataError):
        store.set_theme("bad\x07theme")


def test_times_come_back_in_utc(store):
    store.add_bookmark("package", "p")
    document = json.loads(store.path.read_text())
    assert document["bookmarks"][0]["added_at"] == "2026-12-02T07:30:01Z"
    assert UserDataFile().read().bookmarks[0].added_at == MOMENT + timedelta(seconds=1)


def test_the_lock_file_stays_beside_the_data_not_in_the_cache(store):
    store.add_bookmark("package", "p")
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["userdata.json", "userdata.json.lock"]
    assert os.stat(store.lock_path).st_size == 0


def test_reading_with_nothing_saved_creates_nothing(store):
    assert store.read() == UserData()
    assert not paths.user_data_dir().exists()


def test_a_lock_that_cannot_be_made_still_lets_a_read_through(store, monkeypatch):
    store.add_bookmark("package", "django-otp")

    def read_only(*args, **kwargs):
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(userdata.os, "open", read_only)
    assert store.read().bookmarked("package", "django-otp")
    assert store.take_warnings() == [f"{store.lock_path}: cannot be locked (Read-only file system)"]
    with pytest.raises(UserDataError, match="cannot be saved .Read-only file system."):
        store.add_bookmark("package", "django-allauth")


def test_toggles_are_decided_on_what_is_saved_then_not_on_an_earlier_read(store):
    # Two runs at once: what one saved since the other last read decides the other's toggle.
    other = UserDataFile(now=Clock())
    assert not store.read().bookmarked("package", "django-otp")
    other.add_bookmark("package", "django-otp", "django-otp")
    data = store.toggle_bookmark("package", "django-otp", "django-otp")
    assert not data.bookmarked("package", "django-otp")  # it was saved: the toggle removed it
    assert store.toggle_bookmark("package", "django-otp", "OTP").bookmarked("package", "django-otp")
    assert [b.title for b in other.read().bookmarks] == ["OTP"]

    other.add_to_compare("django-otp")
    assert store.toggle_compare("django-otp").compare == ()
    assert store.toggle_compare("django-otp").compare == ("django-otp",)
    assert other.read().compare == ("django-otp",)


def test_a_toggle_that_would_pass_a_cap_is_refused_and_changes_nothing(store):
    from pkgtui.userdata import MAX_COMPARE

    for index in range(MAX_COMPARE):
        store.add_to_compare(f"package-{index}")
    with pytest.raises(UserDataFull):
        store.toggle_compare("one-more")
    assert len(store.read().compare) == MAX_COMPARE
    assert "package-0" not in store.toggle_compare("package-0").compare  # taking off still works
