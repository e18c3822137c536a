"""Gateway settings, from the environment (and an optional ``.env`` file).

Without upstream URLs the gateway starts the embedded sandbox and talks to it; pointing it at the live
service is a matter of setting ``IQFINEX_BASE_URL`` and ``FINEX_WS_URL``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", secrets_dir=None)

    # Upstreams: unset means "start the embedded sandbox and use it".
    iqfinex_base_url: str | None = Field(default=None, description="Iqfinex REST base URL")
    finex_ws_url: str | None = Field(default=None, description="Finex websocket URL (…/api/v2/open_finance)")

    # Server-side upstream credentials (used when the caller sends none); never logged.
    iqfinex_api_key: SecretStr | None = None
    finex_jwt: SecretStr | None = None
    credentials_file: Path | None = Field(
        default=None, description="JSON file {api_key, jwt} with server-side upstream credentials"
    )
    # Bearer tokens that protect the private routes when server-side credentials are in use.
    gateway_tokens: list[SecretStr] = Field(default_factory=list)

    # Upstream REST transport.
    rest_timeout: float = Field(default=10.0, gt=0, description="per-call timeout, seconds")
    rest_retries: int = Field(default=2, ge=0, le=5, description="retries of idempotent GETs")
    rest_retry_backoff: float = Field(default=0.05, ge=0, description="base backoff, seconds (jittered)")
    rest_pool_size: int = Field(default=64, ge=1)
    rest_transport: Literal["auto", "http1", "aiohttp", "httpx"] = Field(
        default="auto",
        description="upstream REST client, picked by measurement (README Performance); auto: http1 for "
        "an http:// upstream, aiohttp for https://",
    )

    # Coalescing of public market data (gateway.iqfinex.coalesce): concurrent identical requests always
    # share one upstream call; a route listed here also keeps its body this many seconds.
    market_cache_ttl: dict[str, Annotated[float, Field(ge=0, le=60)]] = Field(
        default_factory=dict,
        description='per-route micro-cache TTL, seconds, e.g. {"getTicker": 0.25}; default 0: coalescing',
    )

    fast_path: bool = Field(
        default=True,
        description="serve the hot public GETs ahead of FastAPI routing (gateway.fastpath)",
    )

    # Upstream websocket.
    ws_call_timeout: float = Field(default=10.0, gt=0, description="per-call reply timeout, seconds")
    ws_idle_timeout: float = Field(default=300.0, gt=0, description="close idle upstream connections after")
    ws_max_in_flight: int = Field(default=1024, ge=1, description="pending calls per connection")
    ws_reconnect_max_delay: float = Field(default=5.0, gt=0)
    ws_compression: bool = Field(
        default=True, description="offer permessage-deflate to the upstream websocket (bench/: its cost)"
    )
    event_buffer: int = Field(default=256, ge=1, description="events buffered per raw upstream event stream")
    event_replay: int = Field(
        default=1000, ge=1, description="sequenced events kept per credential for resume (Last-Event-ID)"
    )
    event_reconnect_base: float = Field(default=0.5, gt=0, description="event feed backoff base, seconds")
    event_reconnect_max: float = Field(default=30.0, gt=0, description="event feed backoff cap, seconds")
    event_reconnect_min_interval: float = Field(
        default=1.0, ge=0, description="minimum seconds between two upstream subscription attempts"
    )
    event_stable_after: float = Field(
        default=5.0, ge=0, description="a subscription that dies sooner counts as a failed attempt"
    )
    event_linger: float = Field(
        default=30.0, ge=0, description="keep listening this long after the last event client left"
    )
    heartbeat_interval: float = Field(default=15.0, gt=0)

    # Idempotency keys (state-changing routes): the store and how long a record lives.
    data_dir: Path = Field(
        default=Path(".gateway-data"),
        description="directory of the embedded store (SQLite, WAL): survives restarts, shared by the "
        "worker processes of one machine",
    )
    redis_url: SecretStr | None = Field(
        default=None, description="Redis URL of the shared store for replicas on several machines"
    )
    idempotency_ttl: float = Field(default=86400.0, gt=0, description="seconds an idempotency record lives")
    reconcile_skew: float = Field(
        default=5.0,
        ge=0,
        description="seconds of clock difference allowed when matching upstream orders to a first attempt",
    )

    # Access and browser safety.
    allow_open_access: bool = Field(
        default=False,
        description="start with server-side credentials and no GATEWAY_TOKENS (anyone who reaches the "
        "port trades on the account; logged as a loud warning)",
    )
    bind_host: str = Field(default="127.0.0.1", description="the address served on (set by --host)")
    shared_sandbox: SecretStr | None = Field(
        default=None,
        description="internal, set by `--workers`: the supervisor's embedded sandbox (JSON: URLs and demo "
        "credentials) that every worker uses instead of starting its own",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="accepted Host header names; empty: the loopback names and the bind address",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="browser origins allowed by CORS (empty: CORS off)"
    )

    # Embedded sandbox.
    sandbox_trader: bool = Field(default=True, description="run the sandbox's background trader")
    sandbox_seed: int = 0

    otel_telemetry: bool = Field(
        default=False, description="FastAPI's native OpenTelemetry (spans, metrics, logs to global providers)"
    )
    # Request and server limits (see gateway.limits and gateway.server).
    max_body_bytes: int = Field(default=1 << 20, ge=1, description="largest request body (413 beyond)")
    max_authorization_bytes: int = Field(default=8192, ge=1, description="longest Authorization (431)")
    server_max_header_bytes: int = Field(default=16384, ge=1024, description="request head (431 beyond)")
    server_header_timeout: float = Field(default=10.0, gt=0, description="seconds to send a request head")
    server_keep_alive_timeout: int = Field(default=5, ge=1, description="idle keep-alive seconds")
    server_limit_concurrency: int = Field(default=1000, ge=1, description="connections/tasks (503 beyond)")

    # Drift: an upstream value that cannot be normalized.
    drift_policy: Literal["lenient", "strict"] = Field(
        default="lenient",
        description="lenient: serve that value as null and name its JSON path in the Gateway-Drift "
        "response header; strict: answer 502 bad-upstream-response",
    )

    log_level: str = "info"
    access_log: bool = Field(
        default=False,
        description="log one line per request (uvicorn's access log: client, method, path, status; "
        "never headers, so no credentials)",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
