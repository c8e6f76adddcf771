"""The time budget of one document's extraction: a slow extraction is cut off and reported, in the main thread,
in another thread and in a forked worker process, and the run goes on; a crafted 2 MB file of digits,
Chinese numerals, long lines and brackets is read in seconds."""
from __future__ import annotations

import concurrent.futures
import csv
import multiprocessing
import random
import time

import pytest

from tests.reliability import short_article
from tradenews import pipeline
from tradenews.budget import OverBudget, time_budget
from tradenews.ingest.read import MAX_FILE_BYTES, read_source

SLOW_MARK = "慢慢"  # an article holding this is "slow" for the patched extractor


def _slow_extractor(real):
    def extract(doc):
        if SLOW_MARK in doc.text:
            t0 = time.monotonic()
            while time.monotonic() - t0 < 600:  # Python code that would run for ten minutes
                sum(range(1000))
        return real(doc)
    return extract


@pytest.fixture
def slow(monkeypatch):
    monkeypatch.setattr(pipeline, "extract_document", _slow_extractor(pipeline.extract_document))


def _raw(tmp_path, n: int = 3):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(n):
        (raw / f"a{i}.txt").write_text(short_article(i), encoding="utf-8")
    (raw / "slow.txt").write_text(short_article(9) + SLOW_MARK + "\n", encoding="utf-8")
    return raw


def test_a_slow_extraction_is_cut_off_and_reported(tmp_path, slow, watchdog):
    raw = _raw(tmp_path)
    t0 = time.monotonic()
    summary = pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports", doc_budget=1)
    print(f"run with one document cut off after 1 s: {time.monotonic() - t0:.1f} s")
    assert summary.documents == 4 and summary.rows["trade_flows"] == 3  # the others are published
    with (tmp_path / "reports" / "rejected-rows.csv").open(encoding="utf-8", newline="") as fh:
        rejected = list(csv.DictReader(fh))
    [row] = [r for r in rejected if r["check"] == "extraction"]
    assert row["table"] == "documents" and row["failure_case"] == (
        "extraction abandoned: it took longer than the 1 s budget for one document (--doc-budget); no facts are "
        "published from it")


def _extract_slow_batch(batch):
    """In a worker: the batch with a budget of one second (module level: a worker process calls it)."""
    extractions, _ = pipeline.extract_cached(batch, None, 1)
    return [ex.error for ex in extractions]


def test_the_budget_holds_in_another_thread_and_in_a_forked_worker(tmp_path, slow, watchdog):
    raw = _raw(tmp_path, 1)
    batch = pipeline.group_duplicates(pipeline.read_inputs(raw).sources)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # as Dask's worker threads run batches
        errors = pool.submit(_extract_slow_batch, batch).result()
    assert errors[0] is None and errors[1].startswith("extraction abandoned")
    pipeline.extract_cached(batch[:1], None, 1)  # the parent has a watchdog thread now; its child will not
    with multiprocessing.get_context("fork").Pool(1) as pool:  # the monkeypatch goes with the fork
        errors = pool.apply(_extract_slow_batch, (batch,))
    assert errors[0] is None and errors[1].startswith("extraction abandoned")


def test_budgets_that_end_as_the_work_ends_leave_no_stray_exception():
    done = cut = 0
    for i in range(300):
        try:
            with time_budget(0.0005 * (i % 7)):
                sum(range(2000 * (i % 5)))
            done += 1
        except OverBudget:
            cut += 1
        # an exception raised late would surface here, outside its block
        for _ in range(2000):
            pass
    assert done + cut == 300 and done > 0
    time.sleep(0.05)


def _hostile_text(limit: int) -> bytes:
    """Runs of digits and of Chinese numerals, long lines without punctuation, deep brackets, figures run
    together: what a regular expression with backtracking or a quadratic loop would stall on."""
    rnd = random.Random(11)
    pieces = [
        lambda: "".join(rnd.choice("0123456789") for _ in range(rnd.randint(200, 3000))),
        lambda: "".join(rnd.choice("零一二三四五六七八九十百千万亿") for _ in range(rnd.randint(200, 2000))),
        lambda: "江西省对俄罗斯进出口总额增长" * rnd.randint(50, 400),
        lambda: "（" * rnd.randint(100, 1000) + "金额1亿元" + "）" * rnd.randint(100, 1000),
        lambda: "[(【《" * rnd.randint(50, 300),
        lambda: "同比增长" + "1" * 500 + "%亿万元美元" * 100,
        lambda: "2023年11月5日至" * 200,
    ]
    parts, size = [], 0
    while size < limit:
        part = rnd.choice(pieces)() + ("\n" if rnd.random() < 0.3 else "")
        parts.append(part)
        size += len(part.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:limit].decode("utf-8", "ignore").encode("utf-8")


def test_a_crafted_2_mb_file_is_read_in_seconds_and_the_run_goes_on(tmp_path, watchdog):
    raw = _raw(tmp_path, 2)
    (raw / "slow.txt").unlink()
    (raw / "hostile.txt").write_bytes(_hostile_text(MAX_FILE_BYTES - 1000))
    t0 = time.monotonic()
    ex = pipeline.extract_source(read_source(raw, raw / "hostile.txt"))
    print(f"2 MB crafted file extracted in {time.monotonic() - t0:.1f} s")
    assert ex.error is None  # read whole, within the default budget
    summary = pipeline.run_job(raw, tmp_path / "pkg", tmp_path / "reports")
    assert summary.documents == 3 and summary.rows["trade_flows"] == 2
