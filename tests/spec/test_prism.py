"""An independent validator agrees with the REST contract: Prism's validation proxy in front of the
sandbox reports no violation on any public GET.

Prism (``@stoplight/prism-cli`` from the local node_modules) proxies to the embedded sandbox, both on
127.0.0.1, and validates every request and response against ``spec/iqfinex.openapi.yaml``, reporting
what it finds in the ``sl-violations`` response header. Every public GET operation is called once per
value of each enumerated path parameter (order-book roundings, candle frames), other path parameters
taking the spec's own examples. Before the contract declared its JSON Schema dialect (2020-12),
Prism read the tuples as draft-07 and flagged every order-book level and candle row.
"""

from __future__ import annotations

import itertools
import json
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from sandbox import EmbeddedSandbox

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "spec" / "iqfinex.openapi.yaml"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def prism_url() -> Iterator[str]:
    with EmbeddedSandbox(seed=0) as sandbox, tempfile.TemporaryFile("w+") as log:
        port = _free_port()
        proc = subprocess.Popen(
            [str(PRISM), "proxy", str(SPEC), sandbox.base_url, "--host", "127.0.0.1", "--port", str(port),
             "--errors=false"],
            cwd=ROOT,
            stdout=log,  # Prism logs every request: a file, never a pipe that could fill up
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"prism exited: {log.read()[-2000:]}")
                assert time.monotonic() < deadline, "prism did not start listening"
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _public_gets() -> list[tuple[str, str]]:
    """(operationId, URL path) of every public GET, once per value of each enumerated path parameter."""
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = document
            for token in node["$ref"].removeprefix("#/").split("/"):
                target = target[token]
            node = target
        return node

    calls = []
    for template, item in document["paths"].items():
        operation = item.get("get")
        if operation is None or operation.get("security"):
            continue
        parameters = [resolve(p) for p in [*item.get("parameters", []), *operation.get("parameters", [])]]
        choices = {
            p["name"]: p["schema"].get("enum", [p.get("example")]) for p in parameters if p["in"] == "path"
        }
        for values in itertools.product(*choices.values()):
            path = template
            for name, value in zip(choices, values, strict=True):
                path = path.replace(f"{{{name}}}", str(value))
            calls.append((operation["operationId"], path))
    return calls


def test_prism_reports_no_violation_on_any_public_get(prism_url: str) -> None:
    calls = _public_gets()
    assert len({operation for operation, _ in calls}) == 9
    violations: dict[str, Any] = {}
    with httpx.Client(base_url=prism_url, timeout=30) as client:
        for operation, path in calls:
            response = client.get(path)
            assert response.status_code == 200, (operation, path, response.text[:300])
            found = response.headers.get("sl-violations")
            if found:
                violations[path] = json.loads(found)[:3]
    assert violations == {}, f"{len(violations)} of {len(calls)} calls have violations: {violations}"
