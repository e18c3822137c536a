"""Documentation models of the REST side (``DocModels`` over ``generated/iqfinex_layouts.py``), the
order request schema, and the REST routes' documented problem responses.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

from gateway._decimal import canonical
from gateway.iqfinex import shaping
from gateway.iqfinex.requests import MARKET_PATTERN
from gateway.iqfinex.shaping import OPEN_TIME
from gateway.normalize import decode_json
from gateway.problems import (
    BadUpstreamResponse,
    GatewayError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.schemas import AMOUNT_SCHEMA, DRIFT_HEADERS, Decimal, DocModels, problem_responses
from generated.iqfinex_layouts import ENUMS, LAYOUTS, RESPONSES
from generated.iqfinex_operations import OPERATIONS

__all__ = [
    "ORDER_REQUEST_SCHEMA",
    "Balance",
    "Candles",
    "MarketTicker",
    "OrderBookBody",
    "error_responses",
    "model",
    "route",
]

REST_MODELS = DocModels(LAYOUTS, ENUMS)
model = REST_MODELS.model


def _map_key(operation_or_layout: str, field_name: str | None = None) -> str:
    """The normalized name of a map's key (``Field.key``): of an operation's data or a layout field."""
    key: str | None
    if field_name is None:
        key = RESPONSES[operation_or_layout].key
    else:
        key = next(f for f in LAYOUTS[operation_or_layout].fields if f.name == field_name).key
    assert key is not None
    return key


# Shaped bodies (see gateway.iqfinex.shaping): map entries carry their key, positional rows become objects.
MarketTicker = model(
    "Ticker", "MarketTicker", first={_map_key("listTickers"): str}, doc="The ticker of one market."
)
Balance = model(
    "BalanceEntry",
    "Balance",
    first={_map_key("getBalance"): str},
    last={"locked": Decimal},
    doc="The balance of one currency: `available + locked = total` (`locked` derived by the gateway).",
)
BookLevel = model(
    "OrderBookLevel", "BookLevel", first={_map_key("OrderBook", "buy"): Decimal}, doc="One price level."
)


class OrderBookBody(BaseModel):
    """Both sides of a market's order book; bids highest price first, asks lowest first."""

    model_config = ConfigDict(title="OrderBook")
    market: str
    rounding: int
    bids: list[BookLevel]  # type: ignore[valid-type]
    asks: list[BookLevel]  # type: ignore[valid-type]


Candle = model(
    "CandleRow",
    "Candle",
    first={
        OPEN_TIME: Annotated[
            int | None,
            PydanticField(
                ge=0,
                description="Unix time, seconds, when the candle opened; derived by the gateway: "
                "`close_time - frame`, for the live candle the close time of the candle before it "
                "(null when that candle is not on the page).",
            ),
        ]
    },
    doc="One OHLC candle; the live (still open) candle has `close_time: null`.",
)
Candles = model(
    "CandleList",
    "Candles",
    first={"market": str, "frame": int},
    drop=("rows",),
    last={"candles": list[Candle]},  # type: ignore[valid-type]
    doc="Candles of a market, newest first; the live candle has `close_time: null`.",
)


def _order_example() -> dict[str, Any]:
    """The spec's ``createOrder`` request example in the gateway's names, its ``type`` from the 200
    example (the upstream infers it), amounts as canonical decimal text."""
    operation = OPERATIONS["createOrder"]
    assert operation.request_example is not None
    wire = decode_json(operation.request_example.encode())
    example: dict[str, Any] = {}
    for item in LAYOUTS["CreateOrderRequest"].fields:
        if item.wire not in wire:
            continue
        value = wire[item.wire]
        if item.kind == "decimal":
            value = canonical(value)
        elif item.enum is not None:
            value = ENUMS[item.enum][value]
        example[item.name] = value
        if item.name == "side":  # the gateway's own field follows the side, as in the model
            example["type"] = shaping.example("createOrder")["type"]
    return example


def _order_request() -> dict[str, Any]:
    """JSON schema of the ``POST /v1/orders`` body (documentation; :func:`gateway.iqfinex.requests.
    parse_order` reads the body exactly, never via float).

    Amounts are decimal strings of the amount grammar only (money is text: a JSON number is refused
    with 422). The order type and the amounts it takes are one variant each, so every body the schema
    admits is one the gateway sends: limit takes ``price``, market none, stop_limit ``price`` and
    ``trigger_price``; without ``type`` the amounts given decide it.
    """
    base: dict[str, Any] = {
        "market": {"type": "string", "pattern": MARKET_PATTERN},
        "side": {"type": "string", "enum": list(dict.fromkeys(ENUMS["Side"].values()))},
    }
    help_ = {
        "volume": "Order size, > 0, a decimal string.",
        "price": "Limit price, > 0, a decimal string.",
        "trigger_price": "Activation price, > 0, a decimal string.",
    }
    takes = {"limit": ["price"], "market": [], "stop_limit": ["price", "trigger_price"]}
    variants = []
    for kind, amounts in takes.items():
        fields = ["volume", *amounts]
        props = {
            **base,
            "type": {"type": "string", "enum": [kind]},
            **{name: {**AMOUNT_SCHEMA, "description": help_[name]} for name in fields},
        }
        variants.append(
            {
                "type": "object",
                "properties": props,
                "required": ["market", "side", *fields],
                "additionalProperties": False,
            }
        )
    return {
        "title": "OrderRequest",
        "type": "object",
        "description": "An order: `type` limit (with `price`), market (no price) or stop_limit (`price` and "
        "`trigger_price`); without `type` the amounts decide it. Amounts are decimal strings only.",
        "anyOf": variants,
        "examples": [_order_example()],
    }


ORDER_REQUEST_SCHEMA = _order_request()


# The documented body's fields are the spec's CreateOrderRequest slots plus the gateway's own `type`.
if {name for v in ORDER_REQUEST_SCHEMA["anyOf"] for name in v["properties"]} != {
    f.name for f in LAYOUTS["CreateOrderRequest"].fields
} | {"type"}:
    raise RuntimeError("OrderRequest differs from the spec's CreateOrderRequest")  # pragma: no cover


_ERRORS: dict[int, str] = {
    400: "The upstream rejected the request (its 400; `detail` is the upstream message).",
    401: "No or unknown credentials, or the upstream did not accept or no longer accepts the API key.",
    403: "The upstream API key lacks the permission for this action (the upstream's 402).",
    404: "Not found: an unknown market, currency or order.",
    409: "Conflict: the order is no longer active (already filled or cancelled).",
    413: "The request body is larger than the gateway's limit (1 MiB by default).",
    415: "The request body is not `application/json`.",
    422: "Invalid request: `detail` and `errors` name the parameter.",
    429: "The upstream is rate limiting: try again after `Retry-After` seconds.",
    502: "Bad upstream response: an upstream 500, or a body that is not JSON or cannot be normalized.",
    503: "Upstream unavailable: its 503, or it cannot be reached.",
    504: "Upstream timeout: its 504, or no answer within the per-call timeout.",
}
_EXAMPLES: dict[int, GatewayError] = {
    400: UpstreamRejected(400, "Unknown asset XXXYYY"),
    401: Unauthorized("send the Iqfinex API key in the Authorization header (or a gateway bearer token)"),
    403: UpstreamRejected(402, "Action is forbidden for API key"),
    404: NotFound("unknown market 'XXXYYY'"),
    409: UpstreamRejected(400, "Order 304962 is not active"),
    413: PayloadTooLarge("body: larger than 1048576 bytes"),
    415: UnsupportedMediaType("header content-type: send the body as application/json"),
    429: UpstreamRejected(429, "Too many requests", headers={"Retry-After": "1"}),
    422: InvalidRequest(
        "query limit: Input should be less than or equal to 100",
        errors=[{"location": "query limit", "message": "Input should be less than or equal to 100"}],
    ),
    502: BadUpstreamResponse("the upstream answered with a malformed JSON body"),
    503: UpstreamUnavailable("the upstream is unavailable (503)"),
    504: UpstreamTimeout("no answer from the upstream in time"),
}


def error_responses(private: bool, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """The documented problem responses of a route (401/403 only where credentials are involved,
    413/415 only where there is a request body)."""
    statuses = [400, *([401, 403] if private else []), 404, *([409] if private else [])]
    statuses += [*([413, 415] if body else []), 422, 429]
    statuses += [502, 503, 504]
    return problem_responses({status: _ERRORS[status] for status in statuses}, _EXAMPLES)


SHARED_HEADERS: dict[str, Any] = {
    "Age": {
        "description": "Whole seconds since the upstream answered (public market data is coalesced: "
        "concurrent identical requests share one upstream call; see `Cache-Control`).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Cache-Control": {
        "description": "`public, max-age=<the route's micro-cache TTL>`; `max-age=0` (the default): the "
        "body is never older than one upstream round trip.",
        "schema": {"type": "string"},
    },
}


def route(
    operation_id: str,
    summary: str,
    body: Any,
    private: bool,
    example: Any = None,
    openapi_extra: dict[str, Any] | None = None,
    links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Keyword arguments of a REST route: stable operationId, 200 documented from ``body`` (encoded by
    the route itself, never re-validated), every problem response.

    Private routes list the empty security requirement besides the API key: without gateway tokens
    the server-side credentials serve requests that send no ``Authorization`` at all.
    """
    extra = dict(openapi_extra or {})
    if private:
        extra["security"] = [{}]  # appended by FastAPI to its [{"IqfinexApiKey": []}]
    ok: dict[str, Any] = {"model": body, "description": "Success.", "headers": dict(DRIFT_HEADERS)}
    if not private:
        ok["headers"] = {**SHARED_HEADERS, **DRIFT_HEADERS}
    if example is not None:
        ok["content"] = {"application/json": {"example": example}}
    if links:
        ok["links"] = links
    responses: dict[int | str, dict[str, Any]] = {200: ok}
    responses.update(error_responses(private, "requestBody" in extra))
    return {
        "operation_id": operation_id,
        "summary": summary,
        "response_model": None,
        "responses": responses,
        "openapi_extra": extra or None,
    }
