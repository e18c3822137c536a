"""Request limits enforced before any route runs (a pure ASGI middleware, like the metrics one).

- A body larger than ``settings.max_body_bytes`` (default 1 MiB) is 413: refused from its
  ``Content-Length`` before a byte is read, or as soon as a chunked body passes the limit.
- State-changing methods (POST, PUT, PATCH, DELETE) take JSON only: a request that carries a body or a
  ``Content-Type`` must say ``application/json`` (415 otherwise), so a form or ``text/plain`` post —
  what a browser may send cross-site without asking — never reaches a route.
- An ``Authorization`` value longer than ``settings.max_authorization_bytes`` is 431 (no upstream
  credential is that long; it would only cost a refused upstream handshake).

Header-size, header-read and keep-alive limits belong to the HTTP server (see ``gateway.__main__``).
"""

from __future__ import annotations

from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway._json import JSON_MEDIA_TYPE, encode, is_json_media_type
from gateway.problems import GatewayError, PayloadTooLarge, UnsupportedMediaType

__all__ = ["RequestLimits"]

STATE_CHANGING: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _HeaderTooLarge(GatewayError):
    status = 431
    slug = "header-too-large"
    title = "Request header fields too large"


class RequestLimits:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_authorization_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_authorization = max_authorization_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            k: v
            for k, v in scope["headers"]
            if k in {b"content-length", b"content-type", b"transfer-encoding", b"authorization"}
        }
        refused = self._refused(scope, headers)
        if refused is not None:
            await _send_problem(send, refused, scope.get("path", ""))
            return
        limit, seen = self.max_body, 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, limited, send)

    def _refused(self, scope: Scope, headers: dict[bytes, bytes]) -> GatewayError | None:
        if len(headers.get(b"authorization", b"")) > self.max_authorization:
            return _HeaderTooLarge(
                f"header authorization: longer than {self.max_authorization} bytes",
                errors=[{"location": "header authorization", "message": "too long"}],
            )
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length[:20]) > self.max_body):
            return _too_large(self.max_body)
        if scope["method"] in STATE_CHANGING:
            content_type = headers.get(b"content-type")
            has_body = (length is not None and length != b"0") or b"transfer-encoding" in headers
            if (content_type is not None or has_body) and not is_json_media_type(
                content_type.decode("latin-1") if content_type is not None else None
            ):
                return UnsupportedMediaType(
                    f"header content-type: state-changing requests take {JSON_MEDIA_TYPE} only",
                    errors=[{"location": "header content-type", "message": f"must be {JSON_MEDIA_TYPE}"}],
                )
        return None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"body: larger than {limit} bytes", errors=[{"location": "body", "message": "too large"}]
    )


async def _send_problem(send: Send, error: GatewayError, path: str) -> None:
    body = encode(error.problem(path))
    headers: list[Any] = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
