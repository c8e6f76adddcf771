"""The benchmark's article generator and its harness (at a tiny N; the benchmark itself is `make bench`)."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import SEED


def test_generator_is_deterministic_and_corpora_are_nested(tmp_path):
    from tradenews.bench.generate import article, write_corpus

    assert article(7, seed=1) == article(7, seed=1)
    assert article(7, seed=1).text != article(7, seed=2).text
    small, big = tmp_path / "small", tmp_path / "big"
    counts = write_corpus(small, 20, seed=3)
    write_corpus(big, 30, seed=3)
    assert counts["generated"] == 20 and counts["real"] == 0
    names = sorted(p.name for p in small.iterdir())
    assert sum(n.endswith(".txt") for n in names) == 20
    for name in names:  # the corpus of 20 is the first 20 articles of the corpus of 30, byte for byte
        assert (small / name).read_bytes() == (big / name).read_bytes()


def test_generated_articles_look_like_the_genre():
    from tradenews.bench.generate import GENRES, article

    arts = [article(i, seed=0) for i in range(300)]
    assert len({a.text for a in arts}) == 300  # no two pages alike
    assert {a.genre for a in arts} == {g[0] for g in GENRES}
    hant = sum(a.script == "Hant" for a in arts) / len(arts)
    assert 0.12 < hant < 0.28
    assert 0.3 < sum(a.meta is not None for a in arts) / len(arts) < 0.5
    assert {a.encoding for a in arts} >= {"utf-8", "gb18030", "utf-16", "utf-8-sig"}
    boiler = ("当前位置", "您现在的位置", "首页 >", "责任编辑", "責任編輯", "分享到")
    assert sum(any(b in a.text for b in boiler) for a in arts) == len(arts)  # every page has site furniture
    hant_text = next(a.text for a in arts if a.script == "Hant")
    assert re.search("[與對進華貿]", hant_text)  # really converted to Traditional
    assert all(re.search(r"\d+(\.\d+)?(亿|万|億|萬)", a.text) for a in arts)  # every article has amounts


def test_pipeline_extracts_the_generated_facts(tmp_path):
    """A generated trade-statistics article yields its headline flow; expo articles their deals."""
    from tradenews.bench.generate import article
    from tradenews.ingest.read import read_source
    from tradenews.pipeline import extract_source

    stats = next(a for a in (article(i, seed=11) for i in range(200))
                 if a.genre == "trade_statistics" and a.script == "Hans" and a.meta and a.meta["published_date"])
    stats.write(tmp_path)
    ex = extract_source(read_source(tmp_path, tmp_path / f"{stats.name}.txt"))
    m = re.search(r"对(\S+?)进出口总值([\d.]+)(亿元|亿美元)", stats.text)
    value = float(m.group(2)) * 1e8
    currency = "CNY" if m.group(3) == "亿元" else "USD"
    assert any(f.value is not None and abs(f.value - value) < 1 and f.currency == currency for f in ex.trade_flows), \
        (stats.text, ex.trade_flows)

    found = 0
    for a in (article(i, seed=12) for i in range(60)):
        if a.genre in ("expo_delegation", "signing"):
            a.write(tmp_path)
            found += bool(extract_source(read_source(tmp_path, tmp_path / f"{a.name}.txt")).deals)
    assert found >= 10


def test_library_run_on_a_generated_corpus(tmp_path):
    from tradenews.bench.generate import write_corpus
    from tradenews.pipeline import run_job

    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(SEED, real / SEED.name)
    counts = write_corpus(tmp_path / "raw", 60, seed=2, real_dir=real)
    assert counts["real"] == 1 and counts["generated"] == 59
    summary = run_job(tmp_path / "raw", tmp_path / "pkg", tmp_path / "reports")
    assert summary.documents == 60 and summary.rejected_documents == 0
    rows = summary.rows
    assert rows["deals"] >= 60 and rows["trade_flows"] >= 20 and rows["events"] >= 20
    t = summary.timings
    assert set(t) >= {"read", "extract", "extract_cpu", "build", "validate", "validate_package", "publish", "total"}
    assert 0 < t["extract"] < t["total"] and sum(t[k] for k in ("read", "extract", "build", "validate",
                                                                   "validate_package", "publish")) <= t["total"]


@pytest.mark.slow
def test_bench_harness_at_tiny_n(tmp_path):
    from tradenews.bench.run import main

    results = tmp_path / "results.md"
    assert main(["--sizes", "6", "--runners", "default,process", "--work", str(tmp_path / "work"),
                 "--results", str(results), "--no-warmup", "--profile", "6", "--raw", str(SEED.parent)]) == 0
    text = results.read_text(encoding="utf-8")
    assert "## Machine" in text and "cores" in text
    flow = re.search(r"^\| 6 \| flow/default \| ([\d.]+) \| ([\d,]+) \| ([\d,]+) \|", text, re.M)
    lib = re.search(r"^\| 6 \| library \| ([\d.]+) \|", text, re.M)
    assert flow and lib
    assert float(flow.group(1)) > 0 and int(flow.group(3).replace(",", "")) > 50  # peak RSS in MB
    assert re.search(r"^\| 6 \| flow/default \| [\d.]+ \|$", text, re.M)  # flow / library ratio
    assert "## Extraction profile" in text and "cumtime" in text
    alone = re.search(r"^\| extraction alone >= 500 articles/s per core \| ([\d,]+) articles per CPU second "
                      r"\(best of 5 passes over 6 articles; ([\d,]+) in the library run of 6, one pass\) \| (yes|NO) \|$",
                      text, re.M)
    assert alone and int(alone.group(1).replace(",", "")) > 0, text[text.find("## Targets"):]
    # the flow (in its child process) and the library path published the same tables
    work = tmp_path / "work" / "n6"
    for table in ("documents", "deals", "trade_flows", "events", "evidence"):
        assert (work / "flow-default" / "pkg" / "data" / f"{table}.csv").read_bytes() == \
            (work / "library" / "pkg" / "data" / f"{table}.csv").read_bytes()
    for runner in ("default", "process"):
        child = json.loads((work / f"flow-{runner}" / "child.json").read_text(encoding="utf-8"))
        assert child["documents"] == 6 and child["timings"]["total"] > 0
        assert (work / f"flow-{runner}" / "pkg" / "data" / "deals.csv").read_bytes() == \
            (work / "library" / "pkg" / "data" / "deals.csv").read_bytes()
    figures = json.loads((tmp_path / "work" / "runs.json").read_text(encoding="utf-8"))
    process = next(r for r in figures if r["label"] == "flow/process")
    # the pool's workers report to the flow's embedded Prefect server instead of starting their own
    assert process["prefect_servers"] == 1 and process["processes"] >= 4


def test_cli_bench_hands_its_options_to_the_harness(capsys):
    from tradenews.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["bench", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "tradenews bench" in out and "--sizes" in out and "--runners" in out
