"""Replay mode: recorded upstream traffic (VCR cassettes) through the same validator, no server needed.

Each ``*.yml`` under the directory is a VCR cassette (``http_interactions[].request.method/.uri``,
``.response.status.code``, ``.response.headers``, ``.response.body.string``). The request path is
matched against the OpenAPI path templates to find the operation; its response is checked exactly as a
live answer would be.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .report import OperationResult, Progress
from .validate import ContractValidator, Finding

__all__ = ["DEFAULT_REPLAY_DIR", "run_replay"]

DEFAULT_REPLAY_DIR = Path(__file__).resolve().parents[1] / "recorded"


def _matcher(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


def _header(headers: Any, name: str) -> str:
    if not isinstance(headers, dict):
        return ""
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def run_replay(directory: Path, validator: ContractValidator, progress: Progress) -> list[OperationResult]:
    operations = [
        (op_id, method, path, _matcher(path)) for op_id, method, path in validator.rest_operations()
    ]
    results: list[OperationResult] = []
    for cassette in sorted(directory.rglob("*.yml")):
        name = str(cassette.relative_to(directory).with_suffix(""))
        result = OperationResult("replay", name)
        results.append(result)
        try:
            data = yaml.safe_load(cassette.read_text(encoding="utf-8"))
            interactions = data["http_interactions"]
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            result.problem(f"not a readable VCR cassette: {exc}")
            progress.result(result)
            continue
        for interaction in interactions:
            request, response = interaction["request"], interaction["response"]
            method = str(request["method"]).upper()
            path = urlsplit(str(request["uri"])).path
            found = next(((o, p) for o, m, p, rx in operations if m == method and rx.match(path)), None)
            result.requests += 1
            if found is None:
                result.add(
                    [
                        Finding(
                            "error", name, "$", "a documented operation", f"{method} {path}", "no such path"
                        )
                    ]
                )
                continue
            op_id, template = found
            result.label = f"{op_id}: {method} {path}"
            findings = validator.check_rest(
                op_id,
                method,
                template,
                int(response["status"]["code"]),
                _header(response.get("headers"), "content-type") or "application/json",
                str(response["body"]["string"]),
            )
            result.add(findings)
        progress.result(result)
    return results
