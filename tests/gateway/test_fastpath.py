"""gateway.fastpath answers exactly what FastAPI's route would, and leaves everything else to FastAPI."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from gateway.fastpath import FastPath
from sandbox import EmbeddedSandbox

SERVED = [
    "/v1/currencies",
    "/v1/currencies/BTC",
    "/v1/markets",
    "/v1/markets/BTCUSDT",
    "/v1/tickers",
    "/v1/markets/BTCUSDT/ticker",
    "/v1/markets/ethbtc/ticker",
    "/v1/markets/ETHBTC/orderbook",
    "/v1/markets/ETHBTC/orderbook?rounding=2",
    "/v1/markets/NOPE99/ticker",  # valid segment, unknown upstream: the upstream's answer
    "/v1/finex/orders",
]
PASSED_ON = [
    "/v1/markets/B/ticker",  # fails the spec pattern: FastAPI's 422
    "/v1/markets/BTCUSDT/orderbook?rounding=7",
    "/v1/markets/BTCUSDT/orderbook?rounding=1&extra=2",
    "/v1/markets/BTCUSDT/ticker?extra=1",
    "/v1/markets/BTCUSDT/ticker/",
    "/v1/markets/BTCUSDT/trades",
    "/v1/account/balances",
    "/v1/finex/orders?state=open",
    "/healthz",
]


def _fast_path(client: httpx.AsyncClient) -> FastPath:
    layer = client._transport.app.middleware_stack  # type: ignore[attr-defined]
    for _ in range(20):  # down the middleware chain (each layer holds the next as ``app``)
        if isinstance(layer, FastPath):
            return layer
        layer = layer.app
    raise AssertionError("no FastPath in the middleware stack")


def _comparable(response: httpx.Response) -> tuple[Any, ...]:
    headers = {k: v for k, v in response.headers.items() if k != "age"}
    body = re.sub(rb'"timestamp":[0-9]+', b'"timestamp":0', response.content)  # the sandbox's wall clock
    return response.status_code, headers, body, "age" in response.headers


@pytest.mark.parametrize("path", SERVED + PASSED_ON)
async def test_the_same_answer_with_and_without_the_fast_path(
    make_client: Any, clean_sandbox: EmbeddedSandbox, path: str
) -> None:
    async with make_client(fast_path=False) as plain:
        expected = _comparable(await plain.get(path))
    async with make_client() as fast:
        got = _comparable(await fast.get(path))
        assert _fast_path(fast).served == (1 if path in SERVED else 0)
    assert got == expected


AUTHORIZATIONS = [
    None,
    "Bearer t0ken",
    "bearer t0ken",
    "BEARER   t0ken  ",
    "Bearer wrong",
    "Bearer",
    "Bearer ",
    "Basic dTpw",
    "Token t0ken",
    "",
    "t0ken",
]


@pytest.mark.parametrize("tokens", [["t0ken"], []])
@pytest.mark.parametrize("authorization", AUTHORIZATIONS)
async def test_finex_orders_with_any_authorization_header_answer_as_fastapi_does(
    make_client: Any, clean_sandbox: EmbeddedSandbox, tokens: list[str], authorization: str | None
) -> None:
    """The gateway token (or a pass-through JWT) is read as FastAPI's ``HTTPBearer`` reads it, so the
    private route a team calls with its token is served fast, with the same answer."""
    headers = {} if authorization is None else {"Authorization": authorization}
    async with make_client(fast_path=False, gateway_tokens=tokens) as plain:
        expected = _comparable(await plain.get("/v1/finex/orders", headers=headers))
    async with make_client(gateway_tokens=tokens) as fast:
        got = _comparable(await fast.get("/v1/finex/orders", headers=headers))
        assert _fast_path(fast).served == 1
    assert got == expected
    if tokens:
        words = (authorization or "").split()
        accepted = [w.lower() for w in words[:1]] + words[1:] == ["bearer", "t0ken"]
        assert expected[0] == (200 if accepted else 401)


async def test_upstream_failures_are_the_same_problem(
    make_client: Any, clean_sandbox: EmbeddedSandbox
) -> None:
    clean_sandbox.set_faults(error_rate=1.0, error_statuses=[503])
    answers = []
    for fast_path in (False, True):
        async with make_client(fast_path=fast_path, rest_retries=0) as client:
            answers.append(_comparable(await client.get("/v1/markets/BTCUSDT/ticker")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 503


async def test_fast_requests_are_counted_like_the_others(client: httpx.AsyncClient) -> None:
    for _ in range(3):
        assert (await client.get("/v1/markets/BTCUSDT/ticker")).status_code == 200
    metrics = (await client.get("/metrics")).text
    line = 'gateway_requests_total{method="GET",route="/v1/markets/{market}/ticker",status="200"} 3.0'
    assert line in metrics
    assert _fast_path(client).served == 3


async def test_fast_requests_still_pass_the_host_and_header_checks(client: httpx.AsyncClient) -> None:
    refused = await client.get("/v1/markets/BTCUSDT/ticker", headers={"Host": "evil.example"})
    assert refused.status_code == 400  # DNS rebinding: refused before the fast path sees it
    assert _fast_path(client).served == 0
    served = await client.get("/v1/markets/BTCUSDT/ticker")
    assert served.status_code == 200
    assert served.headers["x-content-type-options"] == "nosniff"
    assert _fast_path(client).served == 1


async def test_fast_requests_are_counted_in_the_current_lifespans_metrics(
    clean_sandbox: EmbeddedSandbox,
) -> None:
    """One app started twice (each lifespan has its own metrics registry): the fast path counts into
    the registry of the lifespan serving the request, not into the first one it ever saw."""
    from gateway.app import create_app
    from tests.gateway.conftest import gateway_settings, serve

    app = create_app(gateway_settings(), sandbox=clean_sandbox)
    line = 'gateway_requests_total{method="GET",route="/v1/markets/{market}/ticker",status="200"}'
    for _ in range(2):
        async with serve(app) as client:
            assert (await client.get("/v1/markets/BTCUSDT/ticker")).status_code == 200
            metrics = (await client.get("/metrics")).text
            assert f"{line} 1.0" in metrics
