"""Write and read one table as CSV and Parquet with the types of its field definitions."""
from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.dtypes import PANDAS
from schemas.fields import Field, Table
from schemas.tableschema import arrow_schema
from tradenews.escape import csv_text

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
CHUNK_ROWS = 50_000
TEXT = "free text"  # the kind of a free-text cell (Field.free_text)


def to_arrow(df: pd.DataFrame, table: Table) -> pa.Table:
    schema = arrow_schema(table)
    arrays = []
    for f in table.fields:
        col = df[f.name]
        if f.type == "date":
            arrays.append(pa.array(col, type=pa.date32()))
        else:
            arrays.append(pa.array(col.astype(object).where(col.notna(), None).tolist(), type=schema.field(f.name).type))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(t: pa.Table, path: Path) -> None:
    # no pandas metadata, fixed writer settings: the same rows give the same bytes
    pq.write_table(t.replace_schema_metadata(None), path, compression="zstd", row_group_size=CHUNK_ROWS,
                   write_statistics=True, use_dictionary=False)


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(float(value))
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == TEXT:
        return csv_text(value)
    return str(value)


def write_csv(t: pa.Table, table: Table, path: Path) -> None:
    """UTF-8 CSV, header row, empty cell for null, integers without '.0', streamed in batches; free-text
    cells neutralised against formula injection (csv_text; numbers, codes and ids are written as they are)."""
    kinds = [TEXT if f.free_text else f.type for f in table.fields]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(table.names)
        for batch in t.to_batches(max_chunksize=CHUNK_ROWS):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns):
                writer.writerow([_cell(v, k) for v, k in zip(row, kinds)])


def csv_column(column: pa.ChunkedArray, field: Field) -> pa.ChunkedArray:
    """The values a CSV column holds for a column of the table: free text neutralised, the rest as it is
    (the check that the CSV equals the validated table compares against this)."""
    if not field.free_text:
        return column
    return pa.chunked_array([pa.array([None if v is None else csv_text(v) for v in column.to_pylist()],
                                      type=column.type)])


def read_csv(path: Path, table: Table) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    data = {}
    for f in table.fields:
        col = raw[f.name] if f.name in raw else pd.Series([""] * len(raw))
        values = [None if v == "" else v for v in col.tolist()]  # tolist(): iterating the Series is 3x slower
        if f.type == "integer":
            values = [None if v is None else int(v) for v in values]
        elif f.type == "number":
            values = [None if v is None else float(v) for v in values]
        elif f.type == "boolean":
            values = [None if v is None else v == "true" for v in values]
        elif f.type == "date":
            values = [None if v is None else dt.date.fromisoformat(v) for v in values]
        data[f.name] = pd.array(values, dtype=PANDAS[f.type])
    extra = [c for c in raw.columns if c not in table.names]
    df = pd.DataFrame(data, columns=table.names)
    for c in extra:  # unknown columns stay, so strict validation reports them
        df[c] = raw[c].astype("string")
    return df


def read_csv_arrow(path: Path, table: Table) -> pa.Table:
    """The CSV as Arrow with the table's types (pyarrow's reader: fast enough to re-read a whole package
    at every publication). An empty cell is null, as write_csv writes nulls; the header must be the
    table's columns in order."""
    import pyarrow.csv as pacsv

    schema = arrow_schema(table)
    t = pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=False),
                       convert_options=pacsv.ConvertOptions(
                           column_types={f.name: f.type for f in schema}, null_values=[""],
                           strings_can_be_null=True, quoted_strings_can_be_null=True,
                           true_values=["true"], false_values=["false"]))
    if t.column_names != table.names:
        raise ValueError(f"header {t.column_names} is not {table.names}")
    return t


def read_parquet(path: Path, table: Table) -> tuple[pd.DataFrame, pa.Schema]:
    t = pq.read_table(path)
    data = {}
    for f in table.fields:
        if f.name not in t.column_names:
            continue
        col = t.column(f.name)
        if f.type == "date":
            data[f.name] = pd.array(col.to_pylist(), dtype=PANDAS["date"])
        else:
            data[f.name] = pd.array(col.to_pylist(), dtype=PANDAS[f.type])
    return pd.DataFrame(data, columns=[c for c in table.names if c in data]), t.schema
