"""Exact decimals in one canonical text form.

Canonical form (the gateway's only decimal output): plain notation, never an exponent; no leading
zeros; no trailing fractional zeros and no trailing point; ``-`` only on negative non-zero values.

    9e-7        -> "0.0000009"          "0.250000" -> "0.25"
    0.1         -> "0.1"                1e21       -> "1000000000000000000000"
    "-0.00"     -> "0"                  100        -> "100"

Upstream JSON numbers never pass through ``float``: the JSON decoders hand the raw number text to
:func:`canonical_text` (msgspec's ``float_hook``), and integers arrive as ``int``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

__all__ = [
    "AMOUNT_NUMBER_BOUNDS",
    "AMOUNT_PATTERN",
    "REQUEST_MAX_DIGITS",
    "UPSTREAM_MAX_DIGITS",
    "DecimalError",
    "DecimalRangeError",
    "canonical",
    "canonical_cached",
    "canonical_decimal",
    "canonical_text",
    "canonical_text_uncached",
    "clear_caches",
    "json_number",
    "parse_amount",
    "parse_decimal",
]


class DecimalError(ValueError):
    """A value that is not a finite decimal number."""


class DecimalRangeError(DecimalError):
    """A decimal too large, too small or too long to accept (``1e-999999999`` would expand to a
    billion digits in plain notation)."""


# Upstream values: generous, only to keep plain text bounded. Request amounts: far tighter.
UPSTREAM_MAX_DIGITS = 1000
REQUEST_MAX_DIGITS = 40  # significant digits, and also the bound on the adjusted exponent


AMOUNT_PATTERN = r"^(0\.[0-9]{0,39}[1-9][0-9]{0,39}|[1-9][0-9]{0,39}(\.[0-9]{1,40})?)([eE][-+]?[0-9]{1,2})?$"
"""The one grammar of a request amount (order volume, price, stop price, quote amount), gateway and
sandbox alike, and the pattern the gateway's OpenAPI documents: ASCII digits only, a positive value
(no ``0``, no sign), no leading zeros, no bare point (``.5``, ``5.``), at most 40 digits on either side
of the point and a two-digit exponent, so every value it admits has a bounded plain text."""

_AMOUNT = re.compile(AMOUNT_PATTERN.removeprefix("^").removesuffix("$"))

AMOUNT_NUMBER_BOUNDS = {"minimum": 1e-40, "exclusiveMaximum": 1e40}
"""The JSON-number form of an amount: every binary64 in this range prints (``repr``/``JSON.stringify``)
as text the amount grammar admits (at most 17 digits, a two-digit exponent)."""


_NUMBER_LOW = Decimal("1e-40")
_NUMBER_HIGH = Decimal("1e40")


def parse_amount(value: object) -> Decimal:
    """A request amount as an exact ``Decimal``: a string matching :data:`AMOUNT_PATTERN`, or a JSON
    number decoded with ``float_hook=amount_hook`` / an ``int`` whose text matches it. Nothing else is
    given to ``Decimal()``."""
    if isinstance(value, bool):
        raise DecimalError(f"not a decimal number: {value!r}")
    if isinstance(value, _JsonNumber):
        text = value.text
    elif isinstance(value, Decimal):  # built in code, not read from a body: its own (ASCII) text
        text = str(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int):
        text = str(value) if value.bit_length() < 200 else "x"
    else:
        raise DecimalError(f"not a decimal string: {type(value).__name__}")
    if len(text) > 200 or _AMOUNT.fullmatch(text) is None:
        raise DecimalError(f"not a positive decimal matching {AMOUNT_PATTERN}: {text[:40]!r}")
    amount = Decimal(text)
    if not isinstance(value, str) and not _NUMBER_LOW <= amount < _NUMBER_HIGH:  # the number form's range
        raise DecimalRangeError(f"a JSON number amount must be within [1e-40, 1e40): {text[:40]!r}")
    return amount


class _JsonNumber(Decimal):
    """A JSON number of a request body, with its raw text (so the amount grammar can check it)."""

    text: str

    def __new__(cls, text: str) -> _JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def json_number(text: str) -> Decimal:
    """``float_hook`` of request decoders: the exact ``Decimal`` of a JSON number, keeping its text."""
    return _JsonNumber(text)


def _check_range(value: Decimal, max_digits: int) -> None:
    """Bound the plain text's length: digits and distance of the point (``adjusted``) from them."""
    if abs(value.adjusted()) > max_digits or len(value.as_tuple().digits) > max_digits:
        raise DecimalRangeError(
            f"out of range: more than {max_digits} digits or exponent beyond ±{max_digits}"
        )


def _plain(value: Decimal) -> str:
    text = format(value, "f")  # plain notation, exact; may keep trailing fractional zeros
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def canonical_decimal(value: Decimal) -> str:
    """Canonical text of a finite ``Decimal``."""
    if not value.is_finite():
        raise DecimalError(f"not a finite decimal: {value}")
    _check_range(value, UPSTREAM_MAX_DIGITS)
    return _plain(value)


_TEXT_CACHE_SIZE = 1 << 16


class _TextCache(dict[object, str]):
    """Canonical texts by their written form; a miss computes (``__missing__``) and stores it, and the
    cache is emptied when full. A hit is one C-level ``__getitem__``, no Python frame: amounts repeat
    (prices, fees, the levels of a book between two calls), msgspec's ``float_hook`` calls this once
    per JSON number and the normalizer once per decimal field.

    Only ``str`` keys are ever stored. Any other value (an ``int``, a ``Decimal``, ``True``, which
    would hash like ``1``) misses every stored text and goes to :func:`canonical` uncached, which turns
    integers into text and refuses what is not a number (and hands a text back here)."""

    __slots__ = ()

    def __missing__(self, value: object) -> str:
        if not isinstance(value, str):
            return canonical(value)
        result = canonical_text_uncached(value)
        if len(self) >= _TEXT_CACHE_SIZE:
            self.clear()
        self[str(value)] = result  # a plain str key, also for a str subclass
        return result


_TEXT_CACHE = _TextCache()

canonical_text: Callable[[str], str] = _TEXT_CACHE.__getitem__
"""Canonical text of a decimal written as text (a JSON number's raw text or a decimal string); raises
:class:`DecimalError` when it is not one. Cached (see :class:`_TextCache`)."""

canonical_cached: Callable[[object], str] = _TEXT_CACHE.__getitem__
""":func:`canonical` of any upstream decimal value (text, ``int``, ``Decimal``), texts cached: the hot
paths' one call per value (the same lookup as :func:`canonical_text`)."""


def clear_caches() -> None:
    """Empty the decimal caches (benchmarks measure the cold path with it)."""
    _TEXT_CACHE.clear()


def canonical_text_uncached(text: str) -> str:
    """:func:`canonical_text` without the cache."""
    if len(text) > UPSTREAM_MAX_DIGITS:  # the text's length bounds its digits
        raise DecimalRangeError(f"out of range: longer than {UPSTREAM_MAX_DIGITS} characters")
    if "e" not in text and "E" not in text:
        # Plain notation (most values): canonical by string operations alone, no Decimal needed.
        body = text[1:] if text[:1] in "+-" else text
        whole, _, fraction = body.partition(".")
        digits = whole + fraction
        if digits.isdigit() and digits.isascii():
            whole = whole.lstrip("0") or "0"
            fraction = fraction.rstrip("0")
            plain = f"{whole}.{fraction}" if fraction else whole
            return "-" + plain if text[0] == "-" and plain != "0" else plain
        raise DecimalError(f"not a decimal number: {text!r}")
    # Exponent notation: Decimal (C) reads and writes it faster than string operations in Python do
    # (measured); _parse_text and _plain inlined: this is the uncached path of every new value.
    if "_" in text or text != text.strip():
        raise DecimalError(f"not a decimal number: {text!r}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DecimalError(f"not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise DecimalError(f"not a finite decimal: {text!r}")
    if abs(value.adjusted()) > UPSTREAM_MAX_DIGITS:  # the point's distance from the digits
        raise DecimalRangeError(f"out of range: exponent beyond ±{UPSTREAM_MAX_DIGITS}")
    plain = format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return "0" if plain == "-0" else plain


def _parse_text(text: str) -> Decimal:
    # Decimal() alone is the fast check; it also admits "1_0", surrounding blanks and NaN/Infinity,
    # which are refused here and by the callers' finiteness checks.
    if "_" in text or text != text.strip():
        raise DecimalError(f"not a decimal number: {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DecimalError(f"not a decimal number: {text!r}") from None


def canonical(value: object) -> str:
    """Canonical text of an upstream decimal: ``str`` (any notation), ``int`` or ``Decimal``."""
    if isinstance(value, str):
        return canonical_text(value)
    if isinstance(value, bool):  # bool is an int subclass; True is not an amount
        raise DecimalError(f"not a decimal number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    raise DecimalError(f"not a decimal number: {value!r}")


def parse_decimal(value: object, max_digits: int = REQUEST_MAX_DIGITS) -> Decimal:
    """A finite, bounded ``Decimal`` from request input (decimal string, int or ``Decimal``)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        result = _parse_text(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    else:
        raise DecimalError(f"not a decimal number: {value!r}")
    if not result.is_finite():
        raise DecimalError(f"not a finite decimal number: {value!r}")
    _check_range(result, max_digits)
    return result
