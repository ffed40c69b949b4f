"""The TUI in a real pseudo-terminal, stopped by a signal: the terminal is put back (normal
screen, cursor shown, mouse reporting off) and the exit status says which signal it was.

Each test runs ``python -m pkgtui --demo`` in its own pty (``pty.fork``), waits until home
has drawn its categories, sends the signal, and reads everything the app writes until it exits.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

import pytest

from pkgtui.exit_codes import EXIT_HANGUP, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED

# What leaves each mode the app turns on: the alternate screen, the hidden cursor, and every
# mouse-reporting mode Textual enables (clicks, motion, SGR and urxvt coordinates).
RESTORES = {
    "alternate screen off": b"\x1b[?1049l",
    "cursor shown": b"\x1b[?25h",
    "mouse clicks off": b"\x1b[?1000l",
    "mouse motion off": b"\x1b[?1003l",
    "SGR mouse off": b"\x1b[?1006l",
}
DRAWN = b"Frameworks"  # a category title: home has its data on screen
STARTUP_LIMIT = 30.0  # seconds; a busy CI machine starts Textual slowly
EXIT_LIMIT = 15.0


class Terminal:
    """A child process on a pseudo-terminal of 100×30, and what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: replace it at once, nothing of pytest's state survives
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.output = b""
        self.status: int | None = None

    def read_until(self, wanted: bytes, limit: float) -> bool:
        deadline = time.monotonic() + limit
        while wanted not in self.output and time.monotonic() < deadline:
            if not self._read(0.1):
                break
        return wanted in self.output

    def _read(self, wait: float) -> bool:
        """Read what is there; False at end of output (the child closed the terminal)."""
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child has gone and the terminal with it
            return False
        self.output += data
        return bool(data)

    def wait(self, limit: float) -> int | None:
        """The exit code (negative: killed by that signal), reading output meanwhile."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                while self._read(0):  # what is left in the terminal's buffer
                    pass
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            self._read(0.05)
        return None

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


@pytest.fixture
def terminal(tmp_path):
    started: list[Terminal] = []

    def start(*argv: str) -> Terminal:
        env = os.environ | {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
        for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env.setdefault(name, str(tmp_path / name.lower()))
        term = Terminal([sys.executable, *argv], env)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, EXIT_TERMINATED), (signal.SIGHUP, EXIT_HANGUP), (signal.SIGINT, EXIT_INTERRUPTED)],
    ids=["SIGTERM", "SIGHUP", "SIGINT"],
)
def test_a_signal_restores_the_terminal_and_exits_with_its_status(terminal, signum, code):
    # Before: SIGTERM and SIGHUP killed the app where it stood (alternate screen, mouse
    # reporting and hidden cursor left on, 18 of 18 runs); SIGINT exited 0.
    term = terminal("-m", "pkgtui", "--demo")
    assert term.read_until(DRAWN, STARTUP_LIMIT), term.output[-500:]
    before = len(term.output)
    os.kill(term.pid, signum)
    assert term.wait(EXIT_LIMIT) == code
    after = term.output[before:]
    for what, sequence in RESTORES.items():
        assert sequence in after, f"{what}: {sequence!r} not written after the signal"
    # The restoring sequences come last: nothing re-enables a mode after them.
    last_off = max(after.rfind(sequence) for sequence in RESTORES.values())
    assert b"\x1b[?1049h" not in after[last_off:] and b"\x1b[?1000h" not in after[last_off:]


def test_a_closed_terminal_ends_the_app_with_the_hangup_status(terminal):
    # The terminal itself goes away (an SSH connection drops): the app must not spin or hang
    # writing to it. Before: hung in 2 of 4 runs (Textual's output thread died on EIO and the
    # close blocked on its full queue), until SIGKILL.
    term = terminal("-m", "pkgtui", "--demo")
    assert term.read_until(DRAWN, STARTUP_LIMIT)
    os.close(term.fd)
    term.fd = os.open(os.devnull, os.O_RDONLY)  # so the reads below see no data, not EBADF
    assert term.wait(EXIT_LIMIT) == EXIT_HANGUP


# A bug where the app starts a screen (as "pkgtui grid ''" did, in the grid's prefetch): the
# crash stops Textual mid-message, which also leaves a coroutine of its header unawaited.
CRASHING_APP = """
import sys
from pkgtui.screens.grid import GridScreen

def crash(self):
    raise RuntimeError("boom")

GridScreen.prefetch = crash
from pkgtui.cli import main
sys.exit(main(["grid", "7", "--demo"]))
"""


def test_a_crash_in_the_tui_is_one_line_after_the_terminal_is_restored(terminal):
    # Before: Textual's traceback with locals, then exit 0.
    term = terminal("-c", CRASHING_APP)
    assert term.wait(STARTUP_LIMIT) == EXIT_INTERNAL
    restored = term.output.rfind(RESTORES["alternate screen off"])
    assert restored >= 0
    said = term.output[restored:].decode("utf-8", "replace")
    said = said[said.index("pkgtui") :] if "pkgtui" in said else said
    assert said.startswith("pkgtui: internal error: RuntimeError: boom; please report it (details in ")
    assert said.count("\n") == 1, said  # the one line, and no warning before or after it
    assert "Traceback" not in term.output.decode("utf-8", "replace")


# A close that never finishes: every screen's unmount waits for ever.
HANGING_CLOSE = """
import asyncio, sys
from pkgtui.screens.base import DataScreen

async def hang(self):
    await asyncio.Event().wait()

DataScreen.on_unmount = hang
from pkgtui.cli import main
sys.exit(main(["--demo"]))
"""


def test_a_second_signal_ends_a_close_that_hangs(terminal):
    # Before: the second SIGTERM changed nothing, and only SIGKILL ended the process.
    term = terminal("-c", HANGING_CLOSE)
    assert term.read_until(DRAWN, STARTUP_LIMIT)
    os.kill(term.pid, signal.SIGTERM)
    assert term.wait(2.0) is None  # the close hangs (what this test is about)
    before = len(term.output)
    os.kill(term.pid, signal.SIGTERM)
    assert term.wait(EXIT_LIMIT) == EXIT_TERMINATED
    after = term.output[before:]
    for what, sequence in RESTORES.items():
        assert sequence in after, f"{what}: {sequence!r} not written after the second signal"
