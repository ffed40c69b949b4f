"""Start a program in a pseudo-terminal and time it until given texts have been painted.

This is what a user sees: process start (just before the fork) to the first moment every
marker text has been written to the terminal. The program runs with its real driver on a
real pty (100×30), not headless, so terminal output is part of the cost.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass

# CSI sequences, OSC sequences, and lone escapes: what is left is the painted text.
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)


@dataclass(frozen=True)
class Painted:
    seconds: float  # process start to all markers painted
    max_rss_kb: int  # the process's peak resident set size (from wait4)


class NotPainted(RuntimeError):
    pass


def run_until_painted(
    argv: Sequence[str],
    markers: Sequence[str],
    *,
    env: dict[str, str],
    cwd: str | None = None,
    size: tuple[int, int] = (100, 30),
    timeout: float = 20.0,
) -> Painted:
    master, slave = os.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    wanted = [marker.encode() for marker in markers]
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
    )
    os.close(slave)
    output = bytearray()
    painted_at: float | None = None
    try:
        deadline = started + timeout
        while painted_at is None and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            now = time.perf_counter()
            output += chunk
            text = _ESCAPES.sub(b"", bytes(output))
            if all(marker in text for marker in wanted):
                painted_at = now
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        os.close(master)
    if painted_at is None:
        tail = _ESCAPES.sub(b"", bytes(output))[-600:].decode(errors="replace")
        raise NotPainted(
            f"{argv[-1]!r}: {', '.join(markers)} not painted within {timeout:g} s; last text: {tail!r}"
        )
    return Painted(painted_at - started, usage.ru_maxrss)
