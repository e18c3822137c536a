"""Today against yesterday: ``report.json``, ``--baseline`` and the Prometheus textfile.

``report.json`` (every run)::

    {"format": 1, "target": ..., "verdict": "CONFORMS" | "DRIFT", "strict": false,
     "counts": {"operations": n, "pass": n, "fail": n, "skipped": n, "not observed": n,
                "drifts": n, "occurrences": n, "hygiene": n, "requests_sent": n, "answers_checked": n},
     "requests": {"sent": n, "by_source": {"rest schemathesis": n, ...}, "explained": "..."},
     "operations": [{"kind", "name", "label", "status", "requests", "drifts", "hygiene", "notes"}],
     "drifts": [{"key", "kind", "operation", "label", "path", "example_path", "field", "expected",
                 "received_kind", "example", "count", "routes"}],
     "hygiene": [{"kind", "operation", "check", "meaning", "text"}],
     "errors": [...], "notes": [...], "comparison": null | {"new": [...], "gone": [...], "unchanged": [...]}}

A drift is one (operation, JSON path pattern, expected, received kind); failures without a JSON path
(a server error, no reply) are drifts at ``$`` keyed by their check name. ``key`` identifies a drift
across runs, so ``compare`` sorts today's drifts into new / gone / unchanged against a baseline.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from .hygiene import describe
from .report import Run, received_kind

__all__ = ["compare", "drifts", "load", "to_json", "write_json", "write_metrics"]

FORMAT = 1
_NUMBERS = re.compile(r"\d+")


def _problem_check(text: str) -> str:
    head = text.split(":", 1)[0].strip()
    return head if re.fullmatch(r"[a-z_ ]+", head) else _NUMBERS.sub("N", text[:60])


def drifts(run: Run, routes: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in run.results:
        operation = f"{r.kind} {r.name}"
        broken = (routes or {}).get(r.name, []) if r.kind != "replay" else []
        for f in r.errors:
            kind = received_kind(f.received)
            path = f.pattern or f.path
            out.append(
                {
                    "key": "|".join((operation, path, f.expected, kind)),
                    "kind": r.kind,
                    "operation": r.name,
                    "label": r.label,
                    "path": path,
                    "example_path": f.path,
                    "field": f.field,
                    "expected": f.expected,
                    "received_kind": kind,
                    "example": f.received,
                    "message": f.message,
                    "count": r.count_of(f),
                    "routes": broken,
                }
            )
        grouped: dict[str, list[str]] = {}
        for text in r.problems:
            grouped.setdefault(_problem_check(text), []).append(text)
        for check, texts in grouped.items():
            out.append(
                {
                    "key": "|".join((operation, "$", check, "failure")),
                    "kind": r.kind,
                    "operation": r.name,
                    "label": r.label,
                    "path": "$",
                    "example_path": "$",
                    "field": "",
                    "expected": describe(check),
                    "received_kind": "failure",
                    "example": texts[0],
                    "message": check,
                    "count": sum(r.problem_counts[t] or 1 for t in texts),
                    "routes": broken,
                }
            )
    return out


def to_json(run: Run, routes: dict[str, list[str]] | None = None) -> dict[str, Any]:
    found = drifts(run, routes)
    counts: dict[str, Any] = {"operations": len(run.results), **run.counts()}
    counts.update(
        drifts=len(found),
        occurrences=sum(d["count"] for d in found),
        hygiene=run.hygiene_count(),
        requests_sent=run.sent,
        answers_checked=run.checked(),
    )
    return {
        "format": FORMAT,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "target": run.target,
        "verdict": "CONFORMS" if run.ok else "DRIFT",
        "strict": run.strict,
        "counts": counts,
        "requests": {"sent": run.sent, "by_source": dict(run.sent_by), "explained": run.request_count()},
        "operations": [
            {
                "kind": r.kind,
                "name": r.name,
                "label": r.label,
                "status": r.status,
                "status_text": r.status_text(),
                "requests": r.requests,
                "drifts": len(r.errors) + len({_problem_check(t) for t in r.problems}),
                "hygiene": len(r.hygiene),
                "notes": r.notes,
            }
            for r in run.results
        ],
        "drifts": found,
        "hygiene": [
            {
                "kind": r.kind,
                "operation": r.name,
                "check": c,
                "meaning": describe(c),
                "count": r.hygiene_counts[c] or 1,
                "text": t,
            }
            for r in run.results
            for c, t in r.hygiene
        ],
        "errors": run.errors,
        "notes": run.notes,
        "comparison": run.comparison,
    }


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def write_json(data: dict[str, Any], path: Path) -> None:
    _atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def load(path: Path) -> dict[str, Any]:
    """A baseline ``report.json``; ValueError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("drifts"), list):
        raise ValueError(f"baseline {path}: not a contract report.json (format {FORMAT})")
    return data


def compare(today: list[dict[str, Any]], baseline: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    before = {str(d.get("key")): d for d in baseline["drifts"] if isinstance(d, dict)}
    now = {str(d["key"]): d for d in today}
    return {
        "new": [now[k] for k in now if k not in before],
        "gone": [before[k] for k in before if k not in now],
        "unchanged": [now[k] for k in now if k in before],
    }


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def write_metrics(data: dict[str, Any], path: Path) -> None:
    """Prometheus textfile (node_exporter's textfile collector): drift counts per operation."""
    lines = [
        "# HELP contract_drifts Distinct drifts (JSON path, expected, received kind) per operation.",
        "# TYPE contract_drifts gauge",
    ]
    occurrences = [
        "# HELP contract_drift_occurrences Answers or frames with drift, per operation.",
        "# TYPE contract_drift_occurrences gauge",
    ]
    per: dict[tuple[str, str], list[int]] = {}
    for op in data["operations"]:
        per[(op["kind"], op["name"])] = [0, 0]
    for d in data["drifts"]:
        slot = per.setdefault((d["kind"], d["operation"]), [0, 0])
        slot[0] += 1
        slot[1] += int(d["count"])
    for (kind, name), (distinct, total) in sorted(per.items()):
        labels = f'kind="{_label(kind)}",operation="{_label(name)}"'
        lines.append(f"contract_drifts{{{labels}}} {distinct}")
        occurrences.append(f"contract_drift_occurrences{{{labels}}} {total}")
    hygiene: dict[tuple[str, str], int] = {}
    for h in data["hygiene"]:
        key = (h["kind"], h["operation"])
        hygiene[key] = hygiene.get(key, 0) + int(h.get("count", 1))
    lines += occurrences
    lines += [
        "# HELP contract_hygiene_warnings Upstream hygiene warnings per operation.",
        "# TYPE contract_hygiene_warnings gauge",
    ]
    for (kind, name), n in sorted(hygiene.items()):
        lines.append(f'contract_hygiene_warnings{{kind="{_label(kind)}",operation="{_label(name)}"}} {n}')
    counts = data["counts"]
    lines += [
        "# HELP contract_conforms 1 when the last run found no drift (and no hygiene issue with --strict).",
        "# TYPE contract_conforms gauge",
        f"contract_conforms {1 if data['verdict'] == 'CONFORMS' else 0}",
        "# HELP contract_requests_sent Requests the last run sent.",
        "# TYPE contract_requests_sent gauge",
        f"contract_requests_sent {counts['requests_sent']}",
        "# HELP contract_run_errors Run-level errors (could not connect, read-only violated, ...).",
        "# TYPE contract_run_errors gauge",
        f"contract_run_errors {len(data['errors'])}",
    ]
    comparison = data.get("comparison")
    if comparison is not None:
        lines += [
            "# HELP contract_baseline_drifts Drifts against the baseline, by change.",
            "# TYPE contract_baseline_drifts gauge",
        ]
        for change in ("new", "gone", "unchanged"):
            lines.append(f'contract_baseline_drifts{{change="{change}"}} {len(comparison[change])}')
    lines += [
        "# HELP contract_last_run_timestamp_seconds When the last run finished.",
        "# TYPE contract_last_run_timestamp_seconds gauge",
        f"contract_last_run_timestamp_seconds {int(time.time())}",
    ]
    _atomic_write(path, "\n".join(lines) + "\n")
