"""Outcome tracking of the REST state-changing calls (place, cancel): what a failure says about
whether the upstream executed the call, and how a retry finds out.

A failure of ``createOrder`` / ``cancelOrder`` is classified from the exception chain of
:func:`gateway.iqfinex.client.map_failure`::

    failure                                               outcome          the upstream is done with it
    ───────────────────────────────────────────────────── ──────────────── ────────────────────────────
    4xx answer                                            rejected (as is)  yes
    never connected (connection refused, DNS)             not sent (as is)  —
    5xx answer, unreadable/truncated/non-JSON body        outcome unknown   yes (it answered)
    no answer in time, connection lost after sending      outcome unknown   no (may still be running)

**Reconciliation** (a retry with the same ``Idempotency-Key`` of an unknown outcome): open orders and
the latest closed orders are listed and matched on market, side, type, price, stop price and original
volume, created no earlier than the first attempt (less ``RECONCILE_SKEW`` seconds), and not already
bound to another key. One match: that is the order. None, and the upstream is done with the first
request: it was not executed, so it is sent (once). Otherwise: still unknown, with the candidates.

Matching is best-effort. It is wrong when an identical order (same market, side, price and volume)
was placed by other means (another client, the upstream's web UI, a request without a key) after the
first attempt: that order is taken as this one. It misses an order that left the latest closed page
(more than ``CLOSED_PAGE`` orders closed since), and it trusts the upstream's listing to show an order
as soon as its request was answered, and the clocks of gateway and upstream to agree within the skew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import aiohttp
import httpx
import orjson

from gateway.idempotency import Absent, Claims, Found, LateSink, Reconciled, Sent, Stored, Unresolved
from gateway.iqfinex import shaping
from gateway.iqfinex.client import IqfinexClient
from gateway.problems import OutcomeUnknown, UpstreamError, UpstreamRejected, UpstreamTimeout

__all__ = ["CLOSED_PAGE", "CancelOrder", "CreateOrder", "outcome_of"]

CLOSED_PAGE: Final = 100
_ANSWERED = (aiohttp.ClientPayloadError, aiohttp.ClientResponseError, httpx.RemoteProtocolError)
_NOT_SENT = (aiohttp.ClientConnectorError, httpx.ConnectError, httpx.UnsupportedProtocol)


def outcome_of(exc: UpstreamError) -> UpstreamError:
    """The error to answer for a failed state-changing call: as is when the outcome is known
    (rejected, or never sent), else an :class:`OutcomeUnknown` keeping 502/504."""
    if isinstance(exc, UpstreamRejected | OutcomeUnknown):
        return exc
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return exc
    status = 504 if isinstance(exc, UpstreamTimeout) else 502
    settled = cause is None or isinstance(cause, _ANSWERED)
    return OutcomeUnknown(status, exc.detail, settled=settled)


def _json(body: Any) -> Stored:
    return Stored(200, orjson.dumps(body))


@dataclass
class CreateOrder:
    """``createOrder`` once, with reconciliation against the account's listings. (``operation`` is
    named by the route, so the harness's route map, ``contract.routes``, sees it.)"""

    operation: str  # "createOrder"
    client: IqfinexClient
    api_key: str
    body: Any  # the generated CreateOrderRequest
    skew: float
    upstream: str = "iqfinex"
    check: str = "GET /v1/orders/open and GET /v1/orders/closed?sort=DESC"

    async def send(self, late: LateSink | None) -> Sent:
        try:
            data = await self.client.call(self.operation, api_key=self.api_key, body=self.body)
        except UpstreamError as exc:
            raise outcome_of(exc) from None
        order = shaping.normalize("createOrder", data)
        return Sent(_json(order), str(order["id"]))

    async def reconcile(self, context: dict[str, Any], started_at: float, claims: Claims) -> Reconciled:
        listed = await self.client.call("listOpenOrders", api_key=self.api_key)
        closed = await self.client.call(
            "listClosedOrders", api_key=self.api_key, limit=CLOSED_PAGE, offset=0, sort="DESC"
        )
        rows = [
            *shaping.normalize("listOpenOrders", listed)["rows"],
            *shaping.normalize("listClosedOrders", closed)["rows"],
        ]
        since = started_at - self.skew
        matches = [row for row in rows if _matches(row, context) and int(row["created_at"]) >= since]
        free = [row for row in matches if not await claims.taken(str(row["id"]))]
        if not free:
            return Absent()
        if len(free) == 1 and await claims.take(str(free[0]["id"])):
            return Found(_json(free[0]), str(free[0]["id"]))
        return Unresolved(free)


def _matches(row: dict[str, Any], context: dict[str, Any]) -> bool:
    return (
        str(row.get("market", "")).upper() == context["market"]
        and row.get("side") == context["side"]
        and row.get("type") == context["type"]
        and row.get("volume") == context["volume"]
        and (context["price"] is None or row.get("price") == context["price"])
        and (context["trigger_price"] is None or row.get("trigger_price") == context["trigger_price"])
    )


@dataclass
class CancelOrder:
    """``cancelOrder`` once; a retry of an unknown outcome looks the order up and cancels again only
    when it is still open (cancelling twice cannot place anything)."""

    operation: str  # "cancelOrder"
    client: IqfinexClient
    api_key: str
    order_id: int
    upstream: str = "iqfinex"
    check: str = "GET /v1/orders/{id}"

    async def send(self, late: LateSink | None) -> Sent:
        try:
            data = await self.client.call(self.operation, self.order_id, api_key=self.api_key)
        except UpstreamError as exc:
            raise outcome_of(exc) from None
        return Sent(_json(shaping.normalize("cancelOrder", data)))

    async def reconcile(self, context: dict[str, Any], started_at: float, claims: Claims) -> Reconciled:
        order = shaping.normalize(
            "getOrder", await self.client.call("getOrder", self.order_id, api_key=self.api_key)
        )
        if order.get("state") == "cancelled":
            return Found(_json(order))
        return Absent(safe=True)
