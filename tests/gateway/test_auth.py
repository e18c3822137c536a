"""gateway.auth: which upstream credentials a request uses (pass-through, server-side, gateway tokens)."""

from __future__ import annotations

import pytest

from gateway.auth import Auth, UpstreamCredentials
from gateway.problems import Unauthorized

SERVER = UpstreamCredentials(api_key="server-key", jwt="server-jwt")


def test_no_header_uses_the_server_side_credentials_without_gateway_tokens() -> None:
    auth = Auth(SERVER, [])
    assert auth.api_key(None) == "server-key"
    assert auth.jwt(None) == "server-jwt"


def test_headers_are_passed_through() -> None:
    auth = Auth(SERVER, [])
    assert auth.api_key("client-key") == "client-key"
    assert auth.jwt("Bearer client-jwt") == "client-jwt"
    assert auth.jwt("bearer  client-jwt ") == "client-jwt"


def test_a_finex_header_must_be_a_bearer_token() -> None:
    with pytest.raises(Unauthorized):
        Auth(SERVER, []).jwt("client-jwt")


def test_gateway_tokens_unlock_the_server_side_credentials() -> None:
    auth = Auth(SERVER, ["t0ken"])
    assert auth.api_key("Bearer t0ken") == "server-key"
    assert auth.jwt("Bearer t0ken") == "server-jwt"


def test_with_gateway_tokens_no_header_is_refused() -> None:
    auth = Auth(SERVER, ["t0ken"])
    with pytest.raises(Unauthorized):
        auth.api_key(None)
    with pytest.raises(Unauthorized):
        auth.jwt(None)


def test_without_server_side_credentials_anonymous_finex_is_allowed() -> None:
    auth = Auth(UpstreamCredentials(), [])
    assert auth.jwt(None) is None
    with pytest.raises(Unauthorized):
        auth.api_key(None)


def test_credentials_never_show_in_their_repr() -> None:
    text = repr(SERVER)
    assert "server-key" not in text
    assert "server-jwt" not in text
