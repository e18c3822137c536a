"""gateway.finex.requests: route bodies and parameters → upstream argument tuples, by slot name."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from gateway.finex import requests as req
from gateway.problems import InvalidRequest
from generated.finex_layouts import LAYOUTS

ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.25", "price": "9120"}
UUID = "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0"


def test_tuple_args_follow_the_slot_order() -> None:
    layout = LAYOUTS["ListOrdersArgs"]
    values = {"state": "wait", "limit": 10, "page": 1, "market": "btcusdt"}
    assert req.tuple_args(layout, values) == ["btcusdt", 1, 10, "wait"]


def test_tuple_args_leave_out_trailing_optional_slots() -> None:
    args = req.tuple_args(LAYOUTS["CreateOrderArgs"], {**ORDER, "type": "l"})
    assert args == ["btcusdt", "l", "buy", "0.25", "9120"]


def test_tuple_args_fail_loudly_on_an_unknown_slot() -> None:
    with pytest.raises(KeyError, match="no slot"):
        req.tuple_args(LAYOUTS["CancelTarget"], {"market": "btcusdt", "uuid": UUID, "id": 1})


def test_tuple_args_fail_loudly_on_a_missing_required_slot() -> None:
    with pytest.raises(KeyError, match="uuid"):
        req.tuple_args(LAYOUTS["CancelTarget"], {"market": "btcusdt"})


def test_an_order_becomes_create_order_args_with_codes_and_exact_amounts() -> None:
    body = {**ORDER, "volume": "0.250", "price": "9.12E3"}
    assert req.order_args(body) == ["btcusdt", req.TYPE_CODES["limit"], "buy", "0.25", "9120"]


def test_a_market_order_may_leave_out_its_price() -> None:
    body = {"market": "btcusdt", "type": "market", "side": "buy", "volume": "1", "quote_amount": "50"}
    assert req.order_args(body) == ["btcusdt", req.TYPE_CODES["market"], "buy", "1", "0", "50"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"price": None}, "body price"),
        ({"volume": "-1"}, "body volume"),
        ({"volume": "1E1000000"}, "body volume"),
        ({"side": "long"}, "body side"),
        ({"market": "btc/usdt"}, "body market"),
        ({"quote_amount": "5"}, "body quote_amount"),
        ({"extra": 1}, "body"),
    ],
)
def test_bad_orders_name_the_field(change: dict[str, Any], where: str) -> None:
    body = {k: v for k, v in {**ORDER, **change}.items() if v is not None}
    with pytest.raises(InvalidRequest) as caught:
        req.order_args(body)
    assert caught.value.detail.startswith(where)


def test_bulk_orders_are_all_validated_and_bounded() -> None:
    assert len(req.orders_args([ORDER, ORDER])) == 2
    with pytest.raises(InvalidRequest, match=r"body\[1\] volume"):
        req.orders_args([ORDER, {**ORDER, "volume": "0"}])
    with pytest.raises(InvalidRequest):
        req.orders_args([])
    with pytest.raises(InvalidRequest):
        req.orders_args([ORDER] * (req.MAX_BATCH + 1))


def test_cancel_targets_by_slot_name() -> None:
    assert req.cancel_args([{"uuid": UUID, "market": "btcusdt"}]) == [["btcusdt", UUID]]
    with pytest.raises(InvalidRequest):
        req.cancel_args([{"market": "btcusdt", "uuid": "not-a-uuid"}])


def test_config_values_keep_numbers_exact() -> None:
    body = req.decode_body(b'{"value": 0.1000000000000000055, "scope": "public"}')
    args = req.config_args("finex", "fee", body)
    assert msgspec.json.encode(args) == b'["finex","fee",0.1000000000000000055,"public"]'
    with pytest.raises(InvalidRequest, match="scope"):
        req.config_args("finex", "fee", {"value": 1, "scope": "everyone"})
    assert set(req.CONFIG_SCOPES) == {"public", "private", "secret"}
