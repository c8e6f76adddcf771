"""Extraction on short hand-written paragraphs of the genre, read from the spec files in tests/specs/.

Each entry of a spec file (a YAML list) is one case:

    - id: jilin-russia-q3-with-breakdown          # unique over all files; the pytest id
      note: why this case exists                   # optional
      text: "据海关统计,今年前三季度,吉林省对俄罗斯进出口总值达到135.6亿元…"
      published: "2024-10-20"                      # or null (no published date); optional, default 2023-11-12
      publisher: 黑龙江日报                         # optional
      expect:
        trade_flows:                               # a list: these rows exactly (same count, same order)
          - {reporter_code: CN-JL, partner_code: RU, flow: total, value: 13560000000, rule: trade.clause}
        deals: []                                  # [] or {absent: true}: no row
        events: {match: contains, rows: [...]}     # these rows appear among the output, in this order

Tables are the lists of an Extraction: events, deals, trade_flows, indicators, figures. A row names only
the columns that matter for the case: any field of the table's dataclass in tradenews/model.py (dates as
ISO strings), and `rule`, compared with the rule of the row's first evidence (for figures: its own rule).
Adding a case is adding an entry.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml

from tests.conftest import extract_text
from tradenews import model

SPECS = Path(__file__).resolve().parent / "specs"
TABLES = {"events": model.Event, "deals": model.Deal, "trade_flows": model.TradeFlow,
          "indicators": model.Indicator, "figures": model.FigureFate}
ENTRY_KEYS = {"id", "note", "text", "published", "publisher", "expect"}
MATCHES = {"exact", "contains"}
DEFAULT_PUBLISHED = "2023-11-12"  # extract_text's default


def load_entries() -> list[tuple[str, dict]]:
    entries = []
    for path in sorted(SPECS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name}: a spec file is a list of entries"
        entries += [(path.name, entry) for entry in data]
    return entries


ENTRIES = load_entries()


def columns(table: str) -> set[str]:
    return {f.name for f in dataclasses.fields(TABLES[table])} - {"evidence"} | {"rule"}


def expectation(spec) -> tuple[str, list[dict]]:
    """(match, rows) of one table's expectation: a list of rows, or a mapping with match/rows/absent."""
    if isinstance(spec, list):
        return "exact", spec
    if spec.get("absent"):
        return "exact", []
    return spec.get("match", "exact"), spec.get("rows", [])


def plain(value):
    """Dates as ISO strings and tuples as lists, for comparing with what YAML gives."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def cell(row, column: str):
    if column == "rule" and hasattr(row, "evidence"):
        return row.evidence[0].rule if row.evidence else None
    return plain(getattr(row, column))


def describe(row, cols) -> str:
    return "{" + ", ".join(f"{c}: {cell(row, c)!r}" for c in cols) + "}"


def check_table(entry_id: str, table: str, spec, got: list) -> list[str]:
    match, rows = expectation(spec)
    wanted_cols = list(dict.fromkeys(c for r in rows for c in r)) or (["quote"] if table == "figures" else ["rule"])
    shown = "\n      ".join(describe(r, wanted_cols) for r in got) or "(none)"
    problems = []
    if match == "exact":
        if len(got) != len(rows):
            problems.append(f"{entry_id}: {table}: expected {len(rows)} row(s), got {len(got)}:\n      {shown}")
        for i, (want, row) in enumerate(zip(rows, got)):
            for column, value in want.items():
                have = cell(row, column)
                if plain(value) != have:
                    problems.append(f"{entry_id}: {table}[{i}].{column}: expected {plain(value)!r}, got {have!r}")
    else:  # contains: each listed row matches a row of the output, after the one the previous row matched
        start = 0
        for i, want in enumerate(rows):
            hit = next((j for j in range(start, len(got))
                        if all(plain(v) == cell(got[j], c) for c, v in want.items())), None)
            if hit is None:
                problems.append(f"{entry_id}: {table}: listed row {i} {want} is not among the output "
                                f"(from row {start} on):\n      {shown}")
                break
            start = hit + 1
    return problems


@pytest.mark.parametrize("entry", [e for _, e in ENTRIES], ids=[str(e.get("id")) for _, e in ENTRIES])
def test_spec(entry):
    published = entry.get("published", DEFAULT_PUBLISHED)
    ex = extract_text(entry["text"], published=plain(published), publisher=entry.get("publisher"))
    problems = []
    for table, spec in entry["expect"].items():
        problems += check_table(entry["id"], table, spec, getattr(ex, table))
    assert not problems, "\n".join(problems)


def test_spec_files_are_well_formed():
    """A typo in a spec fails here: unknown keys, tables or columns, duplicate ids, a missing text."""
    assert ENTRIES, f"no spec entries under {SPECS}"
    problems, seen = [], {}
    for name, entry in ENTRIES:
        where = f"{name}: {entry.get('id', '(no id)')}"
        if not isinstance(entry, dict):
            problems.append(f"{name}: an entry is a mapping, got {entry!r}")
            continue
        if not entry.get("id") or not isinstance(entry["id"], str):
            problems.append(f"{where}: no id")
        elif entry["id"] in seen:
            problems.append(f"{where}: id also used in {seen[entry['id']]}")
        else:
            seen[entry["id"]] = name
        if unknown := set(entry) - ENTRY_KEYS:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if not isinstance(entry.get("text"), str) or not entry["text"]:
            problems.append(f"{where}: no text")
        published = entry.get("published", DEFAULT_PUBLISHED)
        if published is not None:
            try:
                dt.date.fromisoformat(plain(published))
            except (TypeError, ValueError):
                problems.append(f"{where}: published {published!r} is not an ISO date or null")
        expect = entry.get("expect")
        if not isinstance(expect, dict) or not expect:
            problems.append(f"{where}: expect names no table")
            continue
        for table, spec in expect.items():
            if table not in TABLES:
                problems.append(f"{where}: unknown table {table!r} (known: {sorted(TABLES)})")
                continue
            if isinstance(spec, dict):
                if unknown := set(spec) - {"match", "rows", "absent"}:
                    problems.append(f"{where}: {table}: unknown keys {sorted(unknown)}")
                if spec.get("match", "exact") not in MATCHES:
                    problems.append(f"{where}: {table}: match {spec.get('match')!r} is not one of {sorted(MATCHES)}")
                if spec.get("absent") and spec.get("rows"):
                    problems.append(f"{where}: {table}: absent with rows")
                if spec.get("match") == "contains" and not spec.get("rows"):
                    problems.append(f"{where}: {table}: contains no row (it could never fail)")
            elif not isinstance(spec, list):
                problems.append(f"{where}: {table}: a list of rows or a mapping, got {spec!r}")
                continue
            for i, row in enumerate(expectation(spec)[1]):
                if not isinstance(row, dict) or not row:
                    problems.append(f"{where}: {table}[{i}]: a row is a mapping of at least one column")
                elif unknown := set(row) - columns(table):
                    problems.append(f"{where}: {table}[{i}]: unknown columns {sorted(unknown)}")
    assert not problems, "\n".join(problems)


def test_a_wrong_row_fails_with_the_entry_row_and_column():
    class Row:
        evidence = [model.Evidence("d", 0, 1, "x", "trade.clause")]
        value, partner_code = 1.0, "RU"

    assert check_table("e", "trade_flows", [{"value": 1, "rule": "trade.clause"}], [Row()]) == []
    assert check_table("e", "trade_flows", [{"value": 2}], [Row()]) == ["e: trade_flows[0].value: expected 2, got 1.0"]
    assert "expected 2 row(s), got 1" in check_table("e", "trade_flows", [{"value": 1}] * 2, [Row()])[0]
    assert check_table("e", "trade_flows", {"match": "contains", "rows": [{"partner_code": "RU"}]}, [Row(), Row()]) == []
    assert check_table("e", "trade_flows", {"match": "contains", "rows": [{"partner_code": "KZ"}]}, [Row()])
    assert check_table("e", "trade_flows", {"absent": True}, [Row()])
