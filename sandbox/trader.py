"""Background trader: keeps the market moving with a few seeded-random orders per tick.

Each tick trades the ``focus`` markets (config) and ``markets_per_tick`` random tradable others. In
each it cancels its oldest order when it has more than ``2 * book_levels`` of them, places one limit
order within ±0.5 % of the last price, and with probability 0.3 sends a small market order that trades
against the book (so tickers, candles and public trades change). It trades from the counterparty
account (the last account of the config).
"""

from __future__ import annotations

import asyncio
import random
from decimal import ROUND_FLOOR, Decimal

from ._types import Side
from .engine import VOLUME_QUANTUM, EngineError, Exchange

__all__ = ["run_trader", "tick"]


def tick(
    exchange: Exchange,
    account_id: int,
    rng: random.Random,
    markets_per_tick: int,
    focus: tuple[str, ...] = (),
) -> None:
    focused = [p for p in focus if p in exchange.markets and exchange.markets[p].is_trade]
    others = sorted(p for p, m in exchange.markets.items() if m.is_trade and p not in focused)
    for pair in focused + rng.sample(others, min(markets_per_tick, len(others))):
        market = exchange.markets[pair]
        with exchange.lock:
            mine = [o for o in exchange.account_orders[account_id] if o.pair == pair and o.state == "open"]
            last = exchange.last_price[pair]
        try:
            if len(mine) > 2 * exchange.config.book_levels:
                exchange.cancel(account_id, order_id=mine[0].id)
            side: Side = "buy" if rng.random() < 0.5 else "sell"
            offset = Decimal(rng.randint(1, 50)) / Decimal(10000)
            price = last * (1 - offset if side == "buy" else 1 + offset)
            price = max(price.quantize(market.tick, ROUND_FLOOR), market.tick)
            volume = (market.min_volume * rng.randint(1, 5)).quantize(VOLUME_QUANTUM)
            exchange.place(account_id, pair, side, "limit", volume, price)
            if rng.random() < 0.3:
                exchange.place(
                    account_id, pair, "sell" if side == "buy" else "buy", "market", market.min_volume
                )
        except EngineError:
            continue


async def run_trader(
    exchange: Exchange,
    account_id: int,
    seed: int,
    interval: float,
    markets_per_tick: int,
    focus: tuple[str, ...] = (),
) -> None:
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(interval)
        tick(exchange, account_id, rng, markets_per_tick, focus)
