"""``python -m gateway [--host 127.0.0.1] [--port 8000]``: serve the gateway.

Without ``IQFINEX_BASE_URL``/``FINEX_WS_URL`` it starts the embedded sandbox as the upstream.
``python -m gateway contract [...]`` runs the contract-test harness instead (see ``--help`` there).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys

import uvicorn
import uvloop

from gateway import secrets
from gateway.access import StartRefused, check_access
from gateway.app import create_app
from gateway.settings import get_settings

__all__ = ["main"]


def _banner(host: str, port: int, embedded: bool, api_key: str | None) -> str:
    url = f"http://{host}:{port}"
    lines = [
        f"gateway: serving on {url}",
        f"gateway: API docs at {url}/docs (OpenAPI at {url}/openapi.json)",
        "gateway: upstream: "
        + ("embedded sandbox (demo account)" if embedded else "configured upstream URLs"),
        "gateway: try:",
        f"  curl -s {url}/v1/markets/BTCUSDT/ticker",
    ]
    if embedded:
        lines.append(f"  curl -s {url}/v1/account/balances   # demo account, no credentials needed")
    elif api_key:
        lines.append(f"  curl -s -H 'Authorization: <your api key>' {url}/v1/account/balances")
    return "\n".join(lines)


def _configure_logging(level_name: str) -> None:
    """Our loggers and the websockets library's at ``LOG_LEVEL`` on stderr, then the secret filter on
    every handler (uvicorn's included: ``uvicorn.Config`` has configured them by now)."""
    level = logging.getLevelName(level_name.upper())
    logging.basicConfig(
        level=level if isinstance(level, int) else 5,  # uvicorn's "trace" is 5
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    secrets.install_log_filter()


def serve(host: str, port: int) -> int:
    settings = get_settings().model_copy(update={"bind_host": host})
    embedded = settings.iqfinex_base_url is None or settings.finex_ws_url is None
    try:
        check_access(settings, embedded)
    except StartRefused as exc:
        print(f"gateway: {exc}", file=sys.stderr, flush=True)
        return 2
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=settings.log_level,
        access_log=False,
        server_header=False,  # no version banner
    )
    _configure_logging(settings.log_level)
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        # uvicorn offers no "started" event; poll its flag (bounded by the task ending).
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        if server.started:
            state = app.state.gateway
            print(
                _banner(host, port, state.upstream.embedded, state.upstream.credentials.api_key), flush=True
            )
        await task

    uvloop.run(run())  # what uvicorn itself would pick; asyncio.run() would not
    return 0 if server.started else 3


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["contract"]:
        # The harness is its own package (the gateway never imports it); this only forwards the CLI.
        contract_cli = importlib.import_module("contract.cli")
        return int(contract_cli.main(argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
