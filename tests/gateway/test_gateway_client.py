"""The generated gateway client (generated/gateway_client/, from generated/gateway.openapi.json) talks to
the gateway: its models parse the gateway's bodies and its problems."""

from __future__ import annotations

import httpx

from gateway.app import create_app
from generated.gateway_client import Client
from generated.gateway_client.api.markets import get_ticker
from generated.gateway_client.models import MarketTicker, Problem
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings


async def test_the_generated_client_reads_the_gateway(sandbox: EmbeddedSandbox) -> None:
    app = create_app(gateway_settings(), sandbox=sandbox)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://gateway") as http,
    ):
        client = Client(base_url="http://gateway", raise_on_unexpected_status=True)
        client.set_async_httpx_client(http)
        ticker = await get_ticker.asyncio(market="BTCUSDT", client=client)
        assert isinstance(ticker, MarketTicker)
        assert ticker.market == "BTCUSDT"
        problem = await get_ticker.asyncio(market="NOPE00", client=client)
        assert isinstance(problem, Problem)
        assert problem.status == 404  # unknown market, from the gateway's cached market list
