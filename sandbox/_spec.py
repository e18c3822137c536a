"""What the sandbox takes from the REST contract instead of restating it: the pagination bounds of each
operation (``limit`` default and maximum, whether ``sort`` is accepted) and the candle frames, read from
``generated/iqfinex_operations.py`` (codegen's reading of ``spec/iqfinex.openapi.yaml``). The sandbox
serves the REST API as the spec describes it, so these live in the spec only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from generated.iqfinex_operations import OPERATIONS

__all__ = ["Page", "candle_frames", "page"]


@dataclass(frozen=True)
class Page:
    default_limit: int
    max_limit: int
    sortable: bool


def _parameters(operation_id: str) -> dict[str, dict[str, Any]]:
    parameters: dict[str, dict[str, Any]] = OPERATIONS[operation_id].parameters
    return parameters


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
