"""Decimal text the way the two upstreams print it; never through ``float``.

- REST (a JavaScript server): ``js_text(Decimal("0.00000090")) == "9e-7"``, ``js_text(Decimal("3632.10"))
  == "3632.1"``, ``js_text(Decimal("100")) == "100"`` — exponent form below 1e-6, plain otherwise, as
  ``Number.prototype.toString`` does. ``num()`` wraps that text in ``msgspec.Raw`` so it is emitted as
  a JSON number verbatim.
- Websocket: ``plain(Decimal("9120.00")) == "9120"`` — a decimal string in plain notation.
"""

from __future__ import annotations

import re
from decimal import Decimal

import msgspec

__all__ = ["DECIMAL_PATTERN", "MAX_ADJUSTED", "ZERO", "js_text", "num", "parse_decimal", "plain"]

DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
"""The decimal-string grammar of the REST contract (``#/components/schemas/Decimal``, its string
branch; a test holds the two equal) and of the Finex ``DecimalInput``: ASCII digits only, so
``Decimal()`` never sees Unicode digits, ``NaN``, ``Infinity``, blanks or underscores."""

_DECIMAL = re.compile(DECIMAL_PATTERN.removeprefix("^").removesuffix("$"))
_MAX_TEXT = 100  # characters of a decimal string; longer is refused before any parsing
MAX_ADJUSTED = 30
"""Farthest the point may sit from the digits (``1e31`` and ``1e-31`` are refused): an amount no
exchange would take, and arithmetic on it could not stay exact."""

ZERO = Decimal(0)
_ONE = Decimal(1)


def _normalized(value: Decimal) -> Decimal:
    if not value:
        return ZERO
    n = value.normalize()
    if n.as_tuple().exponent > 0:  # type: ignore[operator]
        n = n.quantize(_ONE)
    return n


def js_text(value: Decimal) -> str:
    """JavaScript ``String(number)`` of an exact decimal (values the sandbox produces stay < 1e21)."""
    n = _normalized(value)
    if n and n.adjusted() < -6:
        digits = format(n.scaleb(-n.adjusted()), "f")
        return f"{digits}e{n.adjusted()}"
    return format(n, "f")


def num(value: Decimal) -> msgspec.Raw:
    """A JSON number token for ``value`` (see ``js_text``)."""
    return msgspec.Raw(js_text(value).encode())


def plain(value: Decimal) -> str:
    """Plain-notation decimal string without trailing zeros (``"9120"``, ``"0.25"``)."""
    return format(_normalized(value), "f")


def parse_decimal(value: object) -> Decimal | None:
    """Decimal from a JSON number (decoded with ``float_hook=Decimal``, i.e. from JSON's own ASCII
    number text, or an ``int``) or a string of :data:`DECIMAL_PATTERN`; None when it is neither or
    lies beyond :data:`MAX_ADJUSTED`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > 128:
            return None
        result = Decimal(value)
    elif isinstance(value, str) and len(value) <= _MAX_TEXT and _DECIMAL.fullmatch(value):
        result = Decimal(value)
    else:
        return None
    if not result.is_finite():
        return None
    if result and abs(result.adjusted()) > MAX_ADJUSTED:
        return None
    return result
