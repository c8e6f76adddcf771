"""The committed datapackage/ is what `make run` produces from raw/, and loads as the card says."""
import shutil

import duckdb
import pandas as pd
from frictionless import Package

from tests.conftest import RAW, ROOT
from tradenews.pipeline import run_local

PKG = ROOT / "datapackage"


def test_committed_package_is_current(tmp_path):
    copy = tmp_path / "datapackage"
    shutil.copytree(PKG, copy)
    summary = run_local(RAW, copy, tmp_path / "reports")
    assert not summary.published_changes, "datapackage/ is stale: run `make run` and commit it"
    for path in PKG.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (copy / path.relative_to(PKG)).read_bytes(), path


def test_frictionless_loads_typed_pandas():
    package = Package(str(PKG / "datapackage.json"))
    deals = package.get_resource("deals").to_pandas()
    assert len(deals) > 0
    assert deals.index.name == "deal_id"  # frictionless makes the primary key the index
    assert pd.api.types.is_float_dtype(deals["amount"])
    assert str(deals["deal_count"].dtype) == "Int64" and pd.api.types.is_bool_dtype(deals["aggregate"])
    flows = package.get_resource("trade_flows").to_pandas()
    assert pd.api.types.is_datetime64_any_dtype(flows["period_start"])
    assert pd.api.types.is_integer_dtype(flows["char_start"])


def test_duckdb_reads_parquet_with_types_and_every_foreign_key_joins():
    from schemas.fields import TABLES

    con = duckdb.connect()
    data = PKG / "data"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{data / 'trade_flows.parquet'}'").fetchall()}
    assert types["period_start"] == "DATE" and types["value"] == "DOUBLE" and types["growth_pct"] == "DOUBLE"
    assert types["char_start"] == "BIGINT"
    joined_any = 0
    for table in TABLES:
        for fk in table.foreign_keys:
            col, ref = fk.fields[0], fk.reference_fields[0]
            child, parent = data / f"{table.name}.parquet", data / f"{fk.resource}.parquet"
            with_value = con.execute(f"SELECT count(*) FROM '{child}' WHERE {col} IS NOT NULL").fetchone()[0]
            joined = con.execute(f"SELECT count(*) FROM '{child}' c JOIN '{parent}' p ON c.{col} = p.{ref}").fetchone()[0]
            assert joined == with_value, f"{table.name}.{col} -> {fk.resource}.{ref}"
            joined_any += joined
    assert joined_any > 0
    name = con.execute(f"""
        SELECT e.name FROM '{data / 'deals.parquet'}' d JOIN '{data / 'events.parquet'}' e USING (event_id)
        WHERE d.amount = 8700000""").fetchone()[0]
    assert name == "第六届中国国际进口博览会"
