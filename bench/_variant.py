"""``python -m bench._variant {aiohttp-transport,httpx,aiohttp} --port P``: the gateway with its upstream
REST transport swapped, for the transport comparison only (the gateway's code is not changed).

- ``aiohttp-transport``: unchanged (``httpx.AsyncClient`` on ``httpx_aiohttp.AiohttpTransport``).
- ``httpx``: ``httpx.AsyncClient``'s default transport (httpcore), same pool limits.
- ``aiohttp``: no httpx and no generated client: every GET operation is sent with one shared
  ``aiohttp.ClientSession`` (URL and query from the generated module's ``_get_kwargs``); the response
  goes through the gateway's own checks, decoding and normalization as before.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import sys
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["main"]


@dataclass
class _Reply:
    status_code: int
    content: bytes


def _use_httpx_default() -> None:
    from gateway.upstream import iqfinex

    def transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
        return httpx.AsyncHTTPTransport(limits=limits)

    setattr(iqfinex, "AiohttpTransport", transport)  # noqa: B010 - the name IqfinexClient looks up


def _use_plain_aiohttp() -> None:
    import aiohttp

    from gateway.upstream import iqfinex

    base = os.environ["IQFINEX_BASE_URL"].rstrip("/")
    sessions: list[aiohttp.ClientSession] = []

    def session() -> aiohttp.ClientSession:
        if not sessions:
            sessions.append(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)))
        return sessions[0]

    for name, op in list(iqfinex.OPERATIONS.items()):
        if op.method != "GET" or op.private:
            continue
        module = importlib.import_module(op.call.__module__)

        async def call(*args: Any, client: Any, _module: Any = module, **kwargs: Any) -> _Reply:
            request = _module._get_kwargs(*args, **kwargs)
            params = {k: v for k, v in (request.get("params") or {}).items() if v is not None}
            async with session().request(request["method"], base + request["url"], params=params) as response:
                return _Reply(response.status, await response.read())

        iqfinex.OPERATIONS[name] = dataclasses.replace(op, call=call)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._variant")
    parser.add_argument("transport", choices=["aiohttp-transport", "httpx", "aiohttp"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.transport == "httpx":
        _use_httpx_default()
    elif args.transport == "aiohttp":
        _use_plain_aiohttp()
    from gateway.__main__ import main as gateway_main

    return gateway_main(["--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
