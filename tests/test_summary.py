"""RunSummary: the typed summary of a run and its forms (the CLI's lines, the artifact's Markdown, the JSON of
reports/run-summary.json and of the flow's return value)."""
from __future__ import annotations

import dataclasses
import json

import pytest

from tradenews.summary import RunSummary

# the keys of run-summary.json before RunSummary existed: readers of the report rely on them
REPORT_KEYS = ["files_read", "documents", "rejected_documents", "rows", "rejected_rows", "warnings", "package",
               "version", "published_changes", "reports", "extractor_version", "documents_cached",
               "documents_extracted", "extracted", "cache", "cache_warnings", "package_warnings", "change", "changes",
               "changelog", "figures", "runner", "extraction_batches", "extraction_workers"]


def _summary(**kw) -> RunSummary:
    fields = dict(
        files_read=5, documents=3, rejected_documents=1, rows={"documents": 3, "deals": 7, "trade_flows": 2},
        rejected_rows=2, warnings=1, package="/data/pkg", version="1.1.0", published_changes=True,
        reports="/data/reports", extractor_version="0.2.0+abc", documents_cached=2, documents_extracted=1,
        extracted=["new.txt"], cache="/data/.cache/tradenews", cache_warnings=[], package_warnings=[],
        change="minor", changelog="/data/pkg/CHANGELOG.md",
        changes={"tables": {"documents": {"added": 1, "removed": 0, "changed": 0},
                            "deals": {"added": 2, "removed": 1, "changed": 0},
                            "trade_flows": {"added": 0, "removed": 0, "changed": 0}},
                 "raw_added": ["new.txt"], "raw_deleted": [], "raw_replaced": [],
                 "documents": {"new.txt": {"deals": {"added": 2, "removed": 0, "changed": 0}}}},
        figures={"figures": 10, "fact": 8, "part": 0, "left_out": 2, "unexplained": 0, "left_out_by_rule": {}},
        runner="default", extraction_batches=1, extraction_workers=["host:1"],
        timings={"read": 0.01234, "extract": 1.5, "build": 0.2, "validate": 0.3, "publish": 0.1,
                 "validate_package": 0.4, "reports": 0.05, "orchestration": 0.2, "extract_cpu": 1.4, "total": 3.0},
        rejected=[{"path": "empty.txt", "reason": "empty file"}])
    fields.update(kw)
    return RunSummary(**fields)


def test_the_text_is_what_tradenews_run_prints():
    assert _summary().to_text().splitlines() == [
        "tradenews: read 5 files -> 3 documents, 1 rejected documents",
        "tradenews: documents: 2 from cache, 1 extracted (cache /data/.cache/tradenews)",
        "tradenews: rows: documents 3, deals 7, trade_flows 2",
        "tradenews: changes: documents +1 -0 ~0, deals +2 -1 ~0; see /data/pkg/CHANGELOG.md",
        "tradenews: 2 rejected rows; reports in /data/reports",
        "tradenews: package /data/pkg version 1.1.0 published (minor)",
        "tradenews: seconds: read 0.01, extract 1.50, build 0.20, validate 0.30, publish 0.10, validate_package 0.40, "
        "reports 0.05, orchestration 0.20; total 3.00 (runner default)",
    ]


def test_the_text_of_an_unchanged_and_of_a_repaired_package():
    unchanged = _summary(published_changes=False, change=None, changes=None, changelog=None, cache=None,
                         cache_warnings=["cache full"], timings=None, runner=None).to_text().splitlines()
    assert unchanged[1] == "tradenews: documents: 2 from cache, 1 extracted (cache off)"
    assert unchanged[2] == "tradenews: warning: cache full"
    assert not any(line.startswith(("tradenews: changes:", "tradenews: seconds:")) for line in unchanged)
    assert unchanged[-1] == "tradenews: package /data/pkg version 1.1.0 unchanged (nothing new to publish)"
    repaired = _summary(change="repair", changes=None, package_warnings=["damaged"]).to_text().splitlines()
    assert "tradenews: warning: damaged" in repaired
    assert repaired[-2].endswith("version 1.1.0 republished as described by its descriptor (the files had been damaged)")


def test_the_report_keeps_its_keys_and_reads_back():
    summary = _summary()
    data = json.loads(summary.to_json())
    assert list(data) == REPORT_KEYS + ["timings"]
    assert data["timings"]["read"] == 0.0123  # rounded to 0.1 ms
    assert "rejected" not in data  # the rejected documents are in rejected-documents.csv
    assert RunSummary.from_dict(data) == dataclasses.replace(summary, rejected=[], timings=data["timings"])
    # before the run ends (when the report is written) there are no timings yet
    assert list(_summary(timings=None).to_dict()) == REPORT_KEYS


def test_the_compact_form_leaves_out_the_lists_per_document_and_prints_the_same():
    summary = _summary()
    compact = summary.compact()
    json.dumps(compact)  # JSON data: what a flow returns
    assert "extracted" not in compact and compact["changes"] == {"tables": summary.changes["tables"]}
    assert compact["run_summary"] == "/data/reports/run-summary.json"
    assert set(compact) == set(REPORT_KEYS) - {"extracted"} | {"timings", "run_summary"}
    assert RunSummary.from_dict(compact).to_text() == summary.to_text()
    with pytest.raises(ValueError, match="unknown keys surprise"):
        RunSummary.from_dict(dict(compact, surprise=1))


def test_the_markdown_names_the_state_the_tables_and_the_documents():
    md = _summary().to_markdown()
    assert md.startswith("# tradenews run\n\nPackage `/data/pkg` version 1.1.0 (new minor version (rows added or "
                         "removed)).")
    assert "Documents: 3 (2 from cache, 1 extracted); rejected documents: 1; rejected rows: 2;" in md
    assert "| deals | 7 | 2 | 1 | 0 |" in md and "| trade_flows | 2 | 0 | 0 | 0 |" in md
    assert "Changes are listed in `/data/pkg/CHANGELOG.md`." in md
    assert "- `new.txt`" in md and "- rejected `empty.txt`: empty file" in md
    assert "(unchanged, nothing new published)" in _summary(published_changes=False).to_markdown()
