"""Types of the layout metadata emitted by codegen.py (shared by every *_layouts module)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

__all__ = ["Field", "Layout"]


class Field(NamedTuple):
    """One tuple slot or object property.

    ``name`` is the normalized (gateway) name, ``wire`` the upstream property name (the slot title for
    tuple slots), ``kind`` one of decimal, timestamp, integer, number, string, boolean, enum, const,
    ref, list, map, any; ``ref`` names the nested layout for ref/list/map kinds; ``enum`` names the
    table in the module's ``ENUMS`` that maps upstream codes to the shared vocabulary; ``none_when``
    lists normalized values that mean "none" (served as null, ``x-none-when``); ``case`` is the case
    (upper or lower) text is given (``x-case``).
    """

    name: str
    wire: str
    kind: str
    optional: bool
    ref: str | None = None
    enum: str | None = None
    const: Any = None
    key: str | None = None
    key_kind: str | None = None
    none_when: tuple[Any, ...] | None = None
    case: str | None = None


class Layout(NamedTuple):
    """A tuple (positional array) or object schema: where it is declared and its fields in order."""

    name: str
    source: str
    pointer: str
    is_tuple: bool
    fields: tuple[Field, ...]
    min_items: int = 0
    max_items: int | None = None

    def index(self, name: str) -> int:
        """Position of a slot by its title (``wire``, the upstream's word; the gateway's ``name`` differs
        where the slot carries ``x-name``)."""
        for position, item in enumerate(self.fields):
            if item.wire == name:
                return position
        raise KeyError(name)

    def build(self, values: Mapping[str, Any], count: int | None = None) -> list[Any]:
        """The positional array of a tuple from ``values`` by slot title (``wire``: the upstream's words,
        what the sandbox and the harness speak), its first ``count`` slots (all by default). ``const``
        slots take the spec's value when not given; a name the layout does not have, or a slot within
        ``count`` without a value, raises ``KeyError``."""
        unknown = set(values).difference(item.wire for item in self.fields)
        if unknown:
            raise KeyError(f"{self.name} has no slot(s) {', '.join(sorted(unknown))}")
        row: list[Any] = []
        for item in self.fields if count is None else self.fields[:count]:
            if item.wire in values:
                row.append(values[item.wire])
            elif item.kind == "const":
                row.append(item.const)
            else:
                raise KeyError(f"{self.name}: no value for slot {item.wire!r}")
        return row

    def read(self, row: Sequence[Any]) -> dict[str, Any]:
        """A positional array by slot title (``wire``; slots past its end are ``None``); ``ValueError``
        when it has more slots than the layout."""
        if len(row) > len(self.fields):
            raise ValueError(f"{self.name} has {len(self.fields)} slots, got {len(row)}")
        return {item.wire: row[i] if i < len(row) else None for i, item in enumerate(self.fields)}
