"""The hot public market-data GETs served ahead of FastAPI's routing, dependencies and middleware.

Profiles of the ticker route (py-spy under load, README "Performance") put about 55 % of the
gateway's CPU in the framework around the endpoint: five middlewares, a linear route match over
every route, and dependency solving, for a route whose only input is one path segment. This layer
sits inside the browser-safety, request-limit and (lenient) drift-header middlewares (host,
cross-site and header checks, ``Gateway-Drift`` still apply) and in front of the rest of the stack;
it handles a request only when it is *certainly* valid (an exact path, a parameter that passes the
upstream contract's own pattern, a query string it can read completely); it then calls the very
endpoint function FastAPI would call (same coalescing, same body, same headers) and counts it in the
same ``gateway_requests`` metrics. Anything else (an unknown query parameter, a value to validate,
another method, any other route) goes to FastAPI unchanged, which is also where every 4xx is produced.

    route                              fast when
    /v1/currencies, /v1/markets, /v1/tickers          no query string
    /v1/currencies/{currency}, /v1/markets/{market}   segment matches the spec pattern, no query
    /v1/markets/{market}/ticker                       segment matches, no query
    /v1/markets/{market}/orderbook                    segment matches; no query or ``rounding=<one
                                                      of the spec's values>``
    /v1/finex/orders                                  no query; ``Authorization`` read as the
                                                      route's ``HTTPBearer`` reads it (a gateway
                                                      token, a pass-through JWT, or none)
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.iqfinex.requests import DEFAULT, _bounds, spec_enum
from gateway.problems import GatewayError, gateway_error_response, problem_response
from gateway.routers import finex, markets
from gateway.state import GatewayState

__all__ = ["FastPath", "install"]

log = logging.getLogger("gateway.fastpath")

Endpoint = Callable[..., Awaitable[Response]]

_SEGMENT: Final = re.compile(_bounds("AssetPath")["pattern"])
_CURRENCY: Final = re.compile(_bounds("CurrencyName")["pattern"])
_ROUNDING: Final = {f"rounding={value}".encode(): int(value) for value in spec_enum("Rounding")}


def _authorization(scope: Scope) -> str | None:
    """The first ``Authorization`` header, as Starlette's ``request.headers.get`` reads it."""
    return next(
        (value.decode("latin-1") for name, value in scope["headers"] if name == b"authorization"), None
    )


def _bearer(value: str | None) -> str | None:
    """The ``Authorization`` value the route's ``Jwt`` dependency passes on, read as FastAPI's
    ``HTTPBearer(auto_error=False)`` reads it: ``None`` unless it is ``<bearer, any case> <credentials>``,
    then ``"<scheme> <credentials>"`` with the credentials stripped."""
    scheme, credentials = get_authorization_scheme_param(value)  # FastAPI's own split
    if not (value and scheme and credentials) or scheme.lower() != "bearer":
        return None
    return f"{scheme} {credentials}"


async def _finex_orders(state: GatewayState, authorization: str | None) -> Response:
    # What the route's ``Jwt`` dependency resolves (a 401 problem for a refused credential).
    return await finex.list_orders(state, state.auth.jwt(_bearer(authorization)))


_STATIC: Final[dict[str, tuple[str, Endpoint]]] = {
    "/v1/currencies": ("/v1/currencies", markets.list_currencies),
    "/v1/markets": ("/v1/markets", markets.list_markets),
    "/v1/tickers": ("/v1/tickers", markets.list_tickers),
}


class FastPath:
    """ASGI layer in front of ``app``'s middleware stack (see the module docstring)."""

    def __init__(self, app: ASGIApp, gateway: FastAPI) -> None:
        self.app = app
        self.gateway = gateway
        self.served = 0  # requests answered here (the rest went to FastAPI)

    def _match(self, scope: Scope) -> tuple[str, Endpoint, tuple[Any, ...]] | None:
        path: str = scope["path"]
        query: bytes = scope["query_string"]
        static = _STATIC.get(path)
        if static is not None:
            return (static[0], static[1], ()) if not query else None
        if path == "/v1/finex/orders":
            if query:
                return None
            return ("/v1/finex/orders", _finex_orders, (_authorization(scope),))
        parts = path.split("/")
        # ["", "v1", "markets", market(, "ticker" | "orderbook")] or ["", "v1", "currencies", currency]
        if len(parts) < 4 or parts[0] or parts[1] != "v1":
            return None
        if parts[2] == "markets" and _SEGMENT.fullmatch(parts[3]):
            market = parts[3].upper()  # market names are upper case, whatever the caller sent
            if len(parts) == 4:
                return None if query else ("/v1/markets/{market}", markets.get_market, (market,))
            if len(parts) != 5:
                return None
            if parts[4] == "ticker":
                return None if query else ("/v1/markets/{market}/ticker", markets.get_ticker, (market,))
            if parts[4] == "orderbook":
                rounding = _ROUNDING.get(query) if query else DEFAULT["Rounding"]
                if rounding is None:
                    return None
                return ("/v1/markets/{market}/orderbook", markets.get_order_book, (market, rounding))
            return None
        if parts[2] == "currencies" and len(parts) == 4 and not query and _CURRENCY.fullmatch(parts[3]):
            return ("/v1/currencies/{currency}", markets.get_currency, (parts[3].upper(),))
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        found = self._match(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        template, endpoint, args = found
        self.served += 1
        started = time.perf_counter()
        state: GatewayState = self.gateway.state.gateway
        try:
            response: Response = await endpoint(state, *args)
        except GatewayError as exc:  # what gateway.problems' handler answers, for the same errors
            response = gateway_error_response(exc, scope["path"], _authorization(scope))
        except Exception:
            log.exception("unexpected error on %s", scope["path"])
            unexpected = GatewayError("unexpected error; see the gateway log")
            response = problem_response(unexpected.problem(scope["path"]))
        status = response.status_code
        try:
            await response(scope, receive, send)
        finally:
            state.metrics.request(template, "GET", status, time.perf_counter() - started)


def install(app: FastAPI) -> None:
    """Add :class:`FastPath` as a middleware: the ones added after it (drift headers, request limits,
    host, cross-site and header checks) run before it, the framework's routing and dependencies after."""
    app.add_middleware(FastPath, gateway=app)
