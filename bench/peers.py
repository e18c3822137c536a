"""Peers, servers and workers, measured in the same run against the same sandbox.

Two loads, both 2 generator processes × 16 connections:

- **distinct markets**: connection ``i`` of 32 cycles through its own markets (``markets[i::32]``), so
  no two callers ever ask for the same market at once and coalescing cannot help: the cost of
  forwarding itself.
- **shared ticker**: every caller on ``BTCUSDT``'s ticker (the overhead section's REST ticker run):
  where coalescing shares one upstream call among the callers in flight.

Peers on the distinct load: nginx as a plain reverse proxy (the floor of any proxy: Debian package,
an unprivileged config in a temporary directory, keep-alive to the sandbox), a hand-written FastAPI +
httpx + pydantic proxy (``bench/handwritten_proxy.py``), Prism's validation proxy
(``node_modules/.bin/prism proxy``, or the binary named by ``BENCH_PRISM``; "not installed" when
absent), and the gateway as shipped (uvicorn,
one process, the http1 upstream client), with 2 workers, under granian and hypercorn, without its fast
path, and with aiohttp and httpx as the upstream client. nginx and the 2-worker gateway also run the
shared load.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench._procs import ROOT, Server, free_port, program, server
from bench._report import Figure, progress

__all__ = ["NOT_INSTALLED", "distinct_urls", "markets", "nginx", "prism_command", "run"]

GROUP = "peers"
PROCESSES, CONNECTIONS = 2, 16
NOT_INSTALLED = "not installed"
PRISM = ROOT / "node_modules" / ".bin" / "prism"


def markets(sandbox_url: str) -> list[str]:
    with urllib.request.urlopen(f"{sandbox_url}/v1/tickers", timeout=5) as response:
        return sorted(json.loads(response.read())["data"])


def distinct_urls(template: str, names: list[str], process: int) -> list[list[str]]:
    """Per-connection URL lists of one generator process: disjoint markets for all 32 connections."""
    total = PROCESSES * CONNECTIONS
    lists = []
    for connection in range(CONNECTIONS):
        index = process * CONNECTIONS + connection
        lists.append(
            [template.format(market=m) for m in names[index::total]] or [template.format(market=names[0])]
        )
    return lists


_NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream sandbox {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://sandbox;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


@contextmanager
def nginx(upstream_port: int, ready_path: str) -> Iterator[Server | None]:
    """nginx as a plain reverse proxy to the sandbox (None when nginx is not installed)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        yield None
        return
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(tmp=tmp, upstream=upstream_port, port=port), encoding="utf-8")
        argv = [binary, "-p", tmp, "-e", f"{tmp}/error.log", "-c", str(conf)]
        with program("nginx", argv, port, ready_path) as running:
            yield running


def prism_command(spec: Path, upstream: str, port: int) -> list[str] | None:
    """Prism's validation proxy for ``spec`` in front of ``upstream`` (None: not installed)."""
    binary = Path(os.environ.get("BENCH_PRISM", PRISM))
    if not binary.exists():
        return None
    return [
        str(binary),
        "proxy",
        str(spec),
        upstream,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--errors",
        "false",
    ]


LoadFn = Callable[..., dict[str, Any]]


def run(
    figures: list[Figure],
    details: dict[str, Any],
    runs: dict[str, dict[str, Any]],
    load: LoadFn,
    sandbox: Server,
    env: dict[str, str],
) -> None:
    """The distinct-market runs of every peer and variant, and the shared runs of nginx and 2 workers."""
    names = markets(sandbox.url)
    details["distinct_markets"] = len(names)

    def distinct(name: str, base: str, template: str, servers: list[Server], **extra_env: Any) -> None:
        progress(f"peers: {name}, distinct markets ({PROCESSES} × {CONNECTIONS})")
        per_process = [distinct_urls(base + template, names, p) for p in range(PROCESSES)]
        runs[f"{name} distinct"] = load(
            "http", base + template.format(market=names[0]), PROCESSES, CONNECTIONS, servers,
            per_process=per_process,
        )  # fmt: skip

    gateway_path = "/v1/markets/{market}/ticker"
    upstream_path = "/v1/ticker/{market}"
    distinct("direct", sandbox.url, upstream_path, [sandbox])

    with nginx(sandbox.port, "/v1/ticker/BTCUSDT") as proxy:
        if proxy is None:
            details["nginx"] = NOT_INSTALLED
        else:
            distinct("nginx", proxy.url, upstream_path, [proxy, sandbox])
            progress("peers: nginx, shared ticker (2 × 16)")
            runs["nginx shared"] = load("http", f"{proxy.url}/v1/ticker/BTCUSDT", 2, 16, [proxy, sandbox])

    port = free_port()
    with server(
        "handwritten", ["-m", "bench.handwritten_proxy", "--port", str(port), "--upstream", sandbox.url],
        port, "/v1/markets/BTCUSDT/ticker",
    ) as handwritten:  # fmt: skip
        distinct("handwritten", handwritten.url, gateway_path, [handwritten, sandbox])

    port = free_port()
    command = prism_command(ROOT / "spec" / "iqfinex.openapi.yaml", sandbox.url, port)
    if command is None:
        details["prism"] = NOT_INSTALLED
    else:
        with program("prism", command, port, "/v1/ticker/BTCUSDT") as prism:
            distinct("prism", prism.url, upstream_path, [prism, sandbox])

    variants: list[tuple[str, list[str], dict[str, str]]] = [
        ("gateway", ["-m", "gateway"], {}),
        ("gateway 2 workers", ["-m", "gateway", "--workers", "2"], {}),
        ("gateway granian", ["-m", "granian", "--interface", "asgi", "--factory", "--loop", "uvloop",
                             "--host", "127.0.0.1", "--no-access-log", "gateway.app:create_app"], {}),
        ("gateway hypercorn", ["-m", "hypercorn", "-k", "uvloop", "gateway.app:create_app()"], {}),
        ("gateway without fast path", ["-m", "gateway"], {"FAST_PATH": "false"}),
        ("gateway aiohttp client", ["-m", "gateway"], {"REST_TRANSPORT": "aiohttp"}),
        ("gateway httpx client", ["-m", "gateway"], {"REST_TRANSPORT": "httpx"}),
    ]  # fmt: skip
    for name, args, extra in variants:
        port = free_port()
        argv = [*args, "--port", str(port)]
        if "hypercorn" in name:
            argv = [*args, "--bind", f"127.0.0.1:{port}"]
        with server(name.replace(" ", "-"), argv, port, "/v1/markets/BTCUSDT/ticker", {**env, **extra}) as gw:
            distinct(name, gw.url, gateway_path, [gw, sandbox])
            if name == "gateway 2 workers":
                progress("peers: gateway 2 workers, shared ticker (2 × 16)")
                runs["gateway 2 workers shared"] = load(
                    "http", f"{gw.url}/v1/markets/BTCUSDT/ticker", 2, 16, [gw, sandbox]
                )
    _figures(figures, details, runs)


def _rps(runs: dict[str, dict[str, Any]], name: str) -> float:
    found = runs.get(name)
    return float(found["rps"]) if found else float("nan")


def _figures(figures: list[Figure], details: dict[str, Any], runs: dict[str, dict[str, Any]]) -> None:
    from bench.overhead import cpu_note

    gateway = runs["gateway distinct"]
    direct = runs["direct distinct"]
    figures.append(
        Figure.compare(
            "distinct markets throughput, gateway vs direct", gateway["rps"], "req/s", direct["rps"],
            "direct", target=("≥ 0.5×", lambda r: r >= 0.5), note=cpu_note(gateway), group=GROUP,
        )
    )  # fmt: skip
    for peer, label, target in (
        ("handwritten", "hand-written FastAPI+httpx+pydantic proxy", ("≥ 5×", lambda r: r >= 5.0)),
        ("prism", "Prism validation proxy", ("≥ 3×", lambda r: r >= 3.0)),
    ):
        found = runs.get(f"{peer} distinct")
        if found is None:
            figures.append(
                Figure(f"distinct markets, gateway vs {label}", float("nan"), "req/s", target=target[0],
                       note=details.get(peer, NOT_INSTALLED), group=GROUP)
            )  # fmt: skip
            continue
        figures.append(
            Figure.compare(
                f"distinct markets, gateway vs {label}", gateway["rps"], "req/s", found["rps"], peer,
                target=target, note=f"{peer}: p50 {found['p50_ms']:.2f} ms; {cpu_note(found)}", group=GROUP,
            )
        )  # fmt: skip
    nginx_run = runs.get("nginx distinct")
    if nginx_run is not None:
        figures.append(
            Figure.compare(
                "distinct markets, nginx vs direct", nginx_run["rps"], "req/s", direct["rps"], "direct",
                note=f"the floor of any proxy; {cpu_note(nginx_run)}", group=GROUP,
            )
        )  # fmt: skip
        figures.append(
            Figure.compare(
                "distinct markets, gateway vs nginx", gateway["rps"], "req/s", nginx_run["rps"], "nginx",
                group=GROUP,
            )
        )  # fmt: skip
    shared_direct = runs["direct ticker"]
    for name, label in (("nginx shared", "nginx"), ("gateway 2 workers shared", "gateway 2 workers")):
        found = runs.get(name)
        if found is not None:
            figures.append(
                Figure.compare(
                    f"shared ticker, {label} vs direct", found["rps"], "req/s", shared_direct["rps"],
                    "direct", note=cpu_note(found), group=GROUP,
                )
            )  # fmt: skip
    for name, label in (
        ("gateway 2 workers", "2 workers vs 1 (uvicorn)"),
        ("gateway granian", "server: granian vs uvicorn"),
        ("gateway hypercorn", "server: hypercorn vs uvicorn"),
        ("gateway without fast path", "fast path off vs on"),
        ("gateway aiohttp client", "upstream client: aiohttp vs http1 (shipped)"),
        ("gateway httpx client", "upstream client: httpx vs http1 (shipped)"),
    ):
        found = runs.get(f"{name} distinct")
        if found is None:
            continue
        figures.append(
            Figure.compare(
                f"distinct markets, {label}", found["rps"], "req/s", gateway["rps"], "gateway as shipped",
                note=f"p50 {found['p50_ms']:.2f} ms; {cpu_note(found)}", group=GROUP,
            )
        )  # fmt: skip
