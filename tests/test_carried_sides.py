"""Sides and hosts carried across sentences of the genre (hand-written sentences; to move into the specs)."""
from tests.conftest import extract_text


def test_a_zone_opening_the_name_of_its_signing_is_its_host():
    text = "4月9日,苏州工业园区2024年二季度重大项目集中签约活动举行,16个项目现场签约,总投资213.5亿元。"
    got = extract_text(text, published="2024-04-10").deals
    assert [(d.party_a, d.amount, d.deal_count) for d in got] == [("苏州工业园区", 21350000000, 16)]


def test_a_cause_after_a_flow_and_a_sentence_about_goods_keep_the_port_as_reporter():
    text = ("前7个月,钦州港口岸对越南进出口126.7亿元。此外,对澳大利亚进出口65.2亿元,下降12.6%,主要受铁矿砂进口减少影响。"
            "大宗商品进口稳中有变。1-7月,口岸自印度尼西亚进口煤炭612.5万吨,同比下降9.8%。")
    got = [(t.reporter_code, t.partner_code, t.flow, t.quantity, t.commodity)
           for t in extract_text(text, published="2024-08-16").trade_flows]
    assert got[-1] == ("CN-GX-QINZHOU", "ID", "import", 6125000, "煤炭")
