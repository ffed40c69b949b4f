"""A real HTTP server on 127.0.0.1 that serves API v4 from sample data, and misbehaves on demand.

Started by tests (and the benchmarks) in a background thread; each request gets its own
thread so concurrent requests are really concurrent. ``faults`` can be changed while it
runs. Only ever binds the loopback address.

    with LocalAPI() as api:
        client = open_client(api.url)

Faults come in two kinds:

- blanket switches on :class:`Faults`: ``latency`` before every answer, an ``error_rate``
  share of answers replaced by 500/502/503, and a ``cut_rate`` share of the rest cut short
  with a matching Content-Length (from one seeded random sequence);
- targeted :class:`Rule` s, each an action (``status(503)``, ``rate_limited(2)``,
  ``truncated()``, ``invalid_json()``, ``reshaped(as_list)``, ``trickled()``, ``reset()``,
  ``delayed(1.0)``, ``body(...)``) applied to requests whose path matches ``path`` (a regex
  searched in the request path, query included), for the first ``times`` of them only
  (``None``: all). So a test can fault one request and let the retry succeed:

    api.faults.add(status(503), path=r"/packages/\\d+/", times=1)

It serves PyPI's JSON API too, at ``pypi_url`` (``/pypi/<name>/json``, with an ETag and 304s
for conditional requests, 404 for a project it does not have), from ``pypi`` (a
:class:`~pkgtui.api.demo.DemoPyPI`); the same faults apply, by path:

    api.faults.add(status(503), path=r"^/pypi/django-otp/")
    api.faults.add(reshaped(pypi_info_as_list), path=r"^/pypi/")

:func:`refused_port` gives a 127.0.0.1 port where nothing listens.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import random
import re
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from pkgtui.api.demo import DemoAPI, DemoPyPI

API_ROOT = "/api/v4/"
V3_ROOT = "/api/v3/"  # API v3, rendered from the same data by tests/v3_data.py
# PyPI's JSON API (``GET /pypi/<name>/json``), in PyPI's shape, from ``LocalAPI.pypi``: the
# demo's made-up facts unless a test or the bench gives other projects.
PYPI_ROOT = "/pypi/"
# Longest any one faulty answer may take (trickles, delays): the server stops by itself.
MAX_FAULT_SECONDS = 30.0


# -- actions: what a rule does to the answer -------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One way of answering badly. ``kind`` names it in logs and in the fault catalogue."""

    kind: str
    status: int | None = None  # replace the status (and the body with an error body)
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None  # send exactly these bytes as the body
    content_type: str = "application/json"
    transform: Callable[[Any], Any] | None = None  # rewrite the JSON body
    cut_at: float | None = None  # share of the body sent before the connection ends
    rst: bool = False  # end with a TCP reset instead of a close
    chunk: int = 0  # trickle: bytes per write
    interval: float = 0.0  # trickle: seconds between writes
    delay: float = 0.0  # seconds before answering
    keep_length: bool = False  # with cut_at: Content-Length says the cut length (a whole answer)
    gzip: bool = False  # compress the body, with Content-Encoding: gzip
    redirect_to: str | None = None  # a Location header ({port}, {path} filled in)


def status(code: int, detail: str | None = None) -> Action:
    """An HTTP error answer (500, 502, 503, 404, ...) with a DRF-style body."""
    return Action(
        f"status {code}", status=code, raw=json.dumps({"detail": detail or f"HTTP {code}"}).encode()
    )


def rate_limited(retry_after: float | str | None = 1) -> Action:
    """429 Too Many Requests, with ``Retry-After`` (seconds or an HTTP date) unless None."""
    headers = () if retry_after is None else (("Retry-After", _retry_text(retry_after)),)
    raw = json.dumps({"detail": "Request was throttled."}).encode()
    return Action("429 rate limited", status=429, headers=headers, raw=raw)


def truncated(share: float = 0.5) -> Action:
    """The right ``Content-Length``, then only ``share`` of the body, then the connection closes."""
    return Action("truncated body", cut_at=share)


def reset(share: float = 0.3) -> Action:
    """Part of the body, then a TCP reset (RST) mid-response."""
    return Action("connection reset", cut_at=share, rst=True)


def invalid_json(raw: bytes = b'{"count": 3, "results": [{"id": 1, "title": "a"},, }') -> Action:
    """A 200 whose body is not JSON."""
    return Action("invalid JSON", raw=raw)


def body(raw: bytes, content_type: str = "text/html", kind: str = "non-JSON body") -> Action:
    """A 200 with any body: e.g. a proxy's HTML login page."""
    return Action(kind, raw=raw, content_type=content_type)


def reshaped(transform: Callable[[Any], Any], kind: str | None = None) -> Action:
    """A 200 whose JSON is the real answer rewritten by ``transform`` (see the shapes below)."""
    return Action(kind or f"wrong shape: {transform.__name__}", transform=transform)


def cut_body(share: float = 0.5) -> Action:
    """Only ``share`` of the body, with a ``Content-Length`` that matches what is sent: a
    complete HTTP answer whose JSON stops in the middle (a proxy that gave up)."""
    return Action("cut body, matching Content-Length", cut_at=share, keep_length=True)


def gzipped() -> Action:
    """The real answer, gzip-compressed (``Content-Encoding: gzip``)."""
    return Action("gzip body", gzip=True)


def gzip_bomb(inflated: int = 10 * 1024 * 1024, byte: bytes = b" ") -> Action:
    """A small gzip body that inflates to ``inflated`` bytes of ``byte`` (a decompression bomb)."""
    return Action(
        f"gzip bomb ({inflated // (1024 * 1024)} MB inflated)",
        raw=_bomb(inflated, byte),
        headers=(("Content-Encoding", "gzip"),),
    )


def huge_body(size: int = 10 * 1024 * 1024) -> Action:
    """A well-formed package of ``size`` bytes, uncompressed (a 200 MB answer, scaled down)."""
    head = b'{"id": 1867, "slug": "django-otp", "title": "huge", "repo_description": "'
    return Action(
        f"huge body ({size // (1024 * 1024)} MB)", raw=head + b"x" * max(0, size - len(head) - 2) + b'"}'
    )


def huge_pypi_body(size: int = 9 * 1024 * 1024) -> Action:
    """A well-formed PyPI answer of ``size`` bytes (a description as long as a book), past
    pkgtui's 8 MB cap on a PyPI answer."""
    head = b'{"info": {"name": "huge", "version": "1.0", "classifiers": [], "description": "'
    tail = b'"}, "last_serial": 1, "releases": {"1.0": []}, "urls": [], "vulnerabilities": []}'
    return Action(
        f"huge PyPI answer ({size / (1024 * 1024):g} MB)",
        raw=head + b"x" * max(0, size - len(head) - len(tail)) + tail,
    )


def deep_nesting(depth: int = 100_000) -> Action:
    """A 200 of ``depth`` nested ``[`` (the stdlib's parser recurses once a level)."""
    return Action(f"{depth:,} nested [", raw=b"[" * depth)


def redirect(location: str, code: int = 302) -> Action:
    """A redirect to ``location``; ``{port}`` in it becomes the server's port, ``{path}`` the
    request's path (so ``http://localhost:{port}{path}`` is this server under another name)."""
    return Action(f"redirect {code} to {location}", status=code, redirect_to=location, raw=b"")


def trickled(chunk: int = 1, interval: float = 0.05) -> Action:
    """The real answer, ``chunk`` bytes every ``interval`` seconds: each read is quick, the whole is not."""
    return Action("trickled body", chunk=max(1, chunk), interval=interval)


def delayed(seconds: float) -> Action:
    """The real answer after ``seconds``: a server that takes too long to start answering."""
    return Action("slow answer", delay=seconds)


_BOMBS: dict[tuple[int, bytes], bytes] = {}


def _bomb(inflated: int, byte: bytes) -> bytes:
    """``inflated`` bytes of ``byte``, gzip-compressed a megabyte at a time (made once)."""
    if (inflated, byte) not in _BOMBS:
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        block = byte * (1024 * 1024)
        parts = [packer.compress(block) for _ in range(inflated // len(block))]
        parts.append(packer.compress(byte * (inflated % len(block))))
        parts.append(packer.flush())
        _BOMBS[inflated, byte] = b"".join(parts)
    return _BOMBS[inflated, byte]


def bad_items(data: Any) -> Any:
    """A list page whose results gain three items that are not objects: ``1, "two", null``."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data | {"results": [*data["results"], 1, "two", None]}
    return data


def count_lies(count: int = 10**9) -> Callable[[Any], Any]:
    """A list page that claims ``count`` items and a next page, whatever it holds."""

    def lie(data: Any) -> Any:
        if isinstance(data, dict) and "results" in data:
            return data | {"count": count, "next": "http://127.0.0.1/api/v4/next-page/"}
        return data

    lie.__name__ = f"count {count:,} with a next page"
    return lie


def _retry_text(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


# -- wrong shapes, for reshaped() ---------------------------------------------------------------


def as_list(data: Any) -> Any:
    """A list where an object is expected: a detail object wrapped in a list."""
    return [data]


def as_object(data: Any) -> Any:
    """An object where a list is expected (search answers a bare list)."""
    return {"detail": "not a list", "items": data} if isinstance(data, list) else data


def without_keys(*keys: str) -> Callable[[Any], Any]:
    """Objects (and every item of a page) lose ``keys``."""

    def drop(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: drop(v) if k == "results" else v for k, v in data.items() if k not in keys}
        if isinstance(data, list):
            return [drop(item) for item in data]
        return data

    drop.__name__ = f"without {', '.join(keys)}"
    return drop


def wrong_types(data: Any) -> Any:
    """Every known field given a type it should not have."""
    swaps = {
        "id": "seven",
        "count": "many",
        "results": {"not": "a list"},
        "title": 42,
        "slug": None,
        "repo_watchers": "lots",
        "repo_forks": [1, 2],
        "participants": 12,
        "commits_over_52": "1,2,3",
        "grids": "none",
        "last_updated": 20240101,
        "packages": {"a": 1},
    }

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swaps.get(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    return swap(data)


def nothing(data: Any) -> Any:
    """JSON ``null`` where anything is expected."""
    return None


def pypi_info_as_list(data: Any) -> Any:
    """A PyPI answer whose ``info`` is a list of its values (not PyPI's shape)."""
    return data | {"info": list(data["info"].values())} if isinstance(data, dict) and "info" in data else data


def pypi_without_releases(data: Any) -> Any:
    """A PyPI answer with no ``releases`` object (the key PyPI calls deprecated, gone)."""
    return {k: v for k, v in data.items() if k != "releases"} if isinstance(data, dict) else data


# -- rules and the switchboard -------------------------------------------------------------------


@dataclass
class Rule:
    """``action`` for requests whose path matches ``path``, the first ``times`` of them (None: all)."""

    action: Action
    path: str | None = None
    times: int | None = None
    hits: int = 0  # how often it has fired

    def matches(self, request_path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return self.path is None or re.search(self.path, request_path) is not None


@dataclass
class Faults:
    """What the server does wrong. Change fields at any time; they apply to the next request."""

    latency: float = 0.0  # seconds added before every answer
    error_rate: float = 0.0  # share of answers replaced by one of error_statuses
    error_statuses: tuple[int, ...] = (500, 502, 503)
    # share of the answers error_rate spared (the 200s) that are cut short, with a matching
    # Content-Length (cut_body)
    cut_rate: float = 0.0
    seed: int = 0
    rules: list[Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random | None = field(default=None, repr=False)

    def add(self, action: Action, *, path: str | None = None, times: int | None = None) -> Rule:
        """Start faulting matching requests; returns the rule (see ``hits``, or ``remove`` it)."""
        rule = Rule(action, path, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def remove(self, rule: Rule) -> None:
        with self._lock:
            if rule in self.rules:
                self.rules.remove(rule)

    def clear(self) -> None:
        """Back to a well-behaved server (latency and error rate too)."""
        with self._lock:
            self.rules.clear()
            self.latency = 0.0
            self.error_rate = 0.0
            self.cut_rate = 0.0

    def pick(self, request_path: str) -> Action | None:
        """The action for this request, counting it against its rule."""
        with self._lock:
            for rule in self.rules:
                if rule.matches(request_path):
                    rule.hits += 1
                    return rule.action
            if self.error_rate > 0 or self.cut_rate > 0:
                if self._random is None:
                    self._random = random.Random(self.seed)
                if self._random.random() < self.error_rate:
                    return status(self._random.choice(self.error_statuses))
                if self.cut_rate > 0 and self._random.random() < self.cut_rate:
                    return cut_body(0.5)
        return None


@dataclass
class RequestLog:
    """What the server saw: paths in order and the most requests in flight at once."""

    paths: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    faulted: list[tuple[str, str]] = field(default_factory=list)  # (path, action kind)
    clients: set[tuple[str, int]] = field(default_factory=set)  # (host, port): one per connection
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.paths.clear()
            self.faulted.clear()
            self.clients.clear()
            self.max_in_flight = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The stdlib's backlog of 5 drops connections when a benchmark opens many at once.
    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (say, on a body over its size cap) is not the server's error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class LocalAPI:
    def __init__(
        self, api: DemoAPI | None = None, faults: Faults | None = None, pypi: DemoPyPI | None = None
    ) -> None:
        self.faults = faults or Faults()
        self.log = RequestLog()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}{API_ROOT}"
        self.api = api or DemoAPI(base_url=self.url)
        self.api.base_url = self.url
        self.pypi_url = f"http://{host}:{port}{PYPI_ROOT}"
        self.pypi = pypi or DemoPyPI()
        self._thread: threading.Thread | None = None
        self._v3: Any = None

    def v3(self) -> Any:
        """API v3 over ``self.api`` (rebuilt when a test gives the server other data)."""
        from tests.v3_data import V3API

        if self._v3 is None or self._v3.api is not self.api:
            self._v3 = V3API(self.api)
        return self._v3

    def start(self) -> LocalAPI:
        # A short poll, so stop() returns quickly.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends sleeps and trickles in handler threads
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK (~40 ms a response on Linux), which swamps any latency a
    # test or benchmark sets.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    def do_GET(self) -> None:
        owner: LocalAPI = self.server.owner  # type: ignore[attr-defined]
        log = owner.log
        with log.lock:
            log.paths.append(self.path)
            log.clients.add(self.client_address[:2])
            log.in_flight += 1
            log.max_in_flight = max(log.max_in_flight, log.in_flight)
        self._counted = True
        try:
            action = owner.faults.pick(self.path)
            if action is not None:
                with log.lock:
                    log.faulted.append((self.path, action.kind))
            wait = owner.faults.latency + (action.delay if action else 0.0)
            if wait and owner.stopping.wait(min(wait, MAX_FAULT_SECONDS)):
                self.close_connection = True
                return
            if self.path.startswith(PYPI_ROOT):
                # A fault that makes up its own answer gets the whole body to work on, not a 304.
                conditional = action is None or not (
                    action.raw is not None or action.transform or action.status or action.cut_at is not None
                )
                status_code, data, headers = owner.pypi.handle(
                    urlsplit(self.path).path[len(PYPI_ROOT) :],
                    self.headers.get("If-None-Match") if conditional else None,
                )
                payload = json.loads(data) if action and action.transform and data else None
                raw = None if payload is not None else data
                self._answered(log)
                self._send(status_code, payload, action, owner.stopping, raw=raw, extra=headers)
            else:
                status_code, payload = self._answer(owner)
                self._answered(log)
                self._send(status_code, payload, action, owner.stopping)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: nothing to answer
        finally:
            self._answered(log)

    def _answered(self, log: RequestLog) -> None:
        """The request no longer counts as in flight: before its answer is written, since a
        client that has read the answer may send its next request before this thread would
        otherwise get to it (a bound of 3 was seen as 4 in flight)."""
        if self._counted:
            self._counted = False
            with log.lock:
                log.in_flight -= 1

    def _answer(self, owner: LocalAPI) -> tuple[int, Any]:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith(V3_ROOT):
            return owner.v3().handle(parts.path[len(V3_ROOT) :], query)
        if not parts.path.startswith(API_ROOT):
            return 404, {"detail": "Not found."}
        return owner.api.handle(parts.path[len(API_ROOT) :], query)

    def _send(
        self,
        status_code: int,
        payload: Any,
        action: Action | None,
        stopping: threading.Event,
        *,
        raw: bytes | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        """Answer ``payload`` as JSON (or the bytes ``raw``, already encoded), as ``action`` says."""
        action = action or Action("none")
        if action.transform is not None:
            payload = action.transform(payload)
            raw = None
        if action.status is not None:
            status_code = action.status
            extra = None  # an error answer carries no validators
        if action.raw is not None:
            data = action.raw
        else:
            data = raw if raw is not None else json.dumps(payload).encode()
        if action.gzip:
            data = gzip.compress(data)
        if action.keep_length and action.cut_at is not None:
            data = data[: int(len(data) * action.cut_at)]
        self.send_response(status_code)
        self.send_header("Content-Type", action.content_type)
        self.send_header("Content-Length", str(len(data)))
        if action.gzip:
            self.send_header("Content-Encoding", "gzip")
        if action.redirect_to is not None:
            port = self.server.server_address[1]
            self.send_header("Location", action.redirect_to.format(port=port, path=self.path))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        for name, value in action.headers:
            self.send_header(name, value)
        if action.cut_at is not None and not action.keep_length:
            self.send_header("Connection", "close")
        self.end_headers()

        if action.cut_at is not None and not action.keep_length:
            self.wfile.write(data[: int(len(data) * action.cut_at)])
            self.wfile.flush()
            self.close_connection = True
            if action.rst:
                self._reset()
            return
        if action.chunk:
            deadline = time.monotonic() + MAX_FAULT_SECONDS
            for start in range(0, len(data), action.chunk):
                self.wfile.write(data[start : start + action.chunk])
                self.wfile.flush()
                if stopping.wait(action.interval) or time.monotonic() > deadline:
                    self.close_connection = True
                    return
            return
        self.wfile.write(data)

    def _reset(self) -> None:
        """Close with SO_LINGER 0, so the kernel sends RST rather than FIN."""
        time.sleep(0.02)  # let the partial body reach the client first
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()  # the makefile()s are closed, so this really closes the socket
        # The stdlib flushes and closes these after do_GET: give it harmless stand-ins.
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A 127.0.0.1 port where nothing listens: connecting is refused at once.

    The port is kept bound (but never listening) while in use, so no other server can take it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
    finally:
        sock.close()


def refused_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{API_ROOT}"


class SocksProxy:
    """A minimal SOCKS5 proxy on 127.0.0.1 (no authentication, CONNECT only), for the proxy
    tests: ``url`` is its ``socks5://`` address; ``connects`` lists the (host, port) asked for.
    It connects only to 127.0.0.1 and to names that resolve there."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.url = f"socks5://127.0.0.1:{self._listener.getsockname()[1]}"
        self.connects: list[tuple[str, int]] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._sockets: list[socket.socket] = []

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._thread.join(2)
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._sockets.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(5)
        try:
            _, methods = client.recv(2)
            client.recv(methods)
            client.sendall(b"\x05\x00")  # no authentication
            _, command, _, kind = client.recv(4)
            if kind == 1:
                host = socket.inet_ntoa(client.recv(4))
            elif kind == 3:
                host = client.recv(client.recv(1)[0]).decode()
            else:
                raise OSError("address type not served")
            port = struct.unpack("!H", client.recv(2))[0]
            self.connects.append((host, port))
            if command != 1 or socket.gethostbyname(host) != "127.0.0.1":
                client.sendall(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")  # not allowed
                return
            upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
            self._sockets.append(upstream)
            client.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + struct.pack("!H", port))
            threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
            _pipe(client, upstream)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
