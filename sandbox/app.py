"""Builds the ASGI app: REST routes, the websocket route, the admin API, and the trader lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

from . import admin, rest
from .settings import Settings
from .state import SandboxState
from .trader import run_trader
from .ws import Hub, websocket_endpoint

__all__ = ["WS_PATH", "create_app"]

WS_PATH = "/api/v2/open_finance"


def create_app(settings: Settings | None = None) -> Starlette:
    """A fresh sandbox ASGI app with its own seeded state (``app.state.sandbox``)."""
    settings = settings or Settings()
    state = SandboxState(settings)
    hub = Hub(state)
    state.exchange.listeners.append(hub.publish)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.loop = asyncio.get_running_loop()
        task = None
        if settings.trader:
            task = asyncio.create_task(
                run_trader(
                    state.exchange,
                    state.config.accounts[-1].id,
                    settings.seed,
                    state.config.trader_interval,
                    state.config.trader_markets_per_tick,
                    state.config.trader_focus,
                )
            )
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            hub.loop = None

    app = Starlette(
        routes=[*rest.routes(), *admin.routes(), WebSocketRoute(WS_PATH, websocket_endpoint)],
        lifespan=lifespan,
    )
    app.state.sandbox = state
    app.state.hub = hub
    return app
