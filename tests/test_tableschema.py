"""The exporter from field definitions to Table Schema round-trips, and frictionless accepts it."""
import pytest
from frictionless import Schema

from schemas.fields import TABLES
from schemas.models import MODELS
from schemas.tableschema import fields_from_table_schema, table_schema


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_round_trip(table):
    descriptor = table_schema(table)
    schema = Schema.from_descriptor(descriptor)  # frictionless parses it without complaint
    assert schema.field_names == table.names
    assert schema.primary_key == list(table.primary_key)
    back = fields_from_table_schema(schema.to_descriptor())
    for original, restored in zip(table.fields, back):
        assert original == restored


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_pandera_model_has_the_same_columns(table):
    assert list(MODELS[table.name].to_schema().columns) == table.names


def test_foreign_keys_inside_schema():
    deals = table_schema(next(t for t in TABLES if t.name == "deals"))
    refs = {fk["reference"]["resource"] for fk in deals["foreignKeys"]}
    assert refs == {"events", "documents", "entities"}
