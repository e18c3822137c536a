"""The Finex collector: connection counters stay monotonic when the pool forgets a connection, and
series are labelled by the credential's opaque tag only."""

from __future__ import annotations

from prometheus_client import generate_latest

from gateway.drift import DriftMonitor
from gateway.finex.client import FinexClient
from gateway.finex.connection import credential_tag
from gateway.metrics import Metrics
from tests.gateway.conftest import gateway_settings


async def test_counters_survive_forgotten_connections() -> None:
    metrics = Metrics()
    client = FinexClient.create("ws://127.0.0.1:9/none", gateway_settings(), metrics, DriftMonitor(metrics))
    try:
        jwt = "secret.jwt.value"
        connection = client.pool.get(jwt)
        connection.late_replies, connection.reconnects, connection.dropped_events = 3, 2, 1
        label = f'credential="{credential_tag(jwt)}"'
        first = generate_latest(metrics.registry).decode()
        assert f"gateway_finex_late_replies_total{{{label}}} 3.0" in first
        client.pool._connections.clear()  # forgotten, as a dormant connection is
        replacement = client.pool.get(jwt)
        replacement.late_replies = 1
        second = generate_latest(metrics.registry).decode()
        assert f"gateway_finex_late_replies_total{{{label}}} 4.0" in second
        assert f"gateway_finex_reconnects_total{{{label}}} 2.0" in second
        assert f"gateway_finex_dropped_events_total{{{label}}} 1.0" in second
        assert jwt not in first + second
    finally:
        await client.aclose()
