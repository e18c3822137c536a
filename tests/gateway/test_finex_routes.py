"""The Finex HTTP routes end to end: gateway (in-process ASGI) → real websocket → embedded sandbox."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import msgspec
import pytest

from gateway.schemas import CANONICAL_DECIMAL
from sandbox import EmbeddedSandbox

JSON = {"content-type": "application/json"}

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_sandbox")]

MakeClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]

LIMIT_BUY = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.0010", "price": "1000.50"}
DECIMALS = (
    "price",
    "average_price",
    "remaining_volume",
    "volume",
    "executed_volume",
    "maker_fee",
    "taker_fee",
)


def canonical(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(CANONICAL_DECIMAL, value) is not None


async def create(client: httpx.AsyncClient, **changes: Any) -> str:
    body = {k: v for k, v in {**LIMIT_BUY, **changes}.items() if v is not None}  # None: leave it out
    response = await client.post("/v1/finex/orders", json=body)
    assert response.status_code == 200, response.text
    uuid: str = response.json()["uuid"]
    return uuid


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def test_orders_lifecycle(client: httpx.AsyncClient) -> None:
    refused = await client.post("/v1/finex/orders", json={**LIMIT_BUY, "price": 1000.50})
    assert problem(refused, 422)["errors"][0]["location"] == "body price"  # money is text
    uuid = await create(client, price="1000.50")
    listed = await client.get("/v1/finex/orders", params={"state": "open", "market": "btcusdt"})
    assert listed.status_code == 200
    (order,) = [o for o in listed.json() if o["uuid"] == uuid]
    assert order["state"] == "open"
    assert order["type"] == "limit"
    assert order["side"] == "buy"
    assert order["price"] == "1000.5"
    assert order["volume"] == "0.001"
    assert order["market"] == "BTCUSDT"  # upper case whatever the caller sent
    assert all(canonical(order[name]) for name in DECIMALS)
    assert isinstance(order["created_at"], int)
    assert order["trigger_price"] is None
    assert order["reject_reason"] is None

    by_uuid = await client.get("/v1/finex/orders/by-uuid", params={"uuid": [uuid]})
    assert by_uuid.status_code == 200
    assert [o["uuid"] for o in by_uuid.json()] == [uuid]
    trades = await client.get(f"/v1/finex/orders/{uuid}/trades")
    assert trades.status_code == 200
    assert trades.json() == []

    cancelled = await client.delete(f"/v1/finex/orders/{uuid}", params={"market": "btcusdt"})
    assert cancelled.status_code == 204
    again = await client.get("/v1/finex/orders/by-uuid", params={"uuid": uuid})
    assert again.json()[0]["state"] == "cancelled"
    assert (await client.get("/v1/finex/orders", params={"state": "cancelled"})).json()[0]["uuid"] == uuid
    # Cancelling twice: the upstream's "not active" error reply becomes a 409 problem with its description.
    body = problem(await client.delete(f"/v1/finex/orders/{uuid}", params={"market": "btcusdt"}), 409)
    assert body["type"] == "/problems/conflict"
    assert "not active" in body["detail"]


async def test_market_order_trades_and_state_filter(client: httpx.AsyncClient) -> None:
    uuid = await create(client, type="market", price=None, volume="0.001")
    (order,) = (await client.get("/v1/finex/orders/by-uuid", params={"uuid": uuid})).json()
    assert order["type"] == "market"
    assert order["state"] == "filled"
    (trade,) = (await client.get(f"/v1/finex/orders/{uuid}/trades")).json()
    assert trade["order_uuid"] == uuid
    assert trade["order_side"] == "buy"
    assert trade["taker_side"] == "buy"
    assert all(canonical(trade[name]) for name in ("price", "volume", "total", "fee"))
    filled = (await client.get("/v1/finex/orders", params={"state": "filled", "limit": 5, "page": 1})).json()
    assert uuid in {o["uuid"] for o in filled}


async def test_bulk_reports_each_order(client: httpx.AsyncClient, sandbox: EmbeddedSandbox) -> None:
    orders = [
        LIMIT_BUY,
        {**LIMIT_BUY, "market": "nosuchmarket"},
        {**LIMIT_BUY, "side": "sell", "price": "900000"},
    ]
    response = await client.post("/v1/finex/orders/bulk", json=orders)
    assert response.status_code == 200, response.text
    report = response.json()
    assert [r["index"] for r in report] == [0, 1, 2]
    assert [r["ok"] for r in report] == [True, False, True]
    assert report[1]["uuid"] is None
    assert report[1]["error"]
    assert report[0]["error"] is None
    listed = (
        await client.get("/v1/finex/orders/by-uuid", params={"uuid": [report[0]["uuid"], report[2]["uuid"]]})
    ).json()
    assert {o["side"] for o in listed} == {"buy", "sell"}
    # Cancel many, then everything.
    targets = [{"market": "btcusdt", "uuid": report[0]["uuid"]}]
    assert (await client.post("/v1/finex/orders/cancel", json=targets)).status_code == 204
    assert (await client.post("/v1/finex/orders/cancel-all")).status_code == 204
    assert (await client.get("/v1/finex/orders", params={"state": "open"})).json() == []
    assert sandbox.stats()["ws"]["create_bulk"] == 1


async def test_transfers_and_config(client: httpx.AsyncClient) -> None:
    deposits = await client.get("/v1/finex/deposits", params={"state": "confirmed", "page": 1, "limit": 2})
    assert deposits.status_code == 200
    rows = deposits.json()
    assert len(rows) == 2
    assert all(canonical(r["amount"]) and isinstance(r["created_at"], int) for r in rows)
    assert (await client.get("/v1/finex/withdrawals")).json() == []

    for key, value, scope in (("auth", True, "public"), ("ratio", 1.50, "private"), ("pw", "x", "secret")):
        response = await client.put(f"/v1/finex/config/finex/{key}", json={"value": value, "scope": scope})
        assert response.status_code == 204, response.text
    config = (await client.get("/v1/finex/config")).json()
    assert config == {
        "config": {
            "finex": {"public": {"auth": True}, "private": {"ratio": "1.5"}, "secret": {"pw": "******"}}
        }
    }


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({**LIMIT_BUY, "volume": "0"}, "body volume"),
        ({**LIMIT_BUY, "volume": "-1"}, "body volume"),
        ({**LIMIT_BUY, "volume": "NaN"}, "body volume"),
        ({**LIMIT_BUY, "volume": True}, "body volume"),
        ({**LIMIT_BUY, "price": None}, "body price"),
        ({**LIMIT_BUY, "type": "l"}, "body type"),
        ({**LIMIT_BUY, "side": "long"}, "body side"),
        ({**LIMIT_BUY, "quote_amount": "10"}, "body quote_amount"),
        ({**LIMIT_BUY, "extra": 1}, "body extra"),
        ({k: v for k, v in LIMIT_BUY.items() if k != "market"}, "body market"),
        ([LIMIT_BUY], "body"),
    ],
)
async def test_invalid_order_is_rejected_before_sending(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, body: Any, where: str
) -> None:
    body_problem = problem(await client.post("/v1/finex/orders", json=body), 422)
    assert body_problem["errors"][0]["location"] == where
    assert sandbox.stats()["ws"].get("create_order", 0) == 0


async def test_invalid_parameters(client: httpx.AsyncClient) -> None:
    problem(await client.get("/v1/finex/orders", params={"state": "wait"}), 422)  # upstream word, not ours
    problem(await client.get("/v1/finex/orders", params={"limit": -1}), 422)
    problem(await client.get("/v1/finex/orders/by-uuid"), 422)
    problem(await client.get("/v1/finex/orders/not-a-uuid/trades"), 404)  # no UUID, so no such order
    problem(await client.delete("/v1/finex/orders/6dcc2c8e-c295-11ea-b7ad-1831bf9834b0"), 422)  # no market
    problem(await client.post("/v1/finex/orders/bulk", json=[]), 422)
    problem(await client.post("/v1/finex/orders/cancel", json=[{"market": "btcusdt"}]), 422)
    problem(await client.put("/v1/finex/config/finex/k", json={"value": {"a": 1}, "scope": "public"}), 422)
    problem(await client.put("/v1/finex/config/finex/k", json={"value": 1, "scope": "everyone"}), 422)
    problem(await client.post("/v1/finex/orders", content=b"{not json", headers=JSON), 422)


async def test_unknown_order_trades_is_404(client: httpx.AsyncClient) -> None:
    body = problem(await client.get("/v1/finex/orders/6dcc2c8e-c295-11ea-b7ad-1831bf9834b0/trades"), 404)
    assert body["detail"] == "order not found"  # the upstream's "not found" answer, matched in one table


async def test_rest_and_finex_orders_share_the_vocabulary(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/v1/orders",
        json={"market": "BTCUSDT", "side": "buy", "type": "limit", "volume": "0.0100", "price": "1000.50"},
    )
    assert created.status_code == 200, created.text
    rest = created.json()
    listed = (await client.get("/v1/finex/orders", params={"market": "btcusdt"})).json()
    (finex,) = [o for o in listed if o["id"] == rest["id"]]
    for name in (
        "market",
        "state",
        "type",
        "side",
        "price",
        "volume",
        "remaining_volume",
        "executed_volume",
        "trigger_price",
        "created_at",
    ):
        assert finex[name] == rest[name], name
    assert (finex["state"], finex["type"], finex["side"]) == ("open", "limit", "buy")
    assert all(canonical(finex[name]) for name in DECIMALS)


async def test_private_methods_need_credentials(make_client: MakeClient) -> None:
    async with make_client(gateway_tokens=["gateway-secret"]) as client:
        body = problem(await client.get("/v1/finex/orders"), 401)
        assert body["type"] == "/problems/unauthorized"
        ok = await client.get("/v1/finex/orders", headers={"Authorization": "Bearer gateway-secret"})
        assert ok.status_code == 200
        # With gateway tokens a value that is not one is refused here, never forwarded upstream.
        refused = await client.get("/v1/finex/orders", headers={"Authorization": "Bearer not-a-jwt"})
        assert problem(refused, 401)["type"] == "/problems/unauthorized"


async def test_caller_jwt_is_passed_through(client: httpx.AsyncClient, sandbox: EmbeddedSandbox) -> None:
    jwt = sandbox.credentials.counterparty["jwt"]
    uuid = await create(client)
    mine = await client.get("/v1/finex/orders/by-uuid", params={"uuid": uuid})
    theirs = await client.get(
        "/v1/finex/orders/by-uuid", params={"uuid": uuid}, headers={"Authorization": f"Bearer {jwt}"}
    )
    assert len(mine.json()) == 1
    assert theirs.json() == []


# ------------------------------------------------------------------------------------ concurrency
async def test_200_concurrent_calls_share_one_connection(
    make_client: MakeClient, sandbox: EmbeddedSandbox
) -> None:
    async with make_client() as client:
        before = sandbox.stats()["ws_connections"]
        prices = [f"{1000 + i}.25" for i in range(20)]
        uuids = [await create(client, price=price) for price in prices]

        async def read(i: int) -> tuple[int, dict[str, Any]]:
            response = await client.get("/v1/finex/orders/by-uuid", params={"uuid": uuids[i % 20]})
            assert response.status_code == 200, response.text
            (order,) = response.json()
            return i, order

        results = await asyncio.gather(*(read(i) for i in range(200)))
        for i, order in results:
            assert order["uuid"] == uuids[i % 20]
            assert order["price"] == prices[i % 20]
        pool = client._transport.app.state.gateway.finex.pool  # type: ignore[attr-defined]
        assert len(pool) == 1
        assert sandbox.stats()["ws_connections"] - before == 1
        assert sandbox.stats()["ws"]["list_orders_by_uuids"] == 200


# ------------------------------------------------------------------------------------ faults
async def test_dropped_reply_times_out_and_create_is_never_resent(
    make_client: MakeClient, sandbox: EmbeddedSandbox
) -> None:
    async with make_client(ws_call_timeout=0.3) as client:
        sandbox.set_faults(ws_drop_rate=1.0, ws_drop_methods=["create_order"])
        body = problem(await client.post("/v1/finex/orders", json=LIMIT_BUY), 504)
        assert body["type"] == "/problems/outcome-unknown"
        sandbox.set_faults(ws_drop_rate=0.0, ws_drop_methods=None)
        listed = (await client.get("/v1/finex/orders")).json()
        await asyncio.sleep(0.2)  # a late reply, if any, is dropped by the client
        assert sandbox.stats()["ws"]["create_order"] == 1
        assert len(listed) == 1  # executed upstream once, never duplicated by the gateway
        sandbox.set_faults(ws_drop_rate=1.0, ws_drop_methods=["list_orders"])
        problem(await client.get("/v1/finex/orders"), 504)


async def test_disconnect_mid_call_fails_it_and_next_call_reconnects(
    make_client: MakeClient, sandbox: EmbeddedSandbox
) -> None:
    async with make_client() as client:
        before = sandbox.stats()["ws_connections"]
        assert (await client.get("/v1/finex/orders")).status_code == 200
        sandbox.set_faults(ws_disconnect_after=1)  # this connection answered 1 request: it closes now
        body = problem(await client.post("/v1/finex/orders", json=LIMIT_BUY), 502)
        assert body["type"] == "/problems/outcome-unknown"
        sandbox.set_faults(ws_disconnect_after=None)
        listed = await client.get("/v1/finex/orders")
        assert listed.status_code == 200
        assert listed.json() == []  # the create was lost with the socket and never resent
        assert sandbox.stats()["ws"].get("create_order", 0) == 0
        assert sandbox.stats()["ws_connections"] - before == 2


@pytest.mark.parametrize("policy", ["strict", "lenient"])
async def test_unnormalizable_result_is_502_when_strict_else_null_and_named(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    async def bad(*args: Any, **kwargs: Any) -> msgspec.Raw:
        return msgspec.Raw(b'[["btcusd", "not-an-id"]]')

    async with make_client(drift_policy=policy) as client:
        finex = client._transport.app.state.gateway.finex  # type: ignore[attr-defined]
        monkeypatch.setattr(finex.pool.get(None).__class__, "call", bad)
        response = await client.get("/v1/finex/orders")
    if policy == "strict":
        assert problem(response, 502)["type"] == "/problems/bad-upstream-response"
        return
    assert response.status_code == 200, response.text
    (row,) = response.json()
    assert row["market"] == "BTCUSD"
    assert row["id"] is None
    assert response.headers["gateway-drift"] == "$[0].id"


async def test_readyz_checks_the_websocket(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.json()["upstreams"]["finex"] == "ok"


async def test_frames_are_checked_for_drift(client: httpx.AsyncClient) -> None:
    await create(client)
    await client.get("/v1/finex/orders")
    state = client._transport.app.state.gateway  # type: ignore[attr-defined]
    assert state.drift.total == 0
    state.finex.on_frame(2, "list_orders", b'[2, 1, "list_orders", [["btcusd"]]]')
    state.finex.on_frame(4, "zz", b'[4, "zz", []]')
    assert state.drift.total > 0
    metrics = (await client.get("/metrics")).text
    assert 'gateway_schema_drift_total{location="#/unknown-frame",operation="zz",upstream="finex"}' in metrics
    assert 'gateway_upstream_calls_total{operation="create_order",outcome="ok",upstream="finex"}' in metrics
