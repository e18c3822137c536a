"""REST surface: pagination/sort bounds, status codes, history rules. Every answer is contract-checked."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sandbox import EmbeddedSandbox

from .conformance import rest_hook

ROUTES = [
    "/v1/currencies",
    "/v1/currency/BTC",
    "/v1/assets",
    "/v1/asset/BTCUSDT",
    "/v1/tickers",
    "/v1/ticker/BTCUSDT",
    "/v1/orderbook/BTCUSDT/2",
    "/v1/trades/BTCUSDT",
    "/v1/candles/BTCUSDT/300",
]


def test_public_routes(api: httpx.Client) -> None:
    for path in ROUTES:
        assert api.get(path).status_code == 200, path
    assets = api.get("/v1/assets").json()["data"]
    assert assets["count"] == len(assets["rows"]) > 40
    btc = api.get("/v1/asset/BTCUSDT").json()["data"]
    assert btc["accuracy"] == "2"
    assert btc["left"] == "BTC"
    assert "e-" in api.get("/v1/ticker/AMCETH").text  # tiny prices in exponent form


@pytest.mark.parametrize(
    "path",
    [
        "/v1/asset/NOPE1",
        "/v1/ticker/NOPE1",
        "/v1/currency/NOPE1",
        "/v1/orderbook/BTCUSDT/4",
        "/v1/orderbook/BTCUSDT/x",
        "/v1/trades/BTCUSDT?limit=101",
        "/v1/trades/BTCUSDT?limit=0",
        "/v1/trades/BTCUSDT?offset=-1",
        "/v1/trades/BTCUSDT?sort=UP",
        "/v1/candles/BTCUSDT/300?limit=501",
        "/v1/candles/NOPE/300",
    ],
)
def test_bad_input_is_400(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_pagination_defaults_and_sort(api: httpx.Client, auth: dict[str, str]) -> None:
    for _ in range(12):
        assert (
            api.post(
                "/v1/order", json={"asset": "BTCUSDT", "cmd": "buy", "volume": "0.001"}, headers=auth
            ).status_code
            == 200
        )
    trades = api.get("/v1/trades/BTCUSDT").json()["data"]
    assert trades["count"] == 12
    assert len(trades["rows"]) == 10
    ids = [r["id"] for r in trades["rows"]]
    assert ids == sorted(ids, reverse=True)
    asc = api.get("/v1/trades/BTCUSDT?sort=ASC&limit=3&offset=1").json()["data"]["rows"]
    assert [r["id"] for r in asc] == [2, 3, 4]
    mine = api.get("/v1/trades", headers=auth).json()["data"]
    assert mine["count"] == 12
    assert len(mine["rows"]) == 12
    assert len(api.get("/v1/trades?limit=5", headers=auth).json()["data"]["rows"]) == 5
    assert api.get("/v1/trades?limit=101", headers=auth).status_code == 400
    closed = api.get("/v1/orders/closed?limit=100", headers=auth).json()["data"]
    assert closed["count"] == 12
    assert api.get("/v1/orders/closed?sort=asc", headers=auth).status_code == 400


def test_status_codes(sandbox: EmbeddedSandbox, api: httpx.Client) -> None:
    creds = sandbox.credentials
    assert api.get("/v1/balance").status_code == 401
    assert api.get("/v1/balance", headers={"Authorization": "nope"}).status_code == 401
    assert api.get("/v1/balance", headers={"Authorization": creds.expired_api_key}).status_code == 403
    assert api.get("/v1/balance", headers={"Authorization": creds.whitelisted_api_key}).status_code == 402
    readonly = {"Authorization": creds.readonly_api_key}
    assert api.get("/v1/account/info", headers=readonly).json()["data"]["isTrade"] is False
    body = {"asset": "BTCUSDT", "cmd": "buy", "volume": 0.01, "price": 3000}
    assert api.post("/v1/order", json=body, headers=readonly).status_code == 402
    assert api.post("/v1/order/1/cancel", headers=readonly).status_code == 402
    trading = {"Authorization": creds.api_key}
    for bad in (
        {"asset": "BTCUSDT", "cmd": "hold", "volume": 1},
        {"asset": "BTCUSDT", "cmd": "buy"},
        {"asset": "NOPE", "cmd": "buy", "volume": 1, "price": 1},
        {"asset": "BTCUSDT", "cmd": "buy", "volume": "abc", "price": 1},
        {"asset": "BTCUSDT", "cmd": "buy", "volume": 1, "price": 1, "extra": 1},
        {"asset": "BTCUSDT", "cmd": "buy", "volume": 100000, "price": 3000},
        [1, 2],
    ):
        assert api.post("/v1/order", json=bad, headers=trading).status_code == 400, bad
    assert api.post("/v1/order", content=b"{not json", headers=trading).status_code == 400
    assert api.get("/v1/order/999999", headers=trading).status_code == 400
    assert api.get("/v1/order/abc", headers=trading).status_code == 400


def test_cancelled_without_execution_is_not_kept(api: httpx.Client, auth: dict[str, str]) -> None:
    order = api.post(
        "/v1/order", json={"asset": "BTCUSDT", "cmd": "buy", "volume": 0.5, "price": 3000}, headers=auth
    )
    order_id = order.json()["data"]["id"]
    assert api.get(f"/v1/order/{order_id}", headers=auth).json()["data"]["status"] == "active"
    assert api.get("/v1/orders/opened", headers=auth).json()["data"]["count"] == 1
    cancelled = api.post(f"/v1/order/{order_id}/cancel", headers=auth).json()["data"]
    assert cancelled["status"] == "canceled"
    assert cancelled["executed_volume"] == 0
    assert api.get(f"/v1/order/{order_id}", headers=auth).status_code == 400
    assert api.get("/v1/orders/closed", headers=auth).json()["data"]["count"] == 0
    assert api.post(f"/v1/order/{order_id}/cancel", headers=auth).status_code == 400


def test_stop_limit_and_balance_over_rest(api: httpx.Client, auth: dict[str, str]) -> None:
    body = {"asset": "BTCUSDT", "cmd": "sell", "volume": "0.5", "price": "3000", "stopPrice": "3100"}
    order = api.post("/v1/order", json=body, headers=auth).json()["data"]
    assert order["type"] == "STOP_LIMIT"
    assert order["stopPrice"] == 3100
    assert order["status"] == "active"
    balance = api.get("/v1/balance", headers=auth).json()["data"]["BTC"]
    assert balance == {"balance": 10, "free_balance": 9.5}


async def test_concurrent_rest_orders_never_overspend(sandbox: EmbeddedSandbox) -> None:
    auth = {"Authorization": sandbox.credentials.api_key}
    body = {"asset": "BTCUSDT", "cmd": "sell", "volume": "0.7", "price": "9000"}
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, timeout=10, event_hooks={"response": [_hook]}
    ) as c:
        answers = await asyncio.gather(*(c.post("/v1/order", json=body, headers=auth) for _ in range(40)))
        codes = [a.status_code for a in answers]
        assert codes.count(200) == 14
        assert codes.count(400) == 26
        btc = (await c.get("/v1/balance", headers=auth)).json()["data"]["BTC"]
    assert btc["free_balance"] >= 0
    assert btc["balance"] == 10


async def _hook(response: httpx.Response) -> None:
    await response.aread()
    rest_hook(response)
