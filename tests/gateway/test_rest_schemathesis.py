"""Schemathesis against the gateway's own OpenAPI document, in process (ASGI), sandbox upstream.

Every REST operation, positive and negative generation: responses conform to the documented status
codes, content types and schemas; invalid input is rejected with a 4xx; no 5xx except the documented
upstream problems (502/503/504 as ``application/problem+json``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.app import create_app, openapi_document
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

MAX_EXAMPLES = 25
REST_TAGS = {"markets", "account", "orders"}
_DOCUMENT = openapi_document()
OPERATIONS = [
    (method.upper(), path)
    for path, item in _DOCUMENT["paths"].items()
    for method, operation in item.items()
    if REST_TAGS & set(operation.get("tags", ()))
]


def _has_input(method: str, path: str) -> bool:
    """Whether an operation takes a path/query parameter or a body, i.e. input that can be made invalid."""
    operation = _DOCUMENT["paths"][path][method.lower()]
    params = [p for p in operation.get("parameters", []) if p.get("in") in {"path", "query"}]
    return bool(params) or "requestBody" in operation


# Negative generation only where there is input to break (no parameters: nothing can be invalid).
CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if _has_input(m, p)
]
UPSTREAM_PROBLEMS = {
    "/problems/bad-upstream-response",
    "/problems/upstream-unavailable",
    "/problems/upstream-timeout",
}


@pytest.fixture(scope="module")
def schema(sandbox: EmbeddedSandbox) -> Iterator[Any]:
    app = create_app(gateway_settings(), sandbox=sandbox)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield loaded
    finally:
        shutdown_lifespans()  # closes the gateway's upstream pool inside schemathesis' event loop


def test_every_rest_operation_is_covered() -> None:
    assert len(OPERATIONS) == 18


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=lambda v: str(v))
def test_gateway_conforms_to_its_schema(schema: Any, method: str, path: str, mode: GenerationMode) -> None:
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call()
        if response.status_code >= 500:
            assert response.status_code in (502, 503, 504), response.text
            assert response.json()["type"] in UPSTREAM_PROBLEMS
        case.validate_response(
            response,
            checks=[
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
                negative_data_rejection,
            ],
        )

    run()
