"""Finex websocket rows: the ONE place that turns engine objects into positional arrays.

Slot order and the state/type codes come from ``generated/finex_layouts.py`` (``LAYOUTS`` and
``ENUMS``, codegen'd from ``spec/finex.asyncapi.yaml``); values are looked up by slot name, never by
hand-written index.

Sample order event and legend (16 slots; list replies carry the first 15, ``or`` adds a 17th)::

    ["btcusdt", 97, "6dcc2c8e-c295-41ea-b7ad-1831bf9834b0", "sell", "w", "l", "9120", "0", "0.25",
     "0.25", "0", 0, 1594386563, "0.1", "0.2", "0"]
    market, id, uuid, side, state code, type code, price ("0" for market orders), avg_price, volume
    (remaining), original_volume, executed_volume, trades_count, created_at, maker_fee and taker_fee
    (percent), trigger_price ("0" unless stop-limit) [, reject_reason]

Sample trade row: ``["btcusdt", 33, "9120", "0.25", "2280", 100, "ab22...", "buy", "buy", "0.0005",
"btc", 1594392250]`` = market, trade id, price, volume, total, order id, order uuid, order side, taker
side, fee, fee unit, timestamp (integer).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generated.finex_layouts import ENUMS, LAYOUTS

from ._numbers import plain
from .engine import Exchange, Order, UserTrade

__all__ = [
    "LONG_STATES",
    "STATE_CODES",
    "TYPE_CODES",
    "balance_row",
    "order_row",
    "slots",
    "trade_row",
    "transfer_row",
]


def _codes(table: str) -> dict[str, str]:
    """Shared-vocabulary value → upstream code, inverted from the spec's ``x-enum-normalized`` table."""
    return {normalized: code for code, normalized in ENUMS[table].items() if normalized}


STATE_CODES = _codes("OrderStateCode")  # "open" -> "w", ...
TYPE_CODES = _codes("OrderTypeCode")  # "limit" -> "l", "stop_limit" -> "slm", ...
LONG_STATES = {code: normalized for code, normalized in ENUMS["ListOrdersState"].items() if code}
# By slot title (``wire``): the upstream's own words, whatever the gateway calls them (``x-name``).
_SLOTS = {name: tuple(f.wire for f in layout.fields) for name, layout in LAYOUTS.items() if layout.is_tuple}


def slots(name: str) -> tuple[str, ...]:
    """Slot names of a row schema, in wire order."""
    return _SLOTS[name]


def _row(name: str, values: dict[str, Any], count: int | None = None) -> list[Any]:
    """The row by slot name (``Layout.build``: an unknown or missing slot name raises ``KeyError``)."""
    row: list[Any] = LAYOUTS[name].build(values, count)
    return row


def _percent(fraction: Decimal) -> str:
    return plain(fraction * 100)


def order_row(exchange: Exchange, order: Order, slots_count: int | None = None) -> list[Any]:
    """The first ``slots_count`` slots (all by default): list replies carry the required ones, events
    as many as their frame says (``finex_protocol.EVENTS[code].payload_items``)."""
    market = exchange.markets[order.pair]
    values = {
        "market": market.ws_name,
        "id": order.id,
        "uuid": order.uuid,
        "side": order.side,
        "state": STATE_CODES[order.state],
        "type": TYPE_CODES[order.kind],
        "price": plain(order.price) if order.price is not None else "0",
        "avg_price": plain(order.avg_price),
        "volume": plain(order.remaining),
        "original_volume": plain(order.original_volume),
        "executed_volume": plain(order.executed_volume),
        "trades_count": order.trades_count,
        "created_at": order.created_at,
        "maker_fee": _percent(order.maker_fee),
        "taker_fee": _percent(order.taker_fee),
        "trigger_price": plain(order.stop_price) if order.stop_price is not None else "0",
        "reject_reason": order.reject_reason,
    }
    return _row("OrderRow", values, slots_count)


def trade_row(exchange: Exchange, user_trade: UserTrade) -> list[Any]:
    trade = user_trade.trade
    market = exchange.markets[trade.pair]
    values = {
        "market": market.ws_name,
        "id": trade.id,
        "price": plain(trade.price),
        "volume": plain(trade.volume),
        "total": plain(trade.total),
        "order_id": user_trade.order_id,
        "order_uuid": user_trade.order_uuid,
        "order_side": user_trade.order_side,
        "taker_side": trade.taker_side,
        "fee": plain(user_trade.fee),
        "fee_unit": user_trade.fee_currency.lower(),
        "created_at": trade.created_at,
    }
    return _row("TradeRow", values)


def balance_row(currency: str, available: Decimal, locked: Decimal) -> list[Any]:
    return _row(
        "BalanceRow", {"currency": currency.lower(), "available": plain(available), "locked": plain(locked)}
    )


def transfer_row(
    transfer_id: int, user_uid: str, currency: str, state: str, amount: Decimal, created_at: int
) -> list[Any]:
    values = {
        "id": transfer_id,
        "user_id": user_uid,
        "currency": currency.lower(),
        "state": state,
        "amount": plain(amount),
        "txid": f"0x{transfer_id:064x}",
        "block_number": 13172900 + transfer_id,
        "remote_id": f"0x{transfer_id:x}",
        "expires_at": created_at,
        "created_at": created_at,
    }
    return _row("TransferRow", values)
