"""Every REST route end to end: gateway → generated client → embedded sandbox, and back normalized."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import jsonschema_rs
import pytest

from gateway.problems import PROBLEM_JSON
from sandbox import EmbeddedSandbox

CANONICAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")


async def _conforms(client: httpx.AsyncClient, method: str, template: str, response: httpx.Response) -> Any:
    """The body, after checking it against the gateway's own OpenAPI document."""
    doc = (await client.get("/openapi.json")).json()
    documented = doc["paths"][template][method.lower()]["responses"][str(response.status_code)]
    media = response.headers["content-type"].split(";")[0]
    schema = documented["content"][media]["schema"]
    body = response.json()
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": doc["components"]})
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors
    return body


async def _get(client: httpx.AsyncClient, template: str, path: str, **kwargs: Any) -> Any:
    response = await client.get(path, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return await _conforms(client, "GET", template, response)


async def test_currencies(client: httpx.AsyncClient) -> None:
    listed = await _get(client, "/v1/currencies", "/v1/currencies")
    assert listed["count"] == len(listed["rows"]) > 0
    btc = await _get(client, "/v1/currencies/{currency}", "/v1/currencies/BTC")
    assert btc["name"] == "BTC"
    assert CANONICAL.fullmatch(btc["withdrawal_fee"])
    assert isinstance(btc["is_deposit"], bool)
    assert isinstance(btc["confirmations"], int)


async def test_markets(client: httpx.AsyncClient) -> None:
    listed = await _get(client, "/v1/markets", "/v1/markets")
    assert {row["market"] for row in listed["rows"]} >= {"BTCUSDT", "ETHBTC"}
    one = await _get(client, "/v1/markets/{market}", "/v1/markets/BTCUSDT")
    assert one["market"] == "BTCUSDT"
    assert one["accuracy"] == 2  # a digit string upstream, an integer here
    assert CANONICAL.fullmatch(one["min_volume"])


async def test_tickers(client: httpx.AsyncClient) -> None:
    tickers = await _get(client, "/v1/tickers", "/v1/tickers")
    assert isinstance(tickers, list)
    by_market = {t["market"]: t for t in tickers}
    assert "BTCUSDT" in by_market
    one = await _get(client, "/v1/markets/{market}/ticker", "/v1/markets/BTCUSDT/ticker")
    assert one["market"] == "BTCUSDT"
    assert all(CANONICAL.fullmatch(one[k]) for k in ("bid", "ask", "last", "volume24", "percent_change"))
    assert isinstance(one["timestamp"], int)


async def test_order_book_sorted(client: httpx.AsyncClient) -> None:
    for rounding in (0, 1, 2, 3):
        book = await _get(
            client, "/v1/markets/{market}/orderbook", f"/v1/markets/ETHBTC/orderbook?rounding={rounding}"
        )
        assert book["market"] == "ETHBTC"
        assert book["rounding"] == rounding
        bids = [float(level["price"]) for level in book["bids"]]  # float only to compare in the test
        asks = [float(level["price"]) for level in book["asks"]]
        assert bids == sorted(bids, reverse=True)
        assert asks == sorted(asks)
        assert set(book["bids"][0]) == {"price", "volume", "orders"}


async def test_trading_flow_covers_the_private_routes(
    client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox
) -> None:
    account = await _get(client, "/v1/account", "/v1/account")
    assert account["is_trade"] is True
    balances = await _get(client, "/v1/account/balances", "/v1/account/balances")
    assert list(balances[0]) == ["currency", "available", "locked", "total"]
    for row in balances:
        assert Decimal(row["available"]) + Decimal(row["locked"]) == Decimal(row["total"])

    # A resting limit order: placed, listed, fetched, cancelled.
    placed = await client.post(
        "/v1/orders",
        json={"market": "BTCUSDT", "side": "buy", "type": "limit", "volume": "0.01", "price": "100"},
    )
    assert placed.status_code == 200, placed.text
    order = await _conforms(client, "POST", "/v1/orders", placed)
    assert (order["side"], order["type"], order["state"]) == ("buy", "limit", "open")
    assert (order["price"], order["volume"], order["executed_volume"]) == ("100", "0.01", "0")
    open_orders = await _get(client, "/v1/orders/open", "/v1/orders/open")
    assert order["id"] in {o["id"] for o in open_orders["rows"]}
    fetched = await _get(client, "/v1/orders/{id}", f"/v1/orders/{order['id']}")
    assert fetched["id"] == order["id"]
    cancelled = await client.post(f"/v1/orders/{order['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    body = await _conforms(client, "POST", "/v1/orders/{id}/cancel", cancelled)
    assert body["state"] == "cancelled"
    assert isinstance(body["closed_at"], int)

    # A market order that trades against the book: trades everywhere.
    market = await client.post("/v1/orders", json={"market": "BTCUSDT", "side": "buy", "volume": "0.002"})
    assert market.status_code == 200, market.text
    filled = market.json()
    assert filled["type"] == "market"
    trades = await _get(
        client, "/v1/orders/{id}/trades", f"/v1/orders/{filled['id']}/trades?limit=5&sort=ASC"
    )
    assert trades["count"] >= 1
    trade = trades["rows"][0]
    assert (trade["side"], trade["market"], trade["order_id"]) == ("buy", "BTCUSDT", filled["id"])
    assert CANONICAL.fullmatch(trade["fee"])
    assert trade["fee_currency"] == trade["fee_currency"].upper()
    mine = await _get(client, "/v1/account/trades", "/v1/account/trades?limit=100")
    assert filled["id"] in {t["order_id"] for t in mine["rows"]}
    closed = await _get(client, "/v1/orders/closed", "/v1/orders/closed?limit=10&offset=0&sort=DESC")
    assert filled["id"] in {o["id"] for o in closed["rows"]}
    assert all(o["state"] in {"filled", "cancelled"} for o in closed["rows"])
    public = await _get(client, "/v1/markets/{market}/trades", "/v1/markets/BTCUSDT/trades?limit=10")
    assert public["count"] >= 1
    assert public["rows"][0]["side"] in {"buy", "sell"}
    candles = await _get(
        client, "/v1/markets/{market}/candles", "/v1/markets/BTCUSDT/candles?frame=60&limit=3"
    )
    assert (candles["market"], candles["frame"]) == ("BTCUSDT", 60)
    assert candles["candles"]
    assert candles["candles"][0]["close_time"] is None  # the live candle
    live, *closed_candles = candles["candles"]
    for candle in closed_candles:
        assert candle["open_time"] == candle["close_time"] - 60
    # The live candle opened when the one before it closed (unknown without that candle on the page).
    assert live["open_time"] == (closed_candles[0]["close_time"] if closed_candles else None)


async def _problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{type_}"
    return body


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/v1/markets/BTCUSDT/trades?limit=101", "query limit"),
        ("/v1/markets/BTCUSDT/trades?limit=0", "query limit"),
        ("/v1/markets/BTCUSDT/trades?offset=-1", "query offset"),
        ("/v1/markets/BTCUSDT/trades?sort=UP", "query sort"),
        ("/v1/markets/BTCUSDT/candles?frame=7", "query frame"),
        ("/v1/markets/BTCUSDT/candles?limit=501", "query limit"),
        ("/v1/markets/BTCUSDT/orderbook?rounding=4", "query rounding"),
        ("/v1/markets/BTC-USDT/ticker", "path market"),
        ("/v1/markets/B/ticker", "path market"),
        ("/v1/currencies/%2E%2E", "path currency"),
        ("/v1/orders/0", "path id"),
        ("/v1/orders/abc", "path id"),
    ],
)
async def test_bad_parameters_are_422_naming_the_parameter(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, path: str, location: str
) -> None:
    before = sum(sandbox.stats()["rest"].values())
    body = await _problem(await client.get(path), 422, "invalid-request")
    assert location in body["detail"]
    assert sum(sandbox.stats()["rest"].values()) == before  # nothing reached the upstream


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        (b"[]", "body"),
        (b'{"market": "BTCUSDT", "side": "buy"}', "volume"),
        (b'{"market": "BTCUSDT", "side": "hold", "volume": "1"}', "side"),
        (b'{"market": "BTC/USDT", "side": "buy", "volume": "1"}', "market"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "0"}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "-1"}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "NaN"}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "Infinity"}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": true}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": 1e999999}', "volume"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": 0.002}', "volume"),  # money is text
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "price": "100.001"}', "price"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "type": "limit"}', "type"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "price": "1", "type": "market"}', "type"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "trigger_price": "1"}', "price"),
        (b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "leverage": 10}', "leverage"),
    ],
)
async def test_bad_orders_are_422_and_never_sent(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, body: bytes, field: str
) -> None:
    before = sandbox.stats()["rest"].get("createOrder", 0)
    problem = await _problem(
        await client.post("/v1/orders", content=body, headers={"content-type": "application/json"}),
        422,
        "invalid-request",
    )
    assert field in problem["detail"]
    assert sandbox.stats()["rest"].get("createOrder", 0) == before


async def test_amounts_are_sent_exactly(client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox) -> None:
    # Decimal strings in any notation (exponent form, trailing zeros) are sent in canonical form.
    response = await client.post(
        "/v1/orders",
        content=b'{"market": "ETHBTC", "side": "buy", "volume": "0.12345670", "price": "1E-5"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text
    order = response.json()
    assert order["volume"] == "0.1234567"
    assert order["price"] == "0.00001"


async def test_stop_limit_order(client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox) -> None:
    response = await client.post(
        "/v1/orders",
        json={"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "9000", "trigger_price": "8000"},
    )
    assert response.status_code == 200, response.text
    order = response.json()
    assert order["type"] == "stop_limit"
    assert order["trigger_price"] == "8000"


async def test_upstream_rejection_is_400_with_its_message(
    client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox
) -> None:
    order = await client.post(
        "/v1/orders", json={"market": "BTCUSDT", "side": "buy", "volume": "1000", "price": "100000"}
    )
    body = await _problem(order, 400, "upstream-bad-request")
    assert "balance" in body["detail"].lower()


async def test_gateway_tokens_protect_private_routes(make_client: Any, sandbox: EmbeddedSandbox) -> None:
    async with make_client(gateway_tokens=["s3cret-token"]) as c:
        body = await _problem(await c.get("/v1/account"), 401, "unauthorized")
        assert "s3cret" not in str(body)
        ok = await c.get("/v1/account", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200, ok.text
        # Public routes stay public.
        assert (await c.get("/v1/tickers")).status_code == 200
        # With gateway tokens, any other value is refused and never forwarded (even a valid key).
        creds = sandbox.credentials
        refused = await c.get("/v1/account", headers={"Authorization": creds.api_key})
        assert refused.status_code == 401
        assert creds.api_key not in refused.text
    async with make_client() as c:  # pass-through: keys reach the upstream as they are
        passed = await c.get("/v1/account", headers={"Authorization": creds.api_key})
        assert passed.status_code == 200


async def test_upstream_auth_failures(client: httpx.AsyncClient, sandbox: EmbeddedSandbox) -> None:
    creds = sandbox.credentials
    unknown = await _problem(
        await client.get("/v1/account", headers={"Authorization": "no-such-key"}),
        401,
        "upstream-unauthorized",
    )
    assert "no-such-key" not in str(unknown)
    readonly = {"Authorization": creds.readonly_api_key}
    forbidden = await client.post(
        "/v1/orders",
        json={"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"},
        headers=readonly,
    )
    await _problem(forbidden, 403, "upstream-forbidden")
    await _problem(await client.post("/v1/orders/1/cancel", headers=readonly), 403, "upstream-forbidden")
    if creds.expired_api_key:
        expired = await client.get("/v1/account/balances", headers={"Authorization": creds.expired_api_key})
        await _problem(expired, 401, "upstream-credentials-expired")


async def test_metrics_count_upstream_calls(client: httpx.AsyncClient) -> None:
    await client.get("/v1/markets/BTCUSDT/ticker")
    text = (await client.get("/metrics")).text
    assert 'gateway_upstream_calls_total{operation="getTicker",outcome="ok",upstream="iqfinex"}' in text
    assert "gateway_upstream_seconds_bucket" in text


async def test_readiness_pings_the_rest_upstream(client: httpx.AsyncClient) -> None:
    body = (await client.get("/readyz")).json()
    assert body["upstreams"]["rest"] == "ok"
