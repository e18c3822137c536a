"""Which gateway routes a drift breaks: upstream operation / method / event → gateway routes.

Derived, never written down: the route functions of ``gateway/routers/*.py`` are read as source
(``ast``, nothing is imported) and every upstream name a route's body names (``state.rest.call(
"getTicker", ...)``, ``state.finex.call(jwt, "list_orders", ...)``), directly or through a module
helper it calls, maps to that route. Upstream events reach the gateway through its event stream;
their routes come from the gateway's exported contract (``generated/gateway.openapi.json``), whose
event-stream description has a table row per event naming its upstream event (``| `order.created` |
`on` | ...``), plus the websocket routes (``WS /v1/events/ws``, found in the routers) it names.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["gateway_routes"]

_METHODS = {"get", "post", "put", "patch", "delete", "websocket", "api_route"}
_EVENT_ROW = re.compile(r"^\|\s*`[^`]+`\s*\|\s*`([A-Za-z0-9_]+)`\s*\|", re.MULTILINE)
_ROOT = Path(__file__).resolve().parents[1]


def _routers_dir() -> Path | None:
    spec = importlib.util.find_spec("gateway.routers")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(locations[0]) if locations else None


_CONVERTOR = re.compile(r"{(\w+):\w+}")


def _route_of(node: ast.AST) -> str | None:
    if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
        return None
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in _METHODS
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
            and isinstance(decorator.args[0].value, str)
        ):
            method = "WS" if decorator.func.attr == "websocket" else decorator.func.attr.upper()
            path = _CONVERTOR.sub(r"{\1}", decorator.args[0].value)  # "{uuid:finex_uuid}" is "{uuid}"
            return f"{method} {path}"
    return None


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _called(node: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _from_routers(names: set[str], directory: Path, every: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in sorted(directory.glob("*.py")):
        try:
            tree = ast.parse(source.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        helpers = {
            n.name: n
            for n in tree.body
            if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef) and _route_of(n) is None
        }
        for node in tree.body:
            route = _route_of(node)
            if route is None:
                continue
            every.append(route)
            seen: set[str] = set()
            todo = [node]
            literals: set[str] = set()
            while todo:
                current = todo.pop()
                literals |= _strings(current)
                for name in _called(current) - seen:
                    seen.add(name)
                    if name in helpers:
                        todo.append(helpers[name])
            for name in sorted(literals & names):
                found.setdefault(name, []).append(route)
    return found


def _from_contract(events: set[str], websocket_routes: list[str]) -> dict[str, list[str]]:
    """Event → the documented route whose description tables it, plus the websocket routes that
    description names (``served as websocket text frames at **`/v1/events/ws`**``)."""
    found: dict[str, list[str]] = {}
    try:
        document = json.loads((_ROOT / "generated" / "gateway.openapi.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return found
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            description = str(operation.get("description", ""))
            named = [r for r in websocket_routes if f"`{r.split(' ', 1)[1]}`" in description]
            for name in _EVENT_ROW.findall(description):
                if name in events:
                    found.setdefault(name, []).extend([f"{method.upper()} {path}", *named])
    return found


def gateway_routes(operations: Iterable[str], events: Iterable[str]) -> dict[str, list[str]]:
    """Upstream name → the gateway routes that depend on it (empty when the gateway is not found)."""
    names = set(operations)
    event_names = set(events)
    directory = _routers_dir()
    every: list[str] = []
    found = _from_routers(names | event_names, directory, every) if directory is not None else {}
    websocket_routes = [r for r in every if r.startswith("WS ")]
    for name, routes in _from_contract(event_names, websocket_routes).items():
        found.setdefault(name, [])
        found[name] += [r for r in routes if r not in found[name]]
    return found
