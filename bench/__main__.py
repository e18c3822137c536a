"""``python -m bench [--quick | --smoke] [--only normalization|overhead] [--out DIR]``: run the
benchmarks, print one table.

Progress goes to stderr (one line per benchmark); the table to stdout; results to ``bench/results/``
(or ``--out``). Exits 0 whether or not the targets are met (the table's ``met`` column says which are
not), 1 when a section could not run (its traceback is printed and kept in ``details.json``).
``--smoke`` runs every measurement once, very briefly: it checks that the benchmarks work (the test
suite runs it) and its figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import _report, normalization, overhead
from bench._plot import plot
from bench._report import Figure, progress, render_markdown, render_table, write_results
from bench._timing import smoke

__all__ = ["main"]


def _context(details: dict[str, Any], elapsed: float) -> str:
    load = details["loadavg_start"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.machine()}; load average at start {load[0]:.2f} "
        f"(other work on the machine inflates every figure; the ratios are taken in the same run).",
        "Normalization: in-process, the gateway's own functions against their baselines, timed "
        "round-robin (the minimum of N rounds each, so both sides of a ratio share the machine's "
        "conditions). "
        "Overhead and peers: sandbox, gateway and peers (nginx, a hand-written FastAPI proxy, Prism) as "
        "separate processes on 127.0.0.1, loaded by 2 aiohttp+uvloop generator processes (1 for the direct "
        "websocket client); "
        f"{details.get('timing', '')}. On 2 cores the generator, the gateway and the sandbox share the CPU.",
        f"Total {elapsed:.0f} s.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=["normalization", "overhead"])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--quick", action="store_true", help="shorter load runs (0.5 s warm-up + 2 s)")
    length.add_argument(
        "--smoke", action="store_true", help="check that every benchmark runs (figures meaningless)"
    )
    parser.add_argument("--out", type=Path, default=None, help="where the result files go (bench/results/)")
    args = parser.parse_args(argv)
    out: Path = args.out or _report.RESULTS
    started = time.monotonic()
    figures: list[Figure] = []
    details: dict[str, Any] = {"loadavg_start": os.getloadavg(), "failures": []}
    warmup, duration = (0.5, 2.0) if args.quick else (1.0, 4.0)
    if args.smoke:
        smoke()
        warmup, duration = 0.1, 0.3
    details["timing"] = f"{warmup:g} s warm-up + {duration:g} s measured per load run"
    sections: list[tuple[str, Callable[[], None]]] = [
        ("normalization", lambda: normalization.run(figures)),
        ("overhead", lambda: overhead.run(figures, details, warmup=warmup, duration=duration)),
    ]
    for name, section in sections:
        if args.only and name != args.only:
            continue
        try:
            section()
        except Exception:  # report what was measured; the failure is printed and recorded
            progress(f"{name} failed:\n{traceback.format_exc()}")
            details["failures"].append({"section": name, "error": traceback.format_exc()})
    elapsed = time.monotonic() - started
    context = _context(details, elapsed)
    print(render_table(figures))
    print()
    print(context)
    markdown = render_markdown(figures, context)
    paths = write_results(figures, markdown, details, out)
    if "load" in details:
        title = context.splitlines()[0][:160]
        drawn = plot(details["load"], title, out / "latest.png")
        if drawn is not None:
            paths.append(drawn)
    missed = [f.name for f in figures if f.met is False]
    print(f"\n{len(figures)} figures, {len(missed)} targets missed; wrote {', '.join(str(p) for p in paths)}")
    if details["failures"]:
        failed = ", ".join(f["section"] for f in details["failures"])
        progress(f"FAILED: {failed} could not run (tracebacks above and in details.json)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
