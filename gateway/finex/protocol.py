"""What the Finex side reads positionally, and how: tables and converters from the generated layouts.

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

becomes ``[{"market": "BTCUSD", "id": 97, "uuid": "6dcc2c8e-…", "side": "sell", "state": "open",
"type": "limit", "price": "9120", "average_price": "0", …, "trigger_price": null, …}]`` — the same
vocabulary and canonical decimals as a REST order (names from the spec's ``x-name`` markers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from gateway.normalize import Converter, Normalizer, decode_json
from generated.finex_layouts import ENUMS, LAYOUTS
from generated.finex_protocol import CODES, ERROR_REPLY, EVENTS
from generated.finex_protocol import METHODS as _METHODS
from generated.finex_protocol import PRIVATE_SCOPE as _PRIVATE_SCOPE
from generated.finex_protocol import PRIVATE_STREAMS as _PRIVATE_STREAMS
from generated.layout_types import Field, Layout

__all__ = [
    "METHODS",
    "NORMALIZER",
    "PRIVATE_SCOPE",
    "PRIVATE_STREAMS",
    "args_of",
    "codes",
    "reply_example",
    "result_layout",
]
NORMALIZER: Final = Normalizer(LAYOUTS, ENUMS)

EVENT_NAMES: Final[dict[str, str]] = {code: event.name for code, event in EVENTS.items()}
"""Upstream event name (the spec's ``x-event``) → the gateway's event name (its ``x-gateway-event``)."""

PRIVATE_SCOPE: Final = _PRIVATE_SCOPE
PRIVATE_STREAMS: Final = _PRIVATE_STREAMS
"""What the event endpoints subscribe to, once per credential (the spec's ``PrivateStream`` enum)."""


def _field(layout: Layout, name: str) -> Field:
    return layout.fields[layout.index(name)]


REPLY_SCHEMAS: Final = {name: method.reply for name, method in _METHODS.items()}
EVENT_SCHEMAS: Final = {code: event.frame for code, event in EVENTS.items()}
ERROR_SCHEMA: Final = ERROR_REPLY
_REQUEST_SCHEMAS: Final = {name: method.request for name, method in _METHODS.items()}
METHODS: Final = tuple(REPLY_SCHEMAS)


def codes(table: str) -> dict[str, str]:
    """Shared-vocabulary value → upstream code, inverted from an ``ENUMS`` table. Where several codes
    share a value (``CreateOrderType``: ``l`` and ``L``) the lower-case one, as in the docs' examples."""
    return dict(CODES[table])


def args_of(method: str) -> Layout | None:
    """The layout of a method's argument tuple (``None`` where the args are not a tuple)."""
    args = _field(LAYOUTS[_REQUEST_SCHEMAS[method]], "args")
    if args.kind == "ref" and args.ref is not None and LAYOUTS[args.ref].is_tuple:
        return LAYOUTS[args.ref]
    return None


def _passthrough(value: Any) -> Any:
    return value


def _slot_converter(slot: Field) -> Converter:
    if slot.ref is None:
        return _passthrough
    if slot.kind == "list":
        return NORMALIZER.list_converter(slot.ref)
    if slot.kind == "map":
        inner = NORMALIZER.converter(slot.ref)
        return lambda values: {k: inner(v) for k, v in values.items()}
    return NORMALIZER.converter(slot.ref)


def result_layout(method: str) -> Field:
    """The ``result`` slot of a method's reply frame (its kind and row layout)."""
    return _field(LAYOUTS[REPLY_SCHEMAS[method]], "result")


def _payload_converter(code: str) -> Converter:
    """The converter of an event frame's payload: a row layout (``OrderRow``, ``TradeRow``,
    ``HeartbeatPayload``) or a list of rows (``BalanceList``), as codegen read it from the spec."""
    event = EVENTS[code]
    return (
        NORMALIZER.list_converter(event.payload)
        if event.payload_list
        else NORMALIZER.converter(event.payload)
    )


_RESULTS: Final = {method: _slot_converter(result_layout(method)) for method in METHODS}


def _result_body(method: str) -> Callable[[bytes], bytes] | None:
    slot = result_layout(method)
    if slot.kind == "list" and slot.ref is not None and LAYOUTS[slot.ref].is_tuple:
        return NORMALIZER.list_body(slot.ref)
    return None


_BODIES: Final = {method: body for method in METHODS if (body := _result_body(method)) is not None}
"""Methods whose result is a list of rows: the normalized JSON body built straight from the rows
(:meth:`gateway.normalize.Normalizer.list_body`), for the routes that return the result as it is."""


def reply_example(method: str) -> Any:
    """The normalized result of the spec's first documented reply to ``method`` (documentation)."""
    frame = decode_json(_METHODS[method].reply_examples[0].encode())
    return _RESULTS[method](LAYOUTS[REPLY_SCHEMAS[method]].read(frame)["result"])


_PAYLOADS: Final = {code: _payload_converter(code) for code in EVENTS}


def _single(layout: str) -> str:
    """The name of a one-slot layout's only field (``HeartbeatPayload`` → ``heartbeat``)."""
    (only,) = LAYOUTS[layout].fields
    return str(only.name)


_HEARTBEAT_PAYLOAD = next(event.payload for event in EVENTS.values() if event.name == "heartbeat")
_HEARTBEAT_SLOT = _single(_HEARTBEAT_PAYLOAD)
_HEARTBEAT_REF = _field(LAYOUTS[_HEARTBEAT_PAYLOAD], _HEARTBEAT_SLOT).ref
assert _HEARTBEAT_REF is not None
_HEARTBEAT_TIME = _single(_HEARTBEAT_REF)
