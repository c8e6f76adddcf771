"""The stages in order, as plain functions (the Prefect flow in flows/ calls these)."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tradenews.ingest.document import build_document
from tradenews.ingest.read import RejectedInput, list_inputs, read_source
from tradenews.model import Extraction, SourceFile
from tradenews.publish.package import PublishResult, publish
from tradenews.records.extract import extract_document
from tradenews.tables.build import build_tables
from tradenews.tables.validate import validate_tables
from tradenews.version import extractor_version


@dataclass
class ReadResult:
    sources: list[SourceFile] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)  # {"path", "reason"}
    warnings: list[str] = field(default_factory=list)


def read_inputs(raw_dir: Path, paths: list[Path] | None = None) -> ReadResult:
    """Read every text file; each ends up as a source or as a rejected document with its reason."""
    result = ReadResult()
    texts, orphans = list_inputs(raw_dir)
    for orphan in orphans:
        result.warnings.append(f"{orphan.relative_to(raw_dir).as_posix()}: sidecar with no text file beside it; ignored")
    for path in (paths if paths is not None else texts):
        rel = path.relative_to(raw_dir).as_posix()
        try:
            src = read_source(raw_dir, path)
        except RejectedInput as exc:
            result.rejected.append({"path": rel, "reason": str(exc)})
            continue
        except OSError as exc:
            result.rejected.append({"path": rel, "reason": f"cannot read the file ({exc.strerror or exc})"})
            continue
        result.sources.append(src)
        result.warnings.extend(f"{rel}: {w}" if not w.startswith(Path(rel).stem) else w for w in src.meta_warnings)
    return result


def group_duplicates(sources: list[SourceFile]) -> list[tuple[SourceFile, tuple[str, ...]]]:
    """Identical bytes under several names are one document with all its paths."""
    by_hash: dict[str, list[SourceFile]] = {}
    for src in sources:
        by_hash.setdefault(src.sha256, []).append(src)
    return [(group[0], tuple(sorted(s.source_path for s in group)))
            for group in sorted(by_hash.values(), key=lambda g: min(s.source_path for s in g))]


def extract_source(src: SourceFile, paths: tuple[str, ...] = ()) -> Extraction:
    doc = build_document(src)
    if paths:
        doc.source_path, doc.source_paths = paths[0], paths
    return extract_document(doc)


def build_and_validate(extractions: list[Extraction]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    frames = build_tables(extractions, extractor_version())
    return validate_tables(frames)


def write_reports(reports: Path, rejected_rows: pd.DataFrame, rejected_docs: list[dict], warnings: list[str],
                  summary: dict) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    rejected_rows.to_csv(reports / "rejected-rows.csv", index=False)
    with (reports / "rejected-documents.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["path", "reason"], lineterminator="\n")
        w.writeheader()
        w.writerows(rejected_docs)
    (reports / "warnings.txt").write_text("".join(f"{w}\n" for w in warnings), encoding="utf-8")
    (reports / "run-summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")


def summarize(read: ReadResult, frames: dict[str, pd.DataFrame], rejected_rows: pd.DataFrame,
              result: PublishResult | None, reports: Path, documents_in: int) -> dict:
    return {
        "files_read": len(read.sources) + len(read.rejected),
        "documents": documents_in,
        "rejected_documents": len(read.rejected),
        "rows": {name: len(df) for name, df in frames.items()},
        "rejected_rows": int(rejected_rows["record_id"].nunique()) if len(rejected_rows) else 0,
        "warnings": len(read.warnings),
        "package": str(result.path) if result else None,
        "version": result.version if result else None,
        "published_changes": bool(result and result.changed),
        "reports": str(reports),
        "extractor_version": extractor_version(),
    }


def run_local(raw_dir: Path, out: Path, reports: Path) -> dict:
    """The whole job without Prefect: read, extract, build, validate, publish, report."""
    read = read_inputs(raw_dir)
    extractions = [extract_source(src, paths) for src, paths in group_duplicates(read.sources)]
    frames, rejected_rows = build_and_validate(extractions)
    result = publish(frames, out)
    summary = summarize(read, frames, rejected_rows, result, reports, len(extractions))
    write_reports(reports, rejected_rows, read.rejected, read.warnings, summary)
    return summary
