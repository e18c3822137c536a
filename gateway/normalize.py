"""Layout-driven normalization: decoded upstream JSON → the gateway's objects.

Every field name, slot position, decimal flag and code table comes from the layouts that
``codegen.py`` generates from ``spec/``; nothing here knows an upstream field by name. A converter is
compiled once per layout (a plan of ``(wire key or slot index, normalized name, value converter)``)
and reused.

Upstream bodies are decoded with :data:`decode_json`, whose ``float_hook`` turns every JSON number
with a fraction or exponent straight from its raw text into canonical decimal text, so no value ever
passes through ``float``. Integers arrive as ``int``; decimal fields turn them into text too.

Example, a Finex order row (``generated/finex_layouts.py``, layout ``OrderRow``)::

    ["btcusd", 97, "6dcc…", "sell", "w", "l", "9120", "0", "0.25", "0.25", "0", 0, 1594386563, "0.25", "0.25"]
      market   id  uuid     side   state type price  avg  volume orig.  exec. trades created     maker  taker

becomes ``{"market": "btcusd", "id": 97, …, "state": "open", "type": "limit", "price": "9120", …}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from gateway._decimal import DecimalError, canonical, canonical_text
from generated.layout_types import Field, Layout

__all__ = ["Converter", "NormalizationError", "Normalizer", "decode_json", "to_int"]

Converter = Callable[[Any], Any]

decode_json: Callable[[bytes | str], Any] = msgspec.json.Decoder(float_hook=canonical_text).decode
"""Decode JSON with every non-integer number as canonical decimal text (exact, no float)."""


class NormalizationError(ValueError):
    """An upstream value that cannot be normalized (wrong type where the layout needs one)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def to_int(value: Any) -> int:
    """Integer from an int or a string of digits (timestamps, ``accuracy``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise DecimalError(f"not an integer: {value!r}")


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class Normalizer:
    """Compiles and caches converters for the layouts of one generated module."""

    def __init__(self, layouts: Mapping[str, Layout], enums: Mapping[str, Mapping[str, str]]) -> None:
        self.layouts = layouts
        self.enums = enums
        self._compiled: dict[str, Converter] = {}

    def __call__(self, layout: str, value: Any) -> Any:
        return self.converter(layout)(value)

    def converter(self, name: str) -> Converter:
        """The converter of a layout, compiled on first use."""
        compiled = self._compiled.get(name)
        if compiled is None:
            layout = self.layouts[name]
            # Placeholder first, so self-referencing layouts resolve lazily.
            self._compiled[name] = lambda value: self._compiled[name](value)
            compiled = self._tuple(layout) if layout.is_tuple else self._object(layout)
            self._compiled[name] = compiled
        return compiled

    def field(self, item: Field) -> Converter | None:
        """The converter of one field's value; ``None`` where the value passes through unchanged."""
        kind = item.kind
        if kind == "decimal":
            return canonical
        if kind in {"timestamp", "integer"}:
            return to_int
        if kind == "enum" and item.enum is not None:
            table = self.enums[item.enum]
            return lambda value: table.get(value, value)
        if kind == "ref" and item.ref is not None:
            return self.converter(item.ref)
        if kind == "list" and item.ref is not None:
            inner = self.converter(item.ref)
            return lambda values: [inner(v) for v in values]
        if kind == "map" and item.ref is not None:
            inner = self.converter(item.ref)
            return lambda values: {k: inner(v) for k, v in values.items()}
        return None

    def _object(self, layout: Layout) -> Converter:
        plan = [(f.wire, f.name, self.field(f)) for f in layout.fields]
        known = {f.wire for f in layout.fields}
        name = layout.name

        def convert(obj: Any) -> dict[str, Any]:
            if not isinstance(obj, dict):
                raise NormalizationError(name, f"expected an object, got {type(obj).__name__}")
            out: dict[str, Any] = {}
            for wire, key, conv in plan:
                value = obj.get(wire)
                if conv is not None and value is not None:
                    try:
                        value = conv(value)
                    except (DecimalError, TypeError, AttributeError) as exc:
                        raise NormalizationError(f"{name}.{wire}", str(exc)) from None
                out[key] = value
            if len(obj) > len(plan) or any(k not in known for k in obj):
                # Undocumented fields are passed on (snake_case), never dropped; drift is reported elsewhere.
                for wire, value in obj.items():
                    if wire not in known:
                        out.setdefault(_snake(wire), value)
            return out

        return convert

    def _tuple(self, layout: Layout) -> Converter:
        plan = [(f.name, self.field(f)) for f in layout.fields]
        size = len(plan)
        name = layout.name

        def convert(row: Any) -> dict[str, Any]:
            if not isinstance(row, list):
                raise NormalizationError(name, f"expected an array, got {type(row).__name__}")
            out: dict[str, Any] = {}
            for index, (key, conv) in enumerate(plan):
                value = row[index] if index < len(row) else None
                if conv is not None and value is not None:
                    try:
                        value = conv(value)
                    except (DecimalError, TypeError, AttributeError) as exc:
                        raise NormalizationError(f"{name}[{index}] ({key})", str(exc)) from None
                out[key] = value
            if len(row) > size:
                # Slots the spec does not know yet are passed on, never dropped; drift is reported elsewhere.
                out["extra_slots"] = row[size:]
            return out

        return convert
