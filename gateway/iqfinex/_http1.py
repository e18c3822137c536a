"""A minimal HTTP/1.1 keep-alive client for the one upstream host: asyncio protocol + httptools.

Why: under the distinct-market load aiohttp's client was a quarter of the gateway's CPU (py-spy, see
README "Performance"): a request context manager, a timer handle, a ``ClientResponse``, a stream
reader and header multidicts per call, for a GET of a small JSON body. This client writes each request
as one ``bytes`` object and reads the answer with httptools (the parser uvicorn uses) straight into a
list of body chunks; ``make bench`` keeps the comparison (``REST_TRANSPORT=aiohttp|httpx|http1``).

Scope, on purpose small: one base URL (``http://host:port``, no TLS: the upstream URL given to the
gateway; use aiohttp for ``https``), a pool of at most ``pool_size`` open connections reused LIFO,
``Content-Length`` or chunked bodies. A connection is reused only after a complete response that
allows keep-alive; one whose call failed, timed out or was cancelled is closed, never reused.

Failures are raised as aiohttp's exception types, so the client's one failure table
(:func:`gateway.iqfinex.client.map_failure`) covers this transport unchanged::

    cannot connect (OSError)               aiohttp.ClientConnectionError  → UpstreamUnavailable
    closed before the response completed   aiohttp.ServerDisconnectedError → UpstreamUnavailable
    unparsable response                    aiohttp.ClientPayloadError      → BadUpstreamResponse
    a header with a line break (refused before sending)   aiohttp.ClientError → BadUpstreamResponse
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode, urlsplit

import aiohttp
import httptools

from gateway._types import Query
from gateway.iqfinex.transport import Sent, _Sender

__all__ = ["Http1Sender"]

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


class _Connection(asyncio.Protocol):
    """One socket to the upstream; at most one request in flight."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Sent] | None = None
        self.retry_after: str | None = None
        self.parts: list[bytes] = []
        self.status = 0
        self.reusable = False
        self.closed = False

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's is no subclass)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(aiohttp.ClientPayloadError(f"unparsable upstream response: {exc}"))
            self.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(aiohttp.ServerDisconnectedError("the upstream closed the connection"))

    # -- httptools callbacks
    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"retry-after":
            self.retry_after = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.parts.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self.parser.should_keep_alive()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self.status, b"".join(self.parts), self.retry_after))

    # -- use
    def request(self, data: bytes) -> asyncio.Future[Sent]:
        assert self.transport is not None
        assert self.waiter is None
        self.parts = []
        self.retry_after = None
        self.reusable = False
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.waiter

    def _fail(self, exc: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class Http1Sender(_Sender):
    """``send(method, url, params, body, headers) -> (status, body, retry_after)`` over pooled
    keep-alive sockets; one attempt (retries are the client's)."""

    def __init__(self, base_url: str, pool_size: int) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"REST_TRANSPORT=http1 speaks plain http to one host, not {base_url!r}")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._prefix = parts.path.rstrip("/")
        self._host_header = f"Host: {parts.netloc}\r\n"
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(pool_size)
        self._closed = False

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(_Connection, self._host, self._port)
        except OSError as exc:
            raise aiohttp.ClientConnectionError(f"cannot connect to the upstream: {exc}") from exc
        return connection

    def _encode(
        self,
        method: str,
        url: str,
        params: Query,
        body: bytes | None,
        headers: dict[str, str],
    ) -> bytes:
        target = quote(self._prefix + url, safe=_PATH_SAFE)
        if params:
            target += "?" + urlencode({k: str(v) for k, v in params.items()}, quote_via=quote)
        lines = [f"{method} {target} HTTP/1.1\r\n", self._host_header]
        for name, value in headers.items():
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
                raise aiohttp.ClientError(f"refused to send header {name!r}: it holds a line break")
            lines.append(f"{name}: {value}\r\n")
        if body is not None:
            if not any(name.lower() == "content-type" for name in headers):
                lines.append("Content-Type: application/json\r\n")
            lines.append(f"Content-Length: {len(body)}\r\n")
        elif method not in ("GET", "HEAD", "DELETE"):
            lines.append("Content-Length: 0\r\n")
        lines.append("\r\n")
        head = "".join(lines).encode("latin-1")
        return head + body if body else head

    async def send(
        self,
        method: str,
        url: str,
        params: Query,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Sent:
        data = self._encode(method, url, params, body, headers)
        async with self._slots:
            connection = None
            while self._idle:
                candidate = self._idle.pop()
                if not candidate.closed:
                    connection = candidate
                    break
            if connection is None:
                connection = await self._connect()
            try:
                result = await connection.request(data)
            except BaseException:
                connection.abort()  # a failed, timed-out or cancelled call: never reused
                raise
            if connection.reusable and not connection.closed and not self._closed:
                self._idle.append(connection)
            else:
                connection.abort()
            return result

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.abort()
