"""The floor for ``pkgtui sync``: a fresh process that imports httpx and fetches the same
URLs the sync asked for, with the same bound (8 in flight), the first alone (a sync must read
page one to learn the count), then the rest at once. Each request in flight has a client of
its own (see docs/benchmarks.md: one shared pool makes the floor slow). Bodies are read and
gzip-decoded, as the sync does; nothing is parsed or stored.

    python bench/sync_floor.py BASE_URL PATH [PATH ...]
"""

from __future__ import annotations

import asyncio
import sys


async def main(base: str, paths: list[str]) -> None:
    import httpx

    gate = asyncio.Semaphore(8)
    clients = [httpx.AsyncClient(base_url=base, headers={"Accept-Encoding": "gzip"}) for _ in range(8)]
    free = list(clients)

    async def fetch(path: str) -> None:
        async with gate:
            client = free.pop()
            try:
                response = await client.get(path)
                response.read()
            finally:
                free.append(client)

    if paths:
        await fetch(paths[0])
        await asyncio.gather(*(fetch(path) for path in paths[1:]))
    for client in clients:
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
