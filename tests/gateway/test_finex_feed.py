"""The event feed under upstream faults: reconnect forever, ids, resume, gap + snapshot, the storm bound.

Real servers only: the gateway under uvicorn on 127.0.0.1, its upstream an embedded sandbox of its
own (stopped and started again on the same port for the outage tests), faults through the sandbox's
admin API (``/__sandbox/faults``, ``/__sandbox/ws/disconnect``). Orders are placed through the
gateway's REST routes (``/v1/orders``, Iqfinex REST), never through a Finex RPC, so nothing but the
feed itself can revive the upstream subscription. Every wait is bounded; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from gateway.app import create_app
from gateway.finex.connection import FinexEvent
from gateway.finex.feed import Backoff
from gateway.routers.events import balance_source
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings, serve
from tests.gateway.test_events import running_gateway

pytestmark = pytest.mark.timeout(90)

REST_ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.001", "price": "1000"}
FAST = {
    "event_reconnect_base": 0.05,
    "event_reconnect_max": 0.2,
    "event_reconnect_min_interval": 0.05,
    "event_stable_after": 0.0,
    "heartbeat_interval": 5.0,
}


@pytest.fixture
def upstream(make_sandbox: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    """A sandbox of this test's own (it gets faults, and stopped and restarted)."""
    return make_sandbox(seed=0)


class Client:
    """Messages one event-stream client received; ``wait_for`` blocks (bounded) until a condition holds."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def add(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self._changed.set()

    @property
    def sequenced(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if "id" in m]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["event"] == name]

    def created(self) -> set[int]:
        return {m["data"]["id"] for m in self.events("order.created")}

    async def wait_for(self, done: Callable[[Client], bool], seconds: float = 20.0) -> None:
        async with asyncio.timeout(seconds):
            while not done(self):
                self._changed.clear()
                await self._changed.wait()


async def _sse(base: str, client: Client, headers: dict[str, str], params: dict[str, Any]) -> None:
    async with (
        httpx.AsyncClient(base_url=f"http://{base}", timeout=None) as http,
        http.stream("GET", "/v1/events", headers=headers, params=params) as response,
    ):
        assert response.status_code == 200, response.status_code
        fields: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line == "":
                if "data" in fields:
                    message = orjson.loads(fields["data"])
                    assert message["event"] == fields["event"]
                    assert ("id" in fields) == ("id" in message)
                    if "id" in fields:
                        assert int(fields["id"]) == message["id"]
                    client.add(message)
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value


async def _ws(base: str, client: Client, query: str) -> None:
    async with connect(f"ws://{base}/v1/events/ws{query}") as ws:
        async for frame in ws:
            client.add(orjson.loads(frame))


def start_sse(base: str, last_event_id: int | None = None, *, query: bool = False) -> Client:
    client = Client()
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None and not query else {}
    params = {"last_event_id": last_event_id} if last_event_id is not None and query else {}
    client.task = asyncio.create_task(_sse(base, client, headers, params))
    return client


def start_ws(base: str, last_event_id: int | None = None) -> Client:
    client = Client()
    query = f"?last_event_id={last_event_id}" if last_event_id is not None else ""
    client.task = asyncio.create_task(_ws(base, client, query))
    return client


async def stop(*clients: Client) -> None:
    tasks = [c.task for c in clients if c.task is not None]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@asynccontextmanager
async def gateway(upstream: EmbeddedSandbox, **settings: Any) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    async with (
        running_gateway(upstream, **settings) as base,
        httpx.AsyncClient(base_url=f"http://{base}", timeout=10) as http,
    ):
        yield base, http


async def place(http: httpx.AsyncClient) -> int:
    """An order through the gateway's REST route (Iqfinex REST, not the Finex websocket)."""
    response = await http.post("/v1/orders", json=REST_ORDER)
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


async def feed_status(http: httpx.AsyncClient) -> dict[str, Any]:
    """The feed's state as ``/metrics`` shows it (``/readyz`` pings the upstream first, slow while it is
    down): ``{"connected": bool, "attempts": n, "total_attempts": n, "reconnecting": bool}``."""
    values: dict[str, float] = {}
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("gateway_event_stream_") and "{" in line:
            name = line.split("{", 1)[0].removeprefix("gateway_event_stream_")
            values[name] = float(line.rsplit(" ", 1)[1])
    return {
        "connected": values.get("connected") == 1,
        "attempts": int(values.get("phase_attempts", 0)),
        "total_attempts": int(values.get("attempts_total", 0)),
        "reconnecting": "reconnecting_since" in values,
        "clients": int(values.get("clients", 0)),
    }


async def readiness(http: httpx.AsyncClient) -> dict[str, Any]:
    (status,) = (await http.get("/readyz")).json()["event_streams"]
    return status  # type: ignore[no-any-return]


async def until(check: Callable[[], Any], seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 (polls the gateway's HTTP surface, not a local flag)
            await asyncio.sleep(0.02)


def assert_in_order(client: Client) -> None:
    ids = [m["id"] for m in client.sequenced]
    assert ids == sorted(set(ids)), "an event came twice or out of order"


def recoveries(client: Client, reason: str) -> int:
    """How many times the client got a ``gap`` of ``reason`` immediately followed by a ``snapshot``."""
    names = [m["event"] for m in client.messages]
    return sum(
        1
        for i, m in enumerate(client.messages)
        if m["event"] == "gap" and m["data"]["reason"] == reason and names[i + 1 : i + 2] == ["snapshot"]
    )


def after_gap(client: Client, reason: str, times: int = 1) -> Callable[[Client], bool]:
    return lambda c: recoveries(c, reason) >= times


# ------------------------------------------------------------------------------------ outages
async def test_gap_and_snapshot_after_each_outage_then_live_events(upstream: EmbeddedSandbox) -> None:
    admin = httpx.AsyncClient(base_url=upstream.base_url, timeout=10)
    async with admin, gateway(upstream, **FAST) as (base, http):
        clients = [start_sse(base), start_ws(base)]
        try:
            for client in clients:
                await client.wait_for(lambda c: bool(c.events("snapshot")))
            first = await place(http)
            for client in clients:
                await client.wait_for(lambda c: first in c.created())

            # Outage 1: the upstream drops every socket and refuses handshakes for a while; an order placed
            # meanwhile (over REST) is not seen as an event, only in the snapshot.
            await admin.put("/__sandbox/faults", json={"ws_refuse": True})
            assert (await admin.post("/__sandbox/ws/disconnect")).json()["closed"] >= 1
            missed = await place(http)

            async def failing() -> bool:
                status = await feed_status(http)
                return status["reconnecting"] and status["attempts"] >= 2

            await until(failing)
            status = await readiness(http)
            assert status["state"] == "reconnecting"
            assert status["credential"].startswith("jwt:")
            assert status["last_error"]
            assert upstream.credentials.jwt not in str(status)
            await admin.put("/__sandbox/faults", json={"ws_refuse": False})
            for client in clients:
                await client.wait_for(after_gap(client, "upstream_disconnected"))
                snapshot = client.events("snapshot")[-1]["data"]
                assert missed in {o["id"] for o in snapshot["orders"]}
                assert missed not in client.created()
                assert isinstance(snapshot["balances"], list)  # server-side API key: REST balances
            live = await place(http)
            for client in clients:
                await client.wait_for(lambda c: live in c.created())

            # Outage 2: the upstream process goes away and comes back on the same port.
            await asyncio.to_thread(upstream.stop)

            async def down() -> bool:
                return (await feed_status(http))["attempts"] >= 2

            await until(down)
            await asyncio.to_thread(upstream.start)
            for client in clients:
                await client.wait_for(after_gap(client, "upstream_disconnected", times=2))
            again = await place(http)
            for client in clients:
                await client.wait_for(lambda c: again in c.created())
            metrics = (await http.get("/metrics")).text
            readyz = (await http.get("/readyz")).json()
        finally:
            await stop(*clients)
        # The connection counters and the feed's state are exported; no credential anywhere.
        (status,) = readyz["event_streams"]
        assert status["state"] == "connected"
        label = f'credential="{status["credential"]}"'
        reconnects = [
            line
            for line in metrics.splitlines()
            if line.startswith("gateway_finex_reconnects_total{" + label)
        ]
        assert float(reconnects[0].rsplit(" ", 1)[1]) >= 2
        for name in ("late_replies_total", "dropped_events_total", "connect_failures_total"):
            assert f"gateway_finex_{name}{{{label}}}" in metrics
        assert f'gateway_event_gaps_total{{{label},reason="upstream_disconnected"}} 2.0' in metrics
        assert f"gateway_event_stream_connected{{{label}}} 1.0" in metrics
        assert upstream.credentials.jwt not in metrics + str(readyz)
        sse, ws = clients
        for client in clients:
            assert_in_order(client)
            gaps = client.events("gap")
            assert [g["data"]["reason"] for g in gaps] == ["upstream_disconnected", "upstream_disconnected"]
            for gap in gaps:
                assert gap["data"]["after_id"] is not None
                assert gap["data"]["since"] <= gap["data"]["until"]
        # The feed's own gaps and snapshots are sequenced: both clients saw the same ones with the same ids.
        common = max(sse.sequenced[0]["id"], ws.sequenced[0]["id"])
        assert [m for m in sse.sequenced if m["id"] >= common] == [
            m for m in ws.sequenced if m["id"] >= common
        ]


# ------------------------------------------------------------------------------------ resume
async def test_resume_returns_exactly_the_missed_events(upstream: EmbeddedSandbox) -> None:
    async with gateway(upstream, **FAST, event_replay=50) as (base, http):
        keeper = start_ws(base)  # keeps the subscription up while the others come and go
        try:
            await keeper.wait_for(lambda c: bool(c.events("snapshot")))
            first = start_sse(base)
            await first.wait_for(lambda c: bool(c.events("snapshot")))
            placed = [await place(http) for _ in range(2)]
            await first.wait_for(lambda c: set(placed) <= c.created())
            await stop(first)
            last_id = first.sequenced[-1]["id"]

            missed = [await place(http) for _ in range(3)]
            await keeper.wait_for(lambda c: set(missed) <= c.created())
            expected = [m for m in keeper.sequenced if m["id"] > last_id]
            assert expected

            resumed = [
                start_sse(base, last_id),
                start_sse(base, last_id, query=True),
                start_ws(base, last_id),
            ]
            for client in resumed:
                await client.wait_for(lambda c: len(c.sequenced) >= len(expected))
            newer = await place(http)
            for client in (*resumed, keeper):
                await client.wait_for(lambda c: newer in c.created())
            tail = [m for m in keeper.sequenced if m["id"] > last_id]
            for client in resumed:
                assert client.sequenced == tail  # exactly the missed events, then live ones, nothing twice
                assert not client.events("gap")
                assert not client.events("snapshot")
                assert_in_order(client)
        finally:
            await stop(keeper, *locals().get("resumed", []))


async def test_a_resume_id_that_is_not_an_id_is_refused(upstream: EmbeddedSandbox) -> None:
    async with gateway(upstream) as (base, http):
        response = await http.get("/v1/events", headers={"Last-Event-ID": "abc"})
        assert response.status_code == 422
        assert "Last-Event-ID" in response.json()["detail"]
        assert (await http.get("/v1/events", params={"last_event_id": "-1"})).status_code == 422
        with pytest.raises(InvalidStatus) as refused:  # closed before the handshake completes
            async with connect(f"ws://{base}/v1/events/ws?last_event_id=x"):
                pass
        assert refused.value.response.status_code == 403


async def test_resume_older_than_the_buffer_or_unknown_gets_gap_and_snapshot(
    upstream: EmbeddedSandbox,
) -> None:
    async with gateway(upstream, **FAST, event_replay=3) as (base, http):
        keeper = start_ws(base)
        try:
            await keeper.wait_for(lambda c: bool(c.events("snapshot")))
            old = keeper.sequenced[-1]["id"]
            placed = [await place(http) for _ in range(3)]  # 3 orders → ≥ 6 events (created + balance)
            await keeper.wait_for(lambda c: set(placed) <= c.created())
            stale, unknown = start_sse(base, old), start_ws(base, 7)
            for client, reason in ((stale, "resume_too_old"), (unknown, "resume_unknown")):
                await client.wait_for(after_gap(client, reason))
                gap, snapshot = client.messages[0], client.messages[1]
                assert (gap["event"], snapshot["event"]) == ("gap", "snapshot")
                assert gap["data"]["missed_to_id"] == snapshot["id"]
                assert set(placed) <= {o["id"] for o in snapshot["data"]["orders"]}
            assert stale.messages[0]["data"]["after_id"] == old
            assert stale.messages[0]["data"]["missed_from_id"] == old + 1
            await stop(stale, unknown)
        finally:
            await stop(keeper)


async def test_slow_client_overflow_gets_gap_and_snapshot_others_unaffected(
    upstream: EmbeddedSandbox,
) -> None:
    """A client that stops reading (here: a feed consumer not pulled while 5 orders make ≥ 10 events,
    more than the buffer of 4 holds) gets a gap and a fresh snapshot when it reads again; a client that
    kept reading lost nothing."""
    app = create_app(gateway_settings(**FAST, event_replay=4), sandbox=upstream)
    async with serve(app) as http:
        finex, jwt = app.state.gateway.finex, upstream.credentials.jwt
        async with finex.events(jwt) as feed, finex.events(jwt) as same:
            assert feed is same
            slow = feed.messages(None, 5.0)
            fast = feed.messages(None, 5.0)
            assert (await anext(slow)).event == "snapshot"
            assert (await anext(fast)).event == "snapshot"
            start = feed.head
            for _ in range(5):
                assert (await http.post("/v1/orders", json=REST_ORDER)).status_code == 200
                async with asyncio.timeout(10):
                    while feed.head < start + 2:  # order.created and balance
                        assert (await anext(fast)).event != "gap"
                start = feed.head
            gap, snapshot = await anext(slow), await anext(slow)
            assert (gap.event, gap.data["reason"]) == ("gap", "overflow")
            assert gap.data["missed_from_id"] <= gap.data["missed_to_id"] == snapshot.id
            assert snapshot.event == "snapshot"
            assert len(snapshot.data["orders"]) >= 5
            assert feed.skipped >= 5
            await slow.aclose()
            await fast.aclose()


async def test_an_unreadable_upstream_event_is_announced_as_a_gap(upstream: EmbeddedSandbox) -> None:
    """An event the gateway cannot normalize is dropped, but never silently: gap, then a fresh snapshot."""
    app = create_app(gateway_settings(**FAST), sandbox=upstream)
    async with serve(app), app.state.gateway.finex.events(upstream.credentials.jwt) as feed:
        messages = feed.messages(None, 5.0)
        assert (await anext(messages)).event == "snapshot"
        feed._on_event(FinexEvent(4, "bu", msgspec.Raw(b'"not a balance list"'), b""))
        gap, snapshot = await anext(messages), await anext(messages)
        assert (gap.event, gap.data["reason"], snapshot.event) == ("gap", "unreadable_event", "snapshot")
        assert gap.id is not None
        assert snapshot.id == gap.id + 1
        await messages.aclose()


async def test_snapshot_balances_are_best_effort(upstream: EmbeddedSandbox) -> None:
    """REST balances when the gateway holds the account's API key; null (orders still served) when the
    REST upstream fails."""
    app = create_app(gateway_settings(**FAST, rest_retries=0), sandbox=upstream)
    async with serve(app):
        state, jwt = app.state.gateway, upstream.credentials.jwt
        async with state.finex.events(jwt, balance_source(state, jwt)) as feed:
            healthy = await anext(feed.messages(None, 5.0))
            upstream.set_faults(error_rate=1.0, error_statuses=[503])
            failing = await feed.fresh_snapshot()  # what a client joining now, or overflowing, gets
        assert balance_source(state, "another.jwt") is None  # not the server-side account: no API key known
    assert healthy.event == "snapshot"
    assert list(healthy.data["balances"][0]) == ["currency", "available", "locked", "total"]
    assert failing is not None
    assert failing[1]["balances"] is None
    assert isinstance(failing[1]["orders"], list)


# ------------------------------------------------------------------------------------ the storm
async def test_reconnect_storm_stays_within_one_attempt_per_second(upstream: EmbeddedSandbox) -> None:
    """An upstream that accepts the handshake and closes on the first frame (the subscribe)."""
    upstream.set_faults(ws_disconnect_after=0)
    async with gateway(upstream, event_linger=0.0) as (base, http):
        before = upstream.stats()["ws_connections"]
        started = time.monotonic()
        client = start_sse(base)
        try:

            async def storming() -> bool:
                return (await feed_status(http))["attempts"] >= 3

            await until(storming)
            elapsed = time.monotonic() - started
            attempts = upstream.stats()["ws_connections"] - before
            # One socket per attempt, attempts at least EVENT_RECONNECT_MIN_INTERVAL (1 s) apart.
            assert 3 <= attempts <= elapsed / 1.0 + 2, (attempts, elapsed)
            status = await readiness(http)
            assert status["state"] == "connecting"
            assert status["last_error"]
            # The upstream heals: the client gets its first snapshot, without reconnecting itself.
            upstream.set_faults(ws_disconnect_after=None)
            await client.wait_for(lambda c: bool(c.events("snapshot")))
        finally:
            await stop(client)

        async def stopped() -> bool:
            return (await readiness(http))["state"] == "idle"  # set when the supervisor task has ended

        await until(stopped)  # the last client left: no loop keeps running
        idle = upstream.stats()["ws_connections"]
        metrics = (await http.get("/metrics")).text
        assert "gateway_event_stream_attempts_total" in metrics
    print(f"storm: {attempts} connection attempts in {elapsed:.2f} s (bound {elapsed / 1.0 + 2:.1f})")
    assert upstream.stats()["ws_connections"] == idle


async def test_reconnect_loop_ends_on_shutdown(upstream: EmbeddedSandbox) -> None:
    upstream.set_faults(ws_refuse=True)
    app = create_app(gateway_settings(**FAST), sandbox=upstream)
    async with serve(app):
        joined = app.state.gateway.finex.events(upstream.credentials.jwt)
        feed = await joined.__aenter__()  # the upstream refuses: the client stays, the feed keeps trying
        async with asyncio.timeout(20):
            while feed.total_attempts < 3:  # noqa: ASYNC110 (a counter, no event to wait on)
                await asyncio.sleep(0.01)
        assert feed.state == "connecting"
    assert feed.state == "closed"
    assert not feed.running
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("event-")]
    assert [entry async for entry in feed.messages(None, 1.0)] == []
    await joined.__aexit__(None, None, None)


def test_backoff_is_capped_full_jitter_with_a_floor() -> None:
    backoff = Backoff(base=0.5, cap=30.0, min_interval=1.0)
    assert backoff.delay(0.0) == 0.0
    backoff.started(100.0)
    assert backoff.delay(100.25) == pytest.approx(0.75)  # the floor between two attempt starts
    for _ in range(40):
        backoff.failed()
    delays = [backoff.delay(1000.0) for _ in range(500)]
    assert all(0 <= d <= 30.0 for d in delays)
    assert max(delays) > 15 > min(delays)  # full jitter over [0, cap]
    backoff.succeeded()
    assert backoff.delay(1000.0) == 0.0


# ------------------------------------------------------------------------------------ fan-out
async def test_fifty_sse_and_fifty_websocket_clients_get_identical_sequences(
    upstream: EmbeddedSandbox,
) -> None:
    admin = httpx.AsyncClient(base_url=upstream.base_url, timeout=10)
    async with admin, gateway(upstream, **FAST, event_replay=2000) as (base, http):
        clients = [start_sse(base) for _ in range(50)] + [start_ws(base) for _ in range(50)]
        try:
            for client in clients:
                await client.wait_for(lambda c: bool(c.events("snapshot")), 60)
            placed = [await place(http) for _ in range(5)]
            await admin.post("/__sandbox/ws/disconnect")
            placed += [await place(http) for _ in range(5)]
            for client in clients:
                await client.wait_for(after_gap(client, "upstream_disconnected"), 60)
            last = await place(http)
            for client in clients:
                await client.wait_for(lambda c: last in c.created(), 60)
        finally:
            await stop(*clients)
    common = max(c.sequenced[0]["id"] for c in clients)
    reference = [m for m in clients[0].sequenced if m["id"] >= common]
    assert any(m["event"] == "gap" for m in reference)
    for index, client in enumerate(clients):
        assert_in_order(client)
        got = [m for m in client.sequenced if m["id"] >= common]
        assert got == reference, (
            index,
            [(m["id"], m["event"]) for m in got],
            [(m["id"], m["event"]) for m in reference],
        )
    assert set(placed) <= {o for c in clients[:1] for o in c.created()} | {
        o["id"] for m in clients[0].events("snapshot") for o in m["data"]["orders"]
    }
