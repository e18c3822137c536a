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
FINEX_ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.01", "price": "100"}


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


async def warm_up(client: httpx.AsyncClient) -> None:
    """Cache the market info the order route validates with (a too precise price: 422, nothing sent)."""
    answer = await client.post("/v1/orders", json={**ORDER, "price": "100.1234567890123"})
    assert answer.status_code == 422, answer.text


async def settle(read: Any, client: httpx.AsyncClient, count: int = 1) -> None:
    """Wait (bounded) until the sandbox has executed what the first attempt sent."""
    for _ in range(200):
        if len(await read(client)) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the upstream never executed the first attempt")


REST_FAULTS = {
    "latency": {"latency_ms": 2500},
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
    # Only the latency trial needs a short timeout; a generous one keeps the rest steady on a busy machine.
    timeout = 1.0 if fault == "latency" else 10.0
    async with serve(app(clean_sandbox, rest_timeout=timeout, **store_settings)) as client:
        await warm_up(client)
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
    timeout = 10.0 if fault == "disconnect" else 1.0
    async with serve(app(clean_sandbox, ws_call_timeout=timeout, **store_settings)) as client:
        assert await finex_orders(client) == []
        headers = key()
        if fault == "late-reply":
            clean_sandbox.set_faults(latency_ms=2500)
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


@pytest.mark.parametrize("surface", ["rest", "finex"])
async def test_20_concurrent_requests_with_one_key_place_one_order(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any], surface: str
) -> None:
    path, order, read, method = {
        "rest": ("/v1/orders", ORDER, rest_orders, "createOrder"),
        "finex": ("/v1/finex/orders", FINEX_ORDER, finex_orders, "create_order"),
    }[surface]
    async with serve(app(clean_sandbox, **store_settings)) as client:
        await warm_up(client)
        headers = key()
        clean_sandbox.set_faults(latency_ms=100)  # the first is still running when the others arrive
        answers = await asyncio.gather(*(client.post(path, json=order, headers=headers) for _ in range(20)))
        faults_off(clean_sandbox)
        statuses = sorted(a.status_code for a in answers)
        assert set(statuses) <= {200, 409}, [a.text for a in answers]
        assert statuses.count(200) >= 1
        for answer in answers:
            if answer.status_code == 409:
                assert answer.json()["type"] == "/problems/idempotency-in-progress"
                assert answer.headers["Retry-After"] == "1"
        assert len({a.text for a in answers if a.status_code == 200}) == 1  # replays equal the first
        stats = clean_sandbox.stats()
        assert (stats["rest"] if surface == "rest" else stats["ws"])[method] == 1
        assert len(await read(client)) == 1


async def test_a_restart_between_attempts_still_places_one_order(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any]
) -> None:
    headers = key()
    settings = {"rest_timeout": 1.0, **store_settings}
    async with serve(app(clean_sandbox, **settings)) as client:
        await warm_up(client)
        clean_sandbox.set_faults(latency_ms=2500)
        outcome_unknown(await client.post("/v1/orders", json=ORDER, headers=headers), 504)
        faults_off(clean_sandbox)
        await settle(rest_orders, client)
    async with serve(app(clean_sandbox, **settings)) as client:  # a new gateway over the same store
        retry = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert retry.status_code == 200, retry.text
        assert [o["id"] for o in await rest_orders(client)] == [retry.json()["id"]]
    async with serve(app(clean_sandbox, **settings)) as client:
        again = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == retry.json()
        assert len(await rest_orders(client)) == 1
    assert clean_sandbox.stats()["rest"]["createOrder"] == 1


async def test_same_key_other_request_is_422_and_bad_keys_are_refused(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any]
) -> None:
    async with serve(app(clean_sandbox, **store_settings)) as client:
        headers = key()
        assert (await client.post("/v1/orders", json=ORDER, headers=headers)).status_code == 200
        other = await client.post("/v1/orders", json={**ORDER, "volume": "0.02"}, headers=headers)
        assert other.status_code == 422
        assert other.json()["type"] == "/problems/idempotency-key-reused"
        finex_order = {**FINEX_ORDER, "price": "99"}  # both surfaces trade on one engine: keep them apart
        elsewhere = await client.post("/v1/finex/orders", json=finex_order, headers=headers)
        assert elsewhere.status_code == 200  # keys are scoped per surface and credential
        bad = await client.post("/v1/orders", json=ORDER, headers={"Idempotency-Key": '""'})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["location"] == "header Idempotency-Key"
        assert len(await rest_orders(client)) == 1


async def test_keys_on_cancel_bulk_and_cancel_all(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any]
) -> None:
    async with serve(app(clean_sandbox, ws_call_timeout=1.0, **store_settings)) as client:
        placed = (await client.post("/v1/orders", json=ORDER)).json()
        headers = key()
        clean_sandbox.set_faults(error_rate=1.0, error_statuses=[500])
        outcome_unknown(await client.post(f"/v1/orders/{placed['id']}/cancel", headers=headers), 502)
        faults_off(clean_sandbox)
        cancel = await client.post(f"/v1/orders/{placed['id']}/cancel", headers=headers)
        assert cancel.status_code == 200, cancel.text
        assert cancel.json()["state"] == "cancelled"
        bulk_key = key()
        clean_sandbox.set_faults(ws_drop_rate=1.0, ws_drop_methods=["create_bulk"])
        bulk = [{**FINEX_ORDER, "price": "102"}, {**FINEX_ORDER, "price": "103"}]
        outcome_unknown(await client.post("/v1/finex/orders/bulk", json=bulk, headers=bulk_key), 504)
        faults_off(clean_sandbox)
        report = await client.post("/v1/finex/orders/bulk", json=bulk, headers=bulk_key)
        assert report.status_code == 200, report.text
        assert [r["ok"] for r in report.json()] == [True, True]
        assert clean_sandbox.stats()["ws"]["create_bulk"] == 1
        all_key = key()
        assert (await client.post("/v1/finex/orders/cancel-all", headers=all_key)).status_code == 204
        replay = await client.post("/v1/finex/orders/cancel-all", headers=all_key)
        assert replay.status_code == 204
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert clean_sandbox.stats()["ws"]["cancel_all"] == 1


async def test_an_upstream_refusal_is_replayed_as_such(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any]
) -> None:
    readonly = {"Authorization": clean_sandbox.credentials.readonly_api_key, **key()}
    async with serve(app(clean_sandbox, **store_settings)) as client:
        first = await client.post("/v1/orders", json=ORDER, headers=readonly)
        assert first.status_code == 403
        replay = await client.post("/v1/orders", json=ORDER, headers=readonly)
        assert replay.status_code == 403
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json()["type"] == first.json()["type"] == "/problems/upstream-forbidden"
    assert clean_sandbox.stats()["rest"]["createOrder"] == 1


async def test_an_unreachable_store_sends_nothing(clean_sandbox: EmbeddedSandbox) -> None:
    from tests.gateway.conftest import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    async with serve(app(clean_sandbox, redis_url=dead)) as client:
        answer = await client.post("/v1/orders", json=ORDER, headers=key())
        assert answer.status_code == 503
        assert answer.json()["type"] == "/problems/store-unavailable"
        assert dead not in answer.text
    assert clean_sandbox.stats()["rest"].get("createOrder", 0) == 0


async def test_a_key_recorded_against_another_upstream_is_not_replayed(
    store_settings: dict[str, Any],
) -> None:
    """The store outlives an embedded sandbox (``make run`` twice, or the fuzz gate's runs): a key first
    used against one upstream must not replay that upstream's order id against another one, where the
    order does not exist (found by the fuzz gate: ST302 "created resource not found")."""
    headers = key()
    async with EmbeddedSandbox(trader=False, seed=0) as first, serve(app(first, **store_settings)) as client:
        placed = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert placed.status_code == 200, placed.text
    async with (
        EmbeddedSandbox(trader=False, seed=0) as second,
        serve(app(second, **store_settings)) as client,
    ):
        again = await client.post("/v1/orders", json=ORDER, headers=headers)
        assert again.status_code == 200, again.text
        assert "Idempotent-Replayed" not in again.headers
        assert second.stats()["rest"]["createOrder"] == 1
        found = await client.get(f"/v1/orders/{again.json()['id']}")
        assert found.status_code == 200, found.text
