"""The gateway's handle on the Finex upstream: calls, their drift check and normalized results.

:class:`FinexClient` holds a :class:`gateway.finex.connection.FinexPool` (one multiplexed socket per
JWT), the metrics, the frame drift check and the per-credential event feeds. A call's reply is read
through the layouts named in :mod:`gateway.finex.protocol`; the frame grammar and the normalized shapes
are drawn there, the event names in :mod:`gateway.finex.events`.

Failures come from :mod:`gateway.finex.connection` already mapped into the gateway's error tree (error
reply → ``UpstreamRejected`` 400, refused JWT → 401, no reply in time → ``UpstreamTimeout`` 504, socket
dropped / cannot connect → ``UpstreamUnavailable`` 503, malformed frame → ``BadUpstreamResponse``
502); a result that cannot be normalized is a 502 here. Nothing is ever retried or resent (least of
all ``create_order`` / ``create_bulk``); an unknown outcome is :mod:`gateway.finex.outcomes`' business.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Final

import msgspec

from gateway._decimal import DecimalError
from gateway._json import encode
from gateway.drift import NOT_JSON, DriftMonitor, for_validation
from gateway.finex.connection import (
    PRIVATE_EVENT,
    PUBLIC_EVENT,
    REPLY,
    FinexConnection,
    FinexPool,
    LateReply,
    credential_tag,
)
from gateway.finex.feed import EventFeed, FeedOptions
from gateway.finex.protocol import (
    _BODIES,
    _RESULTS,
    ERROR_SCHEMA,
    EVENT_SCHEMAS,
    PRIVATE_SCOPE,
    PRIVATE_STREAMS,
    REPLY_SCHEMAS,
)
from gateway.finex.requests import STATE_CODES, tuple_args
from gateway.finex.telemetry import FinexCollector
from gateway.metrics import Metrics
from gateway.normalize import NormalizationError, decode_json
from gateway.problems import (
    BadUpstreamResponse,
    UpstreamError,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.settings import Settings
from generated.finex_layouts import LAYOUTS

__all__ = [
    "BalanceSource",
    "FinexClient",
    "open_finex",
]

log = logging.getLogger("gateway.finex")

UPSTREAM: Final = "finex"


# ------------------------------------------------------------------------------------ the client
BalanceSource = Callable[[], Awaitable[Any]]
"""Fetches the balances of the account behind a credential (for snapshots), when the gateway knows one."""

MAX_FEEDS: Final = 256
"""Event feeds kept per gateway (idle ones are forgotten oldest first beyond this)."""


class FinexClient:
    """The gateway's handle on the Finex upstream: a :class:`FinexPool` (one multiplexed connection
    per JWT) plus metrics, the frame drift check and shared event subscriptions."""

    def __init__(self, pool: FinexPool, settings: Settings, metrics: Metrics, drift: DriftMonitor) -> None:
        self.pool = pool
        self._settings = settings
        self._metrics = metrics
        self._drift = drift
        self._feeds: dict[str | None, EventFeed] = {}
        self._unknown: set[tuple[int, str]] = set()
        self._feed_options = FeedOptions(
            replay=settings.event_replay,
            backoff_base=settings.event_reconnect_base,
            backoff_cap=settings.event_reconnect_max,
            min_interval=settings.event_reconnect_min_interval,
            stable_after=settings.event_stable_after,
            linger=settings.event_linger,
        )
        metrics.registry.register(FinexCollector(self))

    @classmethod
    def create(cls, url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor) -> FinexClient:
        holder: list[FinexClient] = []
        pool = FinexPool.from_settings(settings, url, on_frame=lambda *a: holder[0].on_frame(*a))
        client = cls(pool, settings, metrics, drift)
        holder.append(client)
        return client

    async def aclose(self) -> None:
        feeds, self._feeds = list(self._feeds.values()), {}
        await asyncio.gather(*(feed.close() for feed in feeds), return_exceptions=True)
        await self.pool.close()

    # -- drift -------------------------------------------------------------------------------------
    def on_frame(self, kind: int, name: str, data: bytes) -> None:
        """Validate one received frame against its AsyncAPI schema (``orjson``, validation only)."""
        if kind == REPLY:
            schema = ERROR_SCHEMA if name == "error" else REPLY_SCHEMAS.get(name)
        elif kind in (PUBLIC_EVENT, PRIVATE_EVENT):
            schema = EVENT_SCHEMAS.get(name)
        else:
            schema = None
        frame: Any = None
        if schema is not None:
            frame = for_validation(data)
            if frame is NOT_JSON:
                schema = None
        if schema is None:
            self._metrics.drift.labels(UPSTREAM, name or "?", "#/unknown-frame").inc()
            if (kind, name) not in self._unknown and len(self._unknown) < 1000:
                self._unknown.add((kind, name))
                log.warning("schema drift: finex frame of kind %d name %r matches no schema", kind, name)
            return
        self._drift.check_frame(name, schema, frame)

    # -- calls -------------------------------------------------------------------------------------
    async def ping(self) -> None:
        """Readiness: one round trip on the anonymous connection (any reply, even an error, will do)."""
        timeout = min(self._settings.ws_call_timeout, 5.0)
        try:
            await self.pool.get(None).call("subscribe", ("public", []), timeout=timeout)
        except UpstreamRejected:
            return

    async def raw(
        self, jwt: str | None, method: str, args: Sequence[Any], on_late: LateReply | None = None
    ) -> msgspec.Raw:
        """``[1, id, method, args]`` → the reply's exact ``result`` bytes; counted, never retried.
        ``on_late``: gets a reply that comes after the timeout (see :mod:`gateway.finex.connection`)."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await self.pool.get(jwt).call(method, args, on_late=on_late)
        except UpstreamRejected:
            outcome = "rejected"
            self._metrics.upstream_errors.labels(UPSTREAM, method, "rejected").inc()
            raise
        except UpstreamError as exc:
            outcome = "error"
            kind = {UpstreamTimeout: "timeout", UpstreamUnavailable: "transport"}.get(type(exc), "malformed")
            self._metrics.upstream_errors.labels(UPSTREAM, method, kind).inc()
            raise
        finally:
            self._metrics.upstream_call(UPSTREAM, method, outcome, time.perf_counter() - started)

    async def call(
        self, jwt: str | None, method: str, args: Sequence[Any], on_late: LateReply | None = None
    ) -> Any:
        """The normalized result of ``method`` (rows → objects named by the spec's slot titles)."""
        return self.result(method, await self.raw(jwt, method, args, on_late))

    async def call_body(
        self, jwt: str | None, method: str, args: Sequence[Any], on_late: LateReply | None = None
    ) -> bytes:
        """:meth:`call` as the JSON body a route returns (the bytes ``encode(call(...))`` would give)."""
        return self.body(method, await self.raw(jwt, method, args, on_late))

    def body(self, method: str, raw: msgspec.Raw) -> bytes:
        """The JSON body of a reply's normalized ``result``: for a list of rows built straight from the
        rows (:data:`gateway.finex.protocol._BODIES`, no intermediate dicts); anything unusual there,
        and every other result, goes through :meth:`result` (which names or nulls the field)."""
        build = _BODIES.get(method)
        if build is not None:
            try:
                return build(bytes(raw))
            except Exception:  # the checked path below raises or records what it was
                pass
        return encode(self.result(method, raw))

    def result(self, method: str, raw: msgspec.Raw) -> Any:
        """A reply's raw ``result`` of ``method``, normalized (502 problem when it cannot be)."""
        try:
            return _RESULTS[method](decode_json(bytes(raw)))
        except (NormalizationError, DecimalError, TypeError, AttributeError, KeyError) as exc:
            self._metrics.upstream_errors.labels(UPSTREAM, method, "malformed").inc()
            raise BadUpstreamResponse(f"the upstream {method} result cannot be normalized: {exc}") from None
        except (msgspec.DecodeError, RecursionError):
            self._metrics.upstream_errors.labels(UPSTREAM, method, "malformed").inc()
            raise BadUpstreamResponse(f"the upstream {method} result is not JSON") from None

    # -- events ----------------------------------------------------------------------------------
    @property
    def feeds(self) -> list[EventFeed]:
        return list(self._feeds.values())

    def _feed(self, jwt: str | None, balances: BalanceSource | None) -> EventFeed:
        feed = self._feeds.get(jwt)
        if feed is not None and not feed.closed:
            return feed
        if len(self._feeds) >= MAX_FEEDS:
            for key, other in list(self._feeds.items()):
                if other.clients == 0 and not other.running and len(self._feeds) >= MAX_FEEDS:
                    del self._feeds[key]

        async def snapshot() -> dict[str, Any]:
            return await self._snapshot(jwt, balances)

        async def subscribe(connection: FinexConnection) -> object:
            return await connection.call("subscribe", (PRIVATE_SCOPE, list(PRIVATE_STREAMS)))

        feed = EventFeed(
            credential_tag(jwt), lambda: self.pool.get(jwt), subscribe, snapshot, self._feed_options
        )
        self._feeds[jwt] = feed
        return feed

    async def _snapshot(self, jwt: str | None, balances: BalanceSource | None) -> dict[str, Any]:
        """The state a client reconciles from: every open order (``list_orders``, all markets, state
        open) and, when the gateway knows the account's Iqfinex API key, its balances (REST, best
        effort: ``None`` when that call fails; the Finex API has no balance method)."""
        values = {"market": "", "page": 0, "limit": 0, "state": STATE_CODES["open"]}
        orders = await self.call(jwt, "list_orders", tuple_args(LAYOUTS["ListOrdersArgs"], values))
        balance_rows = None
        if balances is not None:
            try:
                balance_rows = await balances()
            except UpstreamError as exc:  # best effort: the orders must not wait for the REST upstream
                log.warning("snapshot without balances (%s): %s", credential_tag(jwt), exc)
        return {
            "orders": orders,
            "balances": balance_rows,
            "taken_at": int(time.time()),
        }

    @asynccontextmanager
    async def events(
        self, jwt: str | None, balances: BalanceSource | None = None
    ) -> AsyncIterator[EventFeed]:
        """The credential's :class:`EventFeed`, joined for as long as the context lasts (one upstream
        subscription for all of the credential's clients, kept alive while any is connected). Raises
        ``UpstreamRejected`` when the upstream refuses the credentials."""
        feed = self._feed(jwt, balances)
        await feed.join()
        try:
            yield feed
        finally:
            feed.leave()


async def open_finex(
    url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor, stack: AsyncExitStack
) -> FinexClient:
    """A :class:`FinexClient` closed with ``stack``."""
    client = FinexClient.create(url, settings, metrics, drift)
    stack.push_async_callback(client.aclose)
    return client
