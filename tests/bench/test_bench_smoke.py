"""``make bench`` must run: a smoke run of every section (tiny windows, nothing timed or asserted about
speed) that fails when a benchmark breaks, as it did when the fail-closed start rule and the Finex
client's ``on_late`` argument landed without the benchmarks following."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Every figure the targets name, which a run must produce (a value, not n/a).
REQUIRED = [
    "ws list_orders 1k rows → body vs orjson floor",
    "ws list_orders 1k rows → body vs pydantic",
    "rest order book 2×10k levels → body vs orjson floor",
    "decimal canonicalization, uncached",
    "REST shared ticker (32 callers) throughput, gateway vs direct",
    "REST shared ticker (32 callers) p50 latency at 1 connection, gateway vs direct",
    "REST order book (32 callers, one market) p50 latency at 1 connection, gateway vs direct",
    "gateway peak RSS (VmHWM) after the load",
    "gateway peak RSS with 1,000 event-stream clients",
    "distinct markets throughput, gateway vs direct",
    "distinct markets, gateway vs hand-written FastAPI+httpx+pydantic proxy",
    "distinct markets, 2 workers vs 1 (uvicorn)",
]


def test_bench_smoke_runs_every_section(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    details = json.loads((tmp_path / "details.json").read_text(encoding="utf-8"))
    assert details["failures"] == []
    figures = {f["name"]: f for f in details["figures"]}
    for name in REQUIRED:
        assert name in figures, f"missing figure {name!r}; have {sorted(figures)}"
        assert math.isfinite(figures[name]["value"]), figures[name]
    ws = [f for name, f in figures.items() if name.startswith("ws list_orders (")]
    assert ws
    assert all(math.isfinite(f["value"]) for f in ws)
    # the private runs went through the gateway's token check, and every request answered 200
    assert details["load"]["gateway ws"]["errors"] == 0, details["load"]["gateway ws"]
    assert details["load"]["gateway events"]["connected"] == details["event_clients"]
    assert (tmp_path / "latest.md").read_text(encoding="utf-8").count("|") > 10


def test_bench_exits_nonzero_when_a_section_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import __main__ as bench_main
    from bench import _report

    def broken(figures: list[object]) -> None:
        raise RuntimeError("a broken benchmark")

    monkeypatch.setattr(bench_main.normalization, "run", broken)
    monkeypatch.setattr(_report, "RESULTS", tmp_path)
    assert bench_main.main(["--smoke", "--only", "normalization", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "normalization failed" in err
    assert "a broken benchmark" in err
    details = json.loads((tmp_path / "details.json").read_text(encoding="utf-8"))
    assert [f["section"] for f in details["failures"]] == ["normalization"]
