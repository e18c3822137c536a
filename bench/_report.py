"""Figures, the table, and the result files."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "Figure", "progress", "render_markdown", "render_table", "write_results"]

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One measured figure. ``ratio`` is expressed the way ``target`` states it (see ``ratio_of``)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    ratio_of: str = "value/baseline"
    target: str | None = None  # human form, e.g. "≤ 3×"; None: reported without a target
    met: bool | None = None
    note: str = ""  # absolute times and context, printed with the row
    group: str = ""

    @classmethod
    def compare(
        cls,
        name: str,
        value: float,
        unit: str,
        baseline: float,
        baseline_name: str,
        *,
        invert: bool = False,
        target: tuple[str, Callable[[float], bool]] | None = None,
        note: str = "",
        group: str = "",
    ) -> Figure:
        """A figure whose ratio is value/baseline (``invert``: baseline/value, i.e. a speed-up)."""
        ratio = (baseline / value if invert else value / baseline) if value and baseline else float("nan")
        text, check = target if target is not None else (None, None)
        return cls(
            name=name,
            value=value,
            unit=unit,
            baseline=baseline,
            baseline_name=baseline_name,
            ratio=ratio,
            ratio_of="baseline/value" if invert else "value/baseline",
            target=text,
            met=None if check is None else bool(check(ratio)),
            note=note,
            group=group,
        )


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if value != value:  # nan
        return "n/a"
    if unit in {"req/s", "values/s", "MiB"} or abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}"


def _ratio(figure: Figure) -> str:
    if figure.ratio is None:
        return "—"
    if figure.ratio != figure.ratio:
        return "n/a"
    return f"{figure.ratio:.2f}×"


def _met(figure: Figure) -> str:
    return "—" if figure.met is None else ("yes" if figure.met else "NO")


_HEADERS = ("name", "value", "unit", "baseline", "ratio", "target", "met", "notes")


def _rows(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for f in figures:
        baseline = "—" if f.baseline is None else f"{_num(f.baseline, f.unit)} ({f.baseline_name})"
        ratio = _ratio(f) + ("" if f.ratio is None else f" {f.ratio_of}")
        rows.append(
            (f.name, _num(f.value, f.unit), f.unit, baseline, ratio, f.target or "—", _met(f), f.note)
        )
    return rows


def render_table(figures: Sequence[Figure]) -> str:
    rows = [_HEADERS, *_rows(figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADERS) - 1)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))]
        lines.append(" | ".join(cells) + " | " + row[-1])
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 5)
    return "\n".join(lines)


def render_markdown(figures: Sequence[Figure], context: str) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "| " + " | ".join(_HEADERS) + " |",
        "|" + "|".join(["---", "---:", "---", "---:", "---:", "---", "---", "---"]) + "|",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in _rows(figures)]
    return context.rstrip() + "\n\n" + "\n".join(lines) + "\n"


def write_results(
    figures: Sequence[Figure], markdown: str, details: dict[str, Any], out: Path | None = None
) -> list[Path]:
    """``latest.json``: the targeted figures as ``{name, value, unit, baseline, ratio, target, met}``;
    ``latest.md`` and ``details.json`` next to it, in ``out`` (default ``bench/results/``)."""
    out = RESULTS if out is None else out
    out.mkdir(parents=True, exist_ok=True)
    targeted = [
        {
            "name": f.name,
            "value": f.value,
            "unit": f.unit,
            "baseline": f.baseline,
            "ratio": f.ratio,
            "target": f"{f.target} ({f.ratio_of})",
            "met": f.met,
        }
        for f in figures
        if f.target is not None and f.met is not None
    ]
    paths = [out / "latest.json", out / "latest.md", out / "details.json"]
    paths[0].write_text(json.dumps(targeted, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(markdown, encoding="utf-8")
    everything = {"figures": [asdict(f) for f in figures], **details}
    paths[2].write_text(json.dumps(everything, indent=2, default=str) + "\n", encoding="utf-8")
    return paths
