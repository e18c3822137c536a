"""The Finex websocket side of the gateway: calls, drift checks, normalization, the event relay.

Everything positional is read through ``generated/finex_layouts.py`` (``LAYOUTS``, ``ENUMS``) and
``generated/finex_protocol.py`` (codegen's reading of ``spec/finex.asyncapi.yaml``): which frame schema
a method's reply or an event has, which row layout a result or an event payload holds, slot order of
the argument tuples, the gateway's event names. No slot is addressed by a hand-written index.

A list reply, e.g. ``list_orders`` (the spec's docs example)::

    [2, 2, "list_orders", [["btcusd", 97, "6dcc2c8e-…", "sell", "w", "l", "9120", "0", "0.25", "0.25",
                            "0", 0, 1594386563, "0.25", "0.25"]]]
     kind id  method        market    id   uuid         side  state type price avg  volume orig.
                            exec. trades created  maker_fee taker_fee  (+ trigger_price, reject_reason
                                                                        in events)

becomes ``[{"market": "btcusd", "id": 97, "uuid": "6dcc2c8e-…", "side": "sell", "state": "open",
"type": "limit", "price": "9120", "avg_price": "0", …, "trigger_price": null, "reject_reason": null}]``
— the same ``state``/``type``/``side`` vocabulary and canonical decimals as a REST order.

Failures come from :mod:`gateway.finex.connection` already mapped into the gateway's error tree (error
reply → ``UpstreamRejected`` 400, refused JWT → 401, no reply in time → ``UpstreamTimeout`` 504, socket
dropped / cannot connect → ``UpstreamUnavailable`` 503, malformed frame → ``BadUpstreamResponse``
502); a result that cannot be normalized is a 502 here. Nothing is ever retried or resent (least of
all ``create_order`` / ``create_bulk``).

Events (``[4, "on", order_row]`` …, ``[3, "sys", [{"hb": t}]]``) become ``{"event": …, "data": …}``:

    upstream  gateway event      data
    on        order.created      order object
    ou        order.updated      order object
    oc        order.cancelled    order object
    or        order.rejected     order object with ``reject_reason``
    tr        trade              trade object
    bu        balance            list of ``{currency, available, locked}``
    sys       heartbeat          ``{"hb": unix_seconds, "source": "upstream"}`` (``"gateway"`` when the
                                 gateway generates one because the upstream was silent)
    —         overflow           ``{"dropped": n}``: this client's buffer dropped its n oldest events
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec
import orjson

from gateway._decimal import DecimalError
from gateway.drift import DriftMonitor
from gateway.finex.connection import PRIVATE_EVENT, PUBLIC_EVENT, REPLY, FinexPool
from gateway.finex.events import SupportsEvents
from gateway.finex.protocol import (
    _RESULTS,
    ERROR_SCHEMA,
    EVENT_SCHEMAS,
    PRIVATE_SCOPE,
    PRIVATE_STREAMS,
    REPLY_SCHEMAS,
)
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

__all__ = [
    "FinexClient",
    "open_finex",
]

log = logging.getLogger("gateway.finex")

UPSTREAM: Final = "finex"


# ------------------------------------------------------------------------------------ the client
@dataclass
class _Subscription:
    """Clients of one credential's private event subscription (subscribed upstream once)."""

    clients: int = 0
    connection: object | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class FinexClient:
    """The gateway's handle on the Finex upstream: a :class:`FinexPool` (one multiplexed connection
    per JWT) plus metrics, the frame drift check and shared event subscriptions."""

    def __init__(self, pool: FinexPool, settings: Settings, metrics: Metrics, drift: DriftMonitor) -> None:
        self.pool = pool
        self._settings = settings
        self._metrics = metrics
        self._drift = drift
        self._subscriptions: dict[str | None, _Subscription] = {}
        self._unknown: set[tuple[int, str]] = set()

    @classmethod
    def create(cls, url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor) -> FinexClient:
        holder: list[FinexClient] = []
        pool = FinexPool.from_settings(settings, url, on_frame=lambda *a: holder[0].on_frame(*a))
        client = cls(pool, settings, metrics, drift)
        holder.append(client)
        return client

    async def aclose(self) -> None:
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
            try:
                frame = orjson.loads(data)
            except orjson.JSONDecodeError:
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

    async def raw(self, jwt: str | None, method: str, args: Sequence[Any]) -> msgspec.Raw:
        """``[1, id, method, args]`` → the reply's exact ``result`` bytes; counted, never retried."""
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await self.pool.get(jwt).call(method, args)
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
            self._metrics.upstream_calls.labels(UPSTREAM, method, outcome).inc()
            self._metrics.upstream_latency.labels(UPSTREAM, method).observe(time.perf_counter() - started)

    async def call(self, jwt: str | None, method: str, args: Sequence[Any]) -> Any:
        """The normalized result of ``method`` (rows → objects named by the spec's slot titles)."""
        raw = await self.raw(jwt, method, args)
        try:
            return _RESULTS[method](decode_json(bytes(raw)))
        except (NormalizationError, DecimalError, TypeError, AttributeError, KeyError) as exc:
            self._metrics.upstream_errors.labels(UPSTREAM, method, "malformed").inc()
            raise BadUpstreamResponse(f"the upstream {method} result cannot be normalized: {exc}") from None
        except msgspec.DecodeError:
            self._metrics.upstream_errors.labels(UPSTREAM, method, "malformed").inc()
            raise BadUpstreamResponse(f"the upstream {method} result is not JSON") from None

    # -- events ------------------------------------------------------------------------------------
    @asynccontextmanager
    async def events(self, jwt: str | None) -> AsyncIterator[SupportsEvents]:
        """One client's bounded event stream (``settings.event_buffer``, drop-oldest) on the credential's
        connection, subscribed upstream to the private streams once for all of that credential's
        clients. Raises the upstream's error when the subscription fails."""
        connection = self.pool.get(jwt)
        stream = connection.events(self._settings.event_buffer)
        entry = self._subscriptions.setdefault(jwt, _Subscription())
        entry.clients += 1
        try:
            async with entry.lock:
                if entry.connection is not connection or connection.closed:
                    await connection.subscribe(PRIVATE_SCOPE, PRIVATE_STREAMS)
                    entry.connection = connection
            yield stream
        finally:
            stream.close()
            entry.clients -= 1
            if entry.clients == 0:
                # Last client gone: stop re-subscribing so the connection can idle out.
                if self._subscriptions.get(jwt) is entry:
                    del self._subscriptions[jwt]
                connection.forget_subscriptions()


async def open_finex(
    url: str, settings: Settings, metrics: Metrics, drift: DriftMonitor, stack: AsyncExitStack
) -> FinexClient:
    """A :class:`FinexClient` closed with ``stack``."""
    client = FinexClient.create(url, settings, metrics, drift)
    stack.push_async_callback(client.aclose)
    return client
