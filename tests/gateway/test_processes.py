"""Real gateway processes (``python -m gateway``): two sharing one store place one order per key,
the debug logs carry no secret, the server sends no banner, and a gateway that would be open refuses
to start."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect

from sandbox import EmbeddedSandbox
from sandbox.settings import Faults
from tests.gateway.conftest import free_port

pytestmark = [pytest.mark.timeout(120), pytest.mark.usefixtures("clean_sandbox")]

TOKEN = "gw-process-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ORDER = {"market": "BTCUSDT", "side": "buy", "volume": "0.01", "price": "100"}
FINEX_ORDER = {"market": "btcusdt", "type": "limit", "side": "buy", "volume": "0.01", "price": "100"}


def gateway_env(sandbox: EmbeddedSandbox, **values: str) -> dict[str, str]:
    creds = sandbox.credentials
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "TMPDIR")}
    env.update({
        "IQFINEX_BASE_URL": sandbox.base_url,
        "FINEX_WS_URL": sandbox.ws_url,
        "IQFINEX_API_KEY": creds.api_key,
        "FINEX_JWT": creds.jwt,
        "GATEWAY_TOKENS": orjson.dumps([TOKEN]).decode(),
        "LOG_LEVEL": "debug",
        "REST_TIMEOUT": "1.0",
        "WS_CALL_TIMEOUT": "5",
    })  # fmt: skip
    env.update(values)
    return env


@contextmanager
def gateways(env: dict[str, str], workdir: Path, count: int) -> Iterator[list[tuple[str, Path]]]:
    """``count`` gateway processes on free ports; yields (base URL, log file) pairs; stops them."""
    started: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        for index in range(count):
            port = free_port()
            log = workdir / f"gateway-{index}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port)],
                    env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            deadline = time.monotonic() + 60
            while True:  # bounded wait until it serves
                if process.poll() is not None:
                    pytest.fail(f"gateway exited at start: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"gateway did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield [(url, log) for _, url, log in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)


async def _post_many(urls: list[str], path: str, body: Any, key: str, each: int) -> list[httpx.Response]:
    headers = {**AUTH, "Idempotency-Key": f'"{key}"'}
    async with httpx.AsyncClient(timeout=30) as http:
        return await asyncio.gather(
            *(http.post(f"{url}{path}", json=body, headers=headers) for url in urls for _ in range(each))
        )


def _one_outcome(answers: list[httpx.Response]) -> None:
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    assert len({a.text for a in answers if a.status_code == 200}) == 1
    for answer in answers:
        assert "server" not in answer.headers  # no version banner


async def _wait_listed(url: str, path: str, count: int) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        for _ in range(200):
            rows = (await http.get(f"{url}{path}", headers=AUTH)).json()
            rows = rows["rows"] if isinstance(rows, dict) else rows
            if len(rows) >= count:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("never listed")


async def test_two_gateway_processes_sharing_a_store_place_one_order(
    clean_sandbox: EmbeddedSandbox, store_settings: dict[str, Any], tmp_path: Path
) -> None:
    values = {"DATA_DIR": str(store_settings["data_dir"])}
    if "redis_url" in store_settings:
        values["REDIS_URL"] = store_settings["redis_url"]
    env = gateway_env(clean_sandbox, **values)
    with gateways(env, tmp_path, 2) as running:
        urls = [url for url, _ in running]
        _one_outcome(await _post_many(urls, "/v1/orders", ORDER, str(uuid.uuid4()), 5))
        _one_outcome(await _post_many(urls, "/v1/finex/orders", FINEX_ORDER, str(uuid.uuid4()), 5))
        stats = clean_sandbox.stats()
        assert stats["rest"]["createOrder"] == 1
        assert stats["ws"]["create_order"] == 1

        # Outcome unknown on one process, the retry on the other: reconciled, still one order.
        key = str(uuid.uuid4())
        clean_sandbox.set_faults(latency_ms=2500)
        (first,) = await _post_many(urls[:1], "/v1/orders", {**ORDER, "price": "101"}, key, 1)
        assert first.json()["type"] == "/problems/outcome-unknown"
        clean_sandbox.state.faults = Faults()
        await _wait_listed(urls[0], "/v1/orders/open", 3)  # both REST orders and the Finex one
        (retry,) = await _post_many(urls[1:], "/v1/orders", {**ORDER, "price": "101"}, key, 1)
        assert retry.status_code == 200, retry.text
        assert retry.headers["Idempotency-Reconciled"] == "true"
        assert clean_sandbox.stats()["rest"]["createOrder"] == 2

        # The private event stream with the gateway token (its handshake is in the debug log too).
        ws_url = urls[0].replace("http://", "ws://") + "/v1/events/ws"
        async with connect(ws_url, additional_headers=AUTH):
            pass
    logs = "".join(log.read_text() for _, log in running)
    assert " DEBUG " in logs  # the level really was debug
    creds = clean_sandbox.credentials
    for secret in (TOKEN, creds.api_key, creds.jwt):
        assert secret not in logs


def test_a_gateway_with_server_credentials_and_no_tokens_refuses_to_start(
    sandbox: EmbeddedSandbox, tmp_path: Path
) -> None:
    env = gateway_env(sandbox, GATEWAY_TOKENS="[]", DATA_DIR=str(tmp_path / "data"))
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=tmp_path, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert b"refusing to start" in result.stderr
    assert sandbox.credentials.api_key.encode() not in result.stderr + result.stdout
