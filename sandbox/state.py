"""The per-app state bundle: config, exchange, key ring, faults (with their RNG), counters, hub."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import yaml

from .auth import KeyRing
from .engine import Clock, Currency, Exchange, Market
from .settings import MARKETS_FILE, Config, Faults, Settings

__all__ = ["SandboxState", "load_markets"]


def load_markets() -> tuple[list[Market], list[Currency]]:
    """Markets and currencies from ``sandbox/data/markets.yaml`` (derived from the recordings)."""
    raw = yaml.safe_load(MARKETS_FILE.read_text())
    markets = [
        Market(
            pair=m["pair"],
            left=m["left"],
            right=m["right"],
            accuracy=int(m["accuracy"]),
            min_volume=Decimal(str(m["min_volume"])),
            is_trade=bool(m["is_trade"]),
            start_price=Decimal(str(m["last"])).quantize(Decimal(1).scaleb(-int(m["accuracy"]))),
        )
        for m in raw["markets"]
    ]
    currencies = [
        Currency(
            name=c["name"],
            alias=c["alias"],
            type=c["type"],
            commission=Decimal(str(c["commission"])),
            confirmations=int(c["confirmations"]),
            min_withdrawal=Decimal(str(c["min_withdrawal"])),
            min_deposit=Decimal(str(c["min_deposit"])),
            is_deposit=bool(c["is_deposit"]),
            is_withdrawal=bool(c["is_withdrawal"]),
        )
        for c in raw["currencies"]
    ]
    return markets, currencies


class SandboxState:
    """Everything one sandbox app owns. ``reset()`` restores the seeded state (faults stay)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config: Config = settings.load_config()
        markets, currencies = load_markets()
        self.clock = Clock()
        self.exchange = Exchange(self.config, markets, currencies, seed=settings.seed, clock=self.clock)
        self.keys = KeyRing(self.config)
        self.faults: Faults = settings.faults
        self.fault_rng = random.Random(settings.seed)
        self.rest_counts: Counter[str] = Counter()
        self.ws_counts: Counter[str] = Counter()
        self.ws_connections = 0
        self.ws_refused = 0
        self.ws_frames_sent = 0
        self.authorization_seen: set[str] = set()  # SHA-256 of every Authorization value received

    def saw_authorization(self, value: str | None) -> None:
        if value is not None:
            self.authorization_seen.add(hashlib.sha256(value.encode()).hexdigest())

    def reset(self) -> None:
        self.clock.offset = 0.0
        self.exchange.reset(self.settings.seed)
        self.fault_rng = random.Random(self.settings.seed)
        self.rest_counts.clear()
        self.ws_counts.clear()
        self.ws_frames_sent = 0
        self.authorization_seen.clear()

    def credentials(self) -> dict[str, Any]:
        demo = self.config.accounts[0]
        trading = next(k for k in demo.api_keys if k.is_trade and k.expires_at is None and not k.whitelist)
        readonly = next((k for k in demo.api_keys if not k.is_trade), None)
        expired = next((k for k in demo.api_keys if k.expires_at is not None), None)
        whitelisted = next((k for k in demo.api_keys if k.whitelist), None)
        return {
            "api_key": trading.key,
            "jwt": self.keys.mint_jwt(demo, self.clock.now()),
            "readonly_api_key": readonly.key if readonly else None,
            "expired_api_key": expired.key if expired else None,
            "whitelisted_api_key": whitelisted.key if whitelisted else None,
            "account_id": demo.id,
            "email": demo.email,
            "counterparty": {
                "api_key": self.config.accounts[-1].api_keys[0].key,
                "jwt": self.keys.mint_jwt(self.config.accounts[-1], self.clock.now()),
                "account_id": self.config.accounts[-1].id,
            },
        }

    def roll(self, rate: float) -> bool:
        return rate > 0 and self.fault_rng.random() < rate
