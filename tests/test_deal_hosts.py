"""Deal hosts named inside the name of the signing they hold (hand-written sentences)."""
from tests.conftest import extract_text


def test_a_zone_opening_the_name_of_its_signing_is_its_host():
    text = "4月9日,苏州工业园区2024年二季度重大项目集中签约活动举行,16个项目现场签约,总投资213.5亿元。"
    got = extract_text(text, published="2024-04-10").deals
    assert [(d.party_a, d.amount, d.deal_count) for d in got] == [("苏州工业园区", 21350000000, 16)]
