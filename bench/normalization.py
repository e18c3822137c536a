"""In-process normalization benchmarks: the gateway's own functions against same-run baselines.

- ``list_orders``: a 1,000-row reply frame → the body ``GET /v1/finex/orders`` returns, through the real
  path: the connection reader's envelope decoder, :meth:`gateway.finex.client.FinexClient.call_body` (exact
  decode, the rows' body built by the layout's compiled expressions, metrics) and the route's
  :func:`gateway.iqfinex.shaping.json_body`. Floor: ``orjson``
  loads+dumps of the frame; baseline: a pydantic ``OrderRow`` per row.
- REST ``/v1/tickers`` (60 markets) and a 10,000-levels-per-side order book: ``decode_json`` →
  :func:`gateway.iqfinex.shaping.normalize` / :func:`gateway.iqfinex.shaping.order_book` →
  ``json_response``, as the routes do.
- Decimal canonicalization: ``gateway._decimal.canonical_text_uncached`` and the cached ``canonical_text``,
  against ``decimal.Decimal`` construction.

Also reported without targets: the same paths with cold decimal caches, and the per-response work the
upstream clients add before normalization (drift checks, the generated client's parsing).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec
import orjson

from bench._report import Figure, progress
from bench._timing import best_of, best_of_each
from bench.data import list_orders_frame, order_book_body, order_row_slots, tickers_body
from gateway._decimal import canonical_text, canonical_text_uncached, clear_caches
from gateway.drift import DriftMonitor
from gateway.finex import connection as finex_upstream
from gateway.finex.client import FinexClient
from gateway.finex.connection import REPLY
from gateway.iqfinex import shaping
from gateway.iqfinex.client import OPERATIONS, IqfinexClient
from gateway.metrics import Metrics
from gateway.normalize import decode_json
from gateway.settings import Settings
from generated.finex_models import OrderRow

__all__ = ["run"]

GROUP = "normalization"
_LIST_ORDERS_ARGS = ("", 0, 0, "")


def _ms(seconds: float) -> float:
    return seconds * 1000


def _clear_decimal_caches() -> None:
    clear_caches()


class _ReplayPool:
    """Stands in for ``FinexPool``: every call gets the ``result`` of one recorded reply frame, decoded
    by the connection reader's own envelope decoder (as ``FinexConnection`` does per received frame)."""

    def __init__(self, frame: bytes) -> None:
        self.frame = frame

    def get(self, jwt: str | None) -> _ReplayPool:
        return self

    async def call(self, method: str, args: Any, **options: Any) -> msgspec.Raw:
        reply = finex_upstream._FRAME_DECODER.decode(self.frame)  # the reader's decoder (private)
        assert isinstance(reply, finex_upstream._Reply)
        return reply.result


def _run_now(coro: Any) -> Any:
    """Drive a coroutine that never suspends (no event loop needed, no loop overhead measured)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise RuntimeError("the coroutine suspended")


def _finex_client(frame: bytes) -> FinexClient:
    metrics = Metrics()
    settings = Settings(iqfinex_base_url="http://127.0.0.1:9", finex_ws_url="ws://127.0.0.1:9")
    return FinexClient(_ReplayPool(frame), settings, metrics, DriftMonitor(metrics))  # type: ignore[arg-type]


def list_orders(figures: list[Figure]) -> None:
    frame = list_orders_frame(1000)
    client = _finex_client(frame)
    slots = order_row_slots()

    def gateway() -> bytes:  # what GET /v1/finex/orders does with the reply
        return bytes(
            shaping.json_body(_run_now(client.call_body(None, "list_orders", _LIST_ORDERS_ARGS))).body
        )

    def floor() -> bytes:
        return orjson.dumps(orjson.loads(frame))

    def pydantic() -> bytes:
        rows = orjson.loads(frame)[3]
        return orjson.dumps(
            [OrderRow(**dict(zip(slots, row, strict=False))).model_dump(mode="json") for row in rows]
        )

    def cold() -> bytes:
        _clear_decimal_caches()
        return gateway()

    def drift_check() -> None:
        client.on_frame(REPLY, "list_orders", frame)  # what the reader's frame hook does per reply

    body = orjson.loads(gateway())
    assert len(body) == 1000
    assert all("e" not in row["price"] for row in body)
    progress("normalization: list_orders 1,000 rows (gateway, floor, pydantic, cold cache, drift check)")
    t = best_of_each({"gateway": gateway, "floor": floor, "pydantic": pydantic})
    t_gateway, t_floor, t_pydantic = t["gateway"], t["floor"], t["pydantic"]
    t_cold, t_drift = best_of(cold), best_of(drift_check)
    note = f"frame {len(frame) / 1024:.0f} KiB; gateway {_ms(t_gateway):.2f} ms"
    figures += [
        Figure.compare(
            "ws list_orders 1k rows → body vs orjson floor", _ms(t_gateway), "ms", _ms(t_floor), "orjson",
            target=("≤ 3×", lambda r: r <= 3), note=note, group=GROUP,
        ),
        Figure.compare(
            "ws list_orders 1k rows → body vs pydantic", _ms(t_gateway), "ms", _ms(t_pydantic), "pydantic",
            invert=True, target=("≥ 5×", lambda r: r >= 5), note=note, group=GROUP,
        ),
        Figure.compare(
            "ws list_orders 1k rows, cold decimal caches", _ms(t_cold), "ms", _ms(t_floor), "orjson",
            note="decimal caches cleared every call (worst case)", group=GROUP,
        ),
        Figure.compare(
            "ws list_orders frame drift check (on_frame)", _ms(t_drift), "ms", _ms(t_floor), "orjson",
            note="per reply frame, before normalization; not in the figures above", group=GROUP,
        ),
    ]  # fmt: skip


def _rest_upstream_work(operation: str, content: bytes) -> Callable[[], Any]:
    """What :class:`IqfinexClient` does with a 200 body before the route normalizes it: ``_data``
    (drift check on the body as sent, then the exact decode)."""
    metrics = Metrics()
    client = IqfinexClient("http://127.0.0.1:9", Settings(), metrics, DriftMonitor(metrics))
    op = OPERATIONS[operation]

    def work() -> Any:
        return client._data(op, 200, content)

    return work


def rest_bodies(figures: list[Figure]) -> None:
    tickers, book = tickers_body(60), order_book_body(10_000)

    def tickers_gateway() -> bytes:
        data = decode_json(tickers)["data"]
        return bytes(shaping.json_response(shaping.normalize("listTickers", data)).body)

    def book_gateway() -> bytes:
        data = decode_json(book)["data"]
        return bytes(shaping.json_response(shaping.order_book(data, "BTCUSDT", 0)).body)

    def floor(body: bytes) -> Callable[[], bytes]:
        return lambda: orjson.dumps(orjson.loads(body))

    def cold(fn: Callable[[], bytes]) -> Callable[[], bytes]:
        def run() -> bytes:
            _clear_decimal_caches()
            return fn()

        return run

    out = orjson.loads(tickers_gateway())
    assert len(out) == 60
    assert not any("e-" in str(v) for row in out for v in row.values())
    levels = orjson.loads(book_gateway())
    assert len(levels["bids"]) == len(levels["asks"]) == 10_000
    assert Decimal(levels["bids"][0]["price"]) > Decimal(levels["bids"][-1]["price"])

    progress("normalization: /v1/tickers 60 markets (gateway, floor, cold, client work)")
    t = best_of_each({"gateway": tickers_gateway, "floor": floor(tickers)})
    t_tk, t_tk_floor = t["gateway"], t["floor"]
    t_tk_cold, t_tk_client = (
        best_of(cold(tickers_gateway)),
        best_of(_rest_upstream_work("listTickers", tickers)),
    )
    progress("normalization: order book 2×10,000 levels (gateway, floor, cold, client work)")
    t = best_of_each({"gateway": book_gateway, "floor": floor(book)}, repeat=5, min_time=0.2)
    t_ob, t_ob_floor = t["gateway"], t["floor"]
    t_ob_cold = best_of(cold(book_gateway), repeat=3)
    t_ob_client = best_of(_rest_upstream_work("getOrderBook", book), repeat=3)
    figures += [
        Figure.compare(
            "rest /v1/tickers 60 markets → body vs orjson floor", _ms(t_tk), "ms", _ms(t_tk_floor), "orjson",
            target=("≤ 4×", lambda r: r <= 4), note=f"body {len(tickers) / 1024:.0f} KiB", group=GROUP,
        ),
        Figure.compare(
            "rest order book 2×10k levels → body vs orjson floor", _ms(t_ob), "ms", _ms(t_ob_floor), "orjson",
            target=("≤ 4×", lambda r: r <= 4), note=f"body {len(book) / 1024:.0f} KiB", group=GROUP,
        ),
        Figure.compare(
            "rest /v1/tickers, cold decimal caches", _ms(t_tk_cold), "ms", _ms(t_tk_floor), "orjson",
            note="decimal caches cleared every call", group=GROUP,
        ),
        Figure.compare(
            "rest order book, cold decimal caches", _ms(t_ob_cold), "ms", _ms(t_ob_floor), "orjson",
            note="decimal caches cleared every call", group=GROUP,
        ),
        Figure.compare(
            "rest /v1/tickers client work before normalizing", _ms(t_tk_client), "ms", _ms(t_tk_floor),
            "orjson",
            note="drift check on the body as sent + exact decode (IqfinexClient._data)", group=GROUP,
        ),
        Figure.compare(
            "rest order book client work before normalizing", _ms(t_ob_client), "ms", _ms(t_ob_floor),
            "orjson",
            note="drift check on the body as sent + exact decode (IqfinexClient._data)", group=GROUP,
        ),
    ]  # fmt: skip


def _mixed_values(count: int, seed: int) -> list[str]:
    """Distinct decimal texts: JSON float text in exponent form, long decimal strings, plain amounts."""
    rng = random.Random(seed)
    values: list[str] = []
    for index in range(count):
        kind = index % 4
        if kind == 0:  # a float's shortest repr in exponent form, as JSON numbers arrive
            values.append(repr(rng.uniform(1, 10) * 10.0 ** -rng.randint(5, 12)).replace("e-0", "e-"))
        elif kind == 1:  # big exponent form
            values.append(f"{rng.randint(1, 99999)}e{rng.randint(1, 22)}")
        elif kind == 2:  # long decimal string with trailing zeros
            values.append(f"{rng.randint(0, 10**8)}.{rng.randint(0, 10**12):012d}000000")
        else:  # an ordinary amount
            values.append(f"{rng.randint(0, 99999)}.{rng.randint(0, 99999999):08d}")
    return values


def decimals(figures: list[Figure]) -> None:
    uncached_fn: Callable[[str], str] = canonical_text_uncached
    values = _mixed_values(200_000, seed=3)
    hot = values[:50_000]  # fits the decimal cache (65,536 entries)
    for text in random.Random(5).sample(values, 5000):
        out = uncached_fn(text)
        assert Decimal(out) == Decimal(text), (text, out)
        assert "e" not in out.lower(), (text, out)

    progress("normalization: decimal canonicalization (uncached, cached, Decimal baseline)")
    t = best_of_each(
        {"uncached": lambda: list(map(uncached_fn, values)), "decimal": lambda: list(map(Decimal, values))},
        repeat=5,
    )
    t_uncached, t_decimal = t["uncached"] / len(values), t["decimal"] / len(values)
    list(map(canonical_text, hot))
    t_cached = best_of(lambda: list(map(canonical_text, hot)), repeat=3) / len(hot)
    figures += [
        Figure.compare(
            "decimal canonicalization, uncached", 1 / t_uncached, "values/s", 1 / t_decimal,
            "Decimal(s)/s", target=("≥ 1,000,000 values/s", lambda _: 1 / t_uncached >= 1_000_000),
            note=f"{t_uncached * 1e9:.0f} ns/value; exact on a 5,000-value sample", group=GROUP,
        ),
        Figure.compare(
            "decimal canonicalization, cached hot path", 1 / t_cached, "values/s", 1 / t_decimal,
            "Decimal(s)/s", note=f"{t_cached * 1e9:.0f} ns/value (cache hit)", group=GROUP,
        ),
    ]  # fmt: skip


def run(figures: list[Figure]) -> None:
    list_orders(figures)
    rest_bodies(figures)
    decimals(figures)
