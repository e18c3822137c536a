"""Order-book prices are sorted in exact decimal order by text, never through float."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gateway._decimal import canonical_decimal
from gateway.iqfinex.shaping import _price_order

prices = st.decimals(min_value=0, max_value=10**12, places=20, allow_nan=False, allow_infinity=False)


@given(st.lists(prices, min_size=2, max_size=40))
def test_text_order_equals_decimal_order(values: list[Decimal]) -> None:
    texts = [canonical_decimal(v) for v in values]
    by_text = sorted(texts, key=_price_order)
    assert [Decimal(t) for t in by_text] == sorted(Decimal(t) for t in texts)


def test_beyond_float_precision_and_negatives() -> None:
    texts = ["1.00000000000000000002", "1.00000000000000000001", "10", "9.99", "-1", "0", "-0.5"]
    ordered = sorted(texts, key=_price_order)
    assert ordered == ["-1", "-0.5", "0", "1.00000000000000000001", "1.00000000000000000002", "9.99", "10"]
