"""Drift monitor: every upstream response and frame is checked against the upstream contracts.

Validators are compiled once per schema location (jsonschema-rs, with both specs loaded into one
registry). A violation is counted (``gateway_schema_drift_total``) and logged once per operation and
schema location with the offending JSON path and value; the response is still served when it can be
normalized. Callers decide what cannot be normalized.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from gateway.metrics import Metrics

__all__ = [
    "ASYNCAPI_URI",
    "OPENAPI_URI",
    "Drift",
    "DriftMonitor",
    "SpecValidators",
    "load_specs",
    "spec_validators",
]

log = logging.getLogger("gateway.drift")

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
OPENAPI_URI = "urn:iqfinex-openapi"
ASYNCAPI_URI = "urn:finex-asyncapi"


@cache
def load_specs() -> tuple[dict[str, Any], dict[str, Any]]:
    """The two upstream contracts, parsed once per process."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster start
    openapi = yaml.load((SPEC_DIR / "iqfinex.openapi.yaml").read_text(encoding="utf-8"), Loader=loader)
    asyncapi = yaml.load((SPEC_DIR / "finex.asyncapi.yaml").read_text(encoding="utf-8"), Loader=loader)
    return openapi, asyncapi


@dataclass(frozen=True)
class Drift:
    upstream: str
    operation: str
    path: str  # JSON path of the offending value, e.g. $.data.AEBTC.bid
    location: str  # schema location, e.g. #/components/schemas/Ticker/properties/bid
    message: str


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class SpecValidators:
    """Both upstream contracts in one jsonschema-rs registry, with validators compiled once per schema
    location and the lookup of a REST operation's response for a status (shared by the drift monitor
    and the contract harness)."""

    def __init__(self) -> None:
        self.openapi, self.asyncapi = load_specs()
        self._registry = jsonschema_rs.Registry([(OPENAPI_URI, self.openapi), (ASYNCAPI_URI, self.asyncapi)])
        self._validators: dict[str, Any] = {}

    def validator(self, uri: str, draft7: bool) -> Any:
        validator = self._validators.get(uri)
        if validator is None:
            cls = jsonschema_rs.Draft7Validator if draft7 else jsonschema_rs.Draft202012Validator
            validator = cls({"$ref": uri}, registry=self._registry)
            self._validators[uri] = validator
        return validator

    def response(self, method: str, path_template: str, status: int) -> tuple[str, dict[str, Any]] | None:
        """(JSON pointer, response object) documenting ``status`` for an operation: the exact code, then
        its ``NXX`` range, then ``default``; ``$ref`` followed."""
        operation = self.openapi["paths"].get(path_template, {}).get(method.lower())
        if operation is None:
            return None
        responses = operation.get("responses", {})
        code = str(status)
        key = next((k for k in (code, f"{code[0]}XX", f"{code[0]}xx", "default") if k in responses), None)
        if key is None:
            return None
        pointer = f"/paths/{_escape(path_template)}/{method.lower()}/responses/{key}"
        response = responses[key]
        if "$ref" in response:
            pointer = response["$ref"][1:]
            response = self.openapi
            for token in pointer.strip("/").split("/"):
                response = response[token.replace("~1", "/").replace("~0", "~")]
        return pointer, response

    def rest_schema_uri(self, method: str, path_template: str, status: int) -> str | None:
        """URI of the JSON schema documenting ``status`` of an operation (None: not documented as JSON)."""
        found = self.response(method, path_template, status)
        if found is None or "application/json" not in found[1].get("content", {}):
            return None
        # A URI fragment may not hold "{" or "}" (path templates): percent-encode them (RFC 6901 §6).
        pointer = found[0].replace("{", "%7B").replace("}", "%7D")
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
