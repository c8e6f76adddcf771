"""Validate every table with its pandera model and across tables; rejected rows are reported.

Rows that fail are left out (never published) and returned with the failed check, so a run
can write them to a rejected-rows report beside the package.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas.fields import TABLE_BY_NAME, TABLES
from schemas.models import CHECK_COLUMNS, MODELS

REJECT_COLUMNS = ["table", "record_id", "doc_id", "column", "check", "failure_case"]
FACT_TABLES = ("events", "deals", "trade_flows", "indicators")


STATED_VALUES = {"trade_flows": ("value", "quantity"), "deals": ("amount",), "indicators": ("value",)}


def _stated(quote: str, values: list) -> bool:
    """Does the quote state every value that is set (as a figure of the grammar, a quantity or a percent)?"""
    from tradenews.mentions.numbers import find_money, find_percents, find_quantities

    wanted = [float(v) for v in values if v is not None and not pd.isna(v)]
    if not wanted:
        return True
    stated = [m.amount for m in find_money(quote)] + [q.value for q in find_quantities(quote)] + \
        [p for _, _, p in find_percents(quote)]
    return all(any(abs(s - w) <= 1e-6 * max(1.0, abs(w)) for s in stated) for w in wanted)


def _row_id(table: str, row: pd.Series) -> str:
    return "/".join(str(row[k]) for k in TABLE_BY_NAME[table].primary_key)


def _reject(table: str, df: pd.DataFrame, mask: pd.Series, column: str, check: str, case) -> list[dict]:
    out = []
    for _, row in df[mask].iterrows():
        value = case(row) if callable(case) else case
        out.append({"table": table, "record_id": _row_id(table, row), "doc_id": row.get("doc_id"),
                    "column": column, "check": check, "failure_case": None if value is None else str(value)})
    return out


def schema_check(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    try:
        MODELS[table].validate(df, lazy=True)
        return df, []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    bad_index = cases["index"].dropna()
    if len(bad_index) < len(cases):
        # a failure with no row (a missing column, a wrong dtype) is a bug in the pipeline itself
        raise RuntimeError(f"table {table} does not match its schema:\n{cases[cases['index'].isna()]}")
    rejected = []
    seen: set[tuple] = set()
    for _, c in cases.iterrows():
        row = df.loc[c["index"]]
        check, column, case = str(c["check"]), c["column"], str(c["failure_case"])
        if check in CHECK_COLUMNS:  # a row check: one line naming the columns it reads, not one per column
            if (c["index"], check) in seen:
                continue
            seen.add((c["index"], check))
            column = ",".join(CHECK_COLUMNS[check])
            case = "; ".join(f"{col}={row[col]}" for col in CHECK_COLUMNS[check])
        rejected.append({"table": table, "record_id": _row_id(table, row), "doc_id": row.get("doc_id"),
                         "column": column, "check": check, "failure_case": case})
    keep = ~df.index.isin(set(bad_index))
    return df[keep].reset_index(drop=True), rejected


def validate_tables(frames: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    frames = dict(frames)
    rejected: list[dict] = []
    for spec in TABLES:
        frames[spec.name], bad = schema_check(spec.name, frames[spec.name])
        rejected += bad
    # a trade period cannot end after the document's reference date (a forecast read as a figure)
    flows, docs = frames["trade_flows"], frames["documents"]
    if len(flows):
        refs = dict(zip(docs["doc_id"], docs["reference_date"]))
        # typed as period_end even when no document is left to give one (all rejected: nulls, not NaN)
        ref = pd.Series(pd.array([refs.get(d) for d in flows["doc_id"]], dtype=flows["period_end"].dtype),
                        index=flows.index)
        late = ref.notna() & (flows["period_end"] > ref)
        late = late.fillna(False).astype(bool)
        rejected += _reject("trade_flows", flows, late, "period_end", "period_end_not_after_reference_date",
                            lambda r: r["period_end"])
        frames["trade_flows"] = flows[~late].reset_index(drop=True)
    # a published value must be a figure its own quote states (never a value read off by a unit)
    for table, columns in STATED_VALUES.items():
        df = frames[table]
        if not len(df):
            continue
        unstated = pd.Series([not _stated(row["quote"], [row[c] for c in columns]) for _, row in df.iterrows()],
                             index=df.index, dtype=bool)
        rejected += _reject(table, df, unstated, ",".join(columns), "value_stated_by_quote",
                            lambda r, cs=columns: "; ".join(f"{c}={r[c]}" for c in cs))
        frames[table] = df[~unstated].reset_index(drop=True)
    # foreign keys, repeated until nothing more falls out (a rejected event takes its side events along)
    changed = True
    while changed:
        changed = False
        for spec in TABLES:
            df = frames[spec.name]
            for fk in spec.foreign_keys:
                col, ref_col = fk.fields[0], fk.reference_fields[0]
                known = set(frames[fk.resource][ref_col].dropna())
                missing = df[col].notna() & ~df[col].isin(known)
                missing = missing.fillna(False).astype(bool)
                if missing.any():
                    rejected += _reject(spec.name, df, missing, col, f"foreign_key:{fk.resource}.{ref_col}",
                                        lambda r, c=col: r[c])
                    df = df[~missing].reset_index(drop=True)
                    changed = True
            frames[spec.name] = df
        ev = frames["evidence"]
        alive = pd.Series(False, index=ev.index)
        for table in FACT_TABLES:
            pk = TABLE_BY_NAME[table].primary_key[0]
            alive |= (ev["record_table"] == table) & ev["record_id"].isin(set(frames[table][pk]))
        alive = alive.astype(bool)
        if (~alive).any():
            frames["evidence"] = ev[alive].reset_index(drop=True)  # evidence of rejected facts goes with them
    report = pd.DataFrame(rejected, columns=REJECT_COLUMNS)
    return frames, report
