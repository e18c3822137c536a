"""Dependency aliases shared by the routers (FastAPI's ``Annotated`` style)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from gateway.state import GatewayState

__all__ = ["ApiKey", "Jwt", "State"]


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
