"""Replay mode: recorded upstream traffic (REST and websocket) through the same validator, no server.

Each ``*.jsonl`` under the directory is a websocket recording (``record``'s format: one frame a line
with its direction; sent frames carry the request ``id`` and ``method``): every reply is checked
against its method's reply schema (or ``ErrorReply``), every event against its event schema, and a
frame that is neither is drift, exactly as live. Each ``*.yml`` under the directory is a VCR cassette
(``http_interactions[].request.method/.uri``, ``.response.status.code``, ``.response.headers``,
``.response.body.string``). The request path is matched against the OpenAPI path templates to find
the operation; its response is checked exactly as a live answer would be.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generated.finex_layouts import LAYOUTS
from generated.finex_protocol import ERROR_METHOD, ERROR_REPLY, EVENTS, FRAME_KINDS

from .report import OperationResult, Progress
from .validate import ContractValidator, Finding, render

__all__ = ["DEFAULT_REPLAY_DIR", "replay_ws", "run_replay"]

DEFAULT_REPLAY_DIR = Path(__file__).resolve().parents[1] / "recorded"
# frame slots by name, from the generated layouts (every reply and every event frame share theirs)
_REPLY = LAYOUTS[ERROR_REPLY]
_EVENT = LAYOUTS[next(iter(EVENTS.values())).frame]
_KIND, _REPLY_ID, _METHOD = _REPLY.index("frame_type"), _REPLY.index("request_id"), _REPLY.index("method")
_EVENT_CODE = _EVENT.index("event")
_EVENT_KINDS = (FRAME_KINDS["public_event"], FRAME_KINDS["private_event"])


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
    for cassette in sorted(p for p in directory.rglob("*.yml") if p.is_file()):
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
    for recording in sorted(directory.rglob("*.jsonl")):
        name = str(recording.relative_to(directory).with_suffix(""))
        result = replay_ws(recording, name, validator)
        results.append(result)
        progress.result(result)
    return results


def replay_ws(path: Path, name: str, validator: ContractValidator) -> OperationResult:
    """Check one websocket recording (see the module docstring)."""
    from .ws import WsSpec

    spec = WsSpec(validator)
    methods = {m.method: m for m in spec.methods}
    result = OperationResult("replay", name, label="websocket recording")
    pending: dict[int, str] = {}
    replies = events = 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        result.problem(f"not readable: {exc}")
        return result
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            direction = entry["dir"]
        except (ValueError, KeyError, TypeError) as exc:
            result.problem(f"line {number}: not a recorded frame: {exc}")
            continue
        if direction == "open":
            pending.clear()
            continue
        if direction == "sent":
            if isinstance(entry.get("id"), int) and entry.get("method") in methods:
                pending[entry["id"]] = entry["method"]
            continue
        if direction != "received":
            continue
        try:
            frame = json.loads(entry["frame"])
        except (ValueError, KeyError, TypeError):
            result.add(
                [Finding("error", "frame", "$", "a JSON array frame", render(entry.get("frame")), "not JSON")]
            )
            continue
        kind = frame[_KIND] if isinstance(frame, list) and frame else None
        request_id = frame[_REPLY_ID] if kind == FRAME_KINDS["reply"] and len(frame) > _REPLY_ID else None
        code = frame[_EVENT_CODE] if kind in _EVENT_KINDS and len(frame) > _EVENT_CODE else None
        result.requests += 1
        if isinstance(request_id, int) and request_id in pending:
            method = methods[pending.pop(request_id)]
            is_error = len(frame) > _METHOD and frame[_METHOD] == ERROR_METHOD
            replies += 1
            result.add(validator.check_frame(method.method, ERROR_REPLY if is_error else method.reply, frame))
        elif isinstance(code, str) and code in spec.events:
            events += 1
            result.add(validator.check_frame(code, spec.events[code], frame))
        else:
            expected = "a reply to a pending request or a documented event (" + ", ".join(spec.events) + ")"
            result.add([Finding("error", "frame", "$", expected, render(frame), "unexpected frame")])
    result.notes.append(f"{replies} replies and {events} events checked")
    return result
