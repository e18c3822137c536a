"""Contract tests for the hand-written AsyncAPI document `spec/finex.asyncapi.yaml`.

The whole document is registered as one JSON-schema resource so that the `#/components/...`
references inside it resolve; payloads are validated with draft-07 (the AsyncAPI 3 schema dialect).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "finex.asyncapi.yaml"
DOC_URI = "urn:finex-asyncapi"
DOC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
REGISTRY: Registry = Registry().with_resource(DOC_URI, Resource.from_contents(DOC, DRAFT7))
SCHEMAS: dict[str, Any] = DOC["components"]["schemas"]
MESSAGES: dict[str, Any] = DOC["components"]["messages"]
OPERATIONS: dict[str, Any] = DOC["operations"]
CHANNEL = DOC["channels"]["openFinance"]

METHODS = [
    "subscribe",
    "list_orders",
    "list_orders_by_uuids",
    "list_order_trades",
    "create_order",
    "cancel_order",
    "cancel_all",
    "create_bulk",
    "get_deposits",
    "get_withdraws",
    "set_config_value",
    "get_config",
]
# event name -> (operation, message, frame schema)
EVENTS = {
    "on": ("receiveOrderCreated", "orderCreatedEvent", "OrderCreatedEvent"),
    "ou": ("receiveOrderUpdated", "orderUpdatedEvent", "OrderUpdatedEvent"),
    "oc": ("receiveOrderCancelled", "orderCancelledEvent", "OrderCancelledEvent"),
    "or": ("receiveOrderRejected", "orderRejectedEvent", "OrderRejectedEvent"),
    "tr": ("receiveTrade", "tradeEvent", "TradeEvent"),
    "bu": ("receiveBalanceUpdate", "balanceUpdateEvent", "BalanceUpdateEvent"),
    "sys": ("receiveHeartbeat", "heartbeatEvent", "HeartbeatEvent"),
}
# enums whose values are upstream codes: they must carry x-enum-normalized
CODE_ENUMS = ["Side", "OrderStateCode", "OrderTypeCode", "CreateOrderType", "ListOrdersState"]


def camel(method: str) -> str:
    head, *rest = method.split("_")
    return head + "".join(part.capitalize() for part in rest)


def pascal(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


def errors(instance: Any, pointer: str) -> list[str]:
    validator = Draft7Validator({"$ref": DOC_URI + pointer}, registry=REGISTRY)
    return [error.message for error in validator.iter_errors(instance)]


def validate(instance: Any, pointer: str) -> bool:
    """True when `instance` is valid against the schema at `pointer` (e.g. `#/components/schemas/X`)."""
    return not errors(instance, pointer)


def schema_ref(name: str) -> str:
    return f"#/components/schemas/{name}"


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def resolve_local(ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = DOC
    for part in ref[2:].split("/"):
        node = node[part]
    return node


# ---------------------------------------------------------------------------------------- structure


def test_document_header() -> None:
    assert DOC["asyncapi"] == "3.0.0"
    assert CHANNEL["address"] == "/api/v2/open_finance"
    assert DOC["servers"]["production"]["protocol"] == "wss"
    assert DOC["servers"]["production"]["pathname"] == "/api/v2/open_finance"
    assert DOC["servers"]["sandbox"]["host"] == "127.0.0.1:8100"
    assert DOC["servers"]["sandbox"]["protocol"] == "ws"
    scheme = DOC["components"]["securitySchemes"]["jwt"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for server in DOC["servers"].values():
        assert server["security"] == [{"$ref": "#/components/securitySchemes/jwt"}]


def test_every_local_ref_resolves() -> None:
    refs = [node["$ref"] for _, node in walk(DOC) if isinstance(node.get("$ref"), str)]
    assert refs
    for ref in refs:
        assert resolve_local(ref) is not None, ref


def message_examples() -> Iterator[Any]:
    for name, message in MESSAGES.items():
        assert message.get("examples"), f"message {name} has no example"
        for example in message["examples"]:
            yield pytest.param(message["payload"]["$ref"], example["payload"], id=f"{name}-{example['name']}")


@pytest.mark.parametrize(("pointer", "payload"), list(message_examples()))
def test_message_example_validates(pointer: str, payload: Any) -> None:
    assert errors(payload, pointer) == []


@pytest.mark.parametrize("method", METHODS)
def test_method_has_messages_and_operation(method: str) -> None:
    request, reply = MESSAGES[f"{camel(method)}Request"], MESSAGES[f"{camel(method)}Reply"]
    assert request["payload"]["$ref"] == schema_ref(f"{pascal(method)}Request")
    assert reply["payload"]["$ref"] == schema_ref(f"{pascal(method)}Reply")
    frame = SCHEMAS[f"{pascal(method)}Request"]["items"]
    assert frame[0]["const"] == 1
    assert frame[2]["const"] == method
    assert SCHEMAS[f"{pascal(method)}Reply"]["items"][2]["const"] == method

    operation = OPERATIONS[camel(method)]
    assert operation["x-method"] == method
    assert operation["action"] == "send"
    assert operation["channel"] == {"$ref": "#/channels/openFinance"}
    sent = [resolve_local(m["$ref"]) for m in operation["messages"]]
    assert sent == [{"$ref": f"#/components/messages/{camel(method)}Request"}]
    replies = [m["$ref"] for m in operation["reply"]["messages"]]
    assert replies == [
        f"#/channels/openFinance/messages/{camel(method)}Reply",
        "#/channels/openFinance/messages/errorReply",
    ]


def test_every_send_operation_lists_the_error_reply() -> None:
    for name, operation in OPERATIONS.items():
        if operation["action"] == "send":
            refs = [m["$ref"] for m in operation["reply"]["messages"]]
            assert "#/channels/openFinance/messages/errorReply" in refs, name


@pytest.mark.parametrize("event", list(EVENTS))
def test_event_has_receive_operation(event: str) -> None:
    operation_name, message_name, frame_name = EVENTS[event]
    operation = OPERATIONS[operation_name]
    assert operation["action"] == "receive"
    assert operation["x-event"] == event
    assert [m["$ref"] for m in operation["messages"]] == [f"#/channels/openFinance/messages/{message_name}"]
    assert MESSAGES[message_name]["payload"]["$ref"] == schema_ref(frame_name)
    assert SCHEMAS[frame_name]["items"][1]["const"] == event


def test_error_reply_is_marked_inferred() -> None:
    assert SCHEMAS["ErrorReply"]["x-inferred"] is True
    assert SCHEMAS["SubscribeResult"]["x-inferred"] is True
    assert validate([2, 7, "error", ["market not found"]], schema_ref("ErrorReply"))
    assert not validate([2, 7, "error", []], schema_ref("ErrorReply"))


# ---------------------------------------------------------------------------------------- conventions


def tuples_paths() -> Iterator[tuple[str, Any]]:
    for path, node in walk(SCHEMAS, "#/components/schemas"):
        if isinstance(node.get("items"), list):
            yield path, node


def tuples() -> Iterator[Any]:
    for path, node in tuples_paths():
        yield pytest.param(node, id=path.removeprefix("#/components/schemas/"))


@pytest.mark.parametrize("schema", list(tuples()))
def test_tuple_slots_are_titled_and_closed(schema: dict[str, Any]) -> None:
    titles = [slot.get("title") for slot in schema["items"]]
    assert all(isinstance(title, str) and title for title in titles), titles
    assert all(title == title.lower() and " " not in title for title in titles), titles
    assert len(set(titles)) == len(titles), titles
    assert schema["type"] == "array"
    assert schema["additionalItems"] is False
    assert 0 < schema["minItems"] <= len(schema["items"])
    for slot in schema["items"]:
        if "$ref" in slot:
            pytest.fail(f"slot {slot['title']} uses a $ref sibling; draft-07 ignores it, use allOf")


def test_tuples_are_named_components() -> None:
    """Every positional array is a top-level schema (stable layout names for codegen)."""
    paths = [path for path, _ in tuples_paths()]
    assert paths
    assert [path for path in paths if path.count("/") != 3] == []


def enums() -> Iterator[Any]:
    for path, node in walk(DOC):
        if isinstance(node.get("enum"), list):
            yield pytest.param(node, id=path)


@pytest.mark.parametrize("schema", list(enums()))
def test_enum_values_are_described_and_normalized(schema: dict[str, Any]) -> None:
    values = schema["enum"]
    assert set(schema["x-enum-descriptions"]) == set(values)
    if "x-enum-normalized" in schema:
        assert set(schema["x-enum-normalized"]) == set(values)


@pytest.mark.parametrize("name", CODE_ENUMS)
def test_code_enums_are_normalized(name: str) -> None:
    normalized = SCHEMAS[name]["x-enum-normalized"]
    assert set(normalized) == set(SCHEMAS[name]["enum"])


def test_normalized_vocabulary() -> None:
    states = SCHEMAS["OrderStateCode"]["x-enum-normalized"]
    assert states == {
        "p": "pending",
        "w": "open",
        "d": "filled",
        "r": "rejected",
        "c": "cancelled",
        "tw": "trigger_wait",
        "tc": "trigger_cancelled",
        "tr": "trigger_rejected",
    }
    assert SCHEMAS["OrderTypeCode"]["x-enum-normalized"]["slm"] == "stop_limit"
    assert SCHEMAS["CreateOrderType"]["x-enum-normalized"] == {
        "l": "limit",
        "L": "limit",
        "m": "market",
        "M": "market",
        "p": "post_only",
        "P": "post_only",
    }
    assert SCHEMAS["CreateOrderType"]["description"].startswith("Docs contradict themselves:")
    list_states = SCHEMAS["ListOrdersState"]["x-enum-normalized"]
    assert list_states["wait"] == "open"
    assert list_states["trigger_cancel"] == "trigger_cancelled"


def slot_titles(name: str) -> list[str]:
    return [slot["title"] for slot in SCHEMAS[name]["items"]]


def test_row_layouts() -> None:
    assert slot_titles("OrderRow") == [
        "market",
        "id",
        "uuid",
        "side",
        "state",
        "type",
        "price",
        "avg_price",
        "volume",
        "original_volume",
        "executed_volume",
        "trades_count",
        "created_at",
        "maker_fee",
        "taker_fee",
        "trigger_price",
        "reject_reason",
    ]
    assert SCHEMAS["OrderRow"]["minItems"] == 15
    assert slot_titles("TradeRow") == [
        "market",
        "id",
        "price",
        "volume",
        "total",
        "order_id",
        "order_uuid",
        "order_side",
        "taker_side",
        "fee",
        "fee_unit",
        "created_at",
    ]
    assert slot_titles("TransferRow") == [
        "id",
        "user_id",
        "currency",
        "state",
        "amount",
        "txid",
        "block_number",
        "remote_id",
        "expires_at",
        "created_at",
    ]
    assert slot_titles("BalanceRow") == ["currency", "available", "locked"]
    assert slot_titles("CreateOrderArgs") == ["market", "type", "side", "amount", "price", "quote_amount"]
    assert SCHEMAS["CreateOrderArgs"]["minItems"] == 5


def is_decimal(slot: dict[str, Any]) -> bool:
    if slot.get("x-decimal") is True:
        return True
    all_of = slot.get("allOf") or []
    return bool(all_of) and "$ref" in all_of[0] and resolve_local(all_of[0]["$ref"]).get("x-decimal") is True


def test_decimal_and_timestamp_markers() -> None:
    assert SCHEMAS["DecimalString"]["x-decimal"] is True
    assert SCHEMAS["DecimalInput"]["x-decimal"] is True
    assert SCHEMAS["Timestamp"]["x-timestamp"] is True
    order = dict(zip(slot_titles("OrderRow"), SCHEMAS["OrderRow"]["items"], strict=True))
    decimals = {title for title, slot in order.items() if is_decimal(slot)}
    assert decimals == {
        "price",
        "avg_price",
        "volume",
        "original_volume",
        "executed_volume",
        "maker_fee",
        "taker_fee",
        "trigger_price",
    }
    trade = dict(zip(slot_titles("TradeRow"), SCHEMAS["TradeRow"]["items"], strict=True))
    assert {title for title, slot in trade.items() if is_decimal(slot)} == {"price", "volume", "total", "fee"}


# ---------------------------------------------------------------------------------------- decimals


@pytest.mark.parametrize("value", ["0.250000", "9120", "0", "-1.5", "9120.00"])
def test_decimal_string_accepts_strings(value: str) -> None:
    assert validate(value, schema_ref("DecimalString"))
    assert validate(value, schema_ref("DecimalInput"))


@pytest.mark.parametrize("value", [9e-7, 0.25, 9120, "12abc", "", "01", "1.", ".5", "9e-7"])
def test_decimal_string_rejects_non_strings_and_garbage(value: Any) -> None:
    assert not validate(value, schema_ref("DecimalString"))


@pytest.mark.parametrize("value", [9e-7, 0.25, 9120, "9e-7", "6e-08", "0.250000"])
def test_decimal_input_accepts_numbers_and_exponents(value: Any) -> None:
    assert validate(value, schema_ref("DecimalInput"))


@pytest.mark.parametrize("value", ["12abc", "", True, None, ["1"]])
def test_decimal_input_rejects_garbage(value: Any) -> None:
    assert not validate(value, schema_ref("DecimalInput"))


def test_decimal_strings_survive_yaml_loading() -> None:
    example = MESSAGES["createOrderRequest"]["examples"][0]["payload"]
    assert example[3][3:5] == ["0.250000", "9120.00"]


@pytest.mark.parametrize(
    ("value", "ok"), [(1594392250, True), ("1594392250", True), (-1, False), ("15x", False)]
)
def test_timestamp(value: Any, ok: bool) -> None:
    assert validate(value, schema_ref("Timestamp")) is ok


def test_v1_uuids_are_accepted() -> None:
    assert validate("6dcc2c8e-c295-11ea-b7ad-1831bf9834b0", schema_ref("Uuid"))
    assert not validate("6dcc2c8e-c295-11ea-b7ad", schema_ref("Uuid"))


# ---------------------------------------------------------------------------------------- rejections

UUID_A = "6dcc2c8e-c295-11ea-b7ad-1831bf9834b0"
UUID_B = "4fec493d-c2a2-11ea-b670-1831bf9834b0"
ORDER_KEYS = ["btcusd", 97, UUID_A, "sell", "w", "l"]  # market, id, uuid, side, state, type
ORDER15 = [*ORDER_KEYS, "9120", "0", "0.25", "0.25", "0", 0, 1594386563, "0.25", "0.25"]
ORDER16 = [*ORDER15, "0"]
ORDER17 = [*ORDER16, "insufficient balance"]
TRADE = ["btcusd", 33, "9120", "0.25", "2280", 100, UUID_A, "buy", "buy", "0.0005", "btc", 1594392250]
TRANSFER = [9, "u-1", "eth", "confirmed", "1000", "0xab", 2, "0x12", 1594392250, 1594392250]


def replace(row: list[Any], index: int, value: Any) -> list[Any]:
    copy = list(row)
    copy[index] = value
    return copy


def valid_frames() -> dict[str, Any]:
    return {
        "SubscribeRequest": [1, 2, "subscribe", ["private", ["order", "trade", "balances"]]],
        "SubscribeReply": [2, 2, "subscribe", ["private", ["order"]]],
        "ListOrdersRequest": [1, 2, "list_orders", ["btcusd", 0, 0, "wait"]],
        "ListOrdersReply": [2, 2, "list_orders", [ORDER15]],
        "ListOrdersByUuidsRequest": [1, 3, "list_orders_by_uuids", [UUID_A, UUID_B]],
        "ListOrdersByUuidsReply": [2, 3, "list_orders_by_uuids", [ORDER15]],
        "ListOrderTradesRequest": [1, 42, "list_order_trades", [UUID_A]],
        "ListOrderTradesReply": [2, 42, "list_order_trades", [TRADE]],
        "CreateOrderRequest": [1, 42, "create_order", ["btcusd", "l", "buy", "0.25", "9120"]],
        "CreateOrderReply": [2, 42, "create_order", [UUID_B]],
        "CancelOrderRequest": [1, 42, "cancel_order", [["btcusd", UUID_A]]],
        "CancelOrderReply": [2, 42, "cancel_order", []],
        "CancelAllRequest": [1, 42, "cancel_all", []],
        "CancelAllReply": [2, 42, "cancel_all", []],
        "CreateBulkRequest": [1, 42, "create_bulk", [["btcusd", "l", "buy", "0.25", "9120"]]],
        "CreateBulkReply": [2, 42, "create_bulk", [UUID_A, "error"]],
        "GetDepositsRequest": [1, 2, "get_deposits", ["confirmed", 1, 25]],
        "GetDepositsReply": [2, 2, "get_deposits", [TRANSFER]],
        "GetWithdrawsRequest": [1, 2, "get_withdraws", ["confirmed", 1, 25]],
        "GetWithdrawsReply": [2, 2, "get_withdraws", [TRANSFER]],
        "SetConfigValueRequest": [1, 2, "set_config_value", ["finex", "auth", True, "public"]],
        "SetConfigValueReply": [2, 2, "set_config_value", []],
        "GetConfigRequest": [1, 2, "get_config", []],
        "GetConfigReply": [2, 2, "get_config", [{"finex": {"secret": {"k": "******"}}}]],
        "ErrorReply": [2, 2, "error", ["bad request"]],
        "OrderCreatedEvent": [4, "on", ORDER16],
        "OrderUpdatedEvent": [4, "ou", ORDER16],
        "OrderCancelledEvent": [4, "oc", ORDER16],
        "OrderRejectedEvent": [4, "or", ORDER17],
        "TradeEvent": [4, "tr", TRADE],
        "BalanceUpdateEvent": [4, "bu", [["btc", "1.25", "0.25"]]],
        "HeartbeatEvent": [3, "sys", [{"hb": 1594392320}]],
    }


@pytest.mark.parametrize(("name", "frame"), list(valid_frames().items()))
def test_valid_frames(name: str, frame: Any) -> None:
    assert errors(frame, schema_ref(name)) == []


BAD_FRAMES = [
    # subscribe
    ("SubscribeRequest", [1, 2, "subscribe", ["secret", ["order"]]], "unknown scope"),
    ("SubscribeRequest", [1, 2, "subscribe", ["private"]], "missing streams"),
    ("SubscribeRequest", [5, 2, "subscribe", ["private", ["order"]]], "frame type 5"),
    ("SubscribeReply", [2, 2, "subscribe", ["private", "order"]], "streams not a list"),
    # list_orders
    ("ListOrdersRequest", [1, 2, "list_orders", ["btcusd", 0, 0, "open"]], "normalized state sent upstream"),
    ("ListOrdersRequest", [1, 2, "list_orders", ["btcusd", 0, 0]], "missing state slot"),
    ("ListOrdersRequest", [1, 2, "list_orders", ["btcusd", 0, 0, "", "x"]], "extra slot"),
    ("ListOrdersRequest", [1, 2, "list_orders", ["btcusd", -1, 0, ""]], "negative page"),
    ("ListOrdersRequest", [1, -2, "list_orders", ["", 0, 0, ""]], "negative request id"),
    ("ListOrdersReply", [2, 2, "list_orders", [replace(ORDER15, 4, "open")]], "wrong state code"),
    ("ListOrdersReply", [2, 2, "list_orders", [replace(ORDER15, 5, "limit")]], "wrong type code"),
    ("ListOrdersReply", [2, 2, "list_orders", [replace(ORDER15, 6, "12abc")]], "non-decimal price"),
    ("ListOrdersReply", [2, 2, "list_orders", [replace(ORDER15, 6, 9120)]], "decimal as number"),
    ("ListOrdersReply", [2, 2, "list_orders", [ORDER15[:14]]], "missing taker_fee"),
    ("ListOrdersReply", [2, 2, "list_orders", [[*ORDER17, "x"]]], "18 slots"),
    ("ListOrdersReply", [2, 2, "list_orders", ORDER15], "row not wrapped in a list"),
    ("ListOrdersReply", [1, 2, "list_orders", [ORDER15]], "request frame type"),
    # list_orders_by_uuids
    ("ListOrdersByUuidsRequest", [1, 3, "list_orders_by_uuids", []], "no uuid"),
    ("ListOrdersByUuidsRequest", [1, 3, "list_orders_by_uuids", ["not-a-uuid"]], "bad uuid"),
    ("ListOrdersByUuidsReply", [2, 3, "list_orders_by_uuids", [replace(ORDER15, 3, "bid")]], "bad side"),
    ("ListOrdersByUuidsReply", [2, 3, "list_orders", [ORDER15]], "wrong method"),
    # list_order_trades
    ("ListOrderTradesRequest", [1, 42, "list_order_trades", []], "missing order_uuid"),
    ("ListOrderTradesRequest", [1, 42, "list_order_trades", [UUID_A, UUID_B]], "extra slot"),
    ("ListOrderTradesReply", [2, 42, "list_order_trades", [TRADE[:11]]], "missing created_at"),
    ("ListOrderTradesReply", [2, 42, "list_order_trades", [replace(TRADE, 8, "b")]], "bad taker side"),
    ("ListOrderTradesReply", [2, 42, "list_order_trades", [replace(TRADE, 9, "12abc")]], "bad fee"),
    ("ListOrderTradesReply", [2, 42, "list_order_trades", [replace(TRADE, 11, "12:00")]], "bad timestamp"),
    # create_order
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "x", "buy", "1", "1"]], "unknown type"),
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "limit", "buy", "1", "1"]], "long type"),
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "l", "BUY", "1", "1"]], "upper side"),
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "l", "buy", "12abc", "1"]], "bad amount"),
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "l", "buy", "1"]], "missing price"),
    ("CreateOrderRequest", [1, 42, "create_order", ["btcusd", "m", "buy", "1", "0", "5", "6"]], "7 slots"),
    ("CreateOrderRequest", [1, 42, "create_order", ["", "l", "buy", "1", "1"]], "empty market"),
    ("CreateOrderReply", [2, 42, "create_order", []], "missing uuid"),
    ("CreateOrderReply", [2, 42, "create_order", ["error"]], "error is not a uuid"),
    # cancel_order
    ("CancelOrderRequest", [1, 42, "cancel_order", []], "nothing to cancel"),
    ("CancelOrderRequest", [1, 42, "cancel_order", [["btcusd"]]], "missing uuid"),
    ("CancelOrderRequest", [1, 42, "cancel_order", ["btcusd", UUID_A]], "target not a pair"),
    ("CancelOrderReply", [2, 42, "cancel_order", ["ok"]], "non-empty result"),
    # cancel_all
    ("CancelAllRequest", [1, 42, "cancel_all", ["btcusd"]], "unexpected argument"),
    ("CancelAllRequest", [1, 42, "cancel_all"], "missing args"),
    ("CancelAllReply", [2, 42, "cancel_all", [UUID_A]], "non-empty result"),
    # create_bulk
    ("CreateBulkRequest", [1, 42, "create_bulk", []], "no orders"),
    ("CreateBulkRequest", [1, 42, "create_bulk", [["btcusd", "l", "buy", "1"]]], "short order"),
    ("CreateBulkReply", [2, 42, "create_bulk", ["failed"]], "unknown outcome"),
    # get_deposits / get_withdraws
    ("GetDepositsRequest", [1, 2, "get_deposits", ["confirmed", 1]], "missing limit"),
    ("GetDepositsRequest", [1, 2, "get_deposits", ["confirmed", "1", 25]], "page as string"),
    ("GetDepositsReply", [2, 2, "get_deposits", [replace(TRANSFER, 4, 1000)]], "amount as number"),
    ("GetDepositsReply", [2, 2, "get_deposits", [TRANSFER[:9]]], "missing created_at"),
    ("GetWithdrawsRequest", [1, 2, "get_withdraws", ["confirmed", 1, 25, 0]], "extra slot"),
    ("GetWithdrawsReply", [2, 2, "get_withdraws", [replace(TRANSFER, 6, "2")]], "block number as string"),
    ("GetWithdrawsReply", [2, 2, "get_deposits", [TRANSFER]], "wrong method"),
    # set_config_value
    ("SetConfigValueRequest", [1, 2, "set_config_value", ["finex", "auth", True, "global"]], "bad scope"),
    ("SetConfigValueRequest", [1, 2, "set_config_value", ["finex", "auth", {"a": 1}, "public"]], "object"),
    ("SetConfigValueRequest", [1, 2, "set_config_value", ["finex", "auth", [1, 2], "public"]], "int list"),
    ("SetConfigValueRequest", [1, 2, "set_config_value", ["finex", "auth", True]], "missing scope"),
    ("SetConfigValueReply", [2, 2, "set_config_value", [True]], "non-empty result"),
    # get_config
    ("GetConfigRequest", [1, 2, "get_config", ["finex"]], "unexpected argument"),
    ("GetConfigReply", [2, 2, "get_config", [{"finex": {"global": {"k": "v"}}}]], "unknown scope key"),
    ("GetConfigReply", [2, 2, "get_config", [{"finex": {"public": {"k": {"x": 1}}}}]], "object value"),
    ("GetConfigReply", [2, 2, "get_config", [{"finex": {}}, {"finex": {}}]], "two config objects"),
    # error reply
    ("ErrorReply", [2, 2, "error", "bad request"], "description not wrapped"),
    ("ErrorReply", [2, 2, "failure", ["bad request"]], "method is not error"),
    # events
    ("OrderCreatedEvent", [4, "on", ORDER15], "15-slot order event"),
    ("OrderCreatedEvent", [4, "on", ORDER17], "17-slot order created event"),
    ("OrderCreatedEvent", [3, "on", ORDER16], "public frame type"),
    ("OrderCreatedEvent", [5, "on", ORDER16], "frame type 5"),
    ("OrderUpdatedEvent", [4, "ou", replace(ORDER16, 4, "x")], "wrong state code"),
    ("OrderUpdatedEvent", [4, "on", ORDER16], "wrong event name"),
    ("OrderCancelledEvent", [4, "oc", replace(ORDER16, 15, "12abc")], "bad trigger price"),
    ("OrderCancelledEvent", [4, "oc", ORDER16, "extra"], "extra frame slot"),
    ("OrderRejectedEvent", [4, "or", ORDER16], "missing reject reason"),
    ("OrderRejectedEvent", [4, "or", replace(ORDER17, 16, 42)], "reject reason not a string"),
    ("TradeEvent", [4, "tr", [*TRADE, "x"]], "extra trade slot"),
    ("TradeEvent", [4, "tr", replace(TRADE, 2, "12abc")], "bad price"),
    ("TradeEvent", [4, "tr"], "missing payload"),
    ("BalanceUpdateEvent", [4, "bu", [["btc", "1.25"]]], "missing locked"),
    ("BalanceUpdateEvent", [4, "bu", [["btc", "1.25", 0.25]]], "locked as number"),
    ("BalanceUpdateEvent", [4, "bu", ["btc", "1.25", "0.25"]], "row not wrapped"),
    ("HeartbeatEvent", [3, "sys", [{}]], "missing hb"),
    ("HeartbeatEvent", [4, "sys", [{"hb": 1}]], "private frame type"),
    ("HeartbeatEvent", [3, "sys", [{"hb": "soon"}]], "hb not a timestamp"),
]


@pytest.mark.parametrize(("name", "frame", "reason"), BAD_FRAMES, ids=[f"{n}-{r}" for n, _, r in BAD_FRAMES])
def test_wrong_frame_is_rejected(name: str, frame: Any, reason: str) -> None:
    assert not validate(frame, schema_ref(name)), reason


def test_every_method_and_event_has_a_rejection_case() -> None:
    covered = {name for name, _, _ in BAD_FRAMES}
    for method in METHODS:
        assert f"{pascal(method)}Request" in covered, method
        assert f"{pascal(method)}Reply" in covered, method
    for _, _, frame_name in EVENTS.values():
        assert frame_name in covered, frame_name
