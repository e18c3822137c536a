"""Orders of the account behind the API key: place, cancel, list, inspect.

Placing and cancelling are sent upstream exactly once (never retried automatically). When the outcome
is unknown (no answer in time, connection lost, unreadable answer) the answer is the
``outcome-unknown`` problem; a retry with the same ``Idempotency-Key`` then reconciles against the
upstream instead of sending again (:mod:`gateway.iqfinex.outcomes`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gateway._decimal import canonical_decimal
from gateway._json import read_body
from gateway.deps import ApiKey, IdempotencyKey, State
from gateway.idempotency import fingerprint, scope_of
from gateway.iqfinex import outcomes, requests, shaping
from gateway.iqfinex.models import ORDER_REQUEST_SCHEMA, model, route
from gateway.iqfinex.requests import DEFAULT, Limit, Offset, Sort, spec_path
from gateway.iqfinex.shaping import json_response
from gateway.problems import NotFound, UpstreamError
from generated.iqfinex_client.models.create_order_request import CreateOrderRequest

__all__ = ["router"]

router = APIRouter(tags=["orders"])

OrderId = Annotated[int, spec_path("OrderId", le=2**63 - 1)]

_ORDER_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ORDER_REQUEST_SCHEMA}},
    }
}


_ORDER_ID = {"id": "$response.body#/id"}
_ORDER_LINKS = {
    "get": {"operationId": "getOrder", "parameters": _ORDER_ID},
    "trades": {"operationId": "listOrderTrades", "parameters": _ORDER_ID},
    "cancel": {"operationId": "cancelOrder", "parameters": _ORDER_ID},
}


@router.post(
    "/v1/orders",
    **route("createOrder", "Place an order (sent upstream once, never retried)", model("Order"), True,
            shaping.example("createOrder"), _ORDER_BODY, _ORDER_LINKS),
)  # fmt: skip
async def create_order(state: State, api_key: ApiKey, key: IdempotencyKey, request: Request) -> Response:
    raw = await read_body(request)
    market, side, amounts = requests.parse_order(raw)
    asset = await _market(state, market)
    requests.check_precision(amounts, asset.get("accuracy") if asset else None)
    upstream = requests.upstream_order(market, side, amounts)
    body = CreateOrderRequest.from_dict(upstream)
    attempt = outcomes.CreateOrder("createOrder", state.rest, api_key, body, state.settings.reconcile_skew)
    context = _order_context(market, side, amounts)
    fp = fingerprint("POST", request.url.path, request.url.query, raw)
    return await state.idempotency.run(key, scope_of(api_key), fp, context, attempt)


def _order_context(market: str, side: str, amounts: dict[str, Any]) -> dict[str, Any]:
    """What reconciliation matches an upstream order on (normalized vocabulary, canonical decimals)."""

    def text(name: str) -> str | None:
        return canonical_decimal(amounts[name]) if name in amounts else None

    kind = "stop_limit" if "trigger_price" in amounts else "limit" if "price" in amounts else "market"
    return {
        "market": market.upper(), "side": side, "type": kind, "volume": text("volume"),
        "price": text("price"), "trigger_price": text("trigger_price"),
    }  # fmt: skip


async def _market(state: State, market: str) -> dict[str, Any] | None:
    """The market's info for validation; None when it cannot be fetched (the upstream then decides)."""
    try:
        asset = await state.rest.asset(market)
    except UpstreamError:  # market info only sharpens validation; placement does not depend on it
        return None
    if asset is None:
        raise NotFound(
            f"body market: unknown market {market!r}",
            errors=[{"location": "body market", "message": "unknown market"}],
        )
    return asset


@router.get(
    "/v1/orders/open",
    **route(
        "listOpenOrders", "List open orders", model("OrderList"), True, shaping.example("listOpenOrders")
    ),
)
async def list_open_orders(state: State, api_key: ApiKey) -> Response:
    data = await state.rest.call("listOpenOrders", api_key=api_key)
    return json_response(shaping.normalize("listOpenOrders", data))


@router.get(
    "/v1/orders/closed",
    **route("listClosedOrders", "List filled and cancelled orders", model("OrderList"), True,
            shaping.example("listClosedOrders")),
)  # fmt: skip
async def list_closed_orders(
    state: State,
    api_key: ApiKey,
    limit: Limit = DEFAULT["Limit"],
    offset: Offset = DEFAULT["Offset"],
    sort: Sort = DEFAULT["Sort"],
) -> Response:
    data = await state.rest.call("listClosedOrders", api_key=api_key, limit=limit, offset=offset, sort=sort)
    return json_response(shaping.normalize("listClosedOrders", data))


@router.get(
    "/v1/orders/{id}", **route("getOrder", "Get an order", model("Order"), True, shaping.example("getOrder"))
)
async def get_order(state: State, api_key: ApiKey, id: OrderId) -> Response:
    data = await state.rest.call("getOrder", id, api_key=api_key)
    return json_response(shaping.normalize("getOrder", data))


@router.get(
    "/v1/orders/{id}/trades",
    **route("listOrderTrades", "List the trades of an order", model("AccountTradeList"), True,
            shaping.example("listOrderTrades")),
)  # fmt: skip
async def list_order_trades(
    state: State,
    api_key: ApiKey,
    id: OrderId,
    limit: Limit = DEFAULT["Limit"],
    offset: Offset = DEFAULT["Offset"],
    sort: Sort = DEFAULT["Sort"],
) -> Response:
    data = await state.rest.call(
        "listOrderTrades", id, api_key=api_key, limit=limit, offset=offset, sort=sort
    )
    return json_response(shaping.normalize("listOrderTrades", data))


@router.post(
    "/v1/orders/{id}/cancel",
    **route("cancelOrder", "Cancel an order (sent upstream once, never retried)", model("Order"), True,
            shaping.example("cancelOrder")),
)  # fmt: skip
async def cancel_order(
    state: State, api_key: ApiKey, key: IdempotencyKey, id: OrderId, request: Request
) -> Response:
    attempt = outcomes.CancelOrder("cancelOrder", state.rest, api_key, id)
    fp = fingerprint("POST", request.url.path, request.url.query, await request.body())
    return await state.idempotency.run(key, scope_of(api_key), fp, {}, attempt)
