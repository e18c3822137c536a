"""Request bodies and parameters of the Finex routes → upstream argument tuples.

Argument tuples are built from the layouts' slot order (``CreateOrderArgs``, ``CancelTarget``,
``SetConfigValueArgs``, ``ListOrdersArgs``, ``GetTransfersArgs``), never by hand-written positions;
vocabulary values are mapped back to upstream codes through the inverted ``ENUMS`` tables. Bodies are
decoded with JSON numbers as exact ``Decimal`` (never ``float``); amounts go upstream as canonical
decimal strings.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

import msgspec

from gateway._decimal import AMOUNT_PATTERN, DecimalError, canonical_decimal, parse_amount
from gateway._json import decode_request
from gateway.drift import ASYNCAPI_URI, spec_validators
from gateway.finex.models import (
    BUY_SIDE,
    MARKET_PATTERN,
    MARKET_TYPE,
    PRICE_SLOT,
    UUID_PATTERN,
    spec_slot,
)
from gateway.finex.protocol import args_of, codes
from gateway.problems import InvalidRequest
from generated.finex_layouts import LAYOUTS
from generated.layout_types import Field, Layout

__all__ = [
    "CONFIG_LIST_MAX",
    "CONFIG_NAME_MAX",
    "CONFIG_NAME_PATTERN",
    "CONFIG_NUMBER_MAX",
    "CONFIG_SCOPES",
    "CONFIG_TEXT_MAX",
    "CONFIG_TEXT_PATTERN",
    "MAX_BATCH",
    "SIDE_CODES",
    "STATE_CODES",
    "TYPE_CODES",
    "cancel_args",
    "config_args",
    "decode_body",
    "order_args",
    "orders_args",
    "tuple_args",
]

MAX_BATCH: Final = 100
"""Most orders in one bulk create or cancel request (the gateway's bound; the spec sets none)."""

TYPE_CODES: Final = codes("CreateOrderType")  # "limit" → "l"
SIDE_CODES: Final = codes("Side")
STATE_CODES: Final = {v: c for v, c in codes("ListOrdersState").items() if v}  # "open" → "wait"


def _tuple_of(method: str) -> Layout:
    layout = args_of(method)
    if layout is None:  # pragma: no cover - spec guard
        raise RuntimeError(f"{method} arguments are not a tuple")
    return layout


_ORDER: Final = _tuple_of("create_order")
_CONFIG: Final = _tuple_of("set_config_value")
_TARGET: Final = LAYOUTS["CancelTarget"]
_MARKET_TYPE: Final = MARKET_TYPE
_BUY: Final = BUY_SIDE
_PRICE: Final = PRICE_SLOT


CONFIG_SCOPES: Final = tuple(spec_slot(_CONFIG.name, "scope")["enum"])


def _error(where: str, message: str, detail: str | None = None) -> InvalidRequest:
    return InvalidRequest(f"{where}: {detail or message}", errors=[{"location": where, "message": message}])


def decode_body(raw: bytes) -> Any:
    """A JSON body with numbers as exact ``Decimal`` (422 when it is not usable JSON)."""
    return decode_request(raw)


def _cased(item: Field, value: Any) -> Any:
    """Text in the case the upstream expects (the slot's ``x-case``: Finex market ids are lower case)."""
    if item.case is not None and isinstance(value, str):
        return value.upper() if item.case == "upper" else value.lower()
    return value


def tuple_args(layout: Layout, values: dict[str, Any]) -> list[Any]:
    """``values`` by slot name → the argument tuple in the layout's slot order; trailing optional slots
    without a value are left out. A name the layout does not have, or a required slot without a value,
    raises ``KeyError`` (a renamed slot fails loudly instead of becoming ``None``)."""
    unknown = set(values).difference(item.name for item in layout.fields)
    if unknown:
        raise KeyError(f"{layout.name} has no slot(s) {', '.join(sorted(unknown))}")
    missing = [item.name for item in layout.fields if not item.optional and item.name not in values]
    if missing:
        raise KeyError(f"{layout.name}: no value for required slot(s) {', '.join(missing)}")
    args = [_cased(item, values.get(item.name)) for item in layout.fields]
    while args and args[-1] is None and layout.fields[len(args) - 1].optional:
        args.pop()
    return args


def _object(value: Any, where: str, known: set[str], required: list[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _error(where, "not an object", "must be a JSON object")
    unknown = sorted(str(k) for k in value if k not in known)
    if unknown:
        raise InvalidRequest(
            f"{where}: unknown field(s) {', '.join(unknown)}",
            errors=[{"location": f"{where} {k}", "message": "unknown field"} for k in unknown],
        )
    missing = [k for k in required if value.get(k) is None]
    if missing:
        raise InvalidRequest(
            f"{where}: missing field(s) {', '.join(missing)}",
            errors=[{"location": f"{where} {k}", "message": "required"} for k in missing],
        )
    return value


def _text(value: Any, where: str, pattern: str) -> str:
    if not isinstance(value, str) or re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is None:
        raise _error(where, "invalid value", f"must match {pattern}")
    return value


def _choice(value: Any, where: str, allowed: tuple[str, ...] | list[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _error(where, "invalid value", f"must be one of {', '.join(allowed)}")
    return value


def _amount(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):  # money is text: a JSON number is refused, never rounded or read
        raise _error(where, "not a decimal string", 'must be a decimal string such as "0.25"')
    try:
        return parse_amount(value)  # the one amount grammar: positive, ASCII, bounded
    except DecimalError:
        shown = value if isinstance(value, str | int | Decimal) else type(value).__name__
        raise _error(
            where,
            "not a positive decimal",
            f"{str(shown)[:40]!r} is not a positive decimal matching {AMOUNT_PATTERN}",
        ) from None


def order_args(body: Any, where: str = "body") -> list[Any]:
    """One order object (``CreateOrderArgs`` slot titles as keys) → its ``create_order`` args."""
    fields = {item.name: item for item in _ORDER.fields}
    required = [n for n, item in fields.items() if not item.optional and n != _PRICE]
    body = _object(body, where, set(fields), required)
    values: dict[str, Any] = {}
    for name, item in fields.items():
        if name not in body:
            continue
        value = body[name]
        at = f"{where} {name}"
        if value is None:
            raise _error(at, "null", "must not be null (leave the field out instead)")
        if item.kind == "decimal":
            values[name] = _amount(value, at)
        elif item.kind == "enum" and item.enum is not None:
            values[name] = _choice(value, at, tuple(codes(item.enum)))
        else:
            values[name] = _text(value, at, MARKET_PATTERN)
    kind, side = values["type"], values["side"]
    for name, item in fields.items():
        if not item.optional and name not in values:
            if kind != _MARKET_TYPE:
                raise _error(f"{where} {name}", "required", f"required for a {kind} order")
            values[name] = Decimal(0)  # ignored by the upstream for market orders
    for name, item in fields.items():
        if item.optional and name in values and (kind, side) != (_MARKET_TYPE, _BUY):
            raise _error(f"{where} {name}", "market buy only", "only for market buy orders")
    wire: dict[str, Any] = {}
    for name, value in values.items():
        item = fields[name]
        if isinstance(value, Decimal):
            wire[name] = canonical_decimal(value)
        elif item.kind == "enum" and item.enum is not None:
            wire[name] = codes(item.enum)[value]
        else:
            wire[name] = value
    return tuple_args(_ORDER, wire)


def orders_args(body: Any) -> list[list[Any]]:
    """A non-empty array of order objects → ``create_bulk`` args (all validated before anything is sent)."""
    if not isinstance(body, list) or not 1 <= len(body) <= MAX_BATCH:
        raise _error("body", "invalid array", f"must be an array of 1 to {MAX_BATCH} orders")
    return [order_args(order, f"body[{index}]") for index, order in enumerate(body)]


def cancel_args(body: Any) -> list[list[Any]]:
    """A non-empty array of ``{market, uuid}`` (``CancelTarget`` slot titles) → ``cancel_order`` args."""
    if not isinstance(body, list) or not 1 <= len(body) <= MAX_BATCH:
        raise _error("body", "invalid array", f"must be an array of 1 to {MAX_BATCH} orders")
    names = [item.name for item in _TARGET.fields]
    patterns = {"uuid": UUID_PATTERN}
    targets = []
    for index, target in enumerate(body):
        where = f"body[{index}]"
        target = _object(target, where, set(names), names)
        values = {n: _text(target[n], f"{where} {n}", patterns.get(n, MARKET_PATTERN)) for n in names}
        targets.append(tuple_args(_TARGET, values))
    return targets


CONFIG_NAME_PATTERN: Final = r"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$"
"""A config component or key: ASCII words joined by ``.`` or ``-`` (no ``..``, no slash, no blank)."""
CONFIG_NAME_MAX: Final = 64
CONFIG_TEXT_MAX: Final = 256
"""Longest string value (and list item) of a config value."""
CONFIG_LIST_MAX: Final = 64
CONFIG_NUMBER_MAX: Final = 1e308
"""Largest magnitude of a numeric config value (a double's range: ``10**400`` is refused)."""
CONFIG_TEXT_PATTERN: Final = "^[^\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]*$"
"""No control characters (NUL, newline, …), no invisible or bidirectional formatting (U+202E …)."""

_CONFIG_TEXT = re.compile(CONFIG_TEXT_PATTERN.removeprefix("^").removesuffix("$"))
_CONFIG_VALUE: Final = spec_validators().validator(f"{ASYNCAPI_URI}#/components/schemas/ConfigValue", True)


def _config_text(value: str, where: str) -> str:
    if len(value) > CONFIG_TEXT_MAX or _CONFIG_TEXT.fullmatch(value) is None:
        raise _error(
            where, "invalid text", f"at most {CONFIG_TEXT_MAX} characters, no control or formatting ones"
        )
    return value


def _config_value(value: Any, where: str) -> Any:
    """A config value checked against the contract's ``ConfigValue`` schema, then the gateway's limits.
    Numbers go upstream as the exact JSON text they were sent as (``msgspec.Raw``)."""
    number = isinstance(value, Decimal | int) and not isinstance(value, bool)
    if not _CONFIG_VALUE.is_valid(0 if number else value):  # numbers: the type is what the schema asks
        raise _error(where, "invalid value", "must be a string, boolean, number or list of strings")
    if isinstance(value, str):
        return _config_text(value, where)
    if isinstance(value, list):
        if len(value) > CONFIG_LIST_MAX:
            raise _error(where, "too many items", f"at most {CONFIG_LIST_MAX} strings")
        return [_config_text(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if number:
        magnitude_ok = (
            abs(value) <= CONFIG_NUMBER_MAX
            if isinstance(value, int)
            else value.is_finite() and abs(value) <= Decimal(CONFIG_NUMBER_MAX)
        )
        if not magnitude_ok:
            raise _error(where, "out of range", f"must be within ±{CONFIG_NUMBER_MAX:g}")
        if isinstance(value, Decimal):
            text = getattr(value, "text", None) or canonical_decimal(value)
            return msgspec.Raw(text.encode())  # stays a JSON number, exactly as sent
    return value


def _config_name(value: str, where: str) -> str:
    if len(value) > CONFIG_NAME_MAX or re.fullmatch(CONFIG_NAME_PATTERN[1:-1], value) is None:
        raise _error(
            where, "invalid name", f"must match {CONFIG_NAME_PATTERN}, at most {CONFIG_NAME_MAX} long"
        )
    return value


def config_args(component: str, key: str, body: Any) -> list[Any]:
    """Path ``component``/``key`` and body ``{value, scope}`` → ``set_config_value`` args."""
    from_path = {"component", "key"}
    in_body = [item.name for item in _CONFIG.fields if item.name not in from_path]
    body = _object(body, "body", set(in_body), in_body)
    values: dict[str, Any] = {
        "component": _config_name(component, "path component"),
        "key": _config_name(key, "path key"),
    }
    for name in in_body:
        at = f"body {name}"
        if name == "scope":
            values[name] = _choice(body[name], at, CONFIG_SCOPES)
        else:
            values[name] = _config_value(body[name], at)
    return tuple_args(_CONFIG, values)
