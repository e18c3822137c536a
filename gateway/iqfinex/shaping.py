"""The REST side's shaping: upstream ``data`` → the gateway's bodies.

Driven by ``generated/iqfinex_layouts.py`` (``LAYOUTS``, ``ENUMS``, ``RESPONSES``); no field is named by
position or repeated by hand.

- :func:`normalize` — the ``data`` of an operation's 200 envelope through its layout; map-shaped data
  (tickers keyed by pair, balances keyed by currency) becomes a list of objects carrying the key under
  its normalized name (``Field.key``).
- :func:`order_book` and :func:`candles` — the two positional shapes, see their docstrings.
- :func:`json_response` — a body written by the gateway's one encoder (no pydantic re-validation).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import islice
from operator import eq, itemgetter
from typing import Any

from fastapi.responses import Response

from gateway._decimal import (
    DecimalError,
)
from gateway._json import encode
from gateway.normalize import DriftLog, NormalizationError, Normalizer, current_drift, decode_json, drift_at
from gateway.problems import BadUpstreamResponse
from generated.iqfinex_layouts import ENUMS, LAYOUTS, RESPONSES
from generated.iqfinex_operations import OPERATIONS

__all__ = [
    "BOOK_SIDES",
    "NORMALIZER",
    "OPEN_TIME",
    "candles",
    "encode",
    "example",
    "json_body",
    "json_response",
    "normalize",
    "order_book",
    "upstream_example",
]

NORMALIZER = Normalizer(LAYOUTS, ENUMS)


# ------------------------------------------------------------------------------------ responses
def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response written by the gateway's one encoder (integers of any size, exactly)."""
    return json_body(encode(body), status)


def json_body(content: bytes, status: int = 200) -> Response:
    """A JSON response of a body already encoded (by the gateway's encoder or an equivalent path)."""
    return Response(content, status_code=status, media_type="application/json")


def _unnormalizable(exc: Exception) -> BadUpstreamResponse:
    return BadUpstreamResponse(f"the upstream response cannot be normalized: {exc}")


def normalize(operation: str, data: Any) -> Any:
    """The normalized ``data`` of ``operation``'s 200 envelope (502 problem when it cannot be)."""
    spec = RESPONSES[operation]
    try:
        if spec.kind == "map" and spec.ref is not None and spec.key is not None:
            if not isinstance(data, dict):
                raise NormalizationError(operation, f"expected an object, got {type(data).__name__}")
            try:
                fast = NORMALIZER.compiled(spec.ref)
                return [{spec.key: key, **fast(value)} for key, value in data.items()]
            except Exception:  # the checked path: names the field, or (lenient) serves it as null
                convert = NORMALIZER.converter(spec.ref)
                rows = []
                for index, (key, value) in enumerate(data.items()):
                    with drift_at(f"$[{index}]"):
                        rows.append({spec.key: key, **convert(value)})
                return rows
        assert spec.ref is not None
        return NORMALIZER(spec.ref, data)
    except (NormalizationError, DecimalError, TypeError, AttributeError) as exc:
        raise _unnormalizable(exc) from None


def _book_sides() -> dict[str, tuple[str, bool]]:
    # Gateway side name → (upstream OrderBook field, best-first is descending). The upstream calls the
    # sides buy (bids) and sell (asks); checked against the layout so a renamed field fails at import.
    sides = {"bids": ("buy", True), "asks": ("sell", False)}
    fields = {f.name for f in LAYOUTS["OrderBook"].fields}
    missing = {wire for wire, _ in sides.values()} - fields
    if missing:  # pragma: no cover - guards against a spec change
        raise RuntimeError(f"OrderBook layout lacks {sorted(missing)}")
    return sides


BOOK_SIDES = _book_sides()


def _price_order(levels: list[dict[str, Any]], price: str, descending: bool) -> list[int]:
    """Positions of ``levels`` in exact decimal order of their (canonical text) ``price``; equal prices
    keep the upstream's order.

    Sorted first by ``float`` keys, all in C (``map`` over the type, the list's ``__getitem__`` as the
    key). That order is exact whenever the sorted floats are strictly increasing: correctly rounded
    conversion is monotone (``a <= b`` gives ``float(a) <= float(b)``), so ``float(a) < float(b)``
    implies ``a < b``. Any tie (prices equal, or apart beyond float precision, or beyond its range) sorts
    again by exact ``Decimal`` keys. No price is ever served as a float: the keys only order the levels.
    """
    prices = list(map(itemgetter(price), levels))
    keys: list[float] | list[Decimal] = list(map(float, prices))
    order = sorted(range(len(levels)), key=keys.__getitem__, reverse=descending)
    ranked = list(map(keys.__getitem__, order))
    if any(map(eq, ranked, islice(ranked, 1, None))):
        keys = list(map(Decimal, prices))
        order = sorted(range(len(levels)), key=keys.__getitem__, reverse=descending)
    return order


def _sorted_levels(levels: list[dict[str, Any]], price: str, descending: bool) -> list[dict[str, Any]]:
    return list(map(levels.__getitem__, _price_order(levels, price, descending)))


def _sorted_drifted(
    converted: list[dict[str, Any]], price: str, descending: bool, side: str, log: DriftLog, mark: int
) -> list[dict[str, Any]]:
    """Sort the levels of one side some of whose values were served as null: levels without a price
    come last, and the paths recorded since ``mark`` (``$[i]…``, positions in the upstream object) are
    renumbered to positions in the sorted ``$.<side>`` list."""
    recorded, log.paths = log.paths[mark:], log.paths[:mark]
    indices = range(len(converted))
    priced = [i for i in indices if converted[i][price] is not None]
    ranked = _price_order([converted[i] for i in priced], price, descending)
    order = [priced[r] for r in ranked] + [i for i in indices if converted[i][price] is None]
    position = {old: new for new, old in enumerate(order)}
    for path in recorded:
        index, _, rest = path.removeprefix("$[").partition("]")
        log.paths.append(f"$.{side}[{position[int(index)]}]{rest}")
    return [converted[i] for i in order]


def order_book(data: Any, market: str, rounding: int) -> dict[str, Any]:
    """Order book: price-keyed maps of ``[volume, orders]`` rows → sorted lists of level objects.

    Upstream (``GET /v1/orderbook/BTCUSDC/0``, recorded 2019-09-24, excerpt)::

        {"buy": {"7780.01": [0.00759362, 1], "8179.53": [0.00259782, 1]}, "sell": {"11683.86": [...]}}
                  price      volume      orders

    becomes ``{"market": "BTCUSDC", "rounding": 0, "bids": [{"price": "8179.53", "volume": "0.00259782",
    "orders": 1}, ...], "asks": [...]}``: the key's name is the layout's ``Field.key`` (``price``), the
    level fields come from the ``OrderBookLevel`` layout; bids best (highest) first, asks lowest first,
    in exact decimal order (:func:`_price_order`) whatever order the upstream sent.
    """
    try:
        if not isinstance(data, dict):
            raise NormalizationError("OrderBook", f"expected an object, got {type(data).__name__}")
        fields = {f.name: f for f in LAYOUTS["OrderBook"].fields}
        out: dict[str, Any] = {"market": market, "rounding": rounding}
        for side, (name, descending) in BOOK_SIDES.items():
            item = fields[name]
            assert item.ref is not None
            assert item.key is not None
            if item.key_kind != "decimal":  # pragma: no cover - guards against a spec change
                raise RuntimeError(f"OrderBook.{item.wire} keys are not declared as decimals")
            levels = NORMALIZER.keyed_list_converter(item.ref, item.key, decimal_key=True)
            raw = data.get(item.wire)
            if not isinstance(raw, dict):
                raise NormalizationError(f"OrderBook.{item.wire}", "expected an object keyed by price")
            log = current_drift()
            if log is None:
                out[side] = _sorted_levels(levels(raw), item.key, descending)
                continue
            count, mark = log.count, len(log.paths)
            with drift_at("$"):  # positions in the upstream object, renumbered once sorted
                converted = levels(raw)
            if log.count == count:
                out[side] = _sorted_levels(converted, item.key, descending)
            else:
                out[side] = _sorted_drifted(converted, item.key, descending, side, log, mark)
        return out
    except (NormalizationError, DecimalError, TypeError, AttributeError) as exc:
        raise _unnormalizable(exc) from None


def candles(data: Any, market: str, frame: int) -> dict[str, Any]:
    """Candles: ``{count, rows: [[open, high, low, close, volume, close_time?], ...]}`` → objects.

    Upstream (``GET /v1/candles/ETHBTC/300``, the docs' example)::

        {"count": 3600, "rows": [[0.034375, 0.034399, 0.03428, 0.034381, 4.1961],
                                  open      high      low      close     volume   (live: no close_time)
                                 [0.034322, 0.034425, 0.03417, 0.034375, 15.3358, 1552378200]]}
                                                                                  close_time

    becomes ``{"market": "ETHBTC", "frame": 300, "count": 3600, "candles": [{"open_time": 1552378200,
    "open": "0.034375", ..., "close_time": null}, {"open_time": 1552377900, ..., "close_time":
    1552378200}]}`` (slot names from the ``CandleRow`` layout). ``open_time`` (:data:`OPEN_TIME`) is
    derived exactly: ``close_time - frame`` for a closed candle; for the live one (no close time yet),
    the close time of the candle before it (the next row), null when the page holds no such candle.
    """
    body = normalize("listCandles", data)
    rows = body.pop("rows")
    log = current_drift()
    if log is not None:
        log.rename("$.rows", "$.candles")
    close = _CLOSE_TIME
    candles = []
    for index, row in enumerate(rows):
        if row[close] is not None:
            opened = row[close] - frame
        else:
            previous = rows[index + 1][close] if index + 1 < len(rows) else None
            opened = previous
        candles.append({OPEN_TIME: opened, **row})
    return {"market": market, "frame": frame, **body, "candles": candles}


OPEN_TIME = "open_time"
"""The candle field the gateway derives (the upstream sends close times only)."""

_CLOSE_TIME = next(f.name for f in LAYOUTS["CandleRow"].fields if f.kind == "timestamp")
"""The ``CandleRow`` slot holding the close time (the layout's only timestamp)."""


# ------------------------------------------------------------------------------------ examples
def upstream_example(operation: str) -> Any:
    """The ``data`` of the upstream contract's 200 example of ``operation`` (None without one).

    Documentation only: YAML read the example's numbers as floats and codegen wrote them as their
    shortest repr (``generated/iqfinex_operations.py``), so this is the one place a float's text becomes
    a decimal.
    """
    sample = OPERATIONS[operation].example  # JSON text, emitted by codegen
    return None if sample is None else decode_json(sample.encode())["data"]


def example(operation: str, shape: Callable[[Any], Any] | None = None) -> Any:
    """The normalized form of the upstream example (``shape``: the route's own shaping)."""
    data = upstream_example(operation)
    if data is None:
        return None
    return shape(data) if shape is not None else normalize(operation, data)
