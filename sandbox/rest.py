"""The Iqfinex REST API v1 surface (``/v1/...``), one handler per operationId of the OpenAPI spec.

Answers are ``{"status": 200, "data": ...}`` with numbers printed as the live (JavaScript) service
prints them, e.g. ``{"status":200,"data":{"bid":3368.69,"ask":4.3e-7,...}}``; errors are
``{"status": 400, "message": "..."}`` with the HTTP status of the docs' table (400 bad input, 401
unknown key, 402 forbidden for the key, 403 expired key). Faults (latency, 5xx share, malformed or
truncated bodies, drift) are applied in ``_operation``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from generated.iqfinex_layouts import ENUMS, LAYOUTS

from ._numbers import MAX_ADJUSTED, js_text, num, parse_decimal
from ._spec import candle_frames, page
from ._types import OrderKind
from .auth import AuthError
from .engine import EngineError, Order, UserTrade
from .market_data import candles, order_book, ticker
from .settings import AccountConfig, ApiKey
from .state import SandboxState

__all__ = ["routes"]

Handler = Callable[[Request, SandboxState], Awaitable[Any]]
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(float_hook=Decimal)
_REASONS = {500: "Internal Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _codes(table: str, **coarser: str) -> dict[str, str]:
    """Engine vocabulary → REST code: the spec's ``x-enum-normalized`` table inverted, plus the states
    and types REST has no code for, mapped to the nearest one it has (a simulator choice)."""
    return {**{name: code for code, name in ENUMS[table].items()}, **coarser}


_STATUS = _codes(
    "OrderStatus",
    trigger_wait="active",
    trigger_cancelled="canceled",
    rejected="canceled",
    trigger_rejected="canceled",
)
_TYPES = _codes("OrderType", post_only="LIMIT", fill_or_kill="LIMIT")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class BadRequest(Exception):
    pass


def _json(status: int, payload: Any) -> Response:
    return Response(
        _encoder.encode(payload), status_code=status, media_type="application/json; charset=utf-8"
    )


def _error(status: int, message: str) -> Response:
    return _json(status, {"status": status, "message": message})


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


_DRIFT_UNDOCUMENTED_500 = frozenset({"listCurrencies"})


def _operation(operation_id: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        state = _state(request)
        state.rest_counts[operation_id] += 1
        state.saw_authorization(request.headers.get("authorization"))
        faults = state.faults
        if faults.latency_ms:
            # The request has arrived (body read) before the delay, as on a slow real server: a caller
            # that gives up meanwhile does not undo it (a late order is still placed).
            await request.body()
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.drift and operation_id in _DRIFT_UNDOCUMENTED_500:
            # Drift: a 500 whose body is not the documented Error shape.
            return Response(b'{"error":"drift: undocumented failure"}', 500, media_type="application/json")
        if state.roll(faults.error_rate):
            status = state.fault_rng.choice(faults.error_statuses or [500])
            return _error(status, _REASONS[status])
        try:
            data = await handler(request, state)
        except AuthError as exc:
            return _error(exc.status, exc.message)
        except (BadRequest, EngineError) as exc:
            return _error(400, str(exc) or "Bad request")
        body = _encoder.encode({"status": 200, "data": data})
        if state.roll(faults.malformed_rate):
            body = b"<html><body>upstream error</body></html>" + body[:10]
        elif state.roll(faults.truncated_rate):
            body = body[: max(1, len(body) // 2)]
        return Response(body, media_type="application/json; charset=utf-8")

    return endpoint


# ---------------------------------------------------------------------- input helpers
def _name(value: str) -> str:
    if not 2 <= len(value) <= 20 or not set(value) <= _NAME_CHARS:
        raise BadRequest(f"Invalid name {value!r}")
    return value.upper()


def _pair(request: Request, state: SandboxState, param: str = "asset") -> str:
    pair = _name(request.path_params[param])
    if pair not in state.exchange.markets:
        raise BadRequest(f"Unknown asset {pair}")
    return pair


_MAX_INT_DIGITS = 1000  # bounds int()'s work; the contract sets no maximum on ids and offsets


def _int(raw: str, what: str, low: int, high: int | None = None) -> int:
    """A path or query integer within the contract's bounds (ASCII digits only: ``int()`` would take
    ``"١"``, blanks and underscores)."""
    digits = raw[1:] if raw[:1] == "-" else raw
    if not digits.isascii() or not digits.isdigit():
        raise BadRequest(f"{what} must be an integer")
    if len(digits) > _MAX_INT_DIGITS:
        raise BadRequest(f"{what} is out of range")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise BadRequest(
            f"{what} must be between {low} and {high}" if high is not None else f"{what} must be >= {low}"
        )
    return value


def _page(request: Request, operation_id: str) -> tuple[int, int, bool]:
    """limit, offset and descending of a paginated operation, with the spec's defaults and bounds."""
    bounds = page(operation_id)
    sortable = bounds.sortable
    query = request.query_params
    limit = _int(query["limit"], "limit", 1, bounds.max_limit) if "limit" in query else bounds.default_limit
    offset = _int(query["offset"], "offset", 0) if "offset" in query else 0
    descending = True
    if sortable and "sort" in query:
        sort = query["sort"]
        if sort not in ("ASC", "DESC"):
            raise BadRequest("sort must be ASC or DESC")
        descending = sort == "DESC"
    return limit, offset, descending


def _paged(items: list[Any], limit: int, offset: int, descending: bool) -> list[Any]:
    ordered = items[::-1] if descending else items
    return ordered[offset : offset + limit]


def _auth(request: Request, state: SandboxState, trade: bool = False) -> tuple[AccountConfig, ApiKey]:
    client = request.client.host if request.client else None
    account, key = state.keys.account_for_key(request.headers.get("authorization"), client, state.clock.now())
    if trade and not key.is_trade:
        raise AuthError(402, "Action is forbidden for API key")
    return account, key


# ---------------------------------------------------------------------- views
def _order(order: Order, state: SandboxState, with_volume: bool = True) -> dict[str, Any]:
    price = order.price if order.price is not None else order.avg_price
    view: dict[str, Any] = {
        "id": order.id,
        "asset": order.pair,
        "cmd": order.side,
        "type": _TYPES[order.kind],
        "price": num(price),
    }
    if with_volume:
        view["volume"] = num(
            order.remaining if order.state in ("open", "trigger_wait") else order.original_volume
        )
    if order.stop_price is not None:
        view["stopPrice"] = num(order.stop_price)
    view["original_volume"] = num(order.original_volume)
    view["executed_volume"] = num(order.executed_volume)
    view["open_time"] = order.created_at
    if order.closed_at is not None and _STATUS[order.state] != "active":
        view["close_time"] = order.closed_at
    view["status"] = _STATUS[order.state]
    return view


def _account_trade(user_trade: UserTrade) -> dict[str, Any]:
    trade = user_trade.trade
    return {
        "id": trade.id,
        "id_user": user_trade.account_id,
        "volume": num(trade.volume),
        "price": num(trade.price),
        "cmd": user_trade.order_side,
        "asset": trade.pair,
        "commission": num(user_trade.fee),
        "commissionCurrency": user_trade.fee_currency,
        "open_time": user_trade.order_created_at,
        "target_user": user_trade.counterparty_id,
        "close_time": trade.created_at,
        "order_id": user_trade.order_id,
    }


def _ticker(state: SandboxState, pair: str) -> dict[str, Any]:
    t = ticker(state.exchange, pair)
    return {
        "bid": "n/a" if state.faults.drift else num(t.bid),
        "ask": num(t.ask),
        "bid_vol": num(t.bid_vol),
        "ask_vol": num(t.ask_vol),
        "buy_size": num(t.buy_size),
        "sell_size": num(t.sell_size),
        "open": num(t.open),
        "high": num(t.high),
        "low": num(t.low),
        "last": num(t.last),
        "volume24": num(t.volume24),
        "percentChange": num(t.percent_change),
        "timestamp": t.timestamp,
    }


# ---------------------------------------------------------------------- public handlers
async def list_currencies(request: Request, state: SandboxState) -> Any:
    rows = [_currency(c) for c in state.exchange.currencies.values()]
    return {"count": len(rows), "rows": rows}


def _currency(c: Any) -> dict[str, Any]:
    return {
        "name": c.name,
        "alias": c.alias,
        "commission": num(c.commission),
        "type": c.type,
        "confirmations": c.confirmations,
        "min_withdrawal": num(c.min_withdrawal),
        "min_deposit": num(c.min_deposit),
        "isDeposit": c.is_deposit,
        "isWithdrawal": c.is_withdrawal,
    }


async def get_currency(request: Request, state: SandboxState) -> Any:
    name = _name(request.path_params["name"])
    currency = state.exchange.currencies.get(name)
    if currency is None:
        raise BadRequest(f"Unknown currency {name}")
    return _currency(currency)


def _asset(m: Any) -> dict[str, Any]:
    return {
        "pair": m.pair,
        "right": m.right,
        "left": m.left,
        "accuracy": str(m.accuracy),
        "min_volume": num(m.min_volume),
        "isTrade": m.is_trade,
    }


async def list_assets(request: Request, state: SandboxState) -> Any:
    rows = [_asset(m) for m in state.exchange.markets.values()]
    return {"count": len(rows), "rows": rows}


async def get_asset(request: Request, state: SandboxState) -> Any:
    return _asset(state.exchange.markets[_pair(request, state, "name")])


async def list_tickers(request: Request, state: SandboxState) -> Any:
    return {pair: _ticker(state, pair) for pair in state.exchange.markets}


async def get_ticker(request: Request, state: SandboxState) -> Any:
    return _ticker(state, _pair(request, state))


_LEVEL = LAYOUTS["OrderBookLevel"]
_CANDLE = LAYOUTS["CandleRow"]


def _level(volume: Decimal, orders: Decimal) -> list[Any]:
    level: list[Any] = _LEVEL.build({"volume": num(volume), "orders": int(orders)})
    return level


async def get_order_book(request: Request, state: SandboxState) -> Any:
    pair = _pair(request, state)
    rounding = _int(request.path_params["rounding"], "rounding", 0, 3)
    buy, sell = order_book(state.exchange, pair, rounding)
    rng = random.Random(state.fault_rng.random())
    sides = {}
    for name, levels in (("buy", buy), ("sell", sell)):
        keys = list(levels)
        rng.shuffle(keys)  # the live service sends price keys in no particular order
        sides[name] = {js_text(k): _level(*levels[k]) for k in keys}
    return sides


async def list_public_trades(request: Request, state: SandboxState) -> Any:
    pair = _pair(request, state)
    limit, offset, descending = _page(request, "listPublicTrades")
    with state.exchange.lock:
        trades = list(state.exchange.trades[pair])
    rows = [
        {
            "id": t.id,
            "type": t.taker_side,
            "volume": num(t.volume),
            "price": num(t.price),
            "close_time": t.created_at,
            "asset": t.pair,
        }
        for t in _paged(trades, limit, offset, descending)
    ]
    return {"count": len(trades), "rows": rows}


async def list_candles(request: Request, state: SandboxState) -> Any:
    pair = _pair(request, state)
    frame = _int(request.path_params["frame"], "frame", 1)
    if frame not in candle_frames():
        raise BadRequest(f"frame must be one of {', '.join(map(str, candle_frames()))}")
    limit, offset, _ = _page(request, "listCandles")
    count, rows = candles(state.exchange, pair, frame, limit, offset)
    out: list[list[Any]] = []
    for c in rows:
        values = {"open": c.open, "high": c.high, "low": c.low, "close": c.close, "volume": c.volume}
        row: list[Any] = _CANDLE.build(
            {**{k: num(v) for k, v in values.items()}, "close_time": c.close_time},
            count=None if c.close_time is not None else _CANDLE.min_items,  # the live candle: no close
        )
        out.append(row)
    return {"count": count, "rows": out}


# ---------------------------------------------------------------------- authorized handlers
async def get_account_info(request: Request, state: SandboxState) -> Any:
    account, key = _auth(request, state)
    return {
        "id": account.id,
        "email": account.email,
        "role": account.role,
        "keylabel": key.label,
        "isTrade": key.is_trade,
        "isWithdrawal": key.is_withdrawal,
        "whitelist": key.whitelist,
    }


async def get_balance(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    with state.exchange.lock:
        balances = state.exchange.accounts[account.id].balances
        return {
            c: {"balance": num(b.available + b.locked), "free_balance": num(b.available)}
            for c, b in sorted(balances.items())
        }


_BODY_FIELDS = frozenset({"asset", "cmd", "volume", "price", "stopPrice"})


def _body_decimal(body: dict[str, Any], name: str) -> Decimal | None:
    if name not in body:
        return None
    value = parse_decimal(body[name])
    if value is None:
        raise BadRequest(f"{name} must be a decimal number of at most {MAX_ADJUSTED} digits")
    return value


async def create_order(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state, trade=True)
    try:
        body = _decoder.decode(await request.body())
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise BadRequest("Body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise BadRequest("Body must be a JSON object")
    unknown = set(body) - _BODY_FIELDS
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    for required in ("asset", "cmd", "volume"):
        if required not in body:
            raise BadRequest(f"{required} is required")
    if not isinstance(body["asset"], str):
        raise BadRequest("asset must be a string")
    pair = _name(body["asset"])
    if pair not in state.exchange.markets:
        raise BadRequest(f"Unknown asset {pair}")
    side = body["cmd"]
    if not isinstance(side, str) or side not in ("buy", "sell"):
        raise BadRequest("cmd must be buy or sell")
    volume = _body_decimal(body, "volume")
    price = _body_decimal(body, "price")
    stop = _body_decimal(body, "stopPrice")
    assert volume is not None
    if stop is not None and price is None:
        raise BadRequest("stopPrice needs a price (stop-limit order)")
    kind: OrderKind = "market" if price is None else ("stop_limit" if stop is not None else "limit")
    order = state.exchange.place(
        account.id, pair, "buy" if side == "buy" else "sell", kind, volume, price, stop
    )
    if order.state == "rejected":
        raise BadRequest(order.reject_reason)
    return _order(order, state)


def _order_id(request: Request) -> int:
    return _int(request.path_params["id"], "id", 1)


async def cancel_order(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state, trade=True)
    order_id = _order_id(request)
    return _order(state.exchange.cancel(account.id, order_id=order_id), state)


async def list_open_orders(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    with state.exchange.lock:
        rows = [
            _order(o, state)
            for o in reversed(state.exchange.account_orders[account.id])
            if o.state in ("open", "trigger_wait")
        ]
    return {"count": len(rows), "rows": rows}


async def list_closed_orders(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    limit, offset, descending = _page(request, "listClosedOrders")
    with state.exchange.lock:
        closed = [o for o in state.exchange.account_orders[account.id] if o.in_history]
        closed.sort(key=lambda o: (o.closed_at or 0, o.id))
        rows = [_order(o, state, with_volume=False) for o in _paged(closed, limit, offset, descending)]
    return {"count": len(closed), "rows": rows}


def _own_order(state: SandboxState, account: AccountConfig, order_id: int) -> Order:
    order = state.exchange.orders.get(order_id)
    if order is None or order.account_id != account.id:
        raise BadRequest(f"Order {order_id} not found")
    if not (order.state in ("open", "trigger_wait") or order.in_history):
        raise BadRequest(f"Order {order_id} not found")
    return order


async def get_order(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    order_id = _order_id(request)
    with state.exchange.lock:
        order = _own_order(state, account, order_id)
        return _order(order, state, with_volume=order.state in ("open", "trigger_wait"))


async def list_order_trades(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    order_id = _order_id(request)
    limit, offset, descending = _page(request, "listOrderTrades")
    with state.exchange.lock:
        _own_order(state, account, order_id)
        trades = list(state.exchange.order_trades.get(order_id, []))
    return {
        "count": len(trades),
        "rows": [_account_trade(t) for t in _paged(trades, limit, offset, descending)],
    }


async def list_account_trades(request: Request, state: SandboxState) -> Any:
    account, _ = _auth(request, state)
    limit, offset, descending = _page(request, "listAccountTrades")
    with state.exchange.lock:
        trades = list(state.exchange.user_trades[account.id])
    return {
        "count": len(trades),
        "rows": [_account_trade(t) for t in _paged(trades, limit, offset, descending)],
    }


_TABLE: list[tuple[str, str, str, Handler]] = [
    ("GET", "/v1/currencies", "listCurrencies", list_currencies),
    ("GET", "/v1/currency/{name}", "getCurrency", get_currency),
    ("GET", "/v1/assets", "listAssets", list_assets),
    ("GET", "/v1/asset/{name}", "getAsset", get_asset),
    ("GET", "/v1/tickers", "listTickers", list_tickers),
    ("GET", "/v1/ticker/{asset}", "getTicker", get_ticker),
    ("GET", "/v1/orderbook/{asset}/{rounding}", "getOrderBook", get_order_book),
    ("GET", "/v1/trades/{asset}", "listPublicTrades", list_public_trades),
    ("GET", "/v1/candles/{asset}/{frame}", "listCandles", list_candles),
    ("GET", "/v1/account/info", "getAccountInfo", get_account_info),
    ("GET", "/v1/balance", "getBalance", get_balance),
    ("POST", "/v1/order", "createOrder", create_order),
    ("POST", "/v1/order/{id}/cancel", "cancelOrder", cancel_order),
    ("GET", "/v1/orders/opened", "listOpenOrders", list_open_orders),
    ("GET", "/v1/orders/closed", "listClosedOrders", list_closed_orders),
    ("GET", "/v1/order/{id}", "getOrder", get_order),
    ("GET", "/v1/order/{id}/trades", "listOrderTrades", list_order_trades),
    ("GET", "/v1/trades", "listAccountTrades", list_account_trades),
]


def routes() -> list[Route]:
    return [Route(path, _operation(op, handler), methods=[method]) for method, path, op, handler in _TABLE]
