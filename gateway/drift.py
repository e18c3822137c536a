"""Drift monitor: every upstream response and frame is checked against the upstream contracts.

Validators are compiled once per schema location (jsonschema-rs, with both contracts loaded into one
registry from ``generated/*_contract.json``; which response documents a status comes from
``generated/iqfinex_operations.py``). A violation is counted (``gateway_schema_drift_total``) and logged
once per operation and schema location with the offending JSON path and value; the response is still
served when it can be normalized. Callers decide what cannot be normalized.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
import orjson

from gateway.metrics import Metrics
from generated.contract_types import Response, document
from generated.iqfinex_operations import OPERATIONS

__all__ = [
    "ASYNCAPI_URI",
    "NOT_JSON",
    "OPENAPI_URI",
    "Drift",
    "DriftMonitor",
    "SpecValidators",
    "for_validation",
    "load_specs",
    "spec_validators",
]

log = logging.getLogger("gateway.drift")

OPENAPI_URI = "urn:iqfinex-openapi"
ASYNCAPI_URI = "urn:finex-asyncapi"


@cache
def load_specs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The two upstream contracts as codegen emitted them (``generated/*_contract.json``), once per
    process: the documents the validators compile (and schemathesis loads), never read for facts."""
    return document("iqfinex"), document("finex")


NOT_JSON: Any = object()
"""What :func:`for_validation` returns for a body that is not JSON at all."""


def _finite(text: str) -> float:
    value = float(text)
    return value if value - value == 0 else math.copysign(sys.float_info.max, value)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def for_validation(content: bytes) -> Any:
    """``content`` parsed for the schema check only (the data itself is decoded exactly elsewhere).

    ``orjson`` first (fast); a valid JSON body it refuses (a number beyond double range such as
    ``1e309``) is parsed again with every such number clamped to the largest double, so its type is
    still a number: the drift check never rejects valid JSON. :data:`NOT_JSON` when it is not JSON.
    """
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(content.decode("utf-8"), parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return NOT_JSON


@dataclass(frozen=True)
class Drift:
    upstream: str
    operation: str
    path: str  # JSON path of the offending value, e.g. $.data.AEBTC.bid
    location: str  # schema location, e.g. #/components/schemas/Ticker/properties/bid
    message: str


class SpecValidators:
    """Both upstream contracts in one jsonschema-rs registry, with validators compiled once per schema
    location and the lookup of a REST operation's response for a status (shared by the drift monitor
    and the contract harness)."""

    def __init__(self) -> None:
        self.openapi, self.asyncapi = load_specs()
        self._registry = jsonschema_rs.Registry([(OPENAPI_URI, self.openapi), (ASYNCAPI_URI, self.asyncapi)])
        self._validators: dict[str, Any] = {}
        self._operations = {(op.method, op.path): op for op in OPERATIONS.values()}

    def validator(self, uri: str, draft7: bool) -> Any:
        validator = self._validators.get(uri)
        if validator is None:
            cls = jsonschema_rs.Draft7Validator if draft7 else jsonschema_rs.Draft202012Validator
            validator = cls({"$ref": uri}, registry=self._registry)
            self._validators[uri] = validator
        return validator

    def response(self, method: str, path_template: str, status: int) -> Response | None:
        """The response documenting ``status`` for an operation: the exact code, then its ``NXX``
        range, then ``default`` (``generated/iqfinex_operations.py``)."""
        operation = self._operations.get((method.upper(), path_template))
        return None if operation is None else operation.response(status)

    def rest_schema_uri(self, method: str, path_template: str, status: int) -> str | None:
        """URI of the JSON schema documenting ``status`` of an operation (None: not documented as JSON)."""
        found = self.response(method, path_template, status)
        if found is None or "application/json" not in found.media_types:
            return None
        # A URI fragment may not hold "{" or "}" (path templates): percent-encode them (RFC 6901 §6).
        pointer = found.pointer.replace("{", "%7B").replace("}", "%7D")
        return f"{OPENAPI_URI}#{pointer}/content/application~1json/schema"


@cache
def spec_validators() -> SpecValidators:
    """The process-wide :class:`SpecValidators` (compiled validators are reused by every app)."""
    return SpecValidators()


class DriftMonitor:
    def __init__(self, metrics: Metrics | None = None, max_logged: int = 1000) -> None:
        self._specs = spec_validators()
        self._seen: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self._metrics = metrics
        self._max_logged = max_logged
        self.total = 0

    def rest_schema_uri(self, method: str, path_template: str, status: int) -> str | None:
        return self._specs.rest_schema_uri(method, path_template, status)

    def check_rest(
        self, operation: str, method: str, path_template: str, status: int, body: Any
    ) -> list[Drift]:
        uri = self.rest_schema_uri(method, path_template, status)
        if uri is None:
            return [self._record("iqfinex", operation, "$", "#", f"undocumented status {status}")]
        return self._check("iqfinex", operation, uri, body, draft7=False)

    def check_frame(self, operation: str, schema: str, frame: Any) -> list[Drift]:
        """Check a websocket frame against ``#/components/schemas/<schema>`` of the AsyncAPI doc."""
        return self._check(
            "finex", operation, f"{ASYNCAPI_URI}#/components/schemas/{schema}", frame, draft7=True
        )

    def _check(self, upstream: str, operation: str, uri: str, instance: Any, draft7: bool) -> list[Drift]:
        validator = self._specs.validator(uri, draft7)
        if validator.is_valid(instance):
            return []
        found = []
        for error in validator.iter_errors(instance):
            path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.instance_path)
            location = "#/" + "/".join(str(p) for p in error.schema_path)
            found.append(self._record(upstream, operation, path, location, error.message))
        return found

    def _record(self, upstream: str, operation: str, path: str, location: str, message: str) -> Drift:
        drift = Drift(upstream, operation, path, location, message[:300])
        key = (upstream, operation, location)
        with self._lock:
            self.total += 1
            first = key not in self._seen and len(self._seen) < self._max_logged
            if first:
                self._seen.add(key)
        if self._metrics is not None:
            self._metrics.drift.labels(upstream, operation, location).inc()
        if first:
            log.warning(
                "schema drift: %s %s at %s (%s): %s", upstream, operation, path, location, drift.message
            )
        return drift
