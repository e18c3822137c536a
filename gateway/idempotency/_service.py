"""One state-changing call per ``Idempotency-Key`` (draft-ietf-httpapi-idempotency-key-header-07).

A record moves through three states, stored with compare-and-set (:mod:`._store`)::

    (none) ──create──▶ running ──answer──▶ done        replayed to every retry (Idempotent-Replayed: true)
                          │  └─nothing sent─▶ (deleted; the key can be used again)
                          └─outcome unknown─▶ unknown ──retry──▶ running (reconciling) ──▶ done | unknown
                                                  └──late Finex reply──▶ done

* ``running`` holds a lease (owner id, ``lease_until``). A retry while it is held gets 409
  ``idempotency-in-progress`` at once (no waiting), with ``Retry-After``. A lease that ran out means
  the process that held it is gone; the record is then treated as ``unknown``.
* ``unknown``: the call was sent and the gateway does not know what happened. The client got
  ``outcome-unknown``. A retry with the same key never sends blindly: it first asks the adapter to
  reconcile against the upstream (:class:`Attempt.reconcile`). An order found completes the record; if
  nothing matches and the upstream is known to be done with the first request (it answered, or the
  socket that carried it closed) the request is sent again; otherwise the answer stays
  ``outcome-unknown`` with the candidates.
* Keys are scoped per upstream credential and surface; records expire after ``ttl`` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

import orjson
from fastapi.responses import Response

from gateway.idempotency._store import Store
from gateway.metrics import Metrics
from gateway.problems import (
    GatewayError,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidRequest,
    OutcomeUnknown,
    StoreUnavailable,
    UpstreamRejected,
)
from gateway.secrets import scrub

__all__ = [
    "REPLAYED_HEADER",
    "Absent",
    "Attempt",
    "Claims",
    "Found",
    "Idempotency",
    "LateSink",
    "Reconciled",
    "Sent",
    "Stored",
    "StoredProblem",
    "Unresolved",
    "fingerprint",
    "parse_key",
    "scope_of",
]

log = logging.getLogger("gateway.idempotency")

T = TypeVar("T")
REPLAYED_HEADER: Final = "Idempotent-Replayed"
RECONCILED_HEADER: Final = "Idempotency-Reconciled"
RUNNING: Final = "running"
UNKNOWN: Final = "unknown"
DONE: Final = "done"
_MAX_KEY = 255
MAX_IDEMPOTENCY_KEY = _MAX_KEY
IDEMPOTENCY_KEY_PATTERN = r'^([!#-~]([ -~]{0,253}[!-~])?|"[ -~]{1,253}[!-~]|"[!#-~])$'
"""What the OpenAPI document promises for the header: 1 to 255 printable ASCII characters, bare or as
a draft-07 sf-string (``"…"``), no surrounding spaces; a subset of what :func:`parse_key` accepts, so
every documented key is one the gateway takes."""


@dataclass(frozen=True)
class Stored:
    """An HTTP outcome as it is stored and replayed."""

    status: int
    body: bytes
    media_type: str = "application/json"

    def response(self, headers: dict[str, str] | None = None) -> Response:
        media_type = self.media_type or None
        return Response(self.body, status_code=self.status, media_type=media_type, headers=headers)

    def encode(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "media_type": self.media_type,
            "body": base64.b64encode(self.body).decode(),
        }

    @classmethod
    def decode(cls, data: dict[str, Any]) -> Stored:
        return cls(int(data["status"]), base64.b64decode(data["body"]), str(data["media_type"]))


@dataclass(frozen=True)
class Sent:
    """What an attempt's ``send`` returns: the outcome and the upstream's id of what it created."""

    outcome: Stored
    ref: str | None = None


@dataclass(frozen=True)
class Found:
    outcome: Stored
    ref: str | None = None


@dataclass(frozen=True)
class Absent:
    """Nothing upstream matches the request. ``safe``: sending it again can do no harm even if the
    first request is still under way (a cancel), so it is sent again whatever the first outcome."""

    safe: bool = False


@dataclass(frozen=True)
class Unresolved:
    candidates: list[Any] = field(default_factory=list)


Reconciled = Found | Absent | Unresolved
LateSink = Callable[[Stored | None], Awaitable[None]]
"""Completes a record from a reply that came after the timeout (``None``: the socket closed first)."""


class Claims(Protocol):
    """Upstream orders bound to idempotency records of one credential (so one order answers one key)."""

    async def taken(self, ref: str) -> bool:
        """Held by another key."""
        ...

    async def take(self, ref: str) -> bool:
        """Bind to this record; False when another key holds it."""
        ...


@dataclass(frozen=True)
class _Claims:
    service: Idempotency
    rkey: str

    async def taken(self, ref: str) -> bool:
        held = await self.service.store.holder(self.service.claim_key(self.rkey, ref))
        return held is not None and held != self.rkey

    async def take(self, ref: str) -> bool:
        return await self.service.claim(self.rkey, ref)


class Attempt(Protocol):
    """One state-changing upstream call, as the adapters (``gateway.iqfinex``, ``gateway.finex``) give it."""

    upstream: str
    operation: str
    check: str  # how a client can find out by itself, for the outcome-unknown problem

    async def send(self, late: LateSink | None) -> Sent:
        """Send once. Raise ``OutcomeUnknown`` when the outcome is unknown, ``UpstreamRejected`` when
        the upstream refused, any other ``GatewayError`` only when nothing was sent."""
        ...

    async def reconcile(self, context: dict[str, Any], started_at: float, claims: Claims) -> Reconciled: ...


class StoredProblem(GatewayError):
    """A stored problem answer, replayed (through the problem handler, which scrubs secrets again)."""

    def __init__(self, body: dict[str, Any], headers: dict[str, str]) -> None:
        super().__init__(str(body.get("detail", "")))
        self.body = body
        self.status = int(body["status"])  # type: ignore[misc]
        self.headers = headers

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        return dict(self.body)


# ------------------------------------------------------------------------------------ request identity
def parse_key(header: str | None) -> str | None:
    """The key of an ``Idempotency-Key`` header: an sf-string (``"…"``, as the draft writes it) or,
    leniently, the bare text; 1 to 255 printable ASCII characters."""
    if header is None:
        return None
    value = header.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if not 1 <= len(value) <= _MAX_KEY or not all(" " <= ch <= "~" for ch in value):
        raise InvalidRequest(
            f"header Idempotency-Key: must be 1 to {_MAX_KEY} printable ASCII characters",
            errors=[{"location": "header Idempotency-Key", "message": "invalid idempotency key"}],
        )
    return value


def scope_of(credential: str | None) -> str:
    """Keys are scoped per upstream credential; records hold only this digest of it."""
    return hashlib.sha256((credential or "").encode()).hexdigest()[:32]


def _number(text: str) -> dict[str, str]:
    return {"#": text}  # numbers keep their exact text: 1.0 and 1.00 and 1 stay three requests


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """Route + canonical body (keys sorted, numbers as written) + query, hashed."""
    import json

    try:
        canonical = orjson.dumps(
            json.loads(body, parse_float=_number, parse_int=_number), option=orjson.OPT_SORT_KEYS
        )
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ the service
class Idempotency:
    def __init__(
        self, store: Store, metrics: Metrics, *, ttl: float, lease: float, upstream: str = ""
    ) -> None:
        self.store = store
        self._metrics = metrics
        self.ttl = ttl
        self.lease = lease
        # Records are namespaced by the upstream they were made against (its URLs, digested): a store
        # that outlives an embedded sandbox never replays an order of a sandbox that is gone.
        self._namespace = hashlib.sha256(upstream.encode()).hexdigest()[:16]

    async def aclose(self) -> None:
        await self.store.aclose()

    async def run(
        self, key: str | None, scope: str, fp: str, context: dict[str, Any], attempt: Attempt
    ) -> Response:
        """Run ``attempt`` once for ``key`` (``None``: no key, just send it and report the outcome)."""
        if key is None:
            try:
                return (await attempt.send(None)).outcome.response()
            except OutcomeUnknown as exc:
                self._count_unknown(attempt)
                raise self._unknown(exc, attempt, None) from None
        rkey = f"{self._namespace}:{attempt.upstream}:{scope}:{key}"
        for _ in range(3):  # a record that changes under us is looked at again, a bounded number of times
            now = time.time()
            me = uuid.uuid4().hex
            fresh = {
                "fp": fp, "state": RUNNING, "owner": me, "lease_until": now + self.lease,
                "started_at": now, "settled": False, "context": context, "unknown_status": 504,
            }  # fmt: skip
            try:
                existing = await self.store.create(rkey, fresh, self.ttl)
            except Exception as exc:
                log.warning("idempotency store unavailable: %s", type(exc).__name__)
                raise StoreUnavailable(
                    "the idempotency store is unavailable; nothing was sent, retry later with the same key"
                ) from None
            if existing is None:
                return await self._first(rkey, 1, fresh, key, attempt)
            rev, data = existing
            if data["fp"] != fp:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was first used for a different request (route, body or "
                    "credential); use a new key for a new request"
                )
            if data["state"] == DONE:
                return self._replay(data, attempt)
            if data["state"] == RUNNING and data["lease_until"] > now:
                raise self._in_progress()
            taken = {**data, "state": RUNNING, "owner": me, "lease_until": now + self.lease}
            if await self.store.replace(rkey, rev, taken, self.ttl):
                return await self._reconcile(rkey, rev + 1, taken, key, attempt)
        raise self._in_progress()

    # -- first attempt ----------------------------------------------------------------------------
    async def _first(self, rkey: str, rev: int, data: dict[str, Any], key: str, attempt: Attempt) -> Response:
        try:
            sent = await attempt.send(self._late_sink(rkey, data["fp"], attempt))
        except OutcomeUnknown as exc:
            self._count_unknown(attempt)
            new = {**data, "state": UNKNOWN, "settled": exc.settled, "unknown_status": exc.status}
            if not await self._try(self.store.replace(rkey, rev, new, self.ttl)):
                replay = await self._settled_meanwhile(rkey, attempt)
                if replay is not None:
                    return replay
            raise self._unknown(exc, attempt, key) from None
        except UpstreamRejected as exc:  # the upstream answered no: that is the outcome, replayed as such
            body = scrub(exc.problem())  # stored without configured secrets; scrubbed again on replay
            await self._try(self.store.replace(rkey, rev, {**data, "state": DONE, "problem": body}, self.ttl))
            raise
        except GatewayError:  # nothing was sent: forget the key so the same request can be sent again
            await self._try(self.store.delete(rkey, rev))
            raise
        except BaseException:  # a bug or a cancellation, possibly after sending: keep it unknown
            await self._try(
                self.store.replace(rkey, rev, {**data, "state": UNKNOWN, "settled": False}, self.ttl)
            )
            raise
        if sent.ref is not None:
            await self._try(self.claim(rkey, sent.ref))
        new = {**data, "state": DONE, "outcome": sent.outcome.encode()}
        if not await self._try(self.store.replace(rkey, rev, new, self.ttl)):
            log.warning("idempotency record %s changed while its request ran", attempt.operation)
        return sent.outcome.response()

    async def _settled_meanwhile(self, rkey: str, attempt: Attempt) -> Response | None:
        current = await self._try(self.store.get(rkey))
        if current is not None and current[1]["state"] == DONE:
            return self._replay(current[1], attempt)
        return None

    # -- retries of an unknown outcome ------------------------------------------------------------
    async def _reconcile(
        self, rkey: str, rev: int, data: dict[str, Any], key: str, attempt: Attempt
    ) -> Response:
        labels = (attempt.upstream, attempt.operation)
        try:
            result = await attempt.reconcile(data["context"], float(data["started_at"]), _Claims(self, rkey))
        except GatewayError as exc:
            self._metrics.reconciliations.labels(*labels, "failed").inc()
            await self.store.replace(rkey, rev, {**data, "state": UNKNOWN}, self.ttl)
            raise OutcomeUnknown(
                int(data["unknown_status"]),
                f"the outcome of the first request is still unknown, and checking the upstream failed "
                f"({exc.detail})",
                settled=bool(data["settled"]),
                idempotency_key=key,
                check=attempt.check,
            ) from None
        if isinstance(result, Found):
            self._metrics.reconciliations.labels(*labels, "found").inc()
            new = {**data, "state": DONE, "outcome": result.outcome.encode()}
            if not await self.store.replace(rkey, rev, new, self.ttl):
                return await self._settled_meanwhile(rkey, attempt) or self._raise_in_progress()
            return result.outcome.response({REPLAYED_HEADER: "true", RECONCILED_HEADER: "true"})
        if isinstance(result, Absent) and (data["settled"] or result.safe):
            # The upstream finished with the first request and holds nothing like it: it was not executed.
            self._metrics.reconciliations.labels(*labels, "absent-sent").inc()
            return await self._first(rkey, rev, {**data, "started_at": time.time()}, key, attempt)
        self._metrics.reconciliations.labels(*labels, "unresolved").inc()
        candidates = result.candidates if isinstance(result, Unresolved) else []
        if not await self.store.replace(rkey, rev, {**data, "state": UNKNOWN}, self.ttl):
            return await self._settled_meanwhile(rkey, attempt) or self._raise_in_progress()
        raise OutcomeUnknown(
            int(data["unknown_status"]),
            "the outcome of the first request is still unknown: "
            + (
                f"{len(candidates)} upstream order(s) could be it (see candidates)"
                if candidates
                else "no matching upstream order yet, and the upstream may still be processing it"
            )
            + "; nothing was sent again",
            settled=bool(data["settled"]),
            idempotency_key=key,
            check=attempt.check,
            candidates=candidates,
        )

    # -- late replies -----------------------------------------------------------------------------
    def _late_sink(self, rkey: str, fp: str, attempt: Attempt) -> LateSink:
        async def complete(outcome: Stored | None) -> None:
            for _ in range(5):
                current = await self.store.get(rkey)
                if current is None:
                    return
                rev, data = current
                if data["fp"] != fp or data["state"] == DONE:
                    return
                if outcome is None:
                    if data["settled"]:
                        return
                    new = {**data, "settled": True}
                else:
                    new = {**data, "state": DONE, "outcome": outcome.encode()}
                if await self.store.replace(rkey, rev, new, self.ttl):
                    if outcome is not None:
                        self._metrics.late_replies.labels(attempt.upstream, attempt.operation).inc()
                        log.info("late %s reply completed its idempotency record", attempt.operation)
                    return

        return complete

    # -- helpers ----------------------------------------------------------------------------------
    @staticmethod
    async def _try(operation: Awaitable[T]) -> T | None:
        """A store write after the upstream call: a failing store must not hide the call's outcome."""
        try:
            return await operation
        except Exception:
            log.exception("idempotency store write failed after the upstream call")
            return None

    @staticmethod
    def claim_key(rkey: str, ref: str) -> str:
        upstream, scope, _ = rkey.split(":", 2)
        return f"claim:{upstream}:{scope}:{ref}"

    async def claim(self, rkey: str, ref: str) -> bool:
        return await self.store.claim(self.claim_key(rkey, ref), rkey, self.ttl) == rkey

    def _replay(self, data: dict[str, Any], attempt: Attempt) -> Response:
        self._metrics.replays.labels(attempt.upstream, attempt.operation).inc()
        headers = {REPLAYED_HEADER: "true"}
        if "problem" in data:
            raise StoredProblem(data["problem"], headers)
        return Stored.decode(data["outcome"]).response(headers)

    def _in_progress(self) -> IdempotencyInProgress:
        return IdempotencyInProgress(
            "a request with this Idempotency-Key is still being processed; retry it later with the same key"
        )

    def _raise_in_progress(self) -> Response:
        raise self._in_progress()

    def _count_unknown(self, attempt: Attempt) -> None:
        self._metrics.outcome_unknown.labels(attempt.upstream, attempt.operation).inc()

    @staticmethod
    def _unknown(exc: OutcomeUnknown, attempt: Attempt, key: str | None) -> OutcomeUnknown:
        retry = (
            "retry with the same Idempotency-Key: the gateway then checks the upstream and answers with "
            "the real outcome, never placing it twice"
            if key is not None
            else "send an Idempotency-Key next time so that a retry is safe"
        )
        extra = {**exc.extra, "check": attempt.check, "retry": retry}
        if key is not None:
            extra["idempotency_key"] = key
        return OutcomeUnknown(
            exc.status,
            f"{exc.detail}; the request may have been executed upstream",
            settled=exc.settled,
            **extra,
        )
