import pytest

from tradenews.mentions.numbers import find_growth, find_money, parse_count, parse_number


@pytest.mark.parametrize("text,value", [("72.58", 72.58), ("二十八", 28), ("1,200", 1200), ("三点五", 3.5),
                                        ("两", 2), ("一百零五", 105)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,amount,currency,qualifier", [
    ("去年进出口总额72.58亿元,增长三成", 7258000000, "CNY", "exact"),
    ("签下订单货值超870万美元", 8700000, "USD", "over"),
    ("初步成交金额近2000万元", 20000000, "CNY", "approx"),
    ("投资约3.5亿欧元建设新厂", 350000000, "EUR", "approx"),
    ("采购额达１２０万美元", 1200000, "USD", "exact"),  # full-width digits are normalized upstream
    ("签约额逾五千万元人民币", 50000000, "CNY", "over"),
    ("合同金额300余万卢布", 3000000, "RUB", "at_least"),
    ("累计成交1.5亿美元以上", 150000000, "USD", "over"),
    ("总额不到800万港元", 8000000, "HKD", "under"),
    ("订购新台币约1.2亿元的零组件", 120000000, "TWD", "approx"),  # the currency before a figure in 元
    ("合约总值港币3亿元", 300000000, "HKD", "exact"),
    ("其中人民币贷款40亿元", 4000000000, "CNY", "exact"),
    ("采购农产品近2000萬元人民幣", None, None, None),  # Traditional: only after normalization
])
def test_find_money(text, amount, currency, qualifier):
    from tradenews.ingest.normalize import normalize_text

    found = find_money(normalize_text(text)[0])
    if amount is None:
        assert found and found[0].amount == 20000000  # normalization folds 萬/幣
        return
    assert len(found) == 1
    m = found[0]
    assert (m.amount, m.currency, m.qualifier) == (amount, currency, qualifier)


def test_conversion_in_parentheses_is_not_a_second_amount():
    found = find_money("总投资额达14.33亿美元(约合新台币414.21亿元)")
    assert [(m.amount, m.currency) for m in found] == [(1433000000, "USD")]


@pytest.mark.parametrize("text,pct", [("同比增长28%", 28), ("下降5.2%", -5.2), ("激增1.7倍", 170), ("增幅为12%", 12),
                                      ("同比减少百分之十", -10), ("比上年同期增长3.4%", 3.4), ("增长了12%", 12),
                                      ("同比增长更达二十七倍", 2700), ("较上年同期的300万吨骤降40%", -40),
                                      ("出口增速达到9.5%", 9.5), ("出口降至5%", None), ("上升至百分之八", None)])
def test_find_growth(text, pct):
    """A rate of change, whatever links the verb to the figure; '降至5%' is a level, not a change."""
    assert [g.pct for g in find_growth(text)] == ([] if pct is None else [pct])


def test_percentage_points_are_not_growth():
    assert find_growth("高于全国平均水平0.4个百分点") == []


@pytest.mark.parametrize("text,count", [("签约项目20个", (20, "exact")), ("100多项", (100, "over")),
                                        ("十二个项目", (12, "exact"))])
def test_parse_count(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["环比增长5.2%", "年均增长32.8%", "较2019年增长45%", "比2019年同期增长12%"])
def test_rates_that_are_not_year_on_year(text):
    assert find_growth(text) == []


@pytest.mark.parametrize("text,amount,currency,qualifier", [
    ("双边贸易额为1234亿5600万美元", 123456000000, "USD", "exact"),  # two parts add up
    ("进出口总值2.3万亿元", 2300000000000, "CNY", "exact"),
    ("投资一百零五万元", 1050000, "CNY", "exact"),
    ("融资十余亿元", 1000000000, "CNY", "at_least"),
    ("订单5千万元", 50000000, "CNY", "exact"),
    ("合同额近两亿欧元", 200000000, "EUR", "approx"),
    ("签约项目12个,总额34亿美元", 3400000000, "USD", "exact"),  # a comma before the number
])
def test_figures_written_every_way(text, amount, currency, qualifier):
    found = find_money(text)
    assert [(m.amount, m.currency, m.qualifier) for m in found] == [(amount, currency, qualifier)]


@pytest.mark.parametrize("text", ["带来数十亿元投资", "编号1.2.3亿元", "共1234亿,5600万美元"])
def test_no_figure_or_no_wrong_figure(text):
    # vague (数十亿), malformed (1.2.3) or two separate figures: never one value off by a unit
    assert all(m.amount in (123400000000.0, 56000000.0) for m in find_money(text))
    if "," not in text:
        assert find_money(text) == []


def test_restatement_after_a_bracket_is_not_a_second_figure():
    found = find_money("该集团签约金额达16亿元(人民币,下同,约2.2亿美元),创新高")
    assert [(m.amount, m.currency) for m in found] == [(1600000000, "CNY")]


def test_invisible_characters_inside_a_number_are_removed_before_reading():
    from tradenews.ingest.normalize import normalize_text

    found = find_money(normalize_text("贸易额1\u200d000亿元")[0])
    assert [m.amount for m in found] == [100000000000]


def test_long_runs_of_digits_are_read_in_linear_time():
    import signal

    def too_slow(*_):
        raise TimeoutError("the figure grammar backtracks over long runs of digits")

    signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)  # quadratic patterns take minutes on this input, linear ones milliseconds
    try:
        for text in ("1" * 200_000 + "亿元", "一" * 200_000 + "亿元", "1," * 100_000 + "万美元", "增长" + "9" * 200_000 + "%"):
            assert find_money(text) == [] and find_growth(text) == []
    finally:
        signal.alarm(0)
