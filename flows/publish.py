"""The publish-dataset flow: raw texts -> validated Frictionless package (CSV + Parquet).

Thin orchestration: every task calls one library stage. Documents are extracted in batches
(one task per batch, not per article) so orchestration stays cheap on large folders. Extraction
is cached per document by the library (tradenews/cache.py: content hash + sidecar + extractor
version), so a run over an unchanged folder extracts nothing and publishes nothing new.

The whole run holds the package lock (a second run into the same folder fails at once, naming the
holder). Tasks that touch the file system retry on transient OS errors; a failed run leaves the
previous package as it was and the next run recovers on its own.

Deployed as `publish-dataset/scheduled` by prefect.yaml; `tradenews serve` serves it in-process.
"""
from __future__ import annotations

import sys
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

if __package__ in (None, ""):  # `python flows/publish.py` from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tradenews import pipeline  # noqa: E402
from tradenews.cache import CacheStats, default_cache_dir  # noqa: E402
from tradenews.model import Extraction, SourceFile  # noqa: E402
from tradenews.publish.package import package_lock, publish  # noqa: E402

BATCH = 200
PERMANENT = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)


def transient_os_error(task, task_run, state) -> bool:
    """retry_condition_fn: retry OS errors that may pass (EIO, EAGAIN, ESTALE, ENOSPC...), not bugs,
    validation failures, a held lock or missing/forbidden paths."""
    exc = state.data if isinstance(state.data, BaseException) else None
    if exc is None:
        try:
            exc = state.result(raise_on_failure=False)
        except Exception as e:  # noqa: BLE001 - the result itself could not be read
            exc = e
    return isinstance(exc, OSError) and not isinstance(exc, PERMANENT)


FS_RETRIES = dict(retries=2, retry_delay_seconds=1, retry_condition_fn=transient_os_error)


@task(name="read-inputs", cache_policy=NO_CACHE, **FS_RETRIES)
def read_inputs(raw: str) -> pipeline.ReadResult:
    return pipeline.read_inputs(Path(raw))


@task(name="extract-batch", cache_policy=NO_CACHE, **FS_RETRIES)
def extract_batch(batch: list[tuple[SourceFile, tuple[str, ...]]], cache_dir: str | None
                  ) -> tuple[list[Extraction], CacheStats]:
    return pipeline.extract_cached(batch, pipeline.open_cache(cache_dir))


@task(name="build-and-validate", cache_policy=NO_CACHE)
def build_and_validate(extractions: list[Extraction]):
    return pipeline.build_and_validate(extractions)


@task(name="publish-package", cache_policy=NO_CACHE, **FS_RETRIES)
def publish_package(frames, out: str, rejected: dict[str, str]):
    return publish(frames, Path(out), rejected=rejected)


@task(name="write-reports", cache_policy=NO_CACHE, **FS_RETRIES)
def write_reports(reports: str, rejected_rows, rejected_docs, warnings, summary) -> None:
    pipeline.write_reports(Path(reports), rejected_rows, rejected_docs, warnings, summary)


def _artifact(summary: dict, rejected_docs: list[dict]) -> str:
    state = ({"first": "first publication", "major": "new major version (schema changed)",
              "minor": "new minor version (rows added or removed)",
              "patch": "new patch version (rows corrected)"}.get(summary.get("change"), "new tables published")
             if summary["published_changes"] else "unchanged, nothing new published")
    lines = ["# tradenews run", "", f"Package `{summary['package']}` version {summary['version']} ({state}).", "",
             f"Documents: {summary['documents']} ({summary.get('documents_cached', 0)} from cache, "
             f"{summary.get('documents_extracted', summary['documents'])} extracted); "
             f"rejected documents: {summary['rejected_documents']}; rejected rows: {summary['rejected_rows']}; "
             f"reports in `{summary['reports']}`.", ""]
    changes = (summary.get("changes") or {}).get("tables", {})
    lines += ["| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    for name, n in summary["rows"].items():
        c = changes.get(name, {})
        lines.append(f"| {name} | {n} | {c.get('added', 0)} | {c.get('removed', 0)} | {c.get('changed', 0)} |")
    if summary.get("changelog"):
        lines += ["", f"Changes are listed in `{summary['changelog']}`."]
    if summary.get("extracted"):
        lines += ["", "Extracted in this run:"] + [f"- `{p}`" for p in summary["extracted"][:50]]
    if rejected_docs:
        lines += [""] + [f"- rejected `{d['path']}`: {d['reason']}" for d in rejected_docs[:50]]
    return "\n".join(lines)


@flow(name="publish-dataset", log_prints=True)
def publish_dataset(raw: str = "raw", out: str = "datapackage", reports: str | None = None,
                    cache: str | None = None, use_cache: bool = True) -> dict:
    """Publish the texts in `raw` into the package folder `out`.

    reports: where the run reports go (default: `reports/` beside `out`).
    cache: extraction cache folder (default: $TRADENEWS_CACHE_DIR, else `.cache/tradenews` beside `out`).
    use_cache: False re-extracts every document (the cache is neither read nor written).
    """
    logger = get_run_logger()
    out_path = Path(out).resolve()
    reports = reports or str(out_path.parent / "reports")
    cache_dir = (Path(cache).expanduser().resolve() if cache else default_cache_dir(out_path)) if use_cache else None
    with package_lock(out_path) as lock:
        logger.info("holding %s", lock)
        read = read_inputs(raw)
        for w in read.warnings:
            logger.warning(w)
        for r in read.rejected:
            logger.warning("rejected %s: %s", r["path"], r["reason"])
        docs = pipeline.group_duplicates(read.sources)
        extractions: list[Extraction] = []
        stats = CacheStats()
        cache_arg = str(cache_dir) if cache_dir else None
        futures = [extract_batch.submit(docs[i:i + BATCH], cache_arg) for i in range(0, len(docs), BATCH)]
        for future in futures:
            batch, batch_stats = future.result()
            extractions.extend(batch)
            stats.merge(batch_stats)
            logger.info("extracted %d/%d documents", len(extractions), len(docs))
        logger.info("documents: %d from cache, %d extracted%s", len(stats.cached), len(stats.extracted),
                    f" (cache {cache_dir})" if cache_dir else " (cache off)")
        frames, rejected_rows = build_and_validate(extractions)
        result = publish_package(frames, str(out_path), {r["path"]: r["reason"] for r in read.rejected})
        summary = pipeline.summarize(read, frames, rejected_rows, result, Path(reports), len(docs))
        pipeline.run_details(summary, stats, result, cache_dir)
        write_reports(reports, rejected_rows, read.rejected, read.warnings, summary)
        if cache_dir:
            pipeline.open_cache(cache_dir).prune()
    if result.changed:
        logger.info("published version %s (%s)", result.version, result.change)
    else:
        logger.info("package unchanged: version %s, nothing new published", result.version)
    create_markdown_artifact(_artifact(summary, read.rejected), key="tradenews-run-summary",
                             description="Rows per table, cache use, changes and rejected items of this run")
    return summary


if __name__ == "__main__":
    from tradenews.cli import print_summary

    print_summary(publish_dataset())
