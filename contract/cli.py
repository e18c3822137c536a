"""``python -m gateway contract``: check a live Iqfinex REST API and Finex websocket against the specs.

Without ``--rest-url``/``--ws-url`` the embedded sandbox is started and checked (trading allowed:
nothing real is at stake). Against given URLs the run is read-only unless ``--allow-trading``.
``--replay [DIR]`` checks recorded VCR cassettes instead (default ``recorded``).
Writes ``report.md`` and ``junit.xml`` to ``--report-dir``; exit code 0 only when everything conforms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

from ._budget import Budget
from .market import MarketInfo, fetch_market
from .replay import DEFAULT_REPLAY_DIR, run_replay
from .report import Progress, Run, write_junit, write_markdown
from .rest import RestOptions, run_rest
from .validate import ContractValidator
from .ws import WsOptions, run_ws

__all__ = ["main"]

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m contract", description=__doc__)
    p.add_argument("--rest-url", help="Iqfinex REST base URL (default: the embedded sandbox)")
    p.add_argument("--api-key", help="API key sent in the Authorization header")
    p.add_argument("--ws-url", help="Finex websocket URL, e.g. wss://host/api/v2/open_finance")
    p.add_argument("--jwt", help="JWT for the websocket upgrade (Authorization: Bearer ...)")
    p.add_argument("--allow-trading", action="store_true", help="place and cancel minimum-volume orders")
    p.add_argument("--market", default="BTCUSDT", help="the pair trading checks use (default BTCUSDT)")
    p.add_argument("--report-dir", type=Path, default=Path("contract-report"))
    p.add_argument("--time-budget", type=float, default=120.0, help="seconds for the whole run (120)")
    p.add_argument("--max-requests", type=int, default=2000, help="request budget (2000)")
    p.add_argument(
        "--rate", type=float, help="requests/s; default 10 against a URL, unlimited on the sandbox"
    )
    p.add_argument("--timeout", type=float, default=10.0, help="per request / reply, seconds (10)")
    p.add_argument("--max-examples", type=int, default=10, help="schemathesis examples per operation (10)")
    p.add_argument("--phases", default=",".join(PHASES), help="REST phases (default: all four)")
    p.add_argument("--seed", type=int, help="schemathesis seed (deterministic generation)")
    p.add_argument("--replay", nargs="?", const=DEFAULT_REPLAY_DIR, type=Path, metavar="DIR")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


@contextlib.contextmanager
def _target(args: argparse.Namespace) -> Iterator[tuple[str | None, str | None, bool]]:
    """(rest_url, ws_url, embedded); starts the embedded sandbox when no URL is given."""
    if args.rest_url or args.ws_url:
        yield args.rest_url, args.ws_url, False
        return
    from sandbox import EmbeddedSandbox

    with EmbeddedSandbox(seed=0, heartbeat_interval=0.5) as sandbox:
        credentials = sandbox.credentials
        args.api_key = args.api_key or credentials.api_key
        args.jwt = args.jwt or credentials.jwt
        args.allow_trading = True
        yield sandbox.base_url, sandbox.ws_url, True


def _market(args: argparse.Namespace, rest_url: str | None) -> tuple[MarketInfo | None, str]:
    if not args.allow_trading:
        return None, "read-only"
    if rest_url is None:
        return None, "needs --rest-url to read the market's min_volume"
    try:
        return fetch_market(rest_url, args.api_key, args.market, args.timeout), ""
    except Exception as exc:  # any failure here only disables trading, and says why
        return None, f"no safe order possible: {exc}"


def run(args: argparse.Namespace, progress: Progress) -> Run:
    validator = ContractValidator()
    if args.replay is not None:
        result = Run(target=f"replay of {args.replay}")
        if not Path(args.replay).is_dir():
            result.errors.append(f"no such directory: {args.replay}")
            return result
        result.results = run_replay(Path(args.replay), validator, progress)
        if not result.results:
            result.errors.append(f"no cassettes (*.yml) under {args.replay}")
        return result
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise SystemExit(f"unknown phase(s): {', '.join(sorted(unknown))}")
    with _target(args) as (rest_url, ws_url, embedded):
        rate = args.rate if args.rate is not None else (None if embedded else 10.0)
        budget = Budget(args.time_budget, args.max_requests, rate or None, args.timeout)
        target = "embedded sandbox" if embedded else " + ".join(u for u in (rest_url, ws_url) if u)
        report = Run(target=target)
        mode = "trading allowed (minimum volume)" if args.allow_trading else "read-only"
        report.notes.append(f"{mode}; budget {args.time_budget:g} s / {args.max_requests} requests")
        market, market_error = _market(args, rest_url)
        if market is not None:
            order = f"buy {market.min_volume} {market.pair} at {market.safe_price}"
            report.notes.append(f"safe order: {order} (far below the market)")
        if ws_url:
            options = WsOptions(ws_url, args.jwt, args.allow_trading, market, market_error)
            report.results += asyncio.run(run_ws(options, validator, budget, progress))
        else:
            report.notes.append("websocket not checked (no --ws-url)")
        if rest_url:
            rest = RestOptions(
                rest_url,
                args.api_key,
                args.allow_trading,
                market,
                market_error,
                max_examples=args.max_examples,
                seed=args.seed,
                phases=phases,
            )
            results, errors = run_rest(rest, validator, budget, progress)
            report.results += results
            report.errors += errors
        else:
            report.notes.append("REST not checked (no --rest-url)")
        report.notes.append(f"{budget.used} requests sent")
    return report


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    progress = Progress(enabled=not args.quiet)
    report = run(args, progress)
    args.report_dir.mkdir(parents=True, exist_ok=True)
    write_markdown(report, args.report_dir / "report.md")
    write_junit(report, args.report_dir / "junit.xml")
    print(report.summary())
    for error in report.errors:
        print(f"contract: error: {error}")
    for result in report.results:
        if result.status == "fail":
            first = result.errors[0].describe() if result.errors else result.problems[0]
            print(f"contract: FAIL {result.kind} {result.name}: {first}")
    print(f"contract: report in {args.report_dir / 'report.md'} and {args.report_dir / 'junit.xml'}")
    return 0 if report.ok else 1
