"""What the sandbox takes from ``spec/iqfinex.openapi.yaml`` instead of restating it: the pagination
bounds of each operation (``limit`` default and maximum, whether ``sort`` is accepted) and the candle
frames. The sandbox serves the REST API as the spec describes it, so these live in the spec only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Page", "candle_frames", "page"]

_SPEC = Path(__file__).resolve().parent.parent / "spec" / "iqfinex.openapi.yaml"


@dataclass(frozen=True)
class Page:
    default_limit: int
    max_limit: int
    sortable: bool


@cache
def _openapi() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: dict[str, Any] = yaml.load(_SPEC.read_text(encoding="utf-8"), Loader=loader)
    return document


def _parameters(operation_id: str) -> dict[str, dict[str, Any]]:
    document = _openapi()
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                found = {}
                for parameter in operation.get("parameters", []):
                    if "$ref" in parameter:
                        parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
                    found[parameter["name"]] = parameter
                return found
    raise KeyError(operation_id)


@cache
def page(operation_id: str) -> Page:
    """The documented pagination of an operation."""
    parameters = _parameters(operation_id)
    limit = parameters["limit"]["schema"]
    return Page(int(limit["default"]), int(limit["maximum"]), "sort" in parameters)


@cache
def candle_frames() -> tuple[int, ...]:
    """The candle sizes (seconds) the spec allows for ``listCandles``."""
    return tuple(int(frame) for frame in _parameters("listCandles")["frame"]["schema"]["enum"])
