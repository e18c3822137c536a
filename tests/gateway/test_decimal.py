"""Exact decimals: canonical text round-trips (hypothesis), upstream numbers and request amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway._decimal import canonical, canonical_text
from gateway.iqfinex.requests import parse_order, upstream_order
from gateway.normalize import decode_json
from gateway.problems import InvalidRequest

finite = st.decimals(
    allow_nan=False, allow_infinity=False, min_value=Decimal("-1e30"), max_value=Decimal("1e30")
)
tiny = st.builds(lambda m, e: Decimal(m).scaleb(-e), st.integers(-(10**20), 10**20), st.integers(0, 40))


@given(st.one_of(finite, tiny))
def test_canonical_round_trips_exactly(value: Decimal) -> None:
    text = canonical(value)
    assert Decimal(text) == value
    assert canonical(text) == text  # idempotent
    assert "e" not in text.lower()
    assert text == "0" or not text.rstrip("0").endswith(".")
    if "." in text:
        assert not text.endswith("0")


@given(st.one_of(finite, tiny))
def test_any_notation_gives_the_same_text(value: Decimal) -> None:
    for written in (str(value), f"{value:e}", f"{value:f}", format(value, "E")):
        assert canonical_text(written) == canonical(value)


@given(st.one_of(finite, tiny))
def test_json_numbers_decode_exactly(value: Decimal) -> None:
    assert decode_json(f"[{value:e}]".encode()) == [canonical(value)]  # exponent form: never a float


@pytest.mark.parametrize(
    ("raw", "text"),
    [("9e-7", "0.0000009"), ("0.1", "0.1"), ('"0.250000"', "0.25"), ("1e21", "1000000000000000000000"),
     ("6e-08", "0.00000006"), ("-0.00", "0"), ("1E+2", "100")],
)  # fmt: skip
def test_upstream_forms(raw: str, text: str) -> None:
    assert canonical(decode_json(raw.encode())) == text


@given(
    volume=st.decimals(min_value=Decimal("1e-20"), max_value=Decimal("1e15"), places=20),
    exponent=st.booleans(),
)
def test_order_amounts_are_exact(volume: Decimal, exponent: bool) -> None:
    written = f"{volume:e}" if exponent else f"{volume:f}"
    market, side, amounts = parse_order(f'{{"market":"BTCUSDT","side":"buy","volume":"{written}"}}'.encode())
    assert amounts["volume"] == volume
    sent = upstream_order(market, side, amounts)
    assert sent == {"asset": "BTCUSDT", "cmd": "buy", "volume": canonical(volume)}
    with pytest.raises(InvalidRequest, match="decimal string"):  # money is text: numbers are refused
        parse_order(f'{{"market":"BTCUSDT","side":"buy","volume":{written}}}'.encode())


def test_order_wire_names_come_from_the_layout() -> None:
    market, side, amounts = parse_order(
        b'{"market": "ETHBTC", "side": "sell", "volume": "1.245", "price": "0.03437",'
        b' "trigger_price": "0.04"}'
    )
    assert upstream_order(market, side, amounts) == {
        "asset": "ETHBTC", "cmd": "sell", "volume": "1.245", "price": "0.03437", "stopPrice": "0.04",
    }  # fmt: skip


@pytest.mark.parametrize(
    "volume",
    ['"1e400"', "1e-400", '"7e-1433757730207"', '"0.000"', "-5", '"1_000"', '" 1"', '"0x10"', "null"],
)
def test_order_amounts_out_of_range_or_malformed(volume: str) -> None:
    with pytest.raises(InvalidRequest):
        parse_order(f'{{"market": "BTCUSDT", "side": "buy", "volume": {volume}}}'.encode())


def test_the_cached_lookup_caches_texts_only_and_refuses_what_canonical_refuses() -> None:
    from decimal import Decimal

    from gateway._decimal import _TEXT_CACHE, DecimalError, canonical_cached, clear_caches

    clear_caches()
    assert canonical_cached("1.50") == "1.5"
    assert canonical_cached(1) == "1"
    assert canonical_cached(Decimal("2.500")) == "2.5"
    assert set(_TEXT_CACHE) == {"1.50"}  # ints and Decimals are computed, never stored
    canonical_cached("1")
    with pytest.raises(DecimalError):
        canonical_cached(True)  # hashes like 1 and "1" is cached; still refused
    with pytest.raises(TypeError):
        canonical_cached(["1"])  # unhashable: the normalizer's checked path names the field
    with pytest.raises(DecimalError):
        canonical_cached("1_0")
    assert "1_0" not in _TEXT_CACHE

    class Text(str):
        pass

    assert canonical_cached(Text("2.50")) == "2.5"  # a str subclass: cached under a plain str
    assert canonical(Text("3.0")) == "3"
    assert all(type(key) is str for key in _TEXT_CACHE)


finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None)


@given(finite_decimals.filter(lambda d: abs(d.adjusted()) < 900))
def test_every_decimal_in_exponent_form_comes_back_plain_and_exact(value: Decimal) -> None:
    from gateway._decimal import canonical_text_uncached

    sign, digits, exponent = value.as_tuple()
    raw = ("-" if sign else "") + "".join(map(str, digits)) + f"e{exponent}"  # coefficient and exponent
    for text in (f"{value:e}", f"{value:E}", raw):
        out = canonical_text_uncached(text)
        assert "e" not in out.lower()
        assert Decimal(out) == value
