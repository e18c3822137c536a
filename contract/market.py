"""The one market the trading checks may touch, and the one safe order they may place on it.

With ``--allow-trading`` every order the harness opens (REST and websocket) is a limit **buy** of the
market's ``min_volume`` (GET /v1/asset/{name}) at half the best bid (GET /v1/ticker/{asset}),
rounded down to the pair's accuracy: far below the market, so it rests in the book until the harness
cancels it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

import httpx

from generated import finex_layouts, iqfinex_layouts
from generated.finex_protocol import CODES

__all__ = ["MarketInfo", "fetch_market"]


@dataclass(frozen=True)
class MarketInfo:
    pair: str  # REST name, e.g. BTCUSDT
    min_volume: Decimal
    accuracy: int
    safe_price: Decimal  # a buy price far below the market

    @property
    def ws_market(self) -> str:
        return self.pair.lower()

    def rest_body(self) -> dict[str, Any]:
        """Body of POST /v1/order for the safe order (decimals as exact strings)."""
        wire = {item.name: item.wire for item in _REST_ORDER.fields}
        buy = {normalized: code for code, normalized in iqfinex_layouts.ENUMS["Side"].items()}["buy"]
        values = {
            "market": self.pair,
            "side": buy,
            "volume": str(self.min_volume),
            "price": str(self.safe_price),
        }
        return {wire[name]: value for name, value in values.items()}

    def ws_args(self) -> list[Any]:
        """``create_order`` arguments for the safe order."""
        values = {
            "market": self.ws_market,
            "type": CODES["CreateOrderType"]["limit"],
            "side": CODES["Side"]["buy"],
            "amount": str(self.min_volume),
            "price": str(self.safe_price),
        }
        args: list[Any] = _WS_ORDER.build(values, count=_WS_ORDER.min_items)
        return args


_REST_ORDER = iqfinex_layouts.LAYOUTS["CreateOrderRequest"]
_WS_ORDER = finex_layouts.LAYOUTS["CreateOrderArgs"]


def _decimal(value: Any) -> Decimal | None:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def fetch_market(base_url: str, api_key: str | None, pair: str, timeout: float) -> MarketInfo:
    """Read min volume, accuracy and a safe price; ValueError when the market gives no usable values."""
    headers = {"Authorization": api_key} if api_key else {}
    with httpx.Client(base_url=base_url, timeout=timeout, headers=headers) as client:
        asset = json.loads(client.get(f"/v1/asset/{pair}").raise_for_status().text, parse_float=Decimal)
        ticker = json.loads(client.get(f"/v1/ticker/{pair}").raise_for_status().text, parse_float=Decimal)
    data, tick = asset.get("data") or {}, ticker.get("data") or {}
    min_volume = _decimal(data.get("min_volume"))
    accuracy_value = _decimal(data.get("accuracy"))
    prices = [p for p in (_decimal(tick.get("bid")), _decimal(tick.get("last"))) if p is not None and p > 0]
    if min_volume is None or min_volume <= 0 or accuracy_value is None or not prices:
        raise ValueError(f"market {pair}: no usable min_volume/accuracy/price ({data!r}, {tick!r})")
    accuracy = int(accuracy_value)
    step = Decimal(1).scaleb(-accuracy)
    safe = (min(prices) / 2).quantize(step, rounding=ROUND_DOWN)
    if safe <= 0:
        raise ValueError(f"market {pair}: price too small for a safe order")
    return MarketInfo(pair=pair.upper(), min_volume=min_volume, accuracy=accuracy, safe_price=safe)
