"""Market data derived from the engine's state (never stored): tickers, order books, candles.

Order-book rounding: level ``k`` (0..3) drops ``k`` digits from the market's ``accuracy``, i.e. prices
are grouped on a grid of ``10 ** (k - accuracy)``; bids round **down** and asks round **up**, so a
rounded level never looks better than the orders in it. BTCUSDT (accuracy 2) "3632.12" is "3632.12",
"3632.1", "3632", "3630" at levels 0..3 for a bid.

Candles: ``[open, high, low, close, volume, close_time]``, newest first; the live candle (the bucket
containing "now") has no ``close_time``. Buckets without trades between the first trade and now are
flat candles at the previous close with zero volume.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ._numbers import ZERO
from .engine import Exchange, Trade

__all__ = ["CandleRow", "TickerData", "candles", "order_book", "ticker"]

DAY = 86400


@dataclass(frozen=True)
class TickerData:
    bid: Decimal
    ask: Decimal
    bid_vol: Decimal
    ask_vol: Decimal
    buy_size: Decimal
    sell_size: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume24: Decimal
    percent_change: Decimal
    timestamp: int


@dataclass(frozen=True)
class CandleRow:
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time: int | None


def ticker(exchange: Exchange, pair: str) -> TickerData:
    with exchange.lock:
        book = exchange.books[pair]
        now = exchange.now()
        bid = book.bids[0].price if book.bids else ZERO
        ask = book.asks[0].price if book.asks else ZERO
        bid_vol = sum((o.remaining for o in book.bids if o.price == bid), ZERO)
        ask_vol = sum((o.remaining for o in book.asks if o.price == ask), ZERO)
        buy_size = sum((o.remaining for o in book.bids), ZERO)
        sell_size = sum((o.remaining for o in book.asks), ZERO)
        last = exchange.last_price[pair]
        trades = exchange.trades[pair]
        times = exchange.trade_times[pair]
        start = bisect.bisect_left(times, now - DAY)
        window = trades[start:]
        before = trades[start - 1].price if start > 0 else exchange.markets[pair].start_price
        open_ = window[0].price if window else before
        high = max((t.price for t in window), default=last)
        low = min((t.price for t in window), default=last)
        volume = sum((t.volume for t in window), ZERO)
    change = ((last - open_) / open_ * 100).quantize(Decimal("0.01")) if open_ else ZERO
    return TickerData(
        bid or ZERO,
        ask or ZERO,
        bid_vol,
        ask_vol,
        buy_size,
        sell_size,
        open_,
        high,
        low,
        last,
        volume,
        change,
        now,
    )


def order_book(exchange: Exchange, pair: str, rounding: int) -> tuple[dict[Decimal, list[Decimal]], ...]:
    """(buy, sell): rounded price -> [volume, orders]."""
    market = exchange.markets[pair]
    grid = Decimal(1).scaleb(rounding - market.accuracy)
    result: list[dict[Decimal, list[Decimal]]] = []
    with exchange.lock:
        book = exchange.books[pair]
        for orders, mode in ((book.bids, ROUND_FLOOR), (book.asks, ROUND_CEILING)):
            levels: dict[Decimal, list[Decimal]] = {}
            for order in orders:
                assert order.price is not None
                key = (order.price / grid).quantize(Decimal(1), mode) * grid
                level = levels.setdefault(key, [ZERO, ZERO])
                level[0] += order.remaining
                level[1] += 1
            result.append(levels)
    return tuple(result)


def candles(
    exchange: Exchange, pair: str, frame: int, limit: int, offset: int
) -> tuple[int, list[CandleRow]]:
    """(count, rows newest first) for ``rows[offset:offset + limit]``."""
    with exchange.lock:
        trades: list[Trade] = list(exchange.trades[pair])
        now = exchange.now()
    if not trades:
        return 0, []
    times = [t.created_at for t in trades]
    current = now - now % frame
    first = trades[0].created_at - trades[0].created_at % frame
    count = (current - first) // frame + 1
    rows: list[CandleRow] = []
    for index in range(offset, min(count, offset + limit)):
        start = current - index * frame
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, start + frame)
        close_time = None if start == current else start + frame
        if lo == hi:
            previous = trades[lo - 1].price if lo > 0 else trades[0].price
            rows.append(CandleRow(previous, previous, previous, previous, ZERO, close_time))
            continue
        bucket = trades[lo:hi]
        rows.append(
            CandleRow(
                bucket[0].price,
                max(t.price for t in bucket),
                min(t.price for t in bucket),
                bucket[-1].price,
                sum((t.volume for t in bucket), ZERO),
                close_time,
            )
        )
    return count, rows
