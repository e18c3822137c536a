"""Fixtures of the gateway tests: a gateway app per test over the session sandbox
(``tests/sandbox_plugin.py``: ``sandbox``, ``clean_sandbox``).

The app's lifespan runs inside the test's event loop (``app.router.lifespan_context``) and requests go
through ``httpx.ASGITransport``; the gateway itself talks to the sandbox over real sockets on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
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
    values: dict[str, Any] = {
        "rest_timeout": 5.0, "rest_retries": 2, "rest_retry_backoff": 0.01,
        "allowed_hosts": ["gateway", "testserver", "127.0.0.1", "localhost"], **overrides,
    }  # fmt: skip
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


# ------------------------------------------------------------------------------------ stores
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``redis-server`` on a free 127.0.0.1 port in a temporary directory (``make install``
    installs Debian's package); its URL. Stopped at the end of the session."""
    import shutil
    import subprocess
    import time

    import redis

    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed (make install installs it)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [exe, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir), "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):  # bounded wait until it answers
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    pytest.fail("redis-server exited at start")
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        client.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(params=["sqlite", "redis"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Any) -> dict[str, Any]:
    """Settings of one idempotency store: a fresh SQLite directory, or the session Redis (flushed)."""
    if request.param == "sqlite":
        return {"data_dir": tmp_path / "data"}
    import redis

    url = request.getfixturevalue("redis_server")
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return {"redis_url": url, "data_dir": tmp_path / "unused"}


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Gateways built by the tests keep their embedded store in a temporary directory."""
    import os

    previous = os.environ.get("DATA_DIR")
    os.environ["DATA_DIR"] = str(tmp_path_factory.mktemp("gateway-data"))
    yield
    if previous is None:
        os.environ.pop("DATA_DIR", None)
    else:
        os.environ["DATA_DIR"] = previous
