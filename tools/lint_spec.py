"""Lint both hand-written contracts: `python -m tools.lint_spec`.

- spec/iqfinex.openapi.yaml: openapi-spec-validator, then Spectral (`spectral:oas`).
- spec/finex.asyncapi.yaml: the official @asyncapi/parser (through node), then Spectral
  (`spectral:asyncapi`).

Spectral must report 0 errors and 0 warnings; the parser must report no error.
Node tools come from the repository's own node_modules (installed by `make install`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "spec" / "iqfinex.openapi.yaml"
ASYNCAPI = ROOT / "spec" / "finex.asyncapi.yaml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"


def _check_openapi() -> list[str]:
    try:
        validate(yaml.safe_load(OPENAPI.read_text()))
    except Exception as exc:  # the validator raises many types; report any of them
        return [f"{OPENAPI.name}: openapi-spec-validator: {exc}"]
    return []


def _check_asyncapi() -> list[str]:
    proc = subprocess.run(
        ["node", str(ROOT / "tools" / "asyncapi_parse.mjs"), str(ASYNCAPI)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        return [f"{ASYNCAPI.name}: @asyncapi/parser crashed: {proc.stderr.strip()}"]
    report = json.loads(proc.stdout)
    problems = [
        f"{ASYNCAPI.name}:{d['line']} {d['path']}: [{d['code']}] {d['message']}"
        for d in report["diagnostics"]
        if d["severity"] == "error"
    ]
    if not report["parsed"] and not problems:
        problems.append(f"{ASYNCAPI.name}: @asyncapi/parser could not parse the document")
    return problems


def _check_spectral(path: Path) -> list[str]:
    proc = subprocess.run(
        [str(SPECTRAL), "lint", "--quiet", "--format", "json", "--ruleset", ".spectral.yaml", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    try:
        results = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return [f"{path.name}: spectral failed: {proc.stdout.strip()} {proc.stderr.strip()}"]
    # Spectral severities: 0 error, 1 warning, 2 info, 3 hint.
    return [
        f"{path.name}:{r['range']['start']['line'] + 1} {'/'.join(map(str, r['path']))}: "
        f"[{r['code']}] {r['message']}"
        for r in results
        if r["severity"] <= 1
    ]


def main() -> int:
    checks = [
        ("openapi-spec-validator", _check_openapi),
        ("@asyncapi/parser", _check_asyncapi),
        ("spectral (openapi)", lambda: _check_spectral(OPENAPI)),
        ("spectral (asyncapi)", lambda: _check_spectral(ASYNCAPI)),
    ]
    failed = False
    for name, check in checks:
        problems = check()
        print(f"lint-spec: {name}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for problem in problems:
            print(f"  {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
