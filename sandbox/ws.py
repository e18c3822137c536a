"""The Finex websocket surface at ``/api/v2/open_finance``.

Frames: request ``[1, id, method, args]`` → reply ``[2, id, method, result]`` or
``[2, id, "error", [description]]``; public events ``[3, name, payload]`` (heartbeat
``[3, "sys", [{"hb": 1594392250}]]``); private events ``[4, name, payload]`` after
``subscribe ["private", ["order", "trade", "balances"]]``: ``on``/``ou``/``oc``/``or`` (order rows),
``tr`` (trade rows), ``bu`` (``[[currency, available, locked], ...]``).

Faults: ``ws_disconnect_after`` (the connection answers that many requests, then closes on the next),
``ws_drop_rate``/``ws_drop_methods`` (replies silently dropped), ``latency_ms``, and ``drift`` (event
order rows lose their last slot).
"""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import Any

import msgspec
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from ._numbers import parse_decimal
from ._types import OrderKind
from .engine import EngineError, Event, Order
from .rows import LONG_STATES, balance_row, order_row, trade_row, transfer_row
from .settings import AccountConfig
from .state import SandboxState

__all__ = ["Hub", "websocket_endpoint"]

_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder()
_CREATE_TYPES: dict[str, OrderKind] = {
    "l": "limit",
    "L": "limit",
    "m": "market",
    "M": "market",
    "p": "post_only",
    "P": "post_only",
}
_STREAMS = {"on": "order", "ou": "order", "oc": "order", "or": "order", "tr": "trade", "bu": "balances"}
_PRIVATE_STREAMS = frozenset({"order", "trade", "balances"})


class WsError(Exception):
    pass


def _no_args(args: Any) -> None:
    if args != []:
        raise WsError("this method takes no arguments: args must be []")


class Connection:
    def __init__(self, websocket: WebSocket, account: AccountConfig | None) -> None:
        self.websocket = websocket
        self.account = account
        self.streams: set[str] = set()
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.answered = 0


class Hub:
    """Routes engine events to subscribed connections (thread-safe: hops onto the app's loop)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.connections: set[Connection] = set()
        self.loop: asyncio.AbstractEventLoop | None = None

    def publish(self, events: list[Event]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(events)
        else:
            loop.call_soon_threadsafe(self._deliver, events)

    def _deliver(self, events: list[Event]) -> None:
        exchange = self.state.exchange
        for connection in list(self.connections):
            if connection.account is None or not connection.streams:
                continue
            for event in events:
                if (
                    event.account_id != connection.account.id
                    or _STREAMS[event.kind] not in connection.streams
                ):
                    continue
                payload: Any
                if event.kind == "tr":
                    assert event.user_trade is not None
                    payload = trade_row(exchange, event.user_trade)
                elif event.kind == "bu":
                    payload = [balance_row(*b) for b in event.balances]
                else:
                    assert event.order is not None
                    payload = order_row(exchange, event.order, 17 if event.kind == "or" else 16)
                    if self.state.faults.drift:
                        payload = payload[:-1]
                connection.queue.put_nowait(_encoder.encode([4, event.kind, payload]))


def _dec(value: Any, what: str) -> Decimal:
    result = parse_decimal(value)
    if result is None:
        raise WsError(f"{what} must be a decimal string or number")
    return result


def _int_arg(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WsError(f"{what} must be a non-negative integer")
    return value


def _list(args: Any, what: str, minimum: int = 0) -> list[Any]:
    if not isinstance(args, list) or len(args) < minimum:
        raise WsError(f"{what} must be an array of at least {minimum} element(s)")
    return args


class Session:
    """Method handlers of one connection."""

    def __init__(self, state: SandboxState, connection: Connection) -> None:
        self.state = state
        self.exchange = state.exchange
        self.connection = connection

    def _account(self) -> AccountConfig:
        if self.connection.account is None:
            raise WsError("unauthorized: private method on an anonymous connection")
        return self.connection.account

    def handle(self, method: str, args: Any) -> Any:
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            raise WsError(f"unknown method {method}")
        return handler(args)

    def m_subscribe(self, args: Any) -> Any:
        scope, streams = _list(args, "args", 2)[:2]
        if scope not in ("public", "private") or not isinstance(streams, list):
            raise WsError("args must be [scope, streams]")
        if not all(isinstance(s, str) for s in streams):
            raise WsError("streams must be strings")
        if scope == "private":
            self._account()
            unknown = set(streams) - _PRIVATE_STREAMS
            if unknown:
                raise WsError(f"unknown private stream(s): {', '.join(sorted(unknown))}")
            self.connection.streams.update(streams)
        return [scope, streams]

    def _orders(self, account: AccountConfig) -> list[Order]:
        return list(self.exchange.account_orders[account.id])

    def m_list_orders(self, args: Any) -> Any:
        account = self._account()
        market, page, limit, state = ([*_list(args, "args", 4), None])[:4]
        if not isinstance(market, str) or not isinstance(state, str):
            raise WsError("args must be [market, page, limit, state]")
        page, limit = _int_arg(page, "page"), _int_arg(limit, "limit")
        if state and state not in LONG_STATES:
            raise WsError(f"unknown state {state}")
        with self.exchange.lock:
            orders = [
                o
                for o in reversed(self._orders(account))
                if (not market or self.exchange.markets[o.pair].ws_name == market.lower())
                and (not state or o.state == LONG_STATES[state])
            ]
            if limit:
                start = (max(page, 1) - 1) * limit
                orders = orders[start : start + limit]
            return [order_row(self.exchange, o, 15) for o in orders]

    def m_list_orders_by_uuids(self, args: Any) -> Any:
        account = self._account()
        uuids = _list(args, "args", 1)
        with self.exchange.lock:
            found = [self.exchange.by_uuid.get(u) if isinstance(u, str) else None for u in uuids]
            return [
                order_row(self.exchange, o, 15) for o in found if o is not None and o.account_id == account.id
            ]

    def m_list_order_trades(self, args: Any) -> Any:
        account = self._account()
        order_uuid = _list(args, "args", 1)[0]
        with self.exchange.lock:
            order = self.exchange.by_uuid.get(order_uuid) if isinstance(order_uuid, str) else None
            if order is None or order.account_id != account.id:
                raise WsError("order not found")
            return [trade_row(self.exchange, t) for t in self.exchange.order_trades.get(order.id, [])]

    def _create(self, account: AccountConfig, args: Any) -> str:
        args = _list(args, "create_order args", 5)
        if len(args) > 6:
            raise WsError("create_order takes [market, type, side, amount, price, quote_amount?]")
        market_name, type_code, side = args[0], args[1], args[2]
        if not isinstance(market_name, str) or market_name.lower() not in self.exchange.ws_markets:
            raise WsError(f"unknown market {market_name}")
        kind = _CREATE_TYPES.get(type_code) if isinstance(type_code, str) else None
        if kind is None:
            raise WsError(f"unknown order type {type_code}")
        if side not in ("buy", "sell"):
            raise WsError("side must be buy or sell")
        amount = _dec(args[3], "amount")
        price = _dec(args[4], "price")
        quote = _dec(args[5], "quote_amount") if len(args) > 5 else None
        market = self.exchange.ws_markets[market_name.lower()]
        try:
            order = self.exchange.place(
                account.id,
                market.pair,
                side,
                kind,
                amount,
                None if kind == "market" else price,
                quote_amount=quote if kind == "market" and side == "buy" else None,
            )
        except EngineError as exc:
            raise WsError(str(exc)) from exc
        return order.uuid

    def m_create_order(self, args: Any) -> Any:
        return [self._create(self._account(), args)]

    def m_create_bulk(self, args: Any) -> Any:
        account = self._account()
        results: list[str] = []
        for item in _list(args, "args", 1):
            try:
                results.append(self._create(account, item))
            except WsError:
                results.append("error")
        return results

    def m_cancel_order(self, args: Any) -> Any:
        account = self._account()
        targets = _list(args, "args", 1)
        if len(targets) == 2 and all(isinstance(t, str) for t in targets):
            targets = [targets]  # tolerate a single flat [market, uuid]
        for target in targets:
            if not isinstance(target, list) or len(target) != 2 or not isinstance(target[1], str):
                raise WsError("args must be a list of [market, uuid]")
            try:
                self.exchange.cancel(account.id, order_uuid=target[1])
            except EngineError as exc:
                raise WsError(str(exc)) from exc
        return []

    def m_cancel_all(self, args: Any) -> Any:
        _no_args(args)
        self.exchange.cancel_all(self._account().id)
        return []

    def _transfers(self, args: Any, deposits: bool) -> Any:
        account = self._account()
        state, page, limit = ([*_list(args, "args", 3), None])[:3]
        if not isinstance(state, str):
            raise WsError("args must be [state, page, limit]")
        page, limit = _int_arg(page, "page"), _int_arg(limit, "limit")
        rows = self.exchange.deposits.get(account.id, []) if deposits else []
        selected = [r for r in rows if not state or state == "confirmed"]
        if limit:
            start = (max(page, 1) - 1) * limit
            selected = selected[start : start + limit]
        return [transfer_row(i, account.uid, c, "confirmed", amount, at) for i, c, amount, at in selected]

    def m_get_deposits(self, args: Any) -> Any:
        return self._transfers(args, True)

    def m_get_withdraws(self, args: Any) -> Any:
        return self._transfers(args, False)

    def m_set_config_value(self, args: Any) -> Any:
        account = self._account()
        component, key, value, scope = _list(args, "args", 4)[:4]
        if (
            not isinstance(component, str)
            or not isinstance(key, str)
            or scope not in ("public", "private", "secret")
        ):
            raise WsError("args must be [component, key, value, scope]")
        valid = isinstance(value, str | bool | int | Decimal) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
        if not valid:
            raise WsError("value must be a string, boolean, number or list of strings")
        with self.exchange.lock:
            store = self.exchange.ws_config.setdefault(account.id, {})
            store.setdefault(component, {}).setdefault(scope, {})[key] = value
        return []

    def m_get_config(self, args: Any) -> Any:
        _no_args(args)
        account = self._account()
        with self.exchange.lock:
            store = self.exchange.ws_config.get(account.id, {})
            snapshot = {
                component: {
                    scope: {k: ("******" if scope == "secret" else v) for k, v in entries.items()}
                    for scope, entries in scopes.items()
                }
                for component, scopes in store.items()
            }
        return [snapshot]


async def _writer(connection: Connection, state: SandboxState) -> None:
    while True:
        frame = await connection.queue.get()
        if frame is None:
            return
        await connection.websocket.send_text(frame.decode())
        state.ws_frames_sent += 1


async def _heartbeat(connection: Connection, state: SandboxState) -> None:
    interval = state.config.heartbeat_interval
    while True:
        await asyncio.sleep(interval)
        connection.queue.put_nowait(_encoder.encode([3, "sys", [{"hb": int(state.clock.now())}]]))


def _frame(raw: str) -> tuple[int, str, Any]:
    try:
        frame = _decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise WsError("frame is not JSON") from exc
    if not isinstance(frame, list) or len(frame) != 4 or frame[0] != 1:
        request_id = frame[1] if isinstance(frame, list) and len(frame) > 1 else 0
        raise _FrameError(request_id, "frame must be [1, request_id, method, args]")
    _, request_id, method, args = frame
    if isinstance(request_id, bool) or not isinstance(request_id, int) or request_id < 0:
        raise _FrameError(0, "request_id must be a non-negative integer")
    if not isinstance(method, str):
        raise _FrameError(request_id, "method must be a string")
    return request_id, method, args


class _FrameError(WsError):
    def __init__(self, request_id: Any, message: str) -> None:
        super().__init__(message)
        valid = isinstance(request_id, int) and not isinstance(request_id, bool) and request_id >= 0
        self.request_id = request_id if valid else 0


async def websocket_endpoint(websocket: WebSocket) -> None:
    state: SandboxState = websocket.app.state.sandbox
    hub: Hub = websocket.app.state.hub
    try:
        account = state.keys.account_for_jwt(websocket.headers.get("authorization"), state.clock.now())
    except ValueError as exc:
        await websocket.send_denial_response(Response(f"invalid token: {exc}", status_code=401))
        return
    if hub.loop is None:
        hub.loop = asyncio.get_running_loop()
    await websocket.accept()
    connection = Connection(websocket, account)
    session = Session(state, connection)
    hub.connections.add(connection)
    state.ws_connections += 1
    writer = asyncio.create_task(_writer(connection, state))
    heartbeat = asyncio.create_task(_heartbeat(connection, state))
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            raw = message.get("text") or (message.get("bytes") or b"").decode(errors="replace")
            faults = state.faults
            limit = faults.ws_disconnect_after
            if limit is not None and connection.answered >= limit:
                await websocket.close(code=1011)
                break
            connection.answered += 1
            try:
                request_id, method, args = _frame(raw)
                state.ws_counts[method] += 1
            except _FrameError as exc:
                connection.queue.put_nowait(_encoder.encode([2, exc.request_id, "error", [str(exc)]]))
                continue
            except WsError as exc:
                connection.queue.put_nowait(_encoder.encode([2, 0, "error", [str(exc)]]))
                continue
            try:
                reply = [2, request_id, method, session.handle(method, args)]
            except WsError as exc:
                reply = [2, request_id, "error", [str(exc)]]
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            dropped = faults.ws_drop_methods is None or method in faults.ws_drop_methods
            if dropped and state.roll(faults.ws_drop_rate):
                continue
            connection.queue.put_nowait(_encoder.encode(reply))
    except WebSocketDisconnect:
        pass
    finally:
        hub.connections.discard(connection)
        heartbeat.cancel()
        connection.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer, timeout=1)
        writer.cancel()
