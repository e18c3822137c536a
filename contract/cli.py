"""``python -m gateway contract``: check a live Iqfinex REST API and Finex websocket against the specs.

Without ``--rest-url``/``--ws-url`` the embedded sandbox is started and checked (trading allowed:
nothing real is at stake). Against given URLs the run is read-only unless ``--allow-trading``: only
GET requests and read-only websocket methods are sent. ``--record DIR`` saves the run's traffic (REST
cassettes, websocket frames; credentials scrubbed); ``--replay [DIR]`` checks recordings instead of a
server (default ``recorded``). Writes ``report.md``, ``report.html``, ``report.json`` and ``junit.xml``
to ``--report-dir``. Exit code: 1 on drift (and, with ``--strict``, on hygiene warnings), or on a run
error; with ``--baseline report.json`` only drift that is new against the baseline (or a run error)
gives 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import baseline as baseline_json
from ._budget import Budget
from .html import write_html
from .market import MarketInfo, fetch_market
from .record import Recorder, Scrubber
from .replay import DEFAULT_REPLAY_DIR, run_replay
from .report import OperationResult, Progress, Run, write_junit, write_markdown
from .rest import RestOptions, run_rest
from .routes import gateway_routes
from .targets import TargetOptions, run_targets
from .validate import ContractValidator
from .ws import WsOptions, WsSpec, run_ws

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
    p.add_argument("--operations", default="", help="only these REST operationIds, comma-separated")
    p.add_argument("--seed", type=int, help="schemathesis seed (deterministic generation)")
    p.add_argument(
        "--max-items",
        type=int,
        default=25,
        help="listed markets and currencies whose own endpoints are checked, each (25; 0 = none)",
    )
    p.add_argument("--max-orders", type=int, default=5, help="listed order ids checked (5, needs a key)")
    p.add_argument("--replay", nargs="?", const=DEFAULT_REPLAY_DIR, type=Path, metavar="DIR")
    p.add_argument("--record", type=Path, metavar="DIR", help="save REST cassettes and websocket frames")
    p.add_argument("--baseline", type=Path, metavar="REPORT_JSON", help="compare with an earlier report.json")
    p.add_argument("--metrics-file", type=Path, help="write a Prometheus textfile (drift counts)")
    p.add_argument("--strict", action="store_true", help="upstream hygiene warnings fail the run too")
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


def _market(args: argparse.Namespace, rest_url: str | None, budget: Budget) -> tuple[MarketInfo | None, str]:
    if not args.allow_trading:
        return None, "read-only"
    if rest_url is None:
        return None, "needs --rest-url to read the market's min_volume"
    budget.count(2, source="rest safe-order lookup")
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
        market, market_error = _market(args, rest_url, budget)
        recorder = None
        if args.record is not None:
            recorder = Recorder(args.record, Scrubber(tuple(s for s in (args.api_key, args.jwt) if s)))
        if market is not None:
            order = f"buy {market.min_volume} {market.pair} at {market.safe_price}"
            report.notes.append(f"safe order: {order} (far below the market)")
        if ws_url:
            options = WsOptions(ws_url, args.jwt, args.allow_trading, market, market_error, recorder=recorder)
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
                recorder=recorder,
                operations=tuple(o.strip() for o in args.operations.split(",") if o.strip()),
            )
            # real identifiers first: a bounded number of requests that must not be starved by the
            # schemathesis phases, which use whatever time and requests are left
            found: dict[str, OperationResult] = {
                op: OperationResult("rest", op, label=f"{method} {path}")
                for op, method, path in validator.rest_operations()
            }
            if args.max_items > 0:
                targets = TargetOptions(
                    rest_url,
                    args.api_key,
                    preferred_market=args.market,
                    max_items=args.max_items,
                    max_orders=args.max_orders,
                    recorder=recorder,
                    operations=rest.operations,
                )
                run_targets(targets, validator, budget, found, progress)
            results, errors = run_rest(rest, validator, budget, progress)
            for operation in results:
                if operation.name in found:
                    operation.merge(found[operation.name])
            report.results += results
            report.errors += errors
        else:
            report.notes.append("REST not checked (no --rest-url)")
        report.sent_by = dict(budget.sent_by)
        if recorder is not None:
            written = recorder.write()
            report.notes.append(f"recorded {len(written)} file(s) under {args.record} (credentials scrubbed)")
    return report


def _routes(validator: ContractValidator) -> dict[str, list[str]]:
    spec = WsSpec(validator)
    operations = [op for op, _, _ in validator.rest_operations()] + [m.method for m in spec.methods]
    return gateway_routes(operations, spec.events)


def _scrubbed_print(scrubber: Scrubber) -> Callable[[str], None]:
    def write(text: str) -> None:
        sys.stdout.write(scrubber.text(text) + "\n")

    return write


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    progress = Progress(enabled=not args.quiet)
    baseline: dict[str, Any] | None = None
    if args.baseline is not None:
        try:
            baseline = baseline_json.load(args.baseline)
        except ValueError as exc:
            raise SystemExit(f"contract: {exc}") from exc
    report = run(args, progress)
    report.strict = args.strict
    for result in report.results:
        result.strict = args.strict
    data = baseline_json.to_json(report, _routes(ContractValidator()))
    if baseline is not None:
        report.comparison = baseline_json.compare(data["drifts"], baseline)
        data["comparison"] = report.comparison
    args.report_dir.mkdir(parents=True, exist_ok=True)
    write_markdown(report, args.report_dir / "report.md")
    write_junit(report, args.report_dir / "junit.xml")
    baseline_json.write_json(data, args.report_dir / "report.json")
    write_html(data, args.report_dir / "report.html")
    if args.metrics_file is not None:
        baseline_json.write_metrics(data, args.metrics_file)
    scrubber = Scrubber(tuple(s for s in (args.api_key, args.jwt) if s))
    for name in ("report.md", "junit.xml", "report.json", "report.html"):
        path = args.report_dir / name
        text = path.read_text(encoding="utf-8")
        if scrubber.text(text) != text:  # a credential echoed in an answer or a failure message
            path.write_text(scrubber.text(text), encoding="utf-8")
    say = _scrubbed_print(scrubber)
    say(report.summary())
    for error in report.errors:
        say(f"contract: error: {error}")
    for result in report.results:
        if result.status == "fail":
            say(f"contract: FAIL {result.kind} {result.name}: {result.first_failure()}")
    if report.comparison is not None:
        changes = ", ".join(f"{len(report.comparison[k])} {k}" for k in ("new", "gone", "unchanged"))
        say(f"contract: against {args.baseline}: {changes}")
    say(f"contract: report in {args.report_dir}/report.{{md,html,json}} and junit.xml")
    if report.comparison is not None:
        new_hygiene = args.strict and bool(report.hygiene_count())
        return 1 if report.errors or report.comparison["new"] or new_hygiene else 0
    return 0 if report.ok else 1
