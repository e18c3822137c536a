"""Normalization over the recorded live responses (recorded), compared with snapshots.

The recorded bodies are served to the gateway's upstream client through ``httpx.MockTransport``, so the
whole path runs: generated client → exact decoding → drift check → layout normalizers → route shaping.
Snapshots live in ``tests/gateway/snapshots/``; ``UPDATE_SNAPSHOTS=1`` rewrites them (review the diff).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from gateway.app import create_app
from gateway.iqfinex.client import IqfinexClient
from sandbox import EmbeddedSandbox
from tests._recorded import Recorded, load_recorded
from tests.gateway.conftest import gateway_settings, serve

SNAPSHOTS = Path(__file__).parent / "snapshots"
RECORDED = {r.name: r for r in load_recorded()}
# Recorded upstream request → the gateway route that re-exposes it.
ROUTES = {
    "fetch_pairs": lambda r: "/v1/markets",
    "fetch_ticker": lambda r: "/v1/tickers",
    "fetch_order_book": lambda r: (
        f"/v1/markets/{r.path.split('/')[3]}/orderbook?rounding={r.path.split('/')[4]}"
    ),
    "fetch_trade": lambda r: f"/v1/markets/{r.path.split('/')[3].split('?')[0]}/trades?sort=DESC",
}


@pytest.fixture
async def recorded_client(sandbox: EmbeddedSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway whose REST upstream answers from the recordings (by URL path)."""
    by_path: dict[str, Recorded] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        recorded = by_path.get(request.url.path)
        if recorded is None:  # e.g. the market list the gateway checks path markets against
            return httpx.Response(503, content=b'{"status": 503, "message": "not recorded"}')
        return httpx.Response(
            recorded.status, content=recorded.body.encode(), headers={"content-type": "application/json"}
        )

    app = create_app(gateway_settings(), sandbox=sandbox)
    async with serve(app) as client:
        state = app.state.gateway
        await state.rest.aclose()
        state.rest = IqfinexClient(
            "http://recorded.invalid",
            state.settings,
            state.metrics,
            state.drift,
            transport=httpx.MockTransport(handler),
        )
        client.by_path = by_path  # type: ignore[attr-defined]
        try:
            yield client
        finally:
            await state.rest.aclose()


def _snapshot(name: str, body: Any) -> Any:
    path = SNAPSHOTS / f"{name.replace('/', '_')}.json"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n")
    return orjson.loads(path.read_bytes())


@pytest.mark.parametrize("name", sorted(RECORDED))
async def test_recorded_responses_normalize_to_snapshots(
    recorded_client: httpx.AsyncClient, name: str
) -> None:
    recorded = RECORDED[name]
    recorded_client.by_path[recorded.path.split("?")[0]] = recorded  # type: ignore[attr-defined]
    response = await recorded_client.get(ROUTES[name.split("/")[1]](recorded))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == _snapshot(name, body)
    drift = (await recorded_client.get("/metrics")).text
    assert "gateway_schema_drift_total{" not in drift  # the contract accepts what the live service sent


async def test_exponent_form_tickers(recorded_client: httpx.AsyncClient) -> None:
    recorded = RECORDED["2019-09/fetch_ticker"]
    assert '"ask":4.3e-7' in recorded.body
    recorded_client.by_path["/v1/tickers"] = recorded  # type: ignore[attr-defined]
    tickers = {t["market"]: t for t in (await recorded_client.get("/v1/tickers")).json()}
    amc = tickers["AMCETH"]
    assert (amc["bid"], amc["ask"], amc["open"]) == ("0.00000006", "0.00000043", "0.00000041")
    assert amc["percent_change"] == "0"
    assert amc["timestamp"] == 1569299394


async def test_unsorted_books_come_out_sorted(recorded_client: httpx.AsyncClient) -> None:
    recorded = RECORDED["2019-09/fetch_order_book"]
    recorded_client.by_path["/v1/orderbook/BTCUSDC/0"] = recorded  # type: ignore[attr-defined]
    book = (await recorded_client.get("/v1/markets/BTCUSDC/orderbook")).json()
    raw = orjson.loads(recorded.body)["data"]
    assert list(raw["buy"]) != sorted(raw["buy"], key=float, reverse=True)  # really unsorted upstream
    from decimal import Decimal

    assert [b["price"] for b in book["bids"]] == sorted(raw["buy"], key=Decimal, reverse=True)
    assert [a["price"] for a in book["asks"]] == sorted(raw["sell"], key=Decimal)
    assert book["bids"][0] == {"price": "9611.31", "volume": "0.0618258", "orders": 1}


async def test_trade_prices_as_numbers(recorded_client: httpx.AsyncClient) -> None:
    recorded = RECORDED["2018-12/fetch_trade"]
    recorded_client.by_path["/v1/trades/BTCUSDT"] = recorded  # type: ignore[attr-defined]
    trades = (await recorded_client.get("/v1/markets/BTCUSDT/trades")).json()
    first = trades["rows"][0]
    assert first == {
        "id": 877425, "side": "sell", "volume": "0.030381", "price": "3371.39", "created_at": 1544580451,
        "market": "BTCUSDT",
    }  # fmt: skip


def test_candles_carry_open_time_derived_exactly() -> None:
    """The docs' example (frame 300): the closed candle opened ``close_time - frame``; the live one when
    the one before it closed. A live candle alone on its page has no known open time."""
    from gateway.iqfinex import shaping

    docs = {"count": 2, "rows": [["0.034375", 1, 1, 1, 1], ["0.034322", 1, 1, 1, 1, 1552378200]]}
    live, closed = shaping.candles(docs, "ETHBTC", 300)["candles"]
    assert (closed["open_time"], closed["close_time"]) == (1552377900, 1552378200)
    assert (live["open_time"], live["close_time"]) == (1552378200, None)
    (alone,) = shaping.candles({"count": 1, "rows": [["1", 1, 1, 1, 1]]}, "ETHBTC", 300)["candles"]
    assert alone["open_time"] is None
    assert next(iter(live)) == "open_time"
