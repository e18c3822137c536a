"""Real identifiers: the upstream's own lists, and its per-item endpoints checked for real items.

schemathesis generates path parameters from their schemas (``%C2%84``, ``null,null``), so drift in the
data of one real market would never be seen. This step reads the upstream's lists (markets and
currencies; with an API key also open orders, closed orders and account trades) and then sends every
per-item GET operation of the spec for real items: every listed market and currency up to
``max_items`` each, in sorted order (``--market`` first), every order id up to ``max_orders``.
Other required path parameters take their documented example (rounding 0, frame 300); optional query
parameters are left out. Every request goes through the run's budget and rate limit, only GET is
sent, and every answer is validated like any other. A listed item its own endpoint refuses (a 4xx) is
a hygiene warning (``listed_item_refused``); a 5xx or a body the contract does not allow is drift.

Which list fills which path parameter is the one table here (``SOURCES``): parameter component →
(list operation, row field); the rest (operations, paths, examples) comes from the spec.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from ._budget import Budget
from .record import Recorder
from .report import OperationResult, Progress
from .validate import ContractValidator

__all__ = ["SOURCES", "TargetOptions", "run_targets"]

# path parameter component → the list operations naming such items, and the row field holding the name
SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "AssetPath": (("listAssets", "pair"),),
    "AssetName": (("listAssets", "pair"),),
    "CurrencyName": (("listCurrencies", "name"),),
    "OrderId": (("listOpenOrders", "id"), ("listClosedOrders", "id"), ("listAccountTrades", "order_id")),
}
_SOURCE = "rest real identifiers"


@dataclass
class TargetOptions:
    base_url: str
    api_key: str | None
    preferred_market: str = ""
    max_items: int = 25  # markets, and currencies
    max_orders: int = 5
    recorder: Recorder | None = None
    operations: tuple[str, ...] = ()  # only these per-item operations (empty: all)


class _Client:
    def __init__(
        self,
        options: TargetOptions,
        validator: ContractValidator,
        budget: Budget,
        results: dict[str, OperationResult],
    ) -> None:
        self.options = options
        self.validator = validator
        self.budget = budget
        self.results = results
        headers = {"Authorization": options.api_key} if options.api_key else {}
        self.http = httpx.Client(base_url=options.base_url, headers=headers, timeout=budget.timeout)
        self.stopped = ""

    def get(self, op_id: str, template: str, path: str) -> Any:
        """GET, record and validate; the decoded body of a 200 answer, else None."""
        result = self.results[op_id]
        if self.stopped or not self.budget.acquire_sync(_SOURCE):
            self.stopped = self.stopped or (self.budget.exhausted() or "budget")
            return None
        result.requests += 1
        try:
            answer = self.http.get(path)
        except httpx.HTTPError as exc:
            result.problem(f"real identifiers: GET {path}: {type(exc).__name__}: {exc}")
            return None
        content_type = answer.headers.get("content-type", "")
        if self.options.recorder is not None:
            self.options.recorder.rest(
                op_id,
                "GET",
                str(answer.request.url),
                dict(answer.request.headers),
                b"",
                answer.status_code,
                answer.reason_phrase,
                dict(answer.headers),
                answer.content,
            )
        findings = self.validator.check_rest(
            op_id, "GET", template, answer.status_code, content_type, answer.content
        )
        result.add(findings)
        excerpt = " ".join(answer.text[:200].split())
        if answer.status_code >= 500:
            result.problem(
                f"not_a_server_error: real identifiers: GET {path} → {answer.status_code} body: {excerpt}"
            )
        elif answer.status_code >= 400:
            result.warn("listed_item_refused", f"GET {path} → {answer.status_code} body: {excerpt}")
        if answer.status_code != 200 or any(f.severity == "error" for f in findings):
            return None
        try:
            return json.loads(answer.text)
        except ValueError:
            return None

    def close(self) -> None:
        self.http.close()


def _rows(body: Any) -> list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    rows = data.get("rows") if isinstance(data, dict) else None
    return rows if isinstance(rows, list) else []


def _unique(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value is not None and not isinstance(value, bool) and value not in out:
            out.append(value)
    return out


def _parameters(validator: ContractValidator, template: str) -> list[tuple[str, str, Any]]:
    """(name, component, example) of the required path parameters of GET ``template``."""
    operation = validator.openapi["paths"][template]["get"]
    components = validator.openapi.get("components", {}).get("parameters", {})
    out = []
    for parameter in operation.get("parameters", []):
        component = ""
        if "$ref" in parameter:
            component = str(parameter["$ref"]).rsplit("/", 1)[-1]
            parameter = components.get(component, {})
        if parameter.get("in") == "path":
            out.append((str(parameter["name"]), component, parameter.get("example")))
    return out


def run_targets(
    options: TargetOptions,
    validator: ContractValidator,
    budget: Budget,
    results: dict[str, OperationResult],
    progress: Progress,
) -> None:
    """Adds requests and findings to ``results`` (the REST results, by operationId)."""
    operations = {op: (method, path) for op, method, path in validator.rest_operations()}
    private = {
        op
        for op, (method, path) in operations.items()
        if validator.openapi["paths"][path][method.lower()].get("security")
    }
    client = _Client(options, validator, budget, results)
    try:
        lists: dict[str, list[Any]] = {}
        for component, sources in SOURCES.items():
            names: list[Any] = []
            for op_id, row_field in sources:
                if op_id not in operations or operations[op_id][0] != "GET":
                    continue
                if op_id in private and not options.api_key:
                    continue
                if op_id not in lists:
                    lists[op_id] = _rows(client.get(op_id, operations[op_id][1], operations[op_id][1]))
                names += [row.get(row_field) for row in lists[op_id] if isinstance(row, dict)]
            chosen = sorted(_unique(names), key=str)
            if component in ("AssetPath", "AssetName") and options.preferred_market in chosen:
                chosen.remove(options.preferred_market)
                chosen.insert(0, options.preferred_market)
            bound = options.max_orders if component == "OrderId" else options.max_items
            lists[component] = chosen[:bound]
            lists[f"{component} total"] = chosen
        for op_id, (method, template) in operations.items():
            if method != "GET" or (op_id in private and not options.api_key):
                continue
            if options.operations and op_id not in options.operations:
                continue
            parameters = _parameters(validator, template)
            item_params = [(n, c) for n, c, _ in parameters if c in SOURCES]
            if not item_params:
                continue
            name, component = item_params[0]
            items = lists.get(component, [])
            total = len(lists.get(f"{component} total", []))
            for item in items:
                values = {n: (item if n == name else example) for n, _, example in parameters}
                path = template
                for key, value in values.items():
                    path = path.replace("{" + key + "}", quote(str(value), safe=""))
                client.get(op_id, template, path)
            if items:
                results[op_id].notes.append(
                    f"real identifiers: {len(items)} listed {name} value(s) checked (of {total} listed)"
                )
            elif total == 0:
                results[op_id].notes.append(f"real identifiers: none listed for {name}")
        if client.stopped:
            for op_id in operations:
                if results[op_id].notes and "real identifiers" in results[op_id].notes[-1]:
                    results[op_id].notes.append(f"real identifiers stopped early: {client.stopped}")
                    break
    finally:
        client.close()
    progress.line(f"contract [rest:real identifiers] {budget.sent_by.get(_SOURCE, 0)} requests")
