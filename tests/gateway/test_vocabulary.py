"""One vocabulary, held by walking the gateway's OpenAPI document.

The vocabulary is ``_codegen.vocabulary.CONCEPTS`` (its names come from the spec markers): every gateway
schema of a concept carries exactly the concept's names that its upstream fills (or the gateway
derives), and no upstream word the spec renames survives anywhere in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from _codegen.vocabulary import CONCEPTS, DERIVED, _fields
from gateway.app import openapi_document

ROOT = Path(__file__).resolve().parents[2]

# Gateway component schema → (concept, upstream) it is built from.
SCHEMAS = {
    "Order": ("order", "rest"),
    "FinexOrder": ("order", "finex"),
    "AccountTrade": ("trade", "rest"),
    "FinexTrade": ("trade", "finex"),
    "Balance": ("balance", "rest"),
    "Asset": ("market", "rest"),
}
ALLOWED_ELSEWHERE = {
    "open_time": "the candle's open time (gateway-derived), not an order's creation",
    "status": "the HTTP status of a problem+json body",
    "close_time": "a candle's close time (an order's and a trade's are closed_at)",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    load = lambda name: yaml.safe_load((ROOT / "spec" / name).read_text(encoding="utf-8"))  # noqa: E731
    return {"rest": load("iqfinex.openapi.yaml"), "finex": load("finex.asyncapi.yaml")}


def _upstream_fields(specs: dict[str, dict[str, Any]], concept: str, upstream: str) -> dict[str, Any]:
    schema_name = getattr(CONCEPTS[concept], upstream)
    return _fields(specs[upstream]["components"]["schemas"][schema_name])


def _properties(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "properties" and isinstance(value, dict):
                yield from value
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_each_concept_schema_speaks_the_vocabulary(
    document: dict[str, Any], specs: dict[str, dict[str, Any]], schema: str
) -> None:
    concept, upstream = SCHEMAS[schema]
    spec = CONCEPTS[concept]
    fields = _upstream_fields(specs, concept, upstream)
    filled = {
        name
        for name in spec.names
        if name in fields or (concept, f"{upstream}:{name}") in DERIVED or name == spec.rest_key
    }
    properties = set(document["components"]["schemas"][schema]["properties"])
    assert filled <= properties, f"{schema} lacks {sorted(filled - properties)}"
    unfilled = set(spec.names) - filled
    assert not unfilled & properties, f"{schema} has names its upstream never fills: {unfilled & properties}"


def test_no_renamed_upstream_word_survives(
    document: dict[str, Any], specs: dict[str, dict[str, Any]]
) -> None:
    snake = lambda name: re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()  # noqa: E731
    vocabulary = {name for spec in CONCEPTS.values() for name in spec.names}
    renamed = set()
    for concept, spec in CONCEPTS.items():
        for upstream in ("rest", "finex"):
            if getattr(spec, upstream) is None:
                continue
            for name, (wire, _) in _upstream_fields(specs, concept, upstream).items():
                word = snake(wire.rsplit(" ", 1)[-1].strip("`"))
                if word != name:
                    renamed.add(word)
    renamed -= vocabulary | set(ALLOWED_ELSEWHERE)
    assert {"avg_price", "fee_unit", "commission", "stop_price", "free_balance", "left", "right"} <= renamed
    survivors = renamed & set(_properties(document))
    assert not survivors, f"upstream words in the gateway's contract: {sorted(survivors)}"


def test_trigger_price_is_nullable_on_both_surfaces(document: dict[str, Any]) -> None:
    for schema in ("Order", "FinexOrder"):
        prop = document["components"]["schemas"][schema]["properties"]["trigger_price"]
        assert {"type": "null"} in prop.get("anyOf", []), schema


def test_order_requests_name_the_size_volume(document: dict[str, Any]) -> None:
    bodies = [
        document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        for path in ("/v1/orders", "/v1/finex/orders")
    ]
    for body in bodies:
        if "$ref" in body:
            body = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        variants = body.get("anyOf", [body])  # one variant per order type (which prices it takes)
        names = {name for variant in variants for name in variant["properties"]}
        assert {"market", "side", "volume", "price"} <= names
        assert "amount" not in names
        assert all("volume" in variant["required"] for variant in variants)
