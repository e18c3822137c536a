"""Normalization of the Finex private events, and the heartbeats the gateway makes itself.

Events (``[4, "on", order_row]`` …, ``[3, "sys", [{"hb": t}]]``) become ``{"event": …, "data": …}``,
names and payload layouts from ``generated/finex_protocol.py``:

    upstream  gateway event      data
    on        order.created      order object
    ou        order.updated      order object
    oc        order.cancelled    order object
    or        order.rejected     order object with ``reject_reason``
    tr        trade              trade object
    bu        balance            list of ``{currency, available, locked, total}`` (total derived)
    sys       heartbeat          ``{"hb": unix_seconds, "source": "upstream"}`` (``"gateway"`` when the
                                 gateway generates one because the upstream was silent)
    —         gap, snapshot      made by the event feed (:mod:`gateway.finex.feed`), not by the upstream
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
