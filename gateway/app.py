"""Builds the gateway app: settings, lifespan (upstreams, embedded sandbox), middleware, routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from gateway import browser, docs, problems, secrets
from gateway.access import check_access, server_credentials_configured
from gateway.auth import Auth
from gateway.drift import DriftMonitor
from gateway.finex import event_models
from gateway.metrics import Metrics
from gateway.middleware import MetricsMiddleware
from gateway.routers import account, events, finex, markets, ops, orders
from gateway.schemas import Problem
from gateway.settings import Settings, get_settings
from gateway.state import GatewayState, resolve_upstream

if TYPE_CHECKING:
    from sandbox import EmbeddedSandbox

__all__ = ["create_app", "openapi_document"]

log = logging.getLogger("gateway")

DESCRIPTION = """\
One normalized HTTP API over the Iqfinex REST API and the Finex websocket API.

- Decimals are JSON strings in one canonical plain form (`"0.0000009"`, `"0.25"`, never an exponent).
- Positional upstream rows become objects; order books are sorted (bids descending, asks ascending).
- Orders and trades share one vocabulary across both upstreams (`side`, `type`, `state`, `market`,
  `price`, `volume`, `executed_volume`, `created_at`, `closed_at`).
- Errors are RFC 9457 `application/problem+json`.
"""

TAGS = [
    {"name": "markets", "description": "Public market data (Iqfinex REST)."},
    {"name": "account", "description": "Account, balances and trades (Iqfinex REST, API key)."},
    {"name": "orders", "description": "Orders (Iqfinex REST, API key)."},
    {"name": "finex", "description": "Finex websocket RPC methods over HTTP (JWT)."},
    {"name": "events", "description": "Normalized private event stream (websocket and SSE)."},
    {"name": "ops", "description": "Health, readiness and metrics."},
]


def create_app(settings: Settings | None = None, sandbox: EmbeddedSandbox | None = None) -> FastAPI:
    """The gateway app. ``sandbox``: an already running embedded sandbox to use as the upstream."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            running = sandbox
            if running is None and (settings.iqfinex_base_url is None or settings.finex_ws_url is None):
                from sandbox import EmbeddedSandbox

                running = await stack.enter_async_context(
                    EmbeddedSandbox(trader=settings.sandbox_trader, seed=settings.sandbox_seed)
                )
                log.info("embedded sandbox at %s", running.base_url)
            upstream = resolve_upstream(settings, running)
            check_access(settings, upstream.embedded)
            tokens = [t.get_secret_value() for t in settings.gateway_tokens]
            secrets.register(upstream.credentials.api_key, upstream.credentials.jwt, *tokens)
            if settings.redis_url is not None:
                secrets.register(settings.redis_url.get_secret_value())
            metrics = Metrics()
            state = GatewayState(
                settings=settings,
                upstream=upstream,
                metrics=metrics,
                drift=DriftMonitor(metrics),
                auth=Auth(
                    upstream.credentials, tokens, pass_through=not server_credentials_configured(settings)
                ),
            )
            await open_clients(state, stack)
            from gateway.idempotency import open_idempotency

            state.idempotency = open_idempotency(settings, metrics)
            stack.push_async_callback(state.idempotency.aclose)
            app.state.gateway = state
            app.state.metrics = metrics
            yield

    app = FastAPI(
        title="Iqfinex/Finex gateway",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    problems.install_handlers(app)
    app.add_middleware(MetricsMiddleware)
    browser.install(app, settings)
    docs.mount(app)
    for router in routers():
        app.include_router(router)
    _register_problem_schema(app)
    return app


def _register_problem_schema(app: FastAPI) -> None:
    """Problem responses refer to ``#/components/schemas/Problem``, the event stream to its message
    schemas (``gateway.finex.event_models``); add them once to the document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, schema in event_models.component_schemas().items():
                schemas.setdefault(name, schema)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def routers() -> list[Any]:
    return [markets.router, account.router, orders.router, finex.router, events.router, ops.router]


async def open_clients(state: GatewayState, stack: AsyncExitStack) -> None:
    """Open the upstream clients for the state's lifetime (closed with ``stack``)."""
    from gateway.iqfinex.client import open_iqfinex

    state.rest = await open_iqfinex(
        state.upstream.rest_url, state.settings, state.metrics, state.drift, stack
    )
    from gateway.finex.client import open_finex

    state.finex = await open_finex(state.upstream.ws_url, state.settings, state.metrics, state.drift, stack)


def openapi_document() -> dict[str, Any]:
    """The gateway's OpenAPI document (exported by ``make codegen`` to generated/gateway.openapi.json)."""
    return create_app(Settings()).openapi()
