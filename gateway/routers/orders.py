"""Orders of the account behind the API key: place, cancel, list, inspect.

Placing and cancelling are sent upstream exactly once (never retried): a timeout answers 504 and the
caller checks ``GET /v1/orders/open`` before trying again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gateway.deps import ApiKey, State
from gateway.iqfinex import requests, shaping
from gateway.iqfinex.models import OrderRequest, model, route
from gateway.iqfinex.requests import DEFAULT, Limit, Offset, Sort, spec_path
from gateway.iqfinex.shaping import json_response
from gateway.problems import InvalidRequest, UpstreamError
from generated.iqfinex_client.models.create_order_request import CreateOrderRequest

__all__ = ["router"]

router = APIRouter(tags=["orders"])

OrderId = Annotated[int, spec_path("OrderId", le=2**63 - 1)]

_ORDER_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": OrderRequest.model_json_schema()}},
    }
}


@router.post(
    "/v1/orders",
    **route("createOrder", "Place an order (sent upstream once, never retried)", model("Order"), True,
            shaping.example("createOrder"), _ORDER_BODY),
)  # fmt: skip
async def create_order(state: State, api_key: ApiKey, request: Request) -> Response:
    market, side, amounts = requests.parse_order(await request.body())
    asset = await _market(state, market)
    requests.check_precision(amounts, asset.get("accuracy") if asset else None)
    body = CreateOrderRequest.from_dict(requests.upstream_order(market, side, amounts))
    data = await state.rest.call("createOrder", api_key=api_key, body=body)
    return json_response(shaping.normalize("createOrder", data))


async def _market(state: State, market: str) -> dict[str, Any] | None:
    """The market's info for validation; None when it cannot be fetched (the upstream then decides)."""
    try:
        asset = await state.rest.asset(market)
    except UpstreamError:  # market info only sharpens validation; placement does not depend on it
        return None
    if asset is None:
        raise InvalidRequest(
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
async def cancel_order(state: State, api_key: ApiKey, id: OrderId) -> Response:
    data = await state.rest.call("cancelOrder", id, api_key=api_key)
    return json_response(shaping.normalize("cancelOrder", data))
