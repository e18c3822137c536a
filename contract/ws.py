"""Websocket contract checks, driven by ``spec/finex.asyncapi.yaml``.

For every ``x-method`` operation the harness sends the documented request examples, simple valid
variants generated from the args schema (``<Method>Args``: minimal, all optional slots, every enum
value) and deliberately invalid args (not an array, too few items, wrong first slot). Every reply must
be the method's reply schema or ``ErrorReply``; invalid args must get the error reply (a non-error
answer is a warning: lenient, not a schema violation), never a dropped connection or silence. Every
event frame (``[3|4, name, payload]``) is validated against its ``x-event`` message schema.

Methods that place, cancel or configure (``TRADING_METHODS``) run only with ``allow_trading`` and
then only with the safe order of ``market.MarketInfo``; their documented examples (real volumes) are
never sent. ``cancel_all`` runs only when the account has no open orders the harness did not open.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from generated.finex_layouts import LAYOUTS
from generated.finex_protocol import (
    CODES,
    CONSTS,
    ERROR_METHOD,
    ERROR_REPLY,
    EVENTS,
    FRAME_KINDS,
    METHODS,
    PRIVATE_SCOPE,
    PRIVATE_STREAMS,
)

from ._budget import Budget
from .market import MarketInfo
from .record import Recorder
from .report import OperationResult, Progress
from .validate import ContractValidator, Finding, render

__all__ = ["TRADING_METHODS", "WsOptions", "WsSpec", "run_ws"]

TRADING_METHODS = frozenset({"create_order", "create_bulk", "cancel_order", "cancel_all", "set_config_value"})
_MAX_VARIANTS = 8
_REPLY = LAYOUTS[ERROR_REPLY]  # every reply frame has the same slots: frame_type, request_id, method, result
_EVENT = LAYOUTS[next(iter(EVENTS.values())).frame]  # every event frame: frame_type, event, payload
_KIND = _REPLY.index("frame_type")
_REPLY_ID, _METHOD, _RESULT = _REPLY.index("request_id"), _REPLY.index("method"), _REPLY.index("result")
_EVENT_CODE = _EVENT.index("event")
_EVENT_KINDS = (FRAME_KINDS["public_event"], FRAME_KINDS["private_event"])
_BULK_FAILED = CONSTS["BulkOrderOutcome"]
_ALL_PRIVATE = LAYOUTS["SubscribeArgs"].build({"scope": PRIVATE_SCOPE, "streams": list(PRIVATE_STREAMS)})
_OPEN_ORDERS = LAYOUTS["ListOrdersArgs"].build(
    {"market": "", "page": 0, "limit": 0, "state": CODES["ListOrdersState"]["open"]}
)
_CONFIG_PROBE = LAYOUTS["SetConfigValueArgs"].build(
    {"component": "contract_harness", "key": "probe", "value": "ok", "scope": "public"}
)


@dataclass(frozen=True)
class WsMethod:
    method: str
    request: str  # schema name of the request frame, e.g. ListOrdersRequest
    reply: str  # schema name of the reply frame, e.g. ListOrdersReply
    args: str  # schema name of the args, e.g. ListOrdersArgs
    examples: tuple[Any, ...]  # documented args


class WsSpec:
    """Methods, events and args generators from ``generated/finex_protocol.py`` and the resolved
    AsyncAPI schemas (``generated/finex_contract.resolved.json``)."""

    def __init__(self, validator: ContractValidator) -> None:
        self.validator = validator
        self.methods: list[WsMethod] = [
            WsMethod(m.name, m.request, m.reply, m.args, tuple(json.loads(e) for e in m.examples))
            for m in METHODS.values()
            if m.args is not None
        ]
        self.events: dict[str, str] = {code: event.frame for code, event in EVENTS.items()}

    # ------------------------------------------------------------------ generation
    def _resolve(self, schema: Any) -> dict[str, Any]:
        return schema if isinstance(schema, dict) else {}

    def _args_schema(self, method: WsMethod) -> dict[str, Any]:
        return self.validator.asyncapi_schema(method.args)

    def sample(self, schema: Any, full: bool) -> Any:
        s = self._resolve(schema)
        if "const" in s:
            return s["const"]
        if "enum" in s:
            return s["enum"][0]
        for key in ("oneOf", "anyOf"):
            if key in s:
                return self.sample(s[key][0], full)
        if s.get("examples"):
            return s["examples"][0]
        kind = s.get("type")
        if kind == "string":
            if s.get("format") == "uuid":
                return str(uuid.uuid4())
            if "pattern" in s:
                return next((c for c in ("1", "0.5", "ab", "x") if re.search(s["pattern"], c)), "")
            return "x" * int(s.get("minLength", 0))
        if kind == "integer":
            return int(s.get("minimum", 0))
        if kind == "number":
            return 1
        if kind == "boolean":
            return True
        if kind == "object":
            return {
                k: self.sample(v, full)
                for k, v in s.get("properties", {}).items()
                if k in s.get("required", [])
            }
        if kind == "array":
            items = s.get("items")
            if isinstance(items, list):
                count = len(items) if full else int(s.get("minItems", 0))
                return [self.sample(slot, full) for slot in items[:count]]
            if isinstance(items, dict):
                count = max(int(s.get("minItems", 0)), 1 if full else 0)
                return [self.sample(items, full) for _ in range(count)]
            return []
        return None

    def valid_args(self, method: WsMethod) -> list[Any]:
        """Documented examples, then minimal / full / enum variants, each valid against the args schema."""
        schema = self._args_schema(method)
        candidates: list[Any] = [*method.examples, self.sample(schema, False), self.sample(schema, True)]
        resolved = self._resolve(schema)
        slots = resolved.get("items")
        if isinstance(slots, list):
            base = self.sample(schema, True)
            for index, slot in enumerate(slots[: len(base)]):
                for value in self._resolve(slot).get("enum", [])[1:]:
                    variant = list(base)
                    variant[index] = value
                    candidates.append(variant)
        out: list[Any] = []
        for candidate in candidates:
            if candidate not in out and self.validator.is_valid(method.args, candidate):
                out.append(candidate)
        return out[:_MAX_VARIANTS]

    def invalid_args(self, method: WsMethod) -> list[Any]:
        """Args that violate the args schema: not an array, too few items, wrong type in slot 0."""
        resolved = self._args_schema(method)
        candidates: list[Any] = [{"not": "an array"}]
        minimum = int(resolved.get("minItems", 0))
        if minimum:
            candidates.append([])
        if "maxItems" in resolved:
            candidates.append([0] * (int(resolved["maxItems"]) + 1))
        slots = resolved.get("items")
        if isinstance(slots, list) and slots:
            full = self.sample(resolved, True)
            first = self._resolve(slots[0])
            wrong: Any = 12345 if first.get("type") != "integer" else "not-a-number"
            candidates.append([wrong, *full[1:]])
        return [c for c in candidates if not self.validator.is_valid(method.args, c)]


@dataclass
class WsOptions:
    url: str
    jwt: str | None
    allow_trading: bool
    market: MarketInfo | None = None
    market_error: str = ""  # why no market info (trading then skipped)
    event_wait: float = 1.0  # seconds to wait for pending events (heartbeat, order events)
    recorder: Recorder | None = None  # --record: every frame, with its direction and time


@dataclass
class _Client:
    """One websocket connection: replies routed by request id, every event validated on arrival."""

    options: WsOptions
    spec: WsSpec
    budget: Budget
    events: dict[str, OperationResult]
    stray: OperationResult
    connection: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None
    pending: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    closed_reason: str = ""
    heartbeat: asyncio.Event = field(default_factory=asyncio.Event)  # set once a `sys` event arrived

    async def open(self) -> None:
        headers = {"Authorization": f"Bearer {self.options.jwt}"} if self.options.jwt else None
        self.connection = await connect(
            self.options.url, additional_headers=headers, open_timeout=self.budget.timeout, max_size=2**24
        )
        self.closed_reason = ""
        if self.options.recorder is not None:
            self.options.recorder.ws_open(self.options.url)
        self.reader = asyncio.create_task(self._read(self.connection))

    async def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.connection.close(), self.budget.timeout)
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.reader
        self.connection = None
        self.reader = None

    async def _read(self, connection: ClientConnection) -> None:
        try:
            async for raw in connection:
                if self.options.recorder is not None:
                    self.options.recorder.ws_frame("received", raw)
                self._dispatch(raw)
        except ConnectionClosed:
            pass
        code = connection.close_code
        self.closed_reason = f"connection closed by the server (code {code})"
        if self.options.recorder is not None:
            self.options.recorder.ws_close(f"code {code}")
        for future in self.pending.values():
            if not future.done():
                future.set_exception(ConnectionError(self.closed_reason))

    def _dispatch(self, raw: str | bytes) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            self.stray.add(
                [Finding("error", "frame", "$", "a JSON array frame", render(str(raw)), "not JSON")]
            )
            return
        kind = frame[_KIND] if isinstance(frame, list) and frame else None
        if kind == FRAME_KINDS["reply"] and len(frame) > _REPLY_ID and frame[_REPLY_ID] in self.pending:
            future = self.pending.pop(frame[_REPLY_ID])
            if not future.done():
                future.set_result(frame)
            return
        code = frame[_EVENT_CODE] if kind in _EVENT_KINDS and len(frame) > _EVENT_CODE else None
        if code in self.spec.events:
            result = self.events[code]
            result.observed = True
            result.requests += 1
            if kind == FRAME_KINDS["public_event"]:
                self.heartbeat.set()
            result.add(self.spec.validator.check_frame(code, self.spec.events[code], frame))
            return
        self.stray.requests += 1
        self.stray.add(
            [
                Finding(
                    "error",
                    "frame",
                    "$",
                    "a reply to a pending request or a documented event ("
                    + ", ".join(self.spec.events)
                    + ")",
                    render(frame),
                    "unexpected frame",
                )
            ]
        )

    async def request(self, method: str, args: Any) -> Any:
        """Send ``[1, id, method, args]``; the reply frame, or raises TimeoutError / ConnectionError."""
        if self.connection is None or self.reader is None or self.reader.done():
            await self.close()
            await self.open()
        assert self.connection is not None
        request_id = next(self.ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        try:
            request = LAYOUTS[METHODS[method].request].build({"request_id": request_id, "args": args})
            text = json.dumps(request)
            if self.options.recorder is not None:
                self.options.recorder.ws_frame("sent", text, {"id": request_id, "method": method})
            await self.connection.send(text)
            return await asyncio.wait_for(future, self.budget.timeout)
        except ConnectionClosed as exc:
            raise ConnectionError(f"connection closed by the server ({exc})") from exc
        finally:
            self.pending.pop(request_id, None)


class _Runner:
    def __init__(
        self, options: WsOptions, validator: ContractValidator, budget: Budget, progress: Progress
    ) -> None:
        self.options = options
        self.spec = WsSpec(validator)
        self.validator = validator
        self.budget = budget
        self.progress = progress
        self.results = {
            m.method: OperationResult("ws", m.method, label=f"{m.request} → {m.reply} or {ERROR_REPLY}")
            for m in self.spec.methods
        }
        self.events = {
            name: OperationResult("event", name, label=schema, observed=False)
            for name, schema in self.spec.events.items()
        }
        self.stray = OperationResult("ws", "frames", label="frames not matching any request or event")
        self.client = _Client(options, self.spec, budget, self.events, self.stray)
        self.opened: dict[str, str] = {}  # uuid -> market, orders this run placed and has not cancelled
        self.placed = 0

    async def call(self, method: WsMethod, args: Any, negative: bool = False) -> Any | None:
        """One checked request; the reply result on a non-error reply, else None."""
        result = self.results[method.method]
        if not await self.budget.acquire():
            result.notes.append(f"stopped: {self.budget.exhausted()}")
            return None
        result.requests += 1
        try:
            frame = await self.client.request(method.method, args)
        except TimeoutError:
            result.problem(f"no reply within {self.budget.timeout:g} s to args {render(args)}")
            return None
        except (ConnectionError, OSError) as exc:
            result.problem(f"{exc} after args {render(args)}")
            await self.client.close()
            return None
        is_error = isinstance(frame, list) and len(frame) > _METHOD and frame[_METHOD] == ERROR_METHOD
        schema = ERROR_REPLY if is_error else method.reply
        result.add(self.validator.check_frame(method.method, schema, frame))
        if negative and not is_error:
            result.warn("invalid_args_accepted", f"args {render(args)} answered {render(frame)}")
        if is_error or not isinstance(frame, list) or len(frame) <= _RESULT:
            return None
        return frame[_RESULT]

    def method(self, name: str) -> WsMethod:
        return next(m for m in self.spec.methods if m.method == name)

    async def run(self) -> list[OperationResult]:
        try:
            await self.client.open()
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            for result in self.results.values():
                result.problem(f"could not connect to {self.options.url}: {exc}")
            return [*self.results.values()]
        try:
            await self._read_only()
            if self.options.allow_trading and self.options.market is not None:
                await self._trading(self.options.market)
            else:
                reason = "read-only" if not self.options.allow_trading else self.options.market_error
                for name in sorted(TRADING_METHODS):
                    self.results[name].skipped = reason
                    self.progress.result(self.results[name])
            await self._wait_for_events()
        finally:
            await self.client.close()
        results = [self.results[m.method] for m in self.spec.methods]
        results += [self.events[name] for name in self.spec.events]
        for event in self.events.values():
            if not event.observed:
                event.notes.append("no such event arrived during the run")
            else:
                event.notes.append(f"{event.requests} frame(s) validated")
            event.requests = 0
            self.progress.result(event)
        if self.stray.requests or self.stray.findings:
            results.append(self.stray)
        return results

    async def _read_only(self) -> None:
        subscribe = self.method("subscribe")
        await self.call(subscribe, _ALL_PRIVATE)
        for method in self.spec.methods:
            if method.method in TRADING_METHODS:
                continue
            for args in self.spec.valid_args(method):
                await self.call(method, args)
            for args in self.spec.invalid_args(method):
                await self.call(method, args, negative=True)
            self.progress.result(self.results[method.method])
        # The subscribe variants may have narrowed the subscription: restore all private streams.
        await self.call(subscribe, _ALL_PRIVATE)

    async def _create(self, method: WsMethod, args: Any) -> list[str]:
        result = await self.call(method, args)
        uuids = [u for u in (result or []) if isinstance(u, str) and u not in _BULK_FAILED]
        for item in uuids:
            self.opened[item] = self.options.market.ws_market if self.options.market else ""
        self.placed += len(uuids)
        return uuids

    async def _cancel_opened(self) -> None:
        cancel = self.method("cancel_order")
        if self.opened:
            targets = [[market, item] for item, market in self.opened.items()]
            if await self.call(cancel, targets) is not None:
                self.opened.clear()

    async def _trading(self, market: MarketInfo) -> None:
        create, bulk = self.method("create_order"), self.method("create_bulk")
        cancel, cancel_all = self.method("cancel_order"), self.method("cancel_all")
        uuids = await self._create(create, market.ws_args())
        if uuids:
            await self.call(self.method("list_orders_by_uuids"), uuids)
            await self.call(self.method("list_order_trades"), uuids[:1])
        await self._cancel_opened()
        await self._create(bulk, [market.ws_args(), market.ws_args()])
        await self._cancel_opened()
        for method in (create, bulk, cancel):
            for args in self.spec.invalid_args(method):
                await self.call(method, args, negative=True)
        self.results["create_order"].notes.append(f"placed {self.placed} safe order(s) on {market.ws_market}")
        for name in ("create_order", "create_bulk", "cancel_order"):
            self.progress.result(self.results[name])
        # cancel_all cancels every open order of the account: only when none is someone else's.
        open_orders = await self.call(self.method("list_orders"), _OPEN_ORDERS)
        if open_orders == []:
            await self.call(cancel_all, [])
            for args in self.spec.invalid_args(cancel_all):
                await self.call(cancel_all, args, negative=True)
        else:
            self.results["cancel_all"].skipped = "the account has open orders the harness did not place"
        self.progress.result(self.results["cancel_all"])
        setter = self.method("set_config_value")
        await self.call(setter, _CONFIG_PROBE)
        for args in self.spec.invalid_args(setter):
            await self.call(setter, args, negative=True)
        await self.call(self.method("get_config"), [])
        self.progress.result(self.results["set_config_value"])
        if self.opened:
            self.results["cancel_order"].problem(f"orders left open: {', '.join(self.opened)}")

    async def _wait_for_events(self) -> None:
        """Give pending events (heartbeat, late order events) a bounded chance to arrive."""
        wait = min(self.options.event_wait, self.budget.remaining_time())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.client.heartbeat.wait(), wait)


async def run_ws(
    options: WsOptions, validator: ContractValidator, budget: Budget, progress: Progress
) -> list[OperationResult]:
    return await _Runner(options, validator, budget, progress).run()
