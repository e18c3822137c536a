"""Public market data: currencies, markets (Iqfinex "assets"), tickers, order books, trades, candles.

Every route here goes through :mod:`gateway.iqfinex.coalesce` (:func:`_shared`): concurrent identical
requests share one upstream call and one normalized body, and a route's micro-cache TTL
(``MARKET_CACHE_TTL``) can keep that body briefly; ``Age`` and ``Cache-Control`` say how fresh it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import AfterValidator

from gateway.deps import State
from gateway.iqfinex import shaping
from gateway.iqfinex.client import OPERATIONS
from gateway.iqfinex.coalesce import Produced
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
from gateway.middleware import drift_headers
from gateway.normalize import collect_drift
from gateway.problems import NotFound, UpstreamError
from gateway.schemas import list_of
from gateway.state import GatewayState

__all__ = ["router"]

router = APIRouter(tags=["markets"])

# Market and currency names are upper case in every body, whatever case the caller sent.
MarketName = Annotated[
    str,
    spec_path("AssetPath", description="Market (trading pair), for example `BTCUSDT` (any case)."),
    AfterValidator(str.upper),
]
CurrencyName = Annotated[str, spec_path("CurrencyName"), AfterValidator(str.upper)]


async def _known(lookup: Callable[[str], Awaitable[Any]], kind: str, name: str) -> None:
    """404 when the cached list of ``kind`` lacks ``name`` (the upstream decides when the list cannot
    be fetched)."""
    try:
        known = await lookup(name)
    except UpstreamError:
        return
    if known is None:
        raise NotFound(f"path {kind}: unknown {kind} {name!r}", errors=[_where(kind)])


async def _known_market(state: GatewayState, market: str) -> None:
    await _known(state.rest.asset, "market", market)


async def _known_currency(state: GatewayState, currency: str) -> None:
    await _known(state.rest.currency, "currency", currency)


def _where(name: str) -> dict[str, str]:
    return {"location": f"path {name}", "message": f"unknown {name}"}


Market = MarketName
Currency = CurrencyName


async def _shared(
    state: State,
    route: str,
    operation: str,
    key: Hashable,
    shape: Callable[[Any], Any],
    *args: Any,
    **kwargs: Any,
) -> Response:
    """``shape(data of operation(*args, **kwargs))`` encoded, one upstream call per key in flight."""

    async def produce() -> Produced:
        data = await state.rest.call(operation, *args, **kwargs)
        if state.settings.drift_policy != "lenient":
            return shaping.encode(shape(data))
        with collect_drift() as log:  # the drift travels with the body, to joiners and cache hits too
            body = shaping.encode(shape(data))
        return body, drift_headers(log)

    private = OPERATIONS[operation].private
    shared = await state.coalescer.fetch(route, private, key, produce)
    return Response(shared.body, media_type="application/json", headers=shared.headers())


def _normalized(operation: str) -> Callable[[Any], Any]:
    return lambda data: shaping.normalize(operation, data)


@router.get(
    "/v1/currencies",
    **route(
        "listCurrencies", "List currencies", model("CurrencyList"), False, shaping.example("listCurrencies")
    ),
)
async def list_currencies(state: State) -> Response:
    return await _shared(state, "listCurrencies", "listCurrencies", (), _normalized("listCurrencies"))


@router.get(
    "/v1/currencies/{currency}",
    **route("getCurrency", "Get one currency", model("Currency"), False, shaping.example("getCurrency")),
)
async def get_currency(state: State, currency: Currency) -> Response:
    await _known_currency(state, currency)
    return await _shared(state, "getCurrency", "getCurrency", currency, _normalized("getCurrency"), currency)


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
    return await _shared(state, "listMarkets", "listAssets", (), _normalized("listAssets"))


@router.get(
    "/v1/markets/{market}",
    **route("getMarket", "Get one market (trading pair)", model("Asset"), False, shaping.example("getAsset")),
)
async def get_market(state: State, market: Market) -> Response:
    await _known_market(state, market)
    return await _shared(state, "getMarket", "getAsset", market, _normalized("getAsset"), market)


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
    return await _shared(state, "listTickers", "listTickers", (), _normalized("listTickers"))


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
    await _known_market(state, market)
    return await _shared(
        state, "getTicker", "getTicker", market,
        lambda data: {"market": market, **shaping.normalize("getTicker", data)}, market,
    )  # fmt: skip


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
    await _known_market(state, market)
    return await _shared(
        state, "getOrderBook", "getOrderBook", (market, rounding),
        lambda data: shaping.order_book(data, market, rounding), market, rounding,
    )  # fmt: skip


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
    await _known_market(state, market)
    return await _shared(
        state, "listPublicTrades", "listPublicTrades", (market, limit, offset, sort),
        _normalized("listPublicTrades"), market, limit=limit, offset=offset, sort=sort,
    )  # fmt: skip


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
    await _known_market(state, market)
    return await _shared(
        state, "listCandles", "listCandles", (market, frame, limit, offset),
        lambda data: shaping.candles(data, market, frame), market, frame, limit=limit, offset=offset,
    )  # fmt: skip
