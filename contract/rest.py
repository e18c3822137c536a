"""REST contract checks: schemathesis driven by ``spec/iqfinex.openapi.yaml``.

The schemathesis engine runs its examples, coverage, fuzzing and stateful phases (the stateful one
walks the OpenAPI links createOrder → getOrder / listOrderTrades / cancelOrder) with positive and
negative data and its built-in checks (server errors, status codes, content types, response schema
conformance, negative data rejected with 4xx, ...). Every response it records also goes through
``validate.ContractValidator`` so drift is reported with JSON path, expected schema and received value.

Safety: without ``allow_trading`` only GET is ever sent: every non-GET operation is excluded
("skipped (read-only)"), the coverage phase sends no unsupported-method probes (its
``unexpected-methods`` list is empty), a ``filter_case`` hook drops any case that is not a GET, and a
non-GET seen in ``after_call`` anyway is a run error. Nothing is retried (``request-retries`` 0), and
createOrder / cancelOrder go out with ``Connection: close``, so schemathesis's resend of a request
dropped on a reused keep-alive connection can never place an order twice. With ``allow_trading``,
a ``map_case`` hook turns every generated createOrder body into the safe order of
``market.MarketInfo`` (a negative case keeps its violation, but its otherwise valid volume and price
are replaced) and every valid cancelOrder id into one of the harness's own orders; whatever is still
open at the end is cancelled.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx
import schemathesis
from schemathesis.engine import Status, events, from_schema

from ._budget import Budget
from .hygiene import classify
from .market import MarketInfo
from .record import Recorder
from .report import OperationResult, Progress
from .validate import ContractValidator

__all__ = ["TRADING_OPERATIONS", "RestOptions", "run_rest"]

TRADING_OPERATIONS = frozenset({"createOrder", "cancelOrder"})
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_UNKNOWN_ORDER_ID = 999_999_999_999
# Iqfinex answers 400 for a well-formed request naming something that does not exist (unknown pair,
# currency or order id; the spec documents no 404), and 402 when the key may not trade.
_POSITIVE_STATUSES = ["2xx", "400", "401", "402", "403", "404", "409", "429", "5xx"]


@dataclass
class RestOptions:
    base_url: str
    api_key: str | None
    allow_trading: bool
    market: MarketInfo | None = None
    market_error: str = ""
    max_examples: int = 10
    stateful_steps: int = 6
    seed: int | None = None
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")
    recorder: Recorder | None = None
    operations: tuple[str, ...] = ()  # only these operationIds (empty: all)


@dataclass
class _Orders:
    """Orders the harness opened (REST ids)."""

    ids: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, order_id: int) -> None:
        with self.lock:
            if order_id not in self.ids:
                self.ids.append(order_id)

    def latest(self) -> int | None:
        with self.lock:
            return self.ids[-1] if self.ids else None


def _is_decimal(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and bool(_DECIMAL.match(value)))


def _safe_body(body: Any, market: MarketInfo, negative: bool) -> Any:
    if not negative:
        return market.rest_body()
    if not isinstance(body, dict):
        return body
    safe = dict(body)
    if _is_decimal(safe.get("volume")):
        safe["volume"] = str(market.min_volume)
    if "price" not in safe or _is_decimal(safe.get("price")):
        safe["price"] = str(market.safe_price)
    if _is_decimal(safe.get("stopPrice")):
        del safe["stopPrice"]
    if safe.get("cmd") == "sell":
        safe["cmd"] = "buy"
    return safe


def _header(headers: Any, name: str) -> str:
    value = headers.get(name) if hasattr(headers, "get") else None
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def _operation_id(operation: Any) -> str:
    return str(operation.definition.raw.get("operationId", operation.label))


class _Runner:
    def __init__(
        self, options: RestOptions, validator: ContractValidator, budget: Budget, progress: Progress
    ) -> None:
        self.options = options
        self.validator = validator
        self.budget = budget
        self.progress = progress
        self.results = {
            op_id: OperationResult("rest", op_id, label=f"{method} {path}")
            for op_id, method, path in validator.rest_operations()
        }
        self.orders = _Orders()
        self.errors: list[str] = []
        self.stop_reason = ""
        self.stream: Any = None
        self.methods = {op_id: method for op_id, method, _ in validator.rest_operations()}
        self.sent_by_method: dict[str, int] = {}
        self.called: set[str] = set()  # ids of the cases whose request went through after_call

    def trading(self) -> bool:
        return self.options.allow_trading and self.options.market is not None

    def _auth(self) -> dict[str, str]:
        return {"Authorization": self.options.api_key} if self.options.api_key else {}

    def config(self) -> Any:
        data: dict[str, Any] = {
            "base-url": self.options.base_url,
            "request-timeout": self.budget.timeout,
            "suppress-health-check": ["all"],
            "continue-on-failure": True,
            "warnings": False,
            "request-retries": 0,
            "generation": {"max-examples": self.options.max_examples, "mode": "all", "database": "none"},
            "phases": {
                "examples": {"enabled": "examples" in self.options.phases},
                "coverage": {
                    "enabled": "coverage" in self.options.phases,
                    # read-only: no PUT/POST/PATCH/DELETE/TRACE/OPTIONS probes on any path
                    **({} if self.options.allow_trading else {"unexpected-methods": []}),
                },
                "fuzzing": {"enabled": "fuzzing" in self.options.phases},
                "stateful": {
                    "enabled": "stateful" in self.options.phases,
                    "max-steps": max(2, self.options.stateful_steps),
                },
            },
            "checks": {"positive_data_acceptance": {"expected-statuses": _POSITIVE_STATUSES}},
            # a fresh connection per order request: never resent on a dropped keep-alive connection
            "operations": [
                {"include-operation-id": op_id, "headers": {**self._auth(), "Connection": "close"}}
                for op_id in sorted(TRADING_OPERATIONS)
            ],
        }
        if self.options.seed is not None:
            data["seed"] = self.options.seed
            data["generation"]["deterministic"] = True
        if self.options.api_key:
            data["headers"] = self._auth()
        if self.budget.rate:
            data["rate-limit"] = f"{max(1, int(self.budget.rate))}/s"
        return schemathesis.Config.from_dict(data)

    # ------------------------------------------------------------------ hooks
    def filter_case(self, context: Any, case: Any) -> bool:
        return self.options.allow_trading or str(case.method).upper() == "GET"

    def map_case(self, context: Any, case: Any) -> Any:
        op_id = _operation_id(case.operation)
        market = self.options.market
        if op_id == "createOrder" and market is not None:
            meta = case.meta
            negative = meta is not None and meta.generation.mode.name == "NEGATIVE"
            case.body = _safe_body(case.body, market, negative)
        elif op_id == "cancelOrder":
            order_id = (case.path_parameters or {}).get("id")
            if isinstance(order_id, int) and not isinstance(order_id, bool) and order_id >= 1:
                case.path_parameters = {
                    **case.path_parameters,
                    "id": self.orders.latest() or _UNKNOWN_ORDER_ID,
                }
        return case

    def _record(self, op_id: str, request: Any, response: Any) -> None:
        method = str(request.method).upper()
        self.sent_by_method[method] = self.sent_by_method.get(method, 0) + 1
        if method != "GET" and not self.options.allow_trading:
            self.errors.append(f"read-only violated: {method} {request.uri} was sent")
        if self.options.recorder is None or response is None or method != self.methods.get(op_id):
            return  # unsupported-method probes are judged by their own check, not replayed
        headers = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in request.headers.items()}
        self.options.recorder.rest(
            op_id,
            method,
            str(request.uri),
            headers,
            request.body,
            response.status_code,
            str(getattr(response, "message", "") or ""),
            dict(response.headers.items()),
            response.content,
        )

    def after_call(self, context: Any, case: Any, response: Any) -> None:
        self.called.add(case.id)
        self.budget.count()
        request = response.request
        method = str(request.method).upper()
        self.sent_by_method[method] = self.sent_by_method.get(method, 0) + 1
        if method != "GET" and not self.options.allow_trading:
            self.errors.append(f"read-only violated: {method} {request.url} was sent")
        if self.options.recorder is not None and method == str(case.operation.method).upper():
            # unsupported-method probes are judged by their own check, not replayed
            self.options.recorder.rest(
                _operation_id(case.operation),
                method,
                str(request.url),
                dict(request.headers),
                request.body,
                response.status_code,
                str(getattr(response, "message", "") or ""),
                dict(response.headers.items()),
                response.content,
            )
        if _operation_id(case.operation) == "createOrder" and response.status_code == 200:
            try:
                order_id = response.json()["data"]["id"]
            except (ValueError, KeyError, TypeError):
                order_id = None
            if isinstance(order_id, int):
                self.orders.add(order_id)
        reason = self.budget.exhausted()
        if reason and self.stream is not None:
            self.stop_reason = reason
            self.stream.stop()

    # ------------------------------------------------------------------ run
    def run(self) -> list[OperationResult]:
        openapi = copy.deepcopy(self.validator.openapi)  # schemathesis may annotate the dict
        schema: schemathesis.BaseSchema = schemathesis.openapi.from_dict(openapi, config=self.config())
        excluded = set() if self.options.allow_trading else {o for o, m in self.methods.items() if m != "GET"}
        if not self.trading():
            excluded |= TRADING_OPERATIONS
        for op_id in sorted(excluded):
            read_only = not self.options.allow_trading
            self.results[op_id].skipped = "read-only" if read_only else self.options.market_error
        if self.options.operations:
            for op_id in sorted(set(self.methods) - set(self.options.operations) - excluded):
                self.results[op_id].skipped = "not selected (--operations)"
                excluded.add(op_id)
        if excluded:
            schema = schema.exclude(operation_id=sorted(excluded))

        # schemathesis tags hook functions with attributes, so bound methods go in plain closures.
        def map_case(context: Any, case: Any) -> Any:
            return self.map_case(context, case)

        def after_call(context: Any, case: Any, response: Any) -> None:
            self.after_call(context, case, response)

        def filter_case(context: Any, case: Any) -> bool:
            return self.filter_case(context, case)

        schema.hook("filter_case")(filter_case)
        schema.hook("map_case")(map_case)
        schema.hook("after_call")(after_call)
        self.stream = from_schema(schema).execute()
        timer = threading.Timer(self.budget.remaining_time(), self._out_of_time)
        timer.daemon = True
        timer.start()
        try:
            for event in self.stream:
                self._event(event)
        finally:
            timer.cancel()
        if self.trading():
            self._cleanup()
        for op_id in sorted(excluded):
            self.progress.result(self.results[op_id])
        if self.stop_reason:
            for result in self.results.values():
                result.notes.append(f"stopped early: {self.stop_reason}")
        return list(self.results.values())

    def _out_of_time(self) -> None:
        self.stop_reason = f"time budget of {self.budget.time_budget:g} s used up"
        if self.stream is not None:
            self.stream.stop()

    def _event(self, event: Any) -> None:
        if isinstance(event, events.PhaseFinished):
            result = event.payload
            payload = result.ok() if result is not None and hasattr(result, "ok") else None
            probes = getattr(payload, "probes", None) or []
            sent = sum(1 for probe in probes if getattr(probe, "request", None) is not None)
            if sent:  # capability probes (GET to the base URL): no operation's answer, not validated
                self.budget.count(sent, source="rest schemathesis capability probes")
        elif isinstance(event, events.ScenarioFinished):
            touched = self._scenario(event.recorder)
            for op_id in touched:
                self.progress.result(self.results[op_id], phase=event.phase.value)
        elif isinstance(event, events.NonFatalError):
            self.errors.append(
                f"schemathesis ({event.label}): {event.info.title}: {event.info.message}"[:500]
            )
        elif isinstance(event, events.FatalError):
            self.errors.append(f"schemathesis fatal error: {event.exception}"[:500])

    def _scenario(self, recorder: Any) -> list[str]:
        touched: list[str] = []
        drifted: set[str] = set()
        for case_id, interaction in recorder.interactions.items():
            node = recorder.cases.get(case_id)
            if node is None:
                continue
            operation = node.value.operation
            op_id = _operation_id(operation)
            result = self.results.get(op_id)
            if result is None:
                continue
            if op_id not in touched:
                touched.append(op_id)
            response = interaction.response
            result.requests += 1
            if case_id not in self.called:
                # sent by a check itself (ignored_auth's requests without / with a wrong key):
                # no after_call hook saw it, so it is counted and recorded here
                self.budget.count(source="rest schemathesis auth checks")
                self._record(op_id, interaction.request, response)
            if interaction.request.method.upper() != operation.method.upper():
                continue  # an unsupported-method probe: its own check judges the answer
            if response is None:
                result.problem(f"no response to {interaction.request.method} {interaction.request.uri}")
                continue
            findings = self.validator.check_rest(
                op_id,
                operation.method,
                operation.path,
                response.status_code,
                _header(response.headers, "content-type"),
                response.content,
            )
            if any(f.severity == "error" for f in findings):
                drifted.add(case_id)
            result.add(findings)
        for case_id, checks in recorder.checks.items():
            node = recorder.cases.get(case_id)
            if node is None:
                continue
            op_id = _operation_id(node.value.operation)
            result = self.results.get(op_id)
            if result is None:
                continue
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                if check.name == "response_schema_conformance" and case_id in drifted:
                    continue  # already reported with JSON path, expected and received
                failure = check.failure_info.failure
                text = f"{check.name}: {failure.title}: {failure.message}".strip()
                request = recorder.interactions.get(case_id)
                if request is not None:
                    status = request.response.status_code if request.response is not None else "no response"
                    text += f" [{request.request.method} {request.request.uri} → {status}]"
                    if request.response is not None and not str(status).startswith("2"):
                        excerpt = request.response.content[:200].decode("utf-8", errors="replace")
                        text += f" body: {excerpt}"
                text = " ".join(text.split())[:600]
                if classify(check.name) == "hygiene":
                    result.warn(check.name, text)
                else:
                    result.problem(text)
        return touched

    def _cleanup(self) -> None:
        """Cancel every order this run opened that is still active."""
        created = list(self.orders.ids)
        cancelled = 0
        left: list[int] = []
        headers = {"Authorization": self.options.api_key} if self.options.api_key else {}
        with httpx.Client(
            base_url=self.options.base_url, headers=headers, timeout=self.budget.timeout
        ) as client:
            for order_id in created:
                try:
                    self.budget.count(source="rest order cleanup")
                    answer = client.get(f"/v1/order/{order_id}")
                    status = (
                        answer.json().get("data", {}).get("status") if answer.status_code == 200 else None
                    )
                    if status == "active":
                        self.budget.count(source="rest order cleanup")
                        client.post(f"/v1/order/{order_id}/cancel").raise_for_status()
                        cancelled += 1
                except (httpx.HTTPError, ValueError, AttributeError) as exc:
                    left.append(order_id)
                    self.errors.append(f"could not cancel order {order_id}: {exc}")
        result = self.results["createOrder"]
        pair = self.options.market.pair if self.options.market else "?"
        result.notes.append(
            f"placed {len(created)} safe order(s) on {pair}, "
            f"{cancelled} of them still open at the end and cancelled then"
        )
        if left:
            result.problem(f"orders possibly left open: {left}")


def run_rest(
    options: RestOptions, validator: ContractValidator, budget: Budget, progress: Progress
) -> tuple[list[OperationResult], list[str]]:
    """Per-operation results and run-level errors."""
    runner = _Runner(options, validator, budget, progress)
    results = runner.run()
    return results, runner.errors
