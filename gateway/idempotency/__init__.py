"""Idempotency keys for the state-changing routes: the shared store and the once-only service.

``open_idempotency(settings, metrics)`` picks the store: Redis when ``REDIS_URL`` is set (replicas on
several machines), else one SQLite file in WAL mode under ``DATA_DIR`` (the processes of one machine;
survives restarts). See :mod:`gateway.idempotency._service` for the record life cycle.
"""

from __future__ import annotations

from gateway.idempotency._service import (
    IDEMPOTENCY_KEY_PATTERN,
    MAX_IDEMPOTENCY_KEY,
    REPLAYED_HEADER,
    Absent,
    Attempt,
    Claims,
    Found,
    Idempotency,
    LateSink,
    Reconciled,
    Sent,
    Stored,
    StoredProblem,
    Unresolved,
    fingerprint,
    parse_key,
    scope_of,
)
from gateway.idempotency._store import RedisStore, SqliteStore, Store
from gateway.metrics import Metrics
from gateway.settings import Settings

__all__ = [
    "IDEMPOTENCY_KEY_PATTERN",
    "MAX_IDEMPOTENCY_KEY",
    "REPLAYED_HEADER",
    "Absent",
    "Attempt",
    "Claims",
    "Found",
    "Idempotency",
    "LateSink",
    "Reconciled",
    "RedisStore",
    "Sent",
    "SqliteStore",
    "Store",
    "Stored",
    "StoredProblem",
    "Unresolved",
    "fingerprint",
    "open_idempotency",
    "parse_key",
    "scope_of",
]


def open_idempotency(settings: Settings, metrics: Metrics, upstream: str = "") -> Idempotency:
    """The service over the configured store (close it with ``aclose``); ``upstream`` names the
    upstream the records are made against (its URLs), so records of another upstream never replay."""
    store: Store
    if settings.redis_url is not None:
        store = RedisStore(settings.redis_url.get_secret_value())
    else:
        store = SqliteStore(settings.data_dir / "idempotency.sqlite3")
    # A running record's lease outlasts the call it guards (no retries for state-changing calls) and a
    # reconciliation (a few listings, each with its retries).
    call = max(settings.rest_timeout, settings.ws_call_timeout)
    lease = call + 3 * (settings.rest_retries + 1) * settings.rest_timeout + 10.0
    return Idempotency(store, metrics, ttl=settings.idempotency_ttl, lease=lease, upstream=upstream)
