"""``report.html``: one self-contained page (inline CSS, no script, no external resource), rendered
from the same data as ``report.json``.

Per operation pass/fail; drifts grouped by (operation, JSON path pattern, expected, received kind)
with a count and one example; the expected type in words (the raw schema text in a tooltip); status
and body excerpt for unexpected answers; for every drift the gateway routes it breaks; hygiene
warnings in their own section; one request count, explained.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

__all__ = ["in_words", "write_html"]

_PATTERN = re.compile(r"string matching (\^.*?\$|\S+?)(?=\)$|\)\s|\s\||$)")
_DECIMALISH = re.compile(r"\[0-9\]|\\d")


def _pattern_words(match: re.Match[str]) -> str:
    regex = match.group(1)
    if "[eE]" in regex or (r"\." in regex and _DECIMALISH.search(regex)):
        return "a decimal string (digits, optional fraction and exponent)"
    if re.fullmatch(r"\^(\[0-9\]|\\d)[+*](\$)?", regex):
        return "a digit string"
    if "A-Za-z0-9" in regex:
        return "a string of letters and digits"
    return "a string in the documented format"


def in_words(expected: str) -> str:
    """``Decimal (number | string matching ^-?(0|...)$)`` → ``Decimal: a JSON number or a decimal string``."""
    text = _PATTERN.sub(_pattern_words, expected)
    text = re.sub(r"^([A-Z][A-Za-z0-9]*) \((.*)\)$", r"\1: \2", text)
    text = text.replace(" | ", " or ").replace("number or a decimal", "a JSON number or a decimal")
    text = re.sub(r"\binteger\b", "an integer", text)
    text = re.sub(r"\bboolean\b", "true or false", text)
    return text


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232a}
body{max-width:1400px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #d8dee4;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#f3f5f7}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f5f7;padding:1px 3px}
code{border-radius:3px;word-break:break-all}
.verdict{font-size:16px;font-weight:600;padding:6px 10px;border-radius:4px;display:inline-block}
.ok{background:#dafbe1;color:#116329}
.bad{background:#ffebe9;color:#a40e26}
.warn{background:#fff8c5;color:#7d4e00}
.muted{color:#59636e}
.status-pass{color:#116329}
.status-fail{color:#a40e26;font-weight:600}
.status-skipped,.status-not{color:#59636e}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details{margin:2px 0}
summary{cursor:pointer}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _routes(routes: list[str]) -> str:
    return "<br>".join(f"<code>{_e(r)}</code>" for r in routes) or '<span class="muted">none found</span>'


def _status(status: str, text: str) -> str:
    css = "status-" + status.split(" ", 1)[0]
    return f'<span class="{css}">{_e(text)}</span>'


def _routes_cell(routes: list[str]) -> str:
    """The gateway routes a drift breaks, one per line (or "none found")."""
    return "<br>".join(f"<code>{_e(r)}</code>" for r in routes) or '<span class="muted">none found</span>'


def write_html(data: dict[str, Any], path: Path) -> None:
    ok = data["verdict"] == "CONFORMS"
    counts = data["counts"]
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        "<title>Contract report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Contract report</h1>",
        f'<p class="muted">Target: {_e(data["target"])} · generated {_e(data["generated"])}</p>',
        f'<p><span class="verdict {"ok" if ok else "bad"}">{_e(data["verdict"])}</span> '
        f"{counts['operations']} checks: {counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, "
        f"{counts.get('skipped', 0)} skipped, {counts.get('not observed', 0)} not observed · "
        f"{counts['drifts']} distinct drift(s), seen {counts['occurrences']} time(s) · "
        f"{counts['hygiene']} hygiene warning(s)"
        + (" (failing: --strict)" if data.get("strict") else "")
        + "</p>",
        f"<p><b>Requests:</b> {_e(data['requests']['explained'])}.</p>",
    ]
    if data["errors"]:
        out += ["<h2>Run errors</h2><ul>", *[f"<li>{_e(e)}</li>" for e in data["errors"]], "</ul>"]
    comparison = data.get("comparison")
    if comparison is not None:
        out.append(
            "<h2>Against the baseline</h2><table><tr><th>change</th><th>drifts</th><th>which</th></tr>"
        )
        for change in ("new", "gone", "unchanged"):
            entries = comparison.get(change, [])
            which = "<br>".join(
                f"{_e(d.get('operation'))} <code>{_e(d.get('path'))}</code> "
                f"{_e(in_words(str(d.get('expected'))))}"
                for d in entries[:50]
            )
            css = "bad" if change == "new" and entries else ""
            out.append(
                f'<tr class="{css}"><td>{change}</td><td class="n">{len(entries)}</td><td>{which}</td></tr>'
            )
        out.append("</table>")
    if data["notes"]:
        out += ["<h2>Notes</h2><ul>", *[f"<li>{_e(n)}</li>" for n in data["notes"]], "</ul>"]
    out.append(
        "<h2>Operations</h2><table><tr><th>kind</th><th>operation</th><th>status</th>"
        "<th>requests</th><th>drifts</th><th>hygiene</th><th>notes</th></tr>"
    )
    for op in data["operations"]:
        label = f" <code>{_e(op['label'])}</code>" if op["label"] else ""
        out.append(
            f"<tr><td>{_e(op['kind'])}</td><td>{_e(op['name'])}{label}</td>"
            f"<td>{_status(op['status'], op['status_text'])}</td><td class='n'>{op['requests']}</td>"
            f"<td class='n'>{op['drifts'] or ''}</td><td class='n'>{op['hygiene'] or ''}</td>"
            f"<td>{_e('; '.join(op['notes']))}</td></tr>"
        )
    out.append("</table>")
    shaped = [d for d in data["drifts"] if d["received_kind"] != "failure"]
    failures = [d for d in data["drifts"] if d["received_kind"] == "failure"]
    if shaped:
        out.append(
            "<h2>Drift</h2><p class='muted'>One row per operation, JSON path, expected type and kind of "
            "value received; <i>times</i> counts the answers or frames that showed it.</p>"
            "<table><tr><th>operation</th><th>JSON path</th><th>expected</th><th>received</th>"
            "<th>times</th><th>example</th><th>gateway routes it breaks</th></tr>"
        )
        for d in shaped:
            routes = _routes_cell(d["routes"])
            field = f" ({_e(d['field'])})" if d["field"] else ""
            example = f"<code>{_e(d['example'])}</code>"
            if d["example_path"] != d["path"]:
                example += f'<br><span class="muted">at <code>{_e(d["example_path"])}</code></span>'
            out.append(
                f"<tr><td>{_e(d['kind'])} {_e(d['operation'])}</td>"
                f"<td><code>{_e(d['path'])}</code>{field}</td>"
                f'<td title="{_e(d["expected"])}">{_e(in_words(d["expected"]))}</td>'
                f"<td>{_e(d['received_kind'])}</td><td class='n'>{d['count']}</td><td>{example}</td>"
                f"<td>{routes}</td></tr>"
            )
        out.append("</table>")
    if failures:
        out.append(
            "<h2>Failures without a JSON path</h2><p class='muted'>Server errors, undocumented answers, "
            "no reply: the check, what it expects, and one example with its status and body excerpt.</p>"
            "<table><tr><th>operation</th><th>check</th><th>times</th><th>example</th>"
            "<th>gateway routes it breaks</th></tr>"
        )
        for d in failures:
            routes = _routes_cell(d["routes"])
            out.append(
                f"<tr><td>{_e(d['kind'])} {_e(d['operation'])}</td><td>{_e(d['message'])}: "
                f"{_e(d['expected'])}</td><td class='n'>{d['count']}</td>"
                f"<td><code>{_e(d['example'])}</code></td>"
                f"<td>{routes}</td></tr>"
            )
        out.append("</table>")
    if data["hygiene"]:
        verdict = "failing the run (--strict)" if data.get("strict") else "warnings, not failing the run"
        out.append(
            f"<h2>Upstream hygiene ({verdict})</h2><p class='muted'>Good HTTP practice the contract does not "
            "bind: 405 for an unknown method, 4xx for invalid input, 401 without a key.</p>"
            "<table><tr><th>operation</th><th>check</th><th>meaning</th><th>times</th><th>example</th></tr>"
        )
        for h in data["hygiene"]:
            out.append(
                f"<tr class='warn'><td>{_e(h['kind'])} {_e(h['operation'])}</td><td>{_e(h['check'])}</td>"
                f"<td>{_e(h['meaning'])}</td><td class='n'>{h['count']}</td>"
                f"<td><code>{_e(h['text'])}</code></td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
