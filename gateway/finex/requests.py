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

from gateway._decimal import DecimalError, DecimalRangeError, canonical_decimal, parse_decimal
from gateway.finex.models import MARKET_PATTERN, UUID_PATTERN, spec_slot
from gateway.finex.protocol import args_of, codes
from gateway.problems import InvalidRequest
from generated.finex_layouts import LAYOUTS
from generated.layout_types import Field, Layout

__all__ = [
    "CONFIG_SCOPES",
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
_MARKET_TYPE: Final = "market"  # the vocabulary value whose price the upstream ignores
_BUY: Final = "buy"
_PRICE: Final = "price"  # the one required slot a market order may leave out

_decoder = msgspec.json.Decoder(float_hook=Decimal)


CONFIG_SCOPES: Final = tuple(spec_slot(_CONFIG.name, "scope")["enum"])


def _error(where: str, message: str, detail: str | None = None) -> InvalidRequest:
    return InvalidRequest(f"{where}: {detail or message}", errors=[{"location": where, "message": message}])


def decode_body(raw: bytes) -> Any:
    """A JSON body with numbers as exact ``Decimal`` (422 when it is not JSON)."""
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise _error("body", "invalid JSON", f"not valid JSON ({exc})") from None


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
        amount = parse_decimal(value)  # bounded: "1E1000000" would not fit the plain text
    except DecimalRangeError:
        raise _error(where, "out of range", "out of range") from None
    except DecimalError:
        raise _error(where, "not a decimal", f"{str(value)[:40]!r} is not a finite decimal number") from None
    if amount <= 0:
        raise _error(where, "not > 0", "must be greater than 0")
    return amount


def order_args(body: Any, where: str = "body") -> list[Any]:
    """One order object (``CreateOrderArgs`` slot titles as keys) → its ``create_order`` args."""
    fields = {item.name: item for item in _ORDER.fields}
    required = [n for n, item in fields.items() if not item.optional and n != _PRICE]
    body = _object(body, where, set(fields), required)
    values: dict[str, Any] = {}
    for name, item in fields.items():
        value = body.get(name)
        if value is None:
            continue
        at = f"{where} {name}"
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


def _config_value(value: Any, where: str) -> Any:
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error(where, "not finite", "must be finite")
        return msgspec.Raw(canonical_decimal(value).encode())  # stays a JSON number, exactly
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise _error(where, "invalid value", "must be a string, boolean, number or list of strings")


def config_args(component: str, key: str, body: Any) -> list[Any]:
    """Path ``component``/``key`` and body ``{value, scope}`` → ``set_config_value`` args."""
    from_path = {"component", "key"}
    in_body = [item.name for item in _CONFIG.fields if item.name not in from_path]
    body = _object(body, "body", set(in_body), in_body)
    values: dict[str, Any] = {"component": component, "key": key}
    for name in in_body:
        at = f"body {name}"
        if name == "scope":
            values[name] = _choice(body[name], at, CONFIG_SCOPES)
        else:
            values[name] = _config_value(body[name], at)
    return tuple_args(_CONFIG, values)
