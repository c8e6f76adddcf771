"""What one run did: `RunSummary`, and its renderings.

- `to_text()`: the lines `tradenews run` prints;
- `to_markdown()`: the Prefect artifact `tradenews-run-summary`;
- `to_dict()` / `to_json()`: `reports/run-summary.json` (the keys downstream readers use);
- `compact()`: what the flow returns (JSON data without the per-document lists, which stay in the report);
- `from_dict()`: back from either JSON form (the CLI prints the summary the flow returned).

Built by tradenews.pipeline.run_steps; imports nothing beyond the standard library and tradenews.escape.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from tradenews.escape import markdown_code, markdown_text

# the stages whose seconds the text shows, in this order (`timings` may hold more: extract_work, extract_cpu)
STAGES = ("read", "extract", "build", "validate", "publish", "validate_package", "reports", "orchestration")

CHANGE_STATES = {"first": "first publication", "major": "new major version (schema changed)",
                 "minor": "new minor version (rows added or removed)",
                 "patch": "new patch version (rows corrected)",
                 "repair": "republished from source: the published files had been damaged"}


class TableChange(TypedDict):
    added: int
    removed: int
    changed: int


class RejectedDocument(TypedDict):
    path: str
    reason: str


def _not_in_json(**kw) -> Any:
    return field(metadata={"json": False}, **kw)


@dataclass
class RunSummary:
    """What a run read, extracted, published and reported. The fields are the keys of run-summary.json."""

    files_read: int  # input files: documents and rejected documents
    documents: int  # distinct documents (identical files under several names are one)
    rejected_documents: int
    rows: dict[str, int]  # rows per published table
    rejected_rows: int  # records left out by validation (or a document whose extraction failed)
    warnings: int  # lines of warnings.txt
    package: str  # the package folder
    version: str  # the package version after the run
    published_changes: bool  # False: the package was left as it was
    reports: str  # the reports folder
    extractor_version: str
    documents_cached: int = 0
    documents_extracted: int = 0
    extracted: list[str] = field(default_factory=list)  # source paths extracted in this run (not from the cache)
    cache: str | None = None  # the cache folder, None when the cache is off
    cache_warnings: list[str] = field(default_factory=list)  # the cache could not be written
    package_warnings: list[str] = field(default_factory=list)  # the published package was damaged
    change: str | None = None  # first | major | minor | patch | repair; None when nothing was published
    # PackageDiff.as_dict() of a new version: {"tables": {name: TableChange}, "raw_added", "raw_deleted",
    # "raw_replaced", "documents": {path: {table: TableChange}}}; None when no version was written
    changes: dict[str, Any] | None = None
    changelog: str | None = None  # CHANGELOG.md of the package, when a version was written
    figures: dict[str, Any] = field(default_factory=dict)  # tradenews.tables.figures.figure_counts
    runner: str | None = None  # the flow's runner parameter (None: the library's own run, run_job)
    extraction_batches: int = 0
    extraction_workers: list[str] = field(default_factory=list)  # host:pid of each process that extracted
    timings: dict[str, float] | None = None  # seconds per stage (pipeline.Timings); set when the run ends
    # the rejected documents themselves: listed in reports/rejected-documents.csv, not in the JSON forms
    rejected: list[RejectedDocument] = _not_in_json(default_factory=list, repr=False)

    # ---------------------------------------------------------------- JSON forms

    @classmethod
    def json_keys(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls) if f.metadata.get("json", True)]

    def to_dict(self) -> dict[str, Any]:
        """The report's form (reports/run-summary.json): JSON data; `timings` (rounded) only once set."""
        out: dict[str, Any] = {}
        for key in self.json_keys():
            value = getattr(self, key)
            if key == "timings":
                if value is None:
                    continue
                value = {k: round(v, 4) for k, v in value.items()}
            out[key] = copy.deepcopy(value)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def compact(self) -> dict[str, Any]:
        """to_dict() without the per-document lists (paths extracted, changes per document), which
        run-summary.json keeps, plus where that report is: what the flow returns, so that Prefect does not
        walk 10,000 entries when it records the flow's result."""
        out = self.to_dict()
        del out["extracted"]
        if out.get("changes"):
            out["changes"] = {"tables": out["changes"]["tables"]}
        out["run_summary"] = str(Path(self.reports) / "run-summary.json")
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunSummary:
        """A summary from to_dict() or compact() (run-summary.json, the flow's return value)."""
        keys = cls.json_keys()
        unknown = set(data) - set(keys) - {"run_summary"}
        if unknown:
            raise ValueError(f"not a run summary: unknown keys {', '.join(sorted(unknown))}")
        return cls(**{k: copy.deepcopy(v) for k, v in data.items() if k in keys})

    # ---------------------------------------------------------------- renderings

    @property
    def table_changes(self) -> dict[str, TableChange]:
        return (self.changes or {}).get("tables") or {}

    def to_text(self) -> str:
        """The lines `tradenews run` prints."""
        rows = ", ".join(f"{name} {n}" for name, n in self.rows.items())
        state = "published" if self.published_changes else "unchanged (nothing new to publish)"
        if self.change == "repair":
            state = "republished as described by its descriptor (the files had been damaged)"
        elif self.published_changes and self.change:
            state += f" ({self.change})"
        where = f" (cache {self.cache})" if self.cache else " (cache off)"
        lines = [f"tradenews: read {self.files_read} files -> {self.documents} documents, "
                 f"{self.rejected_documents} rejected documents",
                 f"tradenews: documents: {self.documents_cached} from cache, {self.documents_extracted} extracted"
                 f"{where}"]
        lines += [f"tradenews: warning: {warning}" for warning in self.cache_warnings + self.package_warnings]
        lines.append(f"tradenews: rows: {rows}")
        changes = self.table_changes
        if self.published_changes and changes:
            moved = [f"{name} +{c['added']} -{c['removed']} ~{c['changed']}" for name, c in changes.items()
                     if c["added"] or c["removed"] or c["changed"]]
            lines.append(f"tradenews: changes: {', '.join(moved) or 'none in the rows'}; see {self.changelog}")
        lines.append(f"tradenews: {self.rejected_rows} rejected rows; reports in {self.reports}")
        lines.append(f"tradenews: package {self.package} version {self.version} {state}")
        t = self.timings
        if t:
            parts = [f"{k} {t[k]:.2f}" for k in STAGES if k in t]
            lines.append(f"tradenews: seconds: {', '.join(parts)}; total {t.get('total', 0):.2f}"
                         + (f" (runner {self.runner})" if self.runner else ""))
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The Prefect artifact: package, version and state, documents, rows and changes per table, the
        documents extracted and rejected (at most 50 of each). Names from the input are code spans and
        reasons escaped text (tradenews.escape): no file name can add headings, links or tables."""
        state = (CHANGE_STATES.get(self.change, "new tables published") if self.published_changes
                 else "unchanged, nothing new published")
        lines = ["# tradenews run", "",
                 f"Package {markdown_code(self.package)} version {self.version} ({state}).", "",
                 f"Documents: {self.documents} ({self.documents_cached} from cache, "
                 f"{self.documents_extracted} extracted); "
                 f"rejected documents: {self.rejected_documents}; rejected rows: {self.rejected_rows}; "
                 f"reports in {markdown_code(self.reports)}.", ""]
        changes = self.table_changes
        lines += ["| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
        for name, n in self.rows.items():
            c = changes.get(name, {})
            lines.append(f"| {name} | {n} | {c.get('added', 0)} | {c.get('removed', 0)} | {c.get('changed', 0)} |")
        if self.changelog:
            lines += ["", f"Changes are listed in {markdown_code(self.changelog)}."]
        if self.extracted:
            lines += ["", "Extracted in this run:"] + [f"- {markdown_code(p)}" for p in self.extracted[:50]]
        if self.rejected:
            lines += [""] + [f"- rejected {markdown_code(d['path'])}: {markdown_text(d['reason'])}"
                             for d in self.rejected[:50]]
        return "\n".join(lines)
