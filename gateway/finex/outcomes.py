"""Outcome tracking of the Finex state-changing methods (``create_order``, ``create_bulk``,
``cancel_order``, ``cancel_all``, ``set_config_value``).

A failed call is classified from the connection's errors (:mod:`gateway.finex.connection`)::

    failure                                           outcome          the upstream is done with it
    ───────────────────────────────────────────────── ──────────────── ────────────────────────────
    error reply, refused JWT                          rejected (as is)  yes
    cannot connect, send failed, too many in flight   not sent (as is)  —
    no reply in time                                  outcome unknown   no: the reply may still come
    socket closed with the call in flight (CallLost)  outcome unknown   yes (assumed, see below)
    malformed reply, unnormalizable result            outcome unknown   yes (it answered)

**Late replies.** A call that timed out leaves a callback on its socket: a reply that comes later
completes the idempotency record (a retry with the same key then gets the real uuid), and the socket
closing first marks the record as settled.

**Reconciliation** (a retry with the same ``Idempotency-Key`` of an unknown outcome): ``create_order``
and ``create_bulk`` list the market's orders (all states, newest ``LIST_LIMIT``) and match market,
side, type, price and original volume, created no earlier than the first attempt (less the skew) and
not bound to another key; ``cancel_order`` looks the orders up by uuid; ``cancel_all`` and
``set_config_value`` are sent again (doing them twice leaves the same state).

Matching is best-effort, and wrong in the same ways as on REST (:mod:`gateway.iqfinex.outcomes`): an
identical order placed by other means after the first attempt is taken for it, an order beyond the
newest ``LIST_LIMIT`` is missed, and a request the upstream still executes after its socket closed
(the gateway assumes it does not) can be placed twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import msgspec
import orjson

from gateway.finex.client import FinexClient
from gateway.finex.connection import CallLost, LateReply
from gateway.finex.requests import tuple_args
from gateway.idempotency import Absent, Claims, Found, LateSink, Reconciled, Sent, Stored, Unresolved
from gateway.problems import (
    BadUpstreamResponse,
    OutcomeUnknown,
    UpstreamError,
    UpstreamRejected,
    UpstreamTimeout,
)
from generated.finex_layouts import LAYOUTS

__all__ = ["LIST_LIMIT", "FinexAttempt", "json_outcome", "no_content", "outcome_of"]

log = logging.getLogger("gateway.finex")

LIST_LIMIT: Final = 100
_TASKS: set[asyncio.Task[None]] = set()


def outcome_of(exc: UpstreamError) -> UpstreamError:
    """The error to answer for a failed state-changing call (see the table above)."""
    if isinstance(exc, UpstreamRejected | OutcomeUnknown):
        return exc
    if isinstance(exc, CallLost | BadUpstreamResponse):
        return OutcomeUnknown(502, exc.detail, settled=True)
    if isinstance(exc, UpstreamTimeout):
        return OutcomeUnknown(504, exc.detail, settled=False)
    return exc  # not sent


Kind = Literal["create", "bulk", "cancel", "repeatable"]


@dataclass
class FinexAttempt:
    """One state-changing Finex call. ``shape`` turns the normalized result into the HTTP outcome;
    ``context``: what reconciliation needs (orders in the gateway vocabulary, or uuids)."""

    client: FinexClient
    jwt: str | None
    method: str
    args: list[Any]
    shape: Callable[[Any], Stored]
    kind: Kind
    skew: float = 5.0
    context: dict[str, Any] = field(default_factory=dict)
    upstream: str = "finex"
    check: str = "GET /v1/finex/orders"

    operation: str = ""

    def __post_init__(self) -> None:
        self.operation = self.method

    async def send(self, late: LateSink | None) -> Sent:
        on_late = self._on_late(late) if late is not None else None
        try:
            result = await self.client.call(self.jwt, self.method, self.args, on_late)
            outcome = self.shape(result)
        except UpstreamError as exc:
            raise outcome_of(exc) from None
        ref = str(result["uuid"]) if self.kind == "create" and isinstance(result, dict) else None
        return Sent(outcome, ref)

    def _on_late(self, late: LateSink) -> LateReply:
        def on_late(outcome: msgspec.Raw | BaseException) -> None:
            stored: Stored | None = None
            if not isinstance(outcome, BaseException):
                try:
                    stored = self.shape(self.client.result(self.method, outcome))
                except UpstreamError:
                    stored = None  # answered but unusable: settled, reconciliation decides
            task: asyncio.Task[None] = asyncio.ensure_future(_complete(late, stored, self.method))
            _TASKS.add(task)
            task.add_done_callback(_TASKS.discard)

        return on_late

    async def reconcile(self, context: dict[str, Any], started_at: float, claims: Claims) -> Reconciled:
        if self.kind == "repeatable":
            return Absent(safe=True)
        if self.kind == "cancel":
            rows = await self.client.call(self.jwt, "list_orders_by_uuids", context["uuids"])
            states = {row["uuid"]: row["state"] for row in rows}
            if all(states.get(uuid) == "cancelled" for uuid in context["uuids"]):
                return Found(self.shape(None))
            return Absent(safe=True)
        wanted: list[dict[str, Any]] = context["orders"]
        since = started_at - self.skew
        rows = []
        for market in sorted({order["market"] for order in wanted}):
            values = {"market": market, "page": 0, "limit": LIST_LIMIT, "state": ""}
            rows += await self.client.call(
                self.jwt, "list_orders", tuple_args(LAYOUTS["ListOrdersArgs"], values)
            )
        found: list[dict[str, Any]] = []
        candidates: list[dict[str, Any]] = []
        for order in wanted:
            matches = [
                row
                for row in rows
                if _matches(row, order) and int(row["created_at"]) >= since and row not in found
            ]
            free = [row for row in matches if not await claims.taken(str(row["uuid"]))]
            candidates += free
            if len(free) == 1:
                found.append(free[0])
        if not candidates:
            return Absent()
        if len(found) == len(wanted):
            for row in found:
                await claims.take(str(row["uuid"]))
            result = {"uuid": found[0]["uuid"]} if self.kind == "create" else [row["uuid"] for row in found]
            return Found(self.shape(result), str(found[0]["uuid"]) if self.kind == "create" else None)
        return Unresolved(candidates)


async def _complete(late: LateSink, stored: Stored | None, method: str) -> None:
    try:
        await late(stored)
    except Exception:  # e.g. the store is closed at shutdown: the record stays unknown, retries reconcile
        log.exception("a late %s reply could not complete its idempotency record", method)


def _matches(row: dict[str, Any], order: dict[str, Any]) -> bool:
    return (
        str(row.get("market", "")).upper() == order["market"]
        and row.get("side") == order["side"]
        and row.get("type") == order["type"]
        and row.get("volume") == order["volume"]
        and (order.get("price") in (None, "0") or row.get("price") == order["price"])
    )


def json_outcome(result: Any) -> Stored:
    return Stored(200, orjson.dumps(result))


def no_content(result: Any) -> Stored:
    return Stored(204, b"", "")
