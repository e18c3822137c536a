"""``--record DIR``: what a live run exchanged, saved for ``--replay DIR``, credentials scrubbed.

Layout of DIR::

    rest/<operationId>.yml     VCR cassettes (the format ``replay`` reads): http_interactions[] with
                               request method/uri/headers/body and response status/headers/body
    ws/connection-<n>.jsonl    websocket frames, one JSON object a line:
                               {"t": seconds since the run started, "dir": "open" | "sent" | "received" |
                                "close", "frame": raw text, "id": request id, "method": name (sent only)}

Scrubbing: the values of ``Authorization``, ``Cookie``, ``Set-Cookie`` and API-key headers, query
parameters that look like credentials, and every occurrence of the run's own API key and JWT anywhere
(URI, header, body, frame) become ``<scrubbed>``. Nothing is written before the run ends, and a
cassette holds at most ``MAX_PER_OPERATION`` interactions (the rest are counted, not kept).
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

__all__ = ["MAX_PER_OPERATION", "SCRUBBED", "Recorder", "Scrubber"]

SCRUBBED = "<scrubbed>"
MAX_PER_OPERATION = 200
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey"}
)
_SECRET_QUERY = re.compile(r"(key|token|secret|signature|password|jwt|auth)", re.IGNORECASE)


@dataclass
class Scrubber:
    """Replaces credentials in text, headers and URIs."""

    secrets: tuple[str, ...] = ()

    def text(self, value: str) -> str:
        for secret in self.secrets:
            if secret:
                value = value.replace(secret, SCRUBBED)
        return value

    def headers(self, headers: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        out: dict[str, list[str]] = {}
        for name, value in items:
            values = value if isinstance(value, list) else [value]
            if str(name).lower() in _SECRET_HEADERS:
                out[str(name)] = [SCRUBBED for _ in values]
            else:
                out[str(name)] = [self.text(str(v)) for v in values]
        return out

    def uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(_SECRET_QUERY.search(k) for k, _ in pairs):
            query = [(k, SCRUBBED if _SECRET_QUERY.search(k) else v) for k, v in pairs]
            uri = urlunsplit(parts._replace(query=urlencode(query, safe="<>")))
        return self.text(uri)


def _text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


@dataclass
class Recorder:
    directory: Path
    scrubber: Scrubber = field(default_factory=Scrubber)
    started: float = field(default_factory=time.monotonic)
    rest_interactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rest_dropped: dict[str, int] = field(default_factory=dict)
    connections: list[list[dict[str, Any]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ------------------------------------------------------------------ REST
    def rest(
        self,
        operation: str,
        method: str,
        uri: str,
        request_headers: Mapping[str, Any],
        request_body: bytes | str | None,
        status: int,
        message: str,
        response_headers: Mapping[str, Any],
        body: bytes | str,
    ) -> None:
        scrub = self.scrubber
        interaction = {
            "request": {
                "method": method.lower(),
                "uri": scrub.uri(uri),
                "body": {"encoding": "UTF-8", "string": scrub.text(_text(request_body))},
                "headers": scrub.headers(request_headers),
            },
            "response": {
                "status": {"code": int(status), "message": message},
                "headers": scrub.headers(response_headers),
                "body": {"encoding": "UTF-8", "string": scrub.text(_text(body))},
            },
            "recorded_at": email.utils.formatdate(usegmt=True),
        }
        with self._lock:
            kept = self.rest_interactions.setdefault(operation, [])
            if len(kept) < MAX_PER_OPERATION:
                kept.append(interaction)
            else:
                self.rest_dropped[operation] = self.rest_dropped.get(operation, 0) + 1

    # ------------------------------------------------------------------ websocket
    def ws_open(self, url: str) -> None:
        with self._lock:
            self.connections.append([])
        self._frame("open", self.scrubber.uri(url))

    def ws_frame(self, direction: str, raw: str | bytes, meta: Mapping[str, Any] | None = None) -> None:
        self._frame(direction, self.scrubber.text(_text(raw)), meta)

    def ws_close(self, reason: str) -> None:
        self._frame("close", reason)

    def _frame(self, direction: str, text: str, meta: Mapping[str, Any] | None = None) -> None:
        entry: dict[str, Any] = {
            "t": round(time.monotonic() - self.started, 6),
            "dir": direction,
            "frame": text,
        }
        entry.update(meta or {})
        with self._lock:
            if not self.connections:
                self.connections.append([])
            self.connections[-1].append(entry)

    # ------------------------------------------------------------------ output
    def write(self) -> list[Path]:
        written: list[Path] = []
        with self._lock:
            rest = dict(self.rest_interactions)
            connections = [list(c) for c in self.connections]
        if rest:
            (self.directory / "rest").mkdir(parents=True, exist_ok=True)
        for operation, interactions in sorted(rest.items()):
            path = self.directory / "rest" / f"{operation}.yml"
            cassette: dict[str, Any] = {
                "http_interactions": interactions,
                "recorded_with": "contract harness (--record)",
            }
            if operation in self.rest_dropped:
                cassette["not_kept"] = self.rest_dropped[operation]
            path.write_text(
                yaml.safe_dump(cassette, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8"
            )
            written.append(path)
        if connections:
            (self.directory / "ws").mkdir(parents=True, exist_ok=True)
        for index, frames in enumerate(connections, 1):
            path = self.directory / "ws" / f"connection-{index}.jsonl"
            path.write_text(
                "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in frames), encoding="utf-8"
            )
            written.append(path)
        return written
