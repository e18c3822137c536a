"""Money is text in the gateway's contract: every request amount is a decimal string, never a number,
so clients generated from the contract type it ``str`` (a float never gets near an order)."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.schemas import DECIMAL_INPUT

CONTRACT = Path(__file__).resolve().parents[2] / "generated" / "gateway.openapi.json"


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for token in schema["$ref"].removeprefix("#/").split("/"):
            node = node[token]
        schema = node
    return schema


def _properties(document: dict[str, Any], schema: dict[str, Any], where: str) -> Iterator[tuple[str, Any]]:
    schema = _resolve(document, schema)
    for name, prop in schema.get("properties", {}).items():
        yield f"{where}.{name}", _resolve(document, prop)
    for key in ("items", "anyOf", "oneOf", "allOf"):
        nested = schema.get(key)
        for part in nested if isinstance(nested, list) else [nested] if nested else []:
            yield from _properties(document, part, where)


def _request_amounts() -> list[tuple[str, dict[str, Any]]]:
    document = json.loads(CONTRACT.read_text(encoding="utf-8"))
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            for where, prop in _properties(document, body["schema"], f"{method.upper()} {path}"):
                variants = [_resolve(document, v) for v in prop.get("anyOf", [prop])]
                if any(v.get("pattern") == DECIMAL_INPUT or v.get("type") == "number" for v in variants):
                    found.append((where, prop))
    return found


def test_request_amounts_are_decimal_strings_only() -> None:
    amounts = [
        (where, prop)
        for where, prop in _request_amounts()
        if not where.endswith("config/{component}/{key}.value")
    ]
    names = {where.rsplit(".", 1)[1] for where, _ in amounts}
    assert names == {"volume", "price", "trigger_price", "quote_amount"}
    for where, prop in amounts:
        variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]  # optional: nullable
        assert variants, where
        for variant in variants:
            assert (variant.get("type"), variant.get("pattern")) == ("string", DECIMAL_INPUT), where
        assert "decimal string" in prop.get("description", ""), where


def test_generated_clients_type_amounts_str() -> None:
    import importlib

    models = Path(__file__).resolve().parents[2] / "generated" / "gateway_client" / "models"
    bodies = sorted(
        p.stem
        for p in models.glob("*.py")
        if p.stem.startswith(("create_order_body_type_", "finex_create_order_body_type_",
                              "finex_create_bulk_body_item_type_")) and p.stem[-1].isdigit()
    )  # fmt: skip
    assert len(bodies) >= 6, bodies  # one model per body variant (type: limit / market / …)
    checked = 0
    for stem in bodies:
        module = importlib.import_module(f"generated.gateway_client.models.{stem}")
        model = next(v for k, v in vars(module).items() if k.lower() == stem.replace("_", ""))
        hints = typing.get_type_hints(model)
        for name in ("volume", "price", "trigger_price", "quote_amount"):
            if name in hints:
                checked += 1
                assert "float" not in str(hints[name]), (stem, name, hints[name])
                assert str in typing.get_args(hints[name]) or hints[name] is str, (stem, name)
    assert checked >= len(bodies)
