"""Documentation models of the REST side, built from ``generated/iqfinex_layouts.py`` (never by hand).

These pydantic models only describe the bodies in the gateway's OpenAPI document; responses are encoded
with ``orjson`` and never re-validated at runtime. Per layout field kind:

    decimal   → string, canonical decimal pattern ("0.0000009", "0.25", never an exponent)
    timestamp → integer (Unix seconds)       integer → integer        boolean → boolean
    enum      → the normalized values of its ``ENUMS`` table (string when the spec gives no table)
    ref/list/map → the nested model / a list / an object of them
    optional  → nullable (the gateway always sends the key)

Objects allow additional properties: fields the upstream adds are passed on, never dropped.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

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
    Unauthorized,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.schemas import DECIMAL_INPUT, DRIFT_HEADERS, Decimal, DocModels, problem_responses
from generated.iqfinex_layouts import ENUMS, LAYOUTS, RESPONSES
from generated.iqfinex_operations import OPERATIONS

__all__ = [
    "Balance",
    "Candles",
    "MarketTicker",
    "OrderBookBody",
    "OrderRequest",
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


class OrderRequest(BaseModel):
    """Body of ``POST /v1/orders`` (documentation only: the body is parsed exactly, never via float).

    Amounts are decimal strings only (a JSON number is refused with 422: money is text). Without
    ``type`` it follows from the amounts: ``price`` → limit, none → market, both prices → stop_limit.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_order_example()]})
    market: str = PydanticField(pattern=MARKET_PATTERN)
    side: Literal[tuple(dict.fromkeys(ENUMS["Side"].values()))]  # type: ignore[valid-type]
    type: Literal[tuple(dict.fromkeys(ENUMS["OrderType"].values()))] | None = None  # type: ignore[valid-type]
    volume: str = PydanticField(pattern=DECIMAL_INPUT, description="Order size, > 0, a decimal string.")
    price: str | None = PydanticField(
        None, pattern=DECIMAL_INPUT, description="Limit price, > 0, a decimal string."
    )
    trigger_price: str | None = PydanticField(
        None, pattern=DECIMAL_INPUT, description="Activation price, > 0, a decimal string."
    )


# The documented body's fields are the spec's CreateOrderRequest slots plus the gateway's own `type`.
if set(OrderRequest.model_fields) != {f.name for f in LAYOUTS["CreateOrderRequest"].fields} | {"type"}:
    raise RuntimeError("OrderRequest differs from the spec's CreateOrderRequest")  # pragma: no cover


_ERRORS: dict[int, str] = {
    400: "The upstream rejected the request (its 400; `detail` is the upstream message).",
    401: "No or unknown credentials, or the upstream did not accept or no longer accepts the API key.",
    403: "The upstream API key lacks the permission for this action (the upstream's 402).",
    422: "Invalid request: `detail` and `errors` name the parameter.",
    502: "Bad upstream response: an upstream 500, or a body that is not JSON or cannot be normalized.",
    503: "Upstream unavailable: its 503, or it cannot be reached.",
    504: "Upstream timeout: its 504, or no answer within the per-call timeout.",
}
_EXAMPLES: dict[int, GatewayError] = {
    400: UpstreamRejected(400, "Unknown asset XXXYYY"),
    401: Unauthorized("send the Iqfinex API key in the Authorization header (or a gateway bearer token)"),
    403: UpstreamRejected(402, "Action is forbidden for API key"),
    422: InvalidRequest(
        "query limit: Input should be less than or equal to 100",
        errors=[{"location": "query limit", "message": "Input should be less than or equal to 100"}],
    ),
    502: BadUpstreamResponse("the upstream answered with a malformed JSON body"),
    503: UpstreamUnavailable("the upstream is unavailable (503)"),
    504: UpstreamTimeout("no answer from the upstream in time"),
}


def error_responses(private: bool) -> dict[int | str, dict[str, Any]]:
    """The documented problem responses of a route (401/403 only where credentials are involved)."""
    statuses = [400, *([401, 403] if private else []), 422, 502, 503, 504]
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
    responses: dict[int | str, dict[str, Any]] = {200: ok}
    responses.update(error_responses(private))
    return {
        "operation_id": operation_id,
        "summary": summary,
        "response_model": None,
        "responses": responses,
        "openapi_extra": extra or None,
    }
