"""The throughput/latency plot of one run (``bench/results/latest.png``, next to ``latest.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot"]

# (label in the plot, run name in details["load"]), per load.
_DISTINCT = [
    ("sandbox direct", "direct distinct"),
    ("nginx", "nginx distinct"),
    ("gateway (uvicorn, shipped)", "gateway distinct"),
    ("gateway, 2 workers", "gateway 2 workers distinct"),
    ("gateway under granian", "gateway granian distinct"),
    ("gateway under hypercorn", "gateway hypercorn distinct"),
    ("gateway, fast path off", "gateway without fast path distinct"),
    ("gateway, aiohttp client", "gateway aiohttp client distinct"),
    ("gateway, httpx client", "gateway httpx client distinct"),
    ("hand-written FastAPI proxy", "handwritten distinct"),
    ("Prism proxy", "prism distinct"),
]
_SHARED = [
    ("sandbox direct", "direct ticker"),
    ("nginx", "nginx shared"),
    ("gateway (uvicorn, shipped)", "gateway ticker"),
    ("gateway, 2 workers", "gateway 2 workers shared"),
]


def _own_cpu_ms(run: dict[str, Any]) -> float:
    """CPU ms per request of the server under test (the sandbox's own when it is the only server)."""
    cpu = {name: c for name, c in run["server_cpu"].items() if name != "sandbox"} or run["server_cpu"]
    return sum(cpu.values()) * 1000 / run["rps"] if run["rps"] else float("nan")


def plot(runs: dict[str, dict[str, Any]], title: str, path: Path) -> Path | None:
    """Bars of req/s and p50 under load for both loads; None when matplotlib is missing or no data."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    panels = [
        ("distinct markets (2 × 16 connections)", [(lbl, runs[n]) for lbl, n in _DISTINCT if n in runs]),
        ("one shared ticker (32 callers)", [(lbl, runs[n]) for lbl, n in _SHARED if n in runs]),
    ]
    if not any(rows for _, rows in panels):
        return None
    fig, axes = plt.subplots(2, 3, figsize=(16, 8), gridspec_kw={"height_ratios": [10, 4]})
    for row, (name, rows) in enumerate(panels):
        labels = [label for label, _ in rows][::-1]
        rps = [r["rps"] for _, r in rows][::-1]
        p50 = [r["p50_ms"] for _, r in rows][::-1]
        cpu = [_own_cpu_ms(r) for _, r in rows][::-1]
        colors = ["#4c72b0" if label.startswith("gateway") else "#999999" for label in labels]
        columns = ((rps, "req/s", "{:,.0f}"), (p50, "p50 ms under load", "{:.1f}"),
                   (cpu, "server CPU ms per request", "{:.2f}"))  # fmt: skip
        for col, (values, unit, form) in enumerate(columns):
            ax = axes[row][col]
            ax.barh(labels, values, color=colors)
            ax.set_title(f"{name}: {unit}", fontsize=10)
            for y, value in enumerate(values):
                ax.text(value, y, " " + form.format(value), va="center", fontsize=8)
            ax.margins(x=0.18)
            if col:
                ax.set_yticklabels([])
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
