"""``EmbeddedSandbox``: the sandbox served by uvicorn on 127.0.0.1 in a background thread.

with EmbeddedSandbox(seed=1) as sandbox:
    httpx.get(f"{sandbox.base_url}/v1/tickers")
    sandbox.set_faults(error_rate=0.5)
    sandbox.stats()["rest"]["listTickers"]
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .app import WS_PATH, create_app
from .settings import DEFAULT_CONFIG, Faults, Settings
from .state import SandboxState

__all__ = ["Credentials", "EmbeddedSandbox"]

_START_TIMEOUT = 10.0


class Credentials(dict[str, Any]):
    """The demo account's credentials; keys also readable as attributes (``.api_key``, ``.jwt``,
    ``.readonly_api_key`` for 402 tests, ``.expired_api_key``, ``.whitelisted_api_key``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


class EmbeddedSandbox:
    """Start on ``__enter__``/``__aenter__`` (bounded wait until ready), stop cleanly on exit."""

    def __init__(
        self,
        *,
        trader: bool = False,
        seed: int = 0,
        drift: bool = False,
        heartbeat_interval: float | None = None,
        trader_interval: float | None = None,
        config_path: str | Path = DEFAULT_CONFIG,
        faults: Faults | None = None,
    ) -> None:
        faults = faults or Faults()
        if drift:
            faults.drift = True
        self.settings = Settings(
            config_path=Path(config_path),
            seed=seed,
            trader=trader,
            heartbeat_interval=heartbeat_interval,
            trader_interval=trader_interval,
            faults=faults,
        )
        self.app = create_app(self.settings)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    @property
    def state(self) -> SandboxState:
        state: SandboxState = self.app.state.sandbox
        return state

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{WS_PATH}"

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.state.credentials())

    def set_faults(self, **kwargs: Any) -> dict[str, Any]:
        """Merge fault settings (names as in ``Faults``); returns the resulting faults."""
        self.state.faults = self.state.faults.updated(kwargs)
        return self.state.faults.as_dict()

    def reset(self) -> None:
        """Fresh seeded state and cleared faults."""
        self.state.faults = Faults(drift=self.settings.faults.drift)
        self._call(self.state.reset)

    def stats(self) -> dict[str, Any]:
        state = self.state
        return {
            "rest": dict(state.rest_counts),
            "ws": dict(state.ws_counts),
            "ws_connections": state.ws_connections,
            "ws_refused": state.ws_refused,
            "ws_frames_sent": state.ws_frames_sent,
            "authorization_sha256": sorted(state.authorization_seen),
        }

    def _call(self, func: Any) -> None:
        loop = self._loop
        if loop is None or not loop.is_running():
            func()
            return
        done = threading.Event()

        def run() -> None:
            try:
                func()
            finally:
                done.set()

        loop.call_soon_threadsafe(run)
        done.wait(_START_TIMEOUT)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Serve on 127.0.0.1: a free port the first time, the same port again after :meth:`stop` (state,
        orders and faults survive a stop/start: an upstream outage, not a new exchange)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", ws="websockets-sansio")
        server = uvicorn.Server(config)
        self._server = server

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(server.serve(sockets=[sock]))
            finally:
                loop.close()
                sock.close()

        self._thread = threading.Thread(target=run, name=f"sandbox-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("embedded sandbox did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_START_TIMEOUT)
        self._server = None
        self._thread = None
        self._loop = None

    def __enter__(self) -> EmbeddedSandbox:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> EmbeddedSandbox:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)
