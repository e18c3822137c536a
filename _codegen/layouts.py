"""Layout extraction (a language-neutral description of every tuple and object) and the emitted
``*_layouts`` modules."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path

from .spec import SNAKE, Json, Spec, camel_case, escape_pointer, header, is_tuple, snake_case, tuple_slots

TEMPLATES = Path(__file__).resolve().parent / "templates"


def layout_types() -> str:
    """``generated/layout_types.py``: the template file with the generated header."""
    return header("codegen.py") + (TEMPLATES / "layout_types.py").read_text(encoding="utf-8")


@dataclass
class FieldInfo:
    name: str  # normalized name (slot title, x-name or snake_case of the wire name)
    wire: str  # wire name for object properties; the slot title for tuple slots
    # decimal | timestamp | integer | number | string | boolean | enum | const | ref | list | map | any
    kind: str
    optional: bool
    py: str  # msgspec annotation
    ref: str | None = None  # component name of a nested struct (for ref, list and map kinds)
    enum: str | None = None  # name of the normalized-enum table
    const: Json = None
    key: str | None = None  # normalized name of a map's keys (propertyNames title)
    key_kind: str | None = None  # "decimal" when the map's keys are decimals (order-book prices)
    none_when: tuple[Json, ...] | None = None  # x-none-when: normalized values that mean "none" (null)
    case: str | None = None  # x-case: "upper" or "lower", the case the normalized text is given


@dataclass
class StructInfo:
    name: str
    pointer: str
    tuple: bool
    fields: list[FieldInfo]
    min_items: int = 0
    max_items: int | None = None
    description: str = ""


@dataclass
class Extraction:
    spec: Spec
    structs: dict[str, StructInfo] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # name -> annotation
    enums: dict[str, dict[str, str]] = field(default_factory=dict)
    enum_sources: dict[str, str] = field(default_factory=dict)  # pointer -> enum table name
    order: list[str] = field(default_factory=list)  # emission order of structs and aliases


class Extractor:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.out = Extraction(spec)
        self.visiting: set[str] = set()

    def run(self) -> Extraction:
        for name in sorted(self.spec.schemas):
            self.component(name)
        self.check_stray_tuples(self.spec.doc, "")
        return self.out

    # Components ------------------------------------------------------------------------------

    def component(self, name: str) -> str:
        """Emit the component's struct or alias (once) and return its Python annotation."""
        if name in self.out.structs:
            return name
        if name in self.out.aliases:
            return name
        pointer = f"/components/schemas/{escape_pointer(name)}"
        schema = self.spec.schemas[name]
        if not re.match(r"^[A-Z][A-Za-z0-9]*$", name):
            raise self.spec.error(pointer, "schema names must be PascalCase identifiers")
        if name in self.visiting:
            return f'"{name}"'
        self.visiting.add(name)
        try:
            if is_tuple(schema):
                self.struct_from_tuple(name, schema, pointer)
                return name
            if self.is_object(schema):
                self.struct_from_object(name, schema, pointer)
                return name
            annotation = self.annotation(schema, pointer, owner=name, top=True)[0]
            if self.spec.flag(schema, pointer, "x-decimal") or self.is_scalarish(schema, pointer):
                return annotation  # scalar helpers (Decimal, Timestamp, enums) are inlined
            self.out.aliases[name] = annotation
            self.out.order.append(name)
            return name
        finally:
            self.visiting.discard(name)

    def is_object(self, schema: Json) -> bool:
        return (
            isinstance(schema, dict)
            and isinstance(schema.get("properties"), dict)
            and schema.get("type", "object") == "object"
        )

    def is_scalarish(self, schema: Json, pointer: str) -> bool:
        schema, _, _ = self.spec.unwrap(schema, pointer)
        kinds = {"string", "integer", "number", "boolean"}
        if schema.get("type") in kinds or "enum" in schema or "const" in schema:
            return True
        branches = schema.get("oneOf") or schema.get("anyOf")
        return isinstance(branches, list) and all(
            isinstance(b, dict) and (b.get("type") in kinds or "const" in b) for b in branches
        )

    def struct_from_tuple(self, name: str, schema: Json, pointer: str) -> StructInfo:
        key = "prefixItems" if "prefixItems" in schema else "items"
        slots = tuple_slots(schema)
        if not slots:
            raise self.spec.error(pointer, "a tuple needs at least one slot")
        min_items = schema.get("minItems", len(slots))
        if not isinstance(min_items, int) or not 0 <= min_items <= len(slots):
            raise self.spec.error(f"{pointer}/minItems", f"must be an integer between 0 and {len(slots)}")
        if key == "prefixItems":
            if schema.get("maxItems") != len(slots):
                raise self.spec.error(
                    f"{pointer}/maxItems", f"a prefixItems tuple must be closed with maxItems: {len(slots)}"
                )
        elif schema.get("additionalItems") is not False:
            raise self.spec.error(
                f"{pointer}/additionalItems", "a tuple must be closed: additionalItems: false"
            )
        fields: list[FieldInfo] = []
        seen: dict[str, int] = {}
        for index, slot in enumerate(slots):
            slot_pointer = f"{pointer}/{key}/{index}"
            title = slot.get("title") if isinstance(slot, dict) else None
            if not isinstance(title, str) or not title:
                raise self.spec.error(slot_pointer, "tuple slot has no title (its normalized field name)")
            if not SNAKE.match(title) or keyword.iskeyword(title):
                raise self.spec.error(
                    f"{slot_pointer}/title", f"slot title {title!r} is not a snake_case name"
                )
            if title in seen:
                raise self.spec.error(
                    f"{slot_pointer}/title", f"duplicate slot title {title!r} (also slot {seen[title]})"
                )
            seen[title] = index
            optional = index >= min_items
            # x-name: the gateway's word where it differs from the slot's (upstream) title.
            normalized = slot.get("x-name", title)
            if not isinstance(normalized, str) or not SNAKE.match(normalized):
                raise self.spec.error(f"{slot_pointer}/x-name", "x-name must be a snake_case name")
            fields.append(self.field_info(normalized, title, slot, slot_pointer, optional, owner=name))
        info = StructInfo(
            name=name,
            pointer=pointer,
            tuple=True,
            fields=fields,
            min_items=min_items,
            max_items=len(slots),
            description=str(schema.get("description", "")).strip(),
        )
        self.out.structs[name] = info
        self.out.order.append(name)
        return info

    def struct_from_object(self, name: str, schema: Json, pointer: str) -> StructInfo:
        required = set(schema.get("required", []))
        fields: list[FieldInfo] = []
        seen: dict[str, str] = {}
        for wire, prop in schema["properties"].items():
            prop_pointer = f"{pointer}/properties/{escape_pointer(wire)}"
            normalized = prop.get("x-name") if isinstance(prop, dict) else None
            if normalized is not None and (not isinstance(normalized, str) or not SNAKE.match(normalized)):
                raise self.spec.error(f"{prop_pointer}/x-name", "x-name must be a snake_case name")
            normalized = normalized or snake_case(wire)
            if keyword.iskeyword(normalized) or not SNAKE.match(normalized):
                raise self.spec.error(prop_pointer, f"cannot derive a field name from {wire!r}; add x-name")
            if normalized in seen:
                raise self.spec.error(
                    prop_pointer, f"normalized name {normalized!r} also used by property {seen[normalized]!r}"
                )
            seen[normalized] = wire
            fields.append(
                self.field_info(normalized, wire, prop, prop_pointer, wire not in required, owner=name)
            )
        info = StructInfo(
            name, pointer, False, fields, description=str(schema.get("description", "")).strip()
        )
        self.out.structs[name] = info
        self.out.order.append(name)
        return info

    # Fields ----------------------------------------------------------------------------------

    def field_info(
        self, name: str, wire: str, schema: Json, pointer: str, optional: bool, owner: str
    ) -> FieldInfo:
        annotation, kind, ref = self.annotation(schema, pointer, owner=f"{owner}{camel_case(name)}")
        enum = self.enum_table(schema, pointer)
        const = None
        target, _, _ = self.spec.unwrap(schema, pointer)
        if kind == "const":
            const = target["const"]
        if enum is not None:
            kind = "enum"
        key = self.map_key(schema, pointer) if kind == "map" else None
        key_kind = None
        if key is not None:
            target, target_pointer, _ = self.spec.unwrap(schema, pointer)
            names = target["propertyNames"]
            decimal = self.spec.flag(names, f"{target_pointer}/propertyNames", "x-decimal")
            key_kind = "decimal" if decimal else "string"
        none_when = schema.get("x-none-when") if isinstance(schema, dict) else None
        if none_when is not None and not isinstance(none_when, list):
            raise self.spec.error(f"{pointer}/x-none-when", "x-none-when must be a list of values")
        case = schema.get("x-case") if isinstance(schema, dict) else None
        if case not in (None, "upper", "lower"):
            raise self.spec.error(f"{pointer}/x-case", "x-case must be upper or lower")
        return FieldInfo(
            name,
            wire,
            kind,
            optional,
            annotation,
            ref=ref,
            enum=enum,
            const=const,
            key=key,
            key_kind=key_kind,
            none_when=tuple(none_when) if none_when is not None else None,
            case=case,
        )

    def map_key(self, schema: Json, pointer: str) -> str | None:
        target, target_pointer, _ = self.spec.unwrap(schema, pointer)
        names = target.get("propertyNames")
        if not isinstance(names, dict):
            return None
        title = names.get("title")
        if not isinstance(title, str) or not SNAKE.match(title):
            raise self.spec.error(f"{target_pointer}/propertyNames/title", "map keys need a snake_case title")
        return title

    def enum_table(self, schema: Json, pointer: str) -> str | None:
        """Register the x-enum-normalized table of an enum schema and return its name."""
        target, target_pointer, component = self.spec.unwrap(schema, pointer)
        mapping = None
        for node in self.spec._chain(schema, pointer):
            if "x-enum-normalized" in node:
                mapping = node["x-enum-normalized"]
                break
        if mapping is None:
            return None
        values = target.get("enum")
        if not isinstance(values, list):
            raise self.spec.error(target_pointer, "x-enum-normalized is set but the schema has no enum")
        if not isinstance(mapping, dict):
            raise self.spec.error(f"{target_pointer}/x-enum-normalized", "must map each enum value to a name")
        missing = [v for v in values if v not in mapping and v != ""]
        if missing:
            raise self.spec.error(f"{target_pointer}/x-enum-normalized", f"no normalized name for {missing}")
        table = component or target_pointer
        if target_pointer in self.out.enum_sources:
            return self.out.enum_sources[target_pointer]
        if component is None:
            table = camel_case(target_pointer.rsplit("/", 3)[-3] + "_" + target_pointer.rsplit("/", 1)[-1])
        if table in self.out.enums and self.out.enums[table] != mapping:
            table = f"{table}{len(self.out.enums)}"
        self.out.enums[table] = {str(k): str(v) for k, v in mapping.items()}
        self.out.enum_sources[target_pointer] = table
        return table

    def annotation(
        self, schema: Json, pointer: str, owner: str, top: bool = False
    ) -> tuple[str, str, str | None]:
        """The msgspec annotation of a schema, its kind, and the struct it refers to."""
        if not isinstance(schema, dict):
            return "Any", "any", None
        if self.spec.flag(schema, pointer, "x-decimal"):
            return "Decimal", "decimal", None
        if self.spec.flag(schema, pointer, "x-timestamp"):
            return "int | str", "timestamp", None
        if self.spec.flag(schema, pointer, "x-integer"):
            return "int | str", "integer", None
        target, target_pointer, component = self.spec.unwrap(schema, pointer)
        if component is not None and not top and component in self.spec.schemas:
            comp = self.spec.schemas[component]
            if is_tuple(comp) or self.is_object(comp):
                self.component(component)
                return component, "ref", component
        if "const" in target:
            return f"Literal[{target['const']!r}]", "const", None
        if is_tuple(target):
            if top:
                raise self.spec.error(target_pointer, "internal: top-level tuple handled elsewhere")
            nested = self.struct_from_tuple(owner, target, target_pointer)
            return nested.name, "ref", nested.name
        kind = target.get("type")
        if "enum" in target:
            return "str", "enum", None
        if kind == "string":
            return "str", "string", None
        if kind == "integer":
            return "int", "integer", None
        if kind == "number":
            return "Decimal", "number", None
        if kind == "boolean":
            return "bool", "boolean", None
        if kind == "array" and isinstance(target.get("items"), dict):
            inner, _, ref = self.annotation(target["items"], f"{target_pointer}/items", owner=f"{owner}Item")
            return f"list[{inner}]", "list", ref
        if kind == "object" or "additionalProperties" in target:
            extra = target.get("additionalProperties")
            if isinstance(target.get("properties"), dict) and target["properties"]:
                nested = self.struct_from_object(owner, target, target_pointer)
                return nested.name, "ref", nested.name
            if isinstance(extra, dict):
                inner, _, ref = self.annotation(
                    extra, f"{target_pointer}/additionalProperties", owner=f"{owner}Value"
                )
                return f"dict[str, {inner}]", "map", ref
            return "dict[str, Any]", "map", None
        branches = target.get("oneOf") or target.get("anyOf")
        if isinstance(branches, list):
            key = "oneOf" if "oneOf" in target else "anyOf"
            parts = [
                self.annotation(b, f"{target_pointer}/{key}/{i}", owner=f"{owner}{i}")[0]
                for i, b in enumerate(branches)
            ]
            unique = list(dict.fromkeys(parts))
            if len(unique) == 1:
                return unique[0], "any", None
            literals = [p for p in unique if p.startswith("Literal[")]
            if literals and len(literals) < len(unique) and "str" in unique:
                unique = [p for p in unique if not p.startswith("Literal[")]
            scalar = all(p in {"str", "int", "bool", "Decimal"} for p in unique)
            if len(unique) <= 2 and scalar and not ("Decimal" in unique and "str" in unique):
                return " | ".join(unique), "any", None
            return "Any", "any", None
        return "Any", "any", None

    def check_stray_tuples(self, node: Json, pointer: str) -> None:
        """Tuples must be named components (or nested inside one) so every layout has a name."""
        if isinstance(node, dict):
            if pointer.startswith("/components/schemas/"):
                return
            if is_tuple(node):
                raise self.spec.error(
                    pointer, "tuple schema outside components/schemas; give it a name there"
                )
            for key, value in node.items():
                if key in {"examples", "example", "x-examples"}:
                    continue
                self.check_stray_tuples(value, f"{pointer}/{escape_pointer(str(key))}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.check_stray_tuples(value, f"{pointer}/{index}")


# --------------------------------------------------------------------------------------------------


def emit_layouts(ex: Extraction, operations: dict[str, FieldInfo] | None = None) -> str:
    spec = ex.spec
    lines: list[str] = [
        header(spec.label),
        f'"""msgspec structs and positional layouts for every tuple and object of {spec.label}.',
        "",
        "Tuples decode straight from their JSON arrays (``array_like=True``); decimals decode into",
        "``Decimal`` from JSON numbers or strings without float rounding. ``LAYOUTS`` describes each",
        "struct's fields (order, normalized names, optionality, decimals, enum tables); ``ENUMS`` maps",
        'upstream codes to the shared vocabulary."""',
        "",
        "from __future__ import annotations",
        "",
        "from decimal import Decimal",
        "from typing import Any, Literal",
        "",
        "import msgspec",
        "",
        "from .layout_types import Field, Layout",
        "",
        "",
    ]
    names = list(ex.order)
    extra = {"RESPONSES", "RESPONSE_TYPES"} if operations else set()
    exported = sorted(set(names) | {"ENUMS", "LAYOUTS", "STRUCTS"} | extra)
    lines.append("__all__ = [")
    lines.extend(f"    {n!r}," for n in exported)
    lines.append("]")
    lines.append("")
    for name in names:
        if name in ex.aliases:
            lines.append("")
            lines.append(f"{name} = {ex.aliases[name]}")
            lines.append("")
            continue
        info = ex.structs[name]
        lines.append("")
        options = ["msgspec.Struct"]
        if info.tuple:
            options.append("array_like=True")
        else:
            options.append("kw_only=True")
            renames = {f.name: f.wire for f in info.fields if f.name != f.wire}
            if renames:
                options.append(f"rename={renames!r}")
        lines.append(f"class {name}({', '.join(options)}):")
        lines.append(f'    """{first_sentence(info.description) or name + "."}')
        lines.append("")
        lines.append(f"    Declared at {spec.label}#{info.pointer}.")
        lines.append('    """')
        lines.append("")
        for f in info.fields:
            if f.optional:
                lines.append(f"    {f.name}: {f.py} | None = None")
            else:
                lines.append(f"    {f.name}: {f.py}")
        lines.append("")
    lines.append("")
    lines.append("ENUMS: dict[str, dict[str, str]] = {")
    for table in sorted(ex.enums):
        lines.append(f"    {table!r}: {dict(sorted(ex.enums[table].items()))!r},")
    lines.append("}")
    lines.append("")
    lines.append("LAYOUTS: dict[str, Layout] = {")
    for name in names:
        if name not in ex.structs:
            continue
        info = ex.structs[name]
        lines.append(f"    {name!r}: Layout(")
        lines.append(f"        name={name!r},")
        lines.append(f"        source={spec.label!r},")
        lines.append(f"        pointer={info.pointer!r},")
        lines.append(f"        is_tuple={info.tuple!r},")
        lines.append("        fields=(")
        for f in info.fields:
            lines.append(f"            {field_repr(f)},")
        lines.append("        ),")
        if info.tuple:
            lines.append(f"        min_items={info.min_items!r},")
            lines.append(f"        max_items={info.max_items!r},")
        lines.append("    ),")
    lines.append("}")
    lines.append("")
    lines.append("STRUCTS: dict[str, type[msgspec.Struct]] = {")
    for name in names:
        if name in ex.structs:
            lines.append(f"    {name!r}: {name},")
    lines.append("}")
    lines.append("")
    if operations:
        lines.append("# operationId -> the `data` member of its 200 response envelope")
        lines.append("RESPONSES: dict[str, Field] = {")
        for op, data in sorted(operations.items()):
            lines.append(f"    {op!r}: {field_repr(data)},")
        lines.append("}")
        lines.append("")
        lines.append("# operationId -> msgspec type of the `data` member of its 200 response envelope")
        lines.append("RESPONSE_TYPES: dict[str, Any] = {")
        for op, data in sorted(operations.items()):
            lines.append(f"    {op!r}: {data.py},")
        lines.append("}")
        lines.append("")
    return "\n".join(lines)


def first_sentence(text: str) -> str:
    text = " ".join(text.split()).replace('"""', "'''").replace("\\", "/")
    match = re.match(r"(.+?[.:])(\s|$)", text)
    return match.group(1) if match else text


def field_repr(f: FieldInfo) -> str:
    args = [repr(f.name), repr(f.wire), repr(f.kind), repr(f.optional)]
    extras = {
        "ref": f.ref,
        "enum": f.enum,
        "const": f.const,
        "key": f.key,
        "key_kind": f.key_kind,
        "none_when": f.none_when,
        "case": f.case,
    }
    args += [f"{k}={v!r}" for k, v in extras.items() if v is not None]
    return f"Field({', '.join(args)})"


def openapi_responses(spec: Spec, extractor: Extractor) -> dict[str, FieldInfo]:
    """operationId -> the `data` member of the 200 envelope, for every operation."""
    result: dict[str, FieldInfo] = {}
    for path, item in spec.doc.get("paths", {}).items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue
            pointer = f"/paths/{escape_pointer(path)}/{method}"
            op_id = op.get("operationId")
            if not isinstance(op_id, str):
                raise spec.error(pointer, "operation has no operationId")
            if op_id in result:
                raise spec.error(f"{pointer}/operationId", f"duplicate operationId {op_id!r}")
            response = op.get("responses", {}).get("200")
            if response is None:
                raise spec.error(f"{pointer}/responses", "no 200 response")
            resp_pointer = f"{pointer}/responses/200"
            if "$ref" in response:
                resp_pointer, response = spec.ref_target(response["$ref"], resp_pointer)
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                raise spec.error(resp_pointer, "200 response has no application/json schema")
            envelope, env_pointer, _ = spec.unwrap(schema, f"{resp_pointer}/content/application~1json/schema")
            data = envelope.get("properties", {}).get("data")
            if data is None:
                raise spec.error(env_pointer, "200 response is not a {status, data} envelope")
            owner = camel_case(op_id) + "Data"
            result[op_id] = extractor.field_info(
                "data", "data", data, f"{env_pointer}/properties/data", False, owner
            )
    return result
