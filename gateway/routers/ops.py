"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.deps import State
from gateway.problems import BadUpstreamResponse, UpstreamError, UpstreamRejected

__all__ = ["router"]

router = APIRouter(tags=["ops"])


@router.get("/healthz", operation_id="healthz", summary="Liveness: the gateway process is serving")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Readiness: the upstreams are reachable and answering (and each credential's event stream)",
    description="Per upstream: `ok`, `not configured`, `unreachable: <why>` (no answer: connection "
    "refused or dropped, timeout) or `answering errors: <what>` (it answers, but with errors: a 5xx "
    "status or an unusable body).",
    responses={
        503: {
            "description": "An upstream is unreachable or answering errors",
            "content": {
                "application/json": {
                    "example": {
                        "status": "not ready",
                        "upstreams": {"rest": "answering errors: HTTP 500", "finex": "ok"},
                    }
                }
            },
        }
    },
)
async def readyz(state: State, response: Response) -> dict[str, Any]:
    checks: dict[str, str] = {}
    for name in ("rest", "finex"):
        client = getattr(state, name)
        if client is None:
            checks[name] = "not configured"
            continue
        try:
            await client.ping()
            checks[name] = "ok"
        except Exception as exc:  # readiness reports any failure, it does not raise
            checks[name] = _failure(exc)
    ready = all(v == "ok" for v in checks.values())
    response.status_code = 200 if ready else 503
    # Event feeds (one per credential with clients, or lately had): their state, for operators.
    streams = [feed.status() for feed in state.finex.feeds] if state.finex is not None else []
    return {"status": "ready" if ready else "not ready", "upstreams": checks, "event_streams": streams}


def _failure(exc: Exception) -> str:
    """``answering errors: …`` when the upstream answered (an error status, an unusable body), else
    ``unreachable: …``."""
    if isinstance(exc, UpstreamError) and exc.upstream_status is not None:
        return f"answering errors: HTTP {exc.upstream_status}"
    if isinstance(exc, BadUpstreamResponse | UpstreamRejected):
        return f"answering errors: {exc.slug}"
    return f"unreachable: {type(exc).__name__}"


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(state: State) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
