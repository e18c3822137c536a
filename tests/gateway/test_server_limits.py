"""The HTTP server's own limits (issue 14): an oversized request head is 431, a connection that sends
no complete head in time is closed, idle keep-alive connections close, concurrency is bounded; and the
REST transport makes exactly one attempt per call (aiohttp's own retry is off).

Real servers on 127.0.0.1; every wait is bounded by a socket timeout, nothing asserts a duration."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from gateway.app import create_app
from gateway.drift import DriftMonitor
from gateway.iqfinex.client import IqfinexClient
from gateway.metrics import Metrics
from gateway.problems import UpstreamUnavailable
from gateway.server import server_config
from sandbox import EmbeddedSandbox
from tests.gateway.conftest import gateway_settings

pytestmark = pytest.mark.timeout(120)

BOUND = 20.0  # seconds any single socket wait may take before the test fails


@pytest.fixture(scope="module")
def server(sandbox: EmbeddedSandbox) -> Iterator[tuple[int, Any]]:
    settings = gateway_settings(server_header_timeout=0.5, server_keep_alive_timeout=1)
    app = create_app(settings, sandbox=sandbox)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = server_config(app, "127.0.0.1", port, settings, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        threading.Event().wait(0.05)
    assert running.started
    yield port, config
    running.should_exit = True
    thread.join(timeout=BOUND)


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    sock.settimeout(BOUND)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_an_oversized_header_is_431(server: tuple[int, Any]) -> None:
    port, _ = server
    with _connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 64_000 + b"\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]


def test_normal_requests_still_work(server: tuple[int, Any]) -> None:
    port, _ = server
    with _connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize("sent", [b"", b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
def test_a_silent_or_half_sent_connection_is_closed(server: tuple[int, Any], sent: bytes) -> None:
    port, _ = server
    with _connect(port) as sock:
        sock.sendall(sent)
        assert _read_all(sock) == b""  # closed by the server (a hang would hit the socket timeout)


def test_an_idle_keep_alive_connection_is_closed(server: tuple[int, Any]) -> None:
    port, _ = server
    with _connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = _read_all(sock)  # returns once the server closes the idle connection
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_concurrency_and_timeouts_come_from_the_settings() -> None:
    settings = gateway_settings(server_limit_concurrency=7, server_keep_alive_timeout=3)
    config = server_config(object(), "127.0.0.1", 0, settings)
    assert config.limit_concurrency == 7
    assert config.timeout_keep_alive == 3
    assert config.max_head_bytes == settings.server_max_header_bytes  # type: ignore[attr-defined]
    assert config.http == "gateway.server:BoundedHttpToolsProtocol"


async def test_one_attempt_per_call_on_a_dropped_keep_alive_connection() -> None:
    """The upstream answers one request per connection and then drops the connection on the next one
    without answering: aiohttp alone would resend the GET once more (6 attempts for REST_RETRIES=2)."""
    requests = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        answered = False
        while True:
            try:
                await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            requests += 1
            if answered:
                break  # drop the kept-alive connection without an answer
            body = b'{"status": 200, "data": {"count": 0, "rows": []}}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)  # fmt: skip
            await writer.drain()
            answered = True
        writer.close()

    upstream = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = upstream.sockets[0].getsockname()[1]
    settings = gateway_settings(rest_retry_backoff=0.0, rest_transport="aiohttp")
    client = IqfinexClient(f"http://127.0.0.1:{port}", settings, Metrics(), DriftMonitor())
    try:
        await client.call("listCurrencies")  # opens the connection; answered and kept alive
        # With no retries of ours, the one attempt goes to the kept-alive connection, which drops it.
        # aiohttp by itself would resend it on a fresh connection (which answers): it must not.
        with pytest.raises(UpstreamUnavailable):
            await client.call("listCurrencies", retries=0)
        assert requests == 2
    finally:
        await client.aclose()
        upstream.close()
        await upstream.wait_closed()
