"""Findings of the fuzz trial against the sandbox (issue 14): it refuses what a live exchange would
refuse, with its documented 400 envelope, and one bad request never poisons the simulated exchange."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml

from sandbox._numbers import DECIMAL_PATTERN, parse_decimal

from .conformance import SPEC
from .conftest import Ws


def _order(api: httpx.Client, auth: dict[str, str], **body: Any) -> httpx.Response:
    return api.post("/v1/order", json={"asset": "BTCUSDT", "cmd": "buy", **body}, headers=auth)


def test_a_huge_exponent_price_is_refused_and_the_exchange_keeps_answering(
    api: httpx.Client, auth: dict[str, str]
) -> None:
    refused = api.post(
        "/v1/order",
        content=b'{"asset": "BTCUSDT", "cmd": "sell", "volume": "0.01", "price": "2.45422e+9945829"}',
        headers={**auth, "content-type": "application/json"},
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["status"] == 400
    for path in ("/v1/orders/opened", "/v1/orders/closed", "/v1/trades", "/v1/orderbook/BTCUSDT/0"):
        assert api.get(path, headers=auth).status_code == 200, path  # not poisoned


@pytest.mark.parametrize(
    "volume",
    ["١", "１", "+1", " 1", "1_0", "NaN", "Infinity", "1e31", "1e-31", "0x10", "", "1" * 101],
)
def test_amounts_outside_the_grammar_are_400(api: httpx.Client, auth: dict[str, str], volume: str) -> None:
    response = _order(api, auth, volume=volume, price="100")
    assert response.status_code == 400, response.text
    assert "volume" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"volume": "1e16", "price": "100"}, "volume"),
        ({"volume": "0.01", "price": "1e16"}, "price"),
        ({"volume": "0.01", "price": "100", "stopPrice": "1e16"}, "stopPrice"),
        ({"volume": "0.01", "price": "100", "stopPrice": "90.001"}, "stopPrice"),
    ],
)
def test_amount_range_and_precision_per_market(
    api: httpx.Client, auth: dict[str, str], body: dict[str, str], word: str
) -> None:
    response = _order(api, auth, **body)
    assert response.status_code == 400, response.text
    assert word in response.json()["message"]


@pytest.mark.parametrize("cmd", [{}, [], 1, None])
def test_a_side_of_the_wrong_type_is_400(api: httpx.Client, auth: dict[str, str], cmd: Any) -> None:
    response = api.post("/v1/order", json={"asset": "BTCUSDT", "cmd": cmd, "volume": "1"}, headers=auth)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("body", [b'{"asset": "\xff"}', b"[" * 10_000 + b"]" * 10_000])
def test_undecodable_bodies_are_400(api: httpx.Client, auth: dict[str, str], body: bytes) -> None:
    response = api.post("/v1/order", content=body, headers={**auth, "content-type": "application/json"})
    assert response.status_code == 400, response.text


def test_long_integers_are_out_of_range_not_not_an_integer(api: httpx.Client, auth: dict[str, str]) -> None:
    order = api.get("/v1/order/1234567890123456789", headers=auth)
    assert order.status_code == 400
    assert "not found" in order.json()["message"]  # a valid id no order has
    limit = api.get("/v1/trades?limit=100000000000000000000", headers=auth)
    assert limit.status_code == 400
    assert "between" in limit.json()["message"]
    assert "integer" in api.get("/v1/trades?limit=١", headers=auth).json()["message"]


async def test_websocket_amounts_use_the_same_grammar(ws: Ws) -> None:
    for amount in ("١", "１", "+1", "NaN", "2.45422e+9945829"):
        reply = await ws.call("create_order", ["btcusdt", "l", "buy", amount, "100"])
        assert reply[2] == "error", (amount, reply)
        assert "amount" in str(reply[3]), reply
    accepted = await ws.call("create_order", ["btcusdt", "l", "buy", "0.001", "100"])
    assert accepted[2] == "create_order", accepted


def test_the_grammar_is_the_contracts() -> None:
    spec = yaml.safe_load((SPEC / "iqfinex.openapi.yaml").read_text(encoding="utf-8"))
    branches = spec["components"]["schemas"]["Decimal"]["oneOf"]
    assert DECIMAL_PATTERN in [b.get("pattern") for b in branches]
    assert parse_decimal("1e30") is not None
    assert parse_decimal("1e31") is None
