"""Shared type aliases of the sandbox (the ``httpx/_types.py`` habit)."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

__all__ = ["Json", "JsonObject", "OrderKind", "OrderState", "Side"]

Json: TypeAlias = Any
JsonObject: TypeAlias = dict[str, Any]
Side: TypeAlias = Literal["buy", "sell"]
OrderKind: TypeAlias = Literal["limit", "market", "stop_limit", "post_only", "fill_or_kill"]
OrderState: TypeAlias = Literal[
    "pending",
    "open",
    "filled",
    "cancelled",
    "rejected",
    "trigger_wait",
    "trigger_cancelled",
    "trigger_rejected",
]
