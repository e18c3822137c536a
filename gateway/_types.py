"""Type aliases and Protocols shared by the gateway's packages (as ``httpx/_types.py`` keeps them)."""

from __future__ import annotations

from typing import Any

__all__ = ["Query"]

Query = dict[str, Any] | None
"""Query parameters of an upstream REST call (``None``: none)."""
