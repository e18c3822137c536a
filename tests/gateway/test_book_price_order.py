"""Order-book prices are sorted in exact decimal order, never through float."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gateway._decimal import canonical_decimal
from gateway.iqfinex.shaping import _sorted_levels

prices = st.decimals(min_value=-(10**12), max_value=10**12, places=20, allow_nan=False, allow_infinity=False)


def _levels(texts: list[str]) -> list[dict[str, object]]:
    return [{"price": text, "at": index} for index, text in enumerate(texts)]


@given(st.lists(prices, min_size=2, max_size=40), st.booleans())
def test_level_order_equals_decimal_order(values: list[Decimal], descending: bool) -> None:
    texts = [canonical_decimal(v) for v in values]
    ordered = [level["price"] for level in _sorted_levels(_levels(texts), "price", descending)]
    expected = sorted((Decimal(t) for t in texts), reverse=descending)
    assert [Decimal(str(t)) for t in ordered] == expected


def test_beyond_float_precision_and_negatives() -> None:
    texts = ["1.00000000000000000002", "1.00000000000000000001", "10", "9.99", "-1", "0", "-0.5"]
    ascending = [level["price"] for level in _sorted_levels(_levels(texts), "price", False)]
    assert ascending == ["-1", "-0.5", "0", "1.00000000000000000001", "1.00000000000000000002", "9.99", "10"]
    descending = [level["price"] for level in _sorted_levels(_levels(texts), "price", True)]
    assert descending == ascending[::-1]


def test_equal_prices_keep_the_upstream_order() -> None:
    levels = _levels(["2", "1", "2", "1"])
    assert [level["at"] for level in _sorted_levels(levels, "price", True)] == [0, 2, 1, 3]
    assert [level["at"] for level in _sorted_levels(levels, "price", False)] == [1, 3, 0, 2]


def test_prices_apart_beyond_float_precision_sort_exactly() -> None:
    # equal as floats: the exact (Decimal) order must decide, whatever order they came in
    texts = ["0.30000000000000000001", "0.3", "0.29999999999999999999", "1e400".replace("e400", "0" * 400)]
    for texts_in in (texts, texts[::-1]):
        ascending = [level["price"] for level in _sorted_levels(_levels(texts_in), "price", False)]
        assert ascending == ["0.29999999999999999999", "0.3", "0.30000000000000000001", "1" + "0" * 400]


@given(st.lists(st.decimals(min_value=0, max_value=1, places=30, allow_nan=False), min_size=2, max_size=30))
def test_dense_prices_sort_exactly(values: list[Decimal]) -> None:
    texts = [canonical_decimal(v) for v in values]
    ordered = [Decimal(str(level["price"])) for level in _sorted_levels(_levels(texts), "price", False)]
    assert ordered == sorted(Decimal(t) for t in texts)
