"""gateway.problems: the exception tree and its RFC 9457 problem+json mapping."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Query

from gateway.problems import (
    PROBLEM_JSON,
    BadUpstreamResponse,
    GatewayError,
    InvalidRequest,
    Unauthorized,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
    install_handlers,
)


@pytest.mark.parametrize(
    ("upstream", "status", "slug"),
    [
        (400, 400, "upstream-bad-request"),
        (401, 401, "upstream-unauthorized"),
        (402, 403, "upstream-forbidden"),
        (403, 401, "upstream-credentials-expired"),
        (418, 400, "upstream-bad-request"),
    ],
)
def test_upstream_rejections_map_by_upstream_status(upstream: int, status: int, slug: str) -> None:
    problem = UpstreamRejected(upstream, "no").problem("/v1/x")
    assert problem["status"] == status
    assert problem["type"] == f"/problems/{slug}"
    assert problem["instance"] == "/v1/x"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidRequest("bad"), 422),
        (Unauthorized("who"), 401),
        (BadUpstreamResponse("garbled"), 502),
        (UpstreamUnavailable("down"), 503),
        (UpstreamTimeout("slow"), 504),
        (GatewayError("oops"), 500),
    ],
)
def test_every_error_has_its_status(error: GatewayError, status: int) -> None:
    problem = error.problem()
    assert problem["status"] == status
    assert problem["detail"] == error.detail
    assert problem["type"].startswith("/problems/")


def _app() -> FastAPI:
    app = FastAPI()
    install_handlers(app)

    @app.get("/raise/{kind}")
    async def raise_(kind: str, limit: int = Query(1, le=10)) -> dict[str, str]:
        if kind == "unauthorized":
            raise Unauthorized("send a key")
        if kind == "crash":
            raise RuntimeError("secret internals")
        if kind == "extra":
            raise InvalidRequest("body x: bad", errors=[{"location": "body x", "message": "bad"}])
        return {"ok": kind}

    return app


async def _get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_handlers_answer_problem_json() -> None:
    response = await _get("/raise/unauthorized")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthorized"


async def test_validation_errors_name_the_parameter() -> None:
    response = await _get("/raise/x?limit=11")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["location"] == "query limit"
    assert body["detail"].startswith("query limit: ")


async def test_extra_members_are_part_of_the_problem() -> None:
    body = (await _get("/raise/extra")).json()
    assert body["errors"] == [{"location": "body x", "message": "bad"}]


async def test_unexpected_errors_hide_their_internals() -> None:
    response = await _get("/raise/crash")
    assert response.status_code == 500
    assert "secret internals" not in response.text


async def test_unknown_routes_are_problems_too() -> None:
    response = await _get("/nowhere")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
