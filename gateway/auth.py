"""Which upstream credentials a request uses.

- ``Authorization: Bearer <gateway token>`` (a token listed in ``GATEWAY_TOKENS``): the gateway's
  server-side upstream credentials (``IQFINEX_API_KEY`` / ``FINEX_JWT`` or ``CREDENTIALS_FILE``).
  The gateway token itself never leaves the gateway.
- **Server-side credentials in use** (configured, or ``GATEWAY_TOKENS`` set): any other
  ``Authorization`` value is refused with 401 and never forwarded upstream (it may be another
  deployment's gateway token); no header: 401 when gateway tokens are set.
- **Pass-through** (no server-side credentials configured): the value is the caller's own upstream
  credential: on REST-backed routes the Iqfinex API key (the upstream's scheme: the raw key), on
  websocket-backed routes ``Bearer <jwt>``. With the embedded sandbox and no header, the sandbox's
  demo account.

Credentials never appear in logs, metric labels or error bodies.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from gateway.problems import Unauthorized

__all__ = ["Auth", "UpstreamCredentials"]


@dataclass(frozen=True, repr=False)
class UpstreamCredentials:
    api_key: str | None = None
    jwt: str | None = None

    def __repr__(self) -> str:  # never print secrets
        api_key = "***" if self.api_key else None
        jwt = "***" if self.jwt else None
        return f"UpstreamCredentials(api_key={api_key}, jwt={jwt})"


class Auth:
    def __init__(
        self, server: UpstreamCredentials, gateway_tokens: list[str], *, pass_through: bool = True
    ) -> None:
        """``pass_through``: forward a caller's own credential (False once server-side credentials
        are configured or gateway tokens are set)."""
        self._server = server
        self._tokens = [t.encode() for t in gateway_tokens]
        self._pass_through = pass_through and not gateway_tokens

    def _foreign(self) -> Unauthorized:
        return Unauthorized(
            "the Authorization value is not a gateway token of this gateway; send "
            "'Authorization: Bearer <gateway token>' (other values are never forwarded upstream)"
        )

    def _is_gateway_token(self, authorization: str) -> bool:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        return any(hmac.compare_digest(token.strip().encode(), known) for known in self._tokens)

    def _server_side(self, authorization: str | None, what: str) -> str | None:
        if authorization is not None and self._is_gateway_token(authorization):
            return getattr(self._server, what)  # type: ignore[no-any-return]
        if authorization is None and not self._tokens:
            return getattr(self._server, what)  # type: ignore[no-any-return]
        return None

    def api_key(self, authorization: str | None) -> str:
        """The Iqfinex API key for a REST-backed private route."""
        key = self._server_side(authorization, "api_key")
        if key is not None:
            return key
        if authorization is not None and not self._is_gateway_token(authorization):
            if not self._pass_through:
                raise self._foreign()
            return authorization
        raise Unauthorized("send the Iqfinex API key in the Authorization header (or a gateway bearer token)")

    def jwt(self, authorization: str | None) -> str | None:
        """The Finex JWT for a websocket-backed route (None: an anonymous upstream connection)."""
        jwt = self._server_side(authorization, "jwt")
        if jwt is not None:
            return jwt
        if authorization is not None and not self._is_gateway_token(authorization):
            if not self._pass_through:
                raise self._foreign()
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            raise Unauthorized("send the Finex JWT as 'Authorization: Bearer <jwt>'")
        if self._tokens:
            raise Unauthorized("send a gateway bearer token or 'Authorization: Bearer <jwt>'")
        return None
