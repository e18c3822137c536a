"""The REST side's requests: the order body read exactly, and route parameters with the upstream's bounds.

Driven by ``generated/iqfinex_layouts.py`` and the upstream contract's parameter components
(``generated/iqfinex_operations.py``); no field is named by position or repeated by hand.

- :func:`parse_order` — the ``POST /v1/orders`` body, read exactly (never through ``float``), in the
  one amount grammar (:data:`gateway._decimal.AMOUNT_PATTERN`).
- :func:`spec_query` / :func:`spec_path` — FastAPI parameters with the upstream's documented bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator

from gateway._decimal import AMOUNT_PATTERN, DecimalError, canonical_decimal, parse_amount
from gateway._json import decode_request
from gateway.problems import InvalidRequest
from generated.iqfinex_layouts import ENUMS, LAYOUTS
from generated.iqfinex_operations import PARAMETERS as _PARAMETERS

__all__ = [
    "DEFAULT",
    "MARKET_PATTERN",
    "ORDER_TYPES",
    "PARAMETERS",
    "CandlesLimit",
    "Frame",
    "Limit",
    "Offset",
    "PublicTradesLimit",
    "Rounding",
    "Sort",
    "check_precision",
    "one_of",
    "parse_order",
    "spec_default",
    "spec_enum",
    "spec_path",
    "spec_query",
    "upstream_order",
]

PARAMETERS: dict[str, Any] = _PARAMETERS
"""The upstream contract's parameter components (bounds, defaults, patterns, descriptions; the schema's
``$ref`` resolved by codegen)."""


# ------------------------------------------------------------------------------------ requests
ORDER_TYPES: dict[str, str] = ENUMS["OrderType"]
"""Upstream order type code → normalized type (``LIMIT`` → ``limit``)."""

_SIDES = {normalized: code for code, normalized in ENUMS["Side"].items()}
_REQUEST = {f.name: f for f in LAYOUTS["CreateOrderRequest"].fields}
_TYPE_FIELD = "type"  # the gateway's own request field; the upstream infers the type from the fields
MARKET_PATTERN: str = PARAMETERS["AssetPath"]["schema"]["pattern"]
_MARKET_PATTERN = MARKET_PATTERN


def _amount(name: str, value: Any) -> Decimal:
    if not isinstance(value, str):  # money is text: a JSON number is refused, never rounded or read
        raise InvalidRequest(
            f'body {name}: must be a decimal string such as "0.25"',
            errors=[_error(name, "not a decimal string")],
        )
    try:
        return parse_amount(value)  # the one amount grammar: positive, ASCII, bounded
    except DecimalError:
        shown = value if isinstance(value, str | int | Decimal) else type(value).__name__
        raise InvalidRequest(
            f"body {name}: {str(shown)[:40]!r} is not a positive decimal matching {AMOUNT_PATTERN}",
            errors=[_error(name, "not a positive decimal")],
        ) from None


def _error(name: str, message: str) -> dict[str, str]:
    return {"location": f"body {name}", "message": message}


def _places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_order(raw: bytes | Any) -> tuple[str, str, dict[str, Decimal]]:
    """Validate a ``POST /v1/orders`` body: ``(market, side, {volume, price?, trigger_price?})``.

    Amounts are decimal strings only (a JSON number is a 422: money is text); the
    order ``type`` must agree with the amounts given (limit: price; market: none; stop_limit: both).
    """
    body = decode_request(raw) if isinstance(raw, bytes) else raw  # bytes: tests and benchmarks
    if not isinstance(body, dict):
        raise InvalidRequest("body: must be a JSON object", errors=[_error("", "not an object")])
    known = {*_REQUEST, _TYPE_FIELD}
    unknown = sorted(str(k) for k in body if k not in known)
    if unknown:
        raise InvalidRequest(
            f"body: unknown field(s) {', '.join(unknown)}",
            errors=[_error(k, "unknown field") for k in unknown],
        )
    missing = [f.name for f in _REQUEST.values() if not f.optional and body.get(f.name) is None]
    if missing:
        raise InvalidRequest(
            f"body: missing field(s) {', '.join(missing)}", errors=[_error(k, "required") for k in missing]
        )
    market = body["market"]
    if not isinstance(market, str) or not _match(_MARKET_PATTERN, market):
        raise InvalidRequest(
            f"body market: must match {_MARKET_PATTERN}", errors=[_error("market", "invalid market")]
        )
    side = body["side"]
    if not isinstance(side, str) or side not in _SIDES:
        raise InvalidRequest(
            f"body side: must be one of {', '.join(_SIDES)}", errors=[_error("side", "invalid side")]
        )
    amounts = {
        f.name: _amount(f.name, body[f.name])
        for f in _REQUEST.values()
        if f.kind == "decimal" and f.name in body
    }
    given = {name for name in amounts if name != "volume"}
    expected = {"limit": {"price"}, "market": set(), "stop_limit": {"price", "trigger_price"}}
    kind = body.get(_TYPE_FIELD)
    if _TYPE_FIELD in body and not isinstance(kind, str):
        raise InvalidRequest(
            f"body type: must be one of {', '.join(sorted(set(ORDER_TYPES.values())))}",
            errors=[_error(_TYPE_FIELD, "invalid type")],
        )
    if kind is None:
        kind = next((k for k, needs in expected.items() if needs == given), None)
        if kind is None:
            raise InvalidRequest(
                "body: trigger_price needs a price (stop_limit order)", errors=[_error("price", "required")]
            )
    if kind not in expected or kind not in ORDER_TYPES.values():
        raise InvalidRequest(
            f"body type: must be one of {', '.join(expected)}", errors=[_error(_TYPE_FIELD, "invalid type")]
        )
    if expected[kind] != given:
        needs = ", ".join(sorted(expected[kind])) or "no price"
        raise InvalidRequest(
            f"body type: a {kind} order takes {needs}",
            errors=[_error(_TYPE_FIELD, f"a {kind} order takes {needs}")],
        )
    return market.upper(), side, amounts  # REST market names are upper case, whatever the caller sent


def check_precision(amounts: dict[str, Decimal], accuracy: int | None) -> None:
    """At most ``accuracy`` decimal places in the prices (the pair's ``accuracy``, when known)."""
    if accuracy is None:
        return
    for name, amount in amounts.items():
        if name != "volume" and _places(amount) > accuracy:
            raise InvalidRequest(
                f"body {name}: at most {accuracy} decimal places for this market",
                errors=[_error(name, f"more than {accuracy} decimal places")],
            )


def upstream_order(market: str, side: str, amounts: dict[str, Decimal]) -> dict[str, Any]:
    """The upstream body in wire names, amounts as exact decimal strings (no rounding)."""
    body: dict[str, Any] = {_REQUEST["market"].wire: market, _REQUEST["side"].wire: _SIDES[side]}
    for name, amount in amounts.items():
        body[_REQUEST[name].wire] = canonical_decimal(amount)
    return body


def _match(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern.removeprefix("^").removesuffix("$"), value) is not None


# ------------------------------------------------------------------------------------ parameters
def one_of(values: Iterable[Any]) -> Callable[[Any], Any]:
    """A pydantic after-validator admitting only ``values`` (enum parameters read as integers)."""
    allowed = sorted(values)

    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(map(str, allowed))}")
        return value

    return check


def _schema(component: str) -> dict[str, Any]:
    schema: dict[str, Any] = PARAMETERS[component]["schema"]
    return schema


def _bounds(component: str) -> dict[str, Any]:
    parameter = PARAMETERS[component]
    schema = _schema(component)
    out: dict[str, Any] = {"description": parameter.get("description", "").strip()}
    if "minimum" in schema:
        out["ge"] = schema["minimum"]
    if "maximum" in schema:
        out["le"] = schema["maximum"]
    if "pattern" in schema:
        out["pattern"] = schema["pattern"]
    if "enum" in schema:
        out["json_schema_extra"] = {"enum": schema["enum"]}
    if "example" in parameter:
        out["examples"] = [parameter["example"]]
    return out


def spec_default(component: str) -> Any:
    """The documented default of a parameter (its ``default``, else its example)."""
    return _schema(component).get("default", PARAMETERS[component].get("example"))


def spec_enum(component: str) -> list[Any]:
    """The documented values of an enumerated parameter."""
    return list(_schema(component)["enum"])


def spec_query(component: str, **overrides: Any) -> Any:
    """A FastAPI ``Query`` with the bounds and description of an upstream parameter."""
    return Query(**{**_bounds(component), **overrides})


def spec_path(component: str, **overrides: Any) -> Any:
    """A FastAPI ``Path`` with the bounds and description of an upstream parameter."""
    return Path(**{**_bounds(component), **overrides})


DEFAULT: dict[str, Any] = {name: spec_default(name) for name, p in PARAMETERS.items() if not p["required"]}
"""Documented defaults of the optional upstream parameters, plus the examples the gateway adopts as
defaults for parameters that are path segments upstream and optional query parameters here."""
DEFAULT.update(Frame=spec_default("Frame"), Rounding=spec_default("Rounding"))

# Query parameters with the upstream's bounds; a route writes ``limit: Limit = DEFAULT["Limit"]``.
Limit = Annotated[int, spec_query("Limit")]
PublicTradesLimit = Annotated[int, spec_query("PublicTradesLimit")]
CandlesLimit = Annotated[int, spec_query("CandlesLimit")]
Offset = Annotated[int, spec_query("Offset")]
Sort = Annotated[str, AfterValidator(one_of(spec_enum("Sort"))), spec_query("Sort")]
Frame = Annotated[int, AfterValidator(one_of(spec_enum("Frame"))), spec_query("Frame")]
Rounding = Annotated[int, AfterValidator(one_of(spec_enum("Rounding"))), spec_query("Rounding")]
