"""The documented ``Idempotency-Key`` schema promises only keys the gateway takes (the fuzz gate's
positive mode sends exactly such keys and expects no 422)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.idempotency import IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY, parse_key
from gateway.problems import InvalidRequest
from gateway.settings import Settings


@settings(max_examples=500, deadline=None)
@given(st.from_regex(IDEMPOTENCY_KEY_PATTERN, fullmatch=True))
def test_every_documented_key_is_accepted(key: str) -> None:
    assert len(key) <= MAX_IDEMPOTENCY_KEY
    assert parse_key(key)


@pytest.mark.parametrize("key", ["", "   ", '""', "x" * 256, "tab\there", "é"])
def test_keys_outside_the_rule_are_refused(key: str) -> None:
    with pytest.raises(InvalidRequest, match="header Idempotency-Key"):
        parse_key(key)


def test_the_header_is_documented_with_the_rule() -> None:
    document: dict[str, Any] = create_app(Settings()).openapi()
    headers = [
        parameter
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "Idempotency-Key"
    ]
    assert len(headers) >= 6  # every state-changing route
    for header in headers:
        schema = header["schema"]
        assert schema["pattern"] == IDEMPOTENCY_KEY_PATTERN
        assert schema["maxLength"] == MAX_IDEMPOTENCY_KEY
