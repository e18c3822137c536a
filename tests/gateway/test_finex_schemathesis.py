"""schemathesis over the Finex routes (in-process ASGI, positive and negative cases, bounded).

No 5xx except the documented upstream ones (502/503/504); every response conforms to the gateway's
own OpenAPI document (status code, content type, body schema); schema-violating requests are
rejected. The SSE route is left out: its stream never ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.app import create_app
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]

UPSTREAM_STATUSES = {502, 503, 504}


@pytest.fixture
def app(clean_sandbox: EmbeddedSandbox) -> Iterator[FastAPI]:
    application = create_app(gateway_settings(ws_call_timeout=5.0), sandbox=clean_sandbox)
    yield application
    shutdown_lifespans()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_finex_routes_conform(app: FastAPI, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(tag="finex")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 12
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    if mode is GenerationMode.NEGATIVE:
        checks.append(negative_data_rejection)
    strategy = st.one_of([op.as_strategy(generation_mode=mode) for op in operations])

    @given(case=strategy)
    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        # Generated Authorization values are arbitrary JWTs (each a refused upstream handshake): use the
        # gateway's server-side credentials instead. Credentials are optional here (server-side ones
        # apply without a header), so a case whose only flaw is a missing header is not negative.
        phase = case.meta.phase.data if case.meta is not None else None
        negated = {getattr(phase, "parameter", None)}
        negated.update(m.parameter for m in getattr(phase, "mutations", None) or ())
        assume("Authorization" not in negated)
        if case.headers:
            case.headers.pop("Authorization", None)
        response = case.call_and_validate(checks=checks)
        assert response.status_code < 500 or response.status_code in UPSTREAM_STATUSES, (
            case.operation.label,
            response.status_code,
            response.text[:300],
        )

    run()
