"""Decimal text the way the two upstreams print it; never through ``float``.

- REST (a JavaScript server): ``js_text(Decimal("0.00000090")) == "9e-7"``, ``js_text(Decimal("3632.10"))
  == "3632.1"``, ``js_text(Decimal("100")) == "100"`` — exponent form below 1e-6, plain otherwise, as
  ``Number.prototype.toString`` does. ``num()`` wraps that text in ``msgspec.Raw`` so it is emitted as
  a JSON number verbatim.
- Websocket: ``plain(Decimal("9120.00")) == "9120"`` — a decimal string in plain notation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import msgspec

__all__ = ["ZERO", "js_text", "num", "parse_decimal", "plain"]

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
    """Decimal from a JSON number/string (ints, decimal text); None when not a finite decimal."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str) and value.strip() == value and value:
        try:
            result = Decimal(value)
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None
