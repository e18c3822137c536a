"""Run settings of the sandbox: the config file (accounts, keys, fees) plus per-run switches and faults.

``Settings`` is what ``create_app`` takes; ``Faults`` is the fault-injection state that the admin API
(``GET/PUT /__sandbox/faults``) reads and replaces at run time. Fault names (all off by default):

===================== ======================================================================
``latency_ms``        added delay before every REST answer and websocket reply
``error_rate``        share (0..1) of REST requests answered 500/503/504 (``error_statuses``)
``malformed_rate``    share of REST answers whose body is not JSON at all
``truncated_rate``    share of REST answers whose JSON body is cut in the middle
``ws_disconnect_after`` close each websocket after answering this many request frames
``ws_drop_rate``      share of websocket replies silently dropped (``ws_drop_methods`` limits it)
``ws_refuse``         answer every websocket handshake with HTTP 503 (an unreachable upstream)
``drift``             wrong types in documented fields (ticker ``bid`` "n/a", event order rows
                      missing their last slot) and an undocumented 500 (``GET /v1/currencies``
                      answers 500 with a body that is not the Error shape), so a contract
                      harness sees schema violations
===================== ======================================================================
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_CONFIG", "MARKETS_FILE", "AccountConfig", "ApiKey", "Config", "Faults", "Settings"]

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CONFIG = PACKAGE_DIR / "config.yaml"
MARKETS_FILE = PACKAGE_DIR / "data" / "markets.yaml"


@dataclass
class Faults:
    """Fault-injection switches (see the module docstring)."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_statuses: list[int] = field(default_factory=lambda: [500, 503, 504])
    malformed_rate: float = 0.0
    truncated_rate: float = 0.0
    ws_disconnect_after: int | None = None
    ws_drop_rate: float = 0.0
    ws_drop_methods: list[str] | None = None
    ws_refuse: bool = False
    drift: bool = False

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with ``changes`` applied; ValueError on an unknown name or a bad value."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        result = dataclasses.replace(self, **changes)
        for name in ("error_rate", "malformed_rate", "truncated_rate", "ws_drop_rate"):
            value = getattr(result, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number between 0 and 1")
        if isinstance(result.latency_ms, bool) or not isinstance(result.latency_ms, int | float):
            raise ValueError("latency_ms must be a number")
        if result.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if not isinstance(result.error_statuses, list) or not all(
            s in (500, 503, 504) for s in result.error_statuses
        ):
            raise ValueError("error_statuses must be a list of 500, 503, 504")
        if result.ws_disconnect_after is not None and (
            not isinstance(result.ws_disconnect_after, int) or result.ws_disconnect_after < 0
        ):
            raise ValueError("ws_disconnect_after must be a non-negative integer or null")
        if result.ws_drop_methods is not None and not (
            isinstance(result.ws_drop_methods, list)
            and all(isinstance(m, str) for m in result.ws_drop_methods)
        ):
            raise ValueError("ws_drop_methods must be a list of method names or null")
        if not isinstance(result.drift, bool):
            raise ValueError("drift must be a boolean")
        if not isinstance(result.ws_refuse, bool):
            raise ValueError("ws_refuse must be a boolean")
        return result


@dataclass(frozen=True)
class ApiKey:
    key: str
    label: str
    is_trade: bool
    is_withdrawal: bool
    whitelist: str
    expires_at: int | None = None


@dataclass(frozen=True)
class AccountConfig:
    id: int
    email: str
    uid: str
    role: int
    balances: dict[str, Decimal]
    default_balance: Decimal
    api_keys: tuple[ApiKey, ...]


@dataclass(frozen=True)
class Config:
    """The parsed ``config.yaml``."""

    jwt_secret: str
    jwt_ttl: int
    maker_fee: Decimal
    taker_fee: Decimal
    heartbeat_interval: float
    trader_interval: float
    trader_markets_per_tick: int
    trader_focus: tuple[str, ...]
    book_levels: int
    accounts: tuple[AccountConfig, ...]

    @classmethod
    def load(cls, path: Path) -> Config:
        raw = yaml.safe_load(path.read_text())
        accounts = tuple(
            AccountConfig(
                id=int(a["id"]),
                email=str(a["email"]),
                uid=str(a["uid"]),
                role=int(a.get("role", 1)),
                balances={str(k): Decimal(str(v)) for k, v in (a.get("balances") or {}).items()},
                default_balance=Decimal(str(a.get("default_balance", "0"))),
                api_keys=tuple(
                    ApiKey(
                        key=str(k["key"]),
                        label=str(k.get("label", "")),
                        is_trade=bool(k.get("is_trade", False)),
                        is_withdrawal=bool(k.get("is_withdrawal", False)),
                        whitelist=str(k.get("whitelist", "") or ""),
                        expires_at=None if k.get("expires_at") is None else int(k["expires_at"]),
                    )
                    for k in a.get("api_keys", [])
                ),
            )
            for a in raw["accounts"]
        )
        trader = raw.get("trader") or {}
        return cls(
            jwt_secret=str(raw["jwt_secret"]),
            jwt_ttl=int(raw.get("jwt_ttl", 86400)),
            maker_fee=Decimal(str(raw["fees"]["maker"])),
            taker_fee=Decimal(str(raw["fees"]["taker"])),
            heartbeat_interval=float(raw.get("heartbeat_interval", 10)),
            trader_interval=float(trader.get("interval", 1.0)),
            trader_markets_per_tick=int(trader.get("markets_per_tick", 3)),
            trader_focus=tuple(str(m).upper() for m in trader.get("focus", ())),
            book_levels=int(raw.get("book_levels", 5)),
            accounts=accounts,
        )


@dataclass
class Settings:
    """Per-run settings; ``None`` means "take it from the config file"."""

    config_path: Path = DEFAULT_CONFIG
    seed: int = 0
    trader: bool = False
    heartbeat_interval: float | None = None
    trader_interval: float | None = None
    faults: Faults = field(default_factory=Faults)

    def load_config(self) -> Config:
        config = Config.load(Path(self.config_path))
        if self.heartbeat_interval is not None:
            config = dataclasses.replace(config, heartbeat_interval=self.heartbeat_interval)
        if self.trader_interval is not None:
            config = dataclasses.replace(config, trader_interval=self.trader_interval)
        return config
