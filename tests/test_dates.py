import datetime as dt

import pytest

from tradenews.mentions.dates import find_dates, find_periods

D = dt.date


@pytest.mark.parametrize("text,first,last", [
    ("2022年,江西对俄罗斯进出口总额", D(2022, 1, 1), D(2022, 12, 31)),
    ("今年上半年,吉林省对俄出口", D(2023, 1, 1), D(2023, 6, 30)),
    ("前2个月,全省对东盟进出口", D(2023, 1, 1), D(2023, 2, 28)),
    ("去年一季度", D(2022, 1, 1), D(2022, 3, 31)),
    ("2018年1月至8月,两国贸易额", D(2018, 1, 1), D(2018, 8, 31)),
    ("1-4月,黑龙江省对俄贸易", D(2023, 1, 1), D(2023, 4, 30)),
    ("2024年前三季度", D(2024, 1, 1), D(2024, 9, 30)),
    ("前三个月", D(2023, 1, 1), D(2023, 3, 31)),
    ("8月份,中国对俄出口额", D(2023, 8, 1), D(2023, 8, 31)),
    ("2020年2月,全省外贸", D(2020, 2, 1), D(2020, 2, 29)),
])
def test_periods(text, first, last):
    periods = find_periods(text, 2023)
    assert [(p.first, p.last) for p in periods] == [(first, last)]


def test_multi_year_range_is_not_a_period():
    assert find_periods("2000年至2005年对俄贸易额年均增长32.8%", 2023) == []


def test_a_day_is_not_a_month_period():
    assert find_periods("11月7日,双方签署协议", 2023) == []


@pytest.mark.parametrize("text,first,last", [
    ("11月7日至9日,会议在南昌举行", D(2023, 11, 7), D(2023, 11, 9)),
    ("11月5日-10日", D(2023, 11, 5), D(2023, 11, 10)),
    ("6月30日至7月2日", D(2023, 6, 30), D(2023, 7, 2)),
    ("2017年6月19日闭幕", D(2017, 6, 19), None),
    ("11月7日晚,签约仪式", D(2023, 11, 7), None),
    ("11月7上午,签约仪式", D(2023, 11, 7), None),
])
def test_dates(text, first, last):
    d = find_dates(text, 2023)[0]
    assert (d.first, d.last) == (first, last)


def test_impossible_date_is_skipped():
    assert find_dates("2月30日", 2023) == []
