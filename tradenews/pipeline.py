"""The steps of a run, as plain functions, and the one sequence that calls them in order (run_steps).

The steps: read the folder (read_inputs), extract a batch of documents (extract_batch), build and validate the
tables (build_and_validate_timed), publish the package (publish_package), write the reports (write_reports).
run_steps calls them in order under the package lock and returns the run's RunSummary (tradenews/summary.py).
run_job runs the sequence with the functions themselves; the Prefect flow (flows/publish.py) runs the same
sequence with the same functions wrapped in Prefect tasks (Steps), and the extraction batches on its runner.

Reading and extracting import only the ingest, mentions and records stages: a worker process that
only extracts (process pool, Dask) does not load pandas, pandera, pyarrow or frictionless. The
later stages import them when they run."""
from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tradenews.budget import DEFAULT_SECONDS as DOC_BUDGET
from tradenews.budget import OverBudget, time_budget
from tradenews.cache import CacheStats, ExtractionCache, unwritable
from tradenews.errors import Refused
from tradenews.escape import csv_text, escape_controls
from tradenews.fileio import write_atomic
from tradenews.folders import Folders, check_folders, check_out_folder
from tradenews.ingest.document import build_document
from tradenews.ingest.read import SIDECAR_SUFFIX, RejectedInput, list_inputs, read_source, relative_name
from tradenews.model import Extraction, SourceFile
from tradenews.records.extract import extract_document
from tradenews.summary import RunSummary
from tradenews.version import extractor_version, rules_version

if TYPE_CHECKING:
    import pandas as pd

    from tradenews.publish.package import PublishResult

# what run_steps logs (documents read and rejected, warnings, batches, the version published); the flow logs
# it through Prefect's run logger instead. Silent unless the application configures logging.
LOG = logging.getLogger(__name__)
LOG.addHandler(logging.NullHandler())

Batch = list[tuple[SourceFile, tuple[str, ...]]]  # documents to extract, each with all its paths


class Timings(dict):
    """Seconds spent per stage (perf_counter), added up over repeated stages; goes into RunSummary.timings."""

    @contextlib.contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)

    def add(self, name: str, seconds: float) -> None:
        self[name] = self.get(name, 0.0) + seconds

    def merge(self, other: dict[str, float]) -> None:
        for name, seconds in other.items():
            self.add(name, seconds)


def busy_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of (start, end) intervals: wall time during which at least one worker was busy."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


@dataclass
class ReadResult:
    sources: list[SourceFile] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)  # {"path", "reason"}
    warnings: list[str] = field(default_factory=list)


def read_inputs(raw_dir: Path, paths: list[Path] | None = None) -> ReadResult:
    """Read every text file; each ends up as a source or as a rejected document with its reason."""
    result = ReadResult()
    texts, orphans, refused = list_inputs(raw_dir)
    for orphan in orphans:  # an input file too: reported, never silently skipped
        stem = orphan.name[: -len(SIDECAR_SUFFIX)]
        result.rejected.append({"path": relative_name(raw_dir, orphan),
                                "reason": f"sidecar with no text file beside it (no {stem}.txt); ignored"})
    for path, reason in refused:  # not an input (another kind of file, a link out, a FIFO): reported
        result.rejected.append({"path": relative_name(raw_dir, path), "reason": reason})
    for path in (paths if paths is not None else texts):
        rel = relative_name(raw_dir, path)
        try:
            src = read_source(raw_dir, path)
        except RejectedInput as exc:
            result.rejected.append({"path": rel, "reason": str(exc)})
            continue
        except (PermissionError, IsADirectoryError, FileNotFoundError) as exc:
            result.rejected.append({"path": rel, "reason": f"cannot read the file ({exc.strerror or exc})"})
            continue
        # Any other OSError (EIO, ESTALE, EAGAIN...) propagates: the caller retries, and a run that
        # still fails leaves the package as it was instead of dropping the document's rows.
        result.sources.append(src)
        result.warnings.extend(f"{rel}: {w}" if not w.startswith(Path(rel).stem) else w for w in src.meta_warnings)
    return result


def check_documents(read: ReadResult, raw_dir: Path) -> None:
    """Refuse a run whose folder yields no document: publishing it would empty the package."""
    if read.sources:
        return
    if not read.rejected:
        raise Refused(f"--raw {raw_dir} holds no text file (an empty folder, or a share that is not mounted); "
                      "nothing was published")
    first = read.rejected[0]
    raise Refused(f"--raw {raw_dir}: none of its {len(read.rejected)} files is a document (e.g. {first['path']}: "
                  f"{first['reason']}); nothing was published")


def group_duplicates(sources: list[SourceFile]) -> list[tuple[SourceFile, tuple[str, ...]]]:
    """Identical bytes under several names are one document with all its paths; its metadata comes from the
    copy whose sidecar says most (a copy without a sidecar knows no publication date)."""
    by_hash: dict[str, list[SourceFile]] = {}
    for src in sources:
        by_hash.setdefault(src.sha256, []).append(src)

    def richest(s: SourceFile) -> tuple[int, str]:
        return -sum(1 for v in s.meta.values() if v), s.source_path

    return [(min(group, key=richest), tuple(sorted(s.source_path for s in group)))
            for group in sorted(by_hash.values(), key=lambda g: min(s.source_path for s in g))]


def warm_up() -> None:
    """Load the reference data and build the gazetteers (done once per process, on first use)."""
    extract_source(SourceFile("warm-up.txt", "0" * 64, "utf-8", "2023年11月5日,江西省与俄罗斯签署合作协议,金额1亿元。", {}))


def extract_source(src: SourceFile, paths: tuple[str, ...] = (), budget: float | None = DOC_BUDGET) -> Extraction:
    """The facts of one document. Reading its facts is abandoned after `budget` seconds (None: no limit):
    the document then counts with no facts, and the error says why (rejected-rows.csv, check 'extraction').
    Building the document (decoding, normalizing: linear in its size, under a second for 2 MB) is not
    timed."""
    doc = build_document(src)
    if paths:
        doc.source_path, doc.source_paths = paths[0], paths
    try:
        with time_budget(budget):
            return extract_document(doc)
    except OverBudget:
        return Extraction(doc.info(), error=f"extraction abandoned: it took longer than the {budget:g} s budget "
                                            "for one document (--doc-budget); no facts are published from it")
    except Exception as exc:  # noqa: BLE001 - one odd article never stops the others
        return Extraction(doc.info(), error=f"extraction failed: {type(exc).__name__}: {exc}")


def extraction_failures(extractions: list[Extraction]) -> pd.DataFrame:
    """Documents whose facts could not be read, as rows of the rejected-rows report."""
    import pandas as pd

    from tradenews.tables.validate import REJECT_COLUMNS

    rows = [{"table": "documents", "record_id": ex.document.doc_id, "doc_id": ex.document.doc_id,
             "column": None, "check": "extraction", "failure_case": ex.error}
            for ex in extractions if ex.error]
    return pd.DataFrame(rows, columns=REJECT_COLUMNS)


def build_and_validate(extractions: list[Extraction]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    from tradenews.tables.build import build_tables
    from tradenews.tables.validate import validate_tables

    frames = build_tables(extractions, rules_version())
    frames, rejected = validate_tables(frames)
    return frames, _with_failures(rejected, extractions)


def build_and_validate_timed(extractions: list[Extraction]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, Timings]:
    """Step: build_and_validate, and the seconds of each half ('build', 'validate')."""
    from tradenews.tables.build import build_tables
    from tradenews.tables.validate import validate_tables

    timings = Timings()
    with timings.stage("build"):
        frames = build_tables(extractions, rules_version())
    with timings.stage("validate"):
        frames, rejected = validate_tables(frames)
        rejected = _with_failures(rejected, extractions)
    return frames, rejected, timings


def _with_failures(rejected: pd.DataFrame, extractions: list[Extraction]) -> pd.DataFrame:
    import pandas as pd

    failures = extraction_failures(extractions)
    return pd.concat([failures, rejected], ignore_index=True) if len(failures) else rejected


def publish_package(frames: dict[str, pd.DataFrame], out: Path, rejected: dict[str, str], allow_shrink: bool = False,
                    figures: dict | None = None) -> tuple[PublishResult, Timings]:
    """Step: publish the tables into the package folder `out` (tradenews.publish.package.publish), and the
    seconds it took: the check of the written package (frictionless + pandera) counts as validation
    ('validate_package'), the rest is 'publish'."""
    from tradenews.publish.package import publish

    t0 = time.perf_counter()
    result = publish(frames, out, rejected=rejected, allow_shrink=allow_shrink, figures=figures)
    timings = Timings(publish=time.perf_counter() - t0)
    check = (result.timings or {}).get("check", 0.0)
    if check:
        timings.add("validate_package", check)
        timings.add("publish", -check)
    return result, timings


def write_reports(reports: Path, rejected_rows: pd.DataFrame, rejected_docs: list[dict], warnings: list[str],
                  summary: RunSummary, figures: list[dict] | None = None) -> None:
    """Step: the run's reports (figures, rejected rows and documents, warnings, run-summary.json)."""
    from tradenews.tables.figures import figures_csv

    reports.mkdir(parents=True, exist_ok=True)
    if figures is not None:
        write_atomic(reports / "figures.csv", figures_csv(figures))
    # the report CSVs are opened in spreadsheets too: their cells (names, values, reasons from the input) are
    # neutralised as the package's free text is (csv_text)
    write_atomic(reports / "rejected-rows.csv", rejected_rows.map(
        lambda v: csv_text(v) if isinstance(v, str) else v).to_csv(index=False))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["path", "reason"], lineterminator="\n")
    w.writeheader()
    w.writerows({k: csv_text(v) for k, v in row.items()} for row in rejected_docs)
    write_atomic(reports / "rejected-documents.csv", buf.getvalue())
    write_atomic(reports / "warnings.txt", "".join(f"{escape_controls(w)}\n" for w in warnings))
    write_atomic(reports / "run-summary.json", summary.to_json())


def open_cache(cache_dir: Path | str | None) -> ExtractionCache | None:
    return ExtractionCache(Path(cache_dir), extractor_version()) if cache_dir else None


def extract_cached(batch: list[tuple[SourceFile, tuple[str, ...]]], cache: ExtractionCache | None,
                   budget: float | None = DOC_BUDGET) -> tuple[list[Extraction], CacheStats]:
    """Extract each document, or load it from the cache (keyed by content, sidecar and extractor version).
    A cache that cannot be written (a full disk, a read-only folder) is still read, no longer written, and
    the batch's stats say so (stats.warnings): the run goes on without caching instead of failing."""
    stats = CacheStats()
    extractions = []
    writable = cache is not None
    for src, paths in batch:
        ex = cache.get(src) if cache is not None else None
        if ex is not None:
            paths = paths or (src.source_path,)
            ex.document.source_path, ex.document.source_paths = paths[0], tuple(paths)
            stats.cached.append(ex.document.source_path)
        else:
            ex = extract_source(src, paths, budget)
            if writable and ex.error is None:  # a failure is retried on the next run
                try:
                    cache.put(src, ex)
                except OSError as exc:
                    writable = False
                    stats.warnings.append(unwritable(cache.root, exc))
            stats.extracted.append(ex.document.source_path)
        extractions.append(ex)
    return extractions, stats


@dataclass
class BatchWork:
    """What extracting one batch cost, measured where it ran (a thread, a process or a Dask worker)."""

    seconds: float  # wall time of the batch
    cpu_seconds: float  # CPU time of the thread that ran it
    started: float  # time.time() at start and end: intervals from several workers can be merged
    ended: float
    documents: int
    worker: str = ""  # host:pid of the process that ran it


def extract_batch(batch: Batch, cache_dir: Path | str | None, doc_budget: float | None = DOC_BUDGET
                  ) -> tuple[list[Extraction], CacheStats, BatchWork]:
    """Step: extract_cached with the cache at `cache_dir` (None: no cache), plus what the batch cost."""
    started, t0, c0 = time.time(), time.perf_counter(), time.thread_time()
    extractions, stats = extract_cached(batch, open_cache(cache_dir), doc_budget)
    work = BatchWork(time.perf_counter() - t0, time.thread_time() - c0, started, time.time(), len(batch),
                     f"{socket.gethostname()}:{os.getpid()}")
    return extractions, stats, work


def extraction_timings(timings: Timings, work: list[BatchWork]) -> None:
    """Add the extraction figures of all batches: 'extract' (busy wall time, the union of the batches'
    intervals), 'extract_work' (sum of batch wall times) and 'extract_cpu' (sum of their CPU times)."""
    timings.add("extract", busy_seconds([(w.started, w.ended) for w in work]))
    timings.add("extract_work", sum(w.seconds for w in work))
    timings.add("extract_cpu", sum(w.cpu_seconds for w in work))


def summarize(read: ReadResult, frames: dict[str, pd.DataFrame], rejected_rows: pd.DataFrame, result: PublishResult,
              folders: Folders, documents: int, stats: CacheStats, figures: dict, runner: str | None,
              work: list[BatchWork]) -> RunSummary:
    """The run's summary, once the package is published (its timings are set when the run ends)."""
    return RunSummary(
        files_read=len(read.sources) + len(read.rejected),
        documents=documents,
        rejected_documents=len(read.rejected),
        rows={name: len(df) for name, df in frames.items()},
        rejected_rows=int(rejected_rows["record_id"].nunique()) if len(rejected_rows) else 0,
        warnings=len(read.warnings),
        package=str(result.path),
        version=result.version,
        published_changes=bool(result.changed),
        reports=str(folders.reports),
        extractor_version=extractor_version(),
        documents_cached=len(stats.cached),
        documents_extracted=len(stats.extracted),
        extracted=sorted(stats.extracted),
        cache=str(folders.cache) if folders.cache else None,
        cache_warnings=list(stats.warnings),
        package_warnings=list(result.warnings),
        change=result.change,
        changes=result.diff.as_dict() if result.diff else None,
        changelog=str(result.path / "CHANGELOG.md") if result.diff else None,
        figures=figures,
        runner=runner,
        extraction_batches=len(work),
        extraction_workers=sorted({w.worker for w in work}),  # host:pid of each process that extracted
        rejected=list(read.rejected),
    )


# Extracts the documents in batches: (documents, cache folder, budget per document) -> the result of each batch
ExtractAll = Callable[[Batch, Path | None, float | None], Iterable[tuple[list[Extraction], CacheStats, BatchWork]]]


@contextlib.contextmanager
def one_batch() -> Iterator[ExtractAll]:
    """The library's extraction: all documents in one batch, in this thread."""
    yield lambda docs, cache_dir, doc_budget: [extract_batch(docs, cache_dir, doc_budget)]


@dataclass
class Steps:
    """The steps run_steps calls, in this order; the defaults are the library's functions. The flow passes the
    same functions wrapped in Prefect tasks, its own `extraction` (batches on its task runner), its runner's
    name and its run logger."""

    # (the defaults are this module's functions as they are when Steps() is made, i.e. when the run starts)
    read: Callable[[Path], ReadResult] = field(default_factory=lambda: read_inputs)
    # entered before the folder is read and left once every batch is extracted (a process pool's workers
    # start while the folder is read); gives the function that extracts the documents
    extraction: Callable[[], contextlib.AbstractContextManager[ExtractAll]] = field(default_factory=lambda: one_batch)
    build_and_validate: Callable[[list[Extraction]], tuple[dict[str, pd.DataFrame], pd.DataFrame, Timings]] = \
        field(default_factory=lambda: build_and_validate_timed)
    # (frames, out, rejected {path: reason}, allow_shrink, figure counts)
    publish: Callable[..., tuple[PublishResult, Timings]] = field(default_factory=lambda: publish_package)
    # (reports folder, rejected rows, rejected documents, warnings, summary, figures)
    report: Callable[..., None] = field(default_factory=lambda: write_reports)
    runner: str | None = None  # recorded in the summary
    log: logging.Logger | logging.LoggerAdapter = LOG


def run_steps(folders: Folders, steps: Steps | None = None, allow_shrink: bool = False,
              doc_budget: float | None = DOC_BUDGET) -> RunSummary:
    """The run, in order: check the folders, take the package lock, read, extract (cached when folders.cache is
    set), build and validate, publish, report, prune the cache. `allow_shrink` lets it remove more than
    MAX_SHRINK of the published documents (publish()); `doc_budget`: seconds the extraction of one document
    may take (extract_source). The summary's timings hold the seconds of each stage (see Timings)."""
    from tradenews.publish.package import package_lock
    from tradenews.tables.figures import figure_counts, figure_rows

    steps = steps or Steps()
    log = steps.log
    timings, t0 = Timings(), time.perf_counter()
    check_folders(Folders(folders.raw.resolve(), folders.out.resolve(), folders.reports.resolve(),
                          folders.cache.resolve() if folders.cache else None))  # refused before anything is read
    check_out_folder(folders.out.resolve())  # before the lock file is created beside it
    with package_lock(folders.out) as lock:
        log.info("holding %s", lock)
        with steps.extraction() as extract:
            with timings.stage("read"):
                read = steps.read(folders.raw)
            check_documents(read, folders.raw.resolve())
            for w in read.warnings:  # (names and values from the input: no terminal escapes reach the log)
                log.warning(escape_controls(w))
            for r in read.rejected:
                log.warning("rejected %s: %s", escape_controls(r["path"]), escape_controls(r["reason"]))
            docs = group_duplicates(read.sources)
            extractions: list[Extraction] = []
            stats = CacheStats()
            work: list[BatchWork] = []
            for batch, batch_stats, batch_work in extract(docs, folders.cache, doc_budget):
                extractions.extend(batch)
                stats.merge(batch_stats)
                work.append(batch_work)
                log.info("extracted %d/%d documents", len(extractions), len(docs))
        extraction_timings(timings, work)
        for w in stats.warnings:  # a full or read-only cache: the run went on without writing to it
            log.warning(escape_controls(w))
        read.warnings.extend(stats.warnings)
        log.info("documents: %d from cache, %d extracted%s (runner %s, %d batches)", len(stats.cached),
                 len(stats.extracted), f" (cache {folders.cache})" if folders.cache else " (cache off)",
                 steps.runner or "library", len(work))
        figures = figure_rows(extractions)
        frames, rejected_rows, stage_timings = steps.build_and_validate(extractions)
        extractions.clear()  # only the tables from here on: publishing holds no per-article objects
        timings.merge(stage_timings)
        counts = figure_counts(figures)
        result, stage_timings = steps.publish(frames, folders.out, {r["path"]: r["reason"] for r in read.rejected},
                                              allow_shrink, counts)
        timings.merge(stage_timings)
        for w in result.warnings:  # the published package was damaged: republished from source
            log.warning(escape_controls(w))
        read.warnings.extend(result.warnings)
        summary = summarize(read, frames, rejected_rows, result, folders, len(docs), stats, counts, steps.runner, work)
        with timings.stage("reports"):
            steps.report(folders.reports, rejected_rows, read.rejected, read.warnings, summary, figures)
            if folders.cache:
                open_cache(folders.cache).prune()
    if result.changed:
        log.info("published version %s (%s)", result.version, result.change)
    else:
        log.info("package unchanged: version %s, nothing new published", result.version)
    timings["total"] = time.perf_counter() - t0
    summary.timings = timings
    return summary


def run_job(raw_dir: Path, out: Path, reports: Path, cache_dir: Path | None = None, allow_shrink: bool = False,
            doc_budget: float | None = DOC_BUDGET) -> RunSummary:
    """The whole job without Prefect: run_steps with the library's own steps, all documents in one batch;
    extraction cached when `cache_dir` is set. The folders are used as given (the summary names them so) and
    checked resolved."""
    return run_steps(Folders(Path(raw_dir), Path(out), Path(reports), Path(cache_dir) if cache_dir else None),
                     Steps(), allow_shrink, doc_budget)


def run_local(raw_dir: Path, out: Path, reports: Path) -> RunSummary:
    """The whole job without Prefect: read, extract, build, validate, publish, report (no cache)."""
    return run_job(raw_dir, out, reports, cache_dir=None)
