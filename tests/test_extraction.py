"""Extraction on short hand-written paragraphs of the genre, each asserting exact rows."""
import datetime as dt

from tests.conftest import extract_text

D = dt.date


def flows(text, **kw):
    return [(t.reporter_code, t.partner_code, t.flow, t.period_start, t.period_end, t.value, t.currency,
             t.growth_pct) for t in extract_text(text, **kw).trade_flows]


def deals(text, **kw):
    return [(d.deal_type, d.party_a, d.party_b, d.amount, d.currency, d.amount_qualifier, d.deal_count)
            for d in extract_text(text, **kw).deals]


def events(text, **kw):
    return [(e.name, e.event_type, e.edition, e.start_date, e.end_date, e.city) for e in extract_text(text, **kw).events]


# --- trade flows -------------------------------------------------------------------------------

def test_province_to_country_with_breakdown():
    text = ("据海关统计,今年前三季度,吉林省对俄罗斯进出口总值达到135.6亿元,同比增长18.2%。"
            "其中,出口82.3亿元,增长25.1%;进口53.3亿元,下降3.4%。")
    assert flows(text, published="2024-10-20") == [
        ("CN-JL", "RU", "total", D(2024, 1, 1), D(2024, 9, 30), 13560000000, "CNY", 18.2),
        ("CN-JL", "RU", "export", D(2024, 1, 1), D(2024, 9, 30), 8230000000, "CNY", 25.1),
        ("CN-JL", "RU", "import", D(2024, 1, 1), D(2024, 9, 30), 5330000000, "CNY", -3.4),
    ]


def test_share_clause_is_not_a_flow_and_short_form_partner():
    text = "2023年,黑龙江省对俄进出口贸易额达2166.4亿元,同比增长23.4%,占全国对俄贸易的13.6%。"
    assert flows(text) == [("CN-HL", "RU", "total", D(2023, 1, 1), D(2023, 12, 31), 216640000000, "CNY", 23.4)]


def test_pair_of_short_forms_and_partner_side_perspective():
    text = ("新华社莫斯科3月10日电 俄联邦海关署数据显示,2023年俄中贸易额为2401亿美元,同比增长26.3%,"
            "其中俄对华出口1291亿美元,自华进口1110亿美元。")
    assert flows(text) == [
        ("CN", "RU", "total", D(2023, 1, 1), D(2023, 12, 31), 240100000000, "USD", 26.3),
        ("RU", "CN", "export", D(2023, 1, 1), D(2023, 12, 31), 129100000000, "USD", None),
        ("RU", "CN", "import", D(2023, 1, 1), D(2023, 12, 31), 111000000000, "USD", None),
    ]


def test_list_of_partners_with_growth_in_the_next_clause():
    text = ("1-2月四川与东盟双边贸易额为18亿美元,激增1.7倍,占全省外贸的18.5%;"
            "与美国17亿美元,增长40.5%,占17.5%;与日本5.1亿美元,下降17.9%,占5.2%。")
    assert flows(text, published="2013-03-22") == [
        ("CN-SC", "ASEAN", "total", D(2013, 1, 1), D(2013, 2, 28), 1800000000, "USD", 170),
        ("CN-SC", "US", "total", D(2013, 1, 1), D(2013, 2, 28), 1700000000, "USD", 40.5),
        ("CN-SC", "JP", "total", D(2013, 1, 1), D(2013, 2, 28), 510000000, "USD", -17.9),
    ]


def test_rates_of_a_respectively_list_and_rates_after_a_remark():
    text = "今年前三季度,哈尔滨市对德国、法国分别进出口80亿、60亿元,分别增长3.5%和下降2.1%。"
    assert [(p, v, g) for _, p, _, _, _, v, _, g in flows(text, published="2024-10-20")] == [
        ("DE", 8000000000, 3.5), ("FR", 6000000000, -2.1)]
    text = "今年前三季度,哈尔滨市对德国、法国、意大利分别进出口80亿、60亿、20亿元,分别增长3.5%和4.2%。"
    assert [g for *_, g in flows(text, published="2024-10-20")] == [None, None, None]  # two rates, three figures
    text = "今年前三季度,哈尔滨市对德国、法国分别进出口80亿、60亿元,分别增长3.5%、4.2%。"
    assert [(p, v, g) for _, p, _, _, _, v, _, g in flows(text, published="2024-10-20")] == [
        ("DE", 8000000000, 3.5), ("FR", 6000000000, 4.2)]
    # a remark between the figure and its rate; a clause with a figure of its own stops the search
    text = "2023年,吉林省对蒙古国进出口额45亿元,创历史新高,同比增长12.5%。"
    assert [g for *_, g in flows(text)] == [12.5]
    text = "2023年,吉林省对蒙古国进出口额45亿元,新设企业12家,实际投资额增长30%。"
    assert [g for *_, g in flows(text)] == [None]
    text = "2023年,吉林省对蒙古国进出口额同比增长12.5%至45亿元,新设企业12家,实际投资额增长30%。"
    assert [g for *_, g in flows(text)] == [12.5]


def test_city_reporter_and_bloc_partner():
    assert flows("2023年,哈尔滨市对俄进出口总额达到312.5亿元,同比增长31.2%。") == [
        ("CN-HL-HAERBIN", "RU", "total", D(2023, 1, 1), D(2023, 12, 31), 31250000000, "CNY", 31.2)]
    assert flows("今年1-5月,中国与中亚五国贸易额达到1638亿元人民币,同比增长37.2%。", published="2024-06-20") == [
        ("CN", "CENTRAL-ASIA", "total", D(2024, 1, 1), D(2024, 5, 31), 163800000000, "CNY", 37.2)]


def test_growth_stated_before_the_amount_and_in_an_earlier_sentence():
    text = "2018年1月至8月,俄中贸易额同比增长25.7%。同期双边贸易总额达到675亿美元。"
    assert flows(text, published="2018-09-10") == [
        ("CN", "RU", "total", D(2018, 1, 1), D(2018, 8, 31), 67500000000, "USD", 25.7)]


def test_enumeration_of_reporters_in_parentheses():
    text = "2005年黑龙江省对俄贸易额实现56.8亿美元,是广东(28.3亿美元)、山东(21.7亿美元)的2倍和2.6倍。"
    got = flows(text, published="2006-06-01")
    assert [(r, v) for r, _, _, _, _, v, _, _ in got] == [("CN-HL", 5680000000), ("CN-GD", 2830000000),
                                                        ("CN-SD", 2170000000)]


def test_targets_and_totals_without_partner_are_not_flows():
    assert flows("中方愿同俄方一道,推动双边贸易额在2024年前突破2000亿美元。") == []
    assert flows("今年前两个月,全省外贸进出口总值97.3亿美元,同比增长48%。") == []


def test_physical_quantity_with_commodity():
    ex = extract_text("据俄方统计,今年前4个月,俄罗斯对华出口原油3200万吨,同比增长8%。", published="2024-05-20")
    (t,) = ex.trade_flows
    assert (t.reporter_code, t.partner_code, t.flow, t.quantity, t.quantity_unit, t.commodity, t.value, t.growth_pct) == \
        ("RU", "CN", "export", 32000000, "t", "原油", None, 8)


def test_traditional_text_gives_the_same_rows():
    simplified = "今年1至8月,中俄双边贸易额达到679亿美元,同比增长25.8%。其中,中国对俄出口312亿美元,自俄进口367亿美元。"
    traditional = "今年1至8月,中俄雙邊貿易額達到679億美元,同比增長25.8%。其中,中國對俄出口312億美元,自俄進口367億美元。"
    assert flows(simplified, published="2018-09-15") == flows(traditional, published="2018-09-15")
    assert len(flows(traditional, published="2018-09-15")) == 3


# --- deals -------------------------------------------------------------------------------------

def test_purchase_with_foreign_company_named_in_chinese():
    text = "在本届博览会上,某省铜业集团与全球最大轮胎制造商之一的法国米其林公司签署2025年进口轮胎协议,货值超500万美元。"
    ex = extract_text(text)
    (d,) = ex.deals
    assert (d.deal_type, d.party_a, d.party_b, d.party_b_country, d.amount, d.currency, d.amount_qualifier,
            d.subject, d.year) == ("purchase", "某省铜业集团", "米其林公司", "FR", 5000000, "USD", "over", "轮胎", 2025)


def test_respectively_pairs_counterparties_with_amounts():
    text = "中粮集团在进博会上与美国嘉吉公司、法国路易达孚公司分别签署大豆采购协议,金额分别为12亿美元和8亿美元。"
    got = deals(text, published="2022-11-10")
    assert got == [("purchase", "中粮集团", "嘉吉公司", 1200000000, "USD", "exact", None),
                   ("purchase", "中粮集团", "路易达孚公司", 800000000, "USD", "exact", None)]
    assert [d.party_b_country for d in extract_text(text, published="2022-11-10").deals] == ["US", "FR"]


def test_project_count_and_amount_at_a_promotion_session():
    text = "6月8日,2023年某市投资环境推介会在南京举行,现场签约合作项目32个,协议金额超过50亿美元。"
    (d,) = extract_text(text, published="2023-06-10").deals
    assert (d.deal_type, d.amount, d.currency, d.amount_qualifier, d.deal_count, d.aggregate) == \
        ("project_signing", 5000000000, "USD", "over", 32, True)


def test_agreements_with_several_counterparties_are_one_deal_each():
    text = ("会上,新疆维吾尔自治区与哈萨克斯坦阿拉木图市签署了缔结友好区市关系意向书,"
            "与东哈萨克斯坦州、阿拜州签署了缔结友好区州关系协议书。")
    got = deals(text, published="2023-03-31")
    assert [(t, b) for t, _, b, *_ in got] == [("cooperation", "阿拉木图市"), ("cooperation", "东哈萨克斯坦州"),
                                               ("cooperation", "阿拜州")]
    assert {a for _, a, *_ in got} == {"新疆维吾尔自治区"} or {a for _, a, *_ in got} == {"新疆"}


def test_restated_total_is_one_deal_and_conversion_is_ignored():
    text = ("总金额近1.7亿美元!14个项目在湘签约。\n\n"
            "7月28日,某对接会在长沙举行,现场签约14个合作协议和项目,总金额近1.7亿美元(约合人民币11.5亿元)。")
    got = deals(text, published="2022-07-29")
    assert len(got) == 1 and got[0][3:6] == (170000000, "USD", "approx")


def test_mutual_refers_to_the_pair_just_named():
    text = ("8月23日,山东省与俄罗斯鞑靼斯坦共和国在济南签署友好省州关系协议书。"
            "同日,双方在济南举行经贸合作座谈会,两地企业签订合作协议12份,金额3.2亿美元。")
    got = deals(text, published="2023-08-25")
    assert got[0][:3] == ("cooperation", "山东", "鞑靼斯坦共和国")
    assert got[1][1:6] == ("山东", "鞑靼斯坦共和国", 320000000, "USD", "exact") and got[1][6] == 12


def test_investment_with_place_counterparty_and_planned_status():
    ex = extract_text("今年,某化工公司将继续在江西投资9.5亿元对工厂进行技术改造。")
    (d,) = ex.deals
    assert (d.deal_type, d.status, d.party_a, d.party_b, d.amount) == ("investment", "planned", "某化工公司", "江西", 950000000)


def test_no_deal_without_a_deal_verb():
    assert deals("今年一季度,我省实际使用外资12.5亿美元,同比增长5.3%。", publisher="江苏日报") == []
    assert deals("本届博览会吸引500多家中小企业首次签约参展。") == []


# --- events ------------------------------------------------------------------------------------

def test_expo_with_closing_date_and_duration():
    text = "6月19日,为期五天的第四届中俄博览会和第二十八届哈洽会圆满落下帷幕。"
    assert events(text, published="2017-06-20") == [
        ("第四届中俄博览会", "expo", 4, D(2017, 6, 15), D(2017, 6, 19), "哈尔滨"),
        ("第二十八届哈洽会", "expo", 28, D(2017, 6, 15), D(2017, 6, 19), "哈尔滨"),
    ]


def test_date_range_city_and_abbreviation():
    text = ("11月7日至9日,中国某地区和俄罗斯某联邦区(以下简称“双区”)地方合作理事会第四次会议在南昌举行。"
            "次日,“双区”地方合作理事会第四次会议举行。")
    ((name, etype, edition, start, end, city),) = events(text)
    assert name == "中国某地区和俄罗斯某联邦区地方合作理事会第四次会议"
    assert (etype, edition, start, end, city) == ("conference", 4, D(2023, 11, 7), D(2023, 11, 9), "南昌")


def test_date_after_the_name_and_traditional_script():
    assert events("第125屆廣交會4月15日在廣州開幕。", published="2019-04-20") == [
        ("第125届广交会", "expo", 125, D(2019, 4, 15), None, "广州")]


def test_side_event_is_linked_to_its_parent_and_takes_its_city():
    text = ("11月5日至10日,第六届中国国际进口博览会在上海举行。"
            "11月6日举行的第六届进博会某市招商引资专场推介会,现场签约项目20个。")
    ex = extract_text(text)
    promo = next(e for e in ex.events if e.event_type == "promotion")
    assert promo.parent_name == "第六届中国国际进口博览会" and promo.city == "上海" and promo.start_date == D(2023, 11, 6)


def test_generic_mentions_are_not_events():
    assert events("会议讨论了经贸合作事宜。本届博览会期间,多场签约仪式在上海国际会议中心举行。") == []


def test_series_named_only_by_short_form_is_that_years_edition():
    ((name, etype, edition, start, end, city),) = events("青海交易团在进博会上签约8个项目。", published="2023-11-10")
    assert (name, edition, city) == ("进博会", 6, "上海")


# --- boilerplate -------------------------------------------------------------------------------

def test_boilerplate_lines_yield_no_facts():
    text = ("当前位置: 首页 > 新闻 > 正文\n分享到: 微信 微博\n相关新闻: 某省对俄贸易额增长30%达100亿元\n"
            "(责任编辑:王明)\n版权所有 2023 某某网 Copyright")
    ex = extract_text(text)
    assert not ex.trade_flows and not ex.deals and not ex.events


def test_delegation_purchases_and_company_legal_names():
    text = ("本届进博会上,某省交易团意向采购金额达28.6亿美元,较上届增长15.3%。其中,成都市交易分团意向成交12.3亿美元。"
            "某省人民医院与美敦力(上海)管理有限公司签订了医疗设备采购协议,金额3500万美元;"
            "某某集团与德国瓦克化学签署多晶硅原料采购意向协议。")
    got = deals(text, published="2023-11-11")
    assert got[0][:6] == ("purchase", "某省交易团", None, 2860000000, "USD", "exact")
    assert got[1][1] == "成都市交易分团" and got[1][3] == 1230000000
    assert got[2][1:5] == ("某省人民医院", "美敦力(上海)管理有限公司", 35000000, "USD")
    assert got[3][:4] == ("purchase", "某某集团", "瓦克化学", None)


def test_series_short_name_is_not_a_party_and_ministries_are_organizations():
    text = ("6月16日至20日,第八届中国—俄罗斯博览会在哈尔滨举办。本届中俄博览会现场签约项目56个,签约总额达到168亿元人民币。"
            "10月23日,某省人民政府与阿联酋迪拜经济发展部在银川签署经贸合作谅解备忘录。")
    got = deals(text, published="2024-06-20", publisher="黑龙江日报")
    # the expo's own total: the event, not the publishing province, is its side
    assert got[0][1] == "中俄博览会" and got[0][3:7] == (16800000000, "CNY", "exact", 56)
    assert got[1][1:3] == ("某省人民政府", "迪拜经济发展部")


def test_internal_meetings_are_not_events():
    assert events("3月8日,省政府召开全省商务工作会议,部署外贸稳增长工作。随后举行2024年全省招商引资推进会。") == []


def test_baselines_changes_and_investment_statistics_are_not_figures():
    text = "今年1-5月,黑龙江省对俄出口12亿元,去年同期为10亿元,比去年同期增加2亿元。"
    assert [f[5] for f in flows(text, published="2024-06-20", publisher="黑龙江日报")] == [1200000000]
    text = "1-4月,四川省对韩国进出口5.2亿美元,增长30%,而上年同期仅为4亿美元;对日本进出口3亿美元。"
    assert [(p, f[3]) for _, p, *f in flows(text, published="2024-05-20")] == [("KR", 520000000), ("JP", 300000000)]
    assert deals("今年前三季度,全省完成固定资产投资1200亿元,实际使用外资15亿美元。", publisher="江西日报") == []


def test_partner_lists_with_respectively_and_pairs_named_before_the_figure():
    text = "2023年吉林省对俄罗斯进出口190.2亿元,同比增长31.9%;对日本、韩国进出口分别为155亿元和132亿元。"
    assert [(p, v) for _, p, _, _, _, v, _, _ in flows(text)] == [("RU", 19020000000), ("JP", 15500000000),
                                                                  ("KR", 13200000000)]
    assert flows("去年,某省对南非、尼日利亚出口120亿元。", publisher="湖南日报") == []
    text = "近年来,江西与俄罗斯经贸往来日益密切,2023年双边贸易额首次突破100亿元。"
    ex = extract_text(text)
    (t,) = ex.trade_flows
    assert (t.reporter_code, t.partner_code, t.value, t.value_qualifier, t.commodity) == ("CN-JX", "RU", 1e10, "over", None)


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


def test_dateline_is_not_the_event_date():
    ((name, etype, edition, start, end, city),) = events(
        "香港11月12日讯 第六届中国国际进口博览会日前在上海落幕。", published="2023-11-12")
    assert (name, start, end, city) == ("第六届中国国际进口博览会", None, None, "上海")


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


def test_sides_and_period_carry_through_a_paragraph_of_statistics():
    text = ("今年前5个月,湖北省对非洲进出口额达100亿元,同比增长20%。其中出口60亿元,增长30%;进口40亿元,增长5%。"
            "对南非贸易额为15亿元,增长10%。对肯尼亚贸易额为8亿元。")
    assert flows(text, published="2024-06-20") == [
        ("CN-HB", "AFRICA", "total", D(2024, 1, 1), D(2024, 5, 31), 10000000000, "CNY", 20),
        ("CN-HB", "AFRICA", "export", D(2024, 1, 1), D(2024, 5, 31), 6000000000, "CNY", 30),
        ("CN-HB", "AFRICA", "import", D(2024, 1, 1), D(2024, 5, 31), 4000000000, "CNY", 5),
        ("CN-HB", "ZA", "total", D(2024, 1, 1), D(2024, 5, 31), 1500000000, "CNY", 10),
        ("CN-HB", "KE", "total", D(2024, 1, 1), D(2024, 5, 31), 800000000, "CNY", None),
    ]


def test_a_ranking_names_a_partner_never_the_reporter():
    text = ("一季度,东盟成为我国第一大贸易伙伴,我国对东盟进出口9000亿元,增长5%;"
            "欧盟为第二大贸易伙伴,对欧盟进出口8000亿元,下降10%。")
    got = flows(text, published="2024-04-15")
    assert [(r, p, v) for r, p, _, _, _, v, _, _ in got] == [("CN", "ASEAN", 900000000000), ("CN", "EU", 800000000000)]


def test_a_new_subject_the_gazetteer_does_not_know_carries_no_sides():
    text = "今年前三季度,我国对美国出口300亿美元。加工贸易进出口900亿美元,一般贸易进出口1500亿美元。"
    assert [(p, v) for _, p, _, _, _, v, _, _ in flows(text, published="2024-10-15")] == [("US", 30000000000)]
    text = "2023年,中国对德国出口500亿欧元。德国出口总额为1.5万亿欧元。"
    assert [(r, p) for r, p, *_ in flows(text)] == [("CN", "DE")]


def test_figures_from_one_year_to_another_each_take_their_year():
    text = "中拉贸易额从2015年的2000亿美元增长到2023年的4500亿美元,翻了一番多。"
    assert [(p, a, v) for _, p, _, a, _, v, _, _ in flows(text)] == [
        ("LATIN-AMERICA", D(2015, 1, 1), 200000000000), ("LATIN-AMERICA", D(2023, 1, 1), 450000000000)]


def test_partner_list_with_one_currency_for_all_figures():
    text = "今年1-7月,大连市对日本、欧盟、韩国分别进出口300.5亿、200.4亿、100.3亿元。"
    assert [(r, p, v) for r, p, _, _, _, v, _, _ in flows(text, published="2025-08-20")] == [
        ("CN-LN-DALIAN", "JP", 30050000000), ("CN-LN-DALIAN", "EU", 20040000000), ("CN-LN-DALIAN", "KR", 10030000000)]


def test_signings_company_names_baselines_and_the_world_are_not_flows():
    assert flows("2023年,某某进出口有限公司与泰国公司签订采购协议,金额500万美元。") == []
    assert flows("2023年,我国与全球贸易总额为40万亿元,对世界出口增长。") == []
    text = "3月,中国从全球最大的大豆出口国巴西进口大豆31万吨,较上年同期的200万吨下降85%。"
    ex = extract_text(text, published="2021-04-20")
    assert [(t.partner_code, t.quantity, t.quantity_unit, t.growth_pct) for t in ex.trade_flows] == [("BR", 310000, "t", -85)]


def test_port_reporter_and_a_quantity_with_its_value():
    text = "前5个月,磨憨口岸自老挝进口橡胶5.2万吨,价值0.6亿元。"
    ex = extract_text(text, published="2023-06-10")
    assert [(t.reporter_code, t.partner_code, t.flow, t.quantity, t.value, t.currency) for t in ex.trade_flows] == [
        ("CN-YN-MOHAN", "LA", "import", 52000, 60000000, "CNY")]


def test_every_figure_of_the_body_ends_in_one_fate():
    text = ("今年前三季度,吉林省对俄罗斯进出口总值达到135.6亿元,去年同期为110亿元。全省外贸进出口总值1200亿元。"
            "力争全年对俄贸易额突破200亿元。长春某公司与俄罗斯企业签署采购协议,金额300万美元。长春某集团营业收入50亿元。"
            "某机构表示,合作规模达7亿美元。")
    ex = extract_text(text, published="2024-10-20")
    fates = {f.quote: (f.fate, f.rule) for f in ex.figures}
    assert fates["135.6亿元"] == ("fact", "trade.clause")
    assert fates["110亿元"][0] == "left_out" and fates["110亿元"][1].endswith("baseline")
    assert fates["1200亿元"] == ("left_out", "trade.no_partner")
    assert fates["突破200亿元"] == ("left_out", "trade.target")
    assert fates["300万美元"][0] == "fact" and fates["300万美元"][1].startswith("deal.")
    assert fates["50亿元"] == ("left_out", "figure.domestic_statistic")
    assert fates["7亿美元"] == ("unexplained", "")
    assert len(ex.figures) == 7


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


def test_descriptions_counts_and_fragments_are_not_event_names():
    text = ("这充分显示了各国对博览会的重视。所以我们可以让博览会发挥作用。本届博览会期间举办了8项会议论坛、6项展览,"
            "下设3个分论坛。该展会是国内规模最大的博览会,也是一个综合性博览会。为期5天的展会吸引了众多客商。")
    assert events(text, published="2022-09-01") == []


def test_a_short_form_introduced_in_brackets_and_a_back_reference_are_the_same_event():
    text = ("第三届中国-中东欧国家投资贸易博览会(简称「中东欧博览会」)6月8日在宁波开幕。"
            "中东欧博览会期间,双方企业洽谈踊跃。此次博览会吸引了众多客商。")
    ((name, etype, edition, start, end, city),) = events(text, published="2017-06-10")
    assert (name, edition, start, city) == ("第三届中国-中东欧国家投资贸易博览会", 3, D(2017, 6, 8), "宁波")


def test_dateline_days_today_and_one_day_meetings():
    assert events("新华网5月20日电 今天,第三届中蒙经贸合作论坛在呼和浩特举行。", published="2023-05-20") == [
        ("第三届中蒙经贸合作论坛", "forum", 3, D(2023, 5, 20), D(2023, 5, 20), "呼和浩特")]
    # a day without its month, a closing day and a duration
    assert events("新华社南宁9月15日电 为期4天的第13届中国-东盟博览会14日在南宁闭幕。", published="2016-09-15") == [
        ("第13届中国-东盟博览会", "expo", 13, D(2016, 9, 11), D(2016, 9, 14), "南宁")]
    # 'X日举行的NAME' says the day it was held (a session of one day); '举行的NAME' with no day only names it
    got = events("11月5日举行的某市招商引资专场推介会吸引了40家企业参加。", published="2023-11-10")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某市招商引资专场推介会", D(2023, 11, 5), D(2023, 11, 5))]
    got = events("11月5日,在上海举行的某市招商引资专场推介会开幕式上,40家企业签约。", published="2023-11-10")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某市招商引资专场推介会", D(2023, 11, 5), None)]


def test_days_of_side_events_ceremonies_and_durations():
    # a signing ceremony is held on one day, whatever verb the sentence uses
    got = events("3月8日,在某省对外经贸合作项目签约仪式上,12家企业签订合同。", published="2021-03-09")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某省对外经贸合作项目签约仪式", D(2021, 3, 8), D(2021, 3, 8))]
    got = events("昨天,在某市外资项目集中签约仪式上,8个项目落地。", published="2021-03-09")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某市外资项目集中签约仪式", D(2021, 3, 8), D(2021, 3, 8))]
    # a day written without 日 before the time of day
    got = events("本报讯 6月14上午,某县投资说明会在县城举行。", published="2021-06-15")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某县投资说明会", D(2021, 6, 14), D(2021, 6, 14))]
    # a theme phrase between the verb and the name; an opening said of another event joined to this one
    got = events("5月20日,某区在大阪举行以“共享新机遇”为主题的投资合作推介会。", published="2022-05-22")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("投资合作推介会", D(2022, 5, 20), D(2022, 5, 20))]
    got = events("9月3日,第五届中蒙博览会开幕式暨中蒙企业家座谈会在呼和浩特举行。", published="2022-09-04")
    assert [(n, s, e) for n, _, _, s, e, _ in got if "座谈会" in n] == [("中蒙企业家座谈会", D(2022, 9, 3), D(2022, 9, 3))]
    # what happens after the closing of a one-day meeting happens that day; during a meeting of several
    # days, on no day the text says
    text = "中国某国企业家理事会第三次会议8日在北京举行。闭幕式后,举行了两国企业合作协议签字仪式。"
    got = events(text, published="2022-04-09")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [
        ("中国某国企业家理事会第三次会议", D(2022, 4, 8), D(2022, 4, 8)), ("两国企业合作协议签字仪式", D(2022, 4, 8), D(2022, 4, 8))]
    text = "第二届某某博览会8日至11日在昆明举行。会议期间,举行了两国企业合作协议签字仪式。"
    got = events(text, published="2022-04-12")
    assert [(n, s, e) for n, _, _, s, e, _ in got][1] == ("两国企业合作协议签字仪式", None, None)
    # '进博会上' is not '会上'
    text = "11月5日,某市经贸合作交流会在上海举行。进博会上,我省还举办了景洪市旅游推介会。"
    got = events(text, published="2023-11-08")
    assert ("景洪市旅游推介会", None, None) in [(n, s, e) for n, _, _, s, e, _ in got]
    # a duration said in a later sentence; a day to come is in the dateline's month
    text = "某某网7月27日电 26日,某市第三届中俄文化交流周拉开帷幕。本届交流周为期5天,内容丰富。"
    got = events(text, published="2005-07-27")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("某市第三届中俄文化交流周", D(2005, 7, 26), D(2005, 7, 30))]
    text = "某某网10月23日电 10月22日,第十五届中国西部国际博览会在成都开幕,将于26日闭幕。"
    got = events(text, published="2015-10-23")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [("第十五届中国西部国际博览会", D(2015, 10, 22), D(2015, 10, 26))]


def test_local_time_and_a_clause_that_only_says_where():
    text = "当地时间5月9日,在美国芝加哥,由某省商务厅主办的“某省—芝加哥经贸对接会”成功举办。"
    assert events(text, published="2016-05-13") == [
        ("某省—芝加哥经贸对接会", "matchmaking", None, D(2016, 5, 9), D(2016, 5, 9), "芝加哥")]


def test_reference_year_from_the_edition_reported_not_the_next_one():
    from tradenews.ingest.document import infer_reference_date

    text = "历时4天的第十七届投洽会昨日在厦门落下帷幕。另据了解,第十八届投洽会将于明年9月8日在厦门举行。"
    ref, method = infer_reference_date(text, [], None)
    assert ref.year == 2013 and method == "inferred_from_text"


def test_home_city_for_wo_shi_and_the_province_gai_sheng_refers_to():
    got = deals("本报讯 我市组织20余家企业参加博览会,达成进口成交意向金额合计3200万美元。", publisher="宜昌日报")
    assert [(a, v) for _, a, _, v, *_ in got] == [("宜昌", 32000000)]
    text = "新华社南昌5月8日电 江西省重大项目集中签约仪式8日举行,该省集中签约项目40个,计划投资800亿元。"
    got = deals(text, published="2024-05-08")
    assert [(a, v, n) for _, a, _, v, _, _, n in got] == [("江西", 80000000000, 40)]


def test_party_named_after_the_amount_and_a_company_referred_back():
    text = "其中,总投资9000万美元的某某电子科技有限公司,增资4000万美元的某某纸业有限公司等项目签约落户。"
    got = deals(text, published="2020-10-26", publisher="某某日报")
    assert [(a, v) for _, a, _, v, *_ in got] == [("某某电子科技有限公司", 90000000), ("某某纸业有限公司", 40000000)]
    text = "某某重工集团本届进博会签约金额达18亿元。该企业通过进博会平台累计采购签约金额90多亿元。"
    got = deals(text, published="2025-11-10")
    assert [(a, v, q) for _, a, _, v, _, q, _ in got] == [("某某重工集团", 1800000000, "exact"),
                                                          ("某某重工集团", 9000000000, "over")]


def test_an_agreement_and_the_total_after_it_are_one_deal():
    text = "某机场集团共与荷兰某公司、瑞士某电梯公司、日本某电梯公司签署进口采购协议,签约总金额超1.6亿美元。"
    got = deals(text, published="2025-11-10")
    assert len(got) == 1 and got[0][1] == "某机场集团" and got[0][3:6] == (160000000, "USD", "over")


def test_tallies_of_an_expo_and_their_subtotals_are_deals():
    text = ("本届洽谈会共签订各类投资项目300个,总投资额2000亿元,其中,利用外资800亿元,对外投资50亿元。"
            "博览会对外贸易额5000万元,其中,出口订单额2000万元,进口订单额3000万元。")
    got = deals(text, published="2019-08-30", publisher="某某日报")
    assert sorted(v for _, _, _, v, *_ in got) == [20000000, 30000000, 50000000, 5000000000, 80000000000,
                                                   200000000000]
    # statistics outside a tally stay statistics; a change against the last edition is no amount
    text = "今年前三季度,全省实际使用外资15亿美元。某企业达成出口成交订单262亿美元,比上届减少53亿美元。"
    got = deals(text, published="2024-10-20", publisher="某某日报")
    assert [v for _, _, _, v, *_ in got] == [26200000000]


def test_counts_broken_down_by_region_name_no_signing_of_their_own():
    text = ("本届博览会期间,签署国内经济合作项目110个。"
            "据统计,博览会期间达成与东盟国家合作项目13个,与港澳台地区合作项目32个。")
    assert [n for *_, n in deals(text, published="2016-09-15", publisher="广西日报")] == [110]


def test_generic_parties_and_vague_counterparts_are_not_named():
    text = "某粮油集团带领旗下专业化公司与全球合作伙伴进行集中签约,采购优质农产品,签约总额超过百亿元。"
    got = deals(text, published="2025-11-10")
    assert [(a, b, v, q) for _, a, b, v, _, q, _ in got] == [("某粮油集团", None, 10000000000, "over")]


def test_an_undated_report_of_a_whole_year_is_dated_after_it():
    from tradenews.ingest.document import infer_reference_date

    text = "海关总署1月18日公布,2019年中国自巴西进口大豆5000万吨,同比增长10%。"
    assert infer_reference_date(text, [], None) == (D(2020, 1, 18), "inferred_from_text")
    text = "欧盟统计局数据显示,2018年欧盟对华出口2100亿欧元。去年欧盟自美国进口2600亿欧元。"
    assert infer_reference_date(text, [], None) == (D(2019, 1, 1), "inferred_from_text")
    # a forecast of a year is no report of it
    assert infer_reference_date("3月5日,专家预计2019年双边贸易额将达1000亿美元。", [], None)[0] == D(2019, 3, 5)


def test_a_rounded_restatement_is_the_exact_deal_with_the_fullest_name():
    text = ("某省代表团签约投资 签约总额逾17亿美元\n\n"
            "本报讯 某省代表团在洽谈会上集中签约项目40个,签约投资总额17.19亿美元。")
    got = deals(text, published="2007-10-27")
    assert [(a, v, q) for _, a, _, v, _, q, _ in got] == [("某省代表团", 1719000000, "exact")]
    got = deals("江苏代表团22个重点项目集中签约90.5亿元。江苏省代表团现场对22个重点项目集中签约,总额达90.5亿元。",
                published="2017-06-04")
    assert [(a, v) for _, a, _, v, *_ in got] == [("江苏省代表团", 9050000000)]


def test_an_origin_is_no_party():
    assert deals("又有一批来自中国的客商跟某珠宝商初步达成了合作意向。", published="2023-08-20") == []


def test_names_of_one_event_merge():
    # a name and a series mention of one article; a quoted part of a longer name; A暨B and one of its parts
    text = "第六届博览会将于今年9月举行。中国—东盟博览会是双方合作的重要平台。"
    assert [(n, e) for n, _, e, *_ in events(text, published="2009-05-01")] == [("第六届博览会", 6)]
    text = "2021年「某江论坛」暨海峡两岸(某江)融合发展交流会21日举行。「某江论坛」吸引了众多嘉宾。"
    assert len(events(text, published="2021-03-22")) == 1
    text = ("第九届中国—南亚博览会暨第29届中国昆明进出口商品交易会推介会12日在北京举行。"
            "第九届南博会暨第29届昆交会将于明年8月在昆明举行。第九届南博会将展出新产品。")
    got = events(text, published="2024-12-13")
    assert len(got) == 2 and all("暨" in n for n, *_ in got)


def test_press_conferences_and_described_exhibitions_are_not_events():
    assert events("4月14日,国新办举行新闻发布会,介绍一季度进出口情况。展会期间还举办了艺术展览。",
                  published="2020-04-14") == []


def test_partners_listed_before_and_referred_back_with_respectively():
    text = ("上半年,甲、乙两国之外,越南、缅甸、泰国为广西在东盟的前三大贸易伙伴,"
            "广西与上述三国的进出口额分别为152.6亿元、139.4亿元和71.2亿元,其中对越南、缅甸分别增长12.3%和31.7%。")
    got = flows(text, published="2019-07-20")
    assert [(r, p, v, g) for r, p, _, _, _, v, _, g in got] == [
        ("CN-GX", "VN", 15260000000, 12.3), ("CN-GX", "MM", 13940000000, 31.7), ("CN-GX", "TH", 7120000000, None)]


def test_the_place_a_report_is_filed_from_is_no_side_and_national_statistics_have_their_nation():
    text = ("(中央社记者台北2024年7月9日电)财政部今天公布出口统计。"
            "上半年对美国出口519.8亿美元,年增42.6%;对日本出口148.2亿美元,增8.9%。")
    got = flows(text, published="2024-07-09")
    assert [(r, p, f, v) for r, p, f, _, _, v, _, _ in got] == [
        ("TW", "US", "export", 51980000000), ("TW", "JP", "export", 14820000000)]
    text = "新华社北京4月14日电 海关总署14日发布数据,一季度对东盟进出口9913亿元,增长6.1%。"
    assert [(r, p) for r, p, *_ in flows(text, published="2020-04-14")] == [("CN", "ASEAN")]


def test_signers_listed_with_respectively_and_an_amount_two_clauses_after_the_agreement():
    got = deals("浙江、福建、广东代表团签约额分别为48.3亿元、45.5亿元和39.7亿元。", published="2013-05-20")
    assert [(a, v) for _, a, _, v, *_ in got] == [("浙江", 4830000000), ("福建", 4550000000),
                                                   ("广东代表团", 3970000000)]
    text = "某某集团与智利某铜业公司签署阴极铜长期采购协议,年采购量6万吨,首年合同金额约3.9亿美元。"
    got = deals(text, published="2018-11-10")
    assert [(a, b, v, q) for _, a, b, v, _, q, _ in got] == [("某某集团", "某铜业公司", 390000000, "approx")]


def test_a_foreign_region_or_company_written_with_its_country_and_asian_company_suffixes():
    got = deals("海南省与印度尼西亚北苏门答腊省签署建立友好省份关系意向书。", published="2025-03-01")
    assert [(a, b) for _, a, b, *_ in got] == [("海南", "北苏门答腊省")]
    got = deals("韩国某某株式会社与某经济技术开发区签署项目投资协议,增资2.5亿美元。", published="2015-09-01")
    assert got[0][1] == "某某株式会社" and got[0][3] == 250000000


def test_bylines_and_local_times_before_the_date_and_side_events_in_the_host_city():
    text = ("本报讯(记者 某某)当地时间5月8日,某省(法兰克福)投资贸易推介会在德国法兰克福举行。"
            "推介会期间,还举办了某省—法兰克福企业对接会和某省文化旅游论坛。")
    got = events(text, published="2019-05-10")
    assert [(n, s, e, c) for n, _, _, s, e, c in got] == [
        ("某省(法兰克福)投资贸易推介会", D(2019, 5, 8), D(2019, 5, 8), "法兰克福"),
        ("某省—法兰克福企业对接会", None, None, "法兰克福"), ("某省文化旅游论坛", None, None, "法兰克福")]


def test_a_day_without_its_month_reads_against_its_own_paragraph():
    text = ("某某网成都10月23日电(记者 某某)10月22日,第十五届中国西部国际博览会在成都开幕,为期5天。\n\n"
            "今年9月,两地签署了合作协议。\n\n"
            "23日上午,两地合作重点项目签约仪式在成都举行。")
    got = events(text, published="2015-10-23")
    assert [(n, s, e) for n, _, _, s, e, _ in got] == [
        ("第十五届中国西部国际博览会", D(2015, 10, 22), D(2015, 10, 26)),
        ("两地合作重点项目签约仪式", D(2015, 10, 23), D(2015, 10, 23))]


def test_a_byline_closing_bracket_is_not_part_of_a_name():
    got = events("(记者某某)2022琼港经贸合作交流会于10月21日在香港举行。", published="2022-10-22")
    assert [n for n, *_ in got] == ["2022琼港经贸合作交流会"]


def test_cross_strait_trade_and_one_expo_under_two_numerals():
    assert [(r, p, v) for r, p, _, _, _, v, _, _ in flows("2023年,两岸贸易额达2678亿美元,下降16%。")] == [
        ("CN", "TW", 267800000000)]
    text = "第十二届东博会9月在南宁开幕。第12届中国—东盟博览会期间,各方签约踊跃。"
    assert [(n, e) for n, _, e, *_ in events(text, published="2015-09-20")] == [("第12届中国—东盟博览会", 12)]


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


def test_projects_listed_before_their_count_are_one_deal_each_with_the_host():
    text = ("某某经开区管委会赴大阪举行招商推介会。会上,甲田精机、乙川化学、丙山电子等3个制造业项目集中签约,"
            "涉及智能制造、新能源、新材料等3个领域。")
    got = deals(text, published="2019-06-01")
    assert [(a, b) for _, a, b, *_ in got] == [("甲田精机", "某某经开区管委会"), ("乙川化学", "某某经开区管委会"),
                                              ("丙山电子", "某某经开区管委会")]


def test_a_counted_group_is_no_event_name_and_an_opening_ceremony_joined_to_an_event():
    text = "11月6日,某市交易分团58家企业进入第四届进博会场馆洽谈采购。"
    assert [n for n, *_ in events(text, published="2021-11-07")] == ["第四届进博会"]
    text = "29日,第三届中韩贸易投资博览会开幕式暨江苏-韩国企业家交流会在盐城举行。"
    # the expo (whose opening it is) and the gathering named after 暨
    assert sorted(n for n, *_ in events(text, published="2021-10-30")) == ["江苏-韩国企业家交流会", "第三届中韩贸易投资博览会"]


def test_both_sides_of_a_council_and_the_news_source_is_no_party():
    text = "中意企业家委员会第三次会议4月6日在北京举行。会议期间,双方20家企业签署12项合作协议。"
    got = deals(text, published="2023-04-07")
    assert [(a, b, n) for _, a, b, _, _, _, n in got] == [("中国", "意大利", 12)]
    text = "记者从某省商务厅获悉,某某集团与俄罗斯某公司签署采购协议,金额300万美元。"
    got = deals(text, published="2023-04-07")
    assert [(a, v) for _, a, _, v, *_ in got] == [("某某集团", 3000000)]


def test_signed_projects_between_two_named_sides_one_per_project():
    text = "某某国际工程公司分别与柬埔寨签订金边至西港高速公路、西港经济特区项目,中国某电力对外公司与老挝签定水电项目。"
    got = [(a, b) for _, a, b, *_ in deals(text, published="2006-11-01")]
    assert got == [("某某国际工程公司", "柬埔寨"), ("某某国际工程公司", "柬埔寨"), ("中国某电力对外公司", "老挝")]
    # a count of signed projects is a tally, not a project
    assert all(n == 20 for *_, n in deals("某市现场签约项目20个。", published="2006-11-01", publisher="某市日报"))


def test_a_headline_count_and_the_body_tally_are_one_deal():
    text = "第九届某某博览会闭幕 签约合同项目1200个\n\n本届某某博览会共签约合同项目1200个,投资总额4800亿元。"
    got = deals(text, published="2014-05-21")
    assert [(v, n) for _, _, _, v, _, _, n in got] == [(480000000000, 1200)]


def test_a_pair_named_without_a_flow_word_and_a_breakdown_that_names_its_reporter_again():
    text = "中意建交50年来,贸易额由不到1亿美元增至2021年的780亿美元。"
    assert [(r, p, v) for r, p, _, _, _, v, _, _ in flows(text, published="2022-03-01")] == [("CN", "IT", 78000000000)]
    text = "一季度,中拉贸易总额1183亿美元,其中中国出口657亿美元,中国进口526亿美元。另外,中国外贸进出口总值9万亿元。"
    got = flows(text, published="2025-05-01")
    assert [(p, f, v) for _, p, f, _, _, v, _, _ in got] == [
        ("LATIN-AMERICA", "total", 118300000000), ("LATIN-AMERICA", "export", 65700000000),
        ("LATIN-AMERICA", "import", 52600000000)]


def test_an_edition_under_the_series_short_form_and_a_name_inside_the_series_name_is_one_event():
    text = "为期5天的第三十届哈尔滨国际经济贸易洽谈会19日在哈尔滨闭幕。本届哈洽会签约项目100个。第三十届哈洽会吸引了众多客商。"
    got = events(text, published="2019-06-20")
    assert [(n, e) for n, _, e, *_ in got] == [("第三十届哈尔滨国际经济贸易洽谈会", 30)]


def test_markets_listed_before_their_sales_with_respectively():
    text = "本届交易会上,欧盟、东盟和美国居出口成交前三位,分别为60.5亿、30.8亿和25亿美元。"
    got = deals(text, published="2012-05-05")
    assert [(a, v) for _, a, _, v, *_ in got] == [("欧盟", 6050000000), ("东盟", 3080000000), ("美国", 2500000000)]


def test_a_short_form_that_ends_a_series_name_is_that_series():
    text = "第三届中国—东盟博览会期间,还举办了商务与投资峰会。"
    got = extract_text(text, published="2006-11-01").events
    assert [(e.name, e.series) for e in got if "峰会" in e.name] == [("商务与投资峰会", "中国-东盟商务与投资峰会")]


def test_foreign_companies_written_in_latin_script_are_the_counterparts():
    from tradenews.mentions.orgs import find_orgs

    got = [(o.name, o.country_code) for o in find_orgs(
        "某某重工有限公司与巴西Andrade Maquinas Ltda.、印尼PT Sinar Laut Jaya签署合作协议。")]
    assert got == [("某某重工有限公司", None), ("Andrade Maquinas Ltda.", "BR"), ("PT Sinar Laut Jaya", "ID")]
    # the comma of 'Co., Ltd.' does not end the clause the deal is read from
    text = "某某新材料集团与日本Kanto Fine Polymer Co., Ltd.签署合资项目协议,总投资6.5亿元。"
    assert deals(text, published="2023-08-25") == [
        ("investment", "某某新材料集团", "Kanto Fine Polymer Co., Ltd.", 650000000, "CNY", "exact", None)]
    assert [d.party_b_country for d in extract_text(text, published="2023-08-25").deals] == ["JP"]
    text = "某某物流有限公司分别与德国Rhein Logistik GmbH、荷兰Van Dijk Transport B.V.签署海外仓合作协议。"
    assert [(a, b) for _, a, b, *_ in deals(text, published="2021-06-10")] == [
        ("某某物流有限公司", "Rhein Logistik GmbH"), ("某某物流有限公司", "Van Dijk Transport B.V.")]


def test_signers_named_as_county_branch_ministry_and_quoted_association():
    text = "会上,石泉县与某某文旅投资有限公司签订康养小镇项目合同,总投资8亿元。"
    assert [(a, b, v) for _, a, b, v, *_ in deals(text, published="2019-05-20")] == [
        ("石泉县", "某某文旅投资有限公司", 800000000)]
    text = "中国进出口银行湖南省分行与某市人民政府签署战略合作协议。"
    assert [(a, b) for _, a, b, *_ in deals(text, published="2019-05-20")] == [("中国进出口银行湖南省分行", "某市人民政府")]
    text = "某省商务厅与越南工业和贸易部签署了《关于促进边境贸易的谅解备忘录》。"
    assert [(a, b) for _, a, b, *_ in deals(text, published="2019-05-20")] == [("某省商务厅", "越南工业和贸易部")]
    text = "某省农业厅与台湾「某某农业发展协会」签署了农业合作协议。"
    assert [(a, b) for _, a, b, *_ in deals(text, published="2019-05-20")] == [("某省农业厅", "某某农业发展协会")]


def test_mainland_words_cross_strait_pairs_and_restated_totals():
    text = ("(某社记者台北2011年5月9日电)经济部今天公布,今年1至4月两岸贸易总额达505.1亿美元,较去年同期成长12.5%。"
            "其中,台湾对大陆出口362.4亿美元;自大陆进口142.7亿美元。")
    got = flows(text, published="2011-05-09")
    assert [(r, p, f, v, g) for r, p, f, _, _, v, _, g in got] == [
        ("CN", "TW", "total", 50510000000, 12.5), ("TW", "CN", "export", 36240000000, None),
        ("TW", "CN", "import", 14270000000, None)]
    # a province's paragraph does not make 两岸 its own trade
    text = "今年前5个月,福建对台贸易额为40亿美元。去年,两岸贸易额为1500亿美元。"
    assert [(r, p) for r, p, *_ in flows(text, published="2012-06-10")] == [("CN-FJ", "TW"), ("CN", "TW")]
    # a headline's round bound and a partner's view of the same total are the body's figure
    text = "一季度哈中贸易额逾30亿美元\n\n据哈萨克斯坦统计委员会数据,2021年第一季度哈萨克斯坦与中国的贸易额为31.2亿美元。"
    got = extract_text(text, published="2021-04-20").trade_flows
    assert [(t.value, t.value_qualifier, t.commodity) for t in got] == [(3120000000, "exact", None)]


def test_port_statistics_with_a_cause_clause_and_a_value_after_the_rate():
    text = ("今年1至6月,绥芬河口岸对俄罗斯进出口贸易额达10亿美元。"
            "前6个月,口岸自俄罗斯进口木材100万立方米,受俄方调整出口关税影响,进口量有所减少;"
            "进口原油50万吨,增长5%,货值3亿美元。")
    got = extract_text(text, publisher="内蒙古日报", published="2012-07-15").trade_flows
    assert [(t.partner_code, t.flow, t.commodity, t.quantity, t.value, t.growth_pct) for t in got][1:] == [
        ("RU", "import", "木材", 1000000, None, None), ("RU", "import", "原油", 500000, 300000000, 5)]


def test_forecasts_in_taiwan_usage_and_a_period_named_in_a_share_clause():
    text = "经济部预估全年两岸贸易总额可望突破1400亿美元。"
    assert flows(text, published="2010-11-08") == []
    text = ("2010年前9月台湾对大陆出口占总出口比重达41.8%;同期台湾对美国出口232.5亿美元。")
    assert [(r, p, s, e) for r, p, _, s, e, *_ in flows(text, published="2010-11-08")] == [
        ("TW", "US", D(2010, 1, 1), D(2010, 9, 30))]


def test_side_events_of_an_expo_stay_apart_and_a_joined_expo_takes_its_series_short_name():
    text = ("某某社长春8月24日电 第十二届中国—东北亚博览会24日在长春开幕。"
            "开幕当天举行的东北亚经贸合作项目签约仪式上,共签约项目40个。25日将举行东北亚合作高层论坛。")
    got = events(text, published="2019-08-25")
    assert [n for n, *_ in got] == ["第十二届中国—东北亚博览会", "东北亚经贸合作项目签约仪式", "东北亚合作高层论坛"]
    text = ("9日,第三届中国—中东欧国家博览会暨国际消费品博览会在宁波落下帷幕。"
            "据介绍,本届中东欧博览会共达成意向采购额10亿元。")
    got = extract_text(text, published="2023-05-10").events
    assert [(e.name, e.aliases) for e in got] == [("第三届中国—中东欧国家博览会暨国际消费品博览会", ["中东欧博览会"])]


def test_amounts_stated_as_the_content_of_an_agreement_and_items_after_semicolons():
    text = ("5日上午,某某银行某省分行与某市人民政府签署《金融合作协议》。"
            "根据协议,某某银行将在今后三年内向某市提供总额30亿元的贷款支持。")
    assert [(t, a, b, v) for t, a, b, v, *_ in deals(text, published="2015-03-06")] == [
        ("other", "某某银行某省分行", "某市人民政府", 3000000000)]
    text = "其中,武汉市签约项目12个,合同外资2.5亿美元;黄石市签约项目5个,合同外资0.8亿美元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2010-09-10")] == [
        ("武汉", 250000000), ("黄石", 80000000)]
    text = "本届交易会出口成交保持增长,对俄罗斯、巴西等新兴市场成交增长较快,其中对俄罗斯成交9.6亿美元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2012-11-05")] == [("俄罗斯", 960000000)]


def test_a_dateline_without_its_month_names_the_reporting_territory():
    text = ("(某社记者某某台北7日电)财政部今天公布11月出口统计。"
            "11月对美国出口86.4亿美元,年增21.7%;对日本出口26.9亿美元。")
    got = flows(text, published="2023-12-07")
    assert [(r, p, s, e, v) for r, p, _, s, e, v, _, _ in got] == [
        ("TW", "US", D(2023, 11, 1), D(2023, 11, 30), 8640000000), ("TW", "JP", D(2023, 11, 1), D(2023, 11, 30), 2690000000)]
    got = events("某某网长春5日电 5日,第三届东北亚文化周在长春开幕。", published="2021-07-05")
    assert [(n, s) for n, _, _, s, _, _ in got] == [("第三届东北亚文化周", D(2021, 7, 5))]


def test_asides_do_not_change_the_sides_and_a_new_topic_drops_the_partner():
    text = ("今年1-7月,黑河市对俄罗斯进出口贸易额实现60亿元,增速高于全省对俄贸易9.3个百分点。"
            "其中,对俄出口18亿元;自俄进口42亿元。")
    assert [(r, f, v) for r, _, f, _, _, v, _, _ in flows(text, publisher="黑河日报", published="2019-08-16")] == [
        ("CN-HL-HEIHE", "total", 6000000000), ("CN-HL-HEIHE", "export", 1800000000), ("CN-HL-HEIHE", "import", 4200000000)]
    text = "2005年,吉林省对欧盟进出口10亿美元,下降4.1%,主要是汽车零部件进口有所减少;对韩国进出口7.4亿美元,增长23.5%。"
    assert [(r, p) for r, p, *_ in flows(text, published="2006-01-24")] == [("CN-JL", "EU"), ("CN-JL", "KR")]
    text = "前三季度,浙江对东盟进出口3000亿元。进口方面,进口原油3185.6万吨,增长9.2%。"
    assert [p for _, p, *_ in flows(text, published="2022-10-25")] == ["ASEAN"]
    assert flows("据海关统计,1-9月中哈货物贸易额为325.8亿美元,增长2.9%。", published="2024-11-08")[0][:3] == (
        "CN", "KZ", "total")
    assert flows("全年广西对东盟贸易额将突破29亿美元。", published="2007-12-20") == []


def test_deals_not_read_from_statistics_and_signers_in_latin_script_without_a_legal_form():
    text = "上半年,全市实现地区生产总值287.3亿元;社会消费品零售总额完成121.6亿元,签约项目12个。"
    assert [v for *_, v, _, _, _ in deals(text, publisher="某某日报", published="2019-08-16")] == []
    text = ("其中,某某农业科技有限公司与阿联酋Gulf Palm Trading LLC签署出口协议,金额1200万美元;"
            "某某新能源有限公司与Al Noor Clean Power Investment签署电站项目合作协议,总投资6.5亿美元。")
    assert [(a, b, v) for _, a, b, v, *_ in deals(text, published="2025-04-25")] == [
        ("某某农业科技有限公司", "Gulf Palm Trading LLC", 12000000),
        ("某某新能源有限公司", "Al Noor Clean Power Investment", 650000000)]
    text = "某某保税区管委会与迪拜Jebel Port Logistics FZE签署海外仓合作备忘录。"
    got = extract_text(text, published="2025-04-25").deals
    assert [(d.party_b, d.party_b_country) for d in got] == [("Jebel Port Logistics FZE", "AE")]


def test_a_joint_venture_with_its_capital_and_an_expo_s_sales_by_buyers():
    text = "某某航空物流有限公司与卢森堡Cargo Link S.A.签署合资协议,双方将共同组建货运航空公司,注册资本1.5亿美元。"
    assert [(t, a, b, v) for t, a, b, v, *_ in deals(text, published="2013-08-29")] == [
        ("investment", "某某航空物流有限公司", "Cargo Link S.A.", 150000000)]
    text = "本届博览会上,新兴市场客商成交活跃,其中中东客商成交1.86亿美元,欧盟客商成交1.34亿美元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2009-10-26")] == [
        ("中东客商", 186000000), ("欧盟客商", 134000000)]


def test_event_cities_inside_names_country_weeks_and_exhibition_areas():
    got = events("8月25日,为期4天的第十二届中国绥芬河国际口岸贸易博览会落下帷幕。", published="2014-08-26")
    assert [(n, c) for n, *_, c in got] == [("第十二届中国绥芬河国际口岸贸易博览会", "绥芬河")]
    got = events("7月16日,第七届沈阳韩国周在沈阳市和平区开幕。", published="2010-07-17")
    assert [(n, t, c) for n, t, _, _, _, c in got] == [("第七届沈阳韩国周", "cultural", "沈阳")]
    assert events("俄罗斯展区面积达1.2万平方米,占总展览面积的17.6%。", published="2008-06-20") == []


def test_expected_value_of_a_signing_summaries_and_descriptors_of_a_named_company():
    text = "展会期间,某某粮油有限公司与阿根廷一家农业合作社签订意向采购合同,采购大豆5万吨,预计成交额2300万美元。"
    assert [(t, a, v) for t, a, _, v, *_ in deals(text, published="2021-11-08")] == [
        ("purchase", "某某粮油有限公司", 23000000)]
    # a forecast that follows no signing stays a forecast
    assert deals("明年该公司预计成交额2300万美元。", published="2021-11-08") == []
    text = "某某港务集团与比利时知名物流企业Port Line Services NV签署合作备忘录。"
    got = extract_text(text, published="2022-05-10").deals
    assert [(d.party_b, d.party_b_country) for d in got] == [("Port Line Services NV", "BE")]
    text = ("会上,国开行签署两项融资合作协议。国家开发银行与某某省人民政府签署开发性金融合作协议,"
            "国开行与某某交通投资集团签署贷款合同,金额30亿元。")
    got = deals(text, published="2020-09-15")
    # the summary '国开行签署两项…' is neither a third deal nor a deal with nobody
    assert sorted((b, v or 0) for _, _, b, v, *_ in got) == [("某某交通投资集团", 3000000000), ("某某省人民政府", 0)]


def test_an_item_that_opens_with_its_own_actor_does_not_take_the_pair_named_before():
    def rows(text):
        return [(a, b, v, c) for _, a, b, v, c, *_ in deals(text, published="2022-11-08")]

    text = ("会上,某某食品有限公司与泰国正大集团签署合作协议;某某鞋业有限公司向意大利某某机械公司采购制鞋设备,"
            "合同金额860万欧元。")
    assert ("某某鞋业有限公司", "某某机械公司", 8600000, "EUR") in rows(text)
    assert all(a != "某某食品有限公司" or v is None for a, _, v, _ in rows(text))
    text = "某某化工集团与阿特劳石化公司签署供货协议,金额1亿美元;韩国某某重工株式会社将在珲春投资8000万美元建设物流园。"
    assert rows(text)[1] == ("某某重工株式会社", "珲春", 80000000, "USD")
    text = "某某区与某某汽车公司签约,总投资3.2亿美元;日本某某精工株式会社增资1.15亿美元,扩建其工厂。"
    assert rows(text)[1] == ("某某精工株式会社", None, 115000000, "USD")
    # 同日 is a day, not a partner ('A同B签署')
    text = "某某区与某某汽车公司签约,总投资3.2亿美元;香港某某控股有限公司投资2亿美元的零部件产业园项目同日签约。"
    assert rows(text)[1] == ("某某控股有限公司", None, 200000000, "USD")
    text = "某某区引进深圳某某科技有限公司“智能终端产业园”项目,投资额20亿元。"
    assert rows(text) == [("深圳某某科技有限公司", "某某区", 2000000000, "CNY")]
    text = "由深圳市某某电子集团有限公司投资建设的电路板项目落户某某经开区,总投资45亿元。"
    assert rows(text) == [("深圳市某某电子集团有限公司", "某某经开区", 4500000000, "CNY")]
    text = "某某银行某某分行牵头组建银团,向某某煤电有限责任公司提供银团贷款68亿元。"
    assert rows(text) == [("某某银行某某分行", "某某煤电有限责任公司", 6800000000, "CNY")]


def test_signers_in_latin_script_after_a_descriptor_and_currencies_named_before_the_figure():
    text = ("印度车用零件大厂Sundaram Motorparts与台湾某某精密工业股份有限公司签约,采购新台币2.4亿元的冲压件;"
            "孟买医材通路商MedAxis Healthcare则向台湾某某医疗器材公司采购价值650万美元的设备。")
    got = extract_text(text, published="2023-05-10").deals
    assert [(d.party_a, d.party_a_country, d.party_b, d.amount, d.currency) for d in got] == [
        ("Sundaram Motorparts", "IN", "某某精密工业股份有限公司", 240000000, "TWD"),
        ("MedAxis Healthcare", None, "某某医疗器材公司", 6500000, "USD")]
    text = "吉尔吉斯斯坦Aziya Invest公司将在喀什经济开发区投资3000万美元建设皮革加工厂。"
    (d,) = extract_text(text, published="2012-09-05").deals
    assert (d.party_a, d.party_a_country, d.party_b, d.amount) == ("Aziya Invest公司", "KG", "喀什经济开发区", 30000000)


def test_sales_by_market_credit_statistics_and_thresholds():
    text = "本届交易会出口成交218亿美元,从市场看,与共建“一带一路”国家成交119.5亿美元;与RCEP成员国成交54.7亿美元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2023-05-06")][1:] == [
        ("共建“一带一路”国家", 11950000000), ("RCEP成员国", 5470000000)]
    text = ("今年全省安排省重点项目500个,年度计划投资3500亿元。上年全省新增人民币贷款3270亿元,社会融资规模达6520亿元。"
            "本次签约的项目中,总投资超过1亿美元的有5个。")
    assert deals(text, published="2014-03-20") == []


def test_goods_named_before_the_flow_word_of_a_tonnage_keep_the_sides():
    text = "2015年,哈萨克斯坦对华出口85亿美元。哈对华出口以矿产品为主,其中铜精矿出口120万吨,增长8%;小麦出口40万吨。"
    got = [(t.reporter_code, t.partner_code, t.flow, t.quantity, t.commodity, t.growth_pct)
           for t in extract_text(text, published="2016-02-01").trade_flows]
    assert got == [("KZ", "CN", "export", None, None, None), ("KZ", "CN", "export", 1200000, "铜精矿", 8.0),
                   ("KZ", "CN", "export", 400000, "小麦", None)]
    # goods in the breakdown of a flow with money; a trade regime is no goods
    text = "前10个月,越南对华出口果蔬41.8亿美元,增长27.4%,其中榴莲出口额达25.6亿美元。"
    assert [(t.commodity, t.value) for t in extract_text(text, published="2024-11-07").trade_flows] == [
        ("果蔬", 4180000000), ("榴莲", 2560000000)]
    text = "前10个月,广西对越南进出口2000亿元,增长7%,其中加工贸易进出口300亿元。"
    assert [t.value for t in extract_text(text, published="2024-11-07").trade_flows] == [200000000000]
    # a port's freight volume is no flow of goods with the partner
    text = "今年前10个月,某某口岸对俄进出口贸易额45亿美元。口岸进出口货运总量累计完成1500万吨。"
    assert [t.quantity for t in extract_text(text, published="2012-11-10", publisher="内蒙古日报").trade_flows
            if t.quantity] == []


def test_a_month_without_its_year_never_ends_after_the_report():
    text = "2008年,日本对华出口1241.5亿美元,增长13.6%。12月单月,日本对华出口84.7亿美元,下降25.3%。"
    got = [(t.period_start, t.period_end, t.value) for t in extract_text(text, published="2009-02-26").trade_flows]
    assert got == [(D(2008, 1, 1), D(2008, 12, 31), 124150000000), (D(2008, 12, 1), D(2008, 12, 31), 8470000000)]
    # the month of this year when it has passed
    text = "1月份,日本对华出口84.7亿美元,下降25.3%。"
    assert [t.period_start for t in extract_text(text, published="2009-02-26").trade_flows] == [D(2009, 1, 1)]


def test_each_counterpart_s_amount_restated_totals_and_names_with_data_in_them():
    text = "某某银行分别与绵阳市政府、德阳市政府、乐山市政府签署金融合作协议,各提供授信50亿元。"
    assert [(b, v) for _, _, b, v, *_ in deals(text, published="2014-03-20")] == [
        ("绵阳市政府", 5000000000), ("德阳市政府", 5000000000), ("乐山市政府", 5000000000)]
    text = "中国进出口银行某某分行向某某石油装备有限公司提供4.6亿美元出口买方信贷。"
    assert [(a, b, v) for _, a, b, v, *_ in deals(text, published="2014-03-20")] == [
        ("中国进出口银行某某分行", "某某石油装备有限公司", 460000000)]
    # the headline's total and the body's are one deal, whatever names the two give the sides
    text = ("甘肃与中亚企业现场签约15个项目 金额20.5亿元\n\n"
            "来自哈萨克斯坦、乌兹别克斯坦的80余家企业与甘肃200余家企业开展洽谈,现场签约项目15个,金额合计20.5亿元。")
    assert [(v, n) for _, _, _, v, _, _, n in deals(text, published="2024-06-01")] == [(2050000000, 15)]
    text = "由新加坡某某数据公司(Some Data Pte. Ltd.)投资建设的数据中心项目落户南宁五象新区,总投资3.6亿美元。"
    (d,) = extract_text(text, published="2023-09-20").deals
    assert (d.party_a, d.party_a_country, d.party_b, d.amount) == ("某某数据公司", "SG", "南宁五象新区", 360000000)


def test_sessions_and_meetings_on_a_day_are_held_that_day():
    got = events("4月23日,代表团在布达佩斯出席中国(浙江)—匈牙利投资合作推介会。", published="2019-04-26")
    assert [(n, t, s, e, c) for n, t, _, s, e, c in got] == [
        ("中国(浙江)—匈牙利投资合作推介会", "promotion", D(2019, 4, 23), D(2019, 4, 23), "布达佩斯")]
    got = events("5月18日,在中俄林业合作圆桌会上,双方签署合作备忘录。", published="2024-05-20")
    assert [(s, e) for *_, s, e, _ in got] == [(D(2024, 5, 18), D(2024, 5, 18))]
    # a session of a fair is one day; the fair that opens on a day has no known end
    got = events("10月20日,2016中德(成都)经贸合作洽谈会在成都举行。", published="2016-10-21")
    assert [(t, s, e, c) for _, t, _, s, e, c in got] == [("matchmaking", D(2016, 10, 20), D(2016, 10, 20), "成都")]
    got = events("10月20日,第五届某某国际经贸洽谈会在成都开幕。", published="2016-10-21")
    assert [(s, e) for *_, s, e, _ in got] == [(D(2016, 10, 20), None)]


def test_taiwan_quarters_and_its_own_dollar():
    text = "(中央社记者台北9日电)财政部今天公布海关统计。第一季对美国出口262.4亿美元,年增71.5%;若以新台币计,第一季对美出口达8,270亿元。"
    got = [(t.reporter_code, t.period_start, t.period_end, t.value, t.currency)
           for t in extract_text(text, published="2024-04-09").trade_flows]
    assert got == [("TW", D(2024, 1, 1), D(2024, 3, 31), 26240000000, "USD"),
                   ("TW", D(2024, 1, 1), D(2024, 3, 31), 827000000000, "TWD")]
    # Taiwan's statistics count 元 in its own dollar; 人民币 stays 人民币
    text = "台湾首季对日本出口2100亿元,年减1.8%;对大陆出口人民币500亿元。"
    assert [(p, c) for _, p, *_, c, _ in flows(text, published="2024-04-09")] == [("JP", "TWD"), ("CN", "CNY")]


def test_a_port_as_subject_descriptions_of_goods_and_freight():
    text = ("上半年,绥芬河口岸对俄罗斯进出口贸易额82.4亿元。木材仍是最大宗进口商品。"
            "上半年,口岸自俄罗斯进口原木182.6万立方米,同比下降8.5%。口岸进出口货运总量完成560万吨。")
    got = [(t.reporter_code, t.partner_code, t.quantity, t.commodity) for t in
           extract_text(text, published="2019-07-12").trade_flows]
    assert got == [("CN-HL-SUIFENHE", "RU", None, None), ("CN-HL-SUIFENHE", "RU", 1826000, "原木")]


def test_expo_period_totals_breakdowns_markets_pairs_and_delegations():
    text = ("9月28日,第二十一届中国—东盟博览会在南宁闭幕。展会期间,外贸成交额达到21.3亿美元。本届博览会共签约项目300个。"
            "其中,投资类项目297个,计划投资额1614.2亿元;贸易类项目89个,贸易额212.3亿元。")
    assert [v for *_, v, _, _, _ in deals(text, published="2024-09-29") if v] == [
        2130000000, 161420000000, 21230000000]
    text = "本届洽谈会共签订经贸合同金额120亿美元。其中,对俄罗斯经贸合同金额37.4亿美元。全区一季度完成投资107.6亿元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2009-06-20")] == [
        ("本届洽谈会", 12000000000), ("俄罗斯", 3740000000)]
    text = ("某某钢铁有限责任公司与澳洲FMG公司、湖北某某线业有限公司与德国某某机械制造有限公司分别签订了5000万美元、"
            "702万美元的采购协议;某某食品公司分别与澳大利亚Southern Cross Beef Pty Ltd、新西兰Kiwi Dairy Co-op签订进口合同,"
            "金额分别为1800万美元和1250万美元。")
    assert [(a, b, v) for _, a, b, v, *_ in deals(text, published="2024-11-07")] == [
        ("某某钢铁有限责任公司", "FMG公司", 50000000), ("湖北某某线业有限公司", "某某机械制造有限公司", 7020000),
        ("某某食品公司", "Southern Cross Beef Pty Ltd", 18000000), ("某某食品公司", "Kiwi Dairy Co-op", 12500000)]
    text = "11月6日,四川交易团进博会专场签约活动在国家会展中心(上海)举行,现场签约采购项目18个,意向采购金额4.62亿美元。"
    assert [(a, v) for _, a, _, v, *_ in deals(text, published="2024-11-07")] == [("四川交易团", 462000000)]


def test_one_council_meeting_written_in_full_and_in_short_is_one_event():
    text = ("9月3日,中国华北地区和蒙古国中部及南部地区政府间合作委员会第二次会议在乌兰巴托举行。"
            "出席中蒙华北—南部政府间合作委员会第二次会议的代表签署了合作纪要。")
    got = extract_text(text, published="2019-09-05").events
    assert [(e.name, e.edition, e.start_date) for e in got] == [
        ("中国华北地区和蒙古国中部及南部地区政府间合作委员会第二次会议", 2, D(2019, 9, 3))]
    # two different councils' meetings stay two
    text = "9月3日,中俄政府间合作委员会第二次会议在北京举行。9月5日,中蒙科技合作委员会第三次会议在北京举行。"
    assert len(extract_text(text, published="2019-09-06").events) == 2


def test_days_of_this_edition_and_editions_of_a_fair_held_twice_a_year():
    text = "11月4日,第136届中国进出口商品交易会在广州闭幕。本届广交会于10月15日开幕,分三期举办。"
    assert [(s, e) for *_, s, e, _ in events(text, published="2024-11-05")] == [(D(2024, 10, 15), D(2024, 11, 4))]
    text = "9月16日,2024年中国国际服务贸易交易会在北京闭幕。本届服贸会于9月12日至16日在首钢园举办。"
    assert [(s, e) for *_, s, e, _ in events(text, published="2024-09-17")] == [(D(2024, 9, 12), D(2024, 9, 16))]
    # with no published date, the 136th session of a fair held twice a year dates the article to 2024
    text = "11月4日,第136届中国进出口商品交易会在广州闭幕。"
    assert [e for *_, e, _ in events(text, published=None)] == [D(2024, 11, 4)]


def test_trade_shows_named_by_their_goods():
    got = events("香港贸发局主办的香港国际茶展及香港国际美食展同期举行。当地经济持续发展。", published="2023-08-20")
    assert [(n, t) for n, t, *_ in got] == [("香港国际茶展", "expo"), ("香港国际美食展", "expo")]


def test_last_year_s_same_period_goals_across_clauses_trillions_and_metric_tons():
    text = "今年上半年,黑龙江省对俄进出口1083.4亿元,增长12.2%。去年同期,我省对俄进出口为965.5亿元。"
    got = [(t.period_start, t.period_end, t.value) for t in extract_text(text, published="2024-07-22").trade_flows]
    assert got == [(D(2024, 1, 1), D(2024, 6, 30), 108340000000), (D(2023, 1, 1), D(2023, 6, 30), 96550000000)]
    text = "前5个月,云南对越南进出口300亿元。今年全省将力争实现固定资产投资增长8%,外贸进出口突破1500亿元。"
    assert [f[5] for f in flows(text, published="2024-06-20")] == [30000000000]
    text = "前三季中国与欧盟贸易总值4.2兆元,年增0.6%。"
    assert [f[5] for f in flows(text, published="2024-10-15")] == [4200000000000]
    text = "2023年巴西对中国出口1045亿美元。此外,巴西对中国出口铁矿砂2.36亿公吨;出口原油价值201.7亿美元。"
    got = [(t.quantity, t.quantity_unit, t.commodity, t.value) for t in extract_text(text, published="2024-01-06").trade_flows]
    assert got[1:] == [(236000000, "t", "铁矿砂", None), (None, None, "原油", 20170000000)]


def test_goals_are_no_signings_and_companies_with_a_japanese_legal_form():
    text = "开发区负责人表示,今年将力争新签约亿元以上项目80个以上。同日,日本Kuroda Seiki株式会社追加投资3500万美元扩建工厂。"
    assert [(t, a, v) for t, a, _, v, *_ in deals(text, published="2024-07-01")] == [
        ("investment", "Kuroda Seiki株式会社", 35000000)]
