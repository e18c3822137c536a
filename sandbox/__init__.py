"""Embedded, stateful simulator of the Iqfinex REST API v1 and the Finex websocket API.

One matching engine (``engine``) behind two surfaces (``rest``, ``ws``), market data derived from
its state (``market_data``), positional websocket rows in one place (``rows``), fault injection and
counters (``settings.Faults``, ``admin``), a background trader (``trader``). Public API below; see
``sandbox/README.md``.
"""

from .app import create_app
from .embedded import Credentials, EmbeddedSandbox
from .settings import Faults, Settings

__all__ = ["Credentials", "EmbeddedSandbox", "Faults", "Settings", "create_app"]
