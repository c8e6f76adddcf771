"""The publish-dataset flow: raw texts -> validated Frictionless package (CSV + Parquet).

Thin orchestration: the tasks are the library's steps (tradenews/pipeline.py) wrapped in Prefect tasks, and the
flow hands them to the library's one run sequence (pipeline.run_steps), which calls them in order and returns
the RunSummary (tradenews/summary.py). Documents are extracted in batches
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
(the package has a single writer). The summary's `timings` hold the seconds of each stage.
"""
from __future__ import annotations

import contextlib
import math
import os
import socket
import sys
import time

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.deployment import ROOT as CHECKOUT
from tradenews import pipeline
from tradenews.folders import allowed_roots, confine, resolve_folders

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


# The library's steps (tradenews/pipeline.py), as tasks; tasks that touch the file system retry on transient OS errors
read_inputs = task(pipeline.read_inputs, name="read-inputs", cache_policy=NO_CACHE, **FS_RETRIES)
extract_batch = task(pipeline.extract_batch, name="extract-batch", cache_policy=NO_CACHE, **FS_RETRIES)
build_and_validate = task(pipeline.build_and_validate_timed, name="build-and-validate", cache_policy=NO_CACHE)
publish_package = task(pipeline.publish_package, name="publish-package", cache_policy=NO_CACHE, **FS_RETRIES)
write_reports = task(pipeline.write_reports, name="write-reports", cache_policy=NO_CACHE, **FS_RETRIES)


@task(name="start-worker", cache_policy=NO_CACHE)
def start_worker() -> str:
    """Run on each process-pool worker first, while the flow reads: by the first batch the worker has
    started and imported the extraction stages and their reference data."""
    pipeline.warm_up()
    return f"{socket.gethostname()}:{os.getpid()}"


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


def quoted(step):
    """`step` (a task) called with its arguments in `quote(...)`: Prefect then does not walk the extractions,
    tables and reports looking for futures."""
    return lambda *args: step(*(quote(a) for a in args))


@contextlib.contextmanager
def extraction(runner: str, other_runner):
    """The extraction of the run (pipeline.Steps.extraction): batches of extract_batch on the flow's own thread
    (runner "default") or on `other_runner` (process pool, Dask), whose workers start while the folder is read."""
    with contextlib.ExitStack() as pool:
        pool.enter_context(shared_api(runner))
        other = pool.enter_context(other_runner) if other_runner is not None else None
        # process-pool workers start (interpreter, Prefect, the extraction stages) while the folder is read
        started = [other.submit(start_worker, {}) for _ in range(os.cpu_count() or 1)] if runner == "process" else []

        def extract(docs, cache_dir, doc_budget):
            cache_arg = str(cache_dir) if cache_dir else None
            if other is None:
                # the flow's own thread, one batch after the other: extraction is CPU-bound Python, and
                # batches on several threads would only take turns holding the GIL (and slow each other)
                return (extract_batch(quote(docs[i:i + BATCH]), cache_arg, doc_budget)
                        for i in range(0, len(docs), BATCH))
            size = batch_size(len(docs), LOCAL_DASK_WORKERS if runner == "dask" else os.cpu_count() or 1)
            futures = [other.submit(extract_batch, {"batch": docs[i:i + size], "cache_dir": cache_arg,
                                                    "doc_budget": doc_budget})
                       for i in range(0, len(docs), size)]
            return (futures.pop(0).result() for _ in range(len(futures)))  # each result kept once

        yield extract
        for future in started:
            future.result()


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

    Returns the run summary (RunSummary.compact(): rows, version, changes per table, timings); the
    per-document lists (paths extracted, changes per document) are in `run-summary.json` among the reports.
    """
    t_flow = time.perf_counter()
    other_runner = task_runner(runner, address)  # fails here, before anything is read, on a bad choice
    folders = resolve_folders(raw, out, reports, cache, use_cache)
    if deployment_run():  # parameters anyone who reaches the Prefect API can set
        confine(folders, allowed_roots(CHECKOUT), cache_given=bool(cache))
    steps = pipeline.Steps(read=quoted(read_inputs), extraction=lambda: extraction(runner, other_runner),
                           build_and_validate=quoted(build_and_validate), publish=quoted(publish_package),
                           report=quoted(write_reports), runner=runner, log=get_run_logger())
    summary = pipeline.run_steps(folders, steps, allow_shrink, doc_budget)
    create_markdown_artifact(summary.to_markdown(), key="tradenews-run-summary",
                             description="Rows per table, cache use, changes and rejected items of this run")
    timings = summary.timings
    timings["total"] = time.perf_counter() - t_flow
    # what the stages did not spend: task runs, state reports, moving batches and results between workers
    timings["orchestration"] = max(0.0, timings["total"] - sum(
        timings.get(k, 0.0) for k in ("read", "extract", "build", "validate", "publish", "validate_package",
                                      "reports")))
    return summary.compact()  # the per-document lists stay in the run-summary report


def main(argv: list[str] | None = None) -> int:
    """`python flows/publish.py`: the flow run directly, with its parameters as options (`tradenews run` is
    the usual way: it also starts the local Prefect server beside the imports)."""
    import argparse

    from tradenews.errors import TradenewsError
    from tradenews.folders import check_folders, check_out_folder
    from tradenews.summary import RunSummary

    parser = argparse.ArgumentParser(prog="python flows/publish.py", description=(
        "Run the publish-dataset flow: publish the texts in RAW as the data package OUT. "
        "`tradenews run` does the same with the local Prefect server started for you."))
    parser.add_argument("--raw", default="raw", help="folder of .txt articles and their .meta.json sidecars")
    parser.add_argument("--out", default="datapackage", help="package folder (empty, or a tradenews package)")
    parser.add_argument("--reports", default=None, help="run reports folder (default: reports/ beside OUT)")
    parser.add_argument("--cache", default=None, help="extraction cache folder")
    parser.add_argument("--no-cache", action="store_true", help="re-extract every document")
    parser.add_argument("--runner", default="default", choices=("default", "process", "dask"))
    parser.add_argument("--address", default=None, help="Dask scheduler address, for --runner dask")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="publish even if more than half of the published documents would be removed")
    args = parser.parse_args(argv)
    try:  # refused at once, before a flow run is recorded (the flow checks again)
        folders = resolve_folders(args.raw, args.out, args.reports, args.cache, not args.no_cache)
        check_folders(folders)
        check_out_folder(folders.out)
    except TradenewsError as exc:
        print(f"publish-dataset: refused: {exc}", file=sys.stderr)
        return 1
    try:
        result = publish_dataset(raw=args.raw, out=args.out, reports=args.reports, cache=args.cache,
                                 use_cache=not args.no_cache, runner=args.runner, address=args.address,
                                 allow_shrink=args.allow_shrink)
    except (OSError, TradenewsError) as exc:  # refused folders, a held lock, a failed publication: one line
        print(f"publish-dataset: {exc}", file=sys.stderr)
        return 1
    print(RunSummary.from_dict(result).to_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
