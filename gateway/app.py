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
from gateway.limits import RequestLimits
from gateway.metrics import Metrics
from gateway.middleware import DriftMiddleware, MetricsMiddleware
from gateway.problems import (
    PROBLEM_JSON,
    GatewayError,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    OutcomeUnknown,
)
from gateway.routers import account, events, finex, markets, ops, orders
from gateway.schemas import Problem
from gateway.settings import Settings, get_settings
from gateway.state import GatewayState, SharedSandbox, resolve_upstream

if TYPE_CHECKING:
    from sandbox import EmbeddedSandbox

__all__ = ["create_app", "openapi_document"]

log = logging.getLogger("gateway")

DESCRIPTION = """\
One normalized HTTP API over the Iqfinex REST API and the Finex websocket API.

- Decimals are JSON strings in one canonical plain form (`"0.0000009"`, `"0.25"`, never an exponent).
- Positional upstream rows become objects; order books are sorted (bids descending, asks ascending).
- One vocabulary across both upstreams: orders `volume` (requested), `remaining_volume`,
  `executed_volume`, `price`, `average_price` (Finex only), `trigger_price` (null when none); trades
  `fee`, `fee_currency`; balances `{currency, available, locked, total}`; markets `base`, `quote`; market
  and currency names upper case. The README's vocabulary table says which upstream field fills each.
- Errors are RFC 9457 `application/problem+json`.

**Idempotency keys** (draft-ietf-httpapi-idempotency-key-header-07). Every state-changing route
(REST place and cancel; Finex create, bulk, cancel, cancel-all, config) takes an optional
`Idempotency-Key` header. The first request with a key runs once; a repeat with the same key and the
same request (route, body, credential) gets the stored status and body with `Idempotent-Replayed: true`.
Same key, other request: 422 `/problems/idempotency-key-reused`. A repeat while the first still runs:
409 `/problems/idempotency-in-progress` at once, with `Retry-After`. Keys are scoped per credential
and kept 24 h (`IDEMPOTENCY_TTL`).

**Outcome unknown.** When a state-changing call was sent and its outcome is not known (no answer in
time, connection lost after sending, an unreadable or 5xx answer, a Finex reply not received in time)
the answer is `/problems/outcome-unknown` (502 or 504): **the order may exist**. Retry with the same
`Idempotency-Key`: a late Finex reply completes the record; otherwise the gateway checks the upstream
(open and recently closed orders matching market, side, type, price and volume, created since the first
attempt) and answers with the order it found (`Idempotency-Reconciled: true`), sends the request only
when the upstream had finished with the first one and holds nothing like it, or answers
`outcome-unknown` again with `candidates`. It never re-sends blindly. Matching is best-effort: an
identical order placed by other means after the first attempt is taken for it. Without a key, check
`GET /v1/orders/open` or `GET /v1/finex/orders` before trying again.

**Drift:** an upstream value that cannot be normalized is served as `null`, and the response names it in
the `Gateway-Drift` header (JSON paths in the body, comma-separated, at most 100) with
`Gateway-Drift-Count` (how many); with `DRIFT_POLICY=strict` the gateway answers 502 instead.
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
            running: EmbeddedSandbox | SharedSandbox | None = sandbox
            if running is None and settings.shared_sandbox is not None:  # a --workers supervisor's
                running = SharedSandbox.from_json(settings.shared_sandbox.get_secret_value())
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
            secrets.install_log_filter()  # again here: a --workers process configured its logging itself
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

            state.idempotency = open_idempotency(settings, metrics, f"{upstream.rest_url} {upstream.ws_url}")
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
        # FastAPI's native OpenTelemetry looks up the global providers on every request (env reads,
        # ≈ 2 % of a forwarded request's CPU); off unless asked for (OTEL_TELEMETRY=true).
        telemetry={"tracing": settings.otel_telemetry, "metrics": settings.otel_telemetry,
                   "logs": settings.otel_telemetry},
    )  # fmt: skip
    problems.install_handlers(app)
    app.add_middleware(MetricsMiddleware)
    if settings.fast_path:  # inside the drift headers, the limits and the host, cross-site and header checks
        from gateway import fastpath

        fastpath.install(app)
    if settings.drift_policy == "lenient":  # around the fast path too: one place adds Gateway-Drift
        app.add_middleware(DriftMiddleware)
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_authorization_bytes=settings.max_authorization_bytes,
    )
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
            _document_idempotency(document)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


_IDEMPOTENCY_PROBLEMS: dict[str, tuple[str, GatewayError]] = {
    "409": (
        "`/problems/idempotency-in-progress`: a request with this Idempotency-Key is still running "
        "(retry after `Retry-After` seconds with the same key).",
        IdempotencyInProgress("a request with this Idempotency-Key is still being processed"),
    ),
    "422": (
        "`/problems/invalid-request` (our validation) or `/problems/idempotency-key-reused` (the key was "
        "first used for a different request).",
        IdempotencyKeyReused("this Idempotency-Key was first used for a different request"),
    ),
    "502": (
        "`/problems/outcome-unknown`: the call was sent and its outcome is not known (the order may "
        "exist; retry with the same Idempotency-Key), or `/problems/bad-upstream-response`.",
        OutcomeUnknown(
            502,
            "the upstream websocket closed with the call in flight",
            settled=True,
            check="GET /v1/finex/orders",
            candidates=[],
        ),
    ),
    "504": (
        "`/problems/outcome-unknown`: no answer in time after sending (the order may exist; retry with "
        "the same Idempotency-Key), or `/problems/upstream-timeout`.",
        OutcomeUnknown(
            504,
            "no answer from the upstream in time; the request may have been executed upstream",
            settled=False,
            check="GET /v1/orders/open",
            candidates=[],
        ),
    ),
}


def _document_idempotency(document: dict[str, Any]) -> None:
    """Operations with the ``Idempotency-Key`` header: their 409, and what 422/502/504 can also be."""
    replayed = {
        "Idempotent-Replayed": {
            "description": "`true` when the answer is the stored outcome of an earlier request",
            "schema": {"type": "string", "enum": ["true"]},
        }
    }
    for item in document.get("paths", {}).values():
        for operation in item.values():
            parameters = operation.get("parameters", []) if isinstance(operation, dict) else []
            if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, example) in _IDEMPOTENCY_PROBLEMS.items():
                media = {"schema": {"$ref": "#/components/schemas/Problem"}, "example": example.problem()}
                entry = responses.setdefault(status, {"content": {PROBLEM_JSON: media}})
                entry["description"] = description
                entry.setdefault("content", {PROBLEM_JSON: media})
            for status, entry in responses.items():
                if status.startswith("2"):
                    entry.setdefault("headers", {}).update(replayed)


def routers() -> list[Any]:
    return [markets.router, account.router, orders.router, finex.router, events.router, ops.router]


async def open_clients(state: GatewayState, stack: AsyncExitStack) -> None:
    """Open the upstream clients for the state's lifetime (closed with ``stack``)."""
    from gateway.iqfinex.client import open_iqfinex

    state.rest = await open_iqfinex(
        state.upstream.rest_url, state.settings, state.metrics, state.drift, stack
    )
    from gateway.iqfinex.coalesce import Coalescer

    state.coalescer = Coalescer(state.metrics.coalesced, state.settings.market_cache_ttl)
    from gateway.finex.client import open_finex

    state.finex = await open_finex(state.upstream.ws_url, state.settings, state.metrics, state.drift, stack)


def openapi_document() -> dict[str, Any]:
    """The gateway's OpenAPI document (exported by ``make codegen`` to generated/gateway.openapi.json)."""
    return create_app(Settings()).openapi()
