"""Order safety under upstream faults: a retry with the same Idempotency-Key yields exactly one
upstream order and the real outcome, on both surfaces and both stores (the trial's findings)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.problems import PROBLEM_JSON
from sandbox import EmbeddedSandbox
from sandbox.settings import Faults
from tests.gateway.conftest import gateway_settings, serve

pytestmark = pytest.mark.timeout(60)

ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"}
FINEX_ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "amount": "0.01", "price": "100"}


def key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


def outcome_unknown(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["type"] == "/problems/outcome-unknown"
    assert "may have been executed" in body["detail"]
    return body


async def rest_orders(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/v1/orders/open")
    assert response.status_code == 200, response.text
    return [o for o in response.json()["rows"] if o["price"] == ORDER["price"] and o["side"] == "buy"]


async def finex_orders(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/v1/finex/orders", params={"market": "btcusdt", "state": "open"})
    assert response.status_code == 200, response.text
    return [o for o in response.json() if o["price"] == FINEX_ORDER["price"]]


async def settle(read: Any, client: httpx.AsyncClient, count: int = 1) -> None:
    """Wait (bounded) until the sandbox has executed what the first attempt sent."""
    for _ in range(100):
        if len(await read(client)) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the upstream never executed the first attempt")


REST_FAULTS = {
    "latency": {"latency_ms": 800},
    "500": {"error_rate": 1.0, "error_statuses": [500]},
    "503": {"error_rate": 1.0, "error_statuses": [503]},
    "504": {"error_rate": 1.0, "error_statuses": [504]},
    "malformed": {"malformed_rate": 1.0},
    "truncated": {"truncated_rate": 1.0},
}


def faults_off(sandbox: EmbeddedSandbox) -> None:
    sandbox.state.faults = Faults()


def app(sandbox: EmbeddedSandbox, **settings: Any) -> FastAPI:
    return create_app(gateway_settings(**settings), sandbox=sandbox)


@pytest.mark.parametrize("fault", list(REST_FAULTS))
async def test_rest_retry_with_the_same_key_places_one_order(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any], fault: str
) -> None:
    async with serve(app(clean_sandbox, rest_timeout=0.4, rest_retries=0, **store_settings)) as client:
        assert (await client.get("/v1/markets")).status_code == 200  # market info cached before the fault
        headers = key()
        clean_sandbox.set_faults(**REST_FAULTS[fault])
        first = await client.post("/v1/orders", json=ORDER, headers=headers)
        body = outcome_unknown(first, 504 if fault in ("latency", "504") else 502)
        assert body["idempotency_key"] == headers["Idempotency-Key"].strip('"')
        faults_off(clean_sandbox)
        executed = fault in ("latency", "malformed", "truncated")  # the sandbox's 5xx come before the order
        if executed:
            await settle(rest_orders, client)
        retry = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert retry.status_code == 200, retry.text
        # Executed: found by reconciliation. Not executed (the upstream answered 5xx, nothing listed): sent.
        assert retry.headers.get("Idempotency-Reconciled") == ("true" if executed else None)
        orders = await rest_orders(client)
        assert [o["id"] for o in orders] == [retry.json()["id"]]
        again = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == retry.json()
        assert len(await rest_orders(client)) == 1
        metrics = (await client.get("/metrics")).text
        assert 'gateway_outcome_unknown_total{operation="createOrder",upstream="iqfinex"} 1.0' in metrics
        assert "gateway_reconciliations_total{" in metrics


async def metric(client: httpx.AsyncClient, line: str) -> bool:
    return line in (await client.get("/metrics")).text


@pytest.mark.parametrize("fault", ["late-reply", "dropped-reply", "disconnect"])
async def test_finex_retry_with_the_same_key_places_one_order(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any], fault: str
) -> None:
    async with serve(app(clean_sandbox, ws_call_timeout=0.3, **store_settings)) as client:
        assert await finex_orders(client) == []
        headers = key()
        if fault == "late-reply":
            clean_sandbox.set_faults(latency_ms=700)
        elif fault == "dropped-reply":
            clean_sandbox.set_faults(ws_drop_rate=1.0, ws_drop_methods=["create_order"])
        else:
            clean_sandbox.set_faults(ws_disconnect_after=1)  # answered 1 (the listing): closes on the next
        first = await client.post("/v1/finex/orders", json=FINEX_ORDER, headers=headers)
        outcome_unknown(first, 502 if fault == "disconnect" else 504)
        faults_off(clean_sandbox)
        if fault == "late-reply":
            late = 'gateway_late_replies_total{operation="create_order",upstream="finex"} 1.0'
            for _ in range(100):  # bounded wait for the late reply to complete the record
                if await metric(client, late):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the late reply never completed the record")
        retry = await client.post("/v1/finex/orders", json=FINEX_ORDER, headers=headers)
        assert retry.status_code == 200, retry.text
        expected = {"late-reply": "true", "dropped-reply": "true", "disconnect": None}[fault]
        assert retry.headers.get("Idempotent-Replayed") == expected
        orders = await finex_orders(client)
        assert [o["uuid"] for o in orders] == [retry.json()["uuid"]]
        again = await client.post("/v1/finex/orders", json=FINEX_ORDER, headers=headers)
        assert again.json() == retry.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        assert len(await finex_orders(client)) == 1
