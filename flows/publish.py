"""The publish-dataset flow: raw texts -> validated Frictionless package (CSV + Parquet).

Thin orchestration: every task calls one library stage. Documents are extracted in batches
(one task per batch, not per article) so orchestration stays cheap on large folders.
"""
from __future__ import annotations

import sys
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

if __package__ in (None, ""):  # `python flows/publish.py` from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tradenews import pipeline  # noqa: E402
from tradenews.model import Extraction, SourceFile  # noqa: E402
from tradenews.publish.package import publish  # noqa: E402

BATCH = 200


@task(name="read-inputs", retries=2, retry_delay_seconds=1)
def read_inputs(raw: str) -> pipeline.ReadResult:
    return pipeline.read_inputs(Path(raw))


@task(name="extract-batch")
def extract_batch(batch: list[tuple[SourceFile, tuple[str, ...]]]) -> list[Extraction]:
    return [pipeline.extract_source(src, paths) for src, paths in batch]


@task(name="build-and-validate")
def build_and_validate(extractions: list[Extraction]):
    return pipeline.build_and_validate(extractions)


@task(name="publish-package", retries=2, retry_delay_seconds=1)
def publish_package(frames, out: str):
    return publish(frames, Path(out))


@task(name="write-reports", retries=2, retry_delay_seconds=1)
def write_reports(reports: str, rejected_rows, rejected_docs, warnings, summary) -> None:
    pipeline.write_reports(Path(reports), rejected_rows, rejected_docs, warnings, summary)


def _artifact(summary: dict, rejected_docs: list[dict]) -> str:
    lines = ["# tradenews run", "", f"Package `{summary['package']}` version {summary['version']} "
             f"({'new tables published' if summary['published_changes'] else 'unchanged'}).", "",
             "| table | rows |", "|---|---|"]
    lines += [f"| {name} | {n} |" for name, n in summary["rows"].items()]
    lines += ["", f"Documents: {summary['documents']}; rejected documents: {summary['rejected_documents']}; "
              f"rejected rows: {summary['rejected_rows']}; reports in `{summary['reports']}`."]
    lines += [f"- rejected `{d['path']}`: {d['reason']}" for d in rejected_docs[:50]]
    return "\n".join(lines)


@flow(name="publish-dataset", log_prints=True)
def publish_dataset(raw: str = "raw", out: str = "datapackage", reports: str | None = None) -> dict:
    logger = get_run_logger()
    reports = reports or str(Path(out).resolve().parent / "reports")
    read = read_inputs(raw)
    for w in read.warnings:
        logger.warning(w)
    for r in read.rejected:
        logger.warning("rejected %s: %s", r["path"], r["reason"])
    docs = pipeline.group_duplicates(read.sources)
    extractions: list[Extraction] = []
    futures = [extract_batch.submit(docs[i:i + BATCH]) for i in range(0, len(docs), BATCH)]
    for future in futures:
        extractions.extend(future.result())
        logger.info("extracted %d/%d documents", len(extractions), len(docs))
    frames, rejected_rows = build_and_validate(extractions)
    result = publish_package(frames, out)
    summary = pipeline.summarize(read, frames, rejected_rows, result, Path(reports), len(docs))
    write_reports(reports, rejected_rows, read.rejected, read.warnings, summary)
    create_markdown_artifact(_artifact(summary, read.rejected), key="tradenews-run-summary",
                             description="Rows per table and rejected items of this run")
    return summary


if __name__ == "__main__":
    from tradenews.cli import print_summary

    print_summary(publish_dataset())
