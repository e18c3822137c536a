"""Browser safety as one pure ASGI middleware, plus CORS when an allow-list is configured.

* **Host.** A request (HTTP or websocket) whose ``Host`` is not an allowed name is refused with 400
  ``/problems/host-not-allowed`` before any route runs (DNS rebinding). Allowed: ``ALLOWED_HOSTS``, or
  by default the loopback names and the bind address; ``*`` allows any.
* **Cross-site requests.** A state-changing request (POST, PUT, PATCH, DELETE) or a websocket handshake
  whose ``Origin`` is neither the gateway's own origin nor in ``CORS_ORIGINS``, or that a browser marks
  ``Sec-Fetch-Site: cross-site`` without an allowed origin, is refused with 403 ``/problems/forbidden``:
  a page elsewhere cannot place or cancel orders through a user's browser, whatever its content type.
* **CORS** (Starlette's ``CORSMiddleware``) only with ``CORS_ORIGINS``: those origins, the methods and
  headers the API uses (``Authorization``, ``Content-Type``, ``Idempotency-Key``), the idempotency
  response headers exposed, no cookies.
* **Headers** on every response: ``X-Content-Type-Options: nosniff``; ``Cache-Control: no-store`` on
  private responses (account, orders, Finex, events, metrics, and any request with credentials).
"""

from __future__ import annotations

from typing import Final

import orjson
from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.problems import PROBLEM_JSON
from gateway.settings import Settings

__all__ = ["BrowserSafety", "allowed_hosts", "install"]

LOOPBACK: Final = ("127.0.0.1", "localhost", "::1")
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PRIVATE_PREFIXES: Final = ("/v1/account", "/v1/orders", "/v1/finex", "/v1/events", "/metrics")


def allowed_hosts(settings: Settings) -> frozenset[str]:
    if settings.allowed_hosts:
        return frozenset(h.lower().strip("[]") for h in settings.allowed_hosts)
    return frozenset({*LOOPBACK, settings.bind_host.lower().strip("[]")})


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host[1:].partition("]")[0]
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else host


def _problem(status: int, slug: str, title: str, detail: str) -> bytes:
    return orjson.dumps({"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail})


class BrowserSafety:
    def __init__(self, app: ASGIApp, hosts: frozenset[str], origins: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if "*" not in self.hosts and _host_name(host) not in self.hosts:
            detail = "the Host header names a host this gateway does not serve (see ALLOWED_HOSTS)"
            await self._refuse(scope, send, 400, "host-not-allowed", "Host not allowed", detail)
            return
        if (scope["type"] == "websocket" or scope["method"] in UNSAFE_METHODS) and self._cross_site(
            headers, host, scope
        ):
            detail = "cross-site request refused: the Origin is not allowed (see CORS_ORIGINS)"
            await self._refuse(scope, send, 403, "forbidden", "Forbidden", detail)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        private = scope["path"].startswith(PRIVATE_PREFIXES) or "authorization" in headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                names = {name.lower() for name, _ in raw}
                raw.append((b"x-content-type-options", b"nosniff"))
                if private and b"cache-control" not in names:
                    raw.append((b"cache-control", b"no-store"))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _cross_site(self, headers: Headers, host: str, scope: Scope) -> bool:
        origin = headers.get("origin")
        if origin is not None:
            if origin in self.origins:
                return False
            scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
            return origin.lower() != f"{scheme}://{host}".lower()
        return headers.get("sec-fetch-site") == "cross-site"

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, slug: str, title: str, detail: str) -> None:
        body = _problem(status, slug, title, detail)
        if scope["type"] == "websocket":  # closed before the handshake: the server answers 403
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"),
        ]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, settings: Settings) -> None:
    """CORS (only with an allow-list) inside the host and cross-site checks (outermost)."""
    origins = frozenset(settings.cors_origins)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=sorted(origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Idempotent-Replayed", "Idempotency-Reconciled", "Retry-After"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(BrowserSafety, hosts=allowed_hosts(settings), origins=origins)
