"""JSON Schema of the record kinds, generated from the models, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mou.kinds import MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Every schema is self-contained (no $id, no reference to another file), so that no validator
# ever tries to fetch anything.


def kind_schema(kind: str) -> dict[str, Any]:
    return {"$schema": DIALECT, **MODELS[kind].model_json_schema(by_alias=True)}


def record_schema() -> dict[str, Any]:
    """Any record: `kind` picks the kind's schema (if/then keeps error messages specific)."""
    from pydantic import BaseModel
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation") for model in MODELS.values()
    ]
    names, definitions = models_json_schema(models, by_alias=True)
    return {
        "$schema": DIALECT,
        "title": "mou record",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(MODELS)}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": names[(model, "validation")],
            }
            for kind, model in MODELS.items()
        ],
        **definitions,
    }


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema, for every file `mou schema` writes."""
    files = {"record.schema.json": record_schema()}
    files.update({f"{kind}.schema.json": kind_schema(kind) for kind in MODELS})
    return files


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    from mou.write import output_target, write_text

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        target = directory / name
        write_text(output_target(target, "mou schema"), render(schema))  # never a FIFO, a device
        written.append(target)
    return written
