"""The hand-written OpenAPI contract (spec/iqfinex.openapi.yaml): structure, examples, recordings.

Schemas are checked with jsonschema's Draft 2020-12 validator over a `referencing.Registry` that holds
the whole spec, so `#/components/...` references resolve as they do for OpenAPI 3.1 tools.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests._recorded import load_recorded

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "iqfinex.openapi.yaml"
SPEC_URI = "urn:iqfinex-openapi"
METHODS = ("get", "post", "put", "patch", "delete")

PUBLIC_OPERATIONS = {
    "listCurrencies": ("get", "/v1/currencies", "currencies"),
    "getCurrency": ("get", "/v1/currency/{name}", "currencies"),
    "listAssets": ("get", "/v1/assets", "assets"),
    "getAsset": ("get", "/v1/asset/{name}", "assets"),
    "listTickers": ("get", "/v1/tickers", "tickers"),
    "getTicker": ("get", "/v1/ticker/{asset}", "tickers"),
    "getOrderBook": ("get", "/v1/orderbook/{asset}/{rounding}", "orderbook"),
    "listPublicTrades": ("get", "/v1/trades/{asset}", "trades"),
    "listCandles": ("get", "/v1/candles/{asset}/{frame}", "candles"),
}
AUTHORIZED_OPERATIONS = {
    "getAccountInfo": ("get", "/v1/account/info", "account"),
    "getBalance": ("get", "/v1/balance", "account"),
    "createOrder": ("post", "/v1/order", "orders"),
    "cancelOrder": ("post", "/v1/order/{id}/cancel", "orders"),
    "listOpenOrders": ("get", "/v1/orders/opened", "orders"),
    "listClosedOrders": ("get", "/v1/orders/closed", "orders"),
    "getOrder": ("get", "/v1/order/{id}", "orders"),
    "listOrderTrades": ("get", "/v1/order/{id}/trades", "orders"),
    "listAccountTrades": ("get", "/v1/trades", "trades"),
}
ALL_OPERATIONS = {**PUBLIC_OPERATIONS, **AUTHORIZED_OPERATIONS}

# The shared vocabulary of spec/CONVENTIONS.md that x-enum-normalized values map into.
NORMALIZED_VOCABULARY = {
    "buy",
    "sell",
    *("limit", "market", "stop_limit", "post_only", "fill_or_kill", "stop_loss", "take_profit"),
    "take_limit",
    *("pending", "open", "filled", "cancelled", "rejected", "trigger_wait", "trigger_cancelled"),
    "trigger_rejected",
}


# ---- helpers -----------------------------------------------------------------------------------


@cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def validator_at(*pointer: str) -> Draft202012Validator:
    """A validator for the schema at a JSON pointer (given as unescaped segments) of the spec."""
    ref = f"{SPEC_URI}#/" + "/".join(_escape(s) for s in pointer)
    return Draft202012Validator({"$ref": ref}, registry=registry())


def schema_validator(name: str) -> Draft202012Validator:
    """A validator for `#/components/schemas/<name>`."""
    return validator_at("components", "schemas", name)


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in spec()["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is not None and op.get("operationId") == operation_id:
                return path, method, op
    raise KeyError(operation_id)


def response_validator(
    operation_id: str, status: str = "200", media: str = "application/json"
) -> Draft202012Validator:
    """A validator for an operation's response body schema (following a `components/responses` ref)."""
    path, method, op = operation(operation_id)
    response = op["responses"][status]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        return validator_at("components", "responses", name, "content", media, "schema")
    return validator_at("paths", path, method, "responses", status, "content", media, "schema")


def errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def iter_examples() -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Every example in the spec: (id, pointer of the schema it belongs to, value)."""
    doc = spec()

    def media_examples(pointer: tuple[str, ...], media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        if "example" in media:
            yield "/".join(pointer), media["example"]
        for name, example in media.get("examples", {}).items():
            yield "/".join((*pointer, name)), example["value"]

    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            for media_type, media in body.items():
                pointer = ("paths", path, method, "requestBody", "content", media_type)
                for ident, value in media_examples(pointer, media):
                    yield ident, (*pointer, "schema"), value
            for status, response in op["responses"].items():
                for media_type, media in response.get("content", {}).items():
                    pointer = ("paths", path, method, "responses", status, "content", media_type)
                    for ident, value in media_examples(pointer, media):
                        yield ident, (*pointer, "schema"), value
    for name, response in doc["components"]["responses"].items():
        for media_type, media in response["content"].items():
            pointer = ("components", "responses", name, "content", media_type)
            for ident, value in media_examples(pointer, media):
                yield ident, (*pointer, "schema"), value
    for name, schema in doc["components"]["schemas"].items():
        pointer = ("components", "schemas", name)
        if "example" in schema:
            yield "/".join(pointer), pointer, schema["example"]
        for i, value in enumerate(schema.get("examples", [])):
            yield f"{'/'.join(pointer)}/{i}", pointer, value
    for name, parameter in doc["components"]["parameters"].items():
        if "example" in parameter:
            pointer = ("components", "parameters", name)
            yield "/".join(pointer), (*pointer, "schema"), parameter["example"]


def iter_schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the spec (schemas among them), with a readable location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from iter_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_schemas(value, f"{where}/{i}")


def match_operation(method: str, path_and_query: str) -> tuple[str, dict[str, str]]:
    """The operationId and path parameters of a concrete request."""
    path = urlsplit(path_and_query).path
    found = []
    for template, item in spec()["paths"].items():
        op = item.get(method.lower())
        if op is None:
            continue
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        m = re.match(pattern, path)
        if m:
            found.append((op["operationId"], m.groupdict()))
    assert len(found) == 1, f"{method} {path_and_query} matches {found}"
    return found[0]


def resolved_parameters(op: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for parameter in op.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        out.append(parameter)
    return out


def first_example(operation_id: str) -> Any:
    _, _, op = operation(operation_id)
    media = op["responses"]["200"]["content"]["application/json"]
    if "example" in media:
        return copy.deepcopy(media["example"])
    return copy.deepcopy(next(iter(media["examples"].values()))["value"])


# ---- structure -----------------------------------------------------------------------------------


def test_spec_header() -> None:
    doc = spec()
    assert doc["openapi"] == "3.1.0"
    for key in ("title", "version", "description"):
        assert doc["info"][key], key
    assert doc["servers"][0]["url"] == "https://datacenter.iqfinex.com"
    assert "security" not in doc, "security belongs on the authorized operations only"
    scheme = doc["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    tag_names = [t["name"] for t in doc["tags"]]
    assert tag_names == [
        "currencies",
        "assets",
        "tickers",
        "orderbook",
        "trades",
        "candles",
        "account",
        "orders",
    ]
    assert all(t.get("description") for t in doc["tags"])


def test_operation_ids_complete_and_unique() -> None:
    ids = [
        op["operationId"]
        for item in spec()["paths"].values()
        for method in METHODS
        if (op := item.get(method)) is not None
    ]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(ALL_OPERATIONS)


@pytest.mark.parametrize("operation_id", sorted(ALL_OPERATIONS))
def test_operation_shape(operation_id: str) -> None:
    method, path, tag = ALL_OPERATIONS[operation_id]
    found_path, found_method, op = operation(operation_id)
    assert (found_method, found_path) == (method, path)
    assert op["tags"] == [tag]
    assert op["summary"]
    assert op["description"]
    ok = op["responses"]["200"]
    media = ok["content"]["application/json"]
    assert "example" in media or media.get("examples")
    envelope = media["schema"]
    assert envelope["required"] == ["status", "data"]
    assert envelope["properties"]["status"] == {"type": "integer", "enum": [200]}
    common = {
        "400": "BadRequest",
        "500": "InternalError",
        "503": "ServiceUnavailable",
        "504": "GatewayTimeout",
    }
    auth = {"401": "Unauthorized", "402": "Forbidden", "403": "TokenExpired"}
    expected = {**common, **auth} if operation_id in AUTHORIZED_OPERATIONS else common
    refs = {code: r["$ref"] for code, r in op["responses"].items() if code != "200"}
    assert refs == {code: f"#/components/responses/{name}" for code, name in expected.items()}
    if operation_id in AUTHORIZED_OPERATIONS:
        assert op["security"] == [{"ApiKeyAuth": []}]
    else:
        assert "security" not in op


def test_server_errors_allow_html() -> None:
    responses = spec()["components"]["responses"]
    for name in ("InternalError", "ServiceUnavailable", "GatewayTimeout"):
        assert responses[name]["content"]["text/html"]["schema"] == {"type": "string"}
    for name in ("BadRequest", "Unauthorized", "Forbidden", "TokenExpired"):
        assert set(responses[name]["content"]) == {"application/json"}
    assert "forbidden for API key" in responses["Forbidden"]["description"]
    error = spec()["components"]["schemas"]["Error"]
    assert error["x-inferred"] is True
    assert error["required"] == ["status", "message"]
    assert error.get("additionalProperties", True) is not False


def test_error_schema() -> None:
    validator = schema_validator("Error")
    assert not errors(validator, {"status": 400, "message": "bad", "extra": 1})
    assert errors(validator, {"message": "bad"})
    assert errors(validator, {"status": "400", "message": "bad"})
    html = response_validator("listTickers", "503", "text/html")
    assert not errors(html, "<html>maintenance</html>")


PARAMETER_BOUNDS = {
    # operationId: {parameter name: expected schema}
    "listPublicTrades": {
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        "offset": {"type": "integer", "minimum": 0, "default": 0},
    },
    "listCandles": {
        "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20},
        "offset": {"type": "integer", "minimum": 0, "default": 0},
        "frame": {
            "type": "integer",
            "enum": [60, 120, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 604800],
        },
    },
    "listClosedOrders": {"limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    "listOrderTrades": {
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        "id": {"type": "integer", "minimum": 1},
    },
    "listAccountTrades": {"limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    "getOrderBook": {"rounding": {"type": "integer", "enum": [0, 1, 2, 3]}},
    "getCurrency": {"name": {"type": "string", "pattern": "^[A-Za-z0-9]{2,20}$"}},
    "getAsset": {"name": {"type": "string", "pattern": "^[A-Za-z0-9]{2,20}$"}},
    "getTicker": {"asset": {"type": "string", "pattern": "^[A-Za-z0-9]{2,20}$"}},
    "getOrder": {"id": {"type": "integer", "minimum": 1}},
    "cancelOrder": {"id": {"type": "integer", "minimum": 1}},
}


@pytest.mark.parametrize("operation_id", sorted(PARAMETER_BOUNDS))
def test_parameter_bounds(operation_id: str) -> None:
    _, _, op = operation(operation_id)
    assert all("$ref" in p for p in op.get("parameters", [])), "parameters are declared once in components"
    by_name = {p["name"]: p for p in resolved_parameters(op)}
    for name, schema in PARAMETER_BOUNDS[operation_id].items():
        assert by_name[name]["schema"] == schema, name


@pytest.mark.parametrize("operation_id", ["listPublicTrades", "listClosedOrders", "listOrderTrades"])
def test_sort_parameter(operation_id: str) -> None:
    _, _, op = operation(operation_id)
    sort = {p["name"]: p for p in resolved_parameters(op)}["sort"]
    sort_order = spec()["components"]["schemas"]["SortOrder"]
    assert sort["schema"] == {"$ref": "#/components/schemas/SortOrder"}
    assert sort_order["enum"] == ["ASC", "DESC"]
    assert sort_order["default"] == "DESC"


def test_path_parameters_declared() -> None:
    for path, item in spec()["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for method in METHODS:
            if (op := item.get(method)) is None:
                continue
            declared = {p["name"] for p in resolved_parameters(op) if p["in"] == "path"}
            assert declared == names, (path, method)


def test_create_order_request_body() -> None:
    _, _, op = operation("createOrder")
    body = op["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateOrderRequest"
    }
    schema = spec()["components"]["schemas"]["CreateOrderRequest"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["asset", "cmd", "volume"]
    assert schema["properties"]["asset"]["x-name"] == "market"
    assert schema["properties"]["cmd"]["x-name"] == "side"
    validator = schema_validator("CreateOrderRequest")
    assert not errors(validator, {"asset": "ETHBTC", "cmd": "buy", "volume": "1.5", "stopPrice": 0.03})
    assert errors(validator, {"asset": "ETHBTC", "cmd": "hold", "volume": 1})
    assert errors(validator, {"asset": "ETHBTC", "cmd": "buy", "volume": 1, "leverage": 5})
    assert errors(validator, {"asset": "ETHBTC", "cmd": "buy"})
    assert errors(validator, {"asset": "ETHBTC", "cmd": "buy", "volume": "12abc"})


def test_create_order_links() -> None:
    _, _, op = operation("createOrder")
    links = op["responses"]["200"]["links"]
    expected = {
        "GetOrderById": "getOrder",
        "ListOrderTradesById": "listOrderTrades",
        "CancelOrderById": "cancelOrder",
    }
    assert {name: link["operationId"] for name, link in links.items()} == expected
    for link in links.values():
        assert link["parameters"] == {"id": "$response.body#/data/id"}


# ---- conventions ---------------------------------------------------------------------------------


def test_tuples_have_unique_titled_slots() -> None:
    tuples = 0
    for where, node in iter_schemas(spec()):
        if "prefixItems" not in node:
            continue
        tuples += 1
        slots = node["prefixItems"]
        titles = [slot.get("title") for slot in slots]
        assert all(titles), f"{where}: every slot needs a title"
        assert len(titles) == len(set(titles)), f"{where}: duplicate slot titles {titles}"
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in titles), where
        assert node["type"] == "array"
        assert node["maxItems"] == len(slots), where
        assert 1 <= node["minItems"] <= len(slots), where
        assert node.get("items", {}) is not False, f"{where}: items: false breaks openapi-python-client"
        assert re.fullmatch(r"#/components/schemas/\w+", where), f"{where}: tuples are named schemas"
    assert tuples == 2  # OrderBookLevel and CandleRow


def test_tuple_layouts() -> None:
    schemas = spec()["components"]["schemas"]
    level = schemas["OrderBookLevel"]
    assert [s["title"] for s in level["prefixItems"]] == ["volume", "orders"]
    assert "positions" in level["prefixItems"][1]["description"]
    candle = schemas["CandleRow"]
    assert [s["title"] for s in candle["prefixItems"]] == [
        "open",
        "high",
        "low",
        "close",
        "volume",
        "close_time",
    ]
    assert (candle["minItems"], candle["maxItems"]) == (5, 6)
    assert candle["prefixItems"][5]["$ref"] == "#/components/schemas/Timestamp"
    side = schemas["OrderBookSide"]
    assert side["propertyNames"] == {"title": "price", "$ref": "#/components/schemas/DecimalString"}
    assert side["additionalProperties"] == {"$ref": "#/components/schemas/OrderBookLevel"}
    assert schemas["TickerMap"]["propertyNames"]["title"] == "market"


def test_enum_normalization_covers_every_value() -> None:
    normalized = 0
    for where, node in iter_schemas(spec()):
        if "x-enum-normalized" not in node:
            continue
        normalized += 1
        mapping = node["x-enum-normalized"]
        assert set(mapping) == set(node["enum"]), where
        assert set(mapping.values()) <= NORMALIZED_VOCABULARY, where
    assert normalized == 4  # Side, OrderType, OrderStatus, public-trade type
    schemas = spec()["components"]["schemas"]
    assert schemas["OrderType"]["x-enum-normalized"] == {
        "LIMIT": "limit",
        "MARKET": "market",
        "STOP_LIMIT": "stop_limit",
    }
    assert schemas["OrderStatus"]["x-enum-normalized"] == {
        "active": "open",
        "closed": "filled",
        "canceled": "cancelled",
    }
    assert schemas["PublicTrade"]["properties"]["type"]["x-enum-normalized"] == {"buy": "buy", "sell": "sell"}


def test_every_enum_value_is_described() -> None:
    for where, node in iter_schemas(spec()["components"]["schemas"], "#/components/schemas"):
        if "enum" in node and node.get("type") == "string":
            described = node.get("x-enum-descriptions", {})
            assert set(described) == set(node["enum"]), where


def test_x_names() -> None:
    schemas = spec()["components"]["schemas"]

    def x_name(schema: str, prop: str) -> str | None:
        return schemas[schema]["properties"][prop].get("x-name")

    assert x_name("Asset", "pair") == "market"
    assert x_name("PublicTrade", "type") == "side"
    assert x_name("PublicTrade", "close_time") == "created_at"
    assert x_name("PublicTrade", "asset") == "market"
    for name in ("Order", "AccountTrade"):
        assert x_name(name, "asset") == "market"
        assert x_name(name, "cmd") == "side"
        assert x_name(name, "open_time") == "created_at"
        assert x_name(name, "close_time") == "closed_at"
    assert x_name("Order", "status") == "state"
    assert x_name("Order", "type") is None


def test_scalar_markers() -> None:
    schemas = spec()["components"]["schemas"]
    assert schemas["Decimal"]["x-decimal"] is True
    assert schemas["DecimalString"]["x-decimal"] is True
    assert schemas["Timestamp"]["x-timestamp"] is True
    assert schemas["IntegerLike"]["x-integer"] is True
    assert schemas["Asset"]["properties"]["accuracy"]["$ref"] == "#/components/schemas/IntegerLike"


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        (
            "Decimal",
            [0, 1.5, -3.89, 9e-7, 6e-08, "0.25", "3632", "-1.5", "9e-7", "1E+3"],
            ["12abc", "", "1.", ".5", "01", "NaN", "1,2", " 1", True, None, [1]],
        ),
        ("DecimalString", ["3632.12", "0", "4.3e-07"], [3632.12, "12abc", "+1"]),
        ("Timestamp", [0, 1552290919, "1543657837"], [-1, 1.5, "-5", "17e3", "", None]),
        ("IntegerLike", [2, "7"], ["7.5", "abc", 2.5, -1, None]),
    ],
)
def test_scalars(schema: str, good: list[Any], bad: list[Any]) -> None:
    validator = schema_validator(schema)
    for value in good:
        assert not errors(validator, value), value
    for value in bad:
        assert errors(validator, value), value


def test_descriptions_flag_known_discrepancies() -> None:
    schemas = spec()["components"]["schemas"]

    def described(node: dict[str, Any], prefix: str) -> bool:
        return str(node.get("description", "")).startswith(prefix)

    live = "Docs vs live service:"
    assert described(schemas["AssetList"], live)
    assert described(schemas["Asset"]["properties"]["accuracy"], live)
    assert described(schemas["Asset"]["properties"]["isTrade"], live)
    assert described(schemas["PublicTrade"]["properties"]["price"], live)
    assert described(schemas["Ticker"], live)
    assert described(schemas["OrderBookSide"], live)
    assert described(schemas["Decimal"], live)
    assert described(schemas["Timestamp"], "Docs contradict themselves:")
    contradict = "Docs contradict themselves:"
    assert described(schemas["BalanceEntry"]["properties"]["free_balance"], contradict)
    assert described(schemas["AccountTrade"]["properties"]["commissionCurrency"], contradict)


def test_discrepancy_notes_start_descriptions() -> None:
    for where, node in iter_schemas(spec()):
        description = node.get("description")
        if not isinstance(description, str):
            continue
        for prefix in ("Docs vs live service:", "Docs contradict themselves:"):
            if prefix in description:
                assert description.startswith(prefix), where


def test_objects_stay_open_except_request_bodies() -> None:
    for where, node in iter_schemas(spec()["components"]["schemas"], "#/components/schemas"):
        if node.get("type") == "object" and "properties" in node:
            closed = node.get("additionalProperties") is False
            assert closed == (where == "#/components/schemas/CreateOrderRequest"), where


# ---- examples and recordings ---------------------------------------------------------------------

EXAMPLES = list(iter_examples())


def test_examples_found() -> None:
    ids = {ident for ident, _, _ in EXAMPLES}
    for operation_id in ALL_OPERATIONS:
        path, method, _ = operation(operation_id)
        assert any(i.startswith(f"paths/{path}/{method}/responses/200/") for i in ids), operation_id
    assert len(EXAMPLES) > 30


@pytest.mark.parametrize(
    ("pointer", "value"), [(p, v) for _, p, v in EXAMPLES], ids=[i for i, _, _ in EXAMPLES]
)
def test_example_validates(pointer: tuple[str, ...], value: Any) -> None:
    assert not errors(validator_at(*pointer), value)


RECORDED = load_recorded()


def test_recordings_loaded() -> None:
    assert [r.name for r in RECORDED] == [
        f"{date}/{name}"
        for date in ("2018-12", "2019-09")
        for name in ("fetch_order_book", "fetch_pairs", "fetch_ticker", "fetch_trade")
    ]
    covered = {match_operation(r.method, r.path)[0] for r in RECORDED}
    assert covered == {"listAssets", "listTickers", "getOrderBook", "listPublicTrades"}


@pytest.mark.parametrize("recorded", RECORDED, ids=[r.name for r in RECORDED])
def test_recorded_response_validates(recorded: Any) -> None:
    assert recorded.status == 200
    operation_id, _ = match_operation(recorded.method, recorded.path)
    assert not errors(response_validator(operation_id), json.loads(recorded.body))


@pytest.mark.parametrize("recorded", RECORDED, ids=[r.name for r in RECORDED])
def test_recorded_request_parameters_validate(recorded: Any) -> None:
    operation_id, path_values = match_operation(recorded.method, recorded.path)
    _, _, op = operation(operation_id)
    query = dict(parse_qsl(urlsplit(recorded.path).query))
    for parameter in resolved_parameters(op):
        values = path_values if parameter["in"] == "path" else query
        if parameter["name"] not in values:
            assert not parameter.get("required"), parameter["name"]
            continue
        raw = values.pop(parameter["name"])
        schema = parameter["schema"]
        value = int(raw) if schema.get("type") == "integer" else raw
        if "$ref" in schema:
            validator = validator_at("components", "schemas", schema["$ref"].rsplit("/", 1)[-1])
        else:
            validator = Draft202012Validator(schema)
        assert not errors(validator, value), (parameter["name"], raw)
    assert not query, f"undeclared query parameters {query}"


# ---- deliberately wrong payloads -----------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[Any], None]:
    """Mutator: set the value at a dotted path (list indexes as numbers)."""

    def mutate(payload: Any) -> None:
        *parents, last = path.split(".")
        node = payload
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Callable[[Any], None]:
    def mutate(payload: Any) -> None:
        *parents, last = path.split(".")
        node = payload
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[int(last) if isinstance(node, list) else last]

    return mutate


def _append(path: str, value: Any) -> Callable[[Any], None]:
    def mutate(payload: Any) -> None:
        node = payload
        for key in path.split("."):
            node = node[int(key)] if isinstance(node, list) else node[key]
        node.append(value)

    return mutate


WRONG_PAYLOADS: list[tuple[str, str, Callable[[Any], None]]] = [
    ("listCurrencies", "unknown currency type", _set("data.rows.0.type", "Stone")),
    ("listCurrencies", "rows not a list", _set("data.rows", {"BTC": {}})),
    ("getCurrency", "missing envelope status", _delete("status")),
    ("getCurrency", "non-decimal commission", _set("data.commission", "12abc")),
    ("listAssets", "fractional accuracy", _set("data.rows.0.accuracy", "7.5")),
    ("listAssets", "missing count", _delete("data.count")),
    ("getAsset", "non-decimal min_volume", _set("data.min_volume", "12abc")),
    ("getAsset", "isTrade not a boolean", _set("data.isTrade", "yes")),
    ("listTickers", "non-decimal bid", _set("data.AMCETH.bid", "12abc")),
    ("listTickers", "bad pair key", _set("data.not a pair", {})),
    ("getTicker", "negative timestamp string", _set("data.timestamp", "-5")),
    ("getTicker", "missing last", _delete("data.last")),
    ("getOrderBook", "extra tuple slot", _append("data.buy.3373", 7)),
    ("getOrderBook", "missing tuple slot", _delete("data.sell.3395.1")),
    ("getOrderBook", "non-decimal price key", _set("data.buy.12abc", [0.1, 1])),
    ("listPublicTrades", "unknown trade type", _set("data.rows.0.type", "short")),
    ("listPublicTrades", "envelope status not 200", _set("status", 201)),
    ("listCandles", "candle with 4 slots", _set("data.rows.0", [1, 2, 3, 4])),
    ("listCandles", "candle with 7 slots", _append("data.rows.1", 1)),
    ("listCandles", "non-decimal open", _set("data.rows.2.0", "12abc")),
    ("getAccountInfo", "isTrade not a boolean", _set("data.isTrade", "yes")),
    ("getAccountInfo", "missing data", _delete("data")),
    ("getBalance", "non-decimal free_balance", _set("data.BTC.free_balance", "1,2")),
    ("getBalance", "entry without balance", _delete("data.ETH.balance")),
    ("createOrder", "unknown status", _set("data.status", "open")),
    ("createOrder", "missing envelope status", _delete("status")),
    ("cancelOrder", "lower-case order type", _set("data.type", "limit")),
    ("listOpenOrders", "upper-case cmd", _set("data.rows.0.cmd", "BUY")),
    ("listClosedOrders", "missing count", _delete("data.count")),
    ("listClosedOrders", "unknown status", _set("data.rows.1.status", "cancelled")),
    ("getOrder", "envelope status 201", _set("status", 201)),
    ("getOrder", "non-integer id", _set("data.id", "17355056")),
    ("listOrderTrades", "non-decimal commission", _set("data.rows.0.commission", "12abc")),
    ("listAccountTrades", "missing order_id", _delete("data.rows.0.order_id")),
    ("listAccountTrades", "unknown cmd", _set("data.rows.0.cmd", "hold")),
]


def test_every_operation_has_wrong_payloads() -> None:
    assert {operation_id for operation_id, _, _ in WRONG_PAYLOADS} == set(ALL_OPERATIONS)


@pytest.mark.parametrize(
    ("operation_id", "mutate"),
    [(operation_id, mutate) for operation_id, _, mutate in WRONG_PAYLOADS],
    ids=[f"{operation_id}-{why}" for operation_id, why, _ in WRONG_PAYLOADS],
)
def test_wrong_payload_rejected(operation_id: str, mutate: Callable[[Any], None]) -> None:
    validator = response_validator(operation_id)
    payload = first_example(operation_id)
    assert not errors(validator, payload), "the unmodified example must validate"
    mutate(payload)
    assert errors(validator, payload)
