"""What the user keeps between runs: bookmarks, a compare list, recent history and the theme.

One JSON file, ``userdata.json`` in the platformdirs user *data* dir (never the cache dir, so
``pkgtui cache clear`` cannot reach it), with a ``schema_version``. The rules:

- Every change is read-modify-write under a lock file (``userdata.json.lock``): the file is
  read again, the change applied to what is there now, and the result written atomically
  (``pkgtui.storage``). Two pkgtui processes adding bookmarks at once both keep theirs.
- Nothing is dropped silently. A file that cannot be read or decoded, or holds entries that do
  not match their shape, is kept as ``userdata.json.corrupt-<UTC time>`` and the problem becomes
  a one-line warning for the caller to show. A file from a newer pkgtui (a higher schema
  version) is left alone and never written over.
- Everything is bounded: the file's size, each string, and each list (bookmarks and the compare
  list refuse to grow past their cap; history forgets its oldest entries).

No Textual here: the screens and the CLI both use it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import msgspec
from msgspec import field
from msgspec.structs import replace

from . import paths
from .storage import atomic_write_text
from .text import clean

SCHEMA_VERSION = 1
MAX_BOOKMARKS = 1_000
MAX_HISTORY = 100
MAX_COMPARE = 50
MAX_FILE_BYTES = 2_000_000  # a full file (1,000 bookmarks, 100 visits) is ~300 kB
MAX_SLUG = 200
MAX_TITLE = 300
MAX_THEME = 100
LOCK_TIMEOUT = 10.0  # seconds to wait for another process's change (each takes milliseconds)
MAX_BACKUP_TRIES = 100

T = TypeVar("T")
Kind = Literal["package", "grid"]
KINDS: tuple[Kind, ...] = ("package", "grid")


class UserDataError(Exception):
    """A change could not be saved. ``str(error)`` is one line for the user."""


class UserDataFull(UserDataError):
    """A bookmark or compare entry was refused because the list is at its cap."""


class Bookmark(msgspec.Struct, frozen=True):
    kind: Kind
    slug: str
    title: str
    added_at: datetime


class Visit(msgspec.Struct, frozen=True):
    kind: Kind
    slug: str
    title: str
    opened_at: datetime


class UserData(msgspec.Struct, frozen=True):
    bookmarks: tuple[Bookmark, ...] = ()  # oldest first, one per (kind, slug)
    compare: tuple[str, ...] = ()  # package slugs in the user's order
    history: tuple[Visit, ...] = ()  # newest first, one per (kind, slug)
    theme: str | None = None

    def bookmarked(self, kind: Kind, slug: str) -> bool:
        return any(b.kind == kind and b.slug == slug for b in self.bookmarks)


# --- checking values (what goes in, and what comes back out of the file) ---------------------


def _check_kind(value: Any) -> Kind:
    if value not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    return cast(Kind, value)


def _check_slug(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_SLUG:
        raise ValueError(f"slug must be 1 to {MAX_SLUG} characters")
    if clean(value) != value or any(ch.isspace() for ch in value):
        raise ValueError("slug must not hold spaces or control characters")
    return value


def _check_title(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TITLE or clean(value) != value:
        raise ValueError(f"title must be text of at most {MAX_TITLE} characters")
    return value


def _check_theme(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_THEME or clean(value) != value:
        raise ValueError(f"theme must be a name of 1 to {MAX_THEME} characters")
    return value


def _check_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("time must be an ISO 8601 string")
    moment = datetime.fromisoformat(value)  # ValueError when it is not one
    if moment.tzinfo is None:
        raise ValueError("time must carry its time zone")
    return moment.astimezone(UTC)


def _given(check: Callable[[Any], T], value: Any) -> T:
    """A value a caller hands in, checked; a bad one is a ``UserDataError`` like any other."""
    try:
        return check(value)
    except ValueError as error:
        raise UserDataError(f"cannot save {str(value)[:60]!r}: {error}") from None


# The changes the file's methods make, each on what is saved when it is made (under the lock).


def _with_bookmark(data: UserData, mark: Bookmark) -> UserData:
    if len(data.bookmarks) >= MAX_BOOKMARKS:
        raise UserDataFull(f"bookmarks are full ({MAX_BOOKMARKS:,}): remove one to add another")
    return replace(data, bookmarks=(*data.bookmarks, mark))


def _without_bookmark(data: UserData, kind: Kind, slug: str) -> UserData:
    return replace(data, bookmarks=tuple(b for b in data.bookmarks if (b.kind, b.slug) != (kind, slug)))


def _with_compared(data: UserData, slug: str) -> UserData:
    if len(data.compare) >= MAX_COMPARE:
        raise UserDataFull(f"the compare list is full ({MAX_COMPARE}): remove one to add another")
    return replace(data, compare=(*data.compare, slug))


def _without_compared(data: UserData, slug: str) -> UserData:
    return replace(data, compare=tuple(s for s in data.compare if s != slug))


def _title_given(title: str, slug: str) -> str:
    """A title from the API, made safe to keep (clean, bounded), or the slug when empty."""
    return clean(title)[:MAX_TITLE].strip() or slug


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- the file's text --------------------------------------------------------------------------


def encode(data: UserData) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "bookmarks": [
            {"kind": b.kind, "slug": b.slug, "title": b.title, "added_at": _stamp(b.added_at)}
            for b in data.bookmarks
        ],
        "compare": list(data.compare),
        "history": [
            {"kind": v.kind, "slug": v.slug, "title": v.title, "opened_at": _stamp(v.opened_at)}
            for v in data.history
        ],
        "theme": data.theme,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class Unreadable(Exception):
    """The whole file is unusable (not JSON, not an object, no schema version...)."""


class FromNewerVersion(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(f"is from a newer pkgtui (schema {version}, this one reads {SCHEMA_VERSION})")
        self.version = version


class Decoded(msgspec.Struct):
    data: UserData
    problems: list[str] = field(default_factory=list)  # parts that could not be kept


def decode(text: str) -> Decoded:
    """The file's data, keeping every entry that matches its shape and naming the rest.
    Raises ``Unreadable`` or ``FromNewerVersion`` when nothing can be used."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Unreadable(f"is not valid JSON ({error.__class__.__name__})") from None
    if not isinstance(document, dict):
        raise Unreadable("does not hold a JSON object")
    version = document.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Unreadable("has no valid schema_version")
    if version > SCHEMA_VERSION:
        raise FromNewerVersion(version)
    problems: list[str] = []
    unknown = sorted(set(document) - {"schema_version", "bookmarks", "compare", "history", "theme"})
    if unknown:
        problems.append(f"unknown keys {', '.join(map(repr, unknown))[:200]}")

    def entries(key: str) -> list[Any]:
        value = document.get(key, [])
        if isinstance(value, list):
            return value
        problems.append(f"{key} is not a list")
        return []

    bookmarks: list[Bookmark] = []
    bad = 0
    for item in entries("bookmarks"):
        try:
            mark = Bookmark(
                _check_kind(item["kind"]),
                _check_slug(item["slug"]),
                _check_title(item["title"]),
                _check_time(item["added_at"]),
            )
        except (TypeError, KeyError, ValueError):
            bad += 1
            continue
        if not any(b.kind == mark.kind and b.slug == mark.slug for b in bookmarks):
            bookmarks.append(mark)
    if bad:
        problems.append(f"{bad} unreadable bookmark{'s' if bad != 1 else ''}")
    if len(bookmarks) > MAX_BOOKMARKS:
        problems.append(f"{len(bookmarks) - MAX_BOOKMARKS} bookmarks over the cap of {MAX_BOOKMARKS:,}")
        bookmarks = bookmarks[:MAX_BOOKMARKS]

    compare: list[str] = []
    bad = 0
    for item in entries("compare"):
        try:
            slug = _check_slug(item)
        except ValueError:
            bad += 1
            continue
        if slug not in compare:
            compare.append(slug)
    if bad:
        problems.append(f"{bad} unreadable compare entr{'ies' if bad != 1 else 'y'}")
    if len(compare) > MAX_COMPARE:
        problems.append(f"{len(compare) - MAX_COMPARE} compare entries over the cap of {MAX_COMPARE}")
        compare = compare[:MAX_COMPARE]

    history: list[Visit] = []
    for item in entries("history"):
        # History is a convenience, capped by design: entries that do not read are let go.
        try:
            visit = Visit(
                _check_kind(item["kind"]),
                _check_slug(item["slug"]),
                _check_title(item["title"]),
                _check_time(item["opened_at"]),
            )
        except (TypeError, KeyError, ValueError):
            continue
        if not any(v.kind == visit.kind and v.slug == visit.slug for v in history):
            history.append(visit)

    try:
        theme = _check_theme(document.get("theme"))
    except ValueError:
        problems.append("an unreadable theme")
        theme = None
    data = UserData(tuple(bookmarks), tuple(compare), tuple(history[:MAX_HISTORY]), theme)
    return Decoded(data, problems)


# --- the lock ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created if missing, never deleted: deleting a
    lock file lets two processes each lock a different one)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise UserDataError(
                    f"{lock_path}: another pkgtui has held it for {timeout:g} s; try again, "
                    "or delete the lock file if no pkgtui is running"
                )
            time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# --- the store --------------------------------------------------------------------------------


class UserDataFile:
    """The user's data on disk. Each method reads the file afresh under the lock, so what it
    returns is what is saved now, whoever saved it; problems found on the way are appended
    to ``warnings`` (take them with :meth:`take_warnings`)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.path = paths.user_data_file() if path is None else path
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._now = now
        self._lock_timeout = lock_timeout
        self.warnings: list[str] = []

    def take_warnings(self) -> list[str]:
        taken, self.warnings = self.warnings, []
        return taken

    # reading

    def read(self) -> UserData:
        """What is saved (empty when nothing is). Never raises: problems become warnings."""
        if not self.path.exists() and not self.path.is_symlink():
            return UserData()  # nothing saved yet: no need to make the folder or the lock
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(_locked(self.lock_path, self._lock_timeout))
            except UserDataError as error:
                self.warnings.append(str(error))
                return self._read_unlocked()
            except OSError as error:
                self.warnings.append(f"{self.lock_path}: cannot be locked ({_why(error)})")
                return self._read_unlocked()
            return self._load(writing=False)

    def _read_unlocked(self) -> UserData:
        """Without the lock (a read-only folder, or a holder that does not let go): read, and
        leave a bad file where it is, since it cannot be set aside safely now."""
        try:
            text = self._read_text()
            return decode(text).data if text is not None else UserData()
        except (OSError, Unreadable, FromNewerVersion, UnicodeDecodeError) as error:
            self.warnings.append(f"{self.path} cannot be read now ({error}): left as it is")
            return UserData()

    # changing

    def update(self, change: Callable[[UserData], UserData]) -> UserData:
        """Apply ``change`` to what is saved now and save the result, under the lock.
        Raises ``UserDataError`` (``UserDataFull`` from a change that would pass a cap)."""
        try:
            with _locked(self.lock_path, self._lock_timeout):
                current = self._load(writing=True)
                changed = change(current)
                if changed != current:
                    atomic_write_text(self.path, encode(changed))
                return changed
        except OSError as error:
            raise UserDataError(f"{self.path}: cannot be saved ({_why(error)})") from None

    def add_bookmark(self, kind: Kind, slug: str, title: str = "") -> UserData:
        kind, slug = _given(_check_kind, kind), _given(_check_slug, slug)
        mark = Bookmark(kind, slug, _title_given(title, slug), self._now())
        return self.update(lambda data: data if data.bookmarked(kind, slug) else _with_bookmark(data, mark))

    def remove_bookmark(self, kind: Kind, slug: str) -> UserData:
        return self.update(lambda data: _without_bookmark(data, kind, slug))

    def toggle_bookmark(self, kind: Kind, slug: str, title: str = "") -> UserData:
        """Remove the bookmark if there is one, else add it: decided under the lock on what is
        saved then (another pkgtui may have changed it since this one last read it)."""
        kind, slug = _given(_check_kind, kind), _given(_check_slug, slug)
        mark = Bookmark(kind, slug, _title_given(title, slug), self._now())
        return self.update(
            lambda data: (
                _without_bookmark(data, kind, slug)
                if data.bookmarked(kind, slug)
                else _with_bookmark(data, mark)
            )
        )

    def add_to_compare(self, slug: str) -> UserData:
        slug = _given(_check_slug, slug)
        return self.update(lambda data: data if slug in data.compare else _with_compared(data, slug))

    def remove_from_compare(self, slug: str) -> UserData:
        return self.update(lambda data: _without_compared(data, slug))

    def toggle_compare(self, slug: str) -> UserData:
        """Take ``slug`` off the compare list if it is on it, else put it on: decided under
        the lock, as toggle_bookmark is."""
        slug = _given(_check_slug, slug)
        return self.update(
            lambda data: _without_compared(data, slug) if slug in data.compare else _with_compared(data, slug)
        )

    def clear_compare(self) -> UserData:
        return self.update(lambda data: replace(data, compare=()))

    def record_visit(self, kind: Kind, slug: str, title: str = "") -> UserData:
        """Put (kind, slug) at the front of history; the oldest entries past the cap go."""
        kind, slug = _given(_check_kind, kind), _given(_check_slug, slug)
        visit = Visit(kind, slug, _title_given(title, slug), self._now())

        def change(data: UserData) -> UserData:
            rest = tuple(v for v in data.history if (v.kind, v.slug) != (kind, slug))
            return replace(data, history=(visit, *rest)[:MAX_HISTORY])

        return self.update(change)

    def clear_history(self) -> UserData:
        return self.update(lambda data: replace(data, history=()))

    def set_theme(self, name: str | None) -> UserData:
        theme = _given(_check_theme, name)
        return self.update(lambda data: replace(data, theme=theme))

    # inside the lock

    def _read_text(self) -> str | None:
        try:
            with self.path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return None
        if len(raw) > MAX_FILE_BYTES:
            raise Unreadable(f"is larger than {MAX_FILE_BYTES // 1_000_000} MB")
        return raw.decode("utf-8")

    def _load(self, *, writing: bool) -> UserData:
        try:
            text = self._read_text()
        except (Unreadable, UnicodeDecodeError) as error:
            reason = str(error) if isinstance(error, Unreadable) else "is not UTF-8 text"
            self._set_aside(reason, partly=False, writing=writing)
            return UserData()
        except OSError as error:
            self._set_aside(f"cannot be read ({_why(error)})", partly=False, writing=writing)
            return UserData()
        if text is None:
            return UserData()
        try:
            decoded = decode(text)
        except Unreadable as error:
            self._set_aside(str(error), partly=False, writing=writing)
            return UserData()
        except FromNewerVersion as error:
            message = f"{self.path} {error}: left as it is"
            if writing:
                raise UserDataError(f"{message}, so this change is not saved") from None
            self.warnings.append(message)
            return UserData()
        if decoded.problems:
            reason = "held " + "; ".join(decoded.problems)
            if self._set_aside(reason, partly=True, writing=writing):
                # What could be read is saved at once (the original is in the backup), so the
                # warning is given once, not on every run.
                try:
                    atomic_write_text(self.path, encode(decoded.data))
                except OSError as error:
                    if writing:
                        raise
                    self.warnings.append(f"{self.path}: what could be read is not saved ({_why(error)})")
        return decoded.data

    def _set_aside(self, reason: str, *, partly: bool, writing: bool) -> bool:
        """Rename the file to a backup beside it and say so; False when it cannot be moved
        (then it is left as it is, and a change must not be saved over it)."""
        stamp = self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        for attempt in range(MAX_BACKUP_TRIES):
            suffix = f".corrupt-{stamp}" + (f"-{attempt + 1}" if attempt else "")
            backup = self.path.with_name(self.path.name + suffix)
            if backup.exists():
                continue
            try:
                os.replace(self.path, backup)
            except OSError as error:
                message = f"{self.path} {reason}, and cannot be set aside ({_why(error)}): left as it is"
                if writing:
                    raise UserDataError(f"{message}, so this change is not saved") from None
                self.warnings.append(message)
                return False
            going_on = "the rest" if partly else "none of it"
            self.warnings.append(f"{self.path} {reason}: kept as {backup.name}; going on with {going_on}")
            return True
        raise UserDataError(f"{self.path} {reason}, and too many backups of it exist already")


def _why(error: OSError) -> str:
    return error.strerror or error.__class__.__name__
