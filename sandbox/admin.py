"""Admin API under ``/__sandbox/`` (not part of either upstream contract).

=========================== ===========================================================
``GET /__sandbox/faults``   current faults as JSON
``PUT /__sandbox/faults``   merge a JSON object of fault names into the faults (400 on a bad name/value)
``POST /__sandbox/reset``   fresh seeded state (orders, trades, balances, clock, counters); faults stay
``GET /__sandbox/credentials`` demo API keys (trading, read-only, expired, whitelisted) and a JWT
``POST /__sandbox/clock``   ``{"advance": seconds}`` moves the simulated clock forward
``POST /__sandbox/ws/disconnect`` close every websocket connection now (an upstream drop)
``GET /__sandbox/stats``    ``{"rest": {operationId: n}, "ws": {method: n}, "ws_connections": n,
                            "ws_refused": n, "ws_frames_sent": n, "authorization_sha256": [hex, ...]}``
                            (connections: accepted handshakes; the SHA-256 of every ``Authorization``
                            value received, never the value)
=========================== ===========================================================
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .state import SandboxState

__all__ = ["routes"]


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"{}")
    except ValueError:
        return None


async def get_faults(request: Request) -> JSONResponse:
    return JSONResponse(_state(request).faults.as_dict())


async def put_faults(request: Request) -> JSONResponse:
    state = _state(request)
    body = await _body(request)
    if not isinstance(body, dict):
        return JSONResponse({"error": "body must be a JSON object"}, status_code=400)
    try:
        state.faults = state.faults.updated(body)
    except (ValueError, TypeError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(state.faults.as_dict())


async def reset(request: Request) -> JSONResponse:
    _state(request).reset()
    return JSONResponse({"ok": True})


async def credentials(request: Request) -> JSONResponse:
    return JSONResponse(_state(request).credentials())


async def clock(request: Request) -> JSONResponse:
    state = _state(request)
    body = await _body(request)
    seconds = body.get("advance") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return JSONResponse({"error": 'body must be {"advance": non-negative seconds}'}, status_code=400)
    state.clock.advance(float(seconds))
    return JSONResponse({"now": int(state.clock.now()), "offset": state.clock.offset})


async def stats(request: Request) -> JSONResponse:
    state = _state(request)
    return JSONResponse(
        {
            "rest": dict(state.rest_counts),
            "ws": dict(state.ws_counts),
            "ws_connections": state.ws_connections,
            "ws_refused": state.ws_refused,
            "ws_frames_sent": state.ws_frames_sent,
            "authorization_sha256": sorted(state.authorization_seen),
        }
    )


async def ws_disconnect(request: Request) -> JSONResponse:
    closed = await request.app.state.hub.disconnect_all()
    return JSONResponse({"closed": closed})


def routes() -> list[Route]:
    return [
        Route("/__sandbox/faults", get_faults, methods=["GET"]),
        Route("/__sandbox/faults", put_faults, methods=["PUT"]),
        Route("/__sandbox/reset", reset, methods=["POST"]),
        Route("/__sandbox/credentials", credentials, methods=["GET"]),
        Route("/__sandbox/clock", clock, methods=["POST"]),
        Route("/__sandbox/stats", stats, methods=["GET"]),
        Route("/__sandbox/ws/disconnect", ws_disconnect, methods=["POST"]),
    ]
