"""One load-generator process: ``python -m bench.loadgen '<json spec>'`` writes a JSON result to the
spec's ``out`` file (not stdout: an unbuffered pipe may take a large write only in part).

Modes: ``http`` (``connections`` aiohttp connections looping GETs on ``url``, or connection ``i``
cycling through its own list ``urls[i]``, the distinct-market load) and ``ws`` (``connections``
concurrent callers sharing one :class:`gateway.finex.connection.FinexConnection`) and ``events``
(``connections`` clients of the gateway's event-stream websocket, held open: the memory run).
``headers`` (optional): sent with every HTTP request and websocket handshake (the gateway token of
the private routes).
Every process waits for the shared ``start`` wall-clock time, discards the ``warmup`` seconds, counts
what completes in the next ``duration`` seconds and reports its own CPU time over that window
(``resource.getrusage``), so the parent can tell whether the generator was the bottleneck.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop

__all__ = ["main"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _drive(
    spec: dict[str, Any], requester: Callable[[int], Callable[[], Awaitable[bool]]]
) -> dict[str, Any]:
    """``requester(i)``: connection ``i``'s request function (True: a successful answer)."""
    start, warmup, duration = float(spec["start"]), float(spec["warmup"]), float(spec["duration"])
    window_start, window_end = start + warmup, start + warmup + duration
    latencies: list[float] = []
    errors = 0
    cpu: dict[str, float] = {}

    async def worker(index: int) -> None:
        nonlocal errors
        request = requester(index)
        while True:
            began = time.time()
            if began >= window_end:
                return
            ok = await request()
            ended = time.time()
            if window_start <= began and ended <= window_end:
                if ok:
                    latencies.append(ended - began)
                else:
                    errors += 1

    async def meter() -> None:
        await asyncio.sleep(max(0.0, window_start - time.time()))
        cpu["start"] = _cpu()
        await asyncio.sleep(max(0.0, window_end - time.time()))
        cpu["end"] = _cpu()

    await asyncio.sleep(max(0.0, start - time.time()))
    await asyncio.gather(meter(), *(worker(i) for i in range(int(spec["connections"]))))
    return {
        "latencies": latencies,
        "errors": errors,
        "duration": duration,
        "cpu": cpu["end"] - cpu["start"],
    }


async def _http(spec: dict[str, Any]) -> dict[str, Any]:
    import aiohttp

    lists: list[list[str]] = spec.get("urls") or [[str(spec["url"])]] * int(spec["connections"])
    connector = aiohttp.TCPConnector(limit=int(spec["connections"]), force_close=False)
    async with aiohttp.ClientSession(connector=connector, headers=spec.get("headers")) as session:

        def requester(index: int) -> Callable[[], Awaitable[bool]]:
            urls = itertools.cycle(lists[index % len(lists)])

            async def request() -> bool:
                try:
                    async with session.get(next(urls)) as response:
                        await response.read()
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            return request

        return await _drive(spec, requester)


async def _ws(spec: dict[str, Any]) -> dict[str, Any]:
    from gateway.finex.connection import FinexConnection
    from gateway.problems import UpstreamError

    method, args = str(spec["method"]), list(spec["args"])
    async with FinexConnection(str(spec["url"]), str(spec["jwt"]), max_in_flight=4096) as connection:
        await connection.call(method, args)  # connect before the clock starts

        async def request() -> bool:
            try:
                await connection.call(method, args)
                return True
            except UpstreamError:
                return False

        return await _drive(spec, lambda index: request)


async def _events(spec: dict[str, Any]) -> dict[str, Any]:
    """``connections`` event-stream websocket clients of the gateway, held open for the window."""
    import aiohttp

    url = str(spec["url"])
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, headers=spec.get("headers")) as session:
        await asyncio.sleep(max(0.0, float(spec["start"]) - time.time()))
        sockets = []
        errors = 0
        for _ in range(int(spec["connections"])):  # one at a time: the gateway's accept queue is bounded
            try:
                sockets.append(await session.ws_connect(url, heartbeat=None))
            except aiohttp.ClientError:
                errors += 1
        end = float(spec["start"]) + float(spec["warmup"]) + float(spec["duration"])
        await asyncio.sleep(max(0.0, end - time.time()))
        connected = sum(1 for ws in sockets if not ws.closed)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {"latencies": [], "errors": errors, "duration": float(spec["duration"]), "cpu": 0.0,
            "connected": connected}  # fmt: skip


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    runner = {"ws": _ws, "events": _events}.get(spec["mode"], _http)
    result = uvloop.run(runner(spec))
    with open(spec["out"], "w", encoding="utf-8") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
