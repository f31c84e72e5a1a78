"""JSON Schema of the record kinds, generated from the models, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

from mou.kinds import MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Every schema is self-contained (no $id, no reference to another file), so that no validator
# ever tries to fetch anything.


def kind_schema(kind: str) -> dict[str, Any]:
    schema = {"$schema": DIALECT, **MODELS[kind].model_json_schema(by_alias=True)}
    _stricter({MODELS[kind].__name__: schema, **schema.get("$defs", {})})
    return schema


def _stricter(by_name: dict[str, Any]) -> None:
    """What the models and per-file rules check in code, said in the schema too (model name →
    its schema): ISO 3166 states and ISO 4217 currencies as lists, a positive amount with at
    most its currency's decimals (when written as text, as mou writes it), a document with a
    `url` or a `path`, not both."""
    from mou import codes
    from mou.fields import reference_paths

    lists = {"state": sorted(codes.states()), "currency": sorted(codes.currencies())}
    for model in _models():
        properties = by_name.get(model.__name__, {}).get("properties", {})
        for path, ref in reference_paths(model) if properties else ():
            if ref.to in lists and all(part == "*" for part in path[1:]):
                _enum(properties[path[0][1]], lists[ref.to])
    if "Expense" in by_name:
        _amounts(by_name["Expense"], lists["currency"])
    if "Document" in by_name:
        by_name["Document"]["oneOf"] = [
            {"required": ["url"], "not": {"required": ["path"]}},
            {"required": ["path"], "not": {"required": ["url"]}},
        ]


def _models() -> list[type[BaseModel]]:
    """Every model of the record kinds, nested ones too."""
    from mou.fields import fields

    found: list[type[BaseModel]] = []
    waiting: list[type[BaseModel]] = list(MODELS.values())
    while waiting:
        model = waiting.pop()
        if model not in found:
            found.append(model)
            waiting.extend(f.model for f in fields(model) if f.model is not None)
    return found


def _enum(schema: dict[str, Any], values: list[str]) -> None:
    """Text in `schema` (directly, as list items, or a branch of anyOf) limited to `values`."""
    if schema.get("type") == "string":
        schema["enum"] = values
    for branch in [schema.get("items"), *schema.get("anyOf", [])]:
        if isinstance(branch, dict):
            _enum(branch, values)


def _amount_text(places: int) -> dict[str, Any]:
    from mou.models import MONEY_DECIMALS, MONEY_DIGITS

    fraction = rf"(\.[0-9]{{1,{min(places, MONEY_DECIMALS)}}})?" if places else ""
    pattern = rf"^(?=[0-9.]*[1-9])[0-9]{{1,{MONEY_DIGITS}}}{fraction}$"
    return {"type": "string", "pattern": pattern}


def _amounts(expense: dict[str, Any], currencies: list[str]) -> None:
    from mou.codes import minor_unit
    from mou.models import MONEY_DECIMALS

    number = {"type": "number", "exclusiveMinimum": 0}
    expense["properties"]["amount"] = {
        "title": "Amount",
        "description": "A positive decimal: as text (as mou writes it) at most the currency's "
        "decimal places",
        "anyOf": [_amount_text(MONEY_DECIMALS), number],
    }
    by_places: dict[int, list[str]] = {}
    for currency in currencies:
        by_places.setdefault(minor_unit(currency), []).append(currency)
    expense["allOf"] = [
        {
            "if": {"properties": {"currency": {"enum": group}}, "required": ["currency"]},
            "then": {"properties": {"amount": {"anyOf": [_amount_text(places), number]}}},
        }
        for places, group in sorted(by_places.items())
    ]


def record_schema() -> dict[str, Any]:
    """Any record: `kind` picks the kind's schema (if/then keeps error messages specific)."""
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (model, "validation") for model in MODELS.values()
    ]
    names, definitions = models_json_schema(models, by_alias=True)
    _stricter(definitions.get("$defs", {}))
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
