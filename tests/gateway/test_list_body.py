"""The rows' body built without intermediate dicts (``Normalizer.list_body``, ``FinexClient.body``) is
byte for byte the gateway's encoding of the normalized rows, for well-formed rows and for every kind of
drift (numbers where text is expected, missing, extra and null slots, wrong types), strict or lenient."""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway._json import encode
from gateway.drift import DriftMonitor
from gateway.finex.client import FinexClient
from gateway.finex.protocol import _BODIES
from gateway.metrics import Metrics
from gateway.normalize import collect_drift
from gateway.problems import BadUpstreamResponse
from gateway.settings import Settings
from generated.finex_protocol import METHODS

LIST_METHODS = sorted(_BODIES)


def _client() -> FinexClient:
    metrics = Metrics()
    settings = Settings(iqfinex_base_url="http://127.0.0.1:9", finex_ws_url="ws://127.0.0.1:9")
    return FinexClient(object(), settings, metrics, DriftMonitor(metrics))  # type: ignore[arg-type]


def _documented_rows(method: str) -> list[Any]:
    return orjson.loads(METHODS[method].reply_examples[0])[3]  # type: ignore[no-any-return]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["0.250000", "9120", "1e-7", "-0.00", "abc", "", "1_0", " 1", "l", "w", "buy", "btcusd"]),
    st.text(max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@st.composite
def drifted_rows(draw: st.DrawFn, method: str) -> list[Any]:
    rows = [list(row) for row in _documented_rows(method)]
    for row in rows:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            action = draw(st.sampled_from(["replace", "append", "truncate"]))
            if action == "replace" and row:
                row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(scalars)
            elif action == "append":
                row.append(draw(scalars))
            elif row:
                del row[draw(st.integers(min_value=0, max_value=len(row) - 1)) :]
    return rows


def _both(client: FinexClient, method: str, rows: Any) -> tuple[bytes | str, bytes | str]:
    raw = msgspec.Raw(msgspec.json.encode(rows))  # integers beyond 64 bits too
    outcomes: list[bytes | str] = []
    for build in (lambda: client.body(method, raw), lambda: encode(client.result(method, raw))):
        try:
            outcomes.append(build())
        except BadUpstreamResponse as exc:
            outcomes.append(f"502: {exc}")
    return outcomes[0], outcomes[1]


def test_every_list_method_has_a_body_builder() -> None:
    assert {"list_orders", "list_orders_by_uuids", "list_order_trades"} <= set(LIST_METHODS)


@pytest.mark.parametrize("method", LIST_METHODS)
def test_documented_replies_give_the_same_bytes(method: str) -> None:
    body, expected = _both(_client(), method, _documented_rows(method) * 3)
    assert isinstance(body, bytes)
    assert body == expected


@pytest.mark.parametrize("method", LIST_METHODS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_drifted_rows_give_the_same_bytes_or_the_same_problem(method: str, data: st.DataObject) -> None:
    rows = data.draw(drifted_rows(method))
    client = _client()
    assert _both(client, method, rows)[0] == _both(client, method, rows)[1]
    with collect_drift() as fast_log:
        fast = _both(client, method, rows)[0]
    with collect_drift() as slow_log:
        slow = _both(client, method, rows)[1]
    assert fast == slow
    assert fast_log.paths == slow_log.paths


def test_not_a_list_is_the_same_problem() -> None:
    client = _client()
    for result in ({"a": 1}, "x", 3, None, [1, 2]):
        fast, slow = _both(client, "list_orders", result)
        assert fast == slow
