"""Iqfinex REST client: requests built by the generated client, sent over one pooled connection.

Every request (method, path, query, JSON body) is built by the generated operation module
(``generated/iqfinex_client/api/<tag>/<operation>.py``, its ``_get_kwargs``); the gateway then reads
the raw body itself (:data:`gateway.normalize.decode_json`, exact decimals). The generated
``asyncio_detailed`` is not used on the hot path: it would also parse every body into models whose
``number`` fields are ``float`` (never used here), which cost as much as the whole forwarding (see
bench/). The API key travels as the raw ``Authorization`` header, exactly what the generated
``AuthenticatedClient`` builds with ``prefix=""``.

The transport is picked by measurement (``make bench``, README "Performance"): one
``aiohttp.ClientSession`` (``REST_TRANSPORT=aiohttp``, the default) or an ``httpx.AsyncClient``
(``REST_TRANSPORT=httpx``; also how tests plug in ``httpx.MockTransport``). Either is opened and
closed in the app's lifespan and shared by all callers, whatever their key.

Failures are mapped into the gateway's error tree in one place, :func:`map_failure`::

    upstream outcome                                  gateway error (status)
    ───────────────────────────────────────────────── ──────────────────────────────
    400 / 401 / 402 / 403 + {"message": ...}          UpstreamRejected (400/401/403/401)
    400 whose message says "not found"                UpstreamRejected (404 not-found)
    429 (+ Retry-After)                               UpstreamRejected (429, Retry-After passed on)
    500, any other unexpected status                  BadUpstreamResponse (502)
    503                                               UpstreamUnavailable (503)
    504                                               UpstreamTimeout (504)
    no answer within the per-call timeout             UpstreamTimeout (504)
    connect refused / reset / dropped connection      UpstreamUnavailable (503)
    protocol error, undecodable or non-JSON body      BadUpstreamResponse (502)

Idempotent calls (GET in the upstream contract) are retried ``settings.rest_retries`` times with
jittered exponential backoff on 500/503/504, timeouts, transport errors and malformed bodies; POSTs
(order placement, cancel) are sent exactly once whatever happens. That is the only retry policy (the
transports make one attempt each). An answer carrying ``Retry-After`` (429, or a 503 that says when to
come back) is never retried sooner: it is not retried at all, and the caller gets the upstream's
``Retry-After``.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import logging
import math
import random
import re
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
import msgspec
import orjson

from gateway._decimal import DecimalError
from gateway.drift import NOT_JSON, DriftMonitor, for_validation
from gateway.iqfinex.transport import _AiohttpSender, _HttpxSender, _Sender
from gateway.metrics import Metrics
from gateway.normalize import NormalizationError, Normalizer, decode_json
from gateway.problems import (
    BadUpstreamResponse,
    UpstreamError,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.settings import Settings
from generated.iqfinex_layouts import ENUMS, LAYOUTS
from generated.iqfinex_operations import OPERATIONS as _CONTRACT

__all__ = [
    "OPERATIONS",
    "IqfinexClient",
    "Operation",
    "map_failure",
    "open_iqfinex",
]

log = logging.getLogger("gateway.iqfinex")

UPSTREAM = "iqfinex"
ASSET_TTL = 300.0
"""Seconds the trading-pair info (``accuracy`` for price validation) is cached."""


@dataclass(frozen=True)
class Operation:
    """One upstream operation, from the upstream contract and the generated client."""

    id: str
    method: str  # upper case
    path: str  # the contract's path template, e.g. /v1/ticker/{asset}
    private: bool  # needs the API key
    build: Callable[..., dict[str, Any]]  # the generated module's request builder (``_get_kwargs``)

    @property
    def idempotent(self) -> bool:
        return self.method == "GET"


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _operations() -> dict[str, Operation]:
    """Every operation of the contract, bound to its generated ``api/<tag>/<operation>.py`` module."""
    found: dict[str, Operation] = {}
    for op in _CONTRACT.values():
        module = importlib.import_module(f"generated.iqfinex_client.api.{op.tag}.{_snake(op.id)}")
        found[op.id] = Operation(op.id, op.method, op.path, op.private, module._get_kwargs)
    return found


OPERATIONS: dict[str, Operation] = _operations()


# ------------------------------------------------------------------------------------ failures
def _status_failure(status: int, body: bytes, retry_after: str | None = None) -> UpstreamError:
    message = _error_message(body)
    wait = _retry_after(retry_after)
    headers = {"Retry-After": wait} if wait is not None else None
    if status in (400, 401, 402, 403):
        return UpstreamRejected(status, message or f"upstream answered {status}")
    if status == 429:
        return UpstreamRejected(
            429, message or "the upstream is rate limiting (429)", headers={"Retry-After": wait or "1"}
        )
    failure: UpstreamError
    if status == 503:
        failure = UpstreamUnavailable("the upstream is unavailable (503)", headers=headers)
    elif status == 504:
        failure = UpstreamTimeout("the upstream timed out (504)")
    else:
        failure = BadUpstreamResponse(f"the upstream failed ({status})")
    failure.upstream_status = status
    return failure


def _retry_after(value: str | None) -> str | None:
    """``Retry-After`` as delta-seconds (an HTTP date is turned into seconds from now); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 9:
        return str(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value[:64])
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return str(max(0, math.ceil(when.timestamp() - time.time())))


def _error_message(body: bytes) -> str | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    message = parsed.get("message") if isinstance(parsed, dict) else None
    return message[:500] if isinstance(message, str) else None


def map_failure(exc: BaseException) -> UpstreamError:
    """The gateway error for a transport failure (aiohttp, httpx, or our own deadline)."""
    if isinstance(exc, UpstreamError):
        return exc
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError | httpx.TimeoutException):
        return UpstreamTimeout("no answer from the upstream in time")
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientResponseError | httpx.RemoteProtocolError):
        return BadUpstreamResponse(f"unreadable upstream response ({type(exc).__name__})")
    if isinstance(
        exc, aiohttp.ClientConnectionError | OSError | httpx.NetworkError | httpx.UnsupportedProtocol
    ):
        return UpstreamUnavailable(f"cannot reach the upstream ({type(exc).__name__})")
    return BadUpstreamResponse(f"unreadable upstream response ({type(exc).__name__})")


_RETRYABLE = (UpstreamUnavailable, UpstreamTimeout, BadUpstreamResponse)


# ------------------------------------------------------------------------------------ the client


@dataclass
class _Assets:
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    loaded_at: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class IqfinexClient:
    """Calls the upstream operations; returns the ``data`` member of the 200 envelope, decoded exactly."""

    def __init__(
        self,
        base_url: str,
        settings: Settings,
        metrics: Metrics,
        drift: DriftMonitor,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``transport``: send through ``httpx`` with this transport (tests use ``httpx.MockTransport``)."""
        self._settings = settings
        self._metrics = metrics
        self._drift = drift
        self._sender: _Sender
        if transport is not None:
            self._sender = _HttpxSender(base_url, transport, settings.rest_timeout)
        elif settings.rest_transport == "httpx":
            limits = httpx.Limits(
                max_connections=settings.rest_pool_size, max_keepalive_connections=settings.rest_pool_size
            )
            self._sender = _HttpxSender(
                base_url, httpx.AsyncHTTPTransport(limits=limits), settings.rest_timeout
            )
        elif settings.rest_transport == "http1" or (
            settings.rest_transport == "auto" and base_url.startswith("http://")
        ):
            from gateway.iqfinex._http1 import Http1Sender

            self._sender = Http1Sender(base_url, settings.rest_pool_size)
        else:
            self._sender = _AiohttpSender(base_url, settings.rest_pool_size)
        self._assets = _Assets()
        self._currencies = _Assets()
        self._normalizer = Normalizer(LAYOUTS, ENUMS)

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def ping(self) -> None:
        """Readiness: one cheap public call (raises an ``UpstreamError`` when unreachable)."""
        await self.call("listCurrencies", retries=0)

    async def call(
        self,
        operation: str,
        *args: Any,
        api_key: str | None = None,
        retries: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call ``operation`` (an upstream operationId) and return its ``data``, exact decimals as text."""
        op = OPERATIONS[operation]
        if op.private and api_key is None:  # pragma: no cover - the routes always resolve a key
            raise ValueError(f"{operation} needs an API key")
        attempts = 1 + ((self._settings.rest_retries if retries is None else retries) if op.idempotent else 0)
        for attempt in range(attempts):
            try:
                return await self._once(op, args, kwargs, api_key)
            except _RETRYABLE as exc:
                if attempt + 1 >= attempts or "Retry-After" in exc.headers:
                    raise
                delay = random.uniform(0, self._settings.rest_retry_backoff * 2**attempt)
                log.info("retrying %s after %s (%.3fs)", operation, exc.slug, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self, op: Operation, args: tuple[Any, ...], kwargs: dict[str, Any], api_key: str | None
    ) -> Any:
        request = op.build(*args, **kwargs)
        headers: dict[str, str] = dict(request.get("headers", {}))
        if op.private and api_key is not None:
            headers["Authorization"] = api_key
        body = orjson.dumps(request["json"]) if "json" in request else None
        started = time.perf_counter()
        outcome = "ok"  # counted with the latency once the call is over, whatever its end
        try:
            try:
                async with asyncio.timeout(self._settings.rest_timeout):
                    status, content, retry_after = await self._sender.send(
                        request["method"].upper(), request["url"], request.get("params"), body, headers
                    )
            except (httpx.HTTPError, aiohttp.ClientError, TimeoutError) as exc:
                failure = map_failure(exc)
                kind = "timeout" if isinstance(failure, UpstreamTimeout) else "transport"
                raise self._failed(op, kind, failure) from exc
            return self._data(op, status, content, retry_after)
        except UpstreamRejected:
            outcome = "rejected"
            raise
        except UpstreamError:
            outcome = "error"
            raise
        finally:
            self._metrics.upstream_call(UPSTREAM, op.id, outcome, time.perf_counter() - started)

    def _failed(self, op: Operation, kind: str, failure: UpstreamError) -> UpstreamError:
        """Count a failure (``kind``: status code, timeout, transport, malformed) and return it."""
        self._metrics.upstream_errors.labels(UPSTREAM, op.id, kind).inc()
        return failure

    def _data(self, op: Operation, status: int, content: bytes, retry_after: str | None = None) -> Any:
        as_sent = for_validation(content)
        if as_sent is NOT_JSON:
            if status != 200:
                raise self._failed(op, str(status), _status_failure(status, content, retry_after)) from None
            failure = BadUpstreamResponse("the upstream answered with a malformed JSON body")
            raise self._failed(op, "malformed", failure) from None
        self._drift.check_rest(op.id, op.method, op.path, status, as_sent)
        if status != 200:
            raise self._failed(op, str(status), _status_failure(status, content, retry_after))
        try:
            envelope = decode_json(content)
        except (msgspec.DecodeError, RecursionError, DecimalError) as exc:  # e.g. a number too long
            raise self._failed(
                op, "malformed", BadUpstreamResponse(f"unusable upstream value: {str(exc)[:200]}")
            ) from None
        if not isinstance(envelope, dict) or "data" not in envelope:
            failure = BadUpstreamResponse("the upstream answered without a data envelope")
            raise self._failed(op, "malformed", failure)
        return envelope["data"]

    async def asset(self, market: str) -> dict[str, Any] | None:
        """The normalized trading pair (``Asset`` layout), cached ``ASSET_TTL`` s; None if unknown."""
        return (await self._listed(self._assets, "listAssets", "AssetList", "market")).get(market.upper())

    async def currency(self, name: str) -> dict[str, Any] | None:
        """The normalized currency (``Currency`` layout), cached ``ASSET_TTL`` s; None if unknown."""
        return (await self._listed(self._currencies, "listCurrencies", "CurrencyList", "name")).get(
            name.upper()
        )

    async def _listed(self, cache: _Assets, operation: str, layout: str, key: str) -> dict[str, Any]:
        if time.monotonic() - cache.loaded_at > ASSET_TTL:
            async with cache.lock:
                if time.monotonic() - cache.loaded_at > ASSET_TTL:
                    data = await self.call(operation)
                    try:
                        rows = self._normalizer(layout, data)["rows"]
                    except (NormalizationError, DecimalError, TypeError, KeyError) as exc:
                        raise BadUpstreamResponse(f"unnormalizable upstream response: {exc}") from None
                    cache.rows = {str(row[key]).upper(): row for row in rows}
                    cache.loaded_at = time.monotonic()
        return cache.rows


async def open_iqfinex(
    base_url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor, stack: AsyncExitStack
) -> IqfinexClient:
    """An :class:`IqfinexClient` closed with ``stack``."""
    client = IqfinexClient(base_url, settings, metrics, drift)
    stack.push_async_callback(client.aclose)
    return client
