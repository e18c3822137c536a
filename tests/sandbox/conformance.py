"""Validators of sandbox traffic against the hand-written contracts.

- REST: ``check_rest(method, path, status, body)`` finds the operation whose path template matches,
  takes its response schema for ``status`` and validates with Draft 2020-12 and a ``referencing``
  registry holding the whole OpenAPI document (so ``#/components/...`` refs resolve).
  ``rest_hook`` is an httpx response hook doing this for every response of a client.
- Websocket: ``check_ws(frame)`` picks the AsyncAPI message schema for a server frame (reply by
  method, ``error`` reply, public/private event by name) and validates with Draft 7.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

__all__ = ["ContractViolation", "check_rest", "check_ws", "rest_hook", "rest_operation"]

SPEC = Path(__file__).resolve().parents[2] / "spec"
OPENAPI_URI = "urn:iqfinex-openapi"
ASYNCAPI_URI = "urn:finex-asyncapi"


class ContractViolation(AssertionError):
    pass


def _pointer(*tokens: str) -> str:
    return "#/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens)


@cache
def _openapi() -> tuple[dict[str, Any], Registry[Any], list[tuple[str, re.Pattern[str], str, str]]]:
    doc = yaml.safe_load((SPEC / "iqfinex.openapi.yaml").read_text())
    registry: Registry[Any] = Registry().with_resource(OPENAPI_URI, Resource(doc, DRAFT202012))
    operations = []
    for path, item in doc["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")
        for method, op in item.items():
            operations.append((method.upper(), pattern, path, op["operationId"]))
    return doc, registry, operations


def rest_operation(method: str, path: str) -> tuple[str, str] | None:
    """(operationId, path template) of a request, None when not an upstream operation."""
    _, _, operations = _openapi()
    for op_method, pattern, template, operation_id in operations:
        if op_method == method.upper() and pattern.match(path):
            return operation_id, template
    return None


def check_rest(method: str, path: str, status: int, body: bytes) -> str:
    """Validate one REST answer; returns its operationId."""
    doc, registry, _ = _openapi()
    found = rest_operation(method, path)
    if found is None:
        raise ContractViolation(f"{method} {path} is not an operation of the spec")
    operation_id, template = found
    responses = doc["paths"][template][method.lower()]["responses"]
    if str(status) not in responses:
        raise ContractViolation(f"{operation_id}: status {status} is not documented")
    response = responses[str(status)]
    pointer = ("paths", template, method.lower(), "responses", str(status))
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = doc["components"]["responses"][name]
        pointer = ("components", "responses", name)
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise ContractViolation(f"{operation_id}: body is not JSON: {body[:80]!r}") from exc
    schema = {"$ref": OPENAPI_URI + _pointer(*pointer, "content", "application/json", "schema")}
    errors = sorted(Draft202012Validator(schema, registry=registry).iter_errors(payload), key=str)
    if errors:
        raise ContractViolation(
            f"{operation_id} {status}: {errors[0].message} at {list(errors[0].absolute_path)}"
        )
    return operation_id


def rest_hook(response: httpx.Response) -> None:
    """httpx response hook: every upstream answer must match the contract."""
    request = response.request
    if rest_operation(request.method, request.url.path) is None:
        return
    response.read()
    check_rest(request.method, request.url.path, response.status_code, response.content)


@cache
def _asyncapi() -> tuple[Registry[Any], dict[str, str], dict[str, str], str]:
    doc = yaml.safe_load((SPEC / "finex.asyncapi.yaml").read_text())
    registry: Registry[Any] = Registry().with_resource(ASYNCAPI_URI, Resource(doc, DRAFT7))

    def payload_ref(message_ref: str) -> str:
        # '#/channels/openFinance/messages/x' -> components message -> payload $ref
        node: Any = doc
        for token in message_ref.removeprefix("#/").split("/"):
            node = node[token]
        if "$ref" in node:
            return payload_ref(node["$ref"])
        return str(node["payload"]["$ref"])

    replies: dict[str, str] = {}
    events: dict[str, str] = {}
    error = ""
    for operation in doc["operations"].values():
        if "x-method" in operation:
            refs = [payload_ref(m["$ref"]) for m in operation["reply"]["messages"]]
            replies[operation["x-method"]] = next(r for r in refs if not r.endswith("/ErrorReply"))
            error = next((r for r in refs if r.endswith("/ErrorReply")), error)
        if "x-event" in operation:
            events[str(operation["x-event"])] = payload_ref(operation["messages"][0]["$ref"])
    return registry, replies, events, error


def check_ws(frame: Any) -> str:
    """Validate one server → client websocket frame (decoded JSON); returns the schema name."""
    registry, replies, events, error = _asyncapi()
    if not isinstance(frame, list) or len(frame) < 3:
        raise ContractViolation(f"not a frame: {frame!r}")
    if frame[0] == 2:
        ref = error if frame[2] == "error" else replies.get(frame[2])
    elif frame[0] in (3, 4):
        ref = events.get(frame[1])
    else:
        ref = None
    if not ref:
        raise ContractViolation(f"no message schema for frame {frame!r:.120}")
    errors = sorted(
        Draft7Validator({"$ref": ASYNCAPI_URI + ref}, registry=registry).iter_errors(frame), key=str
    )
    if errors:
        raise ContractViolation(f"{ref}: {errors[0].message} at {list(errors[0].absolute_path)}")
    return ref.rsplit("/", 1)[-1]
