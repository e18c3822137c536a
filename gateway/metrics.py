"""Prometheus metrics of one gateway app (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["Metrics"]

_Labels = tuple[str, str, str]

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._children: dict[
            tuple[Counter, tuple[str, str, str]], tuple[Callable[[], None], Callable[[float], None]]
        ] = {}
        self.requests = Counter(
            "gateway_requests", "HTTP requests served", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "gateway_request_seconds",
            "HTTP request latency",
            ["route", "method"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upstream_calls = Counter(
            "gateway_upstream_calls",
            "Calls to an upstream by operation and outcome",
            ["upstream", "operation", "outcome"],
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "gateway_upstream_seconds",
            "Upstream call latency",
            ["upstream", "operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upstream_errors = Counter(
            "gateway_upstream_errors",
            "Upstream failures by kind (status code, timeout, transport, malformed)",
            ["upstream", "operation", "kind"],
            registry=self.registry,
        )
        self.coalesced = Counter(
            "gateway_coalesced_requests",
            "Public market-data requests by coalescing outcome: leader (made the upstream call), joined "
            "(shared a call in flight), cached (micro-cache hit)",
            ["route", "outcome"],
            registry=self.registry,
        )
        self.drift = Counter(
            "gateway_schema_drift",
            "Upstream responses or frames that violate the upstream contract",
            ["upstream", "operation", "location"],
            registry=self.registry,
        )
        self.outcome_unknown = Counter(
            "gateway_outcome_unknown",
            "State-changing calls answered outcome-unknown (sent, outcome not known)",
            ["upstream", "operation"],
            registry=self.registry,
        )
        self.late_replies = Counter(
            "gateway_late_replies",
            "Upstream replies that came after the timeout and completed an idempotency record",
            ["upstream", "operation"],
            registry=self.registry,
        )
        self.reconciliations = Counter(
            "gateway_reconciliations",
            "Retries of an unknown outcome checked against the upstream, by result",
            ["upstream", "operation", "result"],
            registry=self.registry,
        )
        self.replays = Counter(
            "gateway_idempotent_replays",
            "Requests answered from a stored idempotency record",
            ["upstream", "operation"],
            registry=self.registry,
        )

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one HTTP request (route template, method, status) and observe its latency."""
        self._count_and_time(self.requests, self.latency, (route, method, str(status)), seconds)

    def upstream_call(self, upstream: str, operation: str, outcome: str, seconds: float) -> None:
        """Count one upstream call and observe its latency."""
        self._count_and_time(
            self.upstream_calls, self.upstream_latency, (upstream, operation, outcome), seconds
        )

    def _count_and_time(
        self, counter: Counter, histogram: Histogram, labels: _Labels, seconds: float
    ) -> None:
        # The labelled children are looked up once: ``labels()`` takes a lock and builds a key on
        # every call, and this runs on every request's path. The histogram has the first two labels.
        done = self._children.get((counter, labels))
        if done is None:
            count = counter.labels(*labels).inc
            observe = histogram.labels(*labels[:2]).observe
            done = self._children[(counter, labels)] = (count, observe)
        done[0]()
        done[1](seconds)
