"""The event stream against the gateway's own OpenAPI document.

schemathesis reads ``text/event-stream`` responses event by event (up to its ``max-stream-events``,
then it cuts the stream) and validates each parsed event (``{event, data, id}``) against the
operation's schema; websocket messages and SSE ``data`` are validated here against the
``EventMessage`` component schema, which the SSE schema names as the ``contentSchema`` of ``data``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema_rs
import orjson
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from websockets.asyncio.client import connect

from gateway.app import create_app, openapi_document
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings
from tests.gateway.test_events import running_gateway

pytestmark = [pytest.mark.timeout(120)]


@pytest.fixture
def app(clean_sandbox: EmbeddedSandbox) -> Iterator[FastAPI]:
    yield create_app(gateway_settings(heartbeat_interval=0.02), sandbox=clean_sandbox)
    shutdown_lifespans()


def test_sse_events_conform_to_the_openapi_document(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(operation_id="streamEvents")
    (operation,) = [result.ok() for result in schema.get_all_operations()]
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    seen: set[str] = set()

    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Case) -> None:
        if case.headers:
            case.headers.pop("Authorization", None)  # the server-side (demo) credentials
        response = case.call_and_validate(checks=checks)
        if response.status_code == 200:
            seen.update(
                line.split(": ", 1)[1] for line in response.text.splitlines() if line.startswith("event: ")
            )

    run()
    assert {"snapshot", "heartbeat"} <= seen


def _message_validator() -> Any:
    document = openapi_document()
    wrapper = {"$ref": "#/components/schemas/EventMessage", "components": document["components"]}
    return jsonschema_rs.validator_for(wrapper)


async def test_websocket_and_sse_messages_match_event_message_schema(sandbox: EmbeddedSandbox) -> None:
    validator = _message_validator()
    sandbox.reset()
    async with running_gateway(sandbox, heartbeat_interval=0.05) as base:
        messages: list[dict[str, Any]] = []
        async with httpx.AsyncClient(base_url=f"http://{base}") as http:
            async with connect(f"ws://{base}/v1/events/ws?last_event_id=5") as ws:
                while not any(m["event"] == "snapshot" for m in messages):
                    messages.append(orjson.loads(await asyncio.wait_for(ws.recv(), 10)))
                order = {
                    "market": "btcusdt",
                    "type": "limit",
                    "side": "buy",
                    "volume": "0.001",
                    "price": "1000",
                }
                assert (await http.post("/v1/finex/orders", json=order)).status_code == 200
                async with asyncio.timeout(20):
                    while not {"gap", "snapshot", "order.created", "balance", "heartbeat"} <= {
                        m["event"] for m in messages
                    }:
                        messages.append(orjson.loads(await ws.recv()))
            async with http.stream("GET", "/v1/events") as response:
                async for line in response.aiter_lines():
                    if line.startswith("data: "):
                        messages.append(orjson.loads(line.removeprefix("data: ")))
                    if len(messages) > 30:
                        break
    for message in messages:
        errors = [e.message for e in validator.iter_errors(message)]
        assert not errors, (message, errors)
    # And the schema is strict enough to reject a message that is not one.
    assert not validator.is_valid({"event": "order.created", "data": {"id": 1}})
