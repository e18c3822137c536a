"""Public market data: currencies, markets (Iqfinex "assets"), tickers, order books, trades, candles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response

from gateway.deps import State
from gateway.iqfinex import shaping
from gateway.iqfinex.models import Candles, MarketTicker, OrderBookBody, model, route
from gateway.iqfinex.requests import (
    DEFAULT,
    CandlesLimit,
    Frame,
    Offset,
    PublicTradesLimit,
    Rounding,
    Sort,
    spec_path,
)
from gateway.iqfinex.shaping import json_response
from gateway.schemas import list_of

__all__ = ["router"]

router = APIRouter(tags=["markets"])

Market = Annotated[str, spec_path("AssetPath", description="Market (trading pair), for example `BTCUSDT`.")]
Currency = Annotated[str, spec_path("CurrencyName")]


@router.get(
    "/v1/currencies",
    **route(
        "listCurrencies", "List currencies", model("CurrencyList"), False, shaping.example("listCurrencies")
    ),
)
async def list_currencies(state: State) -> Response:
    data = await state.rest.call("listCurrencies")
    return json_response(shaping.normalize("listCurrencies", data))


@router.get(
    "/v1/currencies/{currency}",
    **route("getCurrency", "Get one currency", model("Currency"), False, shaping.example("getCurrency")),
)
async def get_currency(state: State, currency: Currency) -> Response:
    data = await state.rest.call("getCurrency", currency)
    return json_response(shaping.normalize("getCurrency", data))


@router.get(
    "/v1/markets",
    **route(
        "listMarkets",
        "List markets (trading pairs)",
        model("AssetList"),
        False,
        shaping.example("listAssets"),
    ),
)
async def list_markets(state: State) -> Response:
    data = await state.rest.call("listAssets")
    return json_response(shaping.normalize("listAssets", data))


@router.get(
    "/v1/markets/{market}",
    **route("getMarket", "Get one market (trading pair)", model("Asset"), False, shaping.example("getAsset")),
)
async def get_market(state: State, market: Market) -> Response:
    data = await state.rest.call("getAsset", market)
    return json_response(shaping.normalize("getAsset", data))


@router.get(
    "/v1/tickers",
    **route(
        "listTickers",
        "List the tickers of all markets",
        list_of(MarketTicker),
        False,
        shaping.example("listTickers"),
    ),
)
async def list_tickers(state: State) -> Response:
    data = await state.rest.call("listTickers")
    return json_response(shaping.normalize("listTickers", data))


@router.get(
    "/v1/markets/{market}/ticker",
    **route(
        "getTicker",
        "Get the ticker of one market",
        MarketTicker,
        False,
        shaping.example("getTicker", lambda d: {"market": "BTCUSDT", **shaping.normalize("getTicker", d)}),
    ),
)
async def get_ticker(state: State, market: Market) -> Response:
    data = await state.rest.call("getTicker", market)
    return json_response({"market": market, **shaping.normalize("getTicker", data)})


@router.get(
    "/v1/markets/{market}/orderbook",
    **route(
        "getOrderBook",
        "Get the order book of a market (bids descending, asks ascending)",
        OrderBookBody,
        False,
        shaping.example("getOrderBook", lambda d: shaping.order_book(d, "BTCUSDT", 0)),
    ),
)
async def get_order_book(state: State, market: Market, rounding: Rounding = DEFAULT["Rounding"]) -> Response:
    data = await state.rest.call("getOrderBook", market, rounding)
    return json_response(shaping.order_book(data, market, rounding))


@router.get(
    "/v1/markets/{market}/trades",
    **route(
        "listPublicTrades",
        "List recent public trades of a market",
        model("PublicTradeList"),
        False,
        shaping.example("listPublicTrades"),
    ),
)
async def list_public_trades(
    state: State,
    market: Market,
    limit: PublicTradesLimit = DEFAULT["PublicTradesLimit"],
    offset: Offset = DEFAULT["Offset"],
    sort: Sort = DEFAULT["Sort"],
) -> Response:
    data = await state.rest.call("listPublicTrades", market, limit=limit, offset=offset, sort=sort)
    return json_response(shaping.normalize("listPublicTrades", data))


@router.get(
    "/v1/markets/{market}/candles",
    **route(
        "listCandles",
        "List recent candles of a market",
        Candles,
        False,
        shaping.example("listCandles", lambda d: shaping.candles(d, "ETHBTC", 300)),
    ),
)
async def list_candles(
    state: State,
    market: Market,
    frame: Frame = DEFAULT["Frame"],
    limit: CandlesLimit = DEFAULT["CandlesLimit"],
    offset: Offset = DEFAULT["Offset"],
) -> Response:
    data = await state.rest.call("listCandles", market, frame, limit=limit, offset=offset)
    return json_response(shaping.candles(data, market, frame))
