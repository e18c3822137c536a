"""Finex websocket methods over HTTP, one route per method, on the credential's shared connection.

Every route makes exactly one upstream call and never retries it. A state-changing call whose outcome
is unknown (reply lost or late, socket closed in flight) answers the ``outcome-unknown`` problem; with
an ``Idempotency-Key`` a late reply completes the record and a retry reconciles instead of sending
again (:mod:`gateway.finex.outcomes`). Rows come back as objects named by the AsyncAPI slot
titles, in the shared vocabulary (``state: open``, ``type: limit``) with canonical decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor

from gateway._decimal import canonical_decimal
from gateway._json import read_body
from gateway.deps import IdempotencyKey, Jwt, State
from gateway.finex import requests as req
from gateway.finex.models import (
    MARKET_PATTERN,
    OPTIONAL_CREDENTIALS,
    UUID_PATTERN,
    finex_model,
    finex_responses,
    order_body_schema,
    spec_slot,
    vocabulary,
)
from gateway.finex.outcomes import FinexAttempt, Kind, json_outcome, no_content
from gateway.finex.protocol import reply_example
from gateway.idempotency import Stored, fingerprint, scope_of
from gateway.iqfinex.shaping import json_body, json_response
from gateway.problems import BadUpstreamResponse
from gateway.schemas import list_of
from generated.finex_layouts import LAYOUTS
from generated.finex_protocol import CONSTS

__all__ = ["router"]

router = APIRouter(tags=["finex"])


class _UuidSegment(Convertor[str]):
    """A path segment that is a UUID (kept as text). Without it ``/v1/finex/orders/{uuid}`` would also
    match ``/v1/finex/orders/bulk``, so ``Allow`` there would name DELETE; a segment that is no UUID is
    now simply no order (404)."""

    regex = UUID_PATTERN.removeprefix("^").removesuffix("$")

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("finex_uuid", _UuidSegment())

_INT_MAX = 2**31 - 1  # the gateway's bound on page/limit (the spec sets only the minimum)


def _arg(args_schema: str, title: str, **overrides: Any) -> Any:
    """A ``Query`` with the bounds and description of one argument slot of the spec."""
    item = spec_slot(args_schema, title)
    bounds: dict[str, Any] = {"description": item.get("description", "").strip()}
    if "minimum" in item:
        bounds["ge"] = item["minimum"]
    return Query(**{**bounds, **overrides})


Uuid = Annotated[str, Path(pattern=UUID_PATTERN, description="Order UUID.")]
Market = Annotated[str | None, Query(pattern=MARKET_PATTERN, description="Market id, e.g. `btcusdt`.")]
OrderState = Literal[vocabulary("ListOrdersState")]  # type: ignore[valid-type]
Page = Annotated[int, _arg("ListOrdersArgs", "page", le=_INT_MAX)]
Limit = Annotated[int, _arg("ListOrdersArgs", "limit", le=_INT_MAX)]
TransferPage = Annotated[int, _arg("GetTransfersArgs", "page", le=_INT_MAX)]
TransferLimit = Annotated[int, _arg("GetTransfersArgs", "limit", le=_INT_MAX)]
TransferState = Annotated[
    str, _arg("GetTransfersArgs", "state", alias="state", max_length=64, pattern=r"^[A-Za-z0-9_]*$")
]

Order = finex_model("OrderRow", "FinexOrder", "An order in the shared vocabulary (either upstream).")
Trade = finex_model("TradeRow", "FinexTrade", "A trade of one of the user's orders.")
Transfer = finex_model("TransferRow", "FinexTransfer", "A deposit or withdrawal.")
Created = finex_model("CreateOrderResult", "FinexCreatedOrder", "The UUID of the order pushed to the engine.")
Config = finex_model(
    "GetConfigResult", "FinexConfig", "`{component: {scope: {key: value}}}`; secrets masked."
)

# the spec's documented replies, normalized
_ORDER_EXAMPLE = reply_example("list_orders")[0]
_TRADE_EXAMPLE = reply_example("list_order_trades")[0]
_TRANSFER_EXAMPLE = reply_example("get_deposits")[0]


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": schema}}}
    return {**OPTIONAL_CREDENTIALS, "requestBody": body}


def _array_of(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {"type": "array", "items": schema, "minItems": 1, "maxItems": req.MAX_BATCH, "example": example}


_ORDER_BODY = order_body_schema()
_TARGET_BODY = {
    "title": "FinexCancelTarget",
    "type": "object",
    "properties": {
        item.name: {"type": "string", "pattern": UUID_PATTERN if item.name == "uuid" else MARKET_PATTERN}
        for item in LAYOUTS["CancelTarget"].fields
    },
    "required": [item.name for item in LAYOUTS["CancelTarget"].fields],
    "additionalProperties": False,
}
_CONFIG_TEXT = {"type": "string", "maxLength": req.CONFIG_TEXT_MAX, "pattern": req.CONFIG_TEXT_PATTERN}


def _config_name(description: str = "") -> Any:
    return Path(
        min_length=1, max_length=req.CONFIG_NAME_MAX, pattern=req.CONFIG_NAME_PATTERN, description=description
    )


_CONFIG_BODY = {
    "title": "FinexConfigValue",
    "type": "object",
    "properties": {
        "value": {
            "description": "A string, boolean, number or list of strings (no control or formatting "
            "characters in strings).",
            "anyOf": [
                _CONFIG_TEXT,
                {"type": "boolean"},
                {"type": "number", "minimum": -req.CONFIG_NUMBER_MAX, "maximum": req.CONFIG_NUMBER_MAX},
                {"type": "array", "items": _CONFIG_TEXT, "maxItems": req.CONFIG_LIST_MAX},
            ],
        },
        "scope": {"type": "string", "enum": list(req.CONFIG_SCOPES)},
    },
    "required": ["value", "scope"],
    "additionalProperties": False,
    "example": {"value": True, "scope": "public"},
}
_BULK_OUTCOME = {
    "title": "FinexBulkOutcome",
    "type": "object",
    "properties": {
        "index": {"type": "integer", "minimum": 0, "description": "Position in the request."},
        "uuid": {"type": ["string", "null"], "description": "The new order's UUID, null if it failed."},
        "ok": {"type": "boolean"},
        "error": {"type": ["string", "null"], "description": "Why it failed (the upstream gives no reason)."},
    },
    "required": ["index", "uuid", "ok", "error"],
}
_BULK_FAILED = "the upstream did not create this order (it reports no reason)"


def _linked(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """The created order's follow-ups as OpenAPI links (stateful tests walk them)."""
    uuid = {"uuid": "$response.body#/uuid"}
    responses[200]["links"] = {
        "cancel": {
            "operationId": "finexCancelOrder",
            "parameters": {**uuid, "market": "$request.body#/market"},
        },
        "trades": {"operationId": "finexListOrderTrades", "parameters": uuid},
    }
    return responses


def _no_content() -> Response:
    return Response(status_code=204)


async def _once(
    state: State,
    jwt: str | None,
    key: str | None,
    request: Request,
    raw: bytes,
    method: str,
    args: list[Any],
    kind: Kind,
    shape: Any = no_content,
    context: dict[str, Any] | None = None,
) -> Response:
    """One state-changing call under the request's idempotency key (if any)."""
    attempt = FinexAttempt(
        state.finex, jwt, method, args, shape, kind, state.settings.reconcile_skew, context or {}
    )
    fp = fingerprint(request.method, request.url.path, request.url.query, raw)
    return await state.idempotency.run(key, scope_of(jwt), fp, attempt.context, attempt)


def _order_context(body: Any) -> dict[str, Any]:
    """An order body (validated) in the vocabulary of listed orders, for reconciliation."""

    def text(value: Any) -> str | None:
        return None if value is None else canonical_decimal(Decimal(str(value)))

    return {
        "market": str(body.get("market", "")).upper(), "side": body.get("side"), "type": body.get("type"),
        "volume": text(body.get("volume")), "price": text(body.get("price")),
    }  # fmt: skip


# ------------------------------------------------------------------------------------ orders
@router.get(
    "/v1/finex/orders",
    operation_id="finexListOrders",
    summary="List orders (list_orders)",
    response_model=None,
    responses=finex_responses(list_of(Order), [_ORDER_EXAMPLE]),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def list_orders(
    state: State,
    jwt: Jwt,
    market: Market = None,
    order_state: Annotated[
        OrderState | None,  # type: ignore[valid-type]
        Query(alias="state", description="Only orders in this state (the shared vocabulary)."),
    ] = None,
    page: Page = 0,
    limit: Limit = 0,
) -> Response:
    layout = LAYOUTS["ListOrdersArgs"]
    values = {
        "market": market or "",
        "page": page,
        "limit": limit,
        "state": req.STATE_CODES[order_state] if order_state else "",
    }
    return json_body(await state.finex.call_body(jwt, "list_orders", req.tuple_args(layout, values)))


@router.get(
    "/v1/finex/orders/by-uuid",
    operation_id="finexListOrdersByUuid",
    summary="List orders by UUID (list_orders_by_uuids)",
    response_model=None,
    responses=finex_responses(list_of(Order), [_ORDER_EXAMPLE]),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def list_orders_by_uuids(
    state: State,
    jwt: Jwt,
    uuid: Annotated[
        list[Annotated[str, Query(pattern=UUID_PATTERN)]],
        Query(min_length=1, max_length=req.MAX_BATCH, description="Order UUIDs (repeat the parameter)."),
    ],
) -> Response:
    return json_body(await state.finex.call_body(jwt, "list_orders_by_uuids", uuid))


@router.get(
    "/v1/finex/orders/{uuid:finex_uuid}/trades",
    operation_id="finexListOrderTrades",
    summary="List the trades of an order (list_order_trades)",
    response_model=None,
    responses=finex_responses(list_of(Trade), [_TRADE_EXAMPLE]),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def list_order_trades(state: State, jwt: Jwt, uuid: Uuid) -> Response:
    values = {"order_uuid": uuid}
    args = req.tuple_args(LAYOUTS["ListOrderTradesArgs"], values)
    return json_body(await state.finex.call_body(jwt, "list_order_trades", args))


@router.post(
    "/v1/finex/orders",
    operation_id="finexCreateOrder",
    summary="Create an order (create_order; sent once, never retried)",
    response_model=None,
    responses=_linked(finex_responses(Created, {"uuid": "4fec493d-c2a2-11ea-b670-1831bf9834b0"})),
    openapi_extra=_body(_ORDER_BODY),
)
async def create_order(state: State, jwt: Jwt, key: IdempotencyKey, request: Request) -> Response:
    raw = await read_body(request)
    body = req.decode_body(raw)
    args = req.order_args(body)
    context = {"orders": [_order_context(body)]}
    return await _once(state, jwt, key, request, raw, "create_order", args, "create", json_outcome, context)


@router.post(
    "/v1/finex/orders/bulk",
    operation_id="finexCreateBulk",
    summary="Create several orders (create_bulk; sent once, never retried)",
    description="Every order is validated before anything is sent. The reply reports, in request order, "
    "each order's UUID or its failure.",
    response_model=None,
    responses=finex_responses(
        None,
        [
            {"index": 0, "uuid": "04852bd8-c2a3-11ea-b670-1831bf9834b0", "ok": True, "error": None},
            {"index": 1, "uuid": None, "ok": False, "error": _BULK_FAILED},
        ],
        schema={"type": "array", "items": _BULK_OUTCOME},
    ),
    # Items without the title: openapi-python-client would otherwise generate FinexOrderRequest twice.
    openapi_extra=_body(
        _array_of({k: v for k, v in _ORDER_BODY.items() if k != "title"}, [_ORDER_BODY["example"]])
    ),
)
async def create_bulk(state: State, jwt: Jwt, key: IdempotencyKey, request: Request) -> Response:
    raw = await read_body(request)
    body = req.decode_body(raw)
    orders = req.orders_args(body)
    context = {"orders": [_order_context(order) for order in body]}

    def shape(outcomes: Any) -> Stored:
        return json_outcome(_bulk_report(outcomes, len(orders)))

    return await _once(state, jwt, key, request, raw, "create_bulk", orders, "bulk", shape, context)


def _bulk_report(outcomes: Any, sent: int) -> list[dict[str, Any]]:
    if not isinstance(outcomes, list) or len(outcomes) != sent:
        raise BadUpstreamResponse(
            f"create_bulk answered {len(outcomes) if isinstance(outcomes, list) else 'no list'} outcome(s) "
            f"for {sent} order(s)"
        )
    failed = _failed_outcome()
    report = [
        {
            "index": index,
            "uuid": None if outcome == failed else outcome,
            "ok": outcome != failed,
            "error": _BULK_FAILED if outcome == failed else None,
        }
        for index, outcome in enumerate(outcomes)
    ]
    return report


def _failed_outcome() -> str:
    """The outcome string of a failed bulk order (the spec's ``BulkOrderOutcome`` const branch)."""
    (failed,) = CONSTS["BulkOrderOutcome"]
    return str(failed)


@router.delete(
    "/v1/finex/orders/{uuid:finex_uuid}",
    operation_id="finexCancelOrder",
    summary="Cancel an order (cancel_order)",
    status_code=204,
    response_class=Response,
    responses=finex_responses(None, status=204),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def cancel_order(
    state: State,
    jwt: Jwt,
    key: IdempotencyKey,
    uuid: Uuid,
    market: Annotated[str, Query(pattern=MARKET_PATTERN)],
    request: Request,
) -> Response:
    args = req.cancel_args([{"market": market, "uuid": uuid}])
    return await _once(
        state, jwt, key, request, b"", "cancel_order", args, "cancel", context={"uuids": [uuid]}
    )


@router.post(
    "/v1/finex/orders/cancel",
    operation_id="finexCancelOrders",
    summary="Cancel several orders (cancel_order)",
    status_code=204,
    response_class=Response,
    responses=finex_responses(None, status=204),
    openapi_extra=_body(
        _array_of(_TARGET_BODY, [{"market": "btcusd", "uuid": "bc8b9e47-ac5f-443c-ae7b-e4e9758df20b"}])
    ),
)
async def cancel_orders(state: State, jwt: Jwt, key: IdempotencyKey, request: Request) -> Response:
    raw = await read_body(request)
    body = req.decode_body(raw)
    args = req.cancel_args(body)
    context = {"uuids": [target["uuid"] for target in body]}
    return await _once(state, jwt, key, request, raw, "cancel_order", args, "cancel", context=context)


@router.post(
    "/v1/finex/orders/cancel-all",
    operation_id="finexCancelAll",
    summary="Cancel all orders (cancel_all)",
    status_code=204,
    response_class=Response,
    responses=finex_responses(None, status=204),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def cancel_all(state: State, jwt: Jwt, key: IdempotencyKey, request: Request) -> Response:
    return await _once(state, jwt, key, request, await request.body(), "cancel_all", [], "repeatable")


# ------------------------------------------------------------------------------------ transfers
@router.get(
    "/v1/finex/deposits",
    operation_id="finexListDeposits",
    summary="List deposits (get_deposits)",
    response_model=None,
    responses=finex_responses(list_of(Transfer), [_TRANSFER_EXAMPLE]),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def list_deposits(
    state: State,
    jwt: Jwt,
    transfer_state: TransferState = "",
    page: TransferPage = 0,
    limit: TransferLimit = 0,
) -> Response:
    return await _transfers(state, jwt, "get_deposits", transfer_state, page, limit)


@router.get(
    "/v1/finex/withdrawals",
    operation_id="finexListWithdrawals",
    summary="List withdrawals (get_withdraws)",
    response_model=None,
    responses=finex_responses(list_of(Transfer), [_TRANSFER_EXAMPLE]),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def list_withdrawals(
    state: State,
    jwt: Jwt,
    transfer_state: TransferState = "",
    page: TransferPage = 0,
    limit: TransferLimit = 0,
) -> Response:
    return await _transfers(state, jwt, "get_withdraws", transfer_state, page, limit)


async def _transfers(
    state: State, jwt: str | None, method: str, status: str, page: int, limit: int
) -> Response:
    values = {"state": status, "page": page, "limit": limit}
    args = req.tuple_args(LAYOUTS["GetTransfersArgs"], values)
    return json_body(await state.finex.call_body(jwt, method, args))


# ------------------------------------------------------------------------------------ config
@router.put(
    "/v1/finex/config/{component}/{key}",
    operation_id="finexSetConfigValue",
    summary="Set a configuration value (set_config_value)",
    status_code=204,
    response_class=Response,
    responses=finex_responses(None, status=204),
    openapi_extra=_body(_CONFIG_BODY),
)
async def set_config_value(
    state: State,
    jwt: Jwt,
    component: Annotated[str, _config_name("Component name, e.g. `finex`.")],
    key: Annotated[str, _config_name()],
    idempotency_key: IdempotencyKey,
    request: Request,
) -> Response:
    raw = await read_body(request)
    args = req.config_args(component, key, req.decode_body(raw))
    return await _once(state, jwt, idempotency_key, request, raw, "set_config_value", args, "repeatable")


@router.get(
    "/v1/finex/config",
    operation_id="finexGetConfig",
    summary="Get the configuration (get_config)",
    description="Numbers with a fraction come back as exact decimal strings.",
    response_model=None,
    responses=finex_responses(
        Config,
        {"config": {"finex": {"public": {"key_public": "value_public"}, "secret": {"key_secret": "******"}}}},
    ),
    openapi_extra=OPTIONAL_CREDENTIALS,
)
async def get_config(state: State, jwt: Jwt) -> Response:
    return json_response(await state.finex.call(jwt, "get_config", []))
