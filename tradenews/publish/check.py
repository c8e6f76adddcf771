"""Re-validate a published package: descriptor, frictionless (types, keys), pandera, CSV == Parquet."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from schemas.fields import TABLE_BY_NAME, TABLES
from schemas.models import MODELS
from schemas.tableschema import arrow_schema
from tradenews.publish.descriptor import PROFILE
from tradenews.publish.files import read_csv, read_parquet


def check_package(pkg: Path, frictionless_data: bool = True) -> list[str]:
    """Every problem found, as readable lines; an empty list means the package is valid."""
    errors: list[str] = []
    desc_path = pkg / "datapackage.json"
    try:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{desc_path}: cannot read descriptor ({exc})"]
    if desc.get("$schema") != PROFILE:
        errors.append(f"descriptor: $schema is not {PROFILE}")
    for res in desc.get("resources", []):
        for key in ("primaryKey", "foreignKeys"):
            if key in res:
                errors.append(f"resource {res.get('name')}: {key} at resource level (must be inside schema)")
        if "primaryKey" not in res.get("schema", {}):
            errors.append(f"resource {res.get('name')}: schema has no primaryKey")
    errors += _frictionless(desc_path, data=frictionless_data)
    frames: dict[str, pd.DataFrame] = {}
    for spec in TABLES:
        csv_path, pq_path = pkg / "data" / f"{spec.name}.csv", pkg / "data" / f"{spec.name}.parquet"
        if not csv_path.exists() or not pq_path.exists():
            errors.append(f"{spec.name}: missing {csv_path.name} or {pq_path.name}")
            continue
        csv_df = read_csv(csv_path, spec)
        pq_df, schema = read_parquet(pq_path, spec)
        if not schema.remove_metadata().equals(arrow_schema(spec)):
            errors.append(f"{pq_path.name}: Arrow schema differs from the Table Schema:\n{schema}")
        for label, df in (("csv", csv_df), ("parquet", pq_df)):
            try:
                MODELS[spec.name].validate(df, lazy=True)
            except pa.errors.SchemaErrors as exc:
                cases = exc.failure_cases.head(20)
                errors.append(f"{spec.name}.{label}: pandera found {len(exc.failure_cases)} failures:\n"
                              + cases[["column", "check", "failure_case", "index"]].to_string())
        if not csv_df.reset_index(drop=True).equals(pq_df.reset_index(drop=True)):
            errors.append(f"{spec.name}: CSV and Parquet rows differ")
        frames[spec.name] = csv_df
    if len(frames) == len(TABLES):
        for spec in TABLES:
            for fk in spec.foreign_keys:
                col, ref = fk.fields[0], fk.reference_fields[0]
                values = frames[spec.name][col].dropna()
                missing = values[~values.isin(set(frames[fk.resource][ref].dropna()))]
                if len(missing):
                    errors.append(f"{spec.name}.{col}: {len(missing)} values not in {fk.resource}.{ref} "
                                  f"(e.g. {missing.iloc[0]})")
    return errors


def _frictionless(desc_path: Path, data: bool) -> list[str]:
    from frictionless import Package, system

    errors: list[str] = []
    with system.use_context(trusted=True):
        package = Package(str(desc_path))
        meta = package.metadata_validate(package.to_descriptor()) if hasattr(package, "metadata_validate") else []
        for err in meta or []:
            errors.append(f"frictionless metadata: {getattr(err, 'message', err)}")
        if data:
            report = package.validate()
            if not report.valid:
                for task in report.tasks:
                    for err in task.errors[:20]:
                        errors.append(f"frictionless {task.name}: {err.message}")
                for err in report.errors[:20]:
                    errors.append(f"frictionless: {err.message}")
    return errors


def table_names() -> list[str]:
    return list(TABLE_BY_NAME)
