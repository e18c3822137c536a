"""The normalized event stream over the gateway's websocket and SSE endpoints, end to end.

The gateway runs under uvicorn on 127.0.0.1 (streaming responses need a real server); its upstream is
an embedded sandbox sending heartbeats every 0.3 s.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from gateway.app import create_app
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

pytestmark = pytest.mark.timeout(60)

ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.001", "price": "1000"}


@pytest.fixture(scope="module")
def beating_sandbox(sandbox_pool: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    return sandbox_pool(seed=0, heartbeat_interval=0.3)


@asynccontextmanager
async def running_gateway(sandbox: EmbeddedSandbox, **settings: Any) -> AsyncIterator[str]:
    """The gateway served by uvicorn on 127.0.0.1; yields its base URL."""
    app = create_app(gateway_settings(**settings), sandbox=sandbox)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:  # noqa: ASYNC110 (uvicorn exposes a flag, not an event)
                await asyncio.sleep(0.01)
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


class Collector:
    """Messages received by one client, with a way to wait for a condition on them."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def add(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self._changed.set()

    def named(self, name: str) -> list[dict[str, Any]]:
        return [m["data"] for m in self.messages if m["event"] == name]

    async def wait_for(self, done: Callable[[Collector], bool], seconds: float = 10.0) -> None:
        async with asyncio.timeout(seconds):
            while not done(self):
                self._changed.clear()
                await self._changed.wait()


async def ws_client(base: str, collector: Collector, ready: asyncio.Event, **kwargs: Any) -> None:
    async with connect(f"ws://{base}/v1/events/ws", **kwargs) as ws:
        ready.set()
        async for frame in ws:
            collector.add(orjson.loads(frame))


async def sse_client(base: str, collector: Collector, ready: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=f"http://{base}", timeout=None) as http,
        http.stream("GET", "/v1/events") as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        ready.set()
        event = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                message = orjson.loads(line.removeprefix("data: "))
                assert message["event"] == event
                collector.add(message)


def saw_everything(uuids: dict[str, str]) -> Callable[[Collector], bool]:
    def check(c: Collector) -> bool:
        orders = ("order.created", "order.updated", "order.cancelled", "order.rejected")
        states = {(o["uuid"], o["state"]) for name in orders for o in c.named(name)}
        return (
            (uuids["limit"], "cancelled") in states
            and (uuids["market"], "filled") in states
            and (uuids["post_only"], "rejected") in states
            and any(t["order_uuid"] == uuids["market"] for t in c.named("trade"))
            and bool(c.named("balance"))
            and any(h["source"] == "upstream" for h in c.named("heartbeat"))
        )

    return check


BTC_BALANCE = {"currency": "BTC", "available": "1.5", "locked": "0", "total": "1.5"}


async def test_every_event_kind_over_websocket_and_sse(beating_sandbox: EmbeddedSandbox) -> None:
    beating_sandbox.reset()
    async with running_gateway(beating_sandbox) as base:
        over_ws, over_sse = Collector(), Collector()
        ws_ready, sse_ready = asyncio.Event(), asyncio.Event()
        tasks = [
            asyncio.create_task(ws_client(base, over_ws, ws_ready)),
            asyncio.create_task(sse_client(base, over_sse, sse_ready)),
        ]
        try:
            async with asyncio.timeout(10):
                await ws_ready.wait()
                await sse_ready.wait()
                # Both subscriptions are in place once the upstream's first heartbeat reached both.
                await over_ws.wait_for(lambda c: bool(c.named("heartbeat")))
                await over_sse.wait_for(lambda c: bool(c.named("heartbeat")))
            async with httpx.AsyncClient(base_url=f"http://{base}") as http:
                uuids = {}
                uuids["limit"] = (await http.post("/v1/finex/orders", json=ORDER)).json()["uuid"]
                cancel = await http.delete(f"/v1/finex/orders/{uuids['limit']}", params={"market": "btcusdt"})
                assert cancel.status_code == 204
                market = {k: v for k, v in {**ORDER, "type": "market"}.items() if k != "price"}
                uuids["market"] = (await http.post("/v1/finex/orders", json=market)).json()["uuid"]
                post_only = {**ORDER, "type": "post_only", "price": "900000"}  # would take: rejected
                uuids["post_only"] = (await http.post("/v1/finex/orders", json=post_only)).json()["uuid"]
            for collector in (over_ws, over_sse):
                await collector.wait_for(saw_everything(uuids))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    for collector in (over_ws, over_sse):
        created = next(o for o in collector.named("order.created") if o["uuid"] == uuids["limit"])
        assert (created["state"], created["type"], created["side"]) == ("open", "limit", "buy")
        assert created["price"] == "1000"
        rejected = next(o for o in collector.named("order.rejected") if o["uuid"] == uuids["post_only"])
        assert rejected["type"] == "post_only"
        assert rejected["reject_reason"]
        updated = [o for o in collector.named("order.updated") if o["uuid"] == uuids["market"]]
        assert updated[-1]["state"] == "filled"
        balance = collector.named("balance")[0]
        assert list(balance[0]) == ["currency", "available", "locked", "total"]
        assert isinstance(collector.named("heartbeat")[0]["hb"], int)
        assert not collector.named("gap")
    # One upstream subscription for both clients of the credential.
    assert beating_sandbox.stats()["ws"]["subscribe"] == 1


async def test_gateway_heartbeat_when_the_upstream_is_silent(sandbox: EmbeddedSandbox) -> None:
    async with running_gateway(sandbox, heartbeat_interval=0.2) as base:  # upstream beats every 10 s
        over_ws, over_sse = Collector(), Collector()
        ready = asyncio.Event(), asyncio.Event()
        tasks = [
            asyncio.create_task(ws_client(base, over_ws, ready[0])),
            asyncio.create_task(sse_client(base, over_sse, ready[1])),
        ]
        try:
            for collector in (over_ws, over_sse):
                await collector.wait_for(lambda c: len(c.named("heartbeat")) >= 2)
                assert {h["source"] for h in collector.named("heartbeat")} == {"gateway"}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def test_slow_client_does_not_block_others(beating_sandbox: EmbeddedSandbox) -> None:
    beating_sandbox.reset()
    async with running_gateway(beating_sandbox) as base:
        fast, ready = Collector(), asyncio.Event()
        task = asyncio.create_task(ws_client(base, fast, ready))
        # A client that never reads.
        async with connect(f"ws://{base}/v1/events/ws", max_queue=1, close_timeout=0.5):
            try:
                await asyncio.wait_for(ready.wait(), 10)
                await fast.wait_for(lambda c: bool(c.named("heartbeat")))
                async with httpx.AsyncClient(base_url=f"http://{base}") as http:
                    for _ in range(5):
                        assert (await http.post("/v1/finex/orders", json=ORDER)).status_code == 200
                await fast.wait_for(lambda c: len(c.named("order.created")) == 5)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


async def test_websocket_refuses_missing_credentials(sandbox: EmbeddedSandbox) -> None:
    async with running_gateway(sandbox, gateway_tokens=["gateway-secret"]) as base:
        with pytest.raises(InvalidStatus):
            async with connect(f"ws://{base}/v1/events/ws"):
                pass
        with pytest.raises(InvalidStatus):  # not a gateway token: refused, never forwarded upstream
            async with connect(
                f"ws://{base}/v1/events/ws", additional_headers={"Authorization": "Bearer not-a-jwt"}
            ):
                pass
        async with httpx.AsyncClient(base_url=f"http://{base}") as http:
            assert (await http.get("/v1/events")).status_code == 401
    async with running_gateway(sandbox) as base:  # pass-through: the upstream refuses the JWT
        jwt = {"Authorization": "Bearer not-a-jwt"}
        async with connect(f"ws://{base}/v1/events/ws", additional_headers=jwt) as ws:
            error = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
            assert error["event"] == "error"
            assert error["data"]["status"] == 401
