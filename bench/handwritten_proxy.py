"""A peer for the benchmarks: the proxy one would write by hand with FastAPI + httpx + pydantic.

``python -m bench.handwritten_proxy --port P --upstream http://127.0.0.1:S``: ``GET
/v1/markets/{market}/ticker`` fetches the sandbox's ``/v1/ticker/{market}``, validates the ``data``
into a pydantic model (decimals as ``Decimal``, the ticker's fields written out by hand) and returns
it through FastAPI's ``response_model``; served by uvicorn (uvloop, httptools) like the gateway.
The idiomatic version: no coalescing, no drift check, one shared ``httpx.AsyncClient``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import httpx
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["create_app", "main"]


class Ticker(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=False)

    market: str
    bid: Decimal
    ask: Decimal
    bid_vol: Decimal
    ask_vol: Decimal
    buy_size: Decimal
    sell_size: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume24: Decimal
    percent_change: Decimal = Field(validation_alias="percentChange")
    timestamp: int


class Envelope(BaseModel):
    data: dict[str, object]


def create_app(upstream: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(base_url=upstream, timeout=10.0) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/v1/markets/{market}/ticker", response_model=Ticker)
    async def ticker(market: str, request: Request) -> Ticker:
        client: httpx.AsyncClient = request.app.state.client
        response = await client.get(f"/v1/ticker/{market}")
        if response.status_code != 200:
            raise HTTPException(502, "upstream failed")
        data = Envelope.model_validate_json(response.content).data
        return Ticker.model_validate({"market": market, **data})

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.handwritten_proxy")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args(argv)
    uvicorn.run(
        create_app(args.upstream), host="127.0.0.1", port=args.port, log_level="warning", access_log=False
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
