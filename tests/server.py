"""A real HTTP server on 127.0.0.1 that serves API v4 from sample data.

Started by tests (and the benchmarks) in a background thread; each request gets its own
thread so concurrent requests are really concurrent. ``faults`` can be changed while it
runs. Only ever binds the loopback address.

    with LocalAPI() as api:
        client = open_client(api.url)
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pkgtui.api.demo import DemoAPI

API_ROOT = "/api/v4/"


@dataclass
class Faults:
    """What the server does wrong. Change fields at any time; they apply to the next request."""

    latency: float = 0.0  # seconds added before every answer


@dataclass
class RequestLog:
    """What the server saw: paths in order and the most requests in flight at once."""

    paths: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self.lock:
            self.paths.clear()
            self.max_in_flight = 0


class LocalAPI:
    def __init__(self, api: DemoAPI | None = None, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.log = RequestLog()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}{API_ROOT}"
        self.api = api or DemoAPI(base_url=self.url)
        self.api.base_url = self.url
        self._thread: threading.Thread | None = None

    def start(self) -> LocalAPI:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        owner: LocalAPI = self.server.owner  # type: ignore[attr-defined]
        log = owner.log
        with log.lock:
            log.paths.append(self.path)
            log.in_flight += 1
            log.max_in_flight = max(log.max_in_flight, log.in_flight)
        try:
            if owner.faults.latency:
                time.sleep(owner.faults.latency)
            parts = urlsplit(self.path)
            if not parts.path.startswith(API_ROOT):
                self._send_json(404, {"detail": "Not found."})
                return
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status, body = owner.api.handle(parts.path[len(API_ROOT) :], query)
            self._send_json(status, body)
        finally:
            with log.lock:
                log.in_flight -= 1

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
