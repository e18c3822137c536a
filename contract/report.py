"""Results of a contract run and their two renderings: ``report.md`` (people) and ``junit.xml`` (CI).

One ``OperationResult`` per checked unit: a REST operation (by operationId), a websocket method, a
websocket event, or a replayed cassette. Status is ``pass``, ``fail``, ``skipped`` (with a reason,
e.g. "skipped (read-only)") or ``not observed`` (an event that never arrived; not a failure).
Drift (findings and problems) fails; hygiene warnings (see ``hygiene``) fail only with ``strict``.
Repeated findings are kept once per (JSON path pattern, expected, received kind) with a count.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO
from xml.etree import ElementTree as ET

from .validate import Finding

__all__ = [
    "OperationResult",
    "Progress",
    "Run",
    "Status",
    "drift_key",
    "received_kind",
    "write_junit",
    "write_markdown",
]

Status = Literal["pass", "fail", "skipped", "not observed"]
_MAX_LISTED = 25
_ITEMS = re.compile(r"^(\d+) items")
_STATUS = re.compile(r"^(undocumented status \d+)")


def received_kind(received: str) -> str:
    """The JSON kind of a rendered received value: string, number, boolean, null, object, array,
    "N items" (a tuple of the wrong length) or the text itself (absent, an undocumented status, ...)."""
    text = received.strip()
    status = _STATUS.match(text)
    if status:
        return status.group(1)
    items = _ITEMS.match(text)
    if items:
        return f"{items.group(1)} items"
    if not text:
        return "empty"
    first = text[0]
    if first == '"':
        return "string"
    if first in "-0123456789":
        return "number"
    if text in ("true", "false"):
        return "boolean"
    if text == "null":
        return "null"
    if first == "{":
        return "object"
    if first == "[":
        return "array"
    return text[:80]


def drift_key(finding: Finding) -> tuple[str, str, str, str]:
    """Findings with one key are one drift: (severity, JSON path pattern, expected, received kind)."""
    return (
        finding.severity,
        finding.pattern or finding.path,
        finding.expected,
        received_kind(finding.received),
    )


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
    hygiene: list[tuple[str, str]] = field(default_factory=list)  # (check name, text): warnings
    strict: bool = False  # hygiene warnings fail too
    occurrences: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)  # drift_key → n
    problem_counts: Counter[str] = field(default_factory=Counter)
    hygiene_counts: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def status(self) -> Status:
        if self.errors or self.problems or (self.strict and self.hygiene):
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
        if status == "pass" and self.hygiene:
            return "pass (hygiene warnings)"
        if status == "pass" and self.warnings:
            return "pass (warnings)"
        return status

    def add(self, findings: list[Finding]) -> None:
        """Keep the first finding per ``drift_key`` and count the repeats: they name no new drift."""
        for finding in findings:
            key = drift_key(finding)
            if not self.occurrences[key]:
                self.findings.append(finding)
            self.occurrences[key] += 1

    def merge(self, other: OperationResult) -> None:
        """Add what another check of the same operation found (requests, drift, hygiene, notes)."""
        self.requests += other.requests
        for finding in other.findings:
            key = drift_key(finding)
            if not self.occurrences[key]:
                self.findings.append(finding)
            self.occurrences[key] += other.occurrences[key] or 1
        for text in other.problems:
            if text not in self.problems:
                self.problems.append(text)
            self.problem_counts[text] += other.problem_counts[text] or 1
        for check, text in other.hygiene:
            if not self.hygiene_counts[check]:
                self.hygiene.append((check, text))
            self.hygiene_counts[check] += other.hygiene_counts[check] or 1
        self.notes += [n for n in other.notes if n not in self.notes]

    def count_of(self, finding: Finding) -> int:
        return self.occurrences[drift_key(finding)] or 1

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)
        self.problem_counts[text] += 1

    def first_failure(self) -> str:
        if self.errors:
            return self.errors[0].describe()
        if self.problems:
            return self.problems[0]
        return f"{self.hygiene[0][0]}: {self.hygiene[0][1]}" if self.hygiene else ""

    def warn(self, check: str, text: str) -> None:
        """A hygiene warning (``check`` as named in ``hygiene.HYGIENE_CHECKS``): the first example
        per check is kept, the others counted."""
        if not self.hygiene_counts[check]:
            self.hygiene.append((check, text))
        self.hygiene_counts[check] += 1


@dataclass
class Run:
    """Everything one harness run produced."""

    target: str
    results: list[OperationResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # run-level (could not connect, budget hit, ...)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float = 0.0
    strict: bool = False
    sent_by: dict[str, int] = field(default_factory=dict)  # requests sent, by part of the run
    comparison: dict[str, list[dict[str, object]]] | None = None  # against --baseline: new/gone/unchanged

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status != "fail" for r in self.results)

    @property
    def sent(self) -> int:
        return sum(self.sent_by.values())

    def request_count(self) -> str:
        """The one request count, explained."""
        checked = sum(r.requests for r in self.results)
        if not self.sent_by:
            return f"{checked} recorded answers checked (no request sent)"
        parts = ", ".join(f"{n} {source}" for source, n in sorted(self.sent_by.items()))
        return (
            f"{self.sent} requests sent, each counted once where it was sent ({parts}); "
            f"{checked} answers, replies and event frames checked against the contract "
            "(capability probes to the base URL belong to no operation and are not checked; "
            "event frames are received, not sent)"
        )

    def hygiene_count(self) -> int:
        return sum(sum(r.hygiene_counts.values()) for r in self.results)

    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[s]} {s}" for s in ("pass", "fail", "skipped", "not observed") if counts[s]]
        warnings = sum(len(r.warnings) for r in self.results)
        verdict = "CONFORMS" if self.ok else "DRIFT"
        requests = f"{self.sent} requests sent" if self.sent_by else f"{self.checked()} answers checked"
        return (
            f"contract: {verdict}: {len(self.results)} checks: {', '.join(parts) or 'none'}; "
            f"{self.hygiene_count()} hygiene warning(s); {warnings} extra-field warning(s); {requests}"
        )

    def checked(self) -> int:
        return sum(r.requests for r in self.results)


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
    from .hygiene import describe

    lines = [
        "# Contract report",
        "",
        f"Target: {run.target}",
        "",
        f"**{run.summary()}**",
        "",
        f"Requests: {run.request_count()}.",
        "",
    ]
    if run.errors:
        lines += ["## Run errors", "", *[f"- {e}" for e in run.errors], ""]
    if run.notes:
        lines += ["## Notes", "", *[f"- {n}" for n in run.notes], ""]
    if run.comparison is not None:
        lines += ["## Against the baseline", ""]
        for kind in ("new", "gone", "unchanged"):
            entries = run.comparison.get(kind, [])
            lines.append(f"- {kind}: {len(entries)}")
            for entry in entries[:_MAX_LISTED]:
                lines.append(
                    f"  - {entry.get('operation')} `{entry.get('path')}`: expected {entry.get('expected')}; "
                    f"received {entry.get('received_kind')}"
                )
        lines.append("")
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
    failing = [r for r in run.results if r.errors or r.problems]
    if failing:
        lines += ["", "## Drift and failures", ""]
        for r in failing:
            lines += [f"### {r.kind} {r.name}" + (f" (`{r.label}`)" if r.label else ""), ""]
            if r.errors:
                lines += [
                    "| JSON path | field | expected | received | times |",
                    "| --- | --- | --- | --- | --- |",
                ]
            for f in r.errors[:_MAX_LISTED]:
                lines.append(
                    f"| `{_md_cell(f.path)}` | {_md_cell(f.field)} | {_md_cell(f.expected)} "
                    f"| `{_md_cell(f.received)}` | {r.count_of(f)} |"
                )
            if len(r.errors) > _MAX_LISTED:
                lines.append(f"| … | | {len(r.errors) - _MAX_LISTED} more | | |")
            if r.problems:
                lines += ["", *[f"- {_md_cell(p)}" for p in r.problems[:_MAX_LISTED]]]
            lines.append("")
    hygienic = [r for r in run.results if r.hygiene]
    if hygienic:
        verdict = "they fail the run (--strict)" if run.strict else "warnings: they do not fail the run"
        lines += ["", f"## Upstream hygiene ({verdict})", ""]
        for r in hygienic:
            for check, text in r.hygiene[:_MAX_LISTED]:
                times = r.hygiene_counts[check] or 1
                lines.append(
                    f"- {r.kind} {r.name}: **{check}** ({describe(check)}), {times} time(s); "
                    f"for example: {_md_cell(text)}"
                )
    warned = [r for r in run.results if r.warnings]
    if warned:
        lines += ["", "## Warnings (undocumented extra fields)", ""]
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
                text = "\n".join(
                    [*(f.describe() for f in r.errors), *r.problems, *(f"{c}: {t}" for c, t in r.hygiene)]
                )
                first = r.first_failure()
                ET.SubElement(case, "failure", message=first[:500]).text = text
            elif r.status in ("skipped", "not observed"):
                skipped += 1
                ET.SubElement(case, "skipped", message=r.status_text())
            if r.warnings or r.notes or r.hygiene:
                out = [*(f"hygiene: {c}: {t}" for c, t in r.hygiene)]
                out += [*(f"warning: {f.describe()}" for f in r.warnings), *r.notes]
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
