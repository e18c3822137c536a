"""``generated/finex_models.py``: pydantic models (datamodel-code-generator) of the AsyncAPI schemas."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .run import Output, run
from .spec import Json, Spec, header, is_tuple, tuple_slots


def models_input(spec: Spec) -> Json:
    """A JSON Schema document whose definitions are the spec's schemas, tuples turned into objects."""

    def rewrite(node: Json) -> Json:
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        if not isinstance(node, dict):
            return node
        if node.get("x-decimal") is True:
            return {"type": "string", "format": "decimal", "description": node.get("description", "")}
        if is_tuple(node):
            slots = tuple_slots(node)
            min_items = node.get("minItems", len(slots))
            out: dict[str, Any] = {
                "type": "object",
                "additionalProperties": False,
                "properties": {slot["title"]: rewrite(slot) for slot in slots},
                "required": [slot["title"] for slot in slots[:min_items]],
            }
            if "description" in node:
                out["description"] = node["description"]
            return out
        result = {}
        if node.get("format") == "uuid":
            # pydantic's UUID type validates the form itself and takes no pattern.
            node = {k: v for k, v in node.items() if k != "pattern"}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                result[key] = value.replace("#/components/schemas/", "#/definitions/")
            elif key in {"examples", "example"} or key.startswith("x-"):
                continue
            elif key == "title" and isinstance(value, str):
                continue  # slot titles become property names, not class names
            else:
                result[key] = rewrite(value)
        return result

    definitions = {name: rewrite(schema) for name, schema in spec.schemas.items()}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": definitions}


def generate_models(spec: Spec, out: Output) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "finex.schema.json"
        source.write_text(json.dumps(models_input(spec), indent=2), encoding="utf-8")
        target = Path(tmp) / "finex_models.py"
        run(
            [
                sys.executable,
                "-m",
                "datamodel_code_generator",
                "--input",
                str(source),
                "--input-file-type",
                "jsonschema",
                "--output",
                str(target),
                "--output-model-type",
                "pydantic_v2.BaseModel",
                "--target-python-version",
                "3.11",
                "--disable-timestamp",
                "--use-standard-collections",
                "--use-union-operator",
                "--use-double-quotes",
                "--use-schema-description",
                "--use-field-description",
                "--field-constraints",
                "--collapse-root-models",
                "--enum-field-as-literal",
                "all",
                "--custom-file-header",
                header(spec.label).rstrip("\n"),
                "--formatters",
                "ruff-format",
                "ruff-check",
            ],
            f"datamodel-code-generator on {spec.label}",
        )
        out.write("generated/finex_models.py", target.read_text(encoding="utf-8"))
