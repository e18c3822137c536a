"""What one running gateway holds: its upstream clients, credentials, drift monitor and metrics.

Built in the app's lifespan (:func:`gateway.app.lifespan`) and reached by routes through
``gateway.deps``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.auth import Auth, UpstreamCredentials
from gateway.drift import DriftMonitor
from gateway.metrics import Metrics
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.finex.client import FinexClient
    from gateway.idempotency import Idempotency
    from gateway.iqfinex.client import IqfinexClient
    from gateway.iqfinex.coalesce import Coalescer
    from sandbox import EmbeddedSandbox

__all__ = ["GatewayState", "SharedSandbox", "Upstream", "resolve_upstream"]


@dataclass(frozen=True)
class Upstream:
    """Where the upstreams are and which server-side credentials to use."""

    rest_url: str
    ws_url: str
    credentials: UpstreamCredentials
    embedded: bool


@dataclass(frozen=True)
class SharedSandbox:
    """The embedded sandbox of a ``--workers`` supervisor, as each worker sees it (URLs, demo account)."""

    base_url: str
    ws_url: str
    credentials: UpstreamCredentials

    @classmethod
    def from_json(cls, text: str) -> SharedSandbox:
        data = json.loads(text)
        return cls(data["base_url"], data["ws_url"], UpstreamCredentials(data["api_key"], data["jwt"]))

    @staticmethod
    def to_json(sandbox: EmbeddedSandbox) -> str:
        demo = sandbox.credentials
        return json.dumps(
            {"base_url": sandbox.base_url, "ws_url": sandbox.ws_url, "api_key": demo.api_key, "jwt": demo.jwt}
        )


def resolve_upstream(settings: Settings, sandbox: EmbeddedSandbox | SharedSandbox | None) -> Upstream:
    api_key = settings.iqfinex_api_key.get_secret_value() if settings.iqfinex_api_key else None
    jwt = settings.finex_jwt.get_secret_value() if settings.finex_jwt else None
    if settings.credentials_file is not None:
        stored = json.loads(settings.credentials_file.read_text(encoding="utf-8"))
        api_key = api_key or stored.get("api_key")
        jwt = jwt or stored.get("jwt")
    if sandbox is not None:
        demo = sandbox.credentials
        return Upstream(
            rest_url=settings.iqfinex_base_url or sandbox.base_url,
            ws_url=settings.finex_ws_url or sandbox.ws_url,
            credentials=UpstreamCredentials(api_key or demo.api_key, jwt or demo.jwt),
            embedded=True,
        )
    if settings.iqfinex_base_url is None or settings.finex_ws_url is None:
        raise ValueError("set both IQFINEX_BASE_URL and FINEX_WS_URL, or neither to use the embedded sandbox")
    return Upstream(
        settings.iqfinex_base_url, settings.finex_ws_url, UpstreamCredentials(api_key, jwt), embedded=False
    )


@dataclass
class GatewayState:
    settings: Settings
    upstream: Upstream
    metrics: Metrics
    drift: DriftMonitor
    auth: Auth
    # Upstream clients, opened in the lifespan (typed by the modules that own them).
    rest: IqfinexClient = None  # type: ignore[assignment]  # set in the lifespan before serving
    finex: FinexClient = None  # type: ignore[assignment]  # set in the lifespan before serving
    coalescer: Coalescer = None  # type: ignore[assignment]  # public market data; set in the lifespan
    idempotency: Idempotency = None  # type: ignore[assignment]  # set in the lifespan before serving
