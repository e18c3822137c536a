"""gateway.drift: responses and frames checked against the generated contracts, counted and logged once."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from gateway.drift import DriftMonitor
from gateway.metrics import Metrics
from generated.finex_layouts import LAYOUTS
from generated.finex_protocol import EVENTS
from generated.iqfinex_operations import OPERATIONS

TICKER = OPERATIONS["getTicker"]


def _ticker_body() -> Any:
    assert TICKER.example is not None
    return json.loads(TICKER.example)


def test_a_documented_response_has_no_drift() -> None:
    monitor = DriftMonitor()
    assert monitor.check_rest(TICKER.id, TICKER.method, TICKER.path, 200, _ticker_body()) == []
    assert monitor.total == 0


def test_a_wrong_type_is_named_by_json_path_and_schema_location() -> None:
    body = _ticker_body()
    body["data"]["bid"] = True
    (drift,) = DriftMonitor().check_rest(TICKER.id, TICKER.method, TICKER.path, 200, body)
    assert (drift.upstream, drift.operation, drift.path) == ("iqfinex", "getTicker", "$.data.bid")
    assert drift.location.startswith("#/components/schemas/Decimal")


def test_an_undocumented_status_is_drift() -> None:
    (drift,) = DriftMonitor().check_rest(TICKER.id, TICKER.method, TICKER.path, 418, {})
    assert drift.message == "undocumented status 418"


def test_statuses_resolve_exactly_then_by_range_then_default() -> None:
    monitor = DriftMonitor()
    ok = monitor.rest_schema_uri(TICKER.method, TICKER.path, 200)
    assert ok is not None
    assert ok.endswith("/paths/~1v1~1ticker~1%7Basset%7D/get/responses/200/content/application~1json/schema")
    failed = monitor.rest_schema_uri(TICKER.method, TICKER.path, 500)
    assert failed is not None
    assert "/components/responses/" in failed  # the operation's $ref, followed by codegen
    assert monitor.rest_schema_uri(TICKER.method, "/v1/nowhere", 200) is None


def test_a_frame_missing_a_slot_is_drift() -> None:
    event = EVENTS["on"]
    frame = json.loads(event.examples[0])
    monitor = DriftMonitor()
    assert monitor.check_frame(event.code, event.frame, frame) == []
    slot = LAYOUTS[event.frame].index("payload")
    frame[slot] = frame[slot][:-1]  # the order row loses its last slot
    (drift,) = monitor.check_frame(event.code, event.frame, frame)
    assert drift.upstream == "finex"
    assert drift.location.endswith("/minItems")


def test_drift_is_counted_every_time_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    monitor = DriftMonitor(metrics)
    body = _ticker_body()
    body["data"]["bid"] = True
    with caplog.at_level(logging.WARNING, logger="gateway.drift"):
        for _ in range(3):
            monitor.check_rest(TICKER.id, TICKER.method, TICKER.path, 200, body)
    assert monitor.total == 3
    assert len([r for r in caplog.records if "schema drift" in r.getMessage()]) == 1
