"""The HTTP server's own limits: uvicorn over h11, so every connection is bounded.

uvicorn's default parser (httptools) has no header-size limit (a 64 MB header was parsed whole) and
uvicorn has no header-read timeout at all; h11 has the limit (``h11_max_incomplete_event_size``), and
:class:`BoundedH11Protocol` adds the two things uvicorn lacks:

- a request head (request line and headers) that outgrows ``settings.server_max_header_bytes`` is
  answered ``431 Request Header Fields Too Large`` as soon as that many bytes arrived without its end
  (uvicorn would say 400, and only for a head still incomplete after a read);
- a connection that has not sent a complete request head within ``settings.server_header_timeout``
  seconds of opening (or of its previous response) is closed, so silent and half-sent connections
  never pile up.

Idle keep-alive connections close after ``settings.server_keep_alive_timeout`` seconds, and more than
``settings.server_limit_concurrency`` connections or tasks at once are answered 503 (both uvicorn's
own settings).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from gateway.settings import Settings

__all__ = ["BoundedH11Protocol", "server_config"]


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header-read timeout and 431 for an oversized head."""

    header_timeout: float = 10.0
    max_head_bytes: int = 16 * 1024

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        # From the config (a module-level class, so worker processes can import it by name).
        self.header_timeout = float(getattr(config, "header_timeout", self.header_timeout))
        self.max_head_bytes = config.h11_max_incomplete_event_size or self.max_head_bytes

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        if getattr(self, "_header_timer", None) is not None:
            self._header_timer.cancel()  # type: ignore[union-attr]
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _header_timed_out(self) -> None:
        self._header_timer = None
        # IDLE: h11 has not seen a complete request line and headers since the connection (or the
        # previous request cycle) started.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        if getattr(self, "_header_timer", None) is not None:
            self._header_timer.cancel()  # type: ignore[union-attr]
            self._header_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:  # still reading a request head
            pending = self.conn.trailing_data[0] + data
            if (
                len(pending) > self.max_head_bytes
                and pending.find(b"\r\n\r\n", 0, self.max_head_bytes + 4) < 0
            ):
                # h11 checks only heads that are still incomplete after a read; one large read would
                # pass, so the head's size is checked here, before h11 parses any of it.
                self._send_431()
                return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        buffered, _ = self.conn.trailing_data
        if len(buffered) <= self.max_head_bytes:
            super().send_400_response(msg)
            return
        self._send_431()

    def _send_431(self) -> None:
        body = b"Request header fields too large."
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        head = (
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            + b"".join(k + b": " + v + b"\r\n" for k, v in headers)
            + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n"
        )  # fmt: skip
        self.transport.write(head + body)
        self.transport.close()


def server_config(app: Any, host: str, port: int, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration of the gateway, every limit from ``settings``."""
    options: dict[str, Any] = {
        "http": "gateway.server:BoundedH11Protocol",
        "h11_max_incomplete_event_size": settings.server_max_header_bytes,
        "timeout_keep_alive": settings.server_keep_alive_timeout,
        "limit_concurrency": settings.server_limit_concurrency,
        "log_level": settings.log_level,
        "access_log": settings.access_log,  # ACCESS_LOG: its lines pass the secret filter like every other
        "server_header": False,  # no version banner
    }
    config = uvicorn.Config(app, host=host, port=port, **{**options, **overrides})
    config.header_timeout = settings.server_header_timeout  # type: ignore[attr-defined]  # read by the protocol
    return config
