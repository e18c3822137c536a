"""The HTTP server's own limits: uvicorn over httptools, with every connection bounded.

uvicorn's httptools protocol (its fastest parser, chosen by measurement in ``make bench``) has no
header-size limit (a 64 MB header was parsed whole) and uvicorn has no header-read timeout at all;
:class:`BoundedHttpToolsProtocol` adds both:

- a request head (request line and headers) that outgrows ``settings.server_max_header_bytes`` is
  answered ``431 Request Header Fields Too Large`` as soon as that many bytes arrived without its end,
  before the parser sees any of it;
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

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.settings import Settings

__all__ = ["BoundedHttpToolsProtocol", "server_config"]

_HEAD_END = b"\r\n\r\n"


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header-read timeout and 431 for an oversized head."""

    header_timeout: float = 10.0
    max_head_bytes: int = 16 * 1024

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        # From the config (a module-level class, so worker processes can import it by name).
        self.header_timeout = float(getattr(config, "header_timeout", self.header_timeout))
        self.max_head_bytes = int(getattr(config, "max_head_bytes", self.max_head_bytes))
        self._head = bytearray()  # the bytes of the request head read so far (at most the limit + 4)
        self._reading_head = True
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self._reading_head and not self.transport.is_closing():
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._reading_head = False
        self._head.clear()
        self._cancel_header_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._reading_head = True
        if not self.transport.is_closing():
            self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_head:  # still reading a request head: check its size before parsing any of it
            room = self.max_head_bytes + len(_HEAD_END) - len(self._head)
            self._head += data[: max(room, 0)]
            if len(self._head) > self.max_head_bytes and self._head.find(_HEAD_END) < 0:
                self._send_431()
                return
        super().data_received(data)

    def _send_431(self) -> None:
        body = b"Request header fields too large."
        head = (
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n"
        )  # fmt: skip
        self.transport.write(head + body)
        self.transport.close()


def server_config(app: Any, host: str, port: int, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration of the gateway, every limit from ``settings``."""
    options: dict[str, Any] = {
        "http": "gateway.server:BoundedHttpToolsProtocol",
        "timeout_keep_alive": settings.server_keep_alive_timeout,
        "limit_concurrency": settings.server_limit_concurrency,
        "log_level": settings.log_level,
        "access_log": settings.access_log,  # ACCESS_LOG: its lines pass the secret filter like every other
        "server_header": False,  # no version banner
    }
    config = uvicorn.Config(app, host=host, port=port, **{**options, **overrides})
    config.header_timeout = settings.server_header_timeout  # type: ignore[attr-defined]  # read by the protocol
    config.max_head_bytes = settings.server_max_header_bytes  # type: ignore[attr-defined]
    return config
