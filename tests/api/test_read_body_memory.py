"""A body read by ``network.read_body`` is freed as soon as its answer is dropped.

A sync reads dozens of pages of ~1 MB each; any buffer that waits for the cyclic garbage
collector instead of going at once adds up to a catalogue-sized peak (it did: up to 17
bodies held at once at 20,000 packages). So the check runs with the collector off.
"""

from __future__ import annotations

import gc
import gzip
import tracemalloc

import httpx
import pytest

from pkgtui.api.network import read_body

BODY = b'{"results": [' + b'{"id": 1, "title": "x"},' * 200_000 + b'{"id": 2}]}'  # ~5 MB


@pytest.fixture
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def read_and_drop(encoding: str | None) -> int:
    """Bytes still traced after one body was read (and checked) and its answer dropped."""
    request = httpx.Request("GET", "http://api.test/packages/")
    sent = gzip.compress(BODY, 1) if encoding else BODY
    headers = {"content-encoding": encoding} if encoding else {}
    response = httpx.Response(200, headers=headers, stream=httpx.ByteStream(sent), request=request)
    del sent
    tracemalloc.start()
    try:
        answer = await read_body(response, request)
        assert answer.content == BODY
        del answer, response
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("encoding", [None, "gzip"])
async def test_a_body_read_is_freed_without_the_cyclic_collector(no_cyclic_gc, encoding):
    left = await read_and_drop(encoding)
    assert left < len(BODY) // 10, f"{left:,} bytes of a {len(BODY):,}-byte body still held"
