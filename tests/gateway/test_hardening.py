"""Findings of the fuzz and fault trial against the gateway (issue 14), one regression test each:
bad input is a clear 4xx naming what and where, never a 500 or an unvalidated value sent upstream;
an exact value of any size passes through unharmed; every resource is bounded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from gateway.iqfinex.client import IqfinexClient
from gateway.problems import PROBLEM_JSON
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

pytestmark = pytest.mark.usefixtures("clean_sandbox")

JSON = {"content-type": "application/json"}
ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"}
FINEX_ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.01", "price": "100"}


def _problem(response: httpx.Response, status: int, where: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    if where is not None:
        assert where in body["detail"], body
    return body


def _sent(sandbox: EmbeddedSandbox) -> int:
    stats = sandbox.stats()
    return int(stats["rest"].get("createOrder", 0)) + sum(
        stats["ws"].get(m, 0) for m in ("create_order", "create_bulk", "cancel_order", "set_config_value")
    )


# ------------------------------------------------------------------------------------ types first
@pytest.mark.parametrize(
    ("changes", "where"),
    [({"side": {}}, "side"), ({"side": []}, "side"), ({"type": {}}, "type"), ({"type": None}, "type"),
     ({"volume": {}}, "volume"), ({"price": None}, "price"), ({"market": ["BTCUSDT"]}, "market")],
)  # fmt: skip
async def test_rest_order_fields_of_the_wrong_type_are_422(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, changes: dict[str, Any], where: str
) -> None:
    before = _sent(sandbox)
    _problem(await client.post("/v1/orders", json={**ORDER, **changes}), 422, f"body {where}")
    assert _sent(sandbox) == before


@pytest.mark.parametrize(("changes", "where"), [({"side": {}}, "side"), ({"type": []}, "type")])
async def test_finex_order_fields_of_the_wrong_type_are_422(
    client: httpx.AsyncClient, changes: dict[str, Any], where: str
) -> None:
    _problem(await client.post("/v1/finex/orders", json={**FINEX_ORDER, **changes}), 422, f"body {where}")


@pytest.mark.parametrize("path", ["/v1/orders", "/v1/finex/orders", "/v1/finex/orders/bulk"])
@pytest.mark.parametrize("body", [b'{"market": "\xff\xfe"}', b"[" * 10_000 + b"]" * 10_000])
async def test_invalid_utf8_and_deep_nesting_are_422(
    client: httpx.AsyncClient, path: str, body: bytes
) -> None:
    _problem(await client.post(path, content=body, headers=JSON), 422, "body")


# ------------------------------------------------------------------------------------ one amount grammar
BAD_AMOUNTS = ["١", "１", "+1", "007", ".5", "5.", "NaN", "Infinity", "-1", "0", "0.000", "0e5", "1 ", "1\n"]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_rest_amounts_outside_the_documented_grammar_are_422(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, amount: str
) -> None:
    before = _sent(sandbox)
    _problem(await client.post("/v1/orders", json={**ORDER, "volume": amount}), 422, "body volume")
    assert _sent(sandbox) == before


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_finex_amounts_outside_the_documented_grammar_are_422(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, amount: str
) -> None:
    before = _sent(sandbox)
    _problem(
        await client.post("/v1/finex/orders", json={**FINEX_ORDER, "volume": amount}), 422, "body volume"
    )
    assert _sent(sandbox) == before


async def test_the_enforced_grammar_is_the_documented_one(client: httpx.AsyncClient) -> None:
    from gateway._decimal import AMOUNT_PATTERN

    def patterns(node: Any) -> set[str]:
        if isinstance(node, dict):
            own = {node["pattern"]} if "pattern" in node else set()
            return own | {p for v in node.values() for p in patterns(v)}
        return {p for v in node for p in patterns(v)} if isinstance(node, list) else set()

    document = (await client.get("/openapi.json")).json()
    for path in ("/v1/orders", "/v1/finex/orders", "/v1/finex/orders/bulk"):
        assert AMOUNT_PATTERN in patterns(document["paths"][path]["post"]["requestBody"]), path


# ------------------------------------------------------------------------------------ JSON only
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/v1/orders", ORDER), ("POST", "/v1/finex/orders", FINEX_ORDER),
     ("POST", "/v1/finex/orders/bulk", [FINEX_ORDER]), ("PUT", "/v1/finex/config/finex/k", {"value": 1,
     "scope": "public"}), ("POST", "/v1/orders/1/cancel", {}), ("POST", "/v1/finex/orders/cancel-all", {})],
)  # fmt: skip
async def test_state_changing_routes_take_json_only(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, content_type: str, method: str, path: str, body: Any
) -> None:
    import json

    before = _sent(sandbox)
    response = await client.request(
        method, path, content=json.dumps(body).encode(), headers={"content-type": content_type}
    )
    _problem(response, 415, "content-type")
    assert _sent(sandbox) == before


# ------------------------------------------------------------------------------------ config route
@pytest.mark.parametrize(
    ("component", "key", "body", "where"),
    [("finex", "a%00b", {"value": 1, "scope": "public"}, "path key"),
     ("finex", "%2E%2E", {"value": 1, "scope": "public"}, "path key"),
     ("finex", "a..b", {"value": 1, "scope": "public"}, "path key"),
     ("finex", "a%0Ab", {"value": 1, "scope": "public"}, "path key"),
     ("fin\u202eex", "k", {"value": 1, "scope": "public"}, "path component"),
     ("finex", "k", {"value": "line\nbreak", "scope": "public"}, "body value"),
     ("finex", "k", {"value": "\x00", "scope": "public"}, "body value"),
     ("finex", "k", {"value": "abc\u202e", "scope": "public"}, "body value"),
     ("finex", "k", {"value": ["ok", "\u2066"], "scope": "public"}, "body value[1]"),
     ("finex", "k", {"value": "x" * 257, "scope": "public"}, "body value"),
     ("finex", "k", {"value": 10**400, "scope": "public"}, "body value"),
     ("finex", "k", {"value": {"a": 1}, "scope": "public"}, "body value"),
     ("finex", "k", {"value": 1, "scope": "everyone"}, "body scope"),
     ("f" * 65, "k", {"value": 1, "scope": "public"}, "path component")],
)  # fmt: skip
async def test_config_values_are_checked_before_anything_is_sent(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox, component: str, key: str, body: Any, where: str
) -> None:
    import json

    before = _sent(sandbox)
    response = await client.put(
        f"/v1/finex/config/{component}/{key}", content=json.dumps(body).encode(), headers=JSON
    )
    _problem(response, 422, where)
    assert _sent(sandbox) == before


async def test_a_megabyte_config_value_is_413(client: httpx.AsyncClient, sandbox: EmbeddedSandbox) -> None:
    before = _sent(sandbox)
    body = b'{"value": "' + b"x" * (1 << 20) + b'", "scope": "public"}'
    _problem(await client.put("/v1/finex/config/finex/k", content=body, headers=JSON), 413, "body")
    assert _sent(sandbox) == before


async def test_integers_beyond_64_bits_pass_through_config_exactly(client: httpx.AsyncClient) -> None:
    big = 2**70 + 1
    set_ = await client.put("/v1/finex/config/finex/big", json={"value": big, "scope": "public"})
    assert set_.status_code == 204, set_.text
    exact = await client.put(
        "/v1/finex/config/finex/exact", content=b'{"value": 1.10, "scope": "public"}', headers=JSON
    )
    assert exact.status_code == 204, exact.text
    got = await client.get("/v1/finex/config")
    assert got.status_code == 200, got.text
    assert f'"big":{big}'.encode() in got.content  # not 500, not a float
    assert got.json()["config"]["finex"]["public"]["big"] == big


# ------------------------------------------------------------------------------------ limits
async def test_a_body_over_the_limit_is_413_before_it_is_read(client: httpx.AsyncClient) -> None:
    body = b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "x": "' + b"x" * (1 << 20) + b'"}'
    _problem(await client.post("/v1/orders", content=body, headers=JSON), 413, "body")


async def test_a_chunked_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"market": "BTCUSDT", "side": "buy", "volume": "1", "x": "'
        for _ in range(20):
            yield b"x" * 65536
        yield b'"}'

    _problem(await client.post("/v1/orders", content=chunks(), headers=JSON), 413, "body")


async def test_an_over_long_authorization_is_431_not_503(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/finex/orders", headers={"Authorization": "Bearer " + "a" * 100_000})
    _problem(response, 431, "authorization")


# ------------------------------------------------------------------------------------ 404 and Allow
@pytest.mark.parametrize(
    ("path", "where"),
    [("/v1/markets/NOSUCHPAIR", "market"), ("/v1/markets/NOSUCHPAIR/ticker", "market"),
     ("/v1/markets/NOSUCHPAIR/orderbook", "market"), ("/v1/markets/NOSUCHPAIR/trades", "market"),
     ("/v1/markets/NOSUCHPAIR/candles", "market"), ("/v1/currencies/NOSUCH", "currency"),
     ("/v1/orders/999999999", "not found"), ("/v1/orders/999999999/trades", "not found"),
     ("/v1/finex/orders/6dcc2c8e-c295-11ea-b7ad-1831bf9834b0/trades", "not found")],
)  # fmt: skip
async def test_unknown_things_are_404(client: httpx.AsyncClient, path: str, where: str) -> None:
    body = _problem(await client.get(path), 404, where)
    assert body["type"] == "/problems/not-found"


async def test_an_unknown_market_in_an_order_is_404(
    client: httpx.AsyncClient, sandbox: EmbeddedSandbox
) -> None:
    before = _sent(sandbox)
    _problem(await client.post("/v1/orders", json={**ORDER, "market": "NOSUCHPAIR"}), 404, "market")
    assert _sent(sandbox) == before


@pytest.mark.parametrize(
    ("path", "allow"),
    [("/v1/finex/orders", "GET, POST"), ("/v1/finex/orders/bulk", "POST"),
     ("/v1/finex/orders/6dcc2c8e-c295-11ea-b7ad-1831bf9834b0", "DELETE"), ("/v1/orders/1/cancel", "POST")],
)  # fmt: skip
async def test_allow_names_every_method_of_the_path(client: httpx.AsyncClient, path: str, allow: str) -> None:
    response = await client.options(path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow


# ------------------------------------------------------------------------------------ exact at any size
UPSTREAM_TICKER = (
    b'{"status": 200, "data": {"bid": 1e309, "ask": 4.3e-7, "low": 1, "high": 2, "last": 1.5,'
    b' "volume24": 18446744073709551617, "percentChange": 0, "timestamp": 36893488147419103232}}'
)


@pytest.fixture
def upstream(sandbox: EmbeddedSandbox) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with upstream(handler) as client``: a gateway whose REST upstream is ``handler``."""
    from contextlib import asynccontextmanager

    from gateway.app import create_app
    from tests.gateway.conftest import serve

    @asynccontextmanager
    async def make(handler: Callable[[httpx.Request], httpx.Response], **settings: Any) -> AsyncIterator[Any]:
        app = create_app(gateway_settings(**settings), sandbox=sandbox)
        async with serve(app) as client:
            state = app.state.gateway
            await state.rest.aclose()
            state.rest = IqfinexClient(
                "http://upstream.invalid", state.settings, state.metrics, state.drift,
                transport=httpx.MockTransport(handler),
            )  # fmt: skip
            yield client

    return make


async def test_any_integer_and_any_exponent_pass_through_exactly(upstream: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/ticker/BTCUSDT":
            return httpx.Response(200, content=UPSTREAM_TICKER)
        return httpx.Response(503, content=b'{"status": 503, "message": "no"}')

    async with upstream(handler) as client:
        response = await client.get("/v1/markets/BTCUSDT/ticker")
    assert response.status_code == 200, response.text  # 1e309 is valid JSON: neither 502 nor 500
    ticker = response.json()
    assert ticker["bid"] == "1" + "0" * 309
    assert ticker["volume24"] == "18446744073709551617"
    assert ticker["timestamp"] == 2**65
    assert b'"timestamp":36893488147419103232' in response.content


async def test_upstream_429_is_429_with_retry_after_and_never_retried(upstream: Any) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            429, content=b'{"status": 429, "message": "Too many requests"}', headers={"Retry-After": "7"}
        )

    async with upstream(handler, rest_retries=3) as client:
        response = await client.get("/v1/tickers")
    body = _problem(response, 429)
    assert body["type"] == "/problems/upstream-rate-limited"
    assert response.headers["retry-after"] == "7"
    assert calls == 1  # not retried sooner than the upstream asked


async def test_a_503_with_retry_after_is_not_retried_sooner(upstream: Any) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            503, content=b'{"status": 503, "message": "busy"}', headers={"Retry-After": "30"}
        )

    async with upstream(handler, rest_retries=3) as client:
        response = await client.get("/v1/tickers")
    _problem(response, 503)
    assert response.headers["retry-after"] == "30"
    assert calls == 1
