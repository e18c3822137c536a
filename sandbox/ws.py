"""The Finex websocket surface at ``/api/v2/open_finance``.

Frames: request ``[1, id, method, args]`` → reply ``[2, id, method, result]`` or
``[2, id, "error", [description]]``; public events ``[3, name, payload]`` (heartbeat
``[3, "sys", [{"hb": 1594392250}]]``); private events ``[4, name, payload]`` after
``subscribe ["private", ["order", "trade", "balances"]]``: ``on``/``ou``/``oc``/``or`` (order rows),
``tr`` (trade rows), ``bu`` (``[[currency, available, locked], ...]``).

Faults: ``ws_disconnect_after`` (the connection answers that many requests, then closes on the next),
``ws_refuse`` (handshakes answered 503), ``POST /__sandbox/ws/disconnect`` (close every connection now),
``ws_drop_rate``/``ws_drop_methods`` (replies silently dropped), ``latency_ms``, and ``drift`` (event
order rows lose their last slot).

Frames, arguments and rows are built and read through the generated layouts and protocol tables
(``generated/finex_layouts.py``, ``generated/finex_protocol.py``): slots by name, codes and frame kinds
from the spec, never by hand-written position.
"""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import Any, cast

import msgspec
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from generated.finex_layouts import ENUMS, LAYOUTS
from generated.finex_protocol import (
    CONSTS,
    ENUM_VALUES,
    ERROR_REPLY,
    EVENTS,
    FRAME_KINDS,
    METHODS,
    PRIVATE_SCOPE,
    PRIVATE_STREAMS,
)
from generated.layout_types import Layout

from ._numbers import parse_decimal
from ._types import OrderKind
from .engine import EngineError, Event, Order
from .rows import LONG_STATES, balance_row, order_row, trade_row, transfer_row
from .settings import AccountConfig
from .state import SandboxState

__all__ = ["Hub", "websocket_endpoint"]

_decoder = msgspec.json.Decoder(float_hook=Decimal)
_encoder = msgspec.json.Encoder()
_CREATE_TYPES = cast(dict[str, OrderKind], ENUMS["CreateOrderType"])  # "l"/"L" → "limit", …
_SIDES = ENUM_VALUES["Side"]
_STREAMS = {code: event.stream for code, event in EVENTS.items() if event.stream is not None}
_PRIVATE_STREAMS = frozenset(PRIVATE_STREAMS)
_REQUEST = LAYOUTS[METHODS["subscribe"].request]  # every request frame has the same four slots
_ERROR = LAYOUTS[ERROR_REPLY]
_ERROR_RESULT = LAYOUTS["ErrorResult"]
_HEARTBEAT = next(event for event in EVENTS.values() if not event.private)
_REQUEST_ID = _REQUEST.index("request_id")


def _reply(method: str, request_id: int, result: Any) -> list[Any]:
    frame: list[Any] = LAYOUTS[METHODS[method].reply].build({"request_id": request_id, "result": result})
    return frame


def _error_reply(request_id: Any, description: str) -> list[Any]:
    result = _ERROR_RESULT.build({"description": description})
    frame: list[Any] = _ERROR.build({"request_id": request_id, "result": result})
    return frame


def _heartbeat_frame(now: int) -> list[Any]:
    payload = LAYOUTS[_HEARTBEAT.payload]
    (slot,) = payload.fields
    assert slot.ref is not None
    beat = {item.wire: now for item in LAYOUTS[slot.ref].fields}  # {"hb": unix seconds}
    frame: list[Any] = LAYOUTS[_HEARTBEAT.frame].build({"payload": payload.build({slot.name: beat})})
    return frame


def _event_frame(code: str, payload: Any) -> list[Any]:
    frame: list[Any] = LAYOUTS[EVENTS[code].frame].build({"payload": payload})
    return frame


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

    async def disconnect_all(self, code: int = 1011) -> int:
        """Close every websocket connection (fault injection: an upstream drop); returns how many."""
        connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.websocket.close(code=code)
        return len(connections)

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
                if event.user_trade is not None:
                    payload = trade_row(exchange, event.user_trade)
                elif event.order is None:
                    payload = [balance_row(*b) for b in event.balances]
                else:
                    payload = order_row(exchange, event.order, EVENTS[event.kind].payload_items)
                    if self.state.faults.drift:
                        payload = payload[:-1]
                connection.queue.put_nowait(_encoder.encode(_event_frame(event.kind, payload)))


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


def _tuple(layout: Layout, args: Any, what: str = "args") -> dict[str, Any]:
    """An argument tuple by slot name: at least its required slots; slots past the layout are ignored."""
    values = _list(args, what, layout.min_items)
    slots: dict[str, Any] = layout.read(values[: len(layout.fields)])
    return slots


def _args_layout(method: str) -> Layout:
    args = METHODS[method].args
    assert args is not None
    return LAYOUTS[args]


_LIST_ROW_SLOTS = LAYOUTS["OrderRow"].min_items  # list replies carry the required slots only
_CREATE_ARGS = _args_layout("create_order")
_TARGET = LAYOUTS["CancelTarget"]
_BULK_FAILED = CONSTS["BulkOrderOutcome"][0]  # "error": the outcome of a bulk order that failed
_CONFIG_SCOPES = ENUM_VALUES["ConfigScope"]
_SECRET = "secret"  # the ConfigScope whose values get_config masks (the spec's description)
_MASK = "******"  # how get_config shows them (the spec's docs example)


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
        values = _tuple(_args_layout("subscribe"), args)
        scope, streams = values["scope"], values["streams"]
        if scope not in ENUM_VALUES["SubscribeScope"] or not isinstance(streams, list):
            raise WsError("args must be [scope, streams]")
        if not all(isinstance(s, str) for s in streams):
            raise WsError("streams must be strings")
        if scope == PRIVATE_SCOPE:
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
        values = _tuple(_args_layout("list_orders"), args)
        market, page, limit, state = values["market"], values["page"], values["limit"], values["state"]
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
            return [order_row(self.exchange, o, _LIST_ROW_SLOTS) for o in orders]

    def m_list_orders_by_uuids(self, args: Any) -> Any:
        account = self._account()
        uuids = _list(args, "args", 1)
        with self.exchange.lock:
            found = [self.exchange.by_uuid.get(u) if isinstance(u, str) else None for u in uuids]
            return [
                order_row(self.exchange, o, _LIST_ROW_SLOTS)
                for o in found
                if o is not None and o.account_id == account.id
            ]

    def m_list_order_trades(self, args: Any) -> Any:
        account = self._account()
        order_uuid = _tuple(_args_layout("list_order_trades"), args)["order_uuid"]
        with self.exchange.lock:
            order = self.exchange.by_uuid.get(order_uuid) if isinstance(order_uuid, str) else None
            if order is None or order.account_id != account.id:
                raise WsError("order not found")
            return [trade_row(self.exchange, t) for t in self.exchange.order_trades.get(order.id, [])]

    def _create(self, account: AccountConfig, args: Any) -> str:
        layout = _CREATE_ARGS
        items = _list(args, "create_order args", layout.min_items)
        if len(items) > len(layout.fields):
            raise WsError("create_order takes [market, type, side, amount, price, quote_amount?]")
        values = layout.read(items)
        market_name, type_code, side = values["market"], values["type"], values["side"]
        if not isinstance(market_name, str) or market_name.lower() not in self.exchange.ws_markets:
            raise WsError(f"unknown market {market_name}")
        kind = _CREATE_TYPES.get(type_code) if isinstance(type_code, str) else None
        if kind is None:
            raise WsError(f"unknown order type {type_code}")
        if side not in _SIDES:
            raise WsError("side must be buy or sell")
        amount = _dec(values["amount"], "amount")
        price = _dec(values["price"], "price")
        quote = _dec(values["quote_amount"], "quote_amount") if values["quote_amount"] is not None else None
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
                results.append(_BULK_FAILED)
        return results

    def m_cancel_order(self, args: Any) -> Any:
        account = self._account()
        targets = _list(args, "args", 1)
        size = len(_TARGET.fields)
        if len(targets) == size and all(isinstance(t, str) for t in targets):
            targets = [targets]  # tolerate a single flat [market, uuid]
        for target in targets:
            if not isinstance(target, list) or len(target) != size:
                raise WsError("args must be a list of [market, uuid]")
            order_uuid = _TARGET.read(target)["uuid"]
            if not isinstance(order_uuid, str):
                raise WsError("args must be a list of [market, uuid]")
            try:
                self.exchange.cancel(account.id, order_uuid=order_uuid)
            except EngineError as exc:
                raise WsError(str(exc)) from exc
        return []

    def m_cancel_all(self, args: Any) -> Any:
        _no_args(args)
        self.exchange.cancel_all(self._account().id)
        return []

    def _transfers(self, args: Any, deposits: bool) -> Any:
        account = self._account()
        values = _tuple(_args_layout("get_deposits" if deposits else "get_withdraws"), args)
        state, page, limit = values["state"], values["page"], values["limit"]
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
        values = _tuple(_args_layout("set_config_value"), args)
        component, key, value, scope = values["component"], values["key"], values["value"], values["scope"]
        if not isinstance(component, str) or not isinstance(key, str) or scope not in _CONFIG_SCOPES:
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
                    scope: {k: (_MASK if scope == _SECRET else v) for k, v in entries.items()}
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
        connection.queue.put_nowait(_encoder.encode(_heartbeat_frame(int(state.clock.now()))))


def _frame(raw: str) -> tuple[int, str, Any]:
    try:
        frame = _decoder.decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise WsError("frame is not JSON") from exc
    size = len(_REQUEST.fields)
    request = _REQUEST.read(frame) if isinstance(frame, list) and len(frame) == size else None
    if request is None or request["frame_type"] != FRAME_KINDS["request"]:
        request_id = frame[_REQUEST_ID] if isinstance(frame, list) and len(frame) > _REQUEST_ID else 0
        raise _FrameError(request_id, "frame must be [1, request_id, method, args]")
    request_id, method, args = request["request_id"], request["method"], request["args"]
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
    state.saw_authorization(websocket.headers.get("authorization"))
    try:
        account = state.keys.account_for_jwt(websocket.headers.get("authorization"), state.clock.now())
    except ValueError as exc:
        await websocket.send_denial_response(Response(f"invalid token: {exc}", status_code=401))
        return
    if state.faults.ws_refuse:
        state.ws_refused += 1
        await websocket.send_denial_response(Response("refused (fault ws_refuse)", status_code=503))
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
                connection.queue.put_nowait(_encoder.encode(_error_reply(exc.request_id, str(exc))))
                continue
            except WsError as exc:
                connection.queue.put_nowait(_encoder.encode(_error_reply(0, str(exc))))
                continue
            try:
                reply = _reply(method, request_id, session.handle(method, args))
            except WsError as exc:
                reply = _error_reply(request_id, str(exc))
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
