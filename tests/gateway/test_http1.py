"""gateway.iqfinex._http1 against small real servers on 127.0.0.1 (what the sandbox never sends)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest

from gateway.iqfinex._http1 import Http1Sender

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def _server(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A server running ``handler`` per connection; yields its URL and the connections it accepted."""
    accepted: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", accepted
    finally:
        server.close()
        await server.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)


async def test_keep_alive_chunked_and_close() -> None:
    requests: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await _read_request(reader))
        writer.write(
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n'
        )
        if len(requests) == 3:  # the third request, on the second connection: answered, done
            await writer.drain()
            return
        requests.append(await _read_request(reader))
        writer.write(b"HTTP/1.1 503 No\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        await writer.drain()

    async with _server(handler) as (url, accepted):
        sender = Http1Sender(url, 4)
        try:
            assert await sender.send("GET", "/v1/x", {"limit": 5, "sort": "a b"}, None, {}) == (
                200,
                b'{"a":1}',
                None,  # no Retry-After
            )
            answer = await sender.send("GET", "/v1/y", None, None, {"Authorization": "k"})
            assert answer[:2] == (503, b"{}")
            assert len(accepted) == 1  # the first answer kept the connection alive
            assert requests[0].startswith(b"GET /v1/x?limit=5&sort=a%20b HTTP/1.1\r\nHost: 127.0.0.1:")
            assert b"\r\nAuthorization: k\r\n" in requests[1]
            assert (await sender.send("GET", "/v1/z", None, None, {}))[0] == 200
            assert len(accepted) == 2  # "Connection: close" was honoured: a new socket
        finally:
            await sender.aclose()


async def test_a_dropped_answer_is_a_disconnect_and_the_socket_is_not_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"')  # then the socket closes

    async with _server(handler) as (url, accepted):
        sender = Http1Sender(url, 4)
        try:
            for attempt in (1, 2):
                with pytest.raises(aiohttp.ServerDisconnectedError):
                    await sender.send("POST", "/v1/orders", None, b"{}", {})
                assert len(accepted) == attempt
        finally:
            await sender.aclose()


async def test_garbage_is_a_payload_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1)

    async with _server(handler) as (url, _):
        sender = Http1Sender(url, 4)
        try:
            with pytest.raises(aiohttp.ClientPayloadError):
                await sender.send("GET", "/v1/x", None, None, {})
        finally:
            await sender.aclose()


async def test_line_breaks_in_headers_are_never_sent() -> None:
    sender = Http1Sender("http://127.0.0.1:9", 1)
    with pytest.raises(aiohttp.ClientError, match="line break"):
        await sender.send("GET", "/v1/x", None, None, {"Authorization": "key\r\nX-Evil: 1"})


def test_only_plain_http_to_one_host() -> None:
    with pytest.raises(ValueError, match="plain http"):
        Http1Sender("https://datacenter.iqfinex.com", 1)
