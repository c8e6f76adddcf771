"""One pandera DataFrameModel per published table, generated from schemas/fields.py.

Column checks come from the field constraints; row checks (date order, currency with amount,
bounds that depend on another column) are written here, once per table.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.dtypes import PANDAS
from schemas.fields import DEALS, DOCUMENTS, ENTITIES, EVENTS, EVIDENCE, INDICATORS, TRADE_FLOWS, Field, Table


def _bound(field: Field, value):
    return dt.date.fromisoformat(value) if field.type == "date" else value


def _column(field: Field, table: Table):
    kwargs: dict = {"nullable": not field.required, "coerce": False}
    if field.enum:
        kwargs["isin"] = list(field.enum)
    if field.pattern:
        kwargs["str_matches"] = field.pattern
    if field.minimum is not None:
        kwargs["ge"] = _bound(field, field.minimum)
    if field.maximum is not None:
        kwargs["le"] = _bound(field, field.maximum)
    if table.primary_key == (field.name,):
        kwargs["unique"] = True
    return pa.Field(**kwargs)


# Columns each row check reads, by check name: the rejected-rows report names them (and their values)
# instead of every column of the failing row.
CHECK_COLUMNS: dict[str, tuple[str, ...]] = {}


def _row_check(name: str, columns: tuple[str, ...], fn):
    def check(cls, df: pd.DataFrame) -> pd.Series:
        return fn(df)
    check.__name__ = name
    CHECK_COLUMNS[name] = columns
    return pa.dataframe_check(classmethod(check))


def _ordered(a: str, b: str):
    return _row_check(f"{b}_not_before_{a}", (a, b), lambda df: df[a].isna() | df[b].isna() | (df[b] >= df[a]))


def _needs(column: str, when: str):
    return _row_check(f"{column}_present_when_{when}", (when, column), lambda df: df[when].isna() | df[column].notna())


def _evidence_span():
    return _row_check("quote_matches_span", ("char_start", "char_end", "quote"), lambda df: (
        (df["char_end"] > df["char_start"]) & (df["quote"].str.len() == df["char_end"] - df["char_start"])))


def _percent_at_most_100():
    return _row_check("percent_at_most_100", ("unit", "value"),
                      lambda df: (df["unit"] != "percent") | (df["value"] <= 100))


def _value_or_quantity():
    return _row_check("value_or_quantity_present", ("value", "quantity"),
                      lambda df: df["value"].notna() | df["quantity"].notna())


def _finite(table: Table):
    """inf passes `>= 0`; no published figure is infinite (or NaN where a number is expected)."""
    columns = tuple(f.name for f in table.fields if f.type == "number")

    def fn(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for c in columns:
            values = df[c].astype("Float64")
            ok &= (values.isna() | np.isfinite(values.fillna(0).to_numpy(dtype=float))).astype(bool)
        return ok
    return _row_check(f"{table.name}_numbers_finite", columns, fn)


ROW_CHECKS = {
    "events": [_ordered("start_date", "end_date"), _evidence_span()],
    "deals": [_needs("currency", "amount"), _needs("amount_qualifier", "amount"), _finite(DEALS), _evidence_span()],
    "trade_flows": [_ordered("period_start", "period_end"), _needs("currency", "value"), _value_or_quantity(),
                    _needs("quantity_unit", "quantity"), _finite(TRADE_FLOWS), _evidence_span()],
    "indicators": [_ordered("period_start", "period_end"), _percent_at_most_100(), _finite(INDICATORS),
                   _evidence_span()],
    "evidence": [_evidence_span()],
}


def _not_far_ahead(field: Field):
    """A date at most field.days_ahead days after today (today when the check runs: the day of the run)."""
    def fn(df: pd.DataFrame) -> pd.Series:
        latest = dt.date.today() + dt.timedelta(days=field.days_ahead)
        return (df[field.name].isna() | (df[field.name] <= latest)).fillna(True).astype(bool)
    return _row_check(f"{field.name}_at_most_{field.days_ahead}_days_ahead", (field.name,), fn)


def build_model(table: Table) -> type[pa.DataFrameModel]:
    annotations = {f.name: Series[PANDAS[f.type]] for f in table.fields}
    attrs: dict = {"__annotations__": annotations, "__module__": __name__}
    attrs.update({f.name: _column(f, table) for f in table.fields})
    config = type("Config", (), {"strict": True, "ordered": True, "name": table.name,
                                 "unique": list(table.primary_key) if len(table.primary_key) > 1 else None})
    attrs["Config"] = config
    checks = ROW_CHECKS.get(table.name, []) + [_not_far_ahead(f) for f in table.fields if f.days_ahead]
    for check in checks:
        attrs[check.__func__.__name__ if hasattr(check, "__func__") else f"check_{len(attrs)}"] = check
    name = "".join(part.title() for part in table.name.split("_")) + "Model"
    return type(name, (pa.DataFrameModel,), attrs)


DocumentsModel = build_model(DOCUMENTS)
EntitiesModel = build_model(ENTITIES)
EventsModel = build_model(EVENTS)
DealsModel = build_model(DEALS)
TradeFlowsModel = build_model(TRADE_FLOWS)
IndicatorsModel = build_model(INDICATORS)
EvidenceModel = build_model(EVIDENCE)

MODELS: dict[str, type[pa.DataFrameModel]] = {
    "documents": DocumentsModel, "entities": EntitiesModel, "events": EventsModel, "deals": DealsModel,
    "trade_flows": TradeFlowsModel, "indicators": IndicatorsModel, "evidence": EvidenceModel,
}
