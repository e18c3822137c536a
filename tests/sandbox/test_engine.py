"""Matching engine unit tests (no server)."""

from __future__ import annotations

import threading
from decimal import Decimal as D

import pytest

from sandbox.engine import EngineError, Exchange
from sandbox.settings import Settings
from sandbox.state import load_markets

DEMO, CP = 1, 2


@pytest.fixture
def ex() -> Exchange:
    markets, currencies = load_markets()
    return Exchange(Settings().load_config(), markets, currencies, seed=3, seed_book=False)


def bal(ex: Exchange, account: int, currency: str) -> tuple[D, D]:
    b = ex.accounts[account].balance(currency)
    return b.available, b.locked


def test_partial_fill_and_price_time_priority(ex: Exchange) -> None:
    first = ex.place(CP, "BTCUSDT", "sell", "limit", D("0.5"), D("3400"))
    second = ex.place(CP, "BTCUSDT", "sell", "limit", D("0.5"), D("3400"))
    cheaper = ex.place(CP, "BTCUSDT", "sell", "limit", D("0.2"), D("3390"))
    taker = ex.place(DEMO, "BTCUSDT", "buy", "limit", D("0.4"), D("3400"))
    assert taker.state == "filled"
    assert ex.orders[cheaper.id].state == "filled"  # best price first
    assert ex.orders[first.id].executed_volume == D("0.2")  # then time priority
    assert ex.orders[second.id].executed_volume == 0
    assert ex.orders[first.id].state == "open"
    assert [t.price for t in ex.trades["BTCUSDT"]] == [D("3390"), D("3400")]  # maker prices


def test_cancel_releases_balance(ex: Exchange) -> None:
    before = bal(ex, DEMO, "USDT")
    order = ex.place(DEMO, "BTCUSDT", "buy", "limit", D("1"), D("3000"))
    assert bal(ex, DEMO, "USDT") == (before[0] - 3000, D(3000))
    cancelled = ex.cancel(DEMO, order_id=order.id)
    assert cancelled.state == "cancelled"
    assert bal(ex, DEMO, "USDT") == before
    with pytest.raises(EngineError):
        ex.cancel(DEMO, order_id=order.id)


def test_commissions_maker_and_taker(ex: Exchange) -> None:
    ex.place(CP, "BTCUSDT", "sell", "limit", D("1"), D("3000"))
    usdt, btc = bal(ex, DEMO, "USDT")[0], bal(ex, DEMO, "BTC")[0]
    cp_usdt = bal(ex, CP, "USDT")[0]
    ex.place(DEMO, "BTCUSDT", "buy", "limit", D("1"), D("3100"))
    # taker pays 0.2 % of the BTC received; the buy filled below its limit, so no USDT stays locked
    assert bal(ex, DEMO, "BTC")[0] == btc + D("1") - D("0.002")
    assert bal(ex, DEMO, "USDT") == (usdt - 3000, 0)
    # maker pays 0.1 % of the USDT received
    assert bal(ex, CP, "USDT")[0] == cp_usdt + 3000 - 3
    fees = {t.account_id: (t.fee, t.fee_currency) for t in ex.user_trades[DEMO] + ex.user_trades[CP]}
    assert fees == {DEMO: (D("0.002"), "BTC"), CP: (D("3.000"), "USDT")}


def test_market_orders(ex: Exchange) -> None:
    ex.place(CP, "BTCUSDT", "sell", "limit", D("0.3"), D("3000"))
    ex.place(CP, "BTCUSDT", "sell", "limit", D("0.3"), D("3010"))
    order = ex.place(DEMO, "BTCUSDT", "buy", "market", D("0.5"))
    assert order.state == "filled"
    assert order.avg_price == (D("0.3") * 3000 + D("0.2") * 3010) / D("0.5")
    assert bal(ex, DEMO, "USDT")[1] == 0
    partial = ex.place(DEMO, "BTCUSDT", "buy", "market", D("0.5"))
    assert partial.state == "cancelled"
    assert partial.executed_volume == D("0.1")
    rejected = ex.place(DEMO, "BTCUSDT", "buy", "market", D("0.5"))
    assert rejected.state == "rejected"
    assert "liquidity" in rejected.reject_reason


def test_post_only_rejected_when_it_would_take(ex: Exchange) -> None:
    ex.place(CP, "BTCUSDT", "sell", "limit", D("1"), D("3000"))
    rejected = ex.place(DEMO, "BTCUSDT", "buy", "post_only", D("1"), D("3000"))
    assert rejected.state == "rejected"
    assert rejected.reject_reason
    resting = ex.place(DEMO, "BTCUSDT", "buy", "post_only", D("1"), D("2999"))
    assert resting.state == "open"
    assert bal(ex, DEMO, "USDT")[1] == D(2999)


def test_stop_limit_activates_on_last_price(ex: Exchange) -> None:
    stop = ex.place(DEMO, "BTCUSDT", "sell", "stop_limit", D("0.5"), D("3200"), stop_price=D("3300"))
    assert stop.state == "trigger_wait"
    assert bal(ex, DEMO, "BTC")[1] == D("0.5")
    ex.place(CP, "BTCUSDT", "buy", "limit", D("1"), D("3250"))
    ex.place(CP, "BTCUSDT", "sell", "limit", D("0.1"), D("3340"))
    ex.place(CP, "BTCUSDT", "buy", "limit", D("0.1"), D("3340"))  # last 3340: still above the stop
    assert ex.orders[stop.id].state == "trigger_wait"
    ex.place(CP, "BTCUSDT", "sell", "limit", D("0.1"), D("3250"))  # last 3250 <= 3300: triggers
    activated = ex.orders[stop.id]
    assert activated.state == "filled"  # became a limit sell at 3200, took the 3250 bid
    assert ex.last_price["BTCUSDT"] == D("3250")


def test_validation_errors(ex: Exchange) -> None:
    with pytest.raises(EngineError, match="Insufficient"):
        ex.place(DEMO, "BTCUSDT", "sell", "limit", D("1000"), D("3000"))
    with pytest.raises(EngineError, match="minimal"):
        ex.place(DEMO, "BTCUSDT", "sell", "limit", D("0.0001"), D("3000"))
    with pytest.raises(EngineError, match="decimal places"):
        ex.place(DEMO, "BTCUSDT", "sell", "limit", D("0.01"), D("3000.001"))
    with pytest.raises(EngineError, match="Unknown asset"):
        ex.place(DEMO, "NOPE", "sell", "limit", D("1"), D("1"))


def test_no_negative_balances_under_concurrent_orders(ex: Exchange) -> None:
    available = bal(ex, DEMO, "BTC")[0]
    results: list[str] = []

    def spam() -> None:
        for _ in range(20):
            try:
                ex.place(DEMO, "BTCUSDT", "sell", "limit", D("0.9"), D("5000"))
                results.append("ok")
            except EngineError:
                results.append("refused")

    threads = [threading.Thread(target=spam) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    accepted = results.count("ok")
    assert accepted == int(available / D("0.9"))
    free, locked = bal(ex, DEMO, "BTC")
    assert free >= 0
    assert locked == D("0.9") * accepted
    assert free + locked == available
