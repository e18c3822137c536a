"""Websocket surface: cross-surface visibility, private events, heartbeats, errors. Every frame is
contract-checked by the ``ws`` fixture."""

from __future__ import annotations

import json

import httpx
import pytest
import websockets

from sandbox import EmbeddedSandbox

from .conformance import check_ws
from .conftest import Ws


async def test_rest_order_visible_over_ws_and_back(
    sandbox: EmbeddedSandbox, aapi: httpx.AsyncClient, ws: Ws
) -> None:
    auth = {"Authorization": sandbox.credentials.api_key}
    created = await aapi.post(
        "/v1/order", json={"asset": "BTCUSDT", "cmd": "buy", "volume": 0.25, "price": 3000}, headers=auth
    )
    order_id = created.json()["data"]["id"]
    reply = await ws.call("list_orders", ["btcusdt", 0, 0, "wait"])
    rows = reply[3]
    assert [r[1] for r in rows] == [order_id]
    assert rows[0][0] == "btcusdt"
    assert rows[0][6] == "3000"
    created_ws = await ws.call("create_order", ["btcusdt", "l", "sell", "0.250000", "9120.00"])
    uuid = created_ws[3][0]
    opened = (await aapi.get("/v1/orders/opened", headers=auth)).json()["data"]["rows"]
    by_price = {row["price"]: row for row in opened}
    assert by_price[9120]["cmd"] == "sell"
    assert by_price[9120]["asset"] == "BTCUSDT"
    listed = await ws.call("list_orders_by_uuids", [uuid])
    assert listed[3][0][2] == uuid
    assert listed[3][0][4] == "w"
    assert (await ws.call("cancel_order", [["btcusdt", uuid]]))[3] == []
    assert (await ws.call("list_orders", ["", 0, 0, "cancel"]))[3][0][2] == uuid
    assert (await ws.call("cancel_all", []))[3] == []
    assert (await aapi.get("/v1/orders/opened", headers=auth)).json()["data"]["count"] == 0


async def test_private_events_pushed(ws: Ws) -> None:
    assert (await ws.call("subscribe", ["private", ["order", "trade", "balances"]]))[3] == [
        "private",
        ["order", "trade", "balances"],
    ]
    await ws.send("create_order", ["btcusdt", "l", "buy", "0.01", "3000"])
    on = await ws.until(lambda f: f[0] == 4 and f[1] == "on")
    assert len(on[2]) == 16
    assert on[2][4] == "w"
    await ws.until(lambda f: f[0] == 4 and f[1] == "bu")
    await ws.send("cancel_order", [["btcusdt", on[2][2]]])
    oc = await ws.until(lambda f: f[0] == 4 and f[1] == "oc")
    assert oc[2][2] == on[2][2]
    assert oc[2][4] == "c"
    await ws.send("create_order", ["btcusdt", "m", "buy", "0.01", "0"])
    tr = await ws.until(lambda f: f[0] == 4 and f[1] == "tr")
    assert tr[2][0] == "btcusdt"
    assert isinstance(tr[2][11], int)
    assert tr[2][10] == "btc"
    ou = await ws.until(lambda f: f[0] == 4 and f[1] == "ou")
    assert ou[2][4] == "d"
    await ws.send("create_order", ["btcusdt", "p", "buy", "0.01", "999999"])
    rejected = await ws.until(lambda f: f[0] == 4 and f[1] == "or")
    assert len(rejected[2]) == 17
    assert rejected[2][4] == "r"
    assert rejected[2][16]
    kinds = {f[1] for f in ws.frames if f[0] == 4}
    assert kinds == {"on", "ou", "oc", "or", "tr", "bu"}


async def test_order_trades_deposits_config_bulk(ws: Ws) -> None:
    uuid = (await ws.call("create_order", ["btcusdt", "M", "buy", 0.01, 0, "1000"]))[3][0]
    trades = (await ws.call("list_order_trades", [uuid]))[3]
    assert trades
    assert trades[0][6] == uuid
    deposits = (await ws.call("get_deposits", ["confirmed", 1, 25]))[3]
    assert {row[2] for row in deposits} >= {"btc", "usdt"}
    assert (await ws.call("get_withdraws", ["confirmed", 1, 25]))[3] == []
    assert (await ws.call("set_config_value", ["finex", "auth", True, "public"]))[3] == []
    assert (await ws.call("set_config_value", ["finex", "key", "v", "secret"]))[3] == []
    config = (await ws.call("get_config", []))[3][0]
    assert config == {"finex": {"public": {"auth": True}, "secret": {"key": "******"}}}
    bulk = await ws.call(
        "create_bulk", [["btcusdt", "l", "buy", "0.25", "3000"], ["nope", "l", "buy", "1", "1"]]
    )
    assert bulk[3][1] == "error"
    assert len(bulk[3][0]) == 36


async def test_errors_and_anonymous(sandbox: EmbeddedSandbox, ws: Ws) -> None:
    assert (await ws.call("create_order", ["btcusdt", "x", "buy", "1", "1"]))[2] == "error"
    assert (await ws.call("no_such_method", []))[2] == "error"
    assert (await ws.call("list_order_trades", ["00000000-0000-4000-8000-000000000000"]))[2] == "error"
    async with websockets.connect(sandbox.ws_url, open_timeout=5) as anonymous:
        client = Ws(anonymous)
        for method, args in (
            ("list_orders", ["", 0, 0, ""]),
            ("create_order", ["btcusdt", "l", "buy", "1", "1"]),
        ):
            reply = await client.call(method, args)
            assert reply[2] == "error"
            assert "anonymous" in reply[3][0]
        await anonymous.send("not json")
        assert (await client.recv())[2] == "error"
        heartbeat = await client.until(lambda f: f[0] == 3)
        assert heartbeat[1] == "sys"
        assert isinstance(heartbeat[2][0]["hb"], int)


async def test_bad_jwt_is_refused(sandbox: EmbeddedSandbox) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatus) as info:
        async with websockets.connect(sandbox.ws_url, additional_headers={"Authorization": "Bearer x.y.z"}):
            pass
    assert info.value.response.status_code == 401


async def test_heartbeats(ws: Ws) -> None:
    beats = [await ws.until(lambda f: f[0] == 3) for _ in range(2)]
    assert all(check_ws(b) == "HeartbeatEvent" for b in beats)


def test_stats_count_ws_methods(sandbox: EmbeddedSandbox) -> None:
    async def run() -> None:
        headers = {"Authorization": f"Bearer {sandbox.credentials.jwt}"}
        async with websockets.connect(sandbox.ws_url, additional_headers=headers) as connection:
            await connection.send(json.dumps([1, 1, "create_order", ["btcusdt", "l", "buy", "0.01", "3000"]]))
            client = Ws(connection)
            await client.reply(1)

    import asyncio

    asyncio.run(run())
    assert sandbox.stats()["ws"] == {"create_order": 1}
