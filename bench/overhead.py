"""Gateway overhead on loopback: the same load generator against the sandbox directly and through the
gateway, each a separate process bound to 127.0.0.1.

Runs (each ``warmup`` + ``duration`` seconds, all processes stopped at the end, also on failure):

- generator check: direct ``/v1/ticker/BTCUSDT`` with 1 generator process × 32 connections and with
  2 × 16; plus every run's generator CPU share (``getrusage``) next to the servers' (``/proc/<pid>/stat``).
- REST: ``/v1/ticker/BTCUSDT`` vs ``/v1/markets/BTCUSDT/ticker``; ``/v1/orderbook/BTCUSDT/0`` vs
  ``/v1/markets/BTCUSDT/orderbook?rounding=0`` — 2 processes × 16 aiohttp connections (uvloop).
- websocket: ``list_orders`` with 100 concurrent callers on one direct ``FinexConnection`` vs
  ``GET /v1/finex/orders`` with 2 × 50 HTTP connections (the gateway shares one upstream connection).
- latency: the same routes with ONE connection (no queueing), where p50 added latency is the
  gateway's own cost per request (at 32 connections p50 is mostly queueing: callers ÷ throughput).
- coalescing: the shared ticker run reads ``gateway_coalesced_requests_total`` afterwards (how many
  callers joined a call in flight); its target is ≥ 1.0× direct.
- the gateway's peak resident memory (``VmHWM``) after all of its runs.
- then :mod:`bench.peers` against the same sandbox: the distinct-market load through every peer,
  server, worker count and upstream client.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import peers
from bench._procs import ROOT, Server, free_port, group_cpu_seconds, peak_rss_mib, server, stop_group
from bench._report import Figure, progress

__all__ = ["cpu_note", "run"]

GROUP = "overhead"
WS_PATH = "/api/v2/open_finance"
LIST_ORDERS_ARGS = ["", 0, 0, ""]
SEED_ORDERS = 50
EVENT_CLIENTS = 1000


def _load(
    mode: str,
    url: str,
    processes: int,
    connections: int,
    servers: Sequence[Server],
    *,
    warmup: float,
    duration: float,
    extra: dict[str, Any] | None = None,
    per_process: list[list[list[str]]] | None = None,
) -> dict[str, Any]:
    """Run ``processes`` generator processes with ``connections`` each; merged figures.

    ``per_process[p]``: process ``p``'s per-connection URL lists (the distinct-market load)."""
    start = time.time() + (2.5 if mode == "ws" else 1.5)  # time for the generators to import and connect
    spec = {"mode": mode, "url": url, "connections": connections, "start": start, "warmup": warmup,
            "duration": duration, **(extra or {})}  # fmt: skip
    outputs = [Path(tempfile.mkstemp(prefix="bench-load-", suffix=".json")[1]) for _ in range(processes)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.loadgen", json.dumps({**spec, "out": str(out), **urls})],
            cwd=ROOT,
            start_new_session=True,
        )
        for out, urls in zip(
            outputs, [{"urls": u} for u in per_process] if per_process else [{}] * processes, strict=True
        )
    ]
    try:
        time.sleep(max(0.0, start + warmup - time.time()))
        before = {s.name: group_cpu_seconds(s.pid) for s in servers}
        time.sleep(max(0.0, start + warmup + duration - time.time()))
        after = {s.name: group_cpu_seconds(s.pid) for s in servers}
        results = []
        for proc, out in zip(procs, outputs, strict=True):
            if proc.wait(timeout=30) != 0:
                raise RuntimeError(f"load generator failed ({proc.returncode})")
            results.append(json.loads(out.read_text(encoding="utf-8")))
    finally:
        for proc in procs:
            if proc.poll() is None:
                stop_group(proc)
        for out in outputs:
            out.unlink(missing_ok=True)
    latencies = sorted(x for r in results for x in r["latencies"])
    connected = sum(int(r.get("connected", 0)) for r in results)
    count = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(count - 1, int(p * count))] * 1000 if count else float("nan")

    return {
        "url": url,
        "processes": processes,
        "connections": connections,
        "requests": count,
        "connected": connected,
        "errors": sum(r["errors"] for r in results),
        "rps": count / duration,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(latencies) * 1000 if count else float("nan"),
        "generator_cpu": [r["cpu"] / duration for r in results],
        "server_cpu": {name: (after[name] - before[name]) / duration for name in before},
    }


def cpu_note(run: dict[str, Any]) -> str:
    gens = "+".join(f"{c:.0%}" for c in run["generator_cpu"])
    per = 1000 / run["rps"] if run["rps"] else float("nan")  # CPU ms per request: robust to a loaded machine
    servers = ", ".join(f"{name} {c:.0%} ({c * per:.2f} ms/req)" for name, c in run["server_cpu"].items())
    errors = f", {run['errors']} errors" if run["errors"] else ""
    return f"CPU of one core: generator {gens}; {servers}{errors}"


def _pair(
    figures: list[Figure],
    label: str,
    direct: dict[str, Any],
    gateway: dict[str, Any],
    direct_one: dict[str, Any],
    gateway_one: dict[str, Any],
    *,
    throughput: float = 0.5,
    added_ms: float = 1.0,
    note: str = "",
) -> None:
    figures.append(
        Figure.compare(
            f"{label} throughput, gateway vs direct", gateway["rps"], "req/s", direct["rps"], "direct",
            target=(f"≥ {throughput:g}×", lambda r: r >= throughput), note=note + cpu_note(gateway),
            group=GROUP,
        )
    )  # fmt: skip
    added = gateway_one["p50_ms"] - direct_one["p50_ms"]
    p50 = Figure.compare(
        f"{label} p50 latency at 1 connection, gateway vs direct", gateway_one["p50_ms"], "ms",
        direct_one["p50_ms"], "direct", group=GROUP,
        note=f"added {added:.2f} ms (target: gateway − direct ≤ {added_ms:g} ms, unloaded); "
        + cpu_note(gateway_one),
    )  # fmt: skip
    p50.target, p50.met = f"added ≤ {added_ms:g} ms", bool(added <= added_ms)
    figures.append(p50)
    loaded = gateway["p50_ms"] - direct["p50_ms"]
    figures.append(
        Figure.compare(
            f"{label} p50 latency under load, gateway vs direct", gateway["p50_ms"], "ms", direct["p50_ms"],
            "direct", note=f"added {loaded:.2f} ms (queueing: callers ÷ throughput)", group=GROUP,
        )
    )  # fmt: skip
    figures.append(
        Figure.compare(
            f"{label} p99 latency, gateway vs direct", gateway["p99_ms"], "ms", direct["p99_ms"], "direct",
            note=f"added {gateway['p99_ms'] - direct['p99_ms']:.2f} ms", group=GROUP,
        )
    )  # fmt: skip


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _coalesced(url: str, route: str) -> dict[str, float]:
    """``gateway_coalesced_requests_total`` of ``route`` by outcome, from the gateway's ``/metrics``."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        text = response.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("gateway_coalesced_requests_total{") and f'route="{route}"' in line:
            outcome = line.split('outcome="', 1)[1].split('"', 1)[0]
            found[outcome] = float(line.rsplit(" ", 1)[1])
    return found


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


async def _seed_orders(ws_url: str, jwt: str, count: int) -> int:
    """Open orders on the demo account, away from the market so they stay open (mixed markets/sides)."""
    from gateway.finex.connection import FinexConnection

    async with FinexConnection(ws_url, jwt) as connection:
        for index in range(count):
            if index % 2:
                args = ["btcusdt", "l", "buy", "0.001", f"{1000 + index}.50"]
            else:
                args = ["ethusdt", "l", "sell", "0.010", f"{90000 + index}.25"]
            await connection.call("create_order", args)
        rows = json.loads(bytes(await connection.call("list_orders", LIST_ORDERS_ARGS)))
    return len(rows)


def run(
    figures: list[Figure], details: dict[str, Any], *, warmup: float = 1.0, duration: float = 4.0
) -> None:
    timing: dict[str, Any] = {"warmup": warmup, "duration": duration}
    runs: dict[str, dict[str, Any]] = {}
    details["load"] = runs
    details["event_clients"] = EVENT_CLIENTS
    sandbox_port = free_port()
    progress(f"overhead: starting sandbox on 127.0.0.1:{sandbox_port}")
    with server(
        "sandbox",
        ["-m", "sandbox", "--port", str(sandbox_port), "--no-trader"],
        sandbox_port,
        "/__sandbox/stats",
    ) as sandbox:
        credentials = _get_json(f"{sandbox.url}/__sandbox/credentials")
        ws_url = f"ws://127.0.0.1:{sandbox_port}{WS_PATH}"
        rows = asyncio.run(_seed_orders(ws_url, credentials["jwt"], SEED_ORDERS))
        details["list_orders_rows"] = rows

        ticker, book = f"{sandbox.url}/v1/ticker/BTCUSDT", f"{sandbox.url}/v1/orderbook/BTCUSDT/0"
        progress("overhead: direct ticker, generator check (1 process × 32 connections)")
        runs["direct ticker 1x32"] = _load("http", ticker, 1, 32, [sandbox], **timing)
        progress("overhead: direct ticker (2 processes × 16 connections)")
        runs["direct ticker"] = _load("http", ticker, 2, 16, [sandbox], **timing)
        progress("overhead: direct order book (2 × 16)")
        runs["direct orderbook"] = _load("http", book, 2, 16, [sandbox], **timing)
        progress(f"overhead: direct websocket list_orders ({rows} rows, 100 callers, one connection)")
        ws_extra = {"jwt": credentials["jwt"], "method": "list_orders", "args": LIST_ORDERS_ARGS}
        runs["direct ws"] = _load("ws", ws_url, 1, 100, [sandbox], extra=ws_extra, **timing)
        progress("overhead: direct latency runs (1 connection each)")
        runs["direct ticker 1"] = _load("http", ticker, 1, 1, [sandbox], **timing)
        runs["direct orderbook 1"] = _load("http", book, 1, 1, [sandbox], **timing)
        runs["direct ws 1"] = _load("ws", ws_url, 1, 1, [sandbox], extra=ws_extra, **timing)

        # The gateway as a team runs it: server-side credentials, private routes behind a gateway token
        # (the fail-closed start refuses server-side credentials without one).
        token = secrets.token_urlsafe(24)
        private = {"headers": {"Authorization": f"Bearer {token}"}}
        env = {
            "IQFINEX_BASE_URL": sandbox.url,
            "FINEX_WS_URL": ws_url,
            "IQFINEX_API_KEY": credentials["api_key"],
            "FINEX_JWT": credentials["jwt"],
            "GATEWAY_TOKENS": json.dumps([token]),
            "LOG_LEVEL": "warning",
        }
        gateway_port = free_port()
        progress(f"overhead: starting gateway on 127.0.0.1:{gateway_port}")
        with server(
            "gateway", ["-m", "gateway", "--port", str(gateway_port)], gateway_port,
            "/v1/markets/BTCUSDT/ticker", env,
        ) as gateway:  # fmt: skip
            rss_idle = peak_rss_mib(gateway.pid)
            both = [gateway, sandbox]
            progress("overhead: gateway ticker (2 × 16)")
            runs["gateway ticker"] = _load(
                "http", f"{gateway.url}/v1/markets/BTCUSDT/ticker", 2, 16, both, **timing
            )
            coalesced = _coalesced(gateway.url, "getTicker")
            progress("overhead: gateway order book (2 × 16)")
            runs["gateway orderbook"] = _load(
                "http", f"{gateway.url}/v1/markets/BTCUSDT/orderbook?rounding=0", 2, 16, both, **timing
            )
            progress("overhead: gateway GET /v1/finex/orders (2 × 50)")
            runs["gateway ws"] = _load(
                "http", f"{gateway.url}/v1/finex/orders", 2, 50, both, extra=private, **timing
            )
            progress("overhead: gateway latency runs (1 connection each)")
            for name, path in (
                ("ticker", "/v1/markets/BTCUSDT/ticker"),
                ("orderbook", "/v1/markets/BTCUSDT/orderbook?rounding=0"),
                ("ws", "/v1/finex/orders"),
            ):
                extra = private if name == "ws" else None
                runs[f"gateway {name} 1"] = _load(
                    "http", f"{gateway.url}{path}", 1, 1, both, extra=extra, **timing
                )
            rss_peak = peak_rss_mib(gateway.pid)
            progress(f"overhead: gateway with {EVENT_CLIENTS} event-stream clients connected")
            rss_before_events = _rss_mib(gateway.pid)
            events_url = gateway.url.replace("http://", "ws://") + "/v1/events/ws"
            runs["gateway events"] = _load(
                "events", events_url, 1, EVENT_CLIENTS, both, extra=private, **timing
            )
            rss_events = peak_rss_mib(gateway.pid)

        peers.run(figures, details, runs, functools.partial(_load, **timing), sandbox, env)

    one, two = runs["direct ticker 1x32"], runs["direct ticker"]
    figures.append(
        Figure.compare(
            "generator check: direct ticker, 1×32 vs 2×16 processes", one["rps"], "req/s", two["rps"],
            "2 processes", note=f"1 process: {cpu_note(one)} | 2 processes: {cpu_note(two)}", group=GROUP,
        )
    )  # fmt: skip
    leaders, joined = coalesced.get("leader", 0.0), coalesced.get("joined", 0.0)
    share = f"coalesced: {joined:,.0f} of {leaders + joined:,.0f} requests joined a call in flight; "
    for label, name, throughput, added_ms, note in (
        ("REST shared ticker (32 callers)", "ticker", 1.0, 0.5, share),
        ("REST order book (32 callers, one market)", "orderbook", 0.5, 1.0, ""),
        (f"ws list_orders ({rows} rows)", "ws", 0.5, 1.0, ""),
    ):
        _pair(
            figures, label, runs[f"direct {name}"], runs[f"gateway {name}"],
            runs[f"direct {name} 1"], runs[f"gateway {name} 1"],
            throughput=throughput, added_ms=added_ms, note=note,
        )  # fmt: skip
    figures.append(
        Figure.compare(
            "gateway peak RSS (VmHWM) after the load", rss_peak, "MiB", rss_idle, "VmHWM when ready",
            note="separate process, all gateway runs above", group=GROUP,
        )
    )  # fmt: skip
    figures[-1].target, figures[-1].met = "≤ 120 MiB", bool(rss_peak <= 120)
    events = runs["gateway events"]
    figures.append(
        Figure.compare(
            f"gateway peak RSS with {EVENT_CLIENTS:,} event-stream clients", rss_events, "MiB",
            rss_before_events, "RSS before they connected", group=GROUP,
            note=f"{events['connected']:,} connected at the end of the window, {events['errors']} refused",
        )
    )  # fmt: skip
    figures[-1].target, figures[-1].met = (
        "≤ 250 MiB",
        bool(rss_events <= 250 and events["connected"] == EVENT_CLIENTS),
    )
    details["machine"] = {"cpus": os.cpu_count(), "loadavg_end": os.getloadavg()}
