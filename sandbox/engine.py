"""The matching engine behind both surfaces: markets, accounts, orders, trades, balances.

One ``Exchange`` owns all state; every public method takes ``Exchange.lock`` (a ``threading.RLock``),
so REST handlers, websocket handlers, the background trader and test threads can call it
concurrently without ever overspending a balance. All amounts are ``Decimal``.

Rules:

- Price-time priority; trades execute at the maker's price. Post-only orders that would take are
  rejected; fill-or-kill orders that cannot fill completely are rejected; a market order that finds no
  liquidity is rejected, one that fills partly has its remainder cancelled.
- Stop-limit orders wait (``trigger_wait``) until the last trade price reaches ``stop_price`` from the
  side it was on when placed, then become limit orders.
- Funds are locked on placement (buy: ``volume * price`` of the right currency, or the cost of walking
  the book for a market buy; sell: ``volume`` of the left currency) and released on cancel or fill.
- Commission is taken from what an order receives (buyer: left currency, seller: right currency) at
  the maker or taker rate from the config.
- An order cancelled without any execution is not kept in the REST order history (as the docs say);
  the websocket still lists it.

Listeners (``Exchange.listeners``) receive lists of ``Event`` after each operation, outside the lock.
"""

from __future__ import annotations

import bisect
import copy
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from ._numbers import ZERO
from ._types import OrderKind, OrderState, Side
from .settings import Config

__all__ = [
    "Account",
    "Balance",
    "Clock",
    "Currency",
    "EngineError",
    "Event",
    "Exchange",
    "Market",
    "Order",
    "Trade",
    "UserTrade",
]

VOLUME_QUANTUM = Decimal("1e-8")
MAX_AMOUNT = Decimal("1e15")
"""Largest volume, price or quote amount an order may name (a live exchange refuses absurd sizes;
here it also keeps every product exact and every book key short)."""
EventKind = Literal["on", "ou", "oc", "or", "tr", "bu"]


class EngineError(Exception):
    """Bad input or a request the engine refuses (insufficient balance, unknown order...)."""


class Clock:
    """Wall clock plus an offset that ``advance`` moves forward (for candle and 24 h tests)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass(frozen=True)
class Market:
    pair: str
    left: str
    right: str
    accuracy: int
    min_volume: Decimal
    is_trade: bool
    start_price: Decimal

    @property
    def ws_name(self) -> str:
        return self.pair.lower()

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.accuracy)


@dataclass(frozen=True)
class Currency:
    name: str
    alias: str
    type: str
    commission: Decimal
    confirmations: int
    min_withdrawal: Decimal
    min_deposit: Decimal
    is_deposit: bool
    is_withdrawal: bool


@dataclass
class Balance:
    available: Decimal = ZERO
    locked: Decimal = ZERO


@dataclass
class Account:
    id: int
    uid: str
    email: str
    balances: dict[str, Balance]

    def balance(self, currency: str) -> Balance:
        return self.balances.setdefault(currency, Balance())


@dataclass
class Order:
    id: int
    uuid: str
    account_id: int
    pair: str
    side: Side
    kind: OrderKind
    price: Decimal | None
    stop_price: Decimal | None
    original_volume: Decimal
    created_at: int
    seq: int
    executed_volume: Decimal = ZERO
    executed_quote: Decimal = ZERO
    state: OrderState = "pending"
    closed_at: int | None = None
    trades_count: int = 0
    locked: Decimal = ZERO
    reject_reason: str = ""
    trigger_above: bool = True
    quote_amount: Decimal | None = None
    maker_fee: Decimal = ZERO
    taker_fee: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.original_volume - self.executed_volume

    @property
    def avg_price(self) -> Decimal:
        return self.executed_quote / self.executed_volume if self.executed_volume else ZERO

    @property
    def in_history(self) -> bool:
        """Kept in the REST order history: filled, or cancelled after a partial execution."""
        return self.state == "filled" or (self.state == "cancelled" and self.executed_volume > 0)


@dataclass(frozen=True)
class Trade:
    id: int
    pair: str
    price: Decimal
    volume: Decimal
    taker_side: Side
    created_at: int
    buy_order_id: int
    sell_order_id: int

    @property
    def total(self) -> Decimal:
        return self.price * self.volume


@dataclass(frozen=True)
class UserTrade:
    """One account's view of a trade: its order, commission and counterparty."""

    trade: Trade
    account_id: int
    order_id: int
    order_uuid: str
    order_side: Side
    order_created_at: int
    fee: Decimal
    fee_currency: str
    counterparty_id: int


@dataclass(frozen=True)
class Event:
    account_id: int
    kind: EventKind
    order: Order | None = None
    user_trade: UserTrade | None = None
    balances: tuple[tuple[str, Decimal, Decimal], ...] = ()


@dataclass
class _Book:
    bids: list[Order] = field(default_factory=list)  # best first: price desc, then time
    asks: list[Order] = field(default_factory=list)  # best first: price asc, then time

    def side(self, side: Side) -> list[Order]:
        return self.bids if side == "buy" else self.asks

    def add(self, order: Order) -> None:
        assert order.price is not None
        if order.side == "buy":
            bisect.insort(self.bids, order, key=lambda o: (-(o.price or ZERO), o.seq))
        else:
            bisect.insort(self.asks, order, key=lambda o: (o.price or ZERO, o.seq))

    def remove(self, order: Order) -> None:
        orders = self.side(order.side)
        for index, candidate in enumerate(orders):
            if candidate is order:
                del orders[index]
                return


def _crosses(taker: Order, maker: Order) -> bool:
    if taker.price is None:
        return True
    assert maker.price is not None
    return maker.price <= taker.price if taker.side == "buy" else maker.price >= taker.price


class Exchange:
    """All sandbox state. Construct, then ``reset()`` (done by the constructor) to seed it."""

    def __init__(
        self,
        config: Config,
        markets: list[Market],
        currencies: list[Currency],
        seed: int = 0,
        clock: Clock | None = None,
        seed_book: bool = True,
    ) -> None:
        self.config = config
        self.markets = {m.pair: m for m in markets}
        self.ws_markets = {m.ws_name: m for m in markets}
        self.currencies = {c.name: c for c in currencies}
        self.clock = clock or Clock()
        self.seed = seed
        self.seed_book = seed_book
        self.lock = threading.RLock()
        self.listeners: list[Callable[[list[Event]], None]] = []
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self, seed: int | None = None) -> None:
        """Fresh seeded state: balances from the config, empty history, the counterparty's book."""
        with self.lock:
            if seed is not None:
                self.seed = seed
            self.rng = random.Random(self.seed)
            self._ids = 0
            self._trade_ids = 0
            self._seq = 0
            self.orders: dict[int, Order] = {}
            self.by_uuid: dict[str, Order] = {}
            self.books: dict[str, _Book] = {p: _Book() for p in self.markets}
            self.stops: dict[str, list[Order]] = {p: [] for p in self.markets}
            self.trades: dict[str, list[Trade]] = {p: [] for p in self.markets}
            self.trade_times: dict[str, list[int]] = {p: [] for p in self.markets}
            self.last_price: dict[str, Decimal] = {p: m.start_price for p, m in self.markets.items()}
            self.user_trades: dict[int, list[UserTrade]] = {}
            self.order_trades: dict[int, list[UserTrade]] = {}
            self.account_orders: dict[int, list[Order]] = {}
            self.ws_config: dict[int, dict[str, dict[str, dict[str, object]]]] = {}
            self.accounts: dict[int, Account] = {}
            for cfg in self.config.accounts:
                balances = {c: Balance(available=cfg.default_balance) for c in self.currencies}
                for currency, amount in cfg.balances.items():
                    balances[currency] = Balance(available=amount)
                self.accounts[cfg.id] = Account(cfg.id, cfg.uid, cfg.email, balances)
                self.account_orders[cfg.id] = []
                self.user_trades[cfg.id] = []
            self.started_at = int(self.clock.now())
            self.deposits = {
                a.id: [
                    (i + 1, currency, b.available, self.started_at)
                    for i, (currency, b) in enumerate(sorted(a.balances.items()))
                    if b.available > 0
                ]
                for a in self.accounts.values()
            }
            if self.seed_book and len(self.config.accounts) > 1:
                self._seed_books(self.config.accounts[-1].id)

    def _seed_books(self, account_id: int) -> None:
        for market in self.markets.values():
            if not market.is_trade:
                continue
            last = market.start_price
            step = max(market.tick, (last * Decimal("0.002")).quantize(market.tick, ROUND_CEILING))
            for level in range(1, self.config.book_levels + 1):
                volume = (market.min_volume * self.rng.randint(1, 30)).quantize(VOLUME_QUANTUM)
                ask = (last + step * level).quantize(market.tick, ROUND_CEILING)
                self._place_locked(account_id, market.pair, "sell", "limit", volume, ask, None, None, [])
                bid = (last - step * level).quantize(market.tick, ROUND_FLOOR)
                if bid > 0:
                    self._place_locked(account_id, market.pair, "buy", "limit", volume, bid, None, None, [])

    def now(self) -> int:
        return int(self.clock.now())

    def _emit(self, events: list[Event]) -> None:
        if events:
            for listener in list(self.listeners):
                listener(events)

    def market(self, pair: str) -> Market:
        market = self.markets.get(pair)
        if market is None:
            raise EngineError(f"Unknown asset {pair}")
        return market

    # ------------------------------------------------------------------ commands
    def place(
        self,
        account_id: int,
        pair: str,
        side: Side,
        kind: OrderKind,
        volume: Decimal,
        price: Decimal | None = None,
        stop_price: Decimal | None = None,
        quote_amount: Decimal | None = None,
    ) -> Order:
        """Validate, lock funds, match; returns a snapshot of the order after matching."""
        events: list[Event] = []
        with self.lock:
            order = self._place_locked(
                account_id, pair, side, kind, volume, price, stop_price, quote_amount, events
            )
            snapshot = copy.copy(order)
        self._emit(events)
        return snapshot

    def cancel(self, account_id: int, order_id: int | None = None, order_uuid: str | None = None) -> Order:
        events: list[Event] = []
        with self.lock:
            order = self.orders.get(order_id) if order_id is not None else self.by_uuid.get(order_uuid or "")
            if order is None or order.account_id != account_id:
                raise EngineError("Order not found")
            if order.state not in ("open", "trigger_wait"):
                raise EngineError(f"Order {order.id} is not active")
            self._cancel_locked(order, events)
            snapshot = copy.copy(order)
        self._emit(events)
        return snapshot

    def cancel_all(self, account_id: int) -> int:
        events: list[Event] = []
        with self.lock:
            active = [
                o for o in self.account_orders.get(account_id, []) if o.state in ("open", "trigger_wait")
            ]
            for order in active:
                self._cancel_locked(order, events)
        self._emit(events)
        return len(active)

    # ------------------------------------------------------------------ internals
    def _next_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _check_amounts(
        self, market: Market, kind: OrderKind, volume: Decimal, price: Decimal | None, quote: Decimal | None
    ) -> None:
        if not market.is_trade:
            raise EngineError(f"Trading is disabled for {market.pair}")
        if volume <= 0:
            raise EngineError("volume must be positive")
        for name, amount in (("volume", volume), ("price", price), ("quote_amount", quote)):
            if amount is not None and amount > MAX_AMOUNT:
                raise EngineError(f"{name} is above the maximum {MAX_AMOUNT:f}")
        if volume.as_tuple().exponent < -8:  # type: ignore[operator]
            raise EngineError("volume has more than 8 decimal places")
        if volume < market.min_volume:
            raise EngineError(f"volume is below the minimal volume {market.min_volume} of {market.pair}")
        if kind != "market":
            if price is None or price <= 0:
                raise EngineError("price must be positive")
            if price.as_tuple().exponent < -market.accuracy:  # type: ignore[operator]
                raise EngineError(f"price has more than {market.accuracy} decimal places")
        if quote is not None and quote <= 0:
            raise EngineError("quote_amount must be positive")

    def _market_buy_cost(self, book: _Book, volume: Decimal) -> Decimal:
        cost, left = ZERO, volume
        for maker in book.asks:
            if left <= 0:
                break
            qty = min(left, maker.remaining)
            cost += qty * (maker.price or ZERO)
            left -= qty
        return cost

    def _place_locked(
        self,
        account_id: int,
        pair: str,
        side: Side,
        kind: OrderKind,
        volume: Decimal,
        price: Decimal | None,
        stop_price: Decimal | None,
        quote_amount: Decimal | None,
        events: list[Event],
    ) -> Order:
        market = self.market(pair)
        account = self.accounts.get(account_id)
        if account is None:
            raise EngineError("Unknown account")
        if side not in ("buy", "sell"):
            raise EngineError("side must be buy or sell")
        if kind == "market":
            price = None
            if side == "sell" or quote_amount is None:
                quote_amount = None
        else:
            quote_amount = None
        self._check_amounts(market, kind, volume, price, quote_amount)
        if kind == "stop_limit" and (stop_price is None or stop_price <= 0):
            raise EngineError("stopPrice must be positive")
        if kind == "stop_limit" and stop_price is not None:
            if stop_price > MAX_AMOUNT:
                raise EngineError(f"stopPrice is above the maximum {MAX_AMOUNT:f}")
            if stop_price.as_tuple().exponent < -market.accuracy:  # type: ignore[operator]
                raise EngineError(f"stopPrice has more than {market.accuracy} decimal places")
        book = self.books[pair]
        if side == "buy":
            currency = market.right
            if kind == "market":
                need = quote_amount if quote_amount is not None else self._market_buy_cost(book, volume)
            else:
                assert price is not None
                need = volume * price
        else:
            currency = market.left
            need = volume
        balance = account.balance(currency)
        if need > balance.available:
            raise EngineError(
                f"Insufficient balance: {currency} available {balance.available}, needed {need}"
            )
        self._ids += 1
        self._seq += 1
        now = self.now()
        order = Order(
            id=self._ids,
            uuid=self._next_uuid(),
            account_id=account_id,
            pair=pair,
            side=side,
            kind=kind,
            price=price,
            stop_price=stop_price if kind == "stop_limit" else None,
            original_volume=volume,
            created_at=now,
            seq=self._seq,
            quote_amount=quote_amount,
            maker_fee=self.config.maker_fee,
            taker_fee=self.config.taker_fee,
        )
        self.orders[order.id] = order
        self.by_uuid[order.uuid] = order
        self.account_orders[account_id].append(order)
        opposite = book.asks if side == "buy" else book.bids
        reason = ""
        if kind == "post_only" and opposite and _crosses(order, opposite[0]):
            reason = "post-only order would take liquidity"
        elif kind == "fill_or_kill" and self._fillable(order, opposite) < volume:
            reason = "fill-or-kill order cannot be filled completely"
        elif kind == "market" and not opposite:
            reason = "no liquidity for market order"
        if reason:
            order.state, order.reject_reason, order.closed_at = "rejected", reason, now
            events.append(Event(account_id, "or", copy.copy(order)))
            return order
        balance.available -= need
        balance.locked += need
        order.locked = need
        if kind == "stop_limit":
            assert stop_price is not None
            order.state = "trigger_wait"
            order.trigger_above = stop_price >= self.last_price[pair]
            self.stops[pair].append(order)
            events.append(Event(account_id, "on", copy.copy(order)))
            events.append(self._balance_event(account_id, currency))
            return order
        order.state = "open"
        events.append(Event(account_id, "on", copy.copy(order)))
        events.append(self._balance_event(account_id, currency))
        self._activate(order, events)
        return order

    def _fillable(self, order: Order, opposite: list[Order]) -> Decimal:
        total = ZERO
        for maker in opposite:
            if not _crosses(order, maker):
                break
            total += maker.remaining
        return total

    def _activate(self, order: Order, events: list[Event]) -> None:
        """Match an open order, then rest it, close it, or cancel a market order's remainder."""
        traded = self._match(order, events)
        market = self.markets[order.pair]
        if order.remaining <= 0:
            self._close(order, "filled")
        elif order.kind == "market":
            self._release(order)
            self._close(order, "cancelled")
        else:
            self.books[order.pair].add(order)
        if order.state in ("filled", "cancelled") or traded:
            kind: EventKind = "oc" if order.state == "cancelled" else "ou"
            events.append(Event(order.account_id, kind, copy.copy(order)))
            currencies = {market.left, market.right}
            events.extend(self._balance_event(order.account_id, c) for c in sorted(currencies))
        if traded:
            self._check_stops(order.pair, events)

    def _match(self, taker: Order, events: list[Event]) -> bool:
        book = self.books[taker.pair]
        opposite = book.asks if taker.side == "buy" else book.bids
        traded = False
        while taker.remaining > 0 and opposite and _crosses(taker, opposite[0]):
            maker = opposite[0]
            assert maker.price is not None
            qty = min(taker.remaining, maker.remaining)
            if taker.quote_amount is not None:
                spent = taker.executed_quote
                affordable = ((taker.quote_amount - spent) / maker.price).quantize(
                    VOLUME_QUANTUM, ROUND_FLOOR
                )
                qty = min(qty, affordable)
                if qty <= 0:
                    break
            self._execute(taker, maker, qty, maker.price, events)
            traded = True
            if maker.remaining <= 0:
                del opposite[0]
                self._close(maker, "filled")
                events.append(Event(maker.account_id, "ou", copy.copy(maker)))
            else:
                events.append(Event(maker.account_id, "ou", copy.copy(maker)))
        return traded

    def _execute(self, taker: Order, maker: Order, qty: Decimal, price: Decimal, events: list[Event]) -> None:
        market = self.markets[taker.pair]
        buy, sell = (taker, maker) if taker.side == "buy" else (maker, taker)
        quote = qty * price
        buy_rate = buy.taker_fee if buy is taker else buy.maker_fee
        sell_rate = sell.taker_fee if sell is taker else sell.maker_fee
        buy_fee = qty * buy_rate
        sell_fee = quote * sell_rate
        buyer, seller = self.accounts[buy.account_id], self.accounts[sell.account_id]
        consumed = qty * buy.price if buy.price is not None else quote
        consumed = min(consumed, buy.locked)
        buy.locked -= consumed
        buyer_right = buyer.balance(market.right)
        buyer_right.locked -= consumed
        buyer_right.available += consumed - quote
        buyer.balance(market.left).available += qty - buy_fee
        sell.locked -= qty
        seller_left = seller.balance(market.left)
        seller_left.locked -= qty
        seller.balance(market.right).available += quote - sell_fee
        for order in (buy, sell):
            order.executed_volume += qty
            order.executed_quote += quote
            order.trades_count += 1
        self._trade_ids += 1
        now = self.now()
        trade = Trade(self._trade_ids, market.pair, price, qty, taker.side, now, buy.id, sell.id)
        self.trades[market.pair].append(trade)
        self.trade_times[market.pair].append(now)
        self.last_price[market.pair] = price
        for order, fee, currency, other in (
            (buy, buy_fee, market.left, sell),
            (sell, sell_fee, market.right, buy),
        ):
            user_trade = UserTrade(
                trade,
                order.account_id,
                order.id,
                order.uuid,
                order.side,
                order.created_at,
                fee,
                currency,
                other.account_id,
            )
            self.user_trades[order.account_id].append(user_trade)
            self.order_trades.setdefault(order.id, []).append(user_trade)
            events.append(Event(order.account_id, "tr", user_trade=user_trade))
        if maker.account_id != taker.account_id:
            events.extend(self._balance_event(maker.account_id, c) for c in (market.left, market.right))

    def _release(self, order: Order) -> None:
        if order.locked:
            market = self.markets[order.pair]
            balance = self.accounts[order.account_id].balance(
                market.right if order.side == "buy" else market.left
            )
            balance.locked -= order.locked
            balance.available += order.locked
            order.locked = ZERO

    def _close(self, order: Order, state: OrderState) -> None:
        if state == "filled":
            self._release(order)  # a buy filled below its limit price keeps no residual lock
        order.state = state
        order.closed_at = self.now()

    def _cancel_locked(self, order: Order, events: list[Event]) -> None:
        market = self.markets[order.pair]
        if order.state == "trigger_wait":
            self.stops[order.pair] = [o for o in self.stops[order.pair] if o is not order]
            state: OrderState = "trigger_cancelled"
        else:
            self.books[order.pair].remove(order)
            state = "cancelled"
        self._release(order)
        self._close(order, state)
        events.append(Event(order.account_id, "oc", copy.copy(order)))
        currency = market.right if order.side == "buy" else market.left
        events.append(self._balance_event(order.account_id, currency))

    def _check_stops(self, pair: str, events: list[Event]) -> None:
        while True:
            last = self.last_price[pair]
            due = [
                o
                for o in self.stops[pair]
                if o.stop_price is not None
                and (
                    (o.trigger_above and last >= o.stop_price)
                    or (not o.trigger_above and last <= o.stop_price)
                )
            ]
            if not due:
                return
            order = due[0]
            self.stops[pair].remove(order)
            order.state = "open"
            events.append(Event(order.account_id, "ou", copy.copy(order)))
            self._activate(order, events)

    def _balance_event(self, account_id: int, currency: str) -> Event:
        balance = self.accounts[account_id].balance(currency)
        return Event(account_id, "bu", balances=((currency, balance.available, balance.locked),))
