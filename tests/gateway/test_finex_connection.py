"""FinexConnection / FinexPool against a tiny in-test websocket server (exact fault control) and the
embedded sandbox (end to end)."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus
from typing import Any

import msgspec
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from gateway.finex.connection import FinexConnection, FinexEvent, FinexPool, credential_tag
from gateway.problems import BadUpstreamResponse, UpstreamRejected, UpstreamTimeout, UpstreamUnavailable
from generated.finex_layouts import CreateOrderResult, HeartbeatEvent, OrderList, SubscribeResult
from sandbox import EmbeddedSandbox

pytestmark = pytest.mark.timeout(30)

Responder = Callable[["FakeFinex", ServerConnection, list[Any]], Awaitable[None]]


async def echo(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
    """Reply ``[2, id, method, {"echo": args}]`` (subscribe: ``[scope, streams]`` like the upstream)."""
    _, request_id, method, args = frame
    result = args if method == "subscribe" else {"echo": args}
    await ws.send(msgspec.json.encode([2, request_id, method, result]).decode())


class FakeFinex:
    """A scripted Finex upstream: records handshakes and request frames, answers through ``responder``."""

    def __init__(self) -> None:
        self.url = ""
        self.connections = 0
        self.auth_headers: list[str | None] = []
        self.received: list[list[Any]] = []
        self.open: set[ServerConnection] = set()
        self.responder: Responder = echo

    def count(self, method: str) -> int:
        return sum(1 for frame in self.received if frame[2] == method)

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        auth = request.headers.get("Authorization")
        self.auth_headers.append(auth)
        if auth == "Bearer bad-jwt":
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid token\n")
        return None

    async def handler(self, ws: ServerConnection) -> None:
        self.connections += 1
        self.open.add(ws)
        try:
            async for message in ws:
                frame = msgspec.json.decode(message)
                self.received.append(frame)
                await self.responder(self, ws, frame)
        except ConnectionClosed:
            pass
        finally:
            self.open.discard(ws)

    async def push(self, frame: list[Any]) -> None:
        for ws in list(self.open):
            await ws.send(msgspec.json.encode(frame).decode())

    async def drop_all(self) -> None:
        for ws in list(self.open):
            await ws.close(1011, "going away")


@pytest.fixture(autouse=True)
async def no_leaked_tasks() -> AsyncIterator[None]:
    """Every test must leave no reader, reconnect, re-subscribe or idle-close task behind."""
    yield
    await asyncio.sleep(0)
    leaked = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("finex-")]
    assert leaked == []


@pytest.fixture
async def fake() -> AsyncIterator[FakeFinex]:
    server = FakeFinex()
    async with serve(server.handler, "127.0.0.1", 0, process_request=server.process_request) as ws_server:
        port = next(iter(ws_server.sockets)).getsockname()[1]
        server.url = f"ws://127.0.0.1:{port}/api/v2/open_finance"
        yield server


async def eventually(predicate: Callable[[], bool], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def decode(raw: msgspec.Raw) -> Any:
    return msgspec.json.decode(raw)


@pytest.fixture
def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- calls ------------------------------------------------------------------------------------------


async def test_concurrent_calls_share_one_connection_and_get_their_own_replies(fake: FakeFinex) -> None:
    batch: list[tuple[ServerConnection, list[Any]]] = []

    async def shuffled(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        batch.append((ws, frame))
        if len(batch) == 200:
            random.Random(7).shuffle(batch)
            for sock, (_, request_id, method, args) in batch:
                await sock.send(msgspec.json.encode([2, request_id, method, {"echo": args}]).decode())

    fake.responder = shuffled
    async with FinexConnection(fake.url) as conn:
        results = await asyncio.gather(
            *(conn.call("list_orders", ["btcusdt", i, 10, ""]) for i in range(200))
        )
        assert [decode(r)["echo"][1] for r in results] == list(range(200))
        assert fake.connections == 1
        assert conn.connects == 1
        assert conn.calls == 200
        assert conn.in_flight == 0
        assert len({frame[1] for frame in fake.received}) == 200  # distinct request ids


async def test_reply_that_never_comes_times_out_frees_the_slot_and_late_reply_is_dropped(
    fake: FakeFinex,
) -> None:
    held: list[tuple[ServerConnection, list[Any]]] = []

    async def hold_slow(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        if frame[2] == "get_config":
            held.append((ws, frame))
        else:
            await echo(fake, ws, frame)

    fake.responder = hold_slow
    async with FinexConnection(fake.url, call_timeout=5.0) as conn:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout, match="get_config"):
            await conn.call("get_config", [], timeout=0.2)
        assert 0.2 <= time.monotonic() - started < 1.0
        assert conn.in_flight == 0
        assert conn.awaiting_replies == 0
        assert conn.timeouts == 1

        ws, (_, request_id, method, _) = held[0]
        await ws.send(msgspec.json.encode([2, request_id, method, [{}]]).decode())
        await eventually(lambda: conn.late_replies == 1)

        assert decode(await conn.call("get_deposits", ["", 0, 0]))["echo"] == ["", 0, 0]
        assert fake.connections == 1


async def test_drop_fails_calls_in_flight_fast_and_never_resends(fake: FakeFinex) -> None:
    async def drop_on_create(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        if frame[2] == "create_order":
            await ws.close(1011, "boom")
        elif frame[2] != "list_orders":  # list_orders stays unanswered, in flight
            await echo(fake, ws, frame)

    fake.responder = drop_on_create
    async with FinexConnection(fake.url, call_timeout=10.0) as conn:
        listing = asyncio.create_task(conn.call("list_orders", ["", 0, 0, ""]))
        await eventually(lambda: fake.count("list_orders") == 1)
        started = time.monotonic()
        with pytest.raises(UpstreamUnavailable, match="not retried"):
            await conn.call("create_order", ["ethusdt", "l", "buy", "0.1", "80"])
        with pytest.raises(UpstreamUnavailable):
            await listing
        assert time.monotonic() - started < 2.0
        assert conn.in_flight == 0
        assert conn.drops == 1

        fake.responder = echo
        assert decode(await conn.call("get_config", []))["echo"] == []
        assert fake.connections == 2
        assert conn.reconnects == 1
        await asyncio.sleep(0.2)
        assert fake.count("create_order") == 1
        assert fake.count("list_orders") == 1


async def test_too_many_calls_in_flight_fail_fast(fake: FakeFinex) -> None:
    held: list[tuple[ServerConnection, list[Any]]] = []

    async def hold(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        held.append((ws, frame))

    fake.responder = hold
    async with FinexConnection(fake.url, max_in_flight=2) as conn:
        pending = [asyncio.create_task(conn.call("get_config", [])) for _ in range(2)]
        await eventually(lambda: len(held) == 2)
        with pytest.raises(UpstreamUnavailable, match="too many calls in flight"):
            await conn.call("get_config", [])
        for ws, frame in held:
            await echo(fake, ws, frame)
        assert [decode(r) for r in await asyncio.gather(*pending)] == [{"echo": []}] * 2


async def test_error_reply_raises_upstream_rejected_with_the_description(fake: FakeFinex) -> None:
    async def reject(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        await ws.send(msgspec.json.encode([2, frame[1], "error", ["insufficient balance"]]).decode())

    fake.responder = reject
    async with FinexConnection(fake.url) as conn:
        with pytest.raises(UpstreamRejected) as info:
            await conn.call("create_order", ["xyz", "l", "buy", "1", "1"])
        assert info.value.status == 400
        assert info.value.detail == "insufficient balance"
        assert conn.in_flight == 0


async def test_malformed_frames_fail_the_named_call_and_are_counted(fake: FakeFinex) -> None:
    async def broken(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        if frame[2] == "get_config":
            await ws.send("not json at all")
            await ws.send(msgspec.json.encode([2, frame[1], "get_config"]).decode())  # no result
        else:
            await echo(fake, ws, frame)

    fake.responder = broken
    seen: list[tuple[int, str]] = []
    async with FinexConnection(fake.url, on_frame=lambda kind, name, raw: seen.append((kind, name))) as conn:
        with pytest.raises(BadUpstreamResponse):
            await conn.call("get_config", [])
        assert conn.malformed_frames == 2
        assert seen == [(0, ""), (2, "get_config")]
        assert decode(await conn.call("cancel_all", []))["echo"] == []
        assert fake.connections == 1


async def test_a_reply_reaches_its_caller_before_the_frame_hook_runs(fake: FakeFinex) -> None:
    """The drift check (the frame hook) is off a reply's critical path: the caller has its result
    first, the hook still sees every reply frame, in order, right after."""
    order: list[str] = []

    def hook(kind: int, name: str, raw: bytes) -> None:
        order.append(f"hook {name}")

    async with FinexConnection(fake.url, on_frame=hook) as conn:
        for method in ("get_config", "cancel_all"):
            await conn.call(method, [])
            order.append(f"caller {method}")
        await asyncio.sleep(0)
    assert order == ["caller get_config", "hook get_config", "caller cancel_all", "hook cancel_all"]


# -- credentials and connecting ---------------------------------------------------------------------


async def test_credentials_go_in_the_handshake_header(fake: FakeFinex) -> None:
    async with FinexConnection(fake.url, "good-jwt") as private, FinexConnection(fake.url) as anonymous:
        await private.call("get_config", [])
        await anonymous.call("get_config", [])
    assert fake.auth_headers == ["Bearer good-jwt", None]


async def test_refused_handshake_raises_upstream_unauthorized_without_retrying(fake: FakeFinex) -> None:
    async with FinexConnection(fake.url, "bad-jwt", connect_attempts=3) as conn:
        with pytest.raises(UpstreamRejected) as info:
            await conn.call("list_orders", ["", 0, 0, ""])
        assert info.value.status == 401
        assert info.value.upstream_status == 401
        assert "bad-jwt" not in info.value.detail
    assert fake.auth_headers == ["Bearer bad-jwt"]
    assert fake.connections == 0


async def test_unreachable_upstream_gives_unavailable_after_bounded_backoff(free_port: int) -> None:
    url = f"ws://127.0.0.1:{free_port}/api/v2/open_finance"
    async with FinexConnection(
        url, connect_attempts=3, reconnect_base_delay=0.01, reconnect_max_delay=0.05
    ) as conn:
        started = time.monotonic()
        results = await asyncio.gather(
            *(conn.call("get_config", []) for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, UpstreamUnavailable) for r in results)
        assert conn.connect_failures == 3  # concurrent callers shared one bounded attempt
        assert time.monotonic() - started < 2.0
        assert conn.in_flight == 0
        with pytest.raises(UpstreamUnavailable):
            await conn.call("get_config", [], timeout=0.05)  # backoff carried over; deadline honoured


# -- subscriptions and events -----------------------------------------------------------------------


async def test_resubscribes_in_the_background_after_a_drop(fake: FakeFinex) -> None:
    events: list[FinexEvent] = []
    async with FinexConnection(fake.url, "good-jwt", reconnect_base_delay=0.01) as conn:
        conn.add_listener(events.append)
        result = await conn.subscribe("private", ["order", "trade"])
        assert msgspec.json.decode(result, type=SubscribeResult).streams == ["order", "trade"]
        assert conn.subscriptions == {"private": ("order", "trade")}

        await fake.drop_all()
        await eventually(lambda: fake.count("subscribe") == 2)  # no call needed to come back
        assert fake.connections == 2
        assert fake.received[-1][2:] == ["subscribe", ["private", ["order", "trade"]]]
        assert conn.reconnects == 1

        await fake.push([4, "tr", ["ethusdt", 1, "87.66", "0.1", "8.766", 7, "buy", "buy", "0.01", 1]])
        await eventually(lambda: len(events) == 1)
        assert (events[0].kind, events[0].name) == (4, "tr")


async def test_events_reach_listeners_and_a_slow_stream_drops_oldest_without_blocking_others(
    fake: FakeFinex,
) -> None:
    callback_events: list[FinexEvent] = []
    frames: list[tuple[int, str]] = []
    async with FinexConnection(
        fake.url, on_frame=lambda kind, name, raw: frames.append((kind, name))
    ) as conn:
        conn.add_listener(callback_events.append)
        slow = conn.events(maxsize=2)  # never read
        fast = conn.events()
        received: list[FinexEvent] = []

        async def consume() -> None:
            async for event in fast:
                received.append(event)

        consumer = asyncio.create_task(consume())
        await conn.subscribe("public", ["ethusdt.trades"])
        for i in range(10):
            await fake.push([4, "bu", [["ETH", str(i), "0"]]])
        await fake.push([3, "sys", [{"hb": 1594392320}]])

        await eventually(lambda: len(received) == 11 and len(callback_events) == 11)
        assert len(slow) == 2
        assert slow.dropped == 9
        assert conn.dropped_events == 9
        oldest_kept, heartbeat = [event async for event in _take(slow, 2)]
        assert decode(oldest_kept.payload) == [["ETH", "9", "0"]]
        assert msgspec.json.decode(heartbeat.frame, type=HeartbeatEvent).payload.heartbeat.hb == 1594392320
        assert frames == [(2, "subscribe"), *[(4, "bu")] * 10, (3, "sys")]

        fast.close()
        await consumer  # a closed stream ends its iteration
    assert slow.closed


async def _take(stream: AsyncIterator[FinexEvent], n: int) -> AsyncIterator[FinexEvent]:
    for _ in range(n):
        yield await anext(stream)


async def test_a_failing_listener_does_not_break_delivery(fake: FakeFinex) -> None:
    good: list[FinexEvent] = []

    def bad(event: FinexEvent) -> None:
        raise RuntimeError("listener bug")

    async with FinexConnection(fake.url) as conn:
        conn.add_listener(bad)
        conn.add_listener(good.append)
        await conn.call("get_config", [])
        await fake.push([3, "sys", [{"hb": 1}]])
        await eventually(lambda: len(good) == 1)
        conn.remove_listener(bad)
        conn.remove_listener(good.append)


# -- idle and shutdown ------------------------------------------------------------------------------


async def test_idle_connection_is_closed_and_reopened_lazily(fake: FakeFinex) -> None:
    async with FinexConnection(fake.url, idle_timeout=0.2) as conn:
        await conn.call("get_config", [])
        assert conn.connected
        await eventually(lambda: not conn.connected and not fake.open, within=2.0)
        assert conn.idle_closes == 1

        await conn.call("get_config", [])
        assert fake.connections == 2

        await conn.subscribe("public", ["ethusdt.trades"])  # subscriptions keep it open
        await asyncio.sleep(0.4)
        assert conn.connected
        assert conn.idle_closes == 1


async def test_close_fails_calls_in_flight_and_ends_event_streams(fake: FakeFinex) -> None:
    async def hold(fake: FakeFinex, ws: ServerConnection, frame: list[Any]) -> None:
        pass

    fake.responder = hold
    conn = FinexConnection(fake.url)
    stream = conn.events()
    call = asyncio.create_task(conn.call("get_config", []))
    await eventually(lambda: fake.count("get_config") == 1)
    await conn.close()
    with pytest.raises(UpstreamUnavailable):
        await call
    assert [event async for event in stream] == []
    with pytest.raises(UpstreamUnavailable, match="closed"):
        await conn.call("get_config", [])
    await eventually(lambda: not fake.open)


async def test_pool_keeps_one_connection_per_credential_and_never_logs_the_jwt(
    fake: FakeFinex, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # websockets dumps handshake headers at DEBUG
    jwt = "eyJhbGciOiJIUzI1NiJ9.secret-claims.signature"
    async with FinexPool(fake.url, call_timeout=2.0) as pool:
        assert pool.get(None) is pool.get(None)
        assert pool.get(jwt) is not pool.get(None)
        await asyncio.gather(*(pool.call(jwt, "get_config", []) for _ in range(20)))
        await pool.call(None, "get_config", [])
        assert fake.connections == 2
        assert len(pool) == 2
        assert pool.get(jwt).tag == credential_tag(jwt)
    assert not fake.open
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("websockets.server"))
    assert jwt not in ours  # (the fake server's own debug log is not ours)
    assert credential_tag(jwt) in ours
    assert "Authorization: <redacted>" in ours


# -- the embedded sandbox ---------------------------------------------------------------------------


async def test_end_to_end_against_the_embedded_sandbox() -> None:
    async with EmbeddedSandbox(seed=0) as sb:
        jwt = sb.credentials.jwt
        async with FinexConnection(sb.ws_url, jwt, call_timeout=5.0, reconnect_base_delay=0.01) as conn:
            events = conn.events()
            await conn.subscribe("private", ["order"])
            created = await conn.call("create_order", ["ethusdt", "l", "buy", "0.1", "50.00"])
            uuid = msgspec.json.decode(created, type=CreateOrderResult).uuid
            orders = msgspec.json.decode(await conn.call("list_orders", ["", 0, 0, ""]), type=OrderList)
            assert uuid in {order.uuid for order in orders}
            event = await asyncio.wait_for(anext(events), 5.0)
            while event.name == "sys":  # a heartbeat may come first
                event = await asyncio.wait_for(anext(events), 5.0)
            assert (event.kind, event.name) == (4, "on")
            assert sb.stats()["ws"]["create_order"] == 1

            with pytest.raises(UpstreamRejected) as info:
                await conn.call("create_order", ["nosuchmarket", "l", "buy", "1", "1"])
            assert info.value.status == 404  # the upstream's "unknown market" answer

            sb.set_faults(ws_drop_rate=1.0, ws_drop_methods=["get_config"])
            with pytest.raises(UpstreamTimeout):
                await conn.call("get_config", [], timeout=0.3)
            sb.set_faults(ws_drop_rate=0.0, ws_drop_methods=None, ws_disconnect_after=0)
            with pytest.raises(UpstreamUnavailable):
                await conn.call("list_orders", ["", 0, 0, ""])
            sb.set_faults(ws_disconnect_after=None)
            assert msgspec.json.decode(await conn.call("list_orders", ["", 0, 0, ""]), type=OrderList)
            assert conn.reconnects >= 1
            await eventually(lambda: sb.stats()["ws"]["subscribe"] >= 2)  # re-subscribed

        async with FinexConnection(sb.ws_url, "not-a-jwt") as refused:
            with pytest.raises(UpstreamRejected) as info:
                await refused.call("list_orders", ["", 0, 0, ""])
            assert info.value.status == 401


async def test_pool_from_settings_uses_the_websocket_settings(fake: FakeFinex) -> None:
    from gateway.settings import Settings

    settings = Settings(
        finex_ws_url=fake.url,
        ws_call_timeout=0.25,
        ws_idle_timeout=7.0,
        ws_max_in_flight=3,
        ws_reconnect_max_delay=0.5,
        event_buffer=4,
    )
    async with FinexPool.from_settings(settings) as pool:
        conn = pool.get(None)
        assert (conn.call_timeout, conn.idle_timeout, conn.max_in_flight) == (0.25, 7.0, 3)
        assert (conn.reconnect_max_delay, conn.event_buffer) == (0.5, 4)
        assert decode(await pool.call(None, "get_config", []))["echo"] == []
