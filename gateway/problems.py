"""The gateway's error tree and its one mapping to RFC 9457 ``application/problem+json``.

::

    GatewayError                  status  type (relative URI)             raised for
    ├── InvalidRequest              422   /problems/invalid-request       our own validation
    ├── PayloadTooLarge             413   /problems/payload-too-large     body over the limit
    ├── UnsupportedMediaType        415   /problems/unsupported-media-type  a body that is not JSON
    ├── NotFound                    404   /problems/not-found             unknown market, currency, order
    ├── Unauthorized                401   /problems/unauthorized          missing/unknown credentials
    ├── Forbidden                   403   /problems/forbidden             cross-site request, bad Host
    ├── IdempotencyInProgress       409   /problems/idempotency-in-progress  same key still running
    ├── IdempotencyKeyReused        422   /problems/idempotency-key-reused   same key, other request
    ├── StoreUnavailable            503   /problems/store-unavailable     idempotency store down
    └── UpstreamError                                                     anything from an upstream
        ├── UpstreamRejected    400/401/403 /problems/upstream-…          upstream 4xx, see below
        ├── UpstreamUnavailable     503   /problems/upstream-unavailable  upstream 503, connect error, drop
        ├── UpstreamTimeout         504   /problems/upstream-timeout      upstream 504, no reply in time
        ├── BadUpstreamResponse     502   /problems/bad-upstream-response upstream 500, bad or odd body
        └── OutcomeUnknown       502/504  /problems/outcome-unknown       a state-changing call was sent
                                                                          and its outcome is not known

Upstream 4xx map to the matching client error: 400 → 400 ``upstream-bad-request``, 401 → 401
``upstream-unauthorized``, 402 (the upstream's "action is forbidden for API key") → 403
``upstream-forbidden``, 403 (the upstream's "authorization token expired") → 401
``upstream-credentials-expired``, 429 → 429 ``upstream-rate-limited`` (with the upstream's
``Retry-After``), and an upstream "not found" answer (matched in the client's failure table) →
404 ``not-found``. The upstream's message becomes ``detail``, scrubbed of every
configured secret and of the caller's own credential (:mod:`gateway.secrets`). Bodies never carry
stack traces or credentials.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from gateway.secrets import scrub

__all__ = [
    "PROBLEM_JSON",
    "BadUpstreamResponse",
    "Forbidden",
    "GatewayError",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "InvalidRequest",
    "NotFound",
    "OutcomeUnknown",
    "PayloadTooLarge",
    "StoreUnavailable",
    "Unauthorized",
    "UnsupportedMediaType",
    "UpstreamError",
    "UpstreamRejected",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "gateway_error_response",
    "install_handlers",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"


class GatewayError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers = {**self.default_headers, **(headers or {})}

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance is not None:
            body["instance"] = instance
        body.update(self.extra)
        return body


class InvalidRequest(GatewayError):
    status = 422
    slug = "invalid-request"
    title = "Invalid request"


class PayloadTooLarge(GatewayError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class UnsupportedMediaType(GatewayError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported media type"


class NotFound(GatewayError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Unauthorized(GatewayError):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"


class Forbidden(GatewayError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class IdempotencyInProgress(GatewayError):
    """A request with the same ``Idempotency-Key`` is still being processed (draft-07: 409)."""

    status = 409
    slug = "idempotency-in-progress"
    title = "A request with this Idempotency-Key is still in progress"
    default_headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


class IdempotencyKeyReused(GatewayError):
    """The ``Idempotency-Key`` was first used for a different request (draft-07: 422)."""

    status = 422
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was used for a different request"


class StoreUnavailable(GatewayError):
    """The idempotency store cannot be reached; nothing was sent upstream."""

    status = 503
    slug = "store-unavailable"
    title = "Idempotency store unavailable"


class UpstreamError(GatewayError):
    status = 502
    slug = "bad-upstream-response"
    title = "Bad upstream response"
    upstream_status: int | None = None
    """The upstream's HTTP status when it answered with one (``None``: no answer, or not over HTTP)."""


_BY_UPSTREAM_MESSAGE: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\bnot found\b|^unknown (asset|market|currency)\b", re.IGNORECASE), 404),
    (re.compile(r"\bis not active\b", re.IGNORECASE), 409),
]
"""Upstream 400 answers that say more than "bad request": both upstreams answer "no such thing" with
a 400 (REST ``Order 5 not found``, ``Unknown asset XXXYYY``; Finex ``order not found``, ``unknown
market x``), and REST answers a cancel of a closed order with ``Order 5 is not active``; the gateway
answers them 404 and 409."""


class UpstreamRejected(UpstreamError):
    """The upstream refused the request (its 4xx)."""

    upstream_status: int

    _BY_UPSTREAM_STATUS: ClassVar[dict[int, tuple[int, str, str]]] = {
        400: (400, "upstream-bad-request", "The upstream rejected the request"),
        401: (401, "upstream-unauthorized", "The upstream did not accept the credentials"),
        402: (403, "upstream-forbidden", "The upstream credentials lack the permission for this action"),
        403: (401, "upstream-credentials-expired", "The upstream credentials have expired"),
        404: (404, "not-found", "Not found"),
        409: (409, "conflict", "The resource is not in a state that allows this"),
        429: (429, "upstream-rate-limited", "The upstream is rate limiting these requests"),
    }

    def __init__(
        self, upstream_status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail, headers=headers, **extra)
        status, slug, title = self._BY_UPSTREAM_STATUS.get(
            upstream_status, (400, "upstream-bad-request", "The upstream rejected the request")
        )
        if upstream_status == 400:
            better = next((code for pattern, code in _BY_UPSTREAM_MESSAGE if pattern.search(detail)), None)
            if better is not None:
                status, slug, title = self._BY_UPSTREAM_STATUS[better]
        self.upstream_status = upstream_status
        self.status = status  # type: ignore[misc]
        self.slug = slug  # type: ignore[misc]
        self.title = title  # type: ignore[misc]


class UpstreamUnavailable(UpstreamError):
    status = 503
    slug = "upstream-unavailable"
    title = "Upstream unavailable"


class UpstreamTimeout(UpstreamError):
    status = 504
    slug = "upstream-timeout"
    title = "Upstream timeout"


class BadUpstreamResponse(UpstreamError):
    status = 502
    slug = "bad-upstream-response"
    title = "Bad upstream response"


class OutcomeUnknown(UpstreamError):
    """A state-changing call reached (or may have reached) the upstream and its outcome is not known:
    no answer in time, the connection lost after sending, an unreadable answer, a 5xx answer. The
    order (or cancel) **may have been executed**. ``status`` keeps the 502/504 of the failure."""

    slug = "outcome-unknown"
    title = "Outcome unknown: the request may have been executed upstream"

    def __init__(self, status: int, detail: str, *, settled: bool, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.status = status  # type: ignore[misc]
        self.settled = settled  # the upstream is done with the request (it answered, or the socket closed)


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"query", "path", "header", "body"}:
        where, rest = parts[0], parts[1:]
        return f"{where} {'.'.join(rest)}" if rest else where
    return ".".join(parts)


def gateway_error_response(exc: GatewayError, path: str, authorization: str | None) -> JSONResponse:
    """The problem answer to ``exc`` on ``path`` (the FastAPI handler's and the fast path's): a 401
    says ``WWW-Authenticate: Bearer``, and the request's ``Authorization`` value is scrubbed from it."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    headers.update(getattr(exc, "headers", None) or {})
    return problem_response(scrub(exc.problem(path), authorization), headers or None)


async def _gateway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GatewayError)
    return gateway_error_response(exc, request.url.path, request.headers.get("authorization"))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": _location(err.get("loc", ())), "message": err.get("msg", "invalid")}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "invalid request"
    return problem_response(InvalidRequest(detail, errors=errors).problem(request.url.path))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: ("not-found", "Not found"), 405: ("method-not-allowed", "Method not allowed")}
    slug, title = titles.get(exc.status_code, ("http-error", "HTTP error"))
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": exc.status_code,
        "detail": str(exc.detail),
        "instance": request.url.path,
    }
    return problem_response(body, headers or None)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (Starlette's 405 names only the first
    route whose path matches, so ``/v1/finex/orders`` would answer ``Allow: GET`` without its POST):
    each method is tried against the whole route table."""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(GatewayError("unexpected error; see the gateway log").problem(request.url.path))


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, _gateway_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
