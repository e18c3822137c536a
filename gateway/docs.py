"""Documentation pages, offline: nothing is loaded from outside the gateway.

    /docs                   Swagger UI 5 of the gateway's own contract (``/openapi.json``)
    /docs/iqfinex           Swagger UI 5 of the upstream Iqfinex REST contract
                            (``/docs/iqfinex/openapi.json``)
    /docs/finex/            the upstream Finex websocket contract (AsyncAPI 3) as static HTML
    /docs-assets/…          the Swagger UI assets

Swagger UI comes from the ``fastapi-swagger`` package (it ships the current ``swagger-ui-dist``
files; Swagger UI 4 cannot read OpenAPI 3.1). The upstream contracts' renderings are produced by
``make codegen`` (the REST contract as JSON, ``generated/iqfinex_contract.json``; the AsyncAPI one
rendered by ``@asyncapi/html-template`` into ``generated/docs/finex/``), so the gateway needs neither
node nor ``spec/`` at run time.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

import generated

__all__ = ["ASSETS", "DOCS_DIR", "IQFINEX_CONTRACT", "PAGES", "mount"]

ASSETS = "/docs-assets"
GENERATED = Path(generated.__file__).resolve().parent
DOCS_DIR = GENERATED / "docs"
"""Where ``make codegen`` writes the AsyncAPI contract's rendering."""
IQFINEX_CONTRACT = GENERATED / "iqfinex_contract.json"

PAGES = {
    "gateway": "/docs",
    "iqfinex": "/docs/iqfinex",
    "finex": "/docs/finex/",
}
"""Every documentation page (the browser test loads each one)."""

_SWAGGER_UI = Path(str(files("fastapi_swagger") / "resources"))
_PARAMETERS: dict[str, Any] = {
    # No validator badge: Swagger UI would otherwise ask validator.swagger.io about the document.
    "validatorUrl": None,
    "deepLinking": True,
    "defaultModelsExpandDepth": 0,
    "tryItOutEnabled": False,
}


def _swagger_ui(openapi_url: str, title: str) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        swagger_ui_parameters=_PARAMETERS,
    )


def mount(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=_SWAGGER_UI), name="docs-assets")
    app.mount(
        PAGES["finex"].rstrip("/"),
        StaticFiles(directory=DOCS_DIR / "finex", html=True, check_dir=False),
        name="docs-finex",
    )
    iqfinex_contract = f"{PAGES['iqfinex']}/openapi.json"

    @app.get(PAGES["gateway"], include_in_schema=False)
    async def gateway_docs() -> HTMLResponse:
        return _swagger_ui(app.openapi_url or "/openapi.json", f"{app.title} — docs")

    @app.get(PAGES["iqfinex"], include_in_schema=False)
    async def iqfinex_docs() -> HTMLResponse:
        return _swagger_ui(iqfinex_contract, "Iqfinex REST API (upstream contract) — docs")

    @app.get(iqfinex_contract, include_in_schema=False)
    async def iqfinex_openapi() -> FileResponse:
        return FileResponse(IQFINEX_CONTRACT, media_type="application/json")
