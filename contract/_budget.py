"""Shared bounds of one run: a deadline, a request budget and a rate limit (thread-safe).

It is also the one place requests are counted: every request the harness sends (schemathesis's, the
real-identifier checks', the safe-order lookups', websocket requests) calls ``count`` once, with the
part of the run that sent it, so the report can give one request count and say where it came from.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Budget"]


@dataclass
class Budget:
    time_budget: float  # seconds for the whole run
    max_requests: int
    rate: float | None  # requests per second; None = unlimited
    timeout: float  # per request / per reply
    started: float = field(default_factory=time.monotonic)
    used: int = 0
    sent_by: Counter[str] = field(default_factory=Counter)  # "rest schemathesis" → n, ...
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _next_slot: float = 0.0

    @property
    def deadline(self) -> float:
        return self.started + self.time_budget

    def remaining_time(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def exhausted(self) -> str | None:
        """Why no further request may be sent (None while within the budget)."""
        if self.used >= self.max_requests:
            return f"request budget of {self.max_requests} requests used up"
        if time.monotonic() >= self.deadline:
            return f"time budget of {self.time_budget:g} s used up"
        return None

    def count(self, n: int = 1, source: str = "rest schemathesis") -> None:
        with self._lock:
            self.used += n
            self.sent_by[source] += n

    def _reserve(self) -> float:
        """Book the next send slot; returns how long to wait for it."""
        if not self.rate:
            return 0.0
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
            return slot - now

    async def acquire(self, source: str = "websocket") -> bool:
        """Wait for a rate-limit slot and count one request; False when the budget is exhausted."""
        if self.exhausted():
            return False
        delay = self._reserve()
        if delay:
            await asyncio.sleep(delay)
        self.count(source=source)
        return True

    def acquire_sync(self, source: str) -> bool:
        """``acquire`` for synchronous senders (the real-identifier checks run in a thread of their own)."""
        if self.exhausted():
            return False
        delay = self._reserve()
        if delay:
            time.sleep(delay)
        self.count(source=source)
        return True
