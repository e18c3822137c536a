"""Coalescing of public market data (gateway.iqfinex.coalesce): counted at the sandbox, never timed.

Concurrency is made certain, not hoped for: the sandbox holds every answer (``latency_ms``) while the
test waits, in a bounded loop, until the gateway's coalescer reports every other caller waiting on the
one call in flight; only upstream call counts and bodies are asserted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter

from gateway.iqfinex.coalesce import Coalescer
from sandbox import EmbeddedSandbox

CALLERS = 16
HOLD_MS = 1000  # the sandbox holds each answer this long; the test never waits for it to pass


def _coalescer(client: httpx.AsyncClient) -> Coalescer:
    return client._transport.app.state.gateway.coalescer  # type: ignore[attr-defined,no-any-return]


def _rest_calls(sandbox: EmbeddedSandbox, operation: str) -> int:
    return int(sandbox.stats()["rest"].get(operation, 0))


async def _until(condition: Any, what: str) -> None:
    for _ in range(400):  # bounded: 400 × 5 ms of polling
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never reached: {what}")


async def _together(client: httpx.AsyncClient, path: str, key: Any, count: int) -> list[httpx.Response]:
    """``count`` concurrent GETs of ``path``; returns once all are answered (all but one joined first)."""
    coalescer = _coalescer(client)
    tasks = [asyncio.ensure_future(client.get(path)) for _ in range(count)]
    await _until(lambda: coalescer.waiting(key) == count - 1, f"{count - 1} callers joined {key}")
    return list(await asyncio.gather(*tasks))


async def test_concurrent_identical_ticker_requests_make_one_upstream_call(
    client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox
) -> None:
    clean_sandbox.set_faults(latency_ms=HOLD_MS)
    before = _rest_calls(clean_sandbox, "getTicker")
    responses = await _together(client, "/v1/markets/BTCUSDT/ticker", ("getTicker", "BTCUSDT"), CALLERS)
    assert _rest_calls(clean_sandbox, "getTicker") == before + 1
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1  # one normalized body, shared
    assert responses[0].json()["market"] == "BTCUSDT"
    assert {r.headers["cache-control"] for r in responses} == {"public, max-age=0"}
    assert all(int(r.headers["age"]) >= 0 for r in responses)
    clean_sandbox.set_faults(latency_ms=0)
    metrics = (await client.get("/metrics")).text
    assert 'gateway_coalesced_requests_total{outcome="joined",route="getTicker"} 15.0' in metrics
    assert 'gateway_coalesced_requests_total{outcome="leader",route="getTicker"} 1.0' in metrics


async def test_different_parameters_are_not_shared(
    client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox
) -> None:
    before = _rest_calls(clean_sandbox, "getOrderBook")
    books = await asyncio.gather(
        *(client.get(f"/v1/markets/ETHBTC/orderbook?rounding={r}") for r in (0, 1, 2, 3))
    )
    assert [b.json()["rounding"] for b in books] == [0, 1, 2, 3]
    assert _rest_calls(clean_sandbox, "getOrderBook") == before + 4


async def test_private_routes_are_never_coalesced(
    client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox
) -> None:
    clean_sandbox.set_faults(latency_ms=300)
    before = _rest_calls(clean_sandbox, "getBalance")
    responses = await asyncio.gather(*(client.get("/v1/account/balances") for _ in range(8)))
    clean_sandbox.set_faults(latency_ms=0)
    assert {r.status_code for r in responses} == {200}
    assert _rest_calls(clean_sandbox, "getBalance") == before + 8
    assert all("age" not in r.headers for r in responses)
    assert _coalescer(client).in_flight == 0


async def test_without_ttl_nothing_is_kept(client: httpx.AsyncClient, clean_sandbox: EmbeddedSandbox) -> None:
    before = _rest_calls(clean_sandbox, "getTicker")
    for _ in range(3):
        assert (await client.get("/v1/markets/ETHBTC/ticker")).status_code == 200
    assert _rest_calls(clean_sandbox, "getTicker") == before + 3


async def test_a_route_ttl_keeps_the_body(make_client: Any, clean_sandbox: EmbeddedSandbox) -> None:
    async with make_client(market_cache_ttl={"getTicker": 60}) as client:
        before = _rest_calls(clean_sandbox, "getTicker")
        first = await client.get("/v1/markets/ETHBTC/ticker")
        second = await client.get("/v1/markets/ETHBTC/ticker")
        assert _rest_calls(clean_sandbox, "getTicker") == before + 1
        assert second.content == first.content
        assert second.headers["cache-control"] == "public, max-age=60"
        assert int(second.headers["age"]) >= 0
        other = await client.get("/v1/markets/BTCUSDT/ticker")  # another key: its own call
        assert other.json()["market"] == "BTCUSDT"
        assert _rest_calls(clean_sandbox, "getTicker") == before + 2
        books = _rest_calls(clean_sandbox, "getOrderBook")
        for _ in range(2):  # a route without a TTL is only coalesced
            await client.get("/v1/markets/ETHBTC/orderbook")
        assert _rest_calls(clean_sandbox, "getOrderBook") == books + 2
        metrics = (await client.get("/metrics")).text
        assert 'gateway_coalesced_requests_total{outcome="cached",route="getTicker"} 1.0' in metrics


def _counter() -> Counter:
    return Counter("c", "c", ["route", "outcome"], registry=CollectorRegistry())


async def test_the_coalescer_refuses_private_operations() -> None:
    async def produce() -> bytes:  # pragma: no cover - never called
        return b"{}"

    with pytest.raises(ValueError, match="never coalesced"):
        await Coalescer(_counter()).fetch("getBalance", True, (), produce)


async def test_a_cancelled_leader_hands_over_to_a_joiner() -> None:
    coalescer = Coalescer(_counter())
    calls: list[asyncio.Future[bytes]] = []

    def produce() -> Awaitable[bytes]:
        calls.append(asyncio.get_running_loop().create_future())
        return calls[-1]

    leader = asyncio.ensure_future(coalescer.fetch("getTicker", False, "X", produce))
    await _until(lambda: len(calls) == 1, "the leader called")
    joiner = asyncio.ensure_future(coalescer.fetch("getTicker", False, "X", produce))
    await _until(lambda: coalescer.waiting(("getTicker", "X")) == 1, "the joiner waits")
    leader.cancel()
    await _until(lambda: len(calls) == 2, "the joiner leads a new call")
    calls[1].set_result(b"body")
    assert (await joiner).body == b"body"
    assert leader.cancelled()
    assert coalescer.in_flight == 0


async def test_a_failure_is_shared_but_not_kept() -> None:
    coalescer = Coalescer(_counter(), {"getTicker": 60})
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    calls = 0

    async def failing() -> bytes:
        nonlocal calls
        calls += 1
        await gate
        raise RuntimeError("upstream down")

    first = asyncio.ensure_future(coalescer.fetch("getTicker", False, "X", failing))
    await _until(lambda: calls == 1, "the leader called")
    second = asyncio.ensure_future(coalescer.fetch("getTicker", False, "X", failing))
    await _until(lambda: coalescer.waiting(("getTicker", "X")) == 1, "the joiner waits")
    gate.set_result(None)
    for task in (first, second):
        with pytest.raises(RuntimeError, match="upstream down"):
            await task
    assert calls == 1

    async def working() -> bytes:
        return b"ok"

    assert (await coalescer.fetch("getTicker", False, "X", working)).body == b"ok"
