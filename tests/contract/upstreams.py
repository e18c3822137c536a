"""Upstreams of the tests' own, in front of the embedded sandbox, on 127.0.0.1 only.

``RecordingUpstream`` forwards every request unchanged and records its method and path, so a test
can count what the harness sent. ``lenient=True`` makes it answer the way loosely built real
exchanges do while staying contract-valid: 404 (documented nowhere, but the harness only probes with
it) to a method a path does not list, 200 to out-of-range values (an invalid path parameter is
replaced by its documented example and the query string is dropped: defaults apply), and no key
check on reads (every forwarded request carries the sandbox's own key).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from contract.validate import ContractValidator
from sandbox import EmbeddedSandbox

__all__ = ["RecordingUpstream"]


def _valid(value: str, schema: dict[str, Any]) -> bool:
    if "enum" in schema:
        return value in {str(v) for v in schema["enum"]}
    if schema.get("type") == "integer":
        return value.isdigit() and int(value) >= int(schema.get("minimum", 0))
    pattern = schema.get("pattern")
    return bool(re.search(pattern, value)) if pattern else True


class RecordingUpstream:
    def __init__(self, sandbox: EmbeddedSandbox, *, lenient: bool = False) -> None:
        self.sandbox = sandbox
        self.lenient = lenient
        self.requests: list[tuple[str, str]] = []  # (METHOD, path)
        self._lock = threading.Lock()
        validator = ContractValidator()
        spec = validator.openapi
        components = spec["components"]["parameters"]
        self.templates: list[tuple[re.Pattern[str], set[str], dict[str, tuple[dict[str, Any], Any]]]] = []
        for template, item in spec["paths"].items():
            methods = {m.upper() for m in item if m in ("get", "post", "put", "patch", "delete")}
            params: dict[str, tuple[dict[str, Any], Any]] = {}
            for operation in (item[m.lower()] for m in methods):
                for p in operation.get("parameters", []):
                    p = components[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                    if p["in"] == "path":
                        params[p["name"]] = (p["schema"], p.get("example"))
            regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self.templates.append((re.compile(f"^{regex}$"), methods, params))
        self.http = httpx.Client(base_url=sandbox.base_url, timeout=10.0)
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):
                    return self.forward
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, content = upstream.answer(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def methods(self) -> Counter[str]:
        with self._lock:
            return Counter(method for method, _ in self.requests)

    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append((method, target))
        url = urlsplit(target)
        forward_headers = {k: v for k, v in headers.items() if k.lower() in ("authorization", "content-type")}
        path, query = url.path, url.query
        if self.lenient:
            found = next(((rx, ms, ps) for rx, ms, ps in self.templates if rx.match(path)), None)
            if found is None or method not in found[1]:
                return 404, {"Content-Type": "application/json"}, b'{"status":404,"message":"Not found"}'
            rx, _, params = found
            match = rx.match(path)
            assert match is not None
            for name, raw in match.groupdict().items():
                schema, example = params[name]
                if not _valid(unquote(raw), schema):
                    path = path.replace(raw, str(example), 1)
            query = ""
            forward_headers["Authorization"] = self.sandbox.credentials.api_key
        try:
            answer = self.http.request(
                method, path + (f"?{query}" if query else ""), headers=forward_headers, content=body
            )
        except httpx.HTTPError:
            return 502, {"Content-Type": "text/plain"}, b"upstream unreachable"
        kept = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "allow")}
        return answer.status_code, kept, answer.content

    def __enter__(self) -> RecordingUpstream:
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self.http.close()
