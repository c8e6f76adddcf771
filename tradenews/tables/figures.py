"""The figures report: the fate of every money and quantity figure of every document (reports/figures.csv).

Counts of it go into the run summary and the dataset card: how many figures became facts, were left
out for a named reason, or are unexplained (no rule claimed them: the recall warning light on text
without gold annotations).
"""
from __future__ import annotations

import csv
import io
from collections import Counter

from tradenews.model import Extraction

COLUMNS = ["doc_id", "source_path", "offset", "figure", "fate", "rule", "reason"]
FATES = ("fact", "part", "left_out", "unexplained")


def figure_rows(extractions: list[Extraction]) -> list[dict]:
    rows = []
    for ex in sorted(extractions, key=lambda e: e.document.source_path):
        for f in ex.figures:
            rows.append({"doc_id": ex.document.doc_id, "source_path": ex.document.source_path, "offset": f.start,
                         "figure": f.quote, "fate": f.fate, "rule": f.rule, "reason": f.reason})
    return rows


def figure_counts(rows: list[dict]) -> dict:
    """{'figures': N, 'fact': n, 'part': n, 'left_out': n, 'unexplained': n, 'left_out_by_rule': {...}}."""
    fates = Counter(r["fate"] for r in rows)
    out: dict = {"figures": len(rows), **{f: fates.get(f, 0) for f in FATES}}
    out["left_out_by_rule"] = dict(sorted(Counter(r["rule"] for r in rows if r["fate"] == "left_out").items()))
    return out


def figures_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()
