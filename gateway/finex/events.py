"""The Finex websocket side of the gateway: calls, drift checks, normalization of events.

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
    bu        balance            list of ``{currency, available, locked, total}`` (total derived)
    sys       heartbeat          ``{"hb": unix_seconds, "source": "upstream"}`` (``"gateway"`` when the
                                 gateway generates one because the upstream was silent)
    —         gap, snapshot      see :mod:`gateway.finex.feed` (sequence ids, replay, reconciliation)
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

import msgspec

from gateway._decimal import DecimalError
from gateway.finex.connection import FinexEvent
from gateway.finex.protocol import _HEARTBEAT_SLOT, _HEARTBEAT_TIME, _PAYLOADS, EVENT_NAMES
from gateway.normalize import NormalizationError, complete_balances, decode_json

__all__ = [
    "EVENT_NAMES",
    "event_message",
    "heartbeat_message",
]

log = logging.getLogger("gateway.finex")

HEARTBEAT: Final = "heartbeat"
BALANCE: Final = "balance"


# ------------------------------------------------------------------------------------ events
def heartbeat_message(now: float | None = None) -> dict[str, Any]:
    """A heartbeat the gateway generates when the upstream has been silent."""
    moment = int(time.time() if now is None else now)
    return {"event": HEARTBEAT, "data": {_HEARTBEAT_TIME: moment, "source": "gateway"}}


def event_message(event: FinexEvent) -> dict[str, Any] | None:
    """The normalized ``{"event", "data"}`` of an upstream event (``None``: not one the gateway relays).

    Raises :class:`NormalizationError` when the payload cannot be normalized.
    """
    name = EVENT_NAMES.get(event.name)
    if name is None:
        return None
    try:
        data = _PAYLOADS[event.name](decode_json(bytes(event.payload)))
    except (DecimalError, TypeError, AttributeError, KeyError, msgspec.DecodeError) as exc:
        raise NormalizationError(event.name, str(exc)) from None
    if name == HEARTBEAT:
        data = {**data[_HEARTBEAT_SLOT], "source": "upstream"}
    elif name == BALANCE:
        data = complete_balances(data)
    return {"event": name, "data": data}
