"""Results of a contract run and their two renderings: ``report.md`` (people) and ``junit.xml`` (CI).

One ``OperationResult`` per checked unit: a REST operation (by operationId), a websocket method, a
websocket event, or a replayed cassette. Status is ``pass``, ``fail``, ``skipped`` (with a reason,
e.g. "skipped (read-only)") or ``not observed`` (an event that never arrived; not a failure).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO
from xml.etree import ElementTree as ET

from .validate import Finding

__all__ = ["OperationResult", "Progress", "Run", "Status", "write_junit", "write_markdown"]

Status = Literal["pass", "fail", "skipped", "not observed"]
_MAX_LISTED = 25


@dataclass
class OperationResult:
    kind: str  # "rest", "ws", "event", "replay"
    name: str  # operationId, websocket method, event name or cassette name
    label: str = ""  # e.g. "GET /v1/ticker/{asset}"
    requests: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures without a JSON path (5xx, timeouts, ...)
    skipped: str = ""  # reason, e.g. "read-only"
    notes: list[str] = field(default_factory=list)
    observed: bool = True  # False for an event that never arrived

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def status(self) -> Status:
        if self.errors or self.problems:
            return "fail"
        if self.skipped:
            return "skipped"
        if not self.observed:
            return "not observed"
        return "pass"

    def status_text(self) -> str:
        status = self.status
        if status == "skipped":
            return f"skipped ({self.skipped})"
        if status == "pass" and self.warnings:
            return "pass (warnings)"
        return status

    def add(self, findings: list[Finding]) -> None:
        """Keep the first finding per (severity, JSON path, expected): repeats name no new drift."""
        known = {(f.severity, f.path, f.expected) for f in self.findings}
        for finding in findings:
            key = (finding.severity, finding.path, finding.expected)
            if key not in known:
                known.add(key)
                self.findings.append(finding)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)


@dataclass
class Run:
    """Everything one harness run produced."""

    target: str
    results: list[OperationResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # run-level (could not connect, budget hit, ...)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status != "fail" for r in self.results)

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[s]} {s}" for s in ("pass", "fail", "skipped", "not observed") if counts[s]]
        warnings = sum(len(r.warnings) for r in self.results)
        verdict = "CONFORMS" if self.ok else "DRIFT"
        return (
            f"contract: {verdict}: {len(self.results)} checks: {', '.join(parts) or 'none'}; "
            f"{warnings} warning(s); {sum(r.requests for r in self.results)} requests checked"
        )


class Progress:
    """One line per finished operation, to stderr (or any stream)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled

    def line(self, text: str) -> None:
        if self.enabled:
            print(text, file=self.stream, flush=True)

    def result(self, result: OperationResult, phase: str = "") -> None:
        where = f"{result.kind}{':' + phase if phase else ''}"
        label = result.name + (f" ({result.label})" if result.label else "")
        self.line(f"contract [{where}] {label}: {result.status_text()} ({result.requests} requests)")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(run: Run, path: Path) -> None:
    lines = [
        "# Contract report",
        "",
        f"Target: {run.target}",
        "",
        f"**{run.summary()}**",
        "",
    ]
    if run.errors:
        lines += ["## Run errors", "", *[f"- {e}" for e in run.errors], ""]
    if run.notes:
        lines += ["## Notes", "", *[f"- {n}" for n in run.notes], ""]
    lines += [
        "## Operations",
        "",
        "| kind | operation | status | requests | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in run.results:
        name = r.name + (f" (`{r.label}`)" if r.label else "")
        notes = "; ".join(r.notes)
        lines.append(
            f"| {r.kind} | {_md_cell(name)} | {r.status_text()} | {r.requests} | {_md_cell(notes)} |"
        )
    failing = [r for r in run.results if r.status == "fail"]
    if failing:
        lines += ["", "## Drift and failures", ""]
        for r in failing:
            lines += [f"### {r.kind} {r.name}" + (f" (`{r.label}`)" if r.label else ""), ""]
            lines += ["| JSON path | field | expected | received |", "| --- | --- | --- | --- |"]
            for f in r.errors[:_MAX_LISTED]:
                lines.append(
                    f"| `{_md_cell(f.path)}` | {_md_cell(f.field)} | {_md_cell(f.expected)} "
                    f"| `{_md_cell(f.received)}` |"
                )
            if len(r.errors) > _MAX_LISTED:
                lines.append(f"| … | | {len(r.errors) - _MAX_LISTED} more | |")
            if r.problems:
                lines += ["", *[f"- {_md_cell(p)}" for p in r.problems[:_MAX_LISTED]]]
            lines.append("")
    warned = [r for r in run.results if r.warnings]
    if warned:
        lines += ["", "## Warnings (undocumented extra fields and lenient answers)", ""]
        for r in warned:
            for f in r.warnings[:_MAX_LISTED]:
                lines.append(
                    f"- {r.kind} {r.name}: {f.describe()}" + (f" — {f.message}" if f.message else "")
                )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_junit(run: Run, path: Path) -> None:
    suites = ET.Element("testsuites", name="contract")
    by_kind: dict[str, list[OperationResult]] = {}
    for r in run.results:
        by_kind.setdefault(r.kind, []).append(r)
    if run.errors:
        by_kind.setdefault("run", [])
    for kind, results in by_kind.items():
        suite = ET.SubElement(suites, "testsuite", name=f"contract.{kind}", tests=str(len(results)))
        failures = skipped = 0
        for r in results:
            case = ET.SubElement(suite, "testcase", classname=f"contract.{kind}", name=r.name)
            if r.status == "fail":
                failures += 1
                text = "\n".join([*(f.describe() for f in r.errors), *r.problems])
                first = r.errors[0].describe() if r.errors else r.problems[0]
                ET.SubElement(case, "failure", message=first[:500]).text = text
            elif r.status in ("skipped", "not observed"):
                skipped += 1
                ET.SubElement(case, "skipped", message=r.status_text())
            if r.warnings or r.notes:
                out = [*(f"warning: {f.describe()}" for f in r.warnings), *r.notes]
                ET.SubElement(case, "system-out").text = "\n".join(out)
        if kind == "run":
            for error in run.errors:
                case = ET.SubElement(suite, "testcase", classname="contract.run", name="run")
                ET.SubElement(case, "error", message=error[:500]).text = error
            failures += len(run.errors)
            suite.set("tests", str(len(run.errors)))
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
