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

    # Embedded sandbox.
    sandbox_trader: bool = Field(default=True, description="run the sandbox's background trader")
    sandbox_seed: int = 0

    otel_telemetry: bool = Field(
        default=False, description="FastAPI's native OpenTelemetry (spans, metrics, logs to global providers)"
    )

    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
