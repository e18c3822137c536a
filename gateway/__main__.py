"""``python -m gateway [--host 127.0.0.1] [--port 8000] [--workers N]``: serve the gateway.

Without ``IQFINEX_BASE_URL``/``FINEX_WS_URL`` it starts the embedded sandbox as the upstream.
``--workers N`` (N > 1) runs N worker processes on one listening socket (uvicorn's supervisor, which
restarts a worker that dies). What the workers share: the listening socket, the upstreams, and with
the embedded sandbox ONE sandbox run by the supervisor (the workers get its URLs and demo credentials
through the environment), so every worker sees the same account. Each worker has its own upstream
clients: one REST connection pool, one Finex websocket per credential in use, its own coalescing.
``python -m gateway contract [...]`` runs the contract-test harness instead (see ``--help`` there).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from contextlib import ExitStack

import uvicorn
import uvloop

from gateway import secrets
from gateway.access import StartRefused, check_access
from gateway.app import create_app
from gateway.server import server_config
from gateway.settings import Settings, get_settings
from gateway.state import SharedSandbox

__all__ = ["main"]


def _banner(host: str, port: int, embedded: bool, api_key: str | None) -> str:
    url = f"http://{host}:{port}"
    lines = [
        f"gateway: serving on {url}",
        f"gateway: API docs at {url}/docs (OpenAPI at {url}/openapi.json); upstream contracts at "
        f"{url}/docs/iqfinex and {url}/docs/finex/",
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


def _start_settings(host: str) -> tuple[Settings | None, bool]:
    """The settings to serve with on ``host`` and whether the embedded sandbox is the upstream; no
    settings (and the reason on stderr) when the fail-closed check refuses to start."""
    settings = get_settings().model_copy(update={"bind_host": host})
    embedded = settings.iqfinex_base_url is None or settings.finex_ws_url is None
    try:
        check_access(settings, embedded)
    except StartRefused as exc:
        print(f"gateway: {exc}", file=sys.stderr, flush=True)
        return None, embedded
    return settings, embedded


def serve(host: str, port: int) -> int:
    settings, _ = _start_settings(host)
    if settings is None:
        return 2
    app = create_app(settings)
    config = server_config(app, host, port, settings)
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


def serve_workers(host: str, port: int, workers: int) -> int:
    """N worker processes (``create_app`` imported by each), the embedded sandbox run once, here."""
    from uvicorn.supervisors import Multiprocess

    settings, embedded = _start_settings(host)
    if settings is None:
        return 2
    with ExitStack() as stack:
        os.environ["BIND_HOST"] = host  # each worker checks access and allowed hosts against it
        if embedded:
            from sandbox import EmbeddedSandbox

            sandbox = stack.enter_context(
                EmbeddedSandbox(trader=settings.sandbox_trader, seed=settings.sandbox_seed)
            )
            os.environ["SHARED_SANDBOX"] = SharedSandbox.to_json(sandbox)
        config = server_config(
            "gateway.app:create_app",
            host,
            port,
            settings,
            factory=True,
            workers=workers,
            loop="uvloop",
        )
        sock = config.bind_socket()
        api_key = settings.iqfinex_api_key.get_secret_value() if settings.iqfinex_api_key else None
        print(_banner(host, port, embedded, api_key) + f"\ngateway: {workers} worker processes", flush=True)
        Multiprocess(config, sockets=[sock]).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["contract"]:
        # The harness is its own package (the gateway never imports it); this only forwards the CLI.
        contract_cli = importlib.import_module("contract.cli")
        return int(contract_cli.main(argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes on one socket (default 1: this process)"
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be >= 1")
    if args.workers > 1:
        return serve_workers(args.host, args.port, args.workers)
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
