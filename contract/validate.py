"""The one validator every contract check goes through (live REST, live websocket, replayed cassettes).

Schemas are the generated contracts (``generated/*_contract.json``, compiled with jsonschema-rs against
one registry holding both, the approach of ``gateway.drift``); operations and documented statuses come
from ``generated/iqfinex_operations.py``; error descriptions read the resolved contracts
(``generated/*_contract.resolved.json``: ``$ref``/``allOf`` merged by codegen, ``x-component`` naming
the component). A violation becomes a ``Finding`` that names
the JSON path of the offending value, the expected schema in words and the received value, e.g.::

    getTicker  $.data.bid  expected Decimal (number | string matching ^-?(0|...)  received "n/a"
    on         $[2]        expected at least 16 items (missing slot 15: trigger_price)  received 15 items

Properties an object schema does not list, where the schema allows additional properties, are
reported as warnings (undocumented extra fields), never as failures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, unquote

from gateway.drift import ASYNCAPI_URI, OPENAPI_URI, spec_validators
from generated.contract_types import document
from generated.iqfinex_operations import OPERATIONS

__all__ = ["ContractValidator", "Finding", "Severity", "json_path"]

Severity = Literal["error", "warning"]
_MAX_RECEIVED = 160


@dataclass(frozen=True)
class Finding:
    """One contract violation (``error``) or undocumented extra field (``warning``)."""

    severity: Severity
    operation: str
    path: str  # JSON path of the offending value, e.g. $.data.bid or $[2][15]
    expected: str
    received: str
    message: str = ""
    field: str = ""  # property name or tuple-slot title at `path`, when known
    pattern: str = ""  # `path` with map keys and list indexes as `*` (tuple slots kept): $.data.*.bid

    def describe(self) -> str:
        where = f"`{self.path}`" + (f" ({self.field})" if self.field else "")
        return f"{where}: expected {self.expected}; received {self.received}"


def json_path(tokens: list[str | int] | tuple[str | int, ...]) -> str:
    out = "$"
    for token in tokens:
        if isinstance(token, int):
            out += f"[{token}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            out += f".{token}"
        else:
            out += f"[{json.dumps(token)}]"
    return out


def _text(body: bytes | str) -> str:
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def render(value: Any) -> str:
    """A received value as compact JSON, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_RECEIVED else text[: _MAX_RECEIVED - 1] + "…"


class _Doc:
    """One resolved contract (codegen merged every ``$ref`` and ``allOf``): walks schemas along an
    instance path."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def pointer(self, ref: str) -> Any:
        node: Any = self.document
        for raw in ref.lstrip("#").strip("/").split("/"):
            node = node[raw.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, schema: Any) -> tuple[dict[str, Any], str]:
        """The schema and the name of the component it came from (``x-component``, set by codegen)."""
        if not isinstance(schema, dict):
            return {}, ""
        return schema, str(schema.get("x-component", ""))

    def at(self, schema: Any, tokens: list[str | int]) -> tuple[dict[str, Any], str] | None:
        """The subschema an instance path leads to (None where the schema does not say)."""
        current, name = self.resolve(schema)
        for token in tokens:
            if isinstance(token, int):
                prefix = current.get("prefixItems")
                items = current.get("items")
                if isinstance(prefix, list) and token < len(prefix):
                    nxt = prefix[token]
                elif isinstance(items, list):
                    if token >= len(items):
                        return None
                    nxt = items[token]
                elif isinstance(items, dict):
                    nxt = items
                else:
                    return None
            else:
                props = current.get("properties", {})
                extra = current.get("additionalProperties")
                if token in props:
                    nxt = props[token]
                elif isinstance(extra, dict):
                    nxt = extra
                else:
                    return None
            current, name = self.resolve(nxt)
        return current, name

    def pattern(self, schema: Any, tokens: list[str | int]) -> str:
        """The JSON path with map keys (``additionalProperties``) and list items as ``*``."""
        current, _ = self.resolve(schema)
        generic: list[str | int] = []
        for token in tokens:
            nxt: Any = None
            if isinstance(token, int):
                prefix = current.get("prefixItems")
                items = current.get("items")
                if isinstance(prefix, list) and token < len(prefix):
                    nxt, keep = prefix[token], True
                elif isinstance(items, list):
                    nxt, keep = (items[token] if token < len(items) else None), True
                else:
                    nxt, keep = items, False
                generic.append(token if keep else "[*]")
            else:
                props = current.get("properties", {})
                if token in props:
                    nxt = props[token]
                    generic.append(token)
                else:
                    nxt = current.get("additionalProperties")
                    generic.append("*" if isinstance(nxt, dict) else token)
            current = self.resolve(nxt)[0] if isinstance(nxt, dict) else {}
        return json_path(generic).replace('["[*]"]', "[*]").replace('["*"]', ".*")

    def describe(self, schema: Any, depth: int = 0) -> str:
        resolved, name = self.resolve(schema)
        text = self._describe(resolved, depth)
        return f"{name} ({text})" if name and depth == 0 else text

    def _describe(self, schema: dict[str, Any], depth: int) -> str:
        if depth > 3:
            return "…"
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return " | ".join(self.describe(branch, depth + 1) for branch in schema[key])
        if "const" in schema:
            return f"const {json.dumps(schema['const'])}"
        if "enum" in schema:
            return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
        kind = schema.get("type")
        kinds = " | ".join(kind) if isinstance(kind, list) else (kind or "any value")
        if kinds == "string" and "pattern" in schema:
            return f"string matching {schema['pattern']}"
        if kinds == "array":
            slots = schema.get("prefixItems", schema.get("items"))
            if isinstance(slots, list):
                low, high = schema.get("minItems", 0), schema.get("maxItems", len(slots))
                return f"array of {low}..{high} slots"
            return "array"
        bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum") if k in schema]
        return kinds + (f" ({', '.join(bounds)})" if bounds else "")

    def slot_titles(self, schema: dict[str, Any]) -> list[str]:
        slots = schema.get("prefixItems", schema.get("items"))
        if not isinstance(slots, list):
            return []
        return [str(self.resolve(slot)[0].get("title", "")) or str(slot.get("title", "")) for slot in slots]

    def extra_fields(
        self, schema: Any, instance: Any, tokens: list[str | int], out: list[tuple[str, Any]]
    ) -> None:
        """Collect (path, value) of object properties not listed where extra ones are allowed."""
        resolved, _ = self.resolve(schema)
        if isinstance(instance, dict):
            props = resolved.get("properties")
            extra = resolved.get("additionalProperties", True)
            for key, value in instance.items():
                if isinstance(props, dict) and key in props:
                    self.extra_fields(props[key], value, [*tokens, key], out)
                elif isinstance(extra, dict):
                    self.extra_fields(extra, value, [*tokens, key], out)
                elif isinstance(props, dict) and extra is not False:
                    out.append((json_path([*tokens, key]), value))
        elif isinstance(instance, list):
            for index, value in enumerate(instance):
                sub = self.at(resolved, [index])
                if sub is not None:
                    self.extra_fields(sub[0], value, [*tokens, index], out)


class ContractValidator:
    """Validates REST answers (by method, path template and status) and websocket frames."""

    def __init__(self) -> None:
        self._specs = spec_validators()
        self.openapi = self._specs.openapi
        self.asyncapi = self._specs.asyncapi
        self._docs = {
            OPENAPI_URI: _Doc(document("iqfinex", resolved=True)),
            ASYNCAPI_URI: _Doc(document("finex", resolved=True)),
        }
        self._operations = {(op.method, op.path): op for op in OPERATIONS.values()}

    # ------------------------------------------------------------------ spec lookups
    def rest_operations(self) -> list[tuple[str, str, str]]:
        """(operationId, METHOD, path template) of every OpenAPI operation, in spec order."""
        return [(op.id, op.method, op.path) for op in OPERATIONS.values()]

    def asyncapi_schema(self, name: str) -> dict[str, Any]:
        """A component schema of the AsyncAPI document, ``$ref``/``allOf`` merged (by codegen)."""
        schema: dict[str, Any] = self._docs[ASYNCAPI_URI].document["components"]["schemas"][name]
        return schema

    def documented_statuses(self, method: str, path_template: str) -> list[str]:
        operation = self._operations.get((method.upper(), path_template))
        return [] if operation is None else list(operation.responses)

    def _validator(self, uri: str, draft7: bool) -> Any:
        return self._specs.validator(uri, draft7)

    # ------------------------------------------------------------------ REST
    def check_rest(
        self,
        operation: str,
        method: str,
        path_template: str,
        status: int,
        content_type: str,
        body: bytes | str,
    ) -> list[Finding]:
        found = self._specs.response(method, path_template, status)
        if found is None:
            documented = ", ".join(self.documented_statuses(method, path_template)) or "none"
            return [
                Finding(
                    "error",
                    operation,
                    "$",
                    f"a documented status ({documented})",
                    f"undocumented status {status}: {render(_text(body)[:200])}",
                    "undocumented status code",
                )
            ]
        pointer, content = found.pointer, found.media_types
        if not content:
            return []
        media = content_type.split(";", 1)[0].strip().lower()
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        if media != "application/json" and media in content:
            return []  # e.g. nginx's text/html error page, documented as a string
        if "application/json" not in content:
            return [
                Finding(
                    "error",
                    operation,
                    "$",
                    "media type " + " or ".join(content),
                    f"{media or 'no content type'}: {render(text)}",
                    "undocumented media type",
                )
            ]
        try:
            instance = json.loads(text)
        except ValueError:
            return [
                Finding(
                    "error",
                    operation,
                    "$",
                    "a JSON body",
                    f"{media or 'no content type'}: {render(text)}",
                    "body is not valid JSON",
                )
            ]
        # `{` and `}` of path templates are not allowed in a URI fragment: percent-encode them.
        uri = f"{OPENAPI_URI}#{quote(pointer, safe='/~')}/content/application~1json/schema"
        return self._check(operation, uri, instance, draft7=False)

    # ------------------------------------------------------------------ websocket
    def check_frame(self, operation: str, schema: str, frame: Any) -> list[Finding]:
        """Check a frame against ``#/components/schemas/<schema>`` of the AsyncAPI document."""
        return self._check(operation, f"{ASYNCAPI_URI}#/components/schemas/{schema}", frame, draft7=True)

    def is_valid(self, schema: str, instance: Any) -> bool:
        return bool(
            self._validator(f"{ASYNCAPI_URI}#/components/schemas/{schema}", draft7=True).is_valid(instance)
        )

    # ------------------------------------------------------------------ shared
    def _check(self, operation: str, uri: str, instance: Any, draft7: bool) -> list[Finding]:
        doc_uri, _, pointer = uri.partition("#")
        doc = self._docs[doc_uri]
        root = doc.pointer(unquote(pointer))
        findings: list[Finding] = []
        validator = self._validator(uri, draft7)
        if not validator.is_valid(instance):
            for error in validator.iter_errors(instance):
                findings.append(self._finding(doc, root, operation, error))
        extras: list[tuple[str, Any]] = []
        doc.extra_fields(root, instance, [], extras)
        for path, value in extras:
            findings.append(
                Finding(
                    "warning",
                    operation,
                    path,
                    "no such property (undocumented extra field)",
                    render(value),
                    "undocumented extra field",
                    path.rsplit(".", 1)[-1],
                )
            )
        return findings

    def _finding(self, doc: _Doc, root: Any, operation: str, error: Any) -> Finding:
        tokens: list[str | int] = list(error.instance_path)
        path = json_path(tokens)
        kind = type(error.kind).__name__  # e.g. MinItems, OneOfNotValid, Type
        instance = error.instance
        located = doc.at(root, tokens)
        schema, name = located if located is not None else ({}, "")
        title = str(schema.get("title", "")) or (
            str(tokens[-1]) if tokens and isinstance(tokens[-1], str) else ""
        )
        if kind == "MinItems" and isinstance(instance, list):
            limit = int(schema.get("minItems", getattr(error.kind, "limit", 0)))
            titles = doc.slot_titles(schema)
            missing = [f"slot {i}: {titles[i]}" for i in range(len(instance), min(limit, len(titles)))]
            expected = f"at least {limit} items" + (f" (missing {', '.join(missing)})" if missing else "")
            received = f"{len(instance)} items: {render(instance)}"
        elif kind == "MaxItems" and isinstance(instance, list):
            limit = int(schema.get("maxItems", getattr(error.kind, "limit", 0)))
            expected = f"at most {limit} items"
            received = f"{len(instance)} items: {render(instance)}"
        elif kind == "Required":
            expected = f"required property {error.message.split(' is a required', 1)[0]}"
            received = "absent"
        elif kind in ("AdditionalItems", "AdditionalProperties", "UnevaluatedItems", "FalseSchema"):
            expected = "no further items or properties"
            received = render(instance)
        else:
            expected = doc.describe(schema) if located is not None else error.message
            if name and not expected.startswith(name):
                expected = f"{name} ({expected})"
            received = render(instance)
        pattern = doc.pattern(root, tokens)
        return Finding("error", operation, path, expected, received, str(error.message)[:300], title, pattern)
