"""Finex websocket client: one multiplexed upstream connection per credential.

Frame grammar (``spec/finex.asyncapi.yaml``), one JSON array per text frame::

    [1, request_id, method, args]      request        client → server
    [2, request_id, method, result]    reply          server → client
    [2, request_id, "error", [text]]   error reply    server → client
    [3, name, payload]                 public event   server → client  (heartbeat: [3, "sys", [{"hb": t}]])
    [4, name, payload]                 private event  server → client

The client only parses this envelope. ``call`` returns the reply's ``result`` as the exact bytes the
upstream sent (``msgspec.Raw``) and events carry their payload the same way, so callers decode them
with the generated types of ``generated.finex_layouts`` (decimals never go through ``float``).

Behaviour of a :class:`FinexConnection`:

* **Lazy and shared.** The socket is opened by the first call and shared by every concurrent caller.
  Request ids are monotonic per connection object; replies are matched to callers through a dict of
  futures. One reader task owns the receive side; sends go through a lock.
* **Per-call deadline.** ``timeout`` bounds the whole call (connecting included). No reply in time →
  ``UpstreamTimeout`` and the slot is freed; a reply arriving later is counted in ``late_replies``
  and handed to the call's ``on_late`` callback if it gave one (its result, or the
  ``UpstreamRejected`` of an error reply; ``CallLost`` when the socket closes first), else dropped.
  At most ``max_in_flight`` late callbacks are kept per socket (oldest forgotten). Not connected in
  time → ``UpstreamUnavailable``.
* **Bounded in-flight.** Beyond ``max_in_flight`` pending calls a call fails at once with
  ``UpstreamUnavailable("too many calls in flight")``; nothing queues without bound.
* **Drops are never retried.** When the socket drops, every call in flight fails with
  ``CallLost`` (an ``UpstreamUnavailable``: sent, outcome unknown); nothing is ever sent twice (a
  ``create_order`` or ``create_bulk`` whose reply was lost may or may not have been executed; see
  :mod:`gateway.finex.outcomes` for how a retry finds out). The next call reconnects. Connecting
  makes at most ``connect_attempts`` attempts per call with jittered
  exponential backoff capped by ``reconnect_max_delay``; the backoff carries over between calls
  while the upstream keeps failing, and concurrent callers share one attempt.
* **Credentials.** A JWT goes in the upgrade request (``Authorization: Bearer <jwt>``). A handshake
  refused with 401/403 raises ``UpstreamRejected(401, …)`` and is not retried. The JWT is never
  logged; logs name a connection by a short SHA-256 prefix.
* **Subscriptions.** ``subscribe(scope, streams)`` is remembered once the upstream accepts it. After a
  drop, a connection with subscriptions reconnects in the background (bounded attempts) and every
  (re)connection re-subscribes the remembered streams in the background.
* **Events.** Event frames (kinds 3 and 4, heartbeats included) go to callbacks registered with
  ``add_listener`` (called inline by the reader: keep them cheap; exceptions are logged and
  swallowed) and to :class:`EventStream` iterators from ``events()``. Each stream has a bounded
  buffer; when a consumer is too slow the **oldest** buffered event is dropped and counted (on the
  stream and in the connection's ``dropped_events``), so a slow consumer never blocks the reader or
  other consumers. Nothing relies on heartbeats.
* **Idle close.** With no call in flight, no listener and no subscription for ``idle_timeout``
  seconds the socket is closed; the next call reopens it.
* **Frame hook.** ``on_frame(kind, name, raw)`` is called for every received frame (``name`` is the
  reply's method or the event's name; ``kind`` 0 and name ``""`` for a frame that is not a valid
  envelope) so a drift monitor can validate frames. Exceptions from it are logged and swallowed.
  For a reply a caller waits for, it runs in the event loop's next turn, after that caller has its
  result (the drift check adds nothing to the call's latency).
* **Malformed frames.** A frame that is not a valid envelope fails the call it names, if any, with
  ``BadUpstreamResponse``; otherwise it is logged and counted in ``malformed_frames``.

:class:`FinexPool` maps credentials (JWT or ``None`` for anonymous) to connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from gateway.problems import BadUpstreamResponse, UpstreamRejected, UpstreamTimeout, UpstreamUnavailable
from generated.finex_layouts import ErrorResult

if TYPE_CHECKING:
    from gateway.settings import Settings

__all__ = [
    "CallLost",
    "EventListener",
    "EventStream",
    "FinexConnection",
    "FinexEvent",
    "FinexPool",
    "FrameHook",
    "LateReply",
    "LinkListener",
    "credential_tag",
]

log = logging.getLogger(__name__)

REQUEST: Final = 1
REPLY: Final = 2
PUBLIC_EVENT: Final = 3
PRIVATE_EVENT: Final = 4
ERROR_METHOD: Final = "error"


class FinexEvent(msgspec.Struct, frozen=True):
    """One event frame: ``kind`` 3 (public) or 4 (private), its ``name`` (``"sys"``, ``"on"``, ``"tr"``…),
    its ``payload`` as raw JSON, and the whole ``frame`` (decodable with the generated ``…Event`` structs).
    """

    kind: int
    name: str
    payload: msgspec.Raw
    frame: bytes


EventListener = Callable[[FinexEvent], object]
LinkListener = Callable[[str], object]
"""Called with a short reason whenever a socket of the connection closes (drop, idle close, shutdown)."""
LateReply = Callable[[msgspec.Raw | BaseException], object]
"""Called inline by the reader with a reply that came after its call timed out (keep it cheap)."""


class CallLost(UpstreamUnavailable):
    """The socket closed after the request was sent and before its reply: the outcome is unknown."""


FrameHook = Callable[[int, str, bytes], object]


# The envelope: msgspec matches the first array element against the tag, the last field stays raw.
class _Reply(msgspec.Struct, array_like=True, tag=REPLY):
    request_id: int
    method: str
    result: msgspec.Raw


class _PublicEvent(msgspec.Struct, array_like=True, tag=PUBLIC_EVENT):
    name: str
    payload: msgspec.Raw


class _PrivateEvent(msgspec.Struct, array_like=True, tag=PRIVATE_EVENT):
    name: str
    payload: msgspec.Raw


_FRAME_DECODER: Final = msgspec.json.Decoder(_Reply | _PublicEvent | _PrivateEvent)
_ERROR_DECODER: Final = msgspec.json.Decoder(ErrorResult)
_ENCODER: Final = msgspec.json.Encoder()


def credential_tag(jwt: str | None) -> str:
    """A loggable name for a credential: ``anonymous`` or a short hash prefix, never the token."""
    if jwt is None:
        return "anonymous"
    return "jwt:" + hashlib.sha256(jwt.encode()).hexdigest()[:8]


class _RedactingLogger(logging.LoggerAdapter[logging.Logger]):
    """The websockets library's logger for our sockets: its DEBUG handshake dump of the request headers
    (``"> %s: %s"``) shows ``Authorization: <redacted>`` instead of the JWT."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if len(args) == 2 and isinstance(args[0], str) and args[0].lower() == "authorization":
            args = (args[0], "<redacted>")
        super().log(level, msg, *args, **kwargs)


_WS_LOGGER: Final = _RedactingLogger(logging.getLogger("websockets.client"))


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.warning("finex background task %s failed: %r", task.get_name(), exc)


class _Link:
    """One open socket with its reader task and the calls waiting for a reply on it."""

    __slots__ = ("late", "pending", "reader", "ws")

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pending: dict[int, asyncio.Future[msgspec.Raw]] = {}
        self.late: dict[int, LateReply] = {}  # timed-out calls that still want their reply
        self.reader: asyncio.Task[None] | None = None


class EventStream:
    """Async iterator over a connection's events with a bounded, drop-oldest buffer.

    ``async with conn.events() as stream: async for event in stream: ...``. The stream is registered
    when created (no event is missed between creation and the first ``__anext__``); it ends when
    closed or when its connection is closed for good.
    """

    def __init__(self, connection: FinexConnection, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        self._connection = connection
        self._buffer: deque[FinexEvent] = deque()
        self._maxsize = maxsize
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._buffer)

    @property
    def closed(self) -> bool:
        return self._closed

    def _push(self, event: FinexEvent) -> None:
        if self._closed:
            return
        if len(self._buffer) >= self._maxsize:
            self._buffer.popleft()
            self.dropped += 1
            self._connection.dropped_events += 1
        self._buffer.append(event)
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        """Stop receiving; buffered events can still be read, then iteration ends."""
        if not self._closed:
            self._closed = True
            self._connection._streams.discard(self)
            self._connection._touch()
            self._wake()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> FinexEvent:
        while not self._buffer:
            if self._closed:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._buffer.popleft()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class FinexConnection:
    """One lazily opened, shared websocket to the Finex upstream for one credential (see module doc).

    Counters (plain ints, read them for metrics): ``calls``, ``timeouts``, ``late_replies``,
    ``connects``, ``reconnects``, ``connect_failures``, ``drops``, ``idle_closes``, ``dropped_events``,
    ``malformed_frames``.
    """

    def __init__(
        self,
        url: str,
        jwt: str | None = None,
        *,
        call_timeout: float = 10.0,
        idle_timeout: float = 300.0,
        max_in_flight: int = 1024,
        reconnect_max_delay: float = 5.0,
        reconnect_base_delay: float = 0.05,
        connect_attempts: int = 3,
        background_reconnect_attempts: int = 8,
        open_timeout: float = 10.0,
        ping_interval: float | None = 20.0,
        max_frame_size: int | None = 16 * 1024 * 1024,
        event_buffer: int = 256,
        on_frame: FrameHook | None = None,
        compression: str | None = "deflate",
    ) -> None:
        if max_in_flight < 1 or connect_attempts < 1 or event_buffer < 1:
            raise ValueError("max_in_flight, connect_attempts and event_buffer must be >= 1")
        self.url = url
        self._jwt = jwt
        self.tag = credential_tag(jwt)
        self.call_timeout = call_timeout
        self.idle_timeout = idle_timeout
        self.max_in_flight = max_in_flight
        self.reconnect_max_delay = reconnect_max_delay
        self.reconnect_base_delay = reconnect_base_delay
        self.connect_attempts = connect_attempts
        self.background_reconnect_attempts = background_reconnect_attempts
        self.open_timeout = open_timeout
        self.ping_interval = ping_interval
        self.max_frame_size = max_frame_size
        self.event_buffer = event_buffer
        self.on_frame = on_frame
        self.compression = compression  # websockets' permessage-deflate ("deflate") or None

        self._link: _Link | None = None
        self._ids = itertools.count(1)
        self._send_lock = asyncio.Lock()
        self._connect_lock = asyncio.Lock()
        self._failures = 0  # consecutive failed connection attempts (drives the backoff)
        self._failure_epoch = 0  # bumped whenever a connection phase gives up
        self._last_error: BaseException | None = None
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._idle_timer: asyncio.TimerHandle | None = None
        self._listeners: list[EventListener] = []
        self._link_listeners: list[LinkListener] = []
        self._streams: set[EventStream] = set()
        self._subscriptions: dict[str, list[str]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reconnector: asyncio.Task[None] | None = None
        self._closed = False

        self.calls = 0
        self.timeouts = 0
        self.late_replies = 0
        self.connects = 0
        self.reconnects = 0
        self.connect_failures = 0
        self.drops = 0
        self.idle_closes = 0
        self.dropped_events = 0
        self.malformed_frames = 0

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self._link else "idle"
        return f"<FinexConnection {self.url} {self.tag} {state} in_flight={self._in_flight}>"

    # -- state -------------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._link is not None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def in_flight(self) -> int:
        """Calls started and not finished (connecting, sending or waiting for their reply)."""
        return self._in_flight

    @property
    def awaiting_replies(self) -> int:
        """Request ids sent on the current socket whose reply has not come (≤ ``in_flight``)."""
        return len(self._link.pending) if self._link is not None else 0

    @property
    def subscriptions(self) -> dict[str, tuple[str, ...]]:
        return {scope: tuple(streams) for scope, streams in self._subscriptions.items()}

    @property
    def dormant(self) -> bool:
        """Nothing open, nothing pending, nobody listening: safe to forget and recreate later."""
        return (
            self._link is None
            and self._in_flight == 0
            and not self._connect_lock.locked()
            and not self._has_audience()
            and not self._tasks
        )

    def _has_audience(self) -> bool:
        return bool(self._listeners or self._streams or self._subscriptions)

    # -- calls -------------------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (per-call deadline → UpstreamTimeout, frees the slot)
        on_late: LateReply | None = None,
    ) -> msgspec.Raw:
        """Send ``[1, id, method, args]`` and return the reply's raw ``result``.

        Raises ``UpstreamRejected`` (error reply or refused credentials), ``UpstreamTimeout`` (no reply
        within ``timeout``, default ``call_timeout``), ``UpstreamUnavailable`` (cannot connect, too many
        calls in flight, connection dropped with the call in flight: the call is never resent) and
        ``BadUpstreamResponse`` (malformed reply frame).
        """
        if self._closed:
            raise UpstreamUnavailable("the upstream websocket client is closed")
        if self._in_flight >= self.max_in_flight:
            raise UpstreamUnavailable("too many calls in flight")
        limit = self.call_timeout if timeout is None else timeout
        self.calls += 1
        self._in_flight += 1
        link: _Link | None = None
        request_id: int | None = None
        future: asyncio.Future[msgspec.Raw] | None = None
        try:
            try:
                async with asyncio.timeout(limit):
                    link = await self._connected_link()
                    request_id = next(self._ids)
                    future = asyncio.get_running_loop().create_future()
                    link.pending[request_id] = future
                    frame = _ENCODER.encode((REQUEST, request_id, method, args))
                    try:
                        async with self._send_lock:
                            await link.ws.send(frame, text=True)
                    except ConnectionClosed as exc:
                        raise UpstreamUnavailable(
                            "the upstream websocket closed while sending; not retried"
                        ) from exc
                    return await future
            except TimeoutError:
                if request_id is None:
                    raise UpstreamUnavailable(
                        f"could not connect to the upstream websocket within {limit:g}s"
                    ) from None
                self.timeouts += 1
                if on_late is not None and link is not None:
                    if self._link is not link:  # the socket is already gone: no reply can come
                        self._late(on_late, CallLost("the upstream websocket closed before the reply"))
                    else:
                        if len(link.late) >= self.max_in_flight:
                            link.late.pop(next(iter(link.late)))
                        link.late[request_id] = on_late
                raise UpstreamTimeout(f"no reply to {method} within {limit:g}s") from None
        finally:
            if link is not None and request_id is not None:
                link.pending.pop(request_id, None)
            if future is not None and future.done() and not future.cancelled():
                future.exception()  # retrieved: a drop may have failed it while the send failed too
            self._in_flight -= 1
            self._touch()

    async def subscribe(
        self,
        scope: str,
        streams: Iterable[str],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (same deadline as call)
    ) -> msgspec.Raw:
        """Subscribe to ``streams`` of ``scope`` and remember them for re-subscription after reconnects."""
        wanted = list(dict.fromkeys(streams))
        result = await self.call("subscribe", (scope, wanted), timeout=timeout)
        remembered = self._subscriptions.setdefault(scope, [])
        remembered.extend(s for s in wanted if s not in remembered)
        return result

    def forget_subscriptions(self) -> None:
        """Stop re-subscribing after reconnects (the upstream has no unsubscribe method)."""
        self._subscriptions.clear()
        self._touch()

    # -- events ------------------------------------------------------------------------------------

    def add_listener(self, listener: EventListener) -> None:
        """Call ``listener(event)`` inline for every event frame; keep it cheap and non-blocking."""
        self._listeners.append(listener)

    def remove_listener(self, listener: EventListener) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)
        self._touch()

    def add_link_listener(self, listener: LinkListener) -> None:
        """Call ``listener(reason)`` whenever a socket of this connection is lost (the event feed uses it
        to notice that its upstream subscription is gone)."""
        self._link_listeners.append(listener)

    def remove_link_listener(self, listener: LinkListener) -> None:
        with contextlib.suppress(ValueError):
            self._link_listeners.remove(listener)

    def events(self, maxsize: int | None = None) -> EventStream:
        """A new :class:`EventStream` (buffer ``maxsize``, default ``event_buffer``, drop-oldest)."""
        stream = EventStream(self, self.event_buffer if maxsize is None else maxsize)
        if self._closed:
            stream.close()
        else:
            self._streams.add(stream)
        return stream

    def _deliver(self, event: FinexEvent) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("finex event listener failed (%s)", self.tag)
        for stream in tuple(self._streams):
            stream._push(event)

    # -- connecting --------------------------------------------------------------------------------

    async def _connected_link(self) -> _Link:
        link = self._link
        if link is not None:
            return link
        epoch = self._failure_epoch
        async with self._connect_lock:
            if self._link is not None:
                return self._link
            if self._closed:
                raise UpstreamUnavailable("the upstream websocket client is closed")
            if self._failure_epoch != epoch:
                # Another caller just gave up while this one waited: share its verdict.
                raise self._unavailable()
            try:
                return await self._open(self.connect_attempts)
            except (UpstreamUnavailable, UpstreamRejected):
                self._failure_epoch += 1
                raise

    def _unavailable(self) -> UpstreamUnavailable | UpstreamRejected:
        error = self._last_error
        if isinstance(error, UpstreamRejected):
            return UpstreamRejected(error.upstream_status, error.detail)
        return UpstreamUnavailable("cannot connect to the upstream websocket")

    def _backoff(self) -> float:
        if self._failures == 0:
            return 0.0
        ceiling = min(self.reconnect_max_delay, self.reconnect_base_delay * 2.0 ** (self._failures - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    async def _open(self, attempts: int) -> _Link:
        """Open the socket (caller holds ``_connect_lock``), at most ``attempts`` tries."""
        headers = {"Authorization": f"Bearer {self._jwt}"} if self._jwt is not None else None
        for attempt in range(attempts):
            delay = self._backoff()
            if delay:
                await asyncio.sleep(delay)
            try:
                ws = await connect(
                    self.url,
                    additional_headers=headers,
                    open_timeout=self.open_timeout,
                    ping_interval=self.ping_interval,
                    max_size=self.max_frame_size,
                    compression=self.compression,
                    logger=_WS_LOGGER,
                )
            except InvalidStatus as exc:
                status = exc.response.status_code
                self._failures += 1
                self.connect_failures += 1
                if status in (401, 403):
                    rejected = UpstreamRejected(
                        401, f"the upstream refused the websocket credentials (HTTP {status})"
                    )
                    self._last_error = rejected
                    log.warning("finex websocket handshake refused for %s: HTTP %d", self.tag, status)
                    raise rejected from None
                self._last_error = exc
                log.warning("finex websocket handshake failed for %s: HTTP %d", self.tag, status)
            except (OSError, TimeoutError, WebSocketException) as exc:
                self._failures += 1
                self.connect_failures += 1
                self._last_error = exc
                log.warning(
                    "finex websocket connect attempt %d/%d failed for %s: %r",
                    attempt + 1,
                    attempts,
                    self.tag,
                    exc,
                )
            else:
                if self._closed:  # closed while this attempt was under way
                    await ws.close()
                    raise UpstreamUnavailable("the upstream websocket client is closed")
                return self._install(ws)
        raise UpstreamUnavailable(f"cannot connect to the upstream websocket ({attempts} attempts)")

    def _install(self, ws: ClientConnection) -> _Link:
        if self.connects:
            self.reconnects += 1
        self.connects += 1
        self._failures = 0
        self._last_error = None
        link = _Link(ws)
        self._link = link
        link.reader = asyncio.create_task(self._read_loop(link), name=f"finex-reader-{self.tag}")
        log.info("finex websocket connected (%s, connection #%d)", self.tag, self.connects)
        if self._subscriptions:
            self._spawn(self._resubscribe(), "finex-resubscribe")
        self._touch()
        return link

    async def _resubscribe(self) -> None:
        for scope, streams in list(self._subscriptions.items()):
            try:
                await self.call("subscribe", (scope, streams))
            except (UpstreamRejected, UpstreamTimeout, UpstreamUnavailable, BadUpstreamResponse) as exc:
                log.warning("finex re-subscribe to %s %s failed (%s): %s", scope, streams, self.tag, exc)
                return

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.create_task(coro, name=f"{name}-{self.tag}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_retrieve)
        return task

    async def _reconnect_in_background(self) -> None:
        """After a drop of a connection with subscriptions: reconnect (bounded), then re-subscribe."""
        try:
            async with self._connect_lock:
                if self._link is None and not self._closed and self._subscriptions:
                    await self._open(self.background_reconnect_attempts)
        except (UpstreamUnavailable, UpstreamRejected) as exc:
            log.warning("finex background reconnect gave up (%s): %s", self.tag, exc)
        finally:
            self._reconnector = None

    # -- receiving ---------------------------------------------------------------------------------

    async def _read_loop(self, link: _Link) -> None:
        reason: str = "closed"
        try:
            while True:
                data = await link.ws.recv(decode=False)
                self._dispatch(link, data if isinstance(data, bytes) else data.encode())
        except ConnectionClosed as exc:
            reason = f"closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        except asyncio.CancelledError:
            reason = "reader cancelled"
            raise
        except Exception as exc:  # a bug in dispatch must not leave callers hanging
            reason = f"reader error {exc!r}"
            log.exception("finex websocket reader failed (%s)", self.tag)
            await link.ws.close()
        finally:
            self._lost(link, reason)

    def _dispatch(self, link: _Link, data: bytes) -> None:
        try:
            frame = _FRAME_DECODER.decode(data)
        except msgspec.DecodeError:
            self._malformed(link, data)
            return
        hook = self.on_frame
        if isinstance(frame, _Reply):
            future = link.pending.pop(frame.request_id, None)
            if future is None or future.done():
                if hook is not None:
                    self._hook(hook, REPLY, frame.method, data)
                self.late_replies += 1
                late = link.late.pop(frame.request_id, None)
                if late is None:
                    log.debug("finex late/unknown reply id=%d dropped (%s)", frame.request_id, self.tag)
                else:
                    is_error = frame.method == ERROR_METHOD
                    self._late(late, self._error_reply(frame.result) if is_error else frame.result)
                return
            if frame.method == ERROR_METHOD:
                future.set_exception(self._error_reply(frame.result))
            else:
                future.set_result(frame.result)
            if hook is not None:  # after the caller's turn: the drift check is off the reply's critical path
                asyncio.get_running_loop().call_soon(self._hook, hook, REPLY, frame.method, data)
            return
        kind = PUBLIC_EVENT if isinstance(frame, _PublicEvent) else PRIVATE_EVENT
        if hook is not None:
            self._hook(hook, kind, frame.name, data)
        if self._listeners or self._streams:
            self._deliver(FinexEvent(kind, frame.name, frame.payload, data))

    def _late(self, late: LateReply, outcome: msgspec.Raw | BaseException) -> None:
        try:
            late(outcome)
        except Exception:
            log.exception("finex late-reply callback failed (%s)", self.tag)

    def _hook(self, hook: FrameHook, kind: int, name: str, data: bytes) -> None:
        try:
            hook(kind, name, data)
        except Exception:
            log.exception("finex on_frame hook failed (%s)", self.tag)

    @staticmethod
    def _error_reply(result: msgspec.Raw) -> UpstreamRejected:
        try:
            description = _ERROR_DECODER.decode(result).description
        except msgspec.DecodeError:
            description = bytes(result).decode(errors="replace")[:500]
        return UpstreamRejected(400, description or "the upstream answered with an error")

    def _malformed(self, link: _Link, data: bytes) -> None:
        self.malformed_frames += 1
        kind, name, request_id = 0, "", None
        with contextlib.suppress(msgspec.DecodeError):
            loose = msgspec.json.decode(data)
            if isinstance(loose, list) and len(loose) >= 2 and type(loose[0]) is int:
                kind = loose[0]
                if kind == REPLY and type(loose[1]) is int:
                    request_id = loose[1]
                    if len(loose) >= 3 and isinstance(loose[2], str):
                        name = loose[2]
                elif isinstance(loose[1], str):
                    name = loose[1]
        if self.on_frame is not None:
            self._hook(self.on_frame, kind, name, data)
        future = link.pending.pop(request_id, None) if request_id is not None else None
        if future is not None and not future.done():
            future.set_exception(BadUpstreamResponse("malformed reply frame from the upstream websocket"))
        else:
            log.warning("finex malformed frame dropped (%s): %r", self.tag, data[:200])

    def _lost(self, link: _Link, reason: str) -> None:
        if self._link is link:
            self._link = None
        pending, link.pending = link.pending, {}
        late, link.late = link.late, {}
        for callback in late.values():
            self._late(callback, CallLost("the upstream websocket closed before the late reply"))
        if pending:
            self.drops += 1
            log.warning(
                "finex websocket %s with %d call(s) in flight (%s); they fail, nothing is resent",
                reason,
                len(pending),
                self.tag,
            )
        else:
            log.info("finex websocket %s (%s)", reason, self.tag)
        for future in pending.values():
            if not future.done():
                future.set_exception(
                    CallLost("the upstream websocket closed with the call in flight; not retried")
                )
        for listener in tuple(self._link_listeners):
            try:
                listener(reason)
            except Exception:
                log.exception("finex link listener failed (%s)", self.tag)
        if not self._closed and self._subscriptions and self._reconnector is None:
            self._reconnector = self._spawn(self._reconnect_in_background(), "finex-reconnect")

    # -- idle --------------------------------------------------------------------------------------

    def _touch(self) -> None:
        """Record activity and arm the idle timer if the connection just became idle."""
        self._last_activity = time.monotonic()
        if self._idle_timer is None and self._idle_candidate():
            self._idle_timer = asyncio.get_running_loop().call_later(self.idle_timeout, self._idle_check)

    def _idle_candidate(self) -> bool:
        return self._link is not None and self._in_flight == 0 and not self._has_audience()

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _idle_check(self) -> None:
        self._idle_timer = None
        if not self._idle_candidate():
            return
        remaining = self._last_activity + self.idle_timeout - time.monotonic()
        if remaining > 0:
            self._idle_timer = asyncio.get_running_loop().call_later(remaining, self._idle_check)
            return
        link = self._link
        assert link is not None
        self._link = None  # the next call opens a new socket
        self.idle_closes += 1
        log.info("finex websocket idle for %gs, closing (%s)", self.idle_timeout, self.tag)
        self._spawn(self._close_link(link), "finex-idle-close")

    @staticmethod
    async def _close_link(link: _Link) -> None:
        await link.ws.close()
        if link.reader is not None:
            await asyncio.gather(link.reader, return_exceptions=True)

    # -- shutdown ----------------------------------------------------------------------------------

    async def close(self) -> None:
        """Close for good: in-flight calls fail with ``UpstreamUnavailable``, event streams end."""
        if self._closed:
            return
        self._closed = True
        self._cancel_idle_timer()
        for stream in tuple(self._streams):
            stream.close()
        self._listeners.clear()
        link, self._link = self._link, None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if link is not None:
            await self._close_link(link)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class FinexPool:
    """Credential (JWT, or ``None`` for anonymous) → :class:`FinexConnection`, created lazily.

    Connections that are dormant (socket closed after idling, nothing pending, nobody listening) are
    forgotten when a new credential arrives, so the map does not grow with every JWT ever seen.
    """

    def __init__(self, url: str, *, on_frame: FrameHook | None = None, **options: Any) -> None:
        self.url = url
        self.on_frame = on_frame
        self._options = options
        self._connections: dict[str | None, FinexConnection] = {}
        self._closed = False

    @classmethod
    def from_settings(
        cls, settings: Settings, url: str | None = None, *, on_frame: FrameHook | None = None
    ) -> FinexPool:
        ws_url = url or settings.finex_ws_url
        if not ws_url:
            raise ValueError("no Finex websocket URL (settings.finex_ws_url is unset)")
        return cls(
            ws_url,
            on_frame=on_frame,
            call_timeout=settings.ws_call_timeout,
            idle_timeout=settings.ws_idle_timeout,
            max_in_flight=settings.ws_max_in_flight,
            reconnect_max_delay=settings.ws_reconnect_max_delay,
            event_buffer=settings.event_buffer,
            compression="deflate" if settings.ws_compression else None,
        )

    def __len__(self) -> int:
        return len(self._connections)

    def get(self, jwt: str | None) -> FinexConnection:
        if self._closed:
            raise UpstreamUnavailable("the upstream websocket pool is closed")
        connection = self._connections.get(jwt)
        if connection is None or connection.closed:
            for key, other in list(self._connections.items()):
                if other.dormant or other.closed:
                    del self._connections[key]
            connection = FinexConnection(self.url, jwt, on_frame=self.on_frame, **self._options)
            self._connections[jwt] = connection
        return connection

    async def call(
        self,
        jwt: str | None,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (same deadline as FinexConnection.call)
    ) -> msgspec.Raw:
        return await self.get(jwt).call(method, args, timeout=timeout)

    async def close(self) -> None:
        self._closed = True
        connections, self._connections = list(self._connections.values()), {}
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
