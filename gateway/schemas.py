"""What both upstreams' documentation models share: the decimal patterns, ``DocModels``, problems.

:class:`DocModels` builds pydantic models from a layout table (``generated/*_layouts.py``, never by
hand). They only describe bodies in the gateway's OpenAPI document; responses are encoded by the one
encoder and never re-validated at runtime. Per layout field kind:

    decimal   → string, canonical decimal pattern ("0.0000009", "0.25", never an exponent)
    timestamp → integer (Unix seconds)       integer → integer        boolean → boolean
    enum      → the normalized values of its ``ENUMS`` table (string when the spec gives no table)
    ref/list/map → the nested model / a list / an object of them
    optional  → nullable (the gateway always sends the key)

Objects allow additional properties: fields the upstream adds are passed on, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from gateway._decimal import AMOUNT_PATTERN
from gateway.middleware import DRIFT_COUNT_HEADER, DRIFT_HEADER
from gateway.problems import (
    GatewayError,
)
from generated.layout_types import Field, Layout

__all__ = [
    "AMOUNT_SCHEMA",
    "CANONICAL_DECIMAL",
    "DECIMAL_INPUT",
    "DRIFT_HEADERS",
    "DocModels",
    "Problem",
    "Timestamp",
    "list_of",
]

CANONICAL_DECIMAL = r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$"
"""What every decimal the gateway emits looks like."""

DECIMAL_INPUT = AMOUNT_PATTERN
"""Decimal strings the gateway accepts as request amounts (:data:`gateway._decimal.AMOUNT_PATTERN`)."""

AMOUNT_SCHEMA: dict[str, Any] = {"type": "string", "pattern": AMOUNT_PATTERN}
"""A request amount: a decimal string of the amount grammar, > 0, read exactly, never via float. Money
is text: a JSON number is refused with 422, so clients generated from the contract type it ``str``."""

DRIFT_HEADERS: dict[str, Any] = {
    DRIFT_HEADER: {
        "description": "Only when some upstream values could not be normalized (`DRIFT_POLICY=lenient`, "
        "the default): the JSON paths, in this body, of the values served as `null` instead, "
        "comma-separated, at most 100 (e.g. `$[3].bid, $[7].bid`). With `DRIFT_POLICY=strict` such a "
        "response is a 502 problem instead.",
        "schema": {"type": "string"},
    },
    DRIFT_COUNT_HEADER: {
        "description": "With `Gateway-Drift`: how many values were served as `null`.",
        "schema": {"type": "integer", "minimum": 1},
    },
}
"""Documentation of the headers of a 200 response some of whose values drifted (gateway.middleware)."""

Decimal = Annotated[
    str,
    PydanticField(
        pattern=CANONICAL_DECIMAL,
        description="Exact decimal as a string in canonical plain form.",
        examples=["0.0000009"],
    ),
]


class DocModels:
    """Pydantic models of normalized objects, built from one generated layouts module (documentation
    only: routes encode their bodies themselves). Field names, optionality and the enum vocabularies all
    come from the layouts; nothing is listed by hand."""

    _config = ConfigDict(extra="allow")

    def __init__(
        self, layouts: Mapping[str, Layout], enums: Mapping[str, Mapping[str, str]], prefix: str = ""
    ) -> None:
        self.layouts = layouts
        self.enums = enums
        self.prefix = prefix  # of default model names, so two upstreams' layouts never share a name
        self._models: dict[str, type[BaseModel]] = {}

    def vocabulary(self, table: str) -> tuple[str, ...]:
        """The normalized values of an enum table (without an empty "no filter" value)."""
        return tuple(v for v in dict.fromkeys(self.enums[table].values()) if v)

    def scalar(self, item: Field) -> Any:
        kind = item.kind
        simple = {"decimal": Decimal, "timestamp": Timestamp, "integer": int, "boolean": bool, "string": str}
        if kind in simple:
            return simple[kind]
        if kind == "enum":
            return Literal[self.vocabulary(item.enum)] if item.enum is not None else str
        if kind == "const":
            return Literal[item.const]
        inner = self.model(item.ref) if item.ref is not None else Any
        if kind == "ref":
            return inner
        if kind == "list":
            return list[inner]  # type: ignore[valid-type]
        if kind == "map":
            return dict[str, inner]  # type: ignore[valid-type]
        return Any

    def model(
        self,
        layout: str,
        name: str | None = None,
        first: dict[str, Any] | None = None,
        drop: tuple[str, ...] = (),
        last: dict[str, Any] | None = None,
        doc: str | None = None,
    ) -> type[BaseModel]:
        """The model of a layout (cached by name): ``first`` fields (e.g. a map's key), the layout's
        fields except ``drop``, then ``last`` fields; each extra field given as ``name: type``."""
        name = name or f"{self.prefix}{layout}"
        found = self._models.get(name)
        if found is not None:
            return found
        spec = self.layouts[layout]
        fields: dict[str, tuple[Any, Any]] = {k: (v, PydanticField(...)) for k, v in (first or {}).items()}
        for item in spec.fields:
            if item.name not in drop:
                annotation = self.scalar(item)
                nullable = item.optional or bool(item.none_when)
                fields[item.name] = (annotation | None if nullable else annotation, PydanticField(...))
        fields.update({k: (v, PydanticField(...)) for k, v in (last or {}).items()})
        built: type[BaseModel] = create_model(  # type: ignore[call-overload]
            name,
            __config__=self._config,
            __doc__=doc or f"Normalized `{layout}` ({spec.source}#{spec.pointer}).",
            **fields,
        )
        self._models[name] = built
        return built


Timestamp = Annotated[int, PydanticField(ge=0, description="Unix time, seconds")]


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")
    type: str = PydanticField(examples=["/problems/upstream-unavailable"])
    title: str
    status: int
    detail: str
    instance: str | None = None


def problem_responses(
    descriptions: dict[int, str], examples: dict[int, GatewayError]
) -> dict[int | str, dict[str, Any]]:
    """Documented problem responses, their examples rendered by the exception tree itself."""
    return {
        status: {
            "description": description,
            "content": {
                "application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": examples[status].problem(),
                }
            },
        }
        for status, description in descriptions.items()
    }


def list_of(item: type[BaseModel]) -> Any:
    """``list[item]`` for a model built at runtime (documentation only)."""
    return list[item]  # type: ignore[valid-type]
