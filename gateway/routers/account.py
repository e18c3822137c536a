"""The account behind the API key: key information, balances and own trades."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gateway.deps import ApiKey, State
from gateway.iqfinex import shaping
from gateway.iqfinex.models import Balance, model, route
from gateway.iqfinex.requests import DEFAULT, Limit, Offset, Sort
from gateway.iqfinex.shaping import json_response
from gateway.normalize import complete_balances
from gateway.schemas import list_of

__all__ = ["router"]

router = APIRouter(tags=["account"])


@router.get(
    "/v1/account",
    **route("getAccount", "Get the API key's account and permissions", model("AccountInfo"), True,
            shaping.example("getAccountInfo")),
)  # fmt: skip
async def get_account(state: State, api_key: ApiKey) -> Response:
    data = await state.rest.call("getAccountInfo", api_key=api_key)
    return json_response(shaping.normalize("getAccountInfo", data))


@router.get(
    "/v1/account/balances",
    **route(
        "listBalances", "List balances by currency", list_of(Balance), True, shaping.example("getBalance")
    ),
)
async def list_balances(state: State, api_key: ApiKey) -> Response:
    data = await state.rest.call("getBalance", api_key=api_key)
    return json_response(complete_balances(shaping.normalize("getBalance", data)))


@router.get(
    "/v1/account/trades",
    **route("listAccountTrades", "List the account's trades", model("AccountTradeList"), True,
            shaping.example("listAccountTrades")),
)  # fmt: skip
async def list_account_trades(
    state: State,
    api_key: ApiKey,
    limit: Limit = DEFAULT["Limit"],
    offset: Offset = DEFAULT["Offset"],
    sort: Sort = DEFAULT["Sort"],
) -> Response:
    data = await state.rest.call("listAccountTrades", api_key=api_key, limit=limit, offset=offset, sort=sort)
    return json_response(shaping.normalize("listAccountTrades", data))
