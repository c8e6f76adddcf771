"""Field definitions -> Frictionless Table Schema and Arrow schema (pandera has no exporter)."""
from __future__ import annotations

import pyarrow as pa

from schemas.dtypes import ARROW
from schemas.fields import Field, Table

DAYS_AHEAD_PROPERTY = "maximumDaysAhead"  # Field.days_ahead: at most this many days after the package was built


def field_descriptor(field: Field) -> dict:
    out: dict = {"name": field.name, "type": field.type, "description": field.description}
    if field.type == "date":
        out["format"] = "default"
    constraints: dict = {}
    if field.required:
        constraints["required"] = True
    if field.unique:
        constraints["unique"] = True
    if field.enum:
        constraints["enum"] = list(field.enum)
    if field.pattern:
        constraints["pattern"] = field.pattern
    for key, bound in (("minimum", field.minimum), ("maximum", field.maximum)):
        if bound is not None:
            constraints[key] = int(bound) if field.type == "integer" else bound
    if constraints:
        out["constraints"] = constraints
    if field.unit:
        out["unit"] = field.unit
    if field.days_ahead is not None:  # a property of ours (Table Schema allows them): checked when publishing
        out[DAYS_AHEAD_PROPERTY] = field.days_ahead
    return out


def table_schema(table: Table, resource_suffix: str = "") -> dict:
    schema: dict = {
        "fields": [field_descriptor(f) for f in table.fields],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource + resource_suffix,
                                                      "fields": list(fk.reference_fields)}}
            for fk in table.foreign_keys
        ]
    return schema


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW[f.type], nullable=not f.required) for f in table.fields])


def fields_from_table_schema(descriptor: dict) -> list[Field]:
    """Inverse of table_schema for the round-trip test (and for readers of published packages)."""
    out = []
    for fd in descriptor["fields"]:
        c = fd.get("constraints", {})
        out.append(Field(
            fd["name"], fd["type"], fd.get("description", ""), required=c.get("required", False),
            enum=tuple(c["enum"]) if "enum" in c else None, pattern=c.get("pattern"),
            minimum=c.get("minimum"), maximum=c.get("maximum"), unique=c.get("unique", False), unit=fd.get("unit"),
            days_ahead=fd.get(DAYS_AHEAD_PROPERTY)))
    return out
