"""Bad input: every kind of file a scheduled publisher meets in raw/ ends up as a document or as a
rejected document with its reason, the run goes on with the rest, and impossible figures never reach
the published tables.

One run of the plain pipeline over a folder holding every case (module fixture), then one test per
case; the decoders and the sidecar reader are also tested on their own.
"""
from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import random
import shutil
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from opencc import OpenCC

from schemas.fields import TABLES
from tests.conftest import SEED, extract_text
from tests.reliability import documents_paths, input_files, rejected_documents, short_article
from tradenews.ingest.document import build_document
from tradenews.ingest.read import MAX_FILE_BYTES, RejectedInput, decode_bytes, read_sidecar, read_source
from tradenews.pipeline import run_local
from tradenews.publish.check import check_package
from tradenews.publish.files import read_csv
from tradenews.tables.build import build_tables
from tradenews.tables.validate import validate_tables

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.splitlines()


def traditional(text: str) -> str:
    """The text in Traditional characters, as far as Big5 can write it."""
    return OpenCC("s2tw").convert(text).encode("big5", errors="ignore").decode("big5")


TRADITIONAL = traditional(SEED_TEXT)
GBK_TEXT = SEED_TEXT + "\n（责任编辑：黎军）\n"  # the seed in GBK alone would be the same bytes as in GB18030
NON_UTF8_NAME = b"\xd6\xd0\xce\xc4.txt"  # 中文.txt in GBK: a name from a Windows archive


def _mixed_bytes() -> bytes:
    """Lines pasted from pages in three encodings, and a line of bytes that are nothing."""
    return ("\n".join(SEED_LINES[:12]).encode("utf-8") + b"\n"
            + "\n".join(SEED_LINES[12:20]).encode("gbk") + b"\n"
            + "\n".join(traditional(line) for line in SEED_LINES[20:24]).encode("big5") + b"\n"
            + b"\xff\xfe\x80\x81\n" + "\n".join(SEED_LINES[24:]).encode("utf-8"))


def _random_bytes(n: int, seed: int, alphabet: bytes | None = None) -> bytes:
    rnd = random.Random(seed)
    return bytes(rnd.choice(alphabet) if alphabet else rnd.randrange(256) for _ in range(n))


# name -> bytes; the expected outcome of each is asserted below
FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "whitespace.txt": b"  \n\t\r\n   \n",
    "blank-ideographic.txt": "\u3000\u3000\n\u00a0\u200b\ufeff\n".encode("utf-8"),
    "report-pdf.txt": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n" + _random_bytes(3000, 1),
    "photo-png.txt": b"\x89PNG\r\n\x1a\n" + _random_bytes(2000, 2),
    "photo-jpg.txt": b"\xff\xd8\xff\xe0\x00\x10JFIF" + _random_bytes(2000, 3),
    "noise-bin.txt": _random_bytes(5000, 4),
    "noise-without-nul.txt": _random_bytes(3000, 5, bytes(range(1, 32)) + bytes(range(0x80, 0x100))),
    "english.txt": b"Trade between the two provinces grew 28% in 2022, to 7.26 billion yuan.\n",
    "gb18030.txt": SEED_TEXT.encode("gb18030"),
    "gbk.txt": GBK_TEXT.encode("gbk"),
    "big5.txt": TRADITIONAL.encode("big5"),
    "utf16-bom.txt": SEED_TEXT.encode("utf-16"),
    "utf16le-no-bom.txt": SEED_TEXT.encode("utf-16-le"),
    "utf16be-no-bom.txt": SEED_TEXT.encode("utf-16-be"),
    "utf8-bom.txt": codecs.BOM_UTF8 + SEED_TEXT.encode("utf-8"),
    "mixed-encodings.txt": _mixed_bytes(),
    "invalid-bytes.txt": SEED_TEXT[:3000].encode("utf-8") + b"\xc3\x28\xff" + SEED_TEXT[3000:].encode("utf-8"),
    "one-long-line.txt": ("".join(SEED_LINES) * 30).encode("utf-8"),
    "copy-a.txt": short_article(1).encode("utf-8"),
    "copy-b.txt": short_article(1).encode("utf-8"),
    "sub/dir/article.txt": short_article(2).encode("utf-8"),
    "broken-json.txt": short_article(3).encode("utf-8"),
    "broken-json.meta.json": b'{"publisher": "\xe6\xb1\x9f\xe8\xa5\xbf\xe6\x97\xa5\xe6\x8a\xa5", ',
    "unknown-keys.txt": short_article(4).encode("utf-8"),
    "unknown-keys.meta.json": json.dumps({"publisher": "江西日报", "author": "黎军", "tags": ["进博会"]},
                                         ensure_ascii=False).encode("utf-8"),
    "bad-date.txt": short_article(5).encode("utf-8"),
    "bad-date.meta.json": json.dumps({"published_date": "上周五", "title": "标题"}, ensure_ascii=False).encode(),
    "orphan.meta.json": json.dumps({"publisher": "江西日报"}, ensure_ascii=False).encode("utf-8"),
    "notes.md": "# 说明\n这是笔记。\n".encode("utf-8"),  # Chinese text, but not a .txt input
    "report.pdf": b"%PDF-1.7\n" + _random_bytes(100, 6),
}

REJECTED = {  # file -> the reason the rejected-documents report gives
    "empty.txt": "empty file",
    "whitespace.txt": "file holds only whitespace",
    "blank-ideographic.txt": "file holds only whitespace",
    "report-pdf.txt": "binary content (a PDF file), not text",
    "photo-png.txt": "binary content (a PNG image), not text",
    "photo-jpg.txt": "binary content (a JPEG image), not text",
    "noise-bin.txt": "binary content (NUL bytes), not text",
    "noise-without-nul.txt": "binary or undecodable content",
    "english.txt": "no Chinese text in the file",
    "huge.txt": f"above the {MAX_FILE_BYTES // 2**20} MB limit for one article: split it into articles",
    "orphan.meta.json": "sidecar with no text file beside it (no orphan.txt)",
    "notes.md": "not a .txt file: only NAME.txt texts (and NAME.meta.json sidecars) are inputs; not read",
    "report.pdf": "not a .txt file",
}

DECODED = {  # file -> encoding recorded in the documents table
    "gb18030.txt": "gb18030", "gbk.txt": "gb18030", "big5.txt": "big5", "utf16-bom.txt": "utf-16",
    "utf16le-no-bom.txt": "utf-16-le", "utf16be-no-bom.txt": "utf-16-be", "utf8-bom.txt": "utf-8-sig",
    "mixed-encodings.txt": "mixed: utf-8+gb18030+big5 (invalid bytes replaced)",
    "invalid-bytes.txt": "utf-8 (invalid bytes replaced)", "one-long-line.txt": "utf-8",
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-input")
    raw = base / "raw"
    for name, data in FILES.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    (raw / "huge.txt").write_bytes(SEED_TEXT.encode("utf-8") * 4800)  # 52.6 MB of real text
    shutil.copy(SEED, raw / os.fsdecode(NON_UTF8_NAME))
    summary = run_local(raw, base / "pkg", base / "reports")
    printed = summary.to_text()
    docs = read_csv(base / "pkg" / "data" / "documents.csv", TABLES[0])
    by_path = {p: row for _, row in docs.iterrows() for p in row["source_paths"].split("|")}
    return SimpleNamespace(raw=raw, pkg=base / "pkg", reports=base / "reports", summary=summary,
                           printed=printed, docs=docs, by_path=by_path,
                           rejected=rejected_documents(base / "reports"),
                           warnings=(base / "reports" / "warnings.txt").read_text(encoding="utf-8"))


# --- every file is accounted for ----------------------------------------------------------------------

def test_every_input_file_is_a_document_or_a_rejected_document(bad_run):
    inputs = input_files(bad_run.raw)
    published = documents_paths(bad_run.pkg)
    assert len(published) == len(set(published))
    assert not set(published) & set(bad_run.rejected), "a file is both a document and rejected"
    assert sorted([*published, *bad_run.rejected]) == inputs, "a file was silently dropped"
    assert bad_run.summary.files_read == len(inputs)
    assert bad_run.summary.rejected_documents == len(REJECTED) == len(bad_run.rejected)
    assert bad_run.summary.documents == len(bad_run.docs) == len(published) - 1  # copy-a/copy-b are one
    assert (f"tradenews: read {len(inputs)} files -> {len(bad_run.docs)} documents, "
            f"{len(REJECTED)} rejected documents") in bad_run.printed
    assert check_package(bad_run.pkg) == []


@pytest.mark.parametrize("name,reason", sorted(REJECTED.items()))
def test_rejected_file_is_named_with_its_reason(bad_run, name, reason):
    assert reason in bad_run.rejected[name]
    assert name not in bad_run.by_path


def test_the_50_mb_file_is_refused_without_reading_it(bad_run, tmp_path):
    assert bad_run.rejected["huge.txt"].startswith("file is 52.6 MB, above the 2 MB limit")
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(RejectedInput):
        read_source(bad_run.raw, bad_run.raw / "huge.txt")
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1 and peak < 3 * MAX_FILE_BYTES  # reads at most the limit, never the 50 MB


@pytest.mark.parametrize("name,encoding", sorted(DECODED.items()))
def test_encoded_file_is_a_document_with_its_encoding(bad_run, name, encoding):
    row = bad_run.by_path[name]
    assert row["encoding"] == encoding
    assert row["chars"] > 1000


@pytest.mark.parametrize("name", ["gb18030.txt", "gbk.txt", "utf16-bom.txt", "utf16le-no-bom.txt",
                                  "utf16be-no-bom.txt", "utf8-bom.txt"])
def test_encoded_file_reads_exactly_as_the_utf8_original(bad_run, tmp_path, name):
    original = tmp_path / "original.txt"
    original.write_text(GBK_TEXT if name == "gbk.txt" else SEED_TEXT, encoding="utf-8")
    expected = build_document(read_source(tmp_path, original))
    doc = build_document(read_source(bad_run.raw, bad_run.raw / name))
    assert doc.text == expected.text and doc.reference_date == expected.reference_date


def test_big5_reads_as_the_traditional_text_and_is_simplified(bad_run):
    src = read_source(bad_run.raw, bad_run.raw / "big5.txt")
    assert src.text == TRADITIONAL and bad_run.by_path["big5.txt"]["script"] == "Hant"
    assert "江西交易团" in build_document(src).text


def test_every_encoding_extracts_the_same_trade_flow(bad_run):
    flows = read_csv(bad_run.pkg / "data" / "trade_flows.csv", TABLES[4])
    evidence = read_csv(bad_run.pkg / "data" / "evidence.csv", TABLES[6])
    seed_flow = flows[(flows["reporter_code"] == "CN-JX") & (flows["partner_code"] == "RU")
                      & (flows["value"] == 7258000000)]
    assert len(seed_flow) == 1  # one row, supported by every document that states it
    supporting = set(evidence.loc[evidence["record_id"] == seed_flow.iloc[0]["flow_id"], "doc_id"])
    for name in DECODED:
        assert bad_run.by_path[name]["doc_id"] in supporting, name


def test_mixed_encodings_are_decoded_line_by_line_and_reported(bad_run):
    text = read_source(bad_run.raw, bad_run.raw / "mixed-encodings.txt").text
    lines = text.split("\n")
    assert lines[:12] == SEED_LINES[:12]  # UTF-8
    assert lines[12:20] == SEED_LINES[12:20]  # GBK
    assert lines[20:24] == [traditional(line) for line in SEED_LINES[20:24]]  # Big5
    assert set(lines[24]) == {"\ufffd"}  # bytes that are nothing
    assert lines[25:] == SEED_LINES[24:]
    assert "mixed-encodings.txt: lines in several encodings, decoded line by line" in bad_run.warnings
    assert "mixed-encodings.txt: undecodable bytes replaced with U+FFFD" in bad_run.warnings


def test_invalid_bytes_are_replaced_and_reported(bad_run):
    text = read_source(bad_run.raw, bad_run.raw / "invalid-bytes.txt").text
    assert text == SEED_TEXT[:3000] + "\ufffd(\ufffd" + SEED_TEXT[3000:]
    assert "invalid-bytes.txt: undecodable bytes replaced with U+FFFD" in bad_run.warnings


def test_a_very_long_line_is_read_and_extracted(bad_run):
    row = bad_run.by_path["one-long-line.txt"]
    assert row["chars"] > 100_000 and "\n" not in read_source(bad_run.raw, bad_run.raw / "one-long-line.txt").text
    evidence = read_csv(bad_run.pkg / "data" / "evidence.csv", TABLES[6])
    assert (evidence["doc_id"] == row["doc_id"]).sum() > 30


def test_identical_files_are_one_document_with_both_paths(bad_run):
    a, b = bad_run.by_path["copy-a.txt"], bad_run.by_path["copy-b.txt"]
    assert a["doc_id"] == b["doc_id"] and a["source_paths"] == "copy-a.txt|copy-b.txt"
    assert a["source_path"] == "copy-a.txt"


def test_files_in_subfolders_are_read(bad_run):
    assert bad_run.by_path["sub/dir/article.txt"]["encoding"] == "utf-8"


def test_a_file_name_that_is_not_utf8_is_kept_with_its_bytes_escaped(bad_run):
    assert bad_run.by_path["\\xd6\\xd0\\xce\\xc4.txt"]["chars"] > 1000
    assert "\\xd6\\xd0\\xce\\xc4.txt: file name is not valid UTF-8" in bad_run.warnings


def test_sidecar_problems_are_reported_and_the_text_is_still_read(bad_run):
    w = bad_run.warnings
    assert "broken-json.meta.json: sidecar is not valid JSON" in w
    assert pd.isna(bad_run.by_path["broken-json.txt"]["publisher"])
    assert "unknown-keys.meta.json: unknown sidecar keys ignored: author, tags" in w
    assert bad_run.by_path["unknown-keys.txt"]["publisher"] == "江西日报"  # the known keys are kept
    assert "bad-date.meta.json: published_date '上周五' is not a YYYY-MM-DD date; ignored" in w
    row = bad_run.by_path["bad-date.txt"]
    assert pd.isna(row["published_date"]) and row["reference_date_method"] == "inferred_from_text"
    assert row["title"] == "标题"
    assert "orphan.meta.json" not in bad_run.by_path


# --- the decoder and the sidecar reader on their own ---------------------------------------------------

@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"\n\n \t", "file holds only whitespace"),
    ("\u3000\u200b\n".encode("utf-16"), "file holds only whitespace"),
    (b"GIF89a" + bytes(100), "binary content (a GIF image), not text"),
    (b"PK\x03\x04" + bytes(100), "binary content (a ZIP/Office file), not text"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "binary content (a gzip archive), not text"),
    (b"\x7fELF\x02\x01" + bytes(100), "binary content (an executable), not text"),
    (b"abc\x00\x01\x02\x03\xfe\xff\x00" * 50, "binary content (NUL bytes), not text"),
])
def test_decode_rejects(data, reason):
    with pytest.raises(RejectedInput) as exc:
        decode_bytes(data)
    assert str(exc.value).startswith(reason)


@pytest.mark.parametrize("data,encoding,text", [
    # a BOM followed by invalid bytes, and UTF-16 cut in the middle of a character: read, not a crash
    (codecs.BOM_UTF8 + SEED_LINES[8].encode() + b"\xff", "utf-8-sig (invalid bytes replaced)",
     SEED_LINES[8] + "\ufffd"),
    (SEED_LINES[8].encode("utf-16") + b"\x41", "utf-16 (invalid bytes replaced)", SEED_LINES[8] + "\ufffd"),
    ("江西对俄罗斯进出口总额72.58亿元".encode("gb18030"), "gb18030", "江西对俄罗斯进出口总额72.58亿元"),
    ("臺灣對俄羅斯貿易額增長百分之十".encode("big5"), "big5", "臺灣對俄羅斯貿易額增長百分之十"),
])
def test_decode_reads(data, encoding, text):
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize("content,warning", [
    (b"[" * 50_000, "sidecar is not valid JSON"),  # nesting deeper than the parser's recursion limit
    (b'["a list"]', "sidecar is not a JSON object"),
    ('{"publisher": "江西日报"}'.encode("gb18030"), "sidecar is not UTF-8 text"),
    (b'{"title": "' + b"x" * 70_000 + b'"}', "sidecar is larger than 64 kB"),
    (b'{"published_date": 20231112}', "published_date 20231112 is not a YYYY-MM-DD date"),
    (b'{"published_date": "2023-02-30"}', "published_date '2023-02-30' is not a YYYY-MM-DD date"),
    (b'{"published_date": "2999-01-01"}', "published_date '2999-01-01' is in the future"),
    (b'{"url": 5}', "url is not a string"),
])
def test_sidecar_problems(tmp_path, content, warning):
    path = tmp_path / "a.meta.json"
    path.write_bytes(content)
    meta, warnings = read_sidecar(path)
    assert len(warnings) == 1 and warnings[0].startswith(f"a.meta.json: {warning}")
    assert meta.get("published_date") is None


def test_sidecar_with_a_timestamp_and_a_bom_is_read(tmp_path):
    path = tmp_path / "a.meta.json"
    path.write_bytes(codecs.BOM_UTF8 + b'{"published_date": "2023-11-12T08:00:00+08:00"}')
    assert read_sidecar(path) == ({"url": None, "publisher": None, "published_date": dt.date(2023, 11, 12),
                                   "title": None}, [])


# --- impossible figures never reach the published tables ------------------------------------------------

def _first(df: pd.DataFrame, column: str | None = None) -> int:
    return int(df[df[column].notna()].index[0]) if column else int(df.index[0])


IMPOSSIBLE = [  # (table, how to break a row, column, check)
    ("trade_flows", {"growth_pct": -150.0}, "growth_pct", "greater_than_or_equal_to(-100)"),
    ("trade_flows", {"growth_pct": 1e9}, "growth_pct", "less_than_or_equal_to(10000)"),
    ("deals", {"amount": -5.0}, "amount", "greater_than_or_equal_to(1)"),
    ("deals", {"amount": 1e38}, "amount", "less_than_or_equal_to(100000000000000.0)"),
    ("trade_flows", {"value": -1.0}, "value", "greater_than_or_equal_to(1)"),
    ("indicators", {"value": -3.0}, "value", "greater_than_or_equal_to(0)"),
    ("deals", {"amount": float("inf")}, "amount", "deals_numbers_finite"),
    ("events", {"start_date": dt.date(1, 1, 1)}, "start_date", "greater_than_or_equal_to(1949-01-01)"),
    ("trade_flows", {"period_start": dt.date(1, 1, 1)}, "period_start", "greater_than_or_equal_to(1949-01-01)"),
    ("events", {"end_date": dt.date(2023, 11, 1)}, "start_date,end_date", "end_date_not_before_start_date"),
    ("trade_flows", {"period_end": dt.date(2021, 12, 31)}, "period_start,period_end",
     "period_end_not_before_period_start"),
    ("trade_flows", {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31)}, "period_end",
     "period_end_not_after_reference_date"),
    ("indicators", {"unit": "percent", "value": 130.0}, "unit,value", "percent_at_most_100"),
    ("deals", {"year": 1850}, "year", "greater_than_or_equal_to(1949)"),
]


@pytest.mark.parametrize("table,change,column,check", IMPOSSIBLE, ids=[c[3] for c in IMPOSSIBLE])
def test_impossible_figure_is_rejected_with_its_check(seed_frames, table, change, column, check):
    frames = {name: df.copy() for name, df in seed_frames.items()}
    pk = next(t for t in TABLES if t.name == table).primary_key[0]
    key_column = {"events": "start_date", "deals": "amount"}.get(table)  # a row that has the figure to break
    i = _first(frames[table], key_column)
    for col, value in change.items():
        frames[table].loc[i, col] = value
    bad_id = frames[table].loc[i, pk]
    out, rejected = validate_tables(frames)
    assert bad_id not in set(out[table][pk]), "an impossible figure was kept"
    line = rejected[(rejected["table"] == table) & (rejected["record_id"] == bad_id)]
    assert check in list(line["check"]) and column in list(line["column"])
    assert len(line) == 1 or check == "deals_numbers_finite"  # inf is also above the maximum
    assert not (out["evidence"]["record_id"] == bad_id).any()  # its evidence goes with it
    # nothing else is rejected, except rows that pointed at this one
    others = rejected[rejected["record_id"] != bad_id]
    assert others["check"].str.startswith("foreign_key:").all()


FROM_TEXT = [  # (text, published_date, table, check)
    ("2022年，江西对俄罗斯进出口总额72.58亿元，同比下降150%。", "2023-11-12", "trade_flows",
     "greater_than_or_equal_to(-100)"),
    ("2023年，湖南对南非进出口总额72.58亿元，同比增长28%。", "2023-03-01", "trade_flows",
     "period_end_not_after_reference_date"),
    ("今年1-8月，四川对德国进出口总额12.5亿元，同比增长8%。", "2023-03-01", "trade_flows",
     "period_end_not_after_reference_date"),
    ("2022年，广西对越南出口额占全省出口总额的比重达120%。", "2023-11-12", "indicators", "percent_at_most_100"),
]


@pytest.mark.parametrize("text,published,table,check", FROM_TEXT, ids=[c[3] + str(i) for i, c in enumerate(FROM_TEXT)])
def test_impossible_figure_read_from_text_is_rejected(text, published, table, check):
    ex = extract_text(text, published=published)
    frames, rejected = validate_tables(build_tables([ex], "test"))
    assert list(rejected["check"]) == [check] and list(rejected["table"]) == [table]
    assert len(frames[table]) == 0


def test_impossible_figures_are_reported_and_never_published(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, (text, published, _, _) in enumerate(FROM_TEXT):
        (raw / f"{i}.txt").write_text(text, encoding="utf-8")
        (raw / f"{i}.meta.json").write_text(json.dumps({"published_date": published}), encoding="utf-8")
    summary = run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    assert summary.documents == 4 and summary.rejected_rows == 4
    assert summary.rows["trade_flows"] == 0 and summary.rows["indicators"] == 0
    report = pd.read_csv(tmp_path / "reports" / "rejected-rows.csv")
    assert sorted(report["check"]) == sorted(c[3] for c in FROM_TEXT)
    assert check_package(tmp_path / "pkg") == []


# --- sidecars that are no file, too big, or hold no characters ---------------------------------------------

def _within(seconds: float, fn, *args):
    """fn(*args) in a thread; fails (instead of hanging the suite) if it does not return in time."""
    import threading

    result: list = []
    thread = threading.Thread(target=lambda: result.append(fn(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn.__name__} did not return within {seconds} s"
    return result[0]


@pytest.mark.parametrize("kind,warning", [
    ("fifo", "sidecar is not a regular file (a FIFO); metadata ignored"),
    ("dev-zero", "sidecar is not a regular file (a character device); metadata ignored"),
    ("folder", "sidecar is not a regular file (a folder); metadata ignored"),
    ("sparse-1gb", "sidecar is larger than 64 kB; metadata ignored"),
])
def test_a_sidecar_that_is_no_regular_file_or_huge_is_never_read_whole(tmp_path, kind, warning):
    path = tmp_path / "a.meta.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:
        with path.open("wb") as fh:  # reports 1 GB, costs nothing on disk
            fh.truncate(2**30)
    tracemalloc.start()
    meta, warnings = _within(10, read_sidecar, path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert meta == {} and warnings == [f"a.meta.json: {warning}"]
    assert peak < 1_000_000  # at most the 64 kB cap and a byte were read


def test_a_sidecar_with_a_lone_surrogate_escape_is_reported_and_the_rest_kept(tmp_path):
    path = tmp_path / "a.meta.json"
    path.write_text('{"title": "进博会\\ud800", "publisher": "江西日报", "published_date": "\\udfff", '
                    '"\\udc80key": 1}', encoding="utf-8")
    meta, warnings = read_sidecar(path)
    assert meta == {"url": None, "publisher": "江西日报", "published_date": None, "title": None}
    assert warnings == ["a.meta.json: unknown sidecar keys ignored: \\udc80key",
                        "a.meta.json: title holds an escape that is no character (进博会\\ud800); ignored",
                        "a.meta.json: published_date holds an escape that is no character (\\udfff); ignored"]
    assert all(w.encode("utf-8") for w in warnings)  # every warning can be written to warnings.txt


def test_bad_sidecars_never_stop_the_run_and_each_is_named(tmp_path):
    """The whole run: a FIFO, a link to /dev/zero, a lone surrogate and a sidecar with a name that is not
    UTF-8; every text is published, every sidecar is named in warnings.txt."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, stem in enumerate(["fifo", "zero", "surrogate"]):
        (raw / f"{stem}.txt").write_text(short_article(i), encoding="utf-8")
    os.mkfifo(raw / "fifo.meta.json")
    (raw / "zero.meta.json").symlink_to("/dev/zero")
    (raw / "surrogate.meta.json").write_text('{"title": "\\ud800"}', encoding="utf-8")
    gbk = os.fsdecode(NON_UTF8_NAME[:-4])  # 中文 in GBK: a name from a Windows archive
    (raw / f"{gbk}.txt").write_text(short_article(3), encoding="utf-8")
    (raw / f"{gbk}.meta.json").write_bytes(b'{"title": ')
    summary = _within(300, run_local, raw, tmp_path / "pkg", tmp_path / "reports")
    assert summary.documents == 4 and summary.rejected_documents == 0
    warnings = (tmp_path / "reports" / "warnings.txt").read_text(encoding="utf-8")
    assert "fifo.meta.json: sidecar is not a regular file (a FIFO)" in warnings
    assert "zero.meta.json: sidecar is a symbolic link out of the raw folder; metadata ignored" in warnings
    assert "surrogate.meta.json: title holds an escape that is no character (\\ud800)" in warnings
    assert "\\xd6\\xd0\\xce\\xc4.meta.json: sidecar is not valid JSON" in warnings
    assert check_package(tmp_path / "pkg") == []


# --- a sub-folder that cannot be read --------------------------------------------------------------------------

def test_an_unreadable_sub_folder_stops_the_run_and_is_never_called_deleted(tmp_path, monkeypatch):
    """Root reads any folder, so the permission error is injected where the folder is listed."""
    from tests.reliability import files
    from tradenews.errors import Refused

    raw = tmp_path / "raw"
    (raw / "2023").mkdir(parents=True)
    (raw / "a.txt").write_text(short_article(1), encoding="utf-8")
    for i in range(3):
        (raw / "2023" / f"b{i}.txt").write_text(short_article(10 + i), encoding="utf-8")
    run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    before = files(tmp_path / "pkg")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == raw / "2023":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(Refused) as exc:
        run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    monkeypatch.undo()
    assert str(exc.value).startswith(f"cannot read the folder {raw / '2023'} (Permission denied) under --raw {raw}; "
                                     "nothing was published (its files would have been taken for deleted)")
    assert files(tmp_path / "pkg") == before  # the CHANGELOG says nothing about deleted files


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder; the injected case above covers it")
def test_an_unreadable_sub_folder_for_real(tmp_path):
    from tradenews.errors import Refused

    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "a.txt").write_text(short_article(1), encoding="utf-8")
    os.chmod(raw / "locked", 0)
    try:
        with pytest.raises(Refused, match="cannot read the folder"):
            run_local(raw, tmp_path / "pkg", tmp_path / "reports")
    finally:
        os.chmod(raw / "locked", 0o755)
