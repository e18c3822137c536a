"""The documentation pages render in a real browser, offline.

The gateway runs on a real socket (127.0.0.1) over the session sandbox; headless Chromium (Debian's
``chromium``, installed by ``make install``) loads ``/docs``, ``/docs/iqfinex`` and ``/docs/finex/``
through ``tools/render_check.mjs`` (playwright-core). Every operation of each document must render,
with no console error, no page error and no request that leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml

from gateway.app import create_app
from gateway.docs import IQFINEX_CONTRACT, PAGES
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gateway_url(sandbox: EmbeddedSandbox) -> Iterator[str]:
    """The gateway over the session sandbox, served by uvicorn on 127.0.0.1 in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(gateway_settings(), sandbox=sandbox)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "gateway did not start"
        assert time.monotonic() < deadline, "gateway did not start in time"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def _openapi_operations(document: dict[str, Any]) -> dict[str, str]:
    """operationId → the element id Swagger UI gives the operation (``operations-<tag>-<id>``)."""
    return {
        op["operationId"]: f"operations-{(op.get('tags') or ['default'])[0]}-{op['operationId']}"
        for item in document["paths"].values()
        for method, op in item.items()
        if method in _HTTP_METHODS
    }


def _asyncapi_operations() -> dict[str, tuple[str, ...]]:
    """operationId → the element ids the AsyncAPI page may give it (``operation-<kind>-<id>``)."""
    document = yaml.safe_load((ROOT / "spec" / "finex.asyncapi.yaml").read_text(encoding="utf-8"))
    kinds = ("send", "receive", "request", "reply")
    return {name: tuple(f"operation-{kind}-{name}" for kind in kinds) for name in document["operations"]}


def test_every_operation_of_every_docs_page_renders_offline(gateway_url: str) -> None:
    assert Path(CHROMIUM).exists(), "chromium is missing: `make install` installs it"
    gateway = httpx.get(f"{gateway_url}/openapi.json").json()
    iqfinex = json.loads(IQFINEX_CONTRACT.read_text(encoding="utf-8"))
    assert httpx.get(f"{gateway_url}{PAGES['iqfinex']}/openapi.json").json() == iqfinex
    expected_swagger = {"gateway": _openapi_operations(gateway), "iqfinex": _openapi_operations(iqfinex)}
    finex = _asyncapi_operations()
    swagger = {"selector": ".opblock[id]", "attribute": "id"}
    pages = [
        {"name": name, "url": f"{gateway_url}{PAGES[name]}", **swagger, "expected": sorted(ops)}
        for name, ops in expected_swagger.items()
    ]
    pages.append(
        {
            "name": "finex",
            "url": f"{gateway_url}{PAGES['finex']}",
            "selector": "[id^='operation-']",
            "attribute": "id",
            "expected": sorted(finex),
        }
    )
    proc = subprocess.run(
        ["node", str(ROOT / "tools" / "render_check.mjs")],
        input=json.dumps({"pages": pages, "timeout_ms": 60_000}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": str(ROOT / ".pytest_cache")},
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = {page["name"]: page for page in json.loads(proc.stdout)["pages"]}

    for name, ops in expected_swagger.items():
        found = set(report[name]["found"])
        missing = sorted(op for op, element in ops.items() if element not in found)
        assert not missing, f"{name}: operations not rendered: {missing}"
        assert len(found) == len(ops), f"{name}: {len(found)} operations rendered, {len(ops)} documented"
    found = set(report["finex"]["found"])
    missing = sorted(op for op, elements in finex.items() if not found.intersection(elements))
    assert not missing, f"finex: operations not rendered: {missing}"

    for name, page in report.items():
        assert page["blocked"] == [], f"{name}: requests that would leave 127.0.0.1: {page['blocked']}"
        assert page["console_errors"] == [], f"{name}: console errors: {page['console_errors']}"
        assert page["page_errors"] == [], f"{name}: page errors: {page['page_errors']}"
        assert page["failed"] == [], f"{name}: failed requests: {page['failed']}"
