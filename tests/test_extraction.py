"""Extraction checks that are no rows of one paragraph (tests/specs/*.yaml, run by tests/test_specs.py, hold those):
the mention finders on their own, the reference date read from a text, what the pipeline does with an
extraction (a failing extractor, a value its quote does not state) and the figures report and card."""
import datetime as dt

from tests.conftest import extract_text

D = dt.date


def test_an_extractor_failure_keeps_the_document_and_is_reported(monkeypatch, tmp_path):
    import tradenews.pipeline as pipeline

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("2023年,江西对俄罗斯进出口总额72.58亿元,增长28%。", encoding="utf-8")
    (tmp_path / "raw" / "b.txt").write_text("2023年,吉林对俄罗斯进出口总额100亿元,增长5%。", encoding="utf-8")
    real = pipeline.extract_document

    def flaky(doc):
        if doc.source_path == "b.txt":
            raise RuntimeError("boom")
        return real(doc)

    monkeypatch.setattr(pipeline, "extract_document", flaky)
    read = pipeline.read_inputs(tmp_path / "raw")
    extractions = [pipeline.extract_source(src, paths) for src, paths in pipeline.group_duplicates(read.sources)]
    frames, rejected = pipeline.build_and_validate(extractions)
    assert len(frames["documents"]) == 2 and len(frames["trade_flows"]) == 1
    failure = rejected[rejected["check"] == "extraction"].iloc[0]
    assert "boom" in failure["failure_case"] and failure["table"] == "documents"


def test_short_forms_read_as_the_country_the_article_names_in_full():
    from tradenews.mentions.places import find_places

    text = "巴西总统会见中方代表。去年中巴贸易额增长。"
    assert [p.code for p in find_places(text) if text[p.start:p.end] == "巴"] == ["BR"]
    text = "新加坡与辽宁举行理事会。新辽贸易额增长。"
    assert [p.code for p in find_places(text) if text[p.start:p.end] == "新"] == ["SG"]
    # a character that starts two names of the text stays unread
    text = "巴西、巴拿马代表出席。中巴贸易额增长。"
    assert [p for p in find_places(text) if text[p.start:p.end] == "巴"] == []


def test_ports_groups_and_short_forms_of_groups_are_places():
    from tradenews.mentions.places import find_places

    codes = [p.code for p in find_places("经磨憨口岸对东协、中东欧国家和南亚国家出口,中拉合作,渝港两地贸易,平台企业")]
    assert codes == ["CN-YN-MOHAN", "ASEAN", "CEEC", "SOUTH-ASIA", "CN", "LATIN-AMERICA", "CN-CQ", "HK"]


def test_foreign_companies_written_in_latin_script_are_orgs():
    # their deals: tests/specs/deals.yaml (comma-of-co-ltd-..., foreign-companies-in-latin-script-...)
    from tradenews.mentions.orgs import find_orgs

    got = [(o.name, o.country_code) for o in find_orgs(
        "某某重工有限公司与巴西Andrade Maquinas Ltda.、印尼PT Sinar Laut Jaya签署合作协议。")]
    assert got == [("某某重工有限公司", None), ("Andrade Maquinas Ltda.", "BR"), ("PT Sinar Laut Jaya", "ID")]


def test_figure_counts_reach_the_report_and_the_card(tmp_path):
    from tradenews.publish.card import render_card
    from tradenews.tables.figures import figure_counts, figure_rows, figures_csv

    ex = extract_text("2023年,吉林省对俄罗斯进出口190.2亿元。某机构表示,合作规模达7亿美元。")
    rows = figure_rows([ex])
    assert [(r["figure"], r["fate"]) for r in rows] == [("190.2亿元", "fact"), ("7亿美元", "unexplained")]
    assert figures_csv(rows).splitlines()[0] == "doc_id,source_path,offset,figure,fate,rule,reason"
    counts = figure_counts(rows)
    assert (counts["figures"], counts["fact"], counts["unexplained"]) == (2, 1, 1)
    frames = {"documents": [], "events": [], "deals": [], "trade_flows": [], "indicators": [], "entities": [],
              "evidence": []}
    card = render_card(frames, {"title": "t", "description": "d", "version": "1.0.0", "licenses": [{"name": "x"}],
                                "sources": []}, counts)
    assert "| unexplained (no rule read it) | 1 | 50.0% |" in card


def test_reference_year_from_the_edition_reported_not_the_next_one():
    from tradenews.ingest.document import infer_reference_date

    text = "历时4天的第十七届投洽会昨日在厦门落下帷幕。另据了解,第十八届投洽会将于明年9月8日在厦门举行。"
    ref, method = infer_reference_date(text, [], None)
    assert ref.year == 2013 and method == "inferred_from_text"


def test_an_undated_report_of_a_whole_year_is_dated_after_it():
    from tradenews.ingest.document import infer_reference_date

    text = "海关总署1月18日公布,2019年中国自巴西进口大豆5000万吨,同比增长10%。"
    assert infer_reference_date(text, [], None) == (D(2020, 1, 18), "inferred_from_text")
    text = "欧盟统计局数据显示,2018年欧盟对华出口2100亿欧元。去年欧盟自美国进口2600亿欧元。"
    assert infer_reference_date(text, [], None) == (D(2019, 1, 1), "inferred_from_text")
    # a forecast of a year is no report of it
    assert infer_reference_date("3月5日,专家预计2019年双边贸易额将达1000亿美元。", [], None)[0] == D(2019, 3, 5)


def test_a_value_its_quote_does_not_state_is_rejected_with_its_reason():
    from tradenews.pipeline import build_and_validate

    ex = extract_text("2023年,吉林省对俄罗斯进出口190.2亿元,同比增长31.9%。", published="2024-02-01")
    (flow,) = ex.trade_flows
    frames, rejected = build_and_validate([ex])
    assert len(frames["trade_flows"]) == 1 and rejected.empty
    flow.value = 1902000000.0  # off by a unit: 19.02亿, which the quote does not say
    frames, rejected = build_and_validate([ex])
    assert len(frames["trade_flows"]) == 0
    assert list(rejected["check"]) == ["value_stated_by_quote"] and rejected["table"].tolist() == ["trade_flows"]
