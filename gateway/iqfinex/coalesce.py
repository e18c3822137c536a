"""Coalescing of shared market data: concurrent identical public GETs share one upstream call.

The way nginx's ``proxy_cache_lock`` and Varnish's request coalescing work: the first request for a
key (the *leader*) makes the upstream call and builds the normalized body; requests for the same key
that arrive while it is in flight (*joiners*) wait for that body instead of calling the upstream
again. With a route's micro-cache TTL above 0 the body is also kept that many seconds after it
arrived; with TTL 0 (the default) nothing is kept, so no answer is older than one upstream round
trip (a joiner gets the answer of a call that was already under way when it arrived).

::

    caller A ──► key ─► no entry: A leads ─► upstream call + normalize + encode ─► body ─► A
    caller B ──► key ─► in flight: B joins ──────────────────────────────────────► body ─► B
    caller C ──► key ─► fresh body (TTL > 0) ────────────────────────────────────► body ─► C
                                                                            (Age: seconds since fetched)

Only for public data: :meth:`Coalescer.fetch` refuses an operation the upstream contract marks as
private (it needs an API key), so no answer is ever shared between credentials; private routes do not
go through here at all. Failures are shared with the joiners of that one call but never cached. A
leader that is cancelled (its client went away) does not fail its joiners: one of them leads a new
call. Every outcome is counted in ``gateway_coalesced_requests{route, outcome}``:
``leader`` (made the upstream call), ``joined`` (shared one in flight), ``cached`` (micro-cache hit).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Final

from prometheus_client import Counter

__all__ = ["Coalescer", "Produced", "Shared"]

Produced = bytes | tuple[bytes, Mapping[str, str]]
"""What a leader's ``produce()`` returns: the body, or the body and headers that belong to it."""

_MAX_CACHED: Final = 4096
"""Bodies kept by the micro-cache at most (expired ones are dropped first, then the oldest)."""


@dataclass(frozen=True, slots=True)
class Shared:
    """One normalized body and when its upstream answer arrived (``time.monotonic()``)."""

    body: bytes
    fetched_at: float
    ttl: float
    extra: tuple[tuple[str, str], ...] = ()  # headers that belong to this body (``Gateway-Drift``)

    def headers(self, now: float | None = None) -> dict[str, str]:
        """``Age`` (whole seconds since the upstream answered) and ``Cache-Control`` (the route's TTL)."""
        age = max(0, int((time.monotonic() if now is None else now) - self.fetched_at))
        return {"Age": str(age), "Cache-Control": f"public, max-age={int(self.ttl)}", **dict(self.extra)}


class _LeaderGone(Exception):
    """The leader was cancelled before its call finished: a joiner retries (and may lead)."""


@dataclass(slots=True)
class _Flight:
    waiters: int = 0
    future: asyncio.Future[Shared] | None = None  # created when the first joiner arrives


class Coalescer:
    """Per-key single flight plus an optional per-route micro-cache (see the module docstring).

    ``ttls``: route (the gateway operationId, e.g. ``getTicker``) → seconds a body stays fresh after
    the upstream answered (absent or 0: coalescing only).
    """

    def __init__(self, counter: Counter, ttls: Mapping[str, float] | None = None) -> None:
        self._counter = counter
        self._ttls = {route: float(ttl) for route, ttl in (ttls or {}).items() if ttl > 0}
        self._flights: dict[Hashable, _Flight] = {}
        self._cache: dict[Hashable, Shared] = {}
        self._outcomes: dict[tuple[str, str], Callable[[], None]] = {}

    def ttl(self, route: str) -> float:
        return self._ttls.get(route, 0.0)

    @property
    def in_flight(self) -> int:
        """Keys with an upstream call under way."""
        return len(self._flights)

    def waiting(self, key: Hashable) -> int:
        """Joiners waiting on the call in flight for ``key`` (0 when there is none)."""
        flight = self._flights.get(key)
        return flight.waiters if flight is not None else 0

    def _count(self, route: str, outcome: str) -> None:
        inc = self._outcomes.get((route, outcome))
        if inc is None:
            inc = self._outcomes[(route, outcome)] = self._counter.labels(route, outcome).inc
        inc()

    async def fetch(
        self, route: str, private: bool, key: Hashable, produce: Callable[[], Awaitable[Produced]]
    ) -> Shared:
        """The body for ``key``: fresh from the micro-cache, shared with the call in flight, or made by
        ``produce()`` (the upstream call, normalization and encoding) as the leader.

        ``private``: whether the upstream operation needs credentials; such calls are refused.
        """
        if private:
            raise ValueError(f"{route}: private data is never coalesced")
        key = (route, key)
        ttl = self._ttls.get(route)
        if ttl is not None:
            cached = self._cache.get(key)
            if cached is not None:
                if time.monotonic() - cached.fetched_at < ttl:
                    self._count(route, "cached")
                    return cached
                del self._cache[key]
        while True:
            flight = self._flights.get(key)
            if flight is None:
                return await self._lead(route, key, ttl, produce)
            if flight.future is None:
                flight.future = asyncio.get_running_loop().create_future()
            flight.waiters += 1
            try:
                shared = await asyncio.shield(flight.future)
            except _LeaderGone:
                continue
            finally:
                flight.waiters -= 1
            self._count(route, "joined")
            return shared

    async def _lead(
        self, route: str, key: Hashable, ttl: float | None, produce: Callable[[], Awaitable[Produced]]
    ) -> Shared:
        flight = self._flights[key] = _Flight()
        self._count(route, "leader")
        try:
            made = await produce()
        except asyncio.CancelledError:
            self._settle(key, flight, exception=_LeaderGone())
            raise
        except BaseException as exc:
            self._settle(key, flight, exception=exc)
            raise
        body, extra = (made, {}) if isinstance(made, bytes) else made
        shared = Shared(body, time.monotonic(), ttl or 0.0, tuple(extra.items()))
        self._settle(key, flight, result=shared)
        if ttl is not None:
            if len(self._cache) >= _MAX_CACHED:
                self._evict()
            self._cache[key] = shared
        return shared

    def _settle(
        self,
        key: Hashable,
        flight: _Flight,
        result: Shared | None = None,
        exception: BaseException | None = None,
    ) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        future = flight.future
        if future is None or future.done():
            return
        if exception is not None:
            future.set_exception(exception)
            future.exception()  # retrieved here: joiners may all be gone
        else:
            assert result is not None
            future.set_result(result)

    def _evict(self) -> None:
        now = time.monotonic()
        for key, shared in list(self._cache.items()):
            if now - shared.fetched_at >= shared.ttl:
                del self._cache[key]
        while len(self._cache) >= _MAX_CACHED:
            del self._cache[next(iter(self._cache))]
