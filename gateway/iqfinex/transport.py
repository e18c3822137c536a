"""Iqfinex REST client: requests built by the generated client, sent over one pooled connection.

Every request (method, path, query, JSON body) is built by the generated operation module
(``generated/iqfinex_client/api/<tag>/<operation>.py``, its ``_get_kwargs``); the gateway then reads
the raw body itself (:data:`gateway.normalize.decode_json`, exact decimals). The generated
``asyncio_detailed`` is not used on the hot path: it would also parse every body into models whose
``number`` fields are ``float`` (never used here), which cost as much as the whole forwarding (see
bench/). The API key travels as the raw ``Authorization`` header, exactly what the generated
``AuthenticatedClient`` builds with ``prefix=""``.

The transport is picked by measurement (``make bench``, README "Performance"): for a plain
``http://`` upstream the minimal keep-alive client of :mod:`gateway.iqfinex._http1` (``REST_TRANSPORT=
auto``, the default, or ``http1``), for ``https://`` one ``aiohttp.ClientSession``
(``REST_TRANSPORT=aiohttp``), or an ``httpx.AsyncClient`` (``REST_TRANSPORT=httpx``; also how tests
plug in ``httpx.MockTransport``). Either is opened and
closed in the app's lifespan and shared by all callers, whatever their key.

Failures are mapped into the gateway's error tree in one place, :func:`map_failure`::

    upstream outcome                                  gateway error (status)
    ───────────────────────────────────────────────── ──────────────────────────────
    400 / 401 / 402 / 403 + {"message": ...}          UpstreamRejected (400/401/403/401)
    500, any other unexpected status                  BadUpstreamResponse (502)
    503                                               UpstreamUnavailable (503)
    504                                               UpstreamTimeout (504)
    no answer within the per-call timeout             UpstreamTimeout (504)
    connect refused / reset / dropped connection      UpstreamUnavailable (503)
    protocol error, undecodable or non-JSON body      BadUpstreamResponse (502)

Idempotent calls (GET in the upstream contract) are retried ``settings.rest_retries`` times with
jittered exponential backoff on 500/503/504, timeouts, transport errors and malformed bodies; POSTs
(order placement, cancel) are sent exactly once whatever happens.
"""

from __future__ import annotations

import http.cookiejar

import aiohttp
import httpx

from gateway._types import Query

__all__ = ["Sent"]


Sent = tuple[int, bytes, str | None]
"""What a sender returns: status, body and the ``Retry-After`` header (None when absent)."""


class _Sender:
    """Sends one request and returns ``(status, body, retry_after)``; transport failures raise as they
    are. Exactly one attempt: retries are the client's (``REST_RETRIES``, jittered), never the
    transport's."""

    async def send(
        self,
        method: str,
        url: str,
        params: Query,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Sent:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


class _AiohttpSender(_Sender):
    def __init__(self, base_url: str, pool_size: int) -> None:
        self._base = base_url.rstrip("/")
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None  # opened on first use, inside the event loop

    async def send(
        self, method: str, url: str, params: Query, body: bytes | None, headers: dict[str, str]
    ) -> Sent:
        if self._session is None:
            # No cookie jar: the session is shared by every caller, so no cookie may cross callers.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size), cookie_jar=aiohttp.DummyCookieJar()
            )
            # aiohttp resends an idempotent request once by itself when a kept-alive connection drops
            # (RFC 9112 §9.3.1), on top of REST_RETRIES and without jitter. It has no public switch;
            # this is the attribute its own test client (aiohttp.test_utils.TestClient) turns off.
            self._session._retry_connection = False
        query = {k: str(v) for k, v in params.items()} if params else None
        request = self._session.request(method, self._base + url, params=query, data=body, headers=headers)
        async with request as response:
            return response.status, await response.read(), response.headers.get("Retry-After")

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class _HttpxSender(_Sender):
    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport, timeout: float) -> None:
        no_cookies = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._client = httpx.AsyncClient(
            base_url=base_url, transport=transport, timeout=httpx.Timeout(timeout), cookies=no_cookies
        )

    async def send(
        self,
        method: str,
        url: str,
        params: Query,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Sent:
        response = await self._client.request(method, url, params=params, content=body, headers=headers)
        return response.status_code, response.content, response.headers.get("Retry-After")

    async def aclose(self) -> None:
        await self._client.aclose()
