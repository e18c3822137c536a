"""The layout-driven normalizer: compiled and checked converters agree; errors name the field."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.normalize import NormalizationError, Normalizer, decode_json
from generated import finex_layouts, iqfinex_layouts

FINEX = Normalizer(finex_layouts.LAYOUTS, finex_layouts.ENUMS)
IQFINEX = Normalizer(iqfinex_layouts.LAYOUTS, iqfinex_layouts.ENUMS)

ORDER_ROW = (
    b'["btcusd", 97, "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0", "sell", "w", "l", "9120.00", "0",'
    b' "0.250000", "0.25", "0", 0, 1594386563, "0.25", "0.25"]'
)


def _both(normalizer: Normalizer, layout: str, value: Any) -> Any:
    fast = normalizer.converter(layout)(value)
    assert fast == normalizer.checked(layout)(value)
    return fast


def test_order_row_becomes_an_object_in_the_shared_vocabulary() -> None:
    out = _both(FINEX, "OrderRow", decode_json(ORDER_ROW))
    assert out == {
        "market": "BTCUSD",  # x-case: upper
        "id": 97,
        "uuid": "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0",
        "side": "sell",
        "state": "open",
        "type": "limit",
        "price": "9120",
        "average_price": "0",
        "remaining_volume": "0.25",
        "volume": "0.25",
        "executed_volume": "0",
        "trades_count": 0,
        "created_at": 1594386563,
        "maker_fee": "0.25",
        "taker_fee": "0.25",
        "trigger_price": None,
        "reject_reason": None,
    }


def test_reject_event_row_keeps_its_reason_and_unknown_slots() -> None:
    row = [*decode_json(ORDER_ROW), "0", "insufficient balance", "surprise"]
    out = _both(FINEX, "OrderRow", row)
    assert out["reject_reason"] == "insufficient balance"
    assert out["trigger_price"] is None  # "0" means none (x-none-when)
    assert out["extra_slots"] == ["surprise"]  # never dropped silently


def test_trade_timestamp_as_digit_string_becomes_an_integer() -> None:
    row = decode_json(
        b'["btcusd", 33, "9120", "0.25", "2280", 100, "ab224fef-c2a2-11ea-b670-1831bf9834b0",'
        b' "buy", "buy", "0.0005", "btc", "1594392250"]'
    )
    out = _both(FINEX, "TradeRow", row)
    assert out["created_at"] == 1594392250
    assert out["volume"] == "0.25"
    assert (out["fee"], out["fee_currency"]) == ("0.0005", "BTC")


def test_rest_object_renames_and_canonicalizes() -> None:
    body = decode_json(
        b'{"id": 304962, "asset": "ETHBTC", "cmd": "sell", "volume": 1.245, "type": "LIMIT",'
        b' "price": 3.437e-2, "original_volume": 1.245, "executed_volume": 0, "open_time": "1552371582",'
        b' "status": "active", "fresh": 1}'
    )
    out = _both(IQFINEX, "Order", body)
    assert out == {
        "id": 304962,
        "market": "ETHBTC",
        "side": "sell",
        "remaining_volume": "1.245",
        "type": "limit",
        "price": "0.03437",
        "trigger_price": None,
        "volume": "1.245",
        "executed_volume": "0",
        "created_at": 1552371582,
        "closed_at": None,
        "state": "open",
        "fresh": 1,  # undocumented field passed on, not dropped
    }


def test_candle_row_without_close_time() -> None:
    rows = decode_json(b"[[0.034375, 0.034399, 0.03428, 0.034381, 4.1961], [1e-7, 2, 3, 4, 5, 1552378200]]")
    live, closed = (_both(IQFINEX, "CandleRow", r) for r in rows)
    assert live["close_time"] is None
    assert closed == {
        "open": "0.0000001",
        "high": "2",
        "low": "3",
        "close": "4",
        "volume": "5",
        "close_time": 1552378200,
    }


@pytest.mark.parametrize(
    ("layout", "value", "where"),
    [
        ("OrderRow", ["btcusd", 97, "u", "sell", "w", "l", "12abc"], "OrderRow[6] (price)"),
        ("TradeRow", {"not": "a row"}, "TradeRow"),
        ("BalanceRow", ["btc", True, "0"], "BalanceRow[1] (available)"),
    ],
)
def test_unnormalizable_values_name_the_field(layout: str, value: Any, where: str) -> None:
    with pytest.raises(NormalizationError) as info:
        FINEX.converter(layout)(value)
    assert str(info.value).startswith(where)


def test_missing_required_value_passes_as_null() -> None:
    out = FINEX.converter("BalanceRow")(["btc", "1.50"])
    assert out == {"currency": "BTC", "available": "1.5", "locked": None}


def test_list_converter_matches_item_converter_and_names_bad_items() -> None:
    row = decode_json(ORDER_ROW)
    rows = [row, [*row[:6], "1.50", *row[7:]]]
    assert FINEX.list_converter("OrderRow")(rows) == [FINEX.converter("OrderRow")(r) for r in rows]
    with pytest.raises(NormalizationError) as info:
        FINEX.list_converter("OrderRow")([row, [*row[:6], "12abc", *row[7:]]])
    assert str(info.value).startswith("OrderRow[6] (price)")
    with pytest.raises(NormalizationError):
        FINEX.list_converter("OrderRow")({"not": "a list"})


def test_nested_lists_use_the_compiled_loop() -> None:
    body = decode_json(b'{"count": 2, "rows": [[1, 2, 3, 4, 5], [0.5, 0.5, 0.5, 0.5, 1e-7, 1552378200]]}')
    out = _both(IQFINEX, "CandleList", body)
    assert out["rows"][1] == {
        "open": "0.5",
        "high": "0.5",
        "low": "0.5",
        "close": "0.5",
        "volume": "0.0000001",
        "close_time": 1552378200,
    }
