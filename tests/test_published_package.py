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
    assert not summary["published_changes"], "datapackage/ is stale: run `make run` and commit it"
    for path in PKG.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (copy / path.relative_to(PKG)).read_bytes(), path


def test_frictionless_loads_typed_pandas():
    package = Package(str(PKG / "datapackage.json"))
    deals = package.get_resource("deals").to_pandas()
    assert len(deals) > 0
    assert pd.api.types.is_float_dtype(deals["amount"]) or pd.api.types.is_object_dtype(deals["amount"])
    flows = package.get_resource("trade_flows").to_pandas()
    assert str(flows["period_start"].iloc[0])[:4].isdigit()


def test_duckdb_reads_parquet_with_types_and_joins():
    con = duckdb.connect()
    data = PKG / "data"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{data / 'trade_flows.parquet'}'").fetchall()}
    assert types["period_start"] == "DATE" and types["value"] == "DOUBLE" and types["growth_pct"] == "DOUBLE"
    joined = con.execute(f"""
        SELECT d.party_a, e.name FROM '{data / 'deals.parquet'}' d
        JOIN '{data / 'events.parquet'}' e USING (event_id)""").fetchall()
    assert joined and all(name for _, name in joined)
    orphans = con.execute(f"""
        SELECT count(*) FROM '{data / 'evidence.parquet'}' v
        LEFT JOIN '{data / 'documents.parquet'}' d USING (doc_id) WHERE d.doc_id IS NULL""").fetchone()[0]
    assert orphans == 0
    parties = con.execute(f"""
        SELECT count(*) FROM '{data / 'deals.parquet'}' d
        JOIN '{data / 'entities.parquet'}' a ON a.entity_id = d.party_a_entity_id""").fetchone()[0]
    assert parties == con.execute(f"SELECT count(*) FROM '{data / 'deals.parquet'}'").fetchone()[0]
