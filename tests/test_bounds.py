"""Figures that pass the types but cannot be true are rejected with the failed check in rejected-rows.csv (1e38
CNY, growth of 1e9 %, negative amounts and year 0001 row by row: tests/test_bad_input.py IMPOSSIBLE; here a
reference date years ahead and a whole run); the bounds are written once in schemas/fields.py and carried by
pandera and by the Table Schemas. Sidecars: an implausible published_date and a url that is not http(s) are
reported and ignored."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pandas as pd
import pytest

from schemas.fields import AMOUNT_MAX, DAYS_AHEAD, EARLIEST, GROWTH_MAX, TABLE_BY_NAME
from schemas.tableschema import table_schema
from tradenews import pipeline
from tradenews.ingest.read import read_sidecar
from tradenews.tables.validate import validate_tables


def _rejected(reports) -> list[dict[str, str]]:
    with (reports / "rejected-rows.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_table_schemas_carry_the_bounds():
    fields = {f["name"]: f for f in table_schema(TABLE_BY_NAME["deals"])["fields"]}
    assert fields["amount"]["constraints"] == {"minimum": 1, "maximum": AMOUNT_MAX}
    flows = {f["name"]: f for f in table_schema(TABLE_BY_NAME["trade_flows"])["fields"]}
    assert flows["growth_pct"]["constraints"] == {"minimum": -100, "maximum": GROWTH_MAX}
    assert flows["period_start"]["constraints"] == {"required": True, "minimum": EARLIEST, "maximum": "2100-12-31"}
    docs = {f["name"]: f for f in table_schema(TABLE_BY_NAME["documents"])["fields"]}
    assert docs["reference_date"]["maximumDaysAhead"] == DAYS_AHEAD


def test_a_reference_date_years_ahead_takes_its_document_out(seed_frames):
    frames = {name: df.copy() for name, df in seed_frames.items()}
    docs = frames["documents"]
    docs["reference_date"] = pd.array([dt.date.today() + dt.timedelta(days=DAYS_AHEAD + 30)],
                                      dtype=docs["reference_date"].dtype)
    kept, rejected = validate_tables(frames)
    assert f"reference_date_at_most_{DAYS_AHEAD}_days_ahead" in set(rejected["check"])
    assert len(kept["documents"]) == 0 and len(kept["deals"]) == 0  # its facts go with it, each reported
    assert set(rejected[rejected["table"] == "deals"]["check"]) <= {"foreign_key:documents.doc_id",
                                                                 "foreign_key:events.event_id"}  # or its event


def test_a_run_reports_a_figure_beyond_the_bounds(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big.txt").write_text("江西日报讯 2022年，江西省对俄罗斯进出口总额1250000亿元，同比增长99999%。\n"
                                 "在第六届中国国际进口博览会上，江西交易团与俄罗斯企业签约采购项目，金额900000000亿美元。\n",
                                 encoding="utf-8")
    (raw / "big.meta.json").write_text(json.dumps({"published_date": "2023-03-01"}), encoding="utf-8")
    (raw / "fine.txt").write_text("江西日报讯 2022年，江西省对俄罗斯进出口总额12.5亿元，同比增长8%。\n", encoding="utf-8")
    (raw / "fine.meta.json").write_text(json.dumps({"published_date": "2023-03-01"}), encoding="utf-8")
    summary = pipeline.run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    assert summary.rows["trade_flows"] == 1
    rejected = {(r["table"], r["column"], r["check"]) for r in _rejected(tmp_path / "reports")}
    assert ("trade_flows", "value", f"less_than_or_equal_to({AMOUNT_MAX})") in rejected
    assert ("trade_flows", "growth_pct", f"less_than_or_equal_to({GROWTH_MAX})") in rejected
    assert ("deals", "amount", f"less_than_or_equal_to({AMOUNT_MAX})") in rejected


@pytest.mark.parametrize("value, reason", [
    ("0001-01-01", "is before 1949-01-01, earlier than any source of this dataset; ignored"),
    ("1900-05-04", "is before 1949-01-01, earlier than any source of this dataset; ignored"),
    ("2999-01-01", "is in the future; ignored"),
])
def test_a_sidecar_date_out_of_range_is_reported_and_ignored(tmp_path, value, reason):
    path = tmp_path / "a.meta.json"
    path.write_text(json.dumps({"published_date": value, "title": "标题"}), encoding="utf-8")
    meta, warnings = read_sidecar(path)
    assert meta["published_date"] is None and meta["title"] == "标题"
    assert warnings == [f"a.meta.json: published_date {value!r} {reason}"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>",
                                 "ftp://example.org/a", "//example.org/a", "example.org/a"])
def test_a_sidecar_url_that_is_not_http_is_reported_and_ignored(tmp_path, url):
    path = tmp_path / "a.meta.json"
    path.write_text(json.dumps({"url": url, "published_date": "2023-11-12"}), encoding="utf-8")
    meta, warnings = read_sidecar(path)
    assert meta["url"] is None and meta["published_date"] == dt.date(2023, 11, 12)
    assert warnings == [f"a.meta.json: url {url!r} is not an http(s) address; ignored"]


def test_an_http_url_is_kept(tmp_path):
    path = tmp_path / "a.meta.json"
    for url in ("http://example.org/a", "HTTPS://example.org/b"):
        path.write_text(json.dumps({"url": url}), encoding="utf-8")
        assert read_sidecar(path) == ({"url": url, "publisher": None, "published_date": None, "title": None}, [])
