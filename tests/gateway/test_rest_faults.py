"""Upstream faults (sandbox fault injection) → the documented problem responses; POSTs never repeated."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from gateway.drift import DriftMonitor
from gateway.iqfinex.client import IqfinexClient
from gateway.metrics import Metrics
from gateway.problems import PROBLEM_JSON, UpstreamTimeout, UpstreamUnavailable
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"}


def _problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == f"/problems/{type_}"
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    ("upstream_status", "status", "type_"),
    [(500, 502, "bad-upstream-response"), (503, 503, "upstream-unavailable"), (504, 504, "upstream-timeout")],
)
async def test_upstream_5xx(
    make_client: Any, clean_sandbox: EmbeddedSandbox, upstream_status: int, status: int, type_: str
) -> None:
    async with make_client(rest_retries=2) as client:
        clean_sandbox.set_faults(error_rate=1.0, error_statuses=[upstream_status])
        _problem(await client.get("/v1/markets/BTCUSDT/ticker"), status, type_)
        assert clean_sandbox.stats()["rest"]["getTicker"] == 3  # idempotent: retried twice


@pytest.mark.parametrize("fault", ["malformed_rate", "truncated_rate"])
async def test_malformed_bodies_are_502(make_client: Any, clean_sandbox: EmbeddedSandbox, fault: str) -> None:
    async with make_client(rest_retries=1) as client:
        clean_sandbox.set_faults(**{fault: 1.0})
        body = _problem(await client.get("/v1/tickers"), 502, "bad-upstream-response")
        assert "malformed" in body["detail"]
        metrics = (await client.get("/metrics")).text
        assert (
            'gateway_upstream_errors_total{kind="malformed",operation="listTickers",upstream="iqfinex"} 2.0'
            in metrics
        )


async def test_retries_recover_from_a_transient_failure(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    async with make_client(rest_retries=5) as client:
        clean_sandbox.set_faults(error_rate=0.5, error_statuses=[503])
        for _ in range(5):
            assert (await client.get("/v1/currencies/BTC")).status_code == 200


async def test_timeouts_are_504(make_client: Any, clean_sandbox: EmbeddedSandbox) -> None:
    async with make_client(rest_timeout=0.2, rest_retries=1) as client:
        clean_sandbox.set_faults(latency_ms=600)
        _problem(await client.get("/v1/markets/BTCUSDT/ticker"), 504, "upstream-timeout")


async def test_a_timed_out_order_is_sent_upstream_exactly_once(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    async with make_client(rest_timeout=0.3, rest_retries=3) as client:
        assert (await client.get("/v1/markets")).status_code == 200
        placed = await client.post("/v1/orders", json={**ORDER, "price": "101"})  # primes the market cache
        assert placed.status_code == 200
        before = clean_sandbox.stats()["rest"]["createOrder"]
        clean_sandbox.set_faults(latency_ms=1000)
        _problem(await client.post("/v1/orders", json=ORDER), 504, "outcome-unknown")
        clean_sandbox.set_faults(latency_ms=0)
        assert clean_sandbox.stats()["rest"]["createOrder"] == before + 1
        cancel = await client.post(f"/v1/orders/{placed.json()['id']}/cancel")
        assert cancel.status_code == 200


async def test_failed_posts_are_not_retried(make_client: Any, clean_sandbox: EmbeddedSandbox) -> None:
    async with make_client(rest_retries=3) as client:
        clean_sandbox.set_faults(error_rate=1.0, error_statuses=[503])
        # The upstream answered 503: nothing says whether it executed the call, so the outcome is unknown.
        _problem(await client.post("/v1/orders", json=ORDER), 502, "outcome-unknown")
        _problem(await client.post("/v1/orders/1/cancel"), 502, "outcome-unknown")
        stats = clean_sandbox.stats()["rest"]
        assert stats["createOrder"] == 1
        assert stats["cancelOrder"] == 1


async def test_unnormalizable_drift_is_502_and_counted_when_strict(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    async with make_client(drift_policy="strict") as client:
        clean_sandbox.set_faults(drift=True)  # ticker bid "n/a"
        _problem(await client.get("/v1/markets/BTCUSDT/ticker"), 502, "bad-upstream-response")
        _problem(await client.get("/v1/tickers"), 502, "bad-upstream-response")
        metrics = (await client.get("/metrics")).text
        assert "gateway_schema_drift_total{location=" in metrics
        assert 'operation="getTicker"' in metrics


async def test_one_drifted_field_degrades_to_null_and_is_named(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    """Drift mode: every market's ticker ``bid`` is "n/a". ``/v1/tickers`` still answers 200: each bid is
    null, named in ``Gateway-Drift``, and every other value is exactly what it is without drift."""
    clean_sandbox.set_faults(drift=False)
    async with make_client(sandbox_trader=False) as client:
        good = await client.get("/v1/tickers")
        assert good.status_code == 200
        assert "gateway-drift" not in good.headers
        clean_sandbox.set_faults(drift=True)
        drifted = await client.get("/v1/tickers")
        one = await client.get("/v1/markets/BTCUSDT/ticker")
    assert drifted.status_code == 200, drifted.text
    rows, expected = drifted.json(), good.json()
    assert len(rows) == len(expected) > 1
    assert drifted.headers["gateway-drift"] == ", ".join(f"$[{i}].bid" for i in range(len(rows)))
    assert drifted.headers["gateway-drift-count"] == str(len(rows))
    for row, exact in zip(rows, expected, strict=True):
        assert row["bid"] is None
        assert isinstance(row["timestamp"], int)  # the ticker's clock moves between the two calls
        assert row == {**exact, "bid": None, "timestamp": row["timestamp"]}
    assert one.status_code == 200
    assert one.json()["bid"] is None
    assert one.headers["gateway-drift"] == "$.bid"


def test_lenient_paths_follow_the_shaped_body() -> None:
    """Order-book levels are named by their position in the sorted side, candles under ``candles``."""
    from gateway.iqfinex import shaping
    from gateway.normalize import collect_drift

    book = {"buy": {"1": ["0.5", 1], "3": ["x", 2], "2": ["0.25", 1]}, "sell": {"5": [1, "many"]}}
    with collect_drift() as log:
        shaped = shaping.order_book(book, "BTCUSDT", 0)
    assert [level["price"] for level in shaped["bids"]] == ["3", "2", "1"]
    assert shaped["bids"][0]["volume"] is None
    assert log.paths == ["$.bids[0].volume", "$.asks[0].orders"]
    with collect_drift() as log:
        candles = shaping.candles({"count": 2, "rows": [[1, 2, 1, 2, 3], [1, "?", 1, 2, 3, 60]]}, "X", 60)
    assert candles["candles"][1]["high"] is None
    assert log.paths == ["$.candles[1].high"]


async def _mock_client(body: dict[str, Any]) -> tuple[IqfinexClient, DriftMonitor]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=orjson.dumps(body), headers={"content-type": "application/json"})

    drift = DriftMonitor(Metrics())
    client = IqfinexClient(
        "http://upstream.invalid",
        gateway_settings(),
        Metrics(),
        drift,
        transport=httpx.MockTransport(handler),
    )
    return client, drift


async def test_normalizable_drift_is_served() -> None:
    ticker = {
        "bid": "00.50",  # violates the Decimal pattern (leading zero) yet is an exact decimal
        "ask": 1, "bid_vol": 1, "ask_vol": 1, "buy_size": 1, "sell_size": 1,
        "high": 1, "low": 1, "last": 1, "volume24": 1, "percentChange": 0, "brand_new": 7,
    }  # fmt: skip
    client, drift = await _mock_client({"status": 200, "data": ticker})
    try:
        data = await client.call("getTicker", "BTCUSDT")
    finally:
        await client.aclose()
    assert drift.total == 1
    assert data["bid"] == "00.50"  # raw; the route's normalizer makes it "0.5"


async def test_unreachable_upstream_is_503() -> None:
    client = IqfinexClient("http://127.0.0.1:9", gateway_settings(rest_retries=0), Metrics(), DriftMonitor())
    try:
        with pytest.raises(UpstreamUnavailable):
            await client.call("listTickers")
    finally:
        await client.aclose()


async def test_deadline_maps_to_timeout() -> None:
    import asyncio

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1)
        return httpx.Response(200)

    client = IqfinexClient(
        "http://upstream.invalid",
        gateway_settings(rest_timeout=0.05, rest_retries=0),
        Metrics(),
        DriftMonitor(),
        transport=httpx.MockTransport(slow),
    )
    try:
        with pytest.raises(UpstreamTimeout):
            await client.call("listTickers")
    finally:
        await client.aclose()


async def test_readyz_tells_unreachable_from_answering_errors(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    async with make_client(rest_retries=0) as client:
        clean_sandbox.set_faults(error_rate=1.0, error_statuses=[500])
        answering = await client.get("/readyz")
    assert answering.status_code == 503
    assert answering.json()["upstreams"]["rest"] == "answering errors: HTTP 500"
    settings = gateway_settings(
        rest_retries=0, iqfinex_base_url="http://127.0.0.1:9", finex_ws_url=clean_sandbox.ws_url
    )
    from gateway.app import create_app
    from tests.gateway.conftest import serve

    async with serve(create_app(settings)) as client:
        unreachable = await client.get("/readyz")
    assert unreachable.status_code == 503
    assert unreachable.json()["upstreams"]["rest"].startswith("unreachable: ")
