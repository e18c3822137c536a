"""Prometheus view of the Finex side: connection counters and event-feed state, read at scrape time.

Series are labelled by the credential's opaque tag (``anonymous`` or ``jwt:<8 hex of its SHA-256>``),
never by the credential. Counters of connections the pool has since forgotten are kept, so every
``…_total`` stays monotonic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from gateway.finex.client import FinexClient
    from gateway.finex.connection import FinexConnection

__all__ = ["FinexCollector"]

_CONNECTION_COUNTERS: Final = {
    "late_replies": "Replies that came after their call had timed out (dropped)",
    "reconnects": "Upstream websocket connections opened after a first one",
    "dropped_events": "Events dropped by a raw upstream event stream's full buffer",
    "drops": "Upstream websocket drops with calls in flight",
    "connect_failures": "Failed upstream websocket connection attempts",
}


class FinexCollector(Collector):
    def __init__(self, client: FinexClient) -> None:
        self._client = client
        # Totals of connections no longer in the pool, and the last reading of those that are.
        self._retired: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._last: dict[int, tuple[str, dict[str, int]]] = {}

    def _connection_totals(self) -> dict[str, dict[str, int]]:
        current: dict[int, FinexConnection] = {id(c): c for c in self._client.pool._connections.values()}
        for key in [k for k in self._last if k not in current]:
            tag, values = self._last.pop(key)
            for name, value in values.items():
                self._retired[tag][name] += value
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for tag, values in self._retired.items():
            for name, value in values.items():
                totals[tag][name] += value
        for key, connection in current.items():
            values = {name: int(getattr(connection, name)) for name in _CONNECTION_COUNTERS}
            self._last[key] = (connection.tag, values)
            for name, value in values.items():
                totals[connection.tag][name] += value
        return totals

    def collect(self) -> Iterator[Metric]:
        totals = self._connection_totals()
        for name, help_text in _CONNECTION_COUNTERS.items():
            family = CounterMetricFamily(f"gateway_finex_{name}", help_text, labels=["credential"])
            for credential, values in sorted(totals.items()):
                family.add_metric([credential], values[name])
            yield family

        feeds = self._client.feeds
        connected = GaugeMetricFamily(
            "gateway_event_stream_connected",
            "1 while the feed's upstream subscription is live",
            labels=["credential"],
        )
        reconnecting = GaugeMetricFamily(
            "gateway_event_stream_reconnecting_since",
            "Unix time the feed lost its subscription (absent while connected)",
            labels=["credential"],
        )
        attempts = GaugeMetricFamily(
            "gateway_event_stream_phase_attempts",
            "Subscription attempts in the current (re)connection phase",
            labels=["credential"],
        )
        attempts_total = CounterMetricFamily(
            "gateway_event_stream_attempts", "Subscription attempts", labels=["credential"]
        )
        clients = GaugeMetricFamily(
            "gateway_event_stream_clients", "Connected clients", labels=["credential"]
        )
        last_id = GaugeMetricFamily(
            "gateway_event_stream_last_id", "Id of the newest sequenced event", labels=["credential"]
        )
        last_error = GaugeMetricFamily(
            "gateway_event_stream_last_error",
            "1, labelled with the kind of the last subscription failure",
            labels=["credential", "error"],
        )
        gaps = CounterMetricFamily(
            "gateway_event_gaps", "Gaps announced to clients", labels=["credential", "reason"]
        )
        skipped = CounterMetricFamily(
            "gateway_event_skipped",
            "Sequenced events clients did not receive (announced by a gap: overflow, too-old resume)",
            labels=["credential"],
        )
        for feed in feeds:
            tag: list[str] = [feed.tag]
            connected.add_metric(tag, 1 if feed.state == "connected" else 0)
            if feed.state in ("connecting", "reconnecting"):
                reconnecting.add_metric(tag, feed.since)
            attempts.add_metric(tag, feed.attempts)
            attempts_total.add_metric(tag, feed.total_attempts)
            clients.add_metric(tag, feed.clients)
            last_id.add_metric(tag, feed.head)
            if feed.last_error_type is not None:
                last_error.add_metric([feed.tag, feed.last_error_type], 1)
            for reason, count in sorted(feed.gaps.items()):
                gaps.add_metric([feed.tag, reason], count)
            skipped.add_metric(tag, feed.skipped)
        yield from (
            connected,
            reconnecting,
            attempts,
            attempts_total,
            clients,
            last_id,
            last_error,
            gaps,
            skipped,
        )
