"""Writing the user's files so that a crash, a full disk or a kill never leaves half a file.

The text goes to a temporary file beside the target, is flushed to disk, and only then
renamed over the target: readers see the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically, creating its folder if needed.

    Raises ``OSError`` (full disk, read-only folder, a file where a folder should be); the
    old file is then left exactly as it was and no temporary file is left behind.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Same folder as the target: os.replace is only atomic within one file system.
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        if target.exists():
            # Keep the permissions the user gave the file (mkstemp makes it 0600).
            with contextlib.suppress(OSError):
                os.chmod(temp_name, target.stat().st_mode & 0o7777)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (not possible on every OS: best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
