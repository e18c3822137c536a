"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on every request): request metrics, and the
``Gateway-Drift`` header of responses some of whose values were served as null."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.metrics import Metrics
from gateway.normalize import DriftLog, collect_drift

__all__ = ["DRIFT_COUNT_HEADER", "DRIFT_HEADER", "DriftMiddleware", "MetricsMiddleware", "drift_headers"]

DRIFT_HEADER = "Gateway-Drift"
DRIFT_COUNT_HEADER = "Gateway-Drift-Count"


def drift_headers(log: DriftLog) -> dict[str, str]:
    """The ``Gateway-Drift`` headers of a response whose normalization recorded ``log`` (none if clean)."""
    if not log.count:
        return {}
    return {DRIFT_HEADER: ", ".join(log.paths), DRIFT_COUNT_HEADER: str(log.count)}


class DriftMiddleware:
    """``DRIFT_POLICY=lenient``: upstream values that cannot be normalized are served as null (see
    :func:`gateway.normalize.collect_drift`); the response then carries ``Gateway-Drift``, the JSON paths
    of those values in the body (comma-separated, the first 100), and ``Gateway-Drift-Count``, how many."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with collect_drift() as log:

            async def send_wrapper(message: Message) -> None:
                if message["type"] == "http.response.start" and log.count:
                    headers = list(message.get("headers", []))
                    headers += [(k.lower().encode(), v.encode()) for k, v in drift_headers(log).items()]
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_wrapper)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            app = scope.get("app")
            metrics: Metrics | None = getattr(app.state, "metrics", None) if app is not None else None
            if metrics is not None:
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                metrics.request(template, scope["method"], status, time.perf_counter() - started)
