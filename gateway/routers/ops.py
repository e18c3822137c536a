"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.deps import State

__all__ = ["router"]

router = APIRouter(tags=["ops"])


@router.get("/healthz", operation_id="healthz", summary="Liveness: the gateway process is serving")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Readiness: the upstreams are reachable (and the state of each credential's event stream)",
    responses={503: {"description": "An upstream is not reachable", "content": {"application/json": {}}}},
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
            checks[name] = f"unreachable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    response.status_code = 200 if ready else 503
    # Event feeds (one per credential with clients, or lately had): their state, for operators.
    streams = [feed.status() for feed in state.finex.feeds] if state.finex is not None else []
    return {"status": "ready" if ready else "not ready", "upstreams": checks, "event_streams": streams}


@router.get("/metrics", operation_id="metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(state: State) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
