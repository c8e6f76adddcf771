"""The publish-dataset flow: raw texts -> validated Frictionless package (CSV + Parquet).

Thin orchestration: every task calls one library stage. Documents are extracted in batches
(one task per batch, not per article) so orchestration stays cheap on large folders, and big task
inputs of the flow's own tasks (extractions, tables, reports) are passed in `quote(...)`: Prefect then does not walk every
object inside them looking for futures, which cost more than the extraction itself at 1,000 articles. Extraction
is cached per document by the library (tradenews/cache.py: content hash + sidecar + extractor
version), so a run over an unchanged folder extracts nothing and publishes nothing new.

The whole run holds the package lock (a second run into the same folder fails at once, naming the
holder). Tasks that touch the file system retry on transient OS errors; a failed run leaves the
previous package as it was and the next run recovers on its own.

Deployed as `publish-dataset/scheduled` by prefect.yaml; `tradenews serve` serves it in-process.

Worker processes import this module to run `extract_batch`: it imports nothing beyond Prefect and the
extraction stages at module level (the publishing stages import pandas, pyarrow, pandera and
frictionless when they run).

Runners (parameter `runner`): "default" runs the extraction batches one after the other in the flow's
own thread; "process" on a process pool of one worker per core (Prefect's
ProcessPoolTaskRunner); "dask" on a Dask cluster through prefect-dask's DaskTaskRunner, the one at
`address` (tcp://host:8786) or a local cluster of LOCAL_DASK_WORKERS worker processes. Only the
extraction is distributed: reading, building, validating and publishing stay in the flow's process
(the package has a single writer). summary["timings"] holds the seconds of each stage.
"""
from __future__ import annotations

import contextlib
import math
import os
import socket
import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.deployment import ROOT as CHECKOUT
from tradenews import pipeline
from tradenews.cache import CacheStats
from tradenews.escape import escape_controls, markdown_code, markdown_text
from tradenews.folders import allowed_roots, check_folders, check_out_folder, confine, resolve_folders
from tradenews.model import Extraction, SourceFile
from tradenews.tables.figures import figure_counts, figure_rows

BATCH = 200
MAX_WORKER_BATCH = 1000
RUNNERS = ("default", "process", "dask")
LOCAL_DASK_WORKERS = 2
PERMANENT = (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)


def preload_stages() -> None:
    """Import the stages after extraction (pandas, pyarrow, pandera, frictionless: seconds of imports).
    The CLI calls this while the local Prefect server boots, where the time is free; extraction workers
    never need them."""
    import tradenews.publish.package  # noqa: F401
    import tradenews.tables.build  # noqa: F401
    import tradenews.tables.validate  # noqa: F401


def deployment_run() -> bool:
    """True in a flow run of a deployment (scheduled, triggered through the API, served), False when the flow
    is called as a function (`tradenews run`, tests)."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return bool(ctx and ctx.flow_run and ctx.flow_run.deployment_id)


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
def extract_batch(batch: list[tuple[SourceFile, tuple[str, ...]]], cache_dir: str | None,
                  doc_budget: float | None = pipeline.DOC_BUDGET
                  ) -> tuple[list[Extraction], CacheStats, pipeline.BatchWork]:
    return pipeline.extract_cached_timed(batch, pipeline.open_cache(cache_dir), doc_budget)


@task(name="start-worker", cache_policy=NO_CACHE)
def start_worker() -> str:
    """Run on each process-pool worker first, while the flow reads: by the first batch the worker has
    started and imported the extraction stages and their reference data."""
    pipeline.warm_up()
    return f"{socket.gethostname()}:{os.getpid()}"


@task(name="build-and-validate", cache_policy=NO_CACHE)
def build_and_validate(extractions: list[Extraction]):
    timings = pipeline.Timings()
    frames, rejected_rows = pipeline.build_and_validate_timed(extractions, timings)
    return frames, rejected_rows, timings


def task_runner(runner: str = "default", address: str | None = None):
    """The task runner for the extraction batches, or None for the flow's own (runner "default")."""
    if runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r}; choose one of {', '.join(RUNNERS)}")
    if address and runner != "dask":
        raise ValueError("an address is the scheduler of a Dask cluster: use it with runner 'dask'")
    if runner == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=os.cpu_count() or 1)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": LOCAL_DASK_WORKERS, "threads_per_worker": 1,
                                              "processes": True, "host": "127.0.0.1", "dashboard_address": None})
    return None


def shared_api(runner: str):
    """Settings for the extraction workers of a non-default runner: the flow's own Prefect API.

    With no PREFECT_API_URL set, the flow talks to an embedded server it started; worker processes
    (process pool, local Dask cluster) would each start another one of their own (seconds of start-up
    and hundreds of MB per worker, and their task runs missing from the flow's server). They are
    pointed at the flow's server instead. With PREFECT_API_URL set, workers inherit it as it is.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if runner == "default" or get_current_settings().api.url:
        return contextlib.nullcontext()
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    return temporary_settings({PREFECT_API_URL: url})


def batch_size(documents: int, workers: int) -> int:
    """Documents per extraction task on worker processes: about eight batches per worker (enough to even
    out long and short articles), at most MAX_WORKER_BATCH. A task run on a worker process costs about
    half a second of API calls and state changes, so 10,000 articles on two workers are 16 tasks, not 50."""
    return max(1, min(MAX_WORKER_BATCH, math.ceil(documents / (8 * max(workers, 1)))))


@task(name="publish-package", cache_policy=NO_CACHE, **FS_RETRIES)
def publish_package(frames, out: str, rejected: dict[str, str], allow_shrink: bool = False,
                    figures: dict | None = None):
    from tradenews.publish.package import publish

    return publish(frames, Path(out), rejected=rejected, allow_shrink=allow_shrink, figures=figures)


@task(name="write-reports", cache_policy=NO_CACHE, **FS_RETRIES)
def write_reports(reports: str, rejected_rows, rejected_docs, warnings, summary, figures=None) -> None:
    pipeline.write_reports(Path(reports), rejected_rows, rejected_docs, warnings, summary, figures)


def _artifact(summary: dict, rejected_docs: list[dict]) -> str:
    state = ({"first": "first publication", "major": "new major version (schema changed)",
              "minor": "new minor version (rows added or removed)",
              "patch": "new patch version (rows corrected)",
              "repair": "republished from source: the published files had been damaged"}.get(summary.get("change"),
                                                                                              "new tables published")
             if summary["published_changes"] else "unchanged, nothing new published")
    lines = ["# tradenews run", "",
             f"Package {markdown_code(summary['package'])} version {summary['version']} ({state}).", "",
             f"Documents: {summary['documents']} ({summary.get('documents_cached', 0)} from cache, "
             f"{summary.get('documents_extracted', summary['documents'])} extracted); "
             f"rejected documents: {summary['rejected_documents']}; rejected rows: {summary['rejected_rows']}; "
             f"reports in {markdown_code(summary['reports'])}.", ""]
    changes = (summary.get("changes") or {}).get("tables", {})
    lines += ["| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    for name, n in summary["rows"].items():
        c = changes.get(name, {})
        lines.append(f"| {name} | {n} | {c.get('added', 0)} | {c.get('removed', 0)} | {c.get('changed', 0)} |")
    if summary.get("changelog"):
        lines += ["", f"Changes are listed in {markdown_code(summary['changelog'])}."]
    if summary.get("extracted"):
        lines += ["", "Extracted in this run:"] + [f"- {markdown_code(p)}" for p in summary["extracted"][:50]]
    if rejected_docs:
        lines += [""] + [f"- rejected {markdown_code(d['path'])}: {markdown_text(d['reason'])}"
                         for d in rejected_docs[:50]]
    return "\n".join(lines)


@flow(name="publish-dataset", log_prints=True)
def publish_dataset(raw: str = "raw", out: str = "datapackage", reports: str | None = None,
                    cache: str | None = None, use_cache: bool = True, runner: str = "default",
                    address: str | None = None, allow_shrink: bool = False,
                    doc_budget: float | None = pipeline.DOC_BUDGET) -> dict:
    """Publish the texts in `raw` into the package folder `out`.

    reports: where the run reports go (default: `reports/` beside `out`).
    cache: extraction cache folder (default: $TRADENEWS_CACHE_DIR, else `.cache/tradenews` beside `out`).
    use_cache: False re-extracts every document (the cache is neither read nor written).
    runner: where the extraction batches run: "default" (the flow's own thread), "process" (one process per
        core) or "dask" (the Dask cluster at `address`, else a local cluster of two workers).
    address: scheduler address of a Dask cluster (tcp://host:8786), for runner "dask".
    allow_shrink: publish even when more than half of the published documents would be removed (refused
        otherwise: the mark of an incomplete raw folder).
    doc_budget: seconds the extraction of one document may take (default 20; 0 or None: no limit); a document
        that takes longer counts with no facts and is named in rejected-rows.csv.

    Returns the run summary (rows, version, changes per table, timings); the per-document lists (paths
    extracted, changes per document) are in `run-summary.json` among the reports.
    """
    from tradenews.publish.package import package_lock  # (pandas, pyarrow: not needed by extraction workers)

    t_flow = time.perf_counter()
    timings = pipeline.Timings()
    extra_runner = task_runner(runner, address)  # fails here, before anything is read, on a bad choice
    logger = get_run_logger()
    folders = resolve_folders(raw, out, reports, cache, use_cache)
    if deployment_run():  # parameters anyone who reaches the Prefect API can set
        confine(folders, allowed_roots(CHECKOUT), cache_given=bool(cache))
    check_folders(folders)  # refused before anything is read, locked or written
    check_out_folder(folders.out)
    out_path, reports, cache_dir = folders.out, str(folders.reports), folders.cache
    with package_lock(out_path) as lock:
        logger.info("holding %s", lock)
        with contextlib.ExitStack() as pool:
            pool.enter_context(shared_api(runner))
            other = pool.enter_context(extra_runner) if extra_runner is not None else None
            # process-pool workers start (interpreter, Prefect, the extraction stages) while the folder is read
            started = [other.submit(start_worker, {}) for _ in range(os.cpu_count() or 1)] if runner == "process" else []
            with timings.stage("read"):
                read = read_inputs(str(folders.raw))
            pipeline.check_documents(read, folders.raw)
            for w in read.warnings:  # (names and values from the input: no terminal escapes reach the log)
                logger.warning(escape_controls(w))
            for r in read.rejected:
                logger.warning("rejected %s: %s", escape_controls(r["path"]), escape_controls(r["reason"]))
            docs = pipeline.group_duplicates(read.sources)
            extractions: list[Extraction] = []
            stats = CacheStats()
            cache_arg = str(cache_dir) if cache_dir else None
            work: list[pipeline.BatchWork] = []
            if other is None:
                # the flow's own thread, one batch after the other: extraction is CPU-bound Python, and
                # batches on several threads would only take turns holding the GIL (and slow each other)
                results = (extract_batch(quote(docs[i:i + BATCH]), cache_arg, doc_budget)
                           for i in range(0, len(docs), BATCH))
            else:
                size = batch_size(len(docs), LOCAL_DASK_WORKERS if runner == "dask" else os.cpu_count() or 1)
                futures = [other.submit(extract_batch, {"batch": docs[i:i + size], "cache_dir": cache_arg,
                                                        "doc_budget": doc_budget})
                           for i in range(0, len(docs), size)]
                results = (futures.pop(0).result() for _ in range(len(futures)))  # each result kept once
            for batch, batch_stats, batch_work in results:
                extractions.extend(batch)
                stats.merge(batch_stats)
                work.append(batch_work)
                logger.info("extracted %d/%d documents", len(extractions), len(docs))
            for future in started:
                future.result()
        pipeline.extraction_timings(timings, work)
        for w in stats.warnings:  # a full or read-only cache: the run went on without writing to it
            logger.warning(escape_controls(w))
        read.warnings.extend(stats.warnings)
        logger.info("documents: %d from cache, %d extracted%s (runner %s, %d batches)", len(stats.cached),
                    len(stats.extracted), f" (cache {cache_dir})" if cache_dir else " (cache off)", runner, len(work))
        figures = figure_rows(extractions)
        frames, rejected_rows, stage_timings = build_and_validate(quote(extractions))
        extractions.clear()  # only the tables from here on: publishing holds no per-article objects
        for name, seconds in stage_timings.items():
            timings.add(name, seconds)
        result = publish_package(quote(frames), str(out_path), quote({r["path"]: r["reason"] for r in read.rejected}),
                                 allow_shrink, quote(figure_counts(figures)))
        for name, seconds in (result.timings or {}).items():
            timings.add("validate_package" if name == "check" else "publish", seconds)
        for w in result.warnings:  # the published package was damaged: republished from source
            logger.warning(escape_controls(w))
        read.warnings.extend(result.warnings)
        summary = pipeline.summarize(read, frames, rejected_rows, result, Path(reports), len(docs))
        pipeline.run_details(summary, stats, result, cache_dir)
        summary["figures"] = figure_counts(figures)
        summary["runner"] = runner
        summary["extraction_batches"] = len(work)
        summary["extraction_workers"] = sorted({w.worker for w in work})  # host:pid of each process that extracted
        with timings.stage("reports"):
            write_reports(reports, quote(rejected_rows), quote(read.rejected), quote(read.warnings), quote(summary),
                          quote(figures))
            if cache_dir:
                pipeline.open_cache(cache_dir).prune()
    if result.changed:
        logger.info("published version %s (%s)", result.version, result.change)
    else:
        logger.info("package unchanged: version %s, nothing new published", result.version)
    create_markdown_artifact(_artifact(summary, read.rejected), key="tradenews-run-summary",
                             description="Rows per table, cache use, changes and rejected items of this run")
    timings["total"] = time.perf_counter() - t_flow
    # what the stages did not spend: task runs, state reports, moving batches and results between workers
    timings["orchestration"] = max(0.0, timings["total"] - sum(
        timings.get(k, 0.0) for k in ("read", "extract", "build", "validate", "publish", "validate_package",
                                      "reports")))
    summary["timings"] = timings.rounded()
    return pipeline.compact_summary(summary)  # the per-document lists stay in the run-summary report
