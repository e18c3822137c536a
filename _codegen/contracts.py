"""What the run time needs from the contracts besides layouts, emitted as generated data.

- ``generated/iqfinex_contract.json`` / ``generated/finex_contract.json``: the contracts as JSON (the
  documents jsonschema-rs compiles for the drift monitor and the harness, and schemathesis loads).
- ``generated/*_contract.resolved.json``: the same documents with every ``$ref`` and ``allOf`` merged in
  place (``x-component`` keeps the component name), for the harness's error descriptions and argument
  generation.
- ``generated/iqfinex_operations.py``: per operation method, path, auth, parameters (``$ref`` resolved:
  bounds, defaults, patterns, enums), documented statuses and the 200 example.
- ``generated/finex_protocol.py``: frame kinds and constants, method → request/args/reply/error layouts
  and examples, event code → frame/payload layout and gateway event name, private stream names, code
  tables in both directions, enums and patterns of the named schemas.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from .layouts import TEMPLATES, Extraction
from .spec import Json, Spec, SpecError, escape_pointer, header

__all__ = ["contract_json", "contract_types", "emit_finex_protocol", "emit_iqfinex_operations", "resolved"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def contract_types() -> str:
    return header("codegen.py") + (TEMPLATES / "contract_types.py").read_text(encoding="utf-8")


def contract_json(spec: Spec) -> str:
    """The contract as JSON; ``x-generated`` carries the do-not-edit header."""
    document = {"x-generated": header(spec.label).strip("# \n"), **spec.doc}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------------
# The resolved document: $ref and allOf merged in place.


def _resolve_node(spec: Spec, schema: Json, pointer: str, depth: int) -> tuple[Json, str]:
    """One node with ``$ref`` followed (siblings win) and ``allOf`` merged shallowly (first value wins,
    ``minItems``/``maxItems`` last); returns the node and the first component name on the way."""
    name = ""
    for _ in range(32):
        if not isinstance(schema, dict):
            return schema, name
        if "$ref" in schema:
            ref = schema["$ref"]
            if not isinstance(ref, str):
                return schema, name
            name = name or ref.rsplit("/", 1)[-1]
            target_pointer, target = spec.ref_target(ref, pointer)
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            pointer = target_pointer
            continue
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for index, part in enumerate(schema["allOf"]):
                part_schema, part_name = _resolve_node(spec, part, f"{pointer}/allOf/{index}", depth + 1)
                name = name or part_name
                if not isinstance(part_schema, dict):
                    continue
                for key, value in part_schema.items():
                    if key == "title" and "title" in merged:
                        continue
                    merged.setdefault(key, value)
                    if key in ("minItems", "maxItems"):
                        merged[key] = value
            schema = merged
            continue
        return schema, name
    raise spec.error(pointer, "$ref cycle")


_SCHEMA_LISTS = ("prefixItems", "oneOf", "anyOf")
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_VALUES = ("additionalProperties", "propertyNames", "not", "contains", "additionalItems")


def _deref_schema(spec: Spec, schema: Json, pointer: str, depth: int) -> Json:
    if depth > 48:
        raise spec.error(pointer, "schema nesting too deep (a recursive $ref?)")
    node, name = _resolve_node(spec, schema, pointer, depth)
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        at = f"{pointer}/{escape_pointer(key)}"
        if (key in _SCHEMA_LISTS and isinstance(value, list)) or (key == "items" and isinstance(value, list)):
            out[key] = [_deref_schema(spec, v, f"{at}/{i}", depth + 1) for i, v in enumerate(value)]
        elif key == "items" and isinstance(value, dict):
            out[key] = _deref_schema(spec, value, at, depth + 1)
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {
                k: _deref_schema(spec, v, f"{at}/{escape_pointer(k)}", depth + 1) for k, v in value.items()
            }
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            out[key] = _deref_schema(spec, value, at, depth + 1)
        else:
            out[key] = value
    if name:
        out["x-component"] = name
    return out


def _deref_document(spec: Spec, node: Json, pointer: str) -> Json:
    """Walk the document; every ``schema`` member and every component schema is resolved."""
    if isinstance(node, list):
        return [_deref_document(spec, v, f"{pointer}/{i}") for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and isinstance(node["$ref"], str) and not pointer.endswith("/schema"):
        target_pointer, target = spec.ref_target(node["$ref"], pointer)
        return _deref_document(
            spec, {**target, **{k: v for k, v in node.items() if k != "$ref"}}, target_pointer
        )
    out: dict[str, Any] = {}
    for key, value in node.items():
        at = f"{pointer}/{escape_pointer(key)}"
        if key in ("schema", "payload") or pointer == "/components/schemas":
            out[key] = _deref_schema(spec, value, at, 0)
        elif key in ("example", "examples") and pointer != "/components":
            out[key] = value
        else:
            out[key] = _deref_document(spec, value, at)
    return out


def resolved(spec: Spec) -> str:
    """The parts the harness reads (``paths``, ``components``), compact: one line per member."""
    document: dict[str, Any] = {"x-generated": header(spec.label).strip("# \n")}
    for key in ("paths", "components"):
        if key in spec.doc:
            document[key] = _deref_document(spec, spec.doc[key], f"/{key}")
    if "messages" in document.get("components", {}):
        del document["components"]["messages"]  # payloads are components/schemas
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


# --------------------------------------------------------------------------------------------------
# Iqfinex operations.


def _pyrepr(value: Any) -> str:
    return repr(value)


def _resolve_parameter(spec: Spec, parameter: Json, pointer: str) -> Json:
    if "$ref" in parameter:
        pointer, parameter = spec.ref_target(parameter["$ref"], pointer)
    parameter = dict(parameter)
    schema = parameter.get("schema", {})
    if isinstance(schema, dict) and "$ref" in schema:
        _, schema = spec.ref_target(schema["$ref"], f"{pointer}/schema")
    parameter["schema"] = dict(schema)
    return parameter


def _example_text(content: Json) -> str | None:
    sample = content.get("example")
    if sample is None and content.get("examples"):
        sample = next(iter(content["examples"].values()))["value"]
    # orjson: the same shortest float text the gateway's documentation examples have always had
    return None if sample is None else orjson.dumps(sample).decode()


def emit_iqfinex_operations(spec: Spec) -> str:
    doc = spec.doc
    components = {
        name: _resolve_parameter(spec, parameter, f"/components/parameters/{escape_pointer(name)}")
        for name, parameter in doc.get("components", {}).get("parameters", {}).items()
    }
    lines = [
        header(spec.label),
        f'"""Every operation of {spec.label}: method, path, auth, parameters, documented statuses, example.',
        "",
        "Parameters have their ``$ref`` resolved (``schema`` holds the bounds, default, pattern, enum).",
        "``PARAMETERS`` are the contract's parameter components by name, resolved the same way.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "from .contract_types import Operation, Response",
        "",
        '__all__ = ["OPERATIONS", "PARAMETERS"]',
        "",
        f"PARAMETERS: dict[str, dict[str, Any]] = {_pyrepr(components)}",
        "",
        "OPERATIONS: dict[str, Operation] = {",
    ]
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method not in _METHODS or not isinstance(op, dict) or "operationId" not in op:
                continue
            pointer = f"/paths/{escape_pointer(path)}/{method}"
            parameters: dict[str, Any] = {}
            for index, parameter in enumerate(op.get("parameters", [])):
                resolved_parameter = _resolve_parameter(spec, parameter, f"{pointer}/parameters/{index}")
                parameters[resolved_parameter["name"]] = resolved_parameter
            responses: list[str] = []
            example = None
            for status, response in op.get("responses", {}).items():
                response_pointer = f"{pointer}/responses/{escape_pointer(str(status))}"
                if "$ref" in response:
                    response_pointer, response = spec.ref_target(response["$ref"], response_pointer)
                media = tuple(response.get("content", {}))
                responses.append(
                    f"{str(status)!r}: Response({str(status)!r}, {response_pointer!r}, {media!r})"
                )
                if str(status) == "200" and "application/json" in response.get("content", {}):
                    example = _example_text(response["content"]["application/json"])
            op_id = op["operationId"]
            tags = op.get("tags") or [""]
            body = op.get("requestBody", {})
            if "$ref" in body:
                _, body = spec.ref_target(body["$ref"], f"{pointer}/requestBody")
            body_content = body.get("content", {}).get("application/json")
            request_example = None if body_content is None else _example_text(body_content)
            lines.append(
                f"    {op_id!r}: Operation(id={op_id!r}, method={method.upper()!r}, path={path!r}, "
                f"tag={tags[0]!r}, private={bool(op.get('security'))!r}, parameters={_pyrepr(parameters)}, "
                f"responses={{{', '.join(responses)}}}, example={example!r}, "
                f"request_example={request_example!r}),"
            )
    lines += ["}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Finex protocol.


def _message(spec: Spec, ref: str, pointer: str) -> Json:
    node_pointer, node = spec.ref_target(ref, pointer)
    while isinstance(node, dict) and "$ref" in node:
        node_pointer, node = spec.ref_target(node["$ref"], node_pointer)
    return node


def _payload(spec: Spec, message: Json, pointer: str) -> str:
    payload = message.get("payload", {})
    name = spec.component_name(payload.get("$ref", "")) if isinstance(payload, dict) else None
    if name is None:
        raise spec.error(pointer, "a message payload must reference a component schema")
    return name


def _field(ex: Extraction, layout: str, title: str, pointer: str) -> Any:
    info = ex.structs.get(layout)
    found = next((f for f in info.fields if f.name == title), None) if info else None
    if found is None:
        raise ex.spec.error(pointer, f"{layout} has no slot {title!r}")
    return found


def _slot_component(spec: Spec, layout: str, title: str) -> str | None:
    schema = spec.schemas[layout]
    for slot in schema.get("items") or schema.get("prefixItems") or []:
        if isinstance(slot, dict) and slot.get("title") == title:
            # the first reference, also of a refinement such as allOf: [{$ref: OrderRow}, {minItems: 16}]
            for part in [slot, *slot.get("allOf", ())]:
                if isinstance(part, dict) and "$ref" in part:
                    return spec.component_name(part["$ref"])
            return None
    return None


def _slot_refinement(spec: Spec, layout: str, title: str, key: str) -> Any:
    """``key`` of a slot's ``allOf`` refinement, e.g. ``allOf: [{$ref: OrderRow}, {minItems: 16}]``."""
    schema = spec.schemas[layout]
    for slot in schema.get("items") or schema.get("prefixItems") or []:
        if isinstance(slot, dict) and slot.get("title") == title:
            for part in slot.get("allOf", ()):
                if isinstance(part, dict) and key in part and "$ref" not in part:
                    return part[key]
    return None


def emit_finex_protocol(spec: Spec, ex: Extraction) -> str:
    doc = spec.doc
    methods: list[str] = []
    events: list[str] = []
    kinds: dict[str, int] = {}
    error_reply: str | None = None
    private_scope: str | None = None
    for op_name, operation in doc.get("operations", {}).items():
        pointer = f"/operations/{escape_pointer(op_name)}"
        private = any(tag.get("name") == "private" for tag in operation.get("tags", []))
        if "x-method" in operation:
            method = operation["x-method"]
            request_message = _message(spec, operation["messages"][0]["$ref"], f"{pointer}/messages/0")
            request = _payload(spec, request_message, pointer)
            reply = error = None
            for index, message_ref in enumerate(operation["reply"]["messages"]):
                message = _message(spec, message_ref["$ref"], f"{pointer}/reply/messages/{index}")
                schema = _payload(spec, message, pointer)
                if _field(ex, schema, "method", pointer).const == method:
                    reply = schema
                else:
                    error = schema
            if reply is None or error is None:
                raise spec.error(f"{pointer}/reply", "needs the method's reply and the error reply")
            if error_reply not in (None, error):
                raise spec.error(f"{pointer}/reply", f"a second error reply schema {error}")
            error_reply = error
            kinds["request"] = _field(ex, request, "frame_type", pointer).const
            kinds["reply"] = _field(ex, reply, "frame_type", pointer).const
            args = _slot_component(spec, request, "args")  # the args schema, e.g. ListOrdersArgs
            args_index = [f.name for f in ex.structs[request].fields].index("args")
            examples = tuple(
                orjson.dumps(e["payload"][args_index]).decode() for e in request_message.get("examples", [])
            )
            reply_message = _message(spec, operation["reply"]["messages"][0]["$ref"], pointer)
            reply_examples = tuple(
                orjson.dumps(e["payload"]).decode() for e in reply_message.get("examples", [])
            )
            methods.append(
                f"    {method!r}: Method(name={method!r}, operation={op_name!r}, request={request!r}, "
                f"args={args!r}, reply={reply!r}, error={error!r}, private={private!r}, "
                f"examples={examples!r}, reply_examples={reply_examples!r}),"
            )
            if method == "subscribe":
                private_scope = "private"  # the scope named like the `private` tag of private methods
        elif "x-event" in operation:
            code = operation["x-event"]
            name = operation.get("x-gateway-event")
            if not isinstance(name, str) or not name:
                raise spec.error(f"{pointer}/x-gateway-event", "an event needs its gateway event name")
            message = _message(spec, operation["messages"][0]["$ref"], f"{pointer}/messages/0")
            frame = _payload(spec, message, pointer)
            if _field(ex, frame, "event", pointer).const != code:
                raise spec.error(pointer, f"event schema {frame} does not carry {code!r}")
            kinds["private_event" if private else "public_event"] = _field(
                ex, frame, "frame_type", pointer
            ).const
            payload = _slot_component(spec, frame, "payload")
            if payload is None:
                raise spec.error(pointer, f"{frame}: payload has no schema reference")
            is_list = payload not in ex.structs
            if is_list:
                items = spec.schemas[payload].get("items", {})
                _, _, row = spec.unwrap(items, f"/components/schemas/{payload}/items")
                if row is None or row not in ex.structs:
                    raise spec.error(
                        pointer, f"{frame}: payload {payload} is neither a row nor a list of rows"
                    )
                payload = row
            frame_examples = tuple(orjson.dumps(e["payload"]).decode() for e in message.get("examples", []))
            items = _slot_refinement(spec, frame, "payload", "minItems")
            stream = operation.get("x-stream")
            if private and stream not in spec.schemas.get("PrivateStream", {}).get("enum", []):
                raise spec.error(f"{pointer}/x-stream", "a private event names its PrivateStream")
            events.append(
                f"    {code!r}: Event(code={code!r}, name={name!r}, frame={frame!r}, payload={payload!r}, "
                f"payload_list={is_list!r}, payload_items={items!r}, private={private!r}, "
                f"stream={stream!r}, examples={frame_examples!r}),"
            )
    if error_reply is None or private_scope is None:
        raise spec.error("/operations", "no error reply or no subscribe method")
    streams = spec.schemas.get("PrivateStream", {}).get("enum")
    if not isinstance(streams, list):
        raise spec.error("/components/schemas/PrivateStream", "missing: the closed enum of private streams")
    enums = {n: tuple(s["enum"]) for n, s in sorted(spec.schemas.items()) if isinstance(s.get("enum"), list)}
    patterns = {n: s["pattern"] for n, s in sorted(spec.schemas.items()) if isinstance(s.get("pattern"), str)}
    consts = {
        n: tuple(b["const"] for b in s["oneOf"] if isinstance(b, dict) and "const" in b)
        for n, s in sorted(spec.schemas.items())
        if isinstance(s.get("oneOf"), list) and any(isinstance(b, dict) and "const" in b for b in s["oneOf"])
    }
    codes: dict[str, dict[str, str]] = {}
    for table, mapping in sorted(ex.enums.items()):
        inverted: dict[str, str] = {}
        for code in sorted(mapping, key=lambda c: (c == c.lower(), c)):
            inverted[mapping[code]] = code
        codes[table] = dict(sorted(inverted.items()))
    error_method = _field(ex, error_reply, "method", "/components/schemas").const
    lines = [
        header(spec.label),
        f'"""The frame protocol of {spec.label}: frame kinds, methods, events, streams, code tables.',
        "",
        "``METHODS``: x-method → request/args/reply/error layouts (names in ``finex_layouts.LAYOUTS``) and",
        "the documented args examples (JSON text). ``EVENTS``: x-event code → frame layout, payload row",
        "layout (``payload_list``: a list of rows), the gateway's event name (``x-gateway-event``), its",
        "stream and examples.",
        "``CODES``: shared-vocabulary value → upstream code, inverted from ``ENUMS`` (where several codes",
        "share a value, the lower-case one). ``ENUM_VALUES``/``PATTERNS``: of the named schemas.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from .contract_types import Event, Method",
        "",
        "__all__ = [",
        '    "CODES",',
        '    "CONSTS",',
        '    "ENUM_VALUES",',
        '    "ERROR_METHOD",',
        '    "ERROR_REPLY",',
        '    "EVENTS",',
        '    "FRAME_KINDS",',
        '    "METHODS",',
        '    "PATTERNS",',
        '    "PRIVATE_SCOPE",',
        '    "PRIVATE_STREAMS",',
        "]",
        "",
        f"FRAME_KINDS: dict[str, int] = {dict(sorted(kinds.items(), key=lambda kv: kv[1]))!r}",
        f"ERROR_REPLY = {error_reply!r}",
        f"ERROR_METHOD = {error_method!r}",
        f"PRIVATE_SCOPE = {private_scope!r}",
        f"PRIVATE_STREAMS: tuple[str, ...] = {tuple(streams)!r}",
        "",
        "METHODS: dict[str, Method] = {",
        *methods,
        "}",
        "",
        "EVENTS: dict[str, Event] = {",
        *events,
        "}",
        "",
        f"CODES: dict[str, dict[str, str]] = {codes!r}",
        "",
        f"ENUM_VALUES: dict[str, tuple[object, ...]] = {enums!r}",
        "",
        f"PATTERNS: dict[str, str] = {patterns!r}",
        "",
        "# the const branches of the named oneOf schemas (e.g. a bulk order's failed outcome)",
        f"CONSTS: dict[str, tuple[object, ...]] = {consts!r}",
        "",
    ]
    if private_scope not in enums.get("SubscribeScope", ()):
        raise SpecError(spec.label, "/components/schemas/SubscribeScope", f"no {private_scope!r} scope")
    return "\n".join(lines)


def emit_contracts(openapi: Spec, asyncapi: Spec, ws: Extraction) -> dict[str, str]:
    return {
        "generated/contract_types.py": contract_types(),
        "generated/iqfinex_contract.json": contract_json(openapi),
        "generated/finex_contract.json": contract_json(asyncapi),
        "generated/iqfinex_contract.resolved.json": resolved(openapi),
        "generated/finex_contract.resolved.json": resolved(asyncapi),
        "generated/iqfinex_operations.py": emit_iqfinex_operations(openapi),
        "generated/finex_protocol.py": emit_finex_protocol(asyncapi, ws),
    }
