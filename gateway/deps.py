"""Dependency aliases shared by the routers (FastAPI's ``Annotated`` style)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from gateway.idempotency import IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY, parse_key
from gateway.state import GatewayState

__all__ = ["ApiKey", "IdempotencyKey", "Jwt", "State"]


async def _state(request: Request) -> GatewayState:  # async: no thread-pool hop per request
    return request.app.state.gateway  # type: ignore[no-any-return]


State = Annotated[GatewayState, Depends(_state)]

_api_key_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="IqfinexApiKey",
    description="The Iqfinex API key (passed through), or `Bearer <gateway token>`; optional when the "
    "gateway has server-side credentials and no gateway tokens are configured.",
)
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="FinexJwt",
    bearerFormat="JWT",
    description="The Finex JWT (passed through), or a gateway token; optional when the gateway has "
    "server-side credentials and no gateway tokens are configured.",
)


async def _api_key(state: State, authorization: Annotated[str | None, Security(_api_key_header)]) -> str:
    return state.auth.api_key(authorization)


async def _jwt(
    state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> str | None:
    header = f"{credentials.scheme} {credentials.credentials}" if credentials is not None else None
    return state.auth.jwt(header)


ApiKey = Annotated[str, Depends(_api_key)]
"""The upstream Iqfinex API key for this request (raises 401 problem when there is none)."""

Jwt = Annotated[str | None, Depends(_jwt)]
"""The upstream Finex JWT for this request (None: anonymous connection)."""


IDEMPOTENCY_KEY_DESCRIPTION = (
    "Optional key (draft-ietf-httpapi-idempotency-key-header-07, an sf-string such as "
    '`"8e03978e-40d5-43e8-bc93-6894a57f9324"`; a bare value is accepted too; 1 to 255 printable ASCII '
    "characters) that makes a retry safe: the first request with a key runs once and every repeat with "
    "the same key and the same request gets its stored outcome (`Idempotent-Replayed: true`). Same key, "
    "other request: 422 `idempotency-key-reused`; a repeat while the first still runs: 409 "
    "`idempotency-in-progress`. After an `outcome-unknown` answer a retry with the key checks the "
    "upstream instead of sending again. Keys are scoped per credential and kept `IDEMPOTENCY_TTL` "
    "seconds (default 24 h)."
)


async def _idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description=IDEMPOTENCY_KEY_DESCRIPTION,
            json_schema_extra={"pattern": IDEMPOTENCY_KEY_PATTERN, "maxLength": MAX_IDEMPOTENCY_KEY},
        ),
    ] = None,
) -> str | None:
    return parse_key(idempotency_key)


IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]
"""The request's idempotency key (None: none sent); 422 problem when malformed."""
