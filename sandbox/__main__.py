"""``python -m sandbox [--host H] [--port P] [--drift] [--no-trader] [--seed N] [--config PATH]``
serves REST (``/v1/...``) and the websocket (``/api/v2/open_finance``) on one port;
``python -m sandbox credentials`` prints ``{"api_key": ..., "jwt": ...}`` of the demo account."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .settings import DEFAULT_CONFIG, Faults, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "credentials"], default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--drift", action="store_true", help="serve documented fields with wrong types")
    parser.add_argument("--no-trader", action="store_true", help="do not run the background trader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    args = parser.parse_args(argv)
    settings = Settings(
        config_path=args.config, seed=args.seed, trader=not args.no_trader, faults=Faults(drift=args.drift)
    )
    if args.command == "credentials":
        from .state import SandboxState

        creds = SandboxState(Settings(config_path=args.config, seed=args.seed)).credentials()
        print(json.dumps({"api_key": creds["api_key"], "jwt": creds["jwt"]}))
        return 0
    import uvicorn

    from .app import create_app

    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
