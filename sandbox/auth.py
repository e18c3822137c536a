"""REST API keys and websocket JWTs (HS256, hmac/hashlib/base64 only).

REST: the raw key in ``Authorization`` (a ``Bearer `` prefix is tolerated). Outcomes follow the REST
docs' status table: unknown/missing key 401, expired key 403, IP not in the key's whitelist or a
missing permission (``isTrade`` for placing/cancelling orders) 402.

Websocket: ``Authorization: Bearer <jwt>`` on the upgrade request; claims ``{"uid": ..., "email": ...,
"iat": ..., "exp": ...}`` signed with ``jwt_secret`` from the config.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from .settings import AccountConfig, ApiKey, Config

__all__ = ["AuthError", "KeyRing", "decode_jwt", "encode_jwt"]


class AuthError(Exception):
    """Authentication/authorization failure carrying the REST status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(claims: dict[str, object], secret: str) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def decode_jwt(token: str, secret: str, now: float) -> dict[str, object]:
    """Verified claims of an HS256 token; ValueError when malformed, badly signed or expired."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_unb64(header_b64))
        claims = json.loads(_unb64(payload_b64))
        signature = _unb64(signature_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("malformed token") from exc
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(claims, dict):
        raise ValueError("unsupported token")
    expected = hmac.new(secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise ValueError("bad signature")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp < now:
        raise ValueError("token expired")
    return claims


@dataclass(frozen=True)
class KeyRing:
    """Lookup of API keys and JWT subjects built from the config."""

    config: Config

    def account_for_key(
        self, header: str | None, client_ip: str | None, now: float
    ) -> tuple[AccountConfig, ApiKey]:
        if not header:
            raise AuthError(401, "Invalid login data")
        key = header.removeprefix("Bearer ").strip()
        for account in self.config.accounts:
            for api_key in account.api_keys:
                if hmac.compare_digest(api_key.key.encode(), key.encode()):
                    if api_key.expires_at is not None and api_key.expires_at < now:
                        raise AuthError(403, "Authorization token expired")
                    allowed = [ip.strip() for ip in api_key.whitelist.split(",") if ip.strip()]
                    if allowed and client_ip not in allowed:
                        raise AuthError(402, "Action is forbidden for API key: IP address is not whitelisted")
                    return account, api_key
        raise AuthError(401, "Invalid login data")

    def account_for_jwt(self, header: str | None, now: float) -> AccountConfig | None:
        """The account of a valid ``Bearer`` JWT, None without a header; ValueError for a bad token."""
        if not header:
            return None
        if not header.startswith("Bearer "):
            raise ValueError("expected 'Bearer <jwt>'")
        claims = decode_jwt(header.removeprefix("Bearer ").strip(), self.config.jwt_secret, now)
        for account in self.config.accounts:
            if claims.get("uid") == account.uid:
                return account
        raise ValueError("unknown user")

    def mint_jwt(self, account: AccountConfig, now: float) -> str:
        claims: dict[str, object] = {
            "uid": account.uid,
            "email": account.email,
            "iat": int(now),
            "exp": int(now) + self.config.jwt_ttl,
        }
        return encode_jwt(claims, self.config.jwt_secret)
