"""Fault injection: every kind observable; drift produces contract violations; admin API."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import httpx
import pytest
import websockets

from sandbox import EmbeddedSandbox

from .conformance import ContractViolation, check_rest, check_ws
from .conftest import Ws


def test_error_share_and_statuses(sandbox: EmbeddedSandbox) -> None:
    sandbox.set_faults(error_rate=1.0, error_statuses=[503])
    response = httpx.get(f"{sandbox.base_url}/v1/tickers")
    assert response.status_code == 503
    check_rest("GET", "/v1/tickers", 503, response.content)
    sandbox.set_faults(error_rate=0.5, error_statuses=[500, 503, 504])
    codes = {httpx.get(f"{sandbox.base_url}/v1/assets").status_code for _ in range(40)}
    assert codes == {200, 500, 503, 504}


def test_latency(sandbox: EmbeddedSandbox) -> None:
    sandbox.set_faults(latency_ms=200)
    started = time.monotonic()
    httpx.get(f"{sandbox.base_url}/v1/currencies")
    assert time.monotonic() - started >= 0.2


def test_malformed_and_truncated(sandbox: EmbeddedSandbox) -> None:
    sandbox.set_faults(malformed_rate=1.0)
    with pytest.raises(json.JSONDecodeError):
        json.loads(httpx.get(f"{sandbox.base_url}/v1/assets").content)
    sandbox.set_faults(malformed_rate=0.0, truncated_rate=1.0)
    body = httpx.get(f"{sandbox.base_url}/v1/assets").content
    assert body.startswith(b'{"status":200')
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_drift_violates_the_contract(make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    sandbox = make_sandbox(drift=True)
    response = httpx.get(f"{sandbox.base_url}/v1/ticker/BTCUSDT")
    assert response.json()["data"]["bid"] == "n/a"
    with pytest.raises(ContractViolation):
        check_rest("GET", "/v1/ticker/BTCUSDT", 200, response.content)

    async def run() -> list[object]:
        headers = {"Authorization": f"Bearer {sandbox.credentials.jwt}"}
        async with websockets.connect(sandbox.ws_url, additional_headers=headers) as connection:
            await connection.send(json.dumps([1, 1, "subscribe", ["private", ["order"]]]))
            await connection.send(json.dumps([1, 2, "create_order", ["btcusdt", "l", "buy", "0.01", "3000"]]))
            for _ in range(10):
                frame = json.loads(await asyncio.wait_for(connection.recv(), 3))
                if frame[0] == 4:
                    return list(frame)
        raise AssertionError("no event")

    event = asyncio.run(run())
    assert len(event[2]) == 15  # type: ignore[arg-type]
    with pytest.raises(ContractViolation):
        check_ws(event)


async def test_ws_disconnect_after_n_frames(sandbox: EmbeddedSandbox) -> None:
    sandbox.set_faults(ws_disconnect_after=2)
    async with websockets.connect(sandbox.ws_url) as connection:
        client = Ws(connection)
        for request_id in (1, 2):
            await connection.send(json.dumps([1, request_id, "subscribe", ["public", []]]))
            await client.reply(request_id)
        await connection.send(json.dumps([1, 3, "subscribe", ["public", []]]))
        with pytest.raises(websockets.exceptions.ConnectionClosed):
            await client.reply(3)


async def test_ws_refuse_and_disconnect_everyone(sandbox: EmbeddedSandbox) -> None:
    async with websockets.connect(sandbox.ws_url) as connection:
        closed = (await asyncio.to_thread(httpx.post, f"{sandbox.base_url}/__sandbox/ws/disconnect")).json()
        assert closed["closed"] == 1
        with pytest.raises(websockets.exceptions.ConnectionClosed):
            await asyncio.wait_for(connection.recv(), 5)
    sandbox.set_faults(ws_refuse=True)
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(sandbox.ws_url):
            pass
    assert refused.value.response.status_code == 503
    assert sandbox.stats()["ws_refused"] == 1


def test_restart_on_the_same_port_keeps_the_state(sandbox: EmbeddedSandbox) -> None:
    port, state = sandbox.port, sandbox.state
    sandbox.set_faults(latency_ms=1)
    sandbox.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sandbox.base_url}/v1/currencies")
    sandbox.start()
    assert sandbox.port == port
    assert sandbox.state is state
    assert httpx.get(f"{sandbox.base_url}/__sandbox/faults").json()["latency_ms"] == 1


async def test_ws_dropped_replies_only_for_given_methods(sandbox: EmbeddedSandbox) -> None:
    sandbox.set_faults(ws_drop_rate=1.0, ws_drop_methods=["create_order"])
    headers = {"Authorization": f"Bearer {sandbox.credentials.jwt}"}
    async with websockets.connect(sandbox.ws_url, additional_headers=headers) as connection:
        client = Ws(connection)
        await connection.send(json.dumps([1, 1, "create_order", ["btcusdt", "l", "buy", "0.01", "3000"]]))
        await connection.send(json.dumps([1, 2, "list_orders", ["", 0, 0, ""]]))
        reply = await client.until(lambda f: f[0] == 2)
        assert reply[1] == 2
        assert len(reply[3]) == 1
    assert sandbox.stats()["ws"]["create_order"] == 1


def test_admin_api(sandbox: EmbeddedSandbox) -> None:
    base = f"{sandbox.base_url}/__sandbox"
    assert httpx.put(f"{base}/faults", json={"latency_ms": 1}).json()["latency_ms"] == 1
    assert httpx.get(f"{base}/faults").json()["latency_ms"] == 1
    assert httpx.put(f"{base}/faults", json={"nope": 1}).status_code == 400
    assert httpx.put(f"{base}/faults", json={"error_rate": 2}).status_code == 400
    creds = httpx.get(f"{base}/credentials").json()
    assert creds["api_key"]
    assert creds["jwt"].count(".") == 2
    auth = {"Authorization": creds["api_key"]}
    httpx.post(
        f"{sandbox.base_url}/v1/order", json={"asset": "BTCUSDT", "cmd": "buy", "volume": 0.01}, headers=auth
    )
    assert httpx.get(f"{base}/stats").json()["rest"] == {"createOrder": 1}
    assert httpx.post(f"{base}/clock", json={"advance": 60}).json()["offset"] == 60
    assert httpx.post(f"{base}/reset").json() == {"ok": True}
    assert httpx.get(f"{sandbox.base_url}/v1/trades", headers=auth).json()["data"]["count"] == 0


def test_reset_and_seeded_determinism(make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    a, b = make_sandbox(seed=5), make_sandbox(seed=5)
    book_a = httpx.get(f"{a.base_url}/v1/orderbook/ETHBTC/0").json()
    book_b = httpx.get(f"{b.base_url}/v1/orderbook/ETHBTC/0").json()
    assert book_a == book_b
    a.reset()
    assert httpx.get(f"{a.base_url}/v1/orderbook/ETHBTC/0").json() == book_a


def test_background_trader_moves_the_market(make_sandbox: Callable[..., EmbeddedSandbox]) -> None:
    sandbox = make_sandbox(trader=True, seed=1, trader_interval=0.05)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        total = sum(len(t) for t in sandbox.state.exchange.trades.values())
        if total >= 1:
            break
        time.sleep(0.1)
    assert total >= 1
