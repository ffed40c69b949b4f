"""One log line per request the client makes: method, URL, status, time, and where the answer
came from (the network, the disk cache, a stale cached copy, the demo data).

Logged to the ``pkgtui.http`` logger at INFO, which is silent unless the user turned a log on
(``--log FILE`` or ``PKGTUI_LOG``: see :mod:`pkgtui.logs`). It sits on top of the transports, so
a cache hit is logged as such, and every try of a retried request is a line of its own.
"""

from __future__ import annotations

import logging
import time

import httpx

from ..logs import logger
from ..text import clean
from .cache import AGE_HEADER, STALE_AGE_HEADER

log = logger("pkgtui.http")


class LoggingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, source: str = "network") -> None:
        self.inner = inner
        self.source = source  # what a response not from the cache came from: "network", "demo"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not log.isEnabledFor(logging.INFO):
            return await self.inner.handle_async_request(request)
        started = time.perf_counter()
        url = clean(str(request.url))
        try:
            response = await self.inner.handle_async_request(request)
        except Exception as error:
            log.info(
                "%s %s failed after %.0f ms: %s: %s",
                request.method,
                url,
                (time.perf_counter() - started) * 1000,
                type(error).__name__,
                clean(str(error))[:200],
            )
            raise
        if STALE_AGE_HEADER in response.headers:
            source = f"stale cache ({clean(response.headers[STALE_AGE_HEADER])} s old)"
        elif AGE_HEADER in response.headers:
            source = f"cache ({clean(response.headers[AGE_HEADER])} s old)"
        else:
            source = self.source
        log.info(
            "%s %s -> %d in %.0f ms from %s",
            request.method,
            url,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            source,
        )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
