"""Iqfinex REST client: the generated client (``generated/iqfinex_client``) over one pooled connection.

Every call goes through a generated ``asyncio_detailed`` function; the gateway then reads the raw
``response.content`` itself (:data:`gateway.normalize.decode_json`, exact decimals) because the generated
models turn ``number`` into ``float``. One ``httpx.AsyncClient`` on ``httpx_aiohttp.AiohttpTransport``
(opened and closed in the app's lifespan) carries every call; the per-request API key is set on the
outgoing request by an event hook from a context variable, exactly the header the generated
``AuthenticatedClient`` would build with ``prefix=""`` (the upstream takes the raw key), so callers with
different keys share one connection pool.

Failures are mapped into the gateway's error tree in one place, :func:`map_failure`::

    upstream outcome                                  gateway error (status)
    ───────────────────────────────────────────────── ──────────────────────────────
    400 / 401 / 402 / 403 + {"message": ...}          UpstreamRejected (400/401/403/401)
    500, any other unexpected status                  BadUpstreamResponse (502)
    503                                               UpstreamUnavailable (503)
    504                                               UpstreamTimeout (504)
    no answer within the per-call timeout             UpstreamTimeout (504)
    connect refused / reset / dropped connection      UpstreamUnavailable (503)
    protocol error, undecodable or non-JSON body      BadUpstreamResponse (502)

Idempotent calls (GET in the upstream contract) are retried ``settings.rest_retries`` times with
jittered exponential backoff on 500/503/504, timeouts, transport errors and malformed bodies; POSTs
(order placement, cancel) are sent exactly once whatever happens.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
import msgspec
import orjson
from httpx_aiohttp import AiohttpTransport

from gateway.drift import DriftMonitor, load_specs
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
from generated.iqfinex_client.client import AuthenticatedClient, Client
from generated.iqfinex_layouts import ENUMS, LAYOUTS

__all__ = ["OPERATIONS", "IqfinexClient", "Operation", "map_failure", "open_iqfinex"]

log = logging.getLogger("gateway.upstream.iqfinex")

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
    call: Callable[..., Awaitable[Any]]  # the generated ``asyncio_detailed``

    @property
    def idempotent(self) -> bool:
        return self.method == "GET"


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _operations() -> dict[str, Operation]:
    """Every operation of the contract, bound to its generated ``api/<tag>/<operation>.py`` module."""
    openapi, _ = load_specs()
    found: dict[str, Operation] = {}
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            module = importlib.import_module(
                f"generated.iqfinex_client.api.{op['tags'][0]}.{_snake(op['operationId'])}"
            )
            found[op["operationId"]] = Operation(
                op["operationId"], method.upper(), path, bool(op.get("security")), module.asyncio_detailed
            )
    return found


OPERATIONS: dict[str, Operation] = _operations()


# ------------------------------------------------------------------------------------ failures
def _status_failure(status: int, body: bytes) -> UpstreamError:
    message = _error_message(body)
    if status in (400, 401, 402, 403):
        return UpstreamRejected(status, message or f"upstream answered {status}")
    if status == 503:
        return UpstreamUnavailable("the upstream is unavailable (503)")
    if status == 504:
        return UpstreamTimeout("the upstream timed out (504)")
    return BadUpstreamResponse(f"the upstream failed ({status})")


def _error_message(body: bytes) -> str | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    message = parsed.get("message") if isinstance(parsed, dict) else None
    return message[:500] if isinstance(message, str) else None


def map_failure(exc: BaseException) -> UpstreamError:
    """The gateway error for a transport failure (httpx, aiohttp underneath, or our own deadline).

    ``httpx_aiohttp`` maps every ``aiohttp.ClientConnectionError`` (refused, reset) to
    ``httpx.ConnectTimeout``, so the aiohttp cause decides where it keeps one.
    """
    if isinstance(exc, UpstreamError):
        return exc
    cause = exc.__cause__
    if isinstance(exc, TimeoutError | asyncio.TimeoutError) or isinstance(cause, aiohttp.ServerTimeoutError):
        return UpstreamTimeout("no answer from the upstream in time")
    if isinstance(cause, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        return BadUpstreamResponse(f"unreadable upstream response ({type(cause).__name__})")
    if isinstance(cause, aiohttp.ClientConnectionError | OSError):
        return UpstreamUnavailable(f"cannot reach the upstream ({type(cause).__name__})")
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout("no answer from the upstream in time")
    if isinstance(exc, httpx.NetworkError | httpx.UnsupportedProtocol | httpx.ProxyError):
        return UpstreamUnavailable(f"cannot reach the upstream ({type(exc).__name__})")
    return BadUpstreamResponse(f"unreadable upstream response ({type(exc).__name__})")


_RETRYABLE = (UpstreamUnavailable, UpstreamTimeout, BadUpstreamResponse)


# ------------------------------------------------------------------------------------ the client
@dataclass
class _Call:
    """What one upstream call needs from the shared client's hooks (and what they saw)."""

    api_key: str | None
    response: httpx.Response | None = None


_CURRENT: ContextVar[_Call | None] = ContextVar("iqfinex_call", default=None)


async def _on_request(request: httpx.Request) -> None:
    call = _CURRENT.get()
    if call is not None and call.api_key is not None:
        request.headers["Authorization"] = call.api_key


async def _on_response(response: httpx.Response) -> None:
    call = _CURRENT.get()
    if call is not None:
        call.response = response


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
        self._settings = settings
        self._metrics = metrics
        self._drift = drift
        limits = httpx.Limits(
            max_connections=settings.rest_pool_size, max_keepalive_connections=settings.rest_pool_size
        )
        self.http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport or AiohttpTransport(limits=limits),
            timeout=httpx.Timeout(settings.rest_timeout),
            event_hooks={"request": [_on_request], "response": [_on_response]},
        )
        # The generated clients, both over the one pool; the key travels per call (see _on_request).
        self._public = Client(base_url=base_url).set_async_httpx_client(self.http)
        self._private = AuthenticatedClient(base_url=base_url, token="", prefix="").set_async_httpx_client(
            self.http
        )
        self._assets = _Assets()
        self._normalizer = Normalizer(LAYOUTS, ENUMS)

    async def aclose(self) -> None:
        await self.http.aclose()

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
                if attempt + 1 >= attempts:
                    raise
                delay = random.uniform(0, self._settings.rest_retry_backoff * 2**attempt)
                log.info("retrying %s after %s (%.3fs)", operation, exc.slug, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self, op: Operation, args: tuple[Any, ...], kwargs: dict[str, Any], api_key: str | None
    ) -> Any:
        client = self._private if op.private else self._public
        call = _Call(api_key if op.private else None)
        token = _CURRENT.set(call)
        started = time.perf_counter()
        try:
            with self._count(op.id, started):
                try:
                    async with asyncio.timeout(self._settings.rest_timeout):
                        detailed = await op.call(*args, client=client, **kwargs)
                    status, content = int(detailed.status_code), bytes(detailed.content)
                except (httpx.HTTPError, TimeoutError) as exc:
                    failure = map_failure(exc)
                    kind = "timeout" if isinstance(failure, UpstreamTimeout) else "transport"
                    raise self._failed(op, kind, failure) from exc
                except Exception:
                    # The generated parser (json.loads + from_dict) choked on the body; judge it ourselves.
                    if call.response is None:
                        raise
                    status, content = call.response.status_code, call.response.content
                return self._data(op, status, content)
        finally:
            _CURRENT.reset(token)

    @contextmanager
    def _count(self, operation: str, started: float) -> Iterator[None]:
        outcome = "ok"
        try:
            yield
        except UpstreamRejected:
            outcome = "rejected"
            raise
        except UpstreamError:
            outcome = "error"
            raise
        finally:
            self._metrics.upstream_calls.labels(UPSTREAM, operation, outcome).inc()
            self._metrics.upstream_latency.labels(UPSTREAM, operation).observe(time.perf_counter() - started)

    def _failed(self, op: Operation, kind: str, failure: UpstreamError) -> UpstreamError:
        """Count a failure (``kind``: status code, timeout, transport, malformed) and return it."""
        self._metrics.upstream_errors.labels(UPSTREAM, op.id, kind).inc()
        return failure

    def _data(self, op: Operation, status: int, content: bytes) -> Any:
        try:
            as_sent = orjson.loads(content)
        except orjson.JSONDecodeError:
            if status != 200:
                raise self._failed(op, str(status), _status_failure(status, content)) from None
            failure = BadUpstreamResponse("the upstream answered with a malformed JSON body")
            raise self._failed(op, "malformed", failure) from None
        self._drift.check_rest(op.id, op.method, op.path, status, as_sent)
        if status != 200:
            raise self._failed(op, str(status), _status_failure(status, content))
        try:
            envelope = decode_json(content)
        except msgspec.ValidationError as exc:  # e.g. a number too long to render exactly
            raise self._failed(
                op, "malformed", BadUpstreamResponse(f"unusable upstream value: {exc}")
            ) from None
        if not isinstance(envelope, dict) or "data" not in envelope:
            failure = BadUpstreamResponse("the upstream answered without a data envelope")
            raise self._failed(op, "malformed", failure)
        return envelope["data"]

    async def asset(self, market: str) -> dict[str, Any] | None:
        """The normalized trading pair (``Asset`` layout), cached ``ASSET_TTL`` s; None if unknown."""
        cache = self._assets
        if time.monotonic() - cache.loaded_at > ASSET_TTL:
            async with cache.lock:
                if time.monotonic() - cache.loaded_at > ASSET_TTL:
                    data = await self.call("listAssets")
                    try:
                        rows = self._normalizer("AssetList", data)["rows"]
                    except NormalizationError as exc:
                        raise BadUpstreamResponse(f"unnormalizable upstream response: {exc}") from None
                    cache.rows = {str(row["market"]).upper(): row for row in rows}
                    cache.loaded_at = time.monotonic()
        return cache.rows.get(market.upper())


async def open_iqfinex(
    base_url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor, stack: AsyncExitStack
) -> IqfinexClient:
    """An :class:`IqfinexClient` closed with ``stack``."""
    client = IqfinexClient(base_url, settings, metrics, drift)
    stack.push_async_callback(client.aclose)
    return client
