"""Benchmark inputs: upstream bodies and frames shaped like the real ones, built deterministically.

- :func:`list_orders_frame` — a Finex ``[2, id, "list_orders", [row, ...]]`` reply frame; rows follow
  the ``OrderRow`` layout (slot order from ``generated/finex_layouts.py``), decimals as strings with
  trailing zeros (``"0.250000"``), states and types mixed.
- :func:`tickers_body` — ``GET /v1/tickers``: the recorded 2019-09 markets (exponent-form numbers such
  as ``4.3e-7``) topped up to ``markets`` with synthesized ones in the same style.
- :func:`order_book_body` — ``GET /v1/orderbook/{pair}/0`` with unsorted price keys and
  ``[volume, orders]`` rows, JSON numbers as the upstream prints them.
"""

from __future__ import annotations

import random
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml

from generated.finex_layouts import ENUMS, LAYOUTS

__all__ = ["RECORDED", "list_orders_frame", "order_book_body", "order_row_slots", "tickers_body"]

RECORDED = Path(__file__).resolve().parent.parent / "recorded" / "iqfinex"


def order_row_slots() -> list[str]:
    """Wire names of the ``OrderRow`` slots, in order (the layout is the source of truth)."""
    return [f.wire for f in LAYOUTS["OrderRow"].fields]


def _amount(rng: random.Random, places: int, low: float, high: float) -> str:
    """A decimal string with exactly ``places`` fractional digits (so trailing zeros are common)."""
    scale = 10**places
    units = rng.randint(int(low * scale), int(high * scale))
    # Round most values to a coarser grid so "0.250000"-style trailing zeros show up.
    grid = rng.choice((1, 10, 1000, scale // 4 or 1))
    units = max(grid, units - units % grid)
    whole, frac = divmod(units, scale)
    return f"{whole}.{frac:0{places}d}" if places else str(whole)


def _order_row(rng: random.Random, index: int) -> list[Any]:
    markets = ("btcusdt", "ethusdt", "ethbtc", "ltcusdt", "btcusdc", "modeth")
    states = list(ENUMS["OrderStateCode"])
    types = list(ENUMS["OrderTypeCode"])
    market = rng.choice(markets)
    places = 2 if market.endswith(("usdt", "usdc")) else 8
    price = _amount(rng, places, 0.001, 60000.0 if market.startswith("btc") else 4000.0)
    original = _amount(rng, 6, 0.001, 25.0)
    state = rng.choice(states)
    executed = "0.000000" if state in ("w", "p", "tw") else _amount(rng, 6, 0.0, float(original))
    remaining = format(max(float(original) - float(executed), 0.0), ".6f")  # text only; never parsed back
    values = {
        "market": market,
        "id": 100_000 + index,
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=1)),
        "side": rng.choice(("buy", "sell")),
        "state": state,
        "type": rng.choice(types),
        "price": price,
        "avg_price": "0" if executed.strip("0.") == "" else price,
        "volume": remaining,
        "original_volume": original,
        "executed_volume": executed,
        "trades_count": rng.randint(0, 12),
        "created_at": 1_594_386_563 + index * 37,
        "maker_fee": rng.choice(("0.1", "0.10", "0.250000", "0.25")),
        "taker_fee": rng.choice(("0.2", "0.20", "0.250000", "0.25")),
    }
    return [values[name] for name in order_row_slots()[:15]]


@cache
def list_orders_frame(rows: int = 1000, seed: int = 7) -> bytes:
    """A ``list_orders`` reply frame with ``rows`` 15-slot order rows."""
    rng = random.Random(seed)
    return orjson.dumps([2, 42, "list_orders", [_order_row(rng, i) for i in range(rows)]])


def _recorded_body(name: str) -> bytes:
    cassette = yaml.safe_load((RECORDED / "2019-09" / name).read_text(encoding="utf-8"))
    body: str = cassette["http_interactions"][0]["response"]["body"]["string"]
    return body.encode()


def _js_number(value: float) -> bytes:
    """A float as the upstream (JavaScript) prints it: shortest repr, ``4.3e-7`` for small ones."""
    text = repr(value)
    return text.replace("e-0", "e-").encode()


def _exponent(rng: random.Random) -> bytes:
    """A small number in the exponent form JavaScript prints below 1e-6 (``4.3e-7``, ``6e-8``)."""
    digits = str(rng.randint(1, 999)).rstrip("0")
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e-{rng.randint(7, 9)}".encode()


@cache
def tickers_body(markets: int = 60, seed: int = 11) -> bytes:
    """``{"status":200,"data":{PAIR: ticker, ...}}`` with ``markets`` pairs, the recorded ones first."""
    recorded = _recorded_body("fetch_ticker.yml")
    data: dict[str, Any] = orjson.loads(recorded)["data"]
    rng = random.Random(seed)
    template = next(iter(data.values()))
    start, end = recorded.index(b'"data":{') + len(b'"data":{'), recorded.rstrip().rindex(b"}}")
    parts = [recorded[start:end]]  # the recorded entries, byte for byte
    for index in range(markets - len(data)):
        pair = f"SYN{index:02d}BTC"
        fields = []
        for key, sample in template.items():
            if key == "timestamp":
                value = b"1569299394"
            elif key == "percentChange":
                value = _js_number(round(rng.uniform(-9, 9), 2))
            elif isinstance(sample, float) and rng.random() < 0.5:
                value = _exponent(rng)
            else:
                value = _js_number(round(rng.uniform(0.0001, 90000), 8))
            fields.append(b'"' + key.encode() + b'":' + value)
        parts.append(b'"' + pair.encode() + b'":{' + b",".join(fields) + b"}")
    return b'{"status":200,"data":{' + b",".join(parts) + b"}}"


@cache
def order_book_body(levels: int = 10_000, seed: int = 13) -> bytes:
    """``{"status":200,"data":{"buy":{price:[volume,orders],...},"sell":{...}}}``, keys unsorted."""
    rng = random.Random(seed)

    def side(low: float, high: float) -> bytes:
        prices: set[str] = set()
        while len(prices) < levels:
            prices.add(format(round(rng.uniform(low, high), 2), ".2f").rstrip("0").rstrip("."))
        rows = (
            b'"'
            + p.encode()
            + b'":['
            + _js_number(round(rng.uniform(1e-6, 3), 8))
            + b","
            + str(rng.randint(1, 9)).encode()
            + b"]"
            for p in prices  # set order: unsorted, as the upstream sends them
        )
        return b"{" + b",".join(rows) + b"}"

    return b'{"status":200,"data":{"buy":' + side(5000, 8200) + b',"sell":' + side(8200.01, 12000) + b"}}"
