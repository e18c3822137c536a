"""Fixtures of the gateway tests: a gateway app per test over the session sandbox
(``tests/sandbox_plugin.py``: ``sandbox``, ``clean_sandbox``).

The app's lifespan runs inside the test's event loop (``app.router.lifespan_context``) and requests go
through ``httpx.ASGITransport``; the gateway itself talks to the sandbox over real sockets on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import Settings
from sandbox import EmbeddedSandbox


def gateway_settings(**overrides: Any) -> Settings:
    """Settings independent of the environment and any ``.env`` file."""
    values: dict[str, Any] = {"rest_timeout": 5.0, "rest_retries": 2, "rest_retry_backoff": 0.01, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app``'s lifespan and give a client talking to it in-process."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        yield client


@pytest.fixture
async def client(sandbox: EmbeddedSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a gateway whose upstream is the session sandbox (demo account, no gateway tokens)."""
    async with serve(create_app(gateway_settings(), sandbox=sandbox)) as c:
        yield c


@pytest.fixture
def make_client(sandbox: EmbeddedSandbox) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """``async with make_client(**settings) as client``: a gateway over the sandbox with these settings."""

    def make(**overrides: Any) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return serve(create_app(gateway_settings(**overrides), sandbox=sandbox))

    return make
