"""Documentation models of the Finex routes, built from ``generated/finex_layouts.py`` (never by hand).

``gateway.schemas`` builds the REST side's models from the Iqfinex layouts only, so this is the same
recipe over the Finex layouts (same field-kind mapping; models are prefixed ``Finex`` so their
component names never collide with the REST ones). Documentation only: responses are encoded with
``orjson`` and never re-validated.

    decimal   → string, canonical decimal pattern       timestamp → integer (Unix seconds)
    enum      → the normalized values of its ``ENUMS`` table
    optional  → nullable (the gateway always sends the key)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gateway.problems import (
    BadUpstreamResponse,
    GatewayError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.schemas import AMOUNT_SCHEMA, DRIFT_HEADERS, DocModels, problem_responses
from generated.contract_types import document
from generated.finex_layouts import ENUMS, LAYOUTS
from generated.finex_protocol import PATTERNS

__all__ = [
    "BUY_SIDE",
    "FINEX_ERRORS",
    "MARKET_PATTERN",
    "MARKET_TYPE",
    "OPTIONAL_CREDENTIALS",
    "PRICE_SLOT",
    "UUID_PATTERN",
    "finex_model",
    "finex_responses",
    "order_body_schema",
    "spec_schema",
    "spec_slot",
    "vocabulary",
]


def spec_schema(name: str) -> dict[str, Any]:
    """A component schema of the Finex AsyncAPI document, ``$ref``/``allOf`` merged by codegen."""
    schema: dict[str, Any] = document("finex", resolved=True)["components"]["schemas"][name]
    return schema


def spec_slot(layout: str, title: str) -> dict[str, Any]:
    """One slot of a tuple schema by its title (``$ref``/``allOf`` merged); KeyError when absent."""
    for item in spec_schema(layout)["items"]:
        if item.get("title") == title:
            return dict(item)
    raise KeyError(f"{layout} has no slot {title!r}")


UUID_PATTERN: str = PATTERNS["Uuid"]


_MODELS = DocModels(LAYOUTS, ENUMS, prefix="Finex")
vocabulary = _MODELS.vocabulary


def finex_model(layout: str, name: str | None = None, doc: str | None = None) -> type[BaseModel]:
    """The model of a normalized Finex layout (cached by name, default ``Finex<Layout>``)."""
    return _MODELS.model(layout, name, doc=doc)


MARKET_PATTERN = r"^[A-Za-z0-9]{1,32}$"
"""Market ids the gateway passes on (the spec only says non-empty; Finex ids look like ``btcusdt``)."""

_AMOUNT_HELP = {
    "volume": "Order size (base currency), > 0.",
    "price": "Limit price, > 0: required for limit and post-only orders, may be left out of market orders.",
    "quote_amount": "Market buys only: the most quote currency to spend, > 0.",
}


def order_body_schema() -> dict[str, Any]:
    """JSON schema of one ``POST /v1/finex/orders`` body: the ``CreateOrderArgs`` slots by title.

    Amounts are decimal strings only (money is text: a JSON number is refused with 422), > 0.
    The rules between fields are part of the schema, one variant each, so that every body the schema
    admits is one the gateway sends: a priced type (limit, post_only) needs ``price``; a market order
    may leave it out (the upstream ignores it); only a market buy may name ``quote_amount``.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    optional: list[str] = []
    for item in LAYOUTS["CreateOrderArgs"].fields:
        if item.kind == "decimal":
            prop: dict[str, Any] = {
                **AMOUNT_SCHEMA,
                "description": f"{_AMOUNT_HELP.get(item.name, '')} A decimal string (money is text: a JSON "
                "number is refused with 422).",
            }
        elif item.kind == "enum" and item.enum is not None:
            prop = {"type": "string", "enum": list(vocabulary(item.enum))}
        else:
            prop = {"type": "string", "pattern": MARKET_PATTERN}
        properties[item.name] = prop
        if item.optional:
            optional.append(item.name)
        elif item.name != PRICE_SLOT:
            required.append(item.name)
    types, sides = properties["type"]["enum"], properties["side"]["enum"]

    def variant(kinds: list[str], sides: list[str], extra: bool, priced: bool) -> dict[str, Any]:
        props = {
            **properties,
            "type": {"type": "string", "enum": kinds},
            "side": {"type": "string", "enum": sides},
        }
        for name in () if extra else optional:
            del props[name]
        return {
            "type": "object",
            "properties": props,
            "required": required + ([PRICE_SLOT] if priced else []),
            "additionalProperties": False,
        }

    return {
        "title": "FinexOrderRequest",
        "type": "object",
        "anyOf": [
            variant([t for t in types if t != MARKET_TYPE], sides, extra=False, priced=True),
            variant([MARKET_TYPE], [s for s in sides if s != BUY_SIDE], extra=False, priced=False),
            variant([MARKET_TYPE], [BUY_SIDE], extra=True, priced=False),
        ],
        "example": {"market": "BTCUSDT", "type": "limit", "side": "buy", "volume": "0.25", "price": "9120"},
    }


PRICE_SLOT = "price"
"""The one required ``create_order`` slot a market order may leave out."""
MARKET_TYPE = "market"
"""The order type whose price the upstream ignores."""
BUY_SIDE = "buy"
"""With ``market``: the only order that may name a quote amount."""


OPTIONAL_CREDENTIALS: dict[str, Any] = {"security": [{}]}
"""``openapi_extra`` of a JWT-backed route: FastAPI lists the bearer scheme from the ``Jwt`` dependency,
this adds the empty alternative (appended by FastAPI's merge): without a header the gateway's
server-side credentials apply, so the header is optional."""

FINEX_ERRORS: dict[int, str] = {
    400: "The upstream answered with an error reply (`detail` is its description), e.g. unknown market, "
    "order not found, insufficient balance, or a private method on an anonymous connection.",
    401: "No usable credentials, or the upstream refused the JWT on the websocket handshake.",
    404: 'Not found: no order with this UUID (the upstream\'s "not found" answer).',
    409: "Conflict: the order is no longer active (already filled or cancelled).",
    413: "The request body is larger than the gateway's limit (1 MiB by default).",
    415: "The request body is not `application/json`.",
    422: "Invalid request: `detail` and `errors` name the parameter.",
    502: "Bad upstream response: a malformed reply frame or a result that cannot be normalized.",
    503: "Upstream unavailable: the websocket cannot be opened, too many calls in flight, or it dropped "
    "with the call in flight (never resent: check before retrying an order).",
    504: "Upstream timeout: no reply within the per-call timeout (the request may have been executed).",
}
_EXAMPLES: dict[int, GatewayError] = {
    400: UpstreamRejected(400, "order not found"),
    401: UpstreamRejected(401, "the upstream refused the websocket credentials (HTTP 401)"),
    404: NotFound("order not found"),
    409: UpstreamRejected(400, "Order 97 is not active"),
    413: PayloadTooLarge("body: larger than 1048576 bytes"),
    415: UnsupportedMediaType("header content-type: send the body as application/json"),
    422: InvalidRequest(
        "body volume: must be greater than 0", errors=[{"location": "body volume", "message": "not > 0"}]
    ),
    502: BadUpstreamResponse("malformed reply frame from the upstream websocket"),
    503: UpstreamUnavailable("the upstream websocket closed with the call in flight; not retried"),
    504: UpstreamTimeout("no reply to list_orders within 10s"),
}


def finex_responses(
    body: Any = None, example: Any = None, status: int = 200, schema: dict[str, Any] | None = None
) -> dict[int | str, dict[str, Any]]:
    """Responses of a Finex-backed route: the success body (a model, or a JSON ``schema``; neither: no
    content) and every problem."""
    ok: dict[str, Any] = {"description": "Success." if body or schema else "Done; no content."}
    if body is not None or schema is not None:
        ok["headers"] = DRIFT_HEADERS
    if body is not None:
        ok["model"] = body
    content: dict[str, Any] = {}
    if schema is not None:
        content["schema"] = schema
    if example is not None:
        content["example"] = example
    if content:
        ok["content"] = {"application/json": content}
    responses: dict[int | str, dict[str, Any]] = {status: ok}
    responses.update(problem_responses(FINEX_ERRORS, _EXAMPLES))
    return responses
