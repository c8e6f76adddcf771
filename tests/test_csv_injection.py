"""Formula injection (OWASP CSV injection): free-text cells of the CSV files that start with = + - @ or a tab
get a leading quote, control and bidi-override characters are escaped there; numbers stay numbers; the
Parquet files keep the exact text; the package still validates, and the CSV == Parquet check applies the
rule exactly."""
from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from tradenews import pipeline
from tradenews.escape import csv_text
from tradenews.publish.check import check_package

TITLE = '=HYPERLINK("http://example.invalid","点击")'
PUBLISHER = "@SUM(1+1)\u202e报社"
ARTICLE = ("江西日报讯 2022年，江西省对俄罗斯进出口总额12.5亿元，同比下降5%。\n"
           "在第六届中国国际进口博览会上，江西交易团与俄罗斯企业签约采购项目，金额1200万美元。\n")


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    base = tmp_path_factory.mktemp("inject")
    raw = base / "raw"
    raw.mkdir()
    (raw / "-cmd.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "-cmd.meta.json").write_text(json.dumps({"title": TITLE, "publisher": PUBLISHER,
                                                    "published_date": "2023-11-12"}), encoding="utf-8")
    (raw / "+tab.txt").write_text(ARTICLE.replace("12.5", "13.5"), encoding="utf-8")
    (raw / "+tab.meta.json").write_text(json.dumps({"title": "\t=1+1\x1b[31m", "published_date": "2023-11-12"}),
                                        encoding="utf-8")
    pipeline.run_local(raw, base / "pkg", base / "reports")
    return base / "pkg"


def test_the_rule():
    assert csv_text("=1+1") == "'=1+1" and csv_text("+86") == "'+86" and csv_text("-5%") == "'-5%"
    assert csv_text("@x") == "'@x" and csv_text("\tx") == "'\tx"
    assert csv_text("\r=1") == "\\x0d=1"  # escaped, so no longer a carriage return that a sheet could read
    assert csv_text("a\u202eb\x85c\x1bd") == "a\\u202eb\\x85c\\x1bd"
    assert csv_text("第一行\n第二行\t末") == "第一行\n第二行\t末"  # newline and tab inside a cell are text
    assert csv_text("江西") == "江西" and csv_text("1-2") == "1-2"


def test_text_cells_are_neutralised_in_csv_and_exact_in_parquet(package):
    docs = {row["source_path"]: row for row in _rows(package / "data" / "documents.csv")}
    assert set(docs) == {"'-cmd.txt", "'+tab.txt"}
    assert docs["'-cmd.txt"]["title"] == "'" + TITLE
    assert docs["'-cmd.txt"]["publisher"] == "'@SUM(1+1)\\u202e报社"
    assert docs["'+tab.txt"]["title"] == "'\t=1+1\\x1b[31m"
    parquet = pq.read_table(package / "data" / "documents.parquet").to_pylist()
    by_path = {row["source_path"]: row for row in parquet}
    assert set(by_path) == {"-cmd.txt", "+tab.txt"}
    assert by_path["-cmd.txt"]["title"] == TITLE and by_path["-cmd.txt"]["publisher"] == PUBLISHER
    assert by_path["+tab.txt"]["title"] == "\t=1+1\x1b[31m"


def test_negative_numbers_stay_numbers(package):
    flows = _rows(package / "data" / "trade_flows.csv")
    assert flows and {row["growth_pct"] for row in flows} == {"-5"}
    assert {row["reporter_code"] for row in flows} == {"CN-JX"}  # codes and ids are never prefixed


def test_the_package_validates_and_the_equality_check_is_exact(package, tmp_path):
    assert check_package(package) == []
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    path = copy / "data" / "documents.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("'" + TITLE.replace('"', '""'), TITLE.replace('"', '""')),
                    encoding="utf-8")
    # the hash in the descriptor would catch the edit first: refresh it, as someone who edits on purpose would
    from tradenews.publish.descriptor import file_facts

    desc = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["path"] == "data/documents.csv":
            res.update(file_facts(path))
    (copy / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    errors = check_package(copy)
    assert "documents: CSV and Parquet rows differ (beyond the neutralised free text)" in errors, errors


def test_the_report_csvs_are_neutralised_too(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "=cmd.txt").write_bytes(b"")  # rejected: its name goes into rejected-documents.csv
    (raw / "@x.meta.json").write_text("{}", encoding="utf-8")  # a sidecar with no text
    pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    rows = _rows(tmp_path / "reports" / "rejected-documents.csv")
    assert {row["path"] for row in rows} == {"'=cmd.txt", "'@x.meta.json"}
