"""Fixtures: a fresh embedded sandbox per test (``make_sandbox`` of ``tests/sandbox_plugin.py``), a
contract-checked REST client, a websocket helper."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import websockets

from sandbox import EmbeddedSandbox

from .conformance import check_ws, rest_hook


@pytest.fixture
def sandbox(make_sandbox: Callable[..., EmbeddedSandbox]) -> EmbeddedSandbox:
    """A fresh sandbox for each test: these tests change its state and read its counters."""
    return make_sandbox(seed=7, heartbeat_interval=0.2)


@pytest.fixture
def api(sandbox: EmbeddedSandbox) -> Iterator[httpx.Client]:
    """REST client whose every upstream answer is validated against the OpenAPI contract."""
    with httpx.Client(base_url=sandbox.base_url, timeout=5, event_hooks={"response": [rest_hook]}) as client:
        yield client


async def _async_hook(response: httpx.Response) -> None:
    await response.aread()
    rest_hook(response)


@pytest.fixture
async def aapi(sandbox: EmbeddedSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Async REST client with the same contract check."""
    hooks = {"response": [_async_hook]}
    async with httpx.AsyncClient(base_url=sandbox.base_url, timeout=10, event_hooks=hooks) as client:
        yield client


@pytest.fixture
def auth(sandbox: EmbeddedSandbox) -> dict[str, str]:
    return {"Authorization": sandbox.credentials.api_key}


class Ws:
    """Websocket client: every received frame is validated against the AsyncAPI contract."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.frames: list[Any] = []
        self._next_id = 100

    async def send(self, method: str, args: Any) -> int:
        self._next_id += 1
        await self.connection.send(json.dumps([1, self._next_id, method, args]))
        return self._next_id

    async def recv(self, wait: float = 3.0) -> Any:
        frame = json.loads(await asyncio.wait_for(self.connection.recv(), wait))
        check_ws(frame)
        self.frames.append(frame)
        return frame

    async def reply(self, request_id: int, wait: float = 3.0) -> Any:
        for _ in range(200):
            frame = await self.recv(wait)
            if frame[0] == 2 and frame[1] == request_id:
                return frame
        raise AssertionError("no reply")

    async def call(self, method: str, args: Any) -> Any:
        return await self.reply(await self.send(method, args))

    async def until(self, predicate: Any, wait: float = 3.0) -> Any:
        for _ in range(200):
            frame = await self.recv(wait)
            if predicate(frame):
                return frame
        raise AssertionError("frame not seen")


@pytest.fixture
async def ws(sandbox: EmbeddedSandbox) -> AsyncIterator[Ws]:
    headers = {"Authorization": f"Bearer {sandbox.credentials.jwt}"}
    async with websockets.connect(sandbox.ws_url, additional_headers=headers, open_timeout=5) as connection:
        yield Ws(connection)
