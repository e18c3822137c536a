"""The Finex websocket side of the gateway: calls, drift checks, normalization, the event relay.

Everything positional is read through ``generated/finex_layouts.py`` (``LAYOUTS``, ``ENUMS``) and the
AsyncAPI document (``spec/finex.asyncapi.yaml``): which frame schema a method's reply or an event
has, which row layout a result or an event payload holds, slot order of the argument tuples. No
slot is addressed by a hand-written index.

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

from typing import Any, Final

from gateway.drift import load_specs
from gateway.normalize import Converter, Normalizer
from generated.finex_layouts import ENUMS, LAYOUTS
from generated.layout_types import Field, Layout

__all__ = [
    "METHODS",
    "NORMALIZER",
    "PRIVATE_SCOPE",
    "PRIVATE_STREAMS",
    "args_of",
    "codes",
    "result_layout",
]
NORMALIZER: Final = Normalizer(LAYOUTS, ENUMS)

EVENT_NAMES: Final[dict[str, str]] = {
    "on": "order.created",
    "ou": "order.updated",
    "oc": "order.cancelled",
    "or": "order.rejected",
    "tr": "trade",
    "bu": "balance",
    "sys": "heartbeat",
}
"""Upstream event name (the spec's ``x-event``) → the gateway's event name; the one hand-kept table,
checked against the spec at import."""

PRIVATE_SCOPE: Final = "private"
PRIVATE_STREAMS: Final = ("order", "trade", "balances")
"""What the event endpoints subscribe to, once per credential (the spec's ``subscribe`` description)."""


# ------------------------------------------------------------------------------------ the spec
def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        node = _resolve(document, node["$ref"])
    assert isinstance(node, dict)
    return node


def _payload_schema(document: dict[str, Any], message_ref: str) -> str:
    """``#/channels/…/messages/x`` → the name of the message payload's component schema."""
    message = _resolve(document, message_ref)
    return str(message["payload"]["$ref"]).rsplit("/", 1)[-1]


def _const(layout: str, name: str) -> Any:
    return _field(LAYOUTS[layout], name).const


def _field(layout: Layout, name: str) -> Field:
    return layout.fields[layout.index(name)]


def _tables() -> tuple[dict[str, str], dict[str, str], str, dict[str, str]]:
    """(method → reply frame schema, x-event → event frame schema, the error reply schema, method →
    operation's request frame schema), all from the AsyncAPI operations."""
    document = load_specs()[1]
    replies: dict[str, str] = {}
    requests: dict[str, str] = {}
    events: dict[str, str] = {}
    error: str | None = None
    for operation in document["operations"].values():
        if "x-method" in operation:
            method = operation["x-method"]
            requests[method] = _payload_schema(document, operation["messages"][0]["$ref"])
            for message in operation["reply"]["messages"]:
                schema = _payload_schema(document, message["$ref"])
                if _const(schema, "method") == method:
                    replies[method] = schema
                else:
                    error = schema
        elif "x-event" in operation:
            schema = _payload_schema(document, operation["messages"][0]["$ref"])
            if _const(schema, "event") != operation["x-event"]:  # pragma: no cover - spec guard
                raise RuntimeError(f"event schema {schema} does not carry {operation['x-event']!r}")
            events[operation["x-event"]] = schema
    if error is None or set(events) != set(EVENT_NAMES):  # pragma: no cover - spec guard
        raise RuntimeError(f"spec events {sorted(events)} differ from EVENT_NAMES {sorted(EVENT_NAMES)}")
    return replies, events, error, requests


REPLY_SCHEMAS, EVENT_SCHEMAS, ERROR_SCHEMA, _REQUEST_SCHEMAS = _tables()
METHODS: Final = tuple(REPLY_SCHEMAS)


def codes(table: str) -> dict[str, str]:
    """Shared-vocabulary value → upstream code, inverted from an ``ENUMS`` table. Where several codes
    share a value (``CreateOrderType``: ``l`` and ``L``) the lower-case one, as in the docs' examples."""
    inverted: dict[str, str] = {}
    for code in sorted(ENUMS[table], key=lambda c: (c == c.lower(), c)):
        inverted[ENUMS[table][code]] = code
    return inverted


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


def _schema_ref(schema: dict[str, Any]) -> str | None:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for part in schema.get("allOf", ()):
        if "$ref" in part:
            return str(part["$ref"]).rsplit("/", 1)[-1]
    return None


def _payload_converter(event_schema: str) -> Converter:
    """The converter of an event frame's payload, from the spec: the ``payload`` slot's schema is a
    row layout (``OrderRow``, ``TradeRow``, ``HeartbeatPayload``) or an array of one (``BalanceList``).
    The generated layout cannot say it for order events (their slot is ``allOf`` a row and a size)."""
    schemas = load_specs()[1]["components"]["schemas"]
    slots = schemas[event_schema]["items"]
    slot = next(s for s in slots if s.get("title") == "payload")
    name = _schema_ref(slot)
    if name is None:  # pragma: no cover - spec guard
        raise RuntimeError(f"{event_schema}: payload has no schema reference")
    if name in LAYOUTS:
        return NORMALIZER.converter(name)
    row = _schema_ref(schemas[name].get("items", {}))
    if row is None or row not in LAYOUTS:  # pragma: no cover - spec guard
        raise RuntimeError(f"{event_schema}: payload {name} is neither a row nor a list of rows")
    return NORMALIZER.list_converter(row)


_RESULTS: Final = {method: _slot_converter(result_layout(method)) for method in METHODS}
_PAYLOADS: Final = {name: _payload_converter(schema) for name, schema in EVENT_SCHEMAS.items()}


def _single(layout: str) -> str:
    """The name of a one-slot layout's only field (``HeartbeatPayload`` → ``heartbeat``)."""
    (only,) = LAYOUTS[layout].fields
    return str(only.name)


_HEARTBEAT_PAYLOAD = _schema_ref(
    next(s for s in load_specs()[1]["components"]["schemas"][EVENT_SCHEMAS["sys"]]["items"]
         if s.get("title") == "payload")
)  # fmt: skip
assert _HEARTBEAT_PAYLOAD is not None
_HEARTBEAT_SLOT = _single(_HEARTBEAT_PAYLOAD)
_HEARTBEAT_REF = _field(LAYOUTS[_HEARTBEAT_PAYLOAD], _HEARTBEAT_SLOT).ref
assert _HEARTBEAT_REF is not None
_HEARTBEAT_TIME = _single(_HEARTBEAT_REF)
