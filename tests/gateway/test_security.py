"""No trading by strangers: fail-closed start, foreign credentials never forwarded, browser safety,
secrets never in problem bodies, metrics or logs (the trial's findings, one test each)."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

import httpx
import pytest

from gateway.access import StartRefused
from gateway.app import create_app
from gateway.secrets import RedactingFilter, register
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings, serve

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_sandbox")]

ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"}
TOKEN = "gw-token-this-deployment-0123456789"
OTHER_TOKEN = "gw-token-other-deployment-9876543210"


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def server_side(sandbox: EmbeddedSandbox, **overrides: Any) -> dict[str, Any]:
    creds = sandbox.credentials
    return {"iqfinex_api_key": creds.api_key, "finex_jwt": creds.jwt, "gateway_tokens": [TOKEN], **overrides}


# ------------------------------------------------------------------------------------ fail closed
async def test_server_credentials_without_gateway_tokens_refuse_to_start(sandbox: EmbeddedSandbox) -> None:
    settings = server_side(sandbox, gateway_tokens=[])
    with pytest.raises(StartRefused, match="GATEWAY_TOKENS"):
        async with serve(create_app(gateway_settings(**settings), sandbox=sandbox)):
            pass
    demo_everywhere = gateway_settings(bind_host="0.0.0.0")  # the open demo only on loopback
    with pytest.raises(StartRefused, match="demo account"):
        async with serve(create_app(demo_everywhere, sandbox=sandbox)):
            pass


async def test_the_opt_out_starts_with_a_loud_warning(
    sandbox: EmbeddedSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    settings = gateway_settings(**server_side(sandbox, gateway_tokens=[], allow_open_access=True))
    with caplog.at_level(logging.WARNING, logger="gateway"):
        async with serve(create_app(settings, sandbox=sandbox)) as client:
            assert (await client.get("/v1/account")).status_code == 200
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical
    assert "OPEN ACCESS" in critical[0].getMessage()


# ------------------------------------------------------------------------------------ credentials
async def test_a_foreign_token_is_never_forwarded_upstream(sandbox: EmbeddedSandbox) -> None:
    creds = sandbox.credentials
    foreign = [
        f"Bearer {OTHER_TOKEN}",  # another deployment's gateway token
        "foreign-raw-api-key-000111222",
        f"Bearer {creds.counterparty['jwt']}",  # a real JWT, of someone else
        creds.counterparty["api_key"],
    ]
    async with serve(create_app(gateway_settings(**server_side(sandbox)), sandbox=sandbox)) as client:
        for value in foreign:
            headers = {"Authorization": value}
            for response in (
                await client.get("/v1/account/balances", headers=headers),
                await client.post("/v1/orders", json=ORDER, headers=headers),
                await client.get("/v1/finex/orders", headers=headers),
                await client.post("/v1/finex/orders/cancel-all", headers=headers),
            ):
                assert response.status_code == 401, response.text
                assert response.json()["type"] == "/problems/unauthorized"
                assert value not in response.text
        ok = {"Authorization": f"Bearer {TOKEN}"}
        assert (await client.get("/v1/account/balances", headers=ok)).status_code == 200
        assert (await client.get("/v1/finex/orders", headers=ok)).status_code == 200
    seen = set(sandbox.stats()["authorization_sha256"])
    assert sha(creds.api_key) in seen  # the server-side key was used
    for value in [*foreign, TOKEN, f"Bearer {TOKEN}", OTHER_TOKEN]:
        assert sha(value) not in seen, value
    assert sandbox.stats()["rest"].get("createOrder", 0) == 0
    assert sandbox.stats()["ws"].get("cancel_all", 0) == 0


# ------------------------------------------------------------------------------------ browser
async def test_a_cross_site_post_places_no_order(client: httpx.AsyncClient, sandbox: EmbeddedSandbox) -> None:
    evil = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    body = b'{"market":"BTCUSDT","side":"buy","volume":"0.01","price":"100"}'
    for path in ("/v1/orders", "/v1/finex/orders", "/v1/finex/orders/cancel-all"):
        refused = await client.post(path, content=body, headers=evil)
        assert refused.status_code == 403, refused.text
        assert refused.json()["type"] == "/problems/forbidden"
    fetch = await client.post("/v1/orders", content=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    stats = sandbox.stats()
    assert stats["rest"].get("createOrder", 0) == 0
    assert stats["ws"].get("create_order", 0) == 0
    assert stats["ws"].get("cancel_all", 0) == 0
    same_origin = await client.post("/v1/orders", json=ORDER, headers={"Origin": "http://gateway"})
    assert same_origin.status_code == 200, same_origin.text


async def test_a_bad_host_is_refused(sandbox: EmbeddedSandbox) -> None:
    app = create_app(gateway_settings(allowed_hosts=[]), sandbox=sandbox)  # default: loopback + bind address
    async with serve(app) as client:
        for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
            assert (await client.get("/v1/markets", headers={"Host": host})).status_code == 200, host
        for host in ("evil.example", "127.0.0.1.evil.example", "gateway"):
            refused = await client.post("/v1/orders", json=ORDER, headers={"Host": host})
            assert refused.status_code == 400, host
            assert refused.json()["type"] == "/problems/host-not-allowed"
    assert sandbox.stats()["rest"].get("createOrder", 0) == 0


async def test_cors_is_off_by_default_and_preflight_follows_the_allow_list(sandbox: EmbeddedSandbox) -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }
    async with serve(create_app(gateway_settings(), sandbox=sandbox)) as client:
        answer = await client.options("/v1/orders", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
    app = create_app(gateway_settings(cors_origins=["https://app.example"]), sandbox=sandbox)
    async with serve(app) as client:
        answer = await client.options("/v1/orders", headers=preflight)
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == "https://app.example"
        assert "idempotency-key" in answer.headers["access-control-allow-headers"].lower()
        assert "POST" in answer.headers["access-control-allow-methods"]
        refused = await client.options("/v1/orders", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers
        placed = await client.post(
            "/v1/orders", json=ORDER, headers={"Origin": "https://app.example", "Idempotency-Key": '"k-1"'}
        )
        assert placed.status_code == 200
        assert placed.headers["access-control-allow-origin"] == "https://app.example"
        assert "idempotent-replayed" in placed.headers["access-control-expose-headers"].lower()
        evil = await client.post("/v1/orders", json=ORDER, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403


async def test_security_headers(client: httpx.AsyncClient) -> None:
    public = await client.get("/v1/markets")
    assert public.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in public.headers.get("cache-control", "")
    for path in ("/v1/account/balances", "/v1/orders/open", "/v1/finex/orders", "/v1/orders/999999"):
        private = await client.get(path)
        assert private.headers["x-content-type-options"] == "nosniff"
        assert private.headers["cache-control"] == "no-store", path
    assert "server" not in public.headers


# ------------------------------------------------------------------------------------ secrets
async def test_problem_bodies_and_metrics_never_carry_secrets(sandbox: EmbeddedSandbox) -> None:
    creds = sandbox.credentials
    caller_key = "caller-own-api-key-5550001"
    async with serve(create_app(gateway_settings(**server_side(sandbox)), sandbox=sandbox)) as client:
        rest = client._transport.app.state.gateway.rest  # type: ignore[attr-defined]

        async def echo(*args: Any, **kwargs: Any) -> tuple[int, bytes]:  # an upstream that echoes keys
            message = f"bad key {creds.api_key} (token {TOKEN}, caller {caller_key})"
            return 400, ('{"status":400,"message":"' + message + '"}').encode(), None  # no Retry-After

        rest._sender.send = echo
        answer = await client.get("/v1/account", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 400
        for secret in (creds.api_key, TOKEN, creds.jwt):
            assert secret not in answer.text
        assert "<redacted>" in answer.json()["detail"]
        metrics = (await client.get("/metrics")).text
        for secret in (creds.api_key, TOKEN, creds.jwt, OTHER_TOKEN):
            assert secret not in metrics
    async with serve(create_app(gateway_settings(), sandbox=sandbox)) as client:  # pass-through
        rest = client._transport.app.state.gateway.rest  # type: ignore[attr-defined]
        rest._sender.send = echo
        answer = await client.get("/v1/account", headers={"Authorization": caller_key})
        assert caller_key not in answer.text


def test_the_log_filter_redacts_what_servers_and_libraries_print() -> None:
    register("configured-secret-abcdef")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("> %s: %s", "Authorization", "Bearer caller-jwt-value")  # websockets' handshake dump
        scope = {"headers": [(b"host", b"x"), (b"authorization", b"raw-api-key-value")]}
        logger.debug("ASGI [1] Started scope=%s", scope)  # uvicorn's trace
        logger.debug("calling with %r", {"authorization": "Bearer tok-value-1"})
        logger.info("key is configured-secret-abcdef")
        logger.info("jwt eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOiJ4In0.c2lnbmF0dXJl")
        try:
            raise ValueError("configured-secret-abcdef")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    for secret in ("caller-jwt-value", "raw-api-key-value", "tok-value-1", "configured-secret-abcdef", "eyJ"):
        assert secret not in output, output
    assert output.count("<redacted>") >= 6
