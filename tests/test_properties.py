"""Property tests: the number, money, growth, percentage and date grammar on generated expressions, the
extractor on arbitrary text, and the whole pipeline on random mutations of the seed page.

Bounded by the hypothesis profile in tests/reliability.py (HYPOTHESIS_PROFILE=thorough searches longer).
"""
from __future__ import annotations

import calendar
import datetime as dt
import shutil
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests import reliability  # noqa: F401 - loads the hypothesis profile
from tests.conftest import SEED, extract_text
from tests.reliability import documents_paths, examples, input_files, rejected_documents
from tradenews.ingest.read import RejectedInput, decode_bytes
from tradenews.mentions.dates import find_dates, find_periods
from tradenews.mentions.numbers import (
    PREFIX_QUALIFIERS,
    find_growth,
    find_money,
    find_percents,
    find_quantities,
    parse_count,
    parse_number,
)
from tradenews.pipeline import run_local
from tradenews.publish.check import check_package
from tradenews.reference import currencies
from tradenews.tables.build import build_tables
from tradenews.tables.validate import validate_tables

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int, liang: bool = False) -> str:
    """0 <= n < 10**12 written the standard way: 三千零五, 二十万零八百, 一亿二千万; 两 before 百千万亿 if liang."""
    if n == 0:
        return "零"

    def below_10000(k: int, leading: bool) -> str:
        out, zero = "", False
        for power, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
            d = k // 10 ** power % 10
            if d == 0:
                zero = zero or bool(out) or not leading
                continue
            if zero and (out or not leading):
                out += "零"
            zero = False
            digit = "两" if liang and d == 2 and unit in ("千", "百") else DIGITS[d]
            out += "十" if (d == 1 and unit == "十" and not out and leading) else digit + unit
        return out

    groups = [(n // 10 ** 8, "亿"), (n // 10 ** 4 % 10 ** 4, "万"), (n % 10 ** 4, "")]
    out, pending_zero = "", False
    for k, unit in groups:
        if k == 0:
            pending_zero = bool(out)
            continue
        text = below_10000(k, leading=not out)
        if out and (pending_zero or k < 1000) and not text.startswith("零"):
            text = "零" + text
        out += text + unit
        pending_zero = False
    return out


@pytest.mark.parametrize("n,text", [(0, "零"), (10, "十"), (15, "十五"), (28, "二十八"), (105, "一百零五"),
                                    (1010, "一千零一十"), (20800, "二万零八百"), (100000, "十万"),
                                    (120000000, "一亿二千万"), (100000005, "一亿零五")])
def test_chinese_numeral_writer(n, text):
    assert chinese_numeral(n) == text


# --- numbers ------------------------------------------------------------------------------------------

@given(st.integers(0, 10 ** 12 - 1), st.booleans())
@example(2222, True)
def test_chinese_numerals_round_trip(n, liang):
    assert parse_number(chinese_numeral(n, liang)) == n


@given(st.integers(0, 10 ** 15), st.one_of(st.none(), st.integers(0, 10 ** 6)), st.booleans())
def test_arabic_numbers_round_trip(whole, fraction, commas):
    text = f"{whole:,}" if commas else str(whole)
    expected = Decimal(whole)
    if fraction is not None:
        text += f".{fraction}"
        expected = Decimal(f"{whole}.{fraction}")
    assert parse_number(text) == pytest.approx(float(expected), rel=1e-15)


@given(st.text(alphabet=DIGITS + "十百千万亿两〇点0123456789.,", max_size=30))
def test_parse_number_raises_only_value_errors(text):
    try:
        value = parse_number(text)
    except (ValueError, KeyError, IndexError):  # what callers catch
        return
    assert value == value and abs(value) != float("inf")


# --- money ----------------------------------------------------------------------------------------------

MULTIPLIERS = {"": 1, "万": 10 ** 4, "亿": 10 ** 8, "万亿": 10 ** 12, "千万": 10 ** 7, "百万": 10 ** 6,
               "百亿": 10 ** 10, "千亿": 10 ** 11}
QUALIFIER = st.one_of(
    st.tuples(st.sampled_from(sorted(PREFIX_QUALIFIERS)), st.just(""), st.just("")).map(
        lambda q: (q, PREFIX_QUALIFIERS[q[0]])),
    st.tuples(st.just(""), st.sampled_from(["多", "余"]), st.just("")).map(
        lambda q: (q, {"多": "over", "余": "at_least"}[q[1]])),
    st.tuples(st.just(""), st.just(""), st.sampled_from(["以上", "左右", "上下"])).map(
        lambda q: (q, {"以上": "over", "左右": "approx", "上下": "approx"}[q[2]])),
    st.just((("", "", ""), "exact")),
)


@st.composite
def amounts(draw):
    """(written number, its value, multiplier word): 72.58 / 五千 / 1,200 with 万, 亿, 千万..."""
    if draw(st.booleans()):
        whole = draw(st.integers(0, 99999))
        decimals = draw(st.one_of(st.none(), st.integers(1, 99)))
        text = f"{whole:,}" if draw(st.booleans()) else str(whole)
        value = Decimal(whole) if decimals is None else Decimal(f"{whole}.{decimals}")
        if decimals is not None:
            text += f".{decimals}"
        mult = draw(st.sampled_from(sorted(MULTIPLIERS)))
    else:  # a Chinese numeral takes 万/亿 after it (五千万), never 千万 (五千千万 is not a number)
        n = draw(st.integers(1, 9999))
        text, value = chinese_numeral(n, draw(st.booleans())), Decimal(n)
        mult = draw(st.sampled_from(["", "万", "亿", "万亿"]))
    return text, value, mult


@given(amounts(), QUALIFIER, st.sampled_from(sorted(currencies())))
def test_money_round_trips(amount, qualifier, word):
    (pre, suf, after), expected_qualifier = qualifier
    num, value, mult = amount
    if suf and mult.startswith(("百", "千")):
        mult = mult[1:]  # 300多千万 is not written
    text = f"双方签约，成交金额{pre}{num}{suf if not mult else ''}{mult}{suf if mult else ''}{word}{after}。"
    found = find_money(text)
    assert len(found) == 1, text
    m = found[0]
    expected = float(value * MULTIPLIERS[mult])
    assert m.amount == pytest.approx(expected, rel=1e-12, abs=0.01), text
    assert (m.currency, m.qualifier) == (currencies()[word], expected_qualifier), text
    assert text[m.start:m.end].startswith(pre or num) and text[m.start:m.end].endswith(after or word)


# --- growth and percentages -----------------------------------------------------------------------------

UP = ["增长", "增加", "上升", "提高", "上涨", "激增", "猛增", "大增", "增幅为", "增幅达", "增速为"]
DOWN = ["下降", "减少", "下滑", "降低", "回落", "下跌", "降幅为", "萎缩"]


@st.composite
def rates(draw):
    if draw(st.booleans()):
        whole, tenths = draw(st.integers(0, 999)), draw(st.one_of(st.none(), st.integers(0, 9)))
        text = str(whole) if tenths is None else f"{whole}.{tenths}"
        return text, Decimal(text)
    n = draw(st.integers(0, 999))
    return chinese_numeral(n), Decimal(n)


@given(st.sampled_from(["", "同比", "比上年", "较去年同期"]), st.sampled_from(UP + DOWN), rates(),
       st.sampled_from(["%", "倍", "成"]))
def test_growth_round_trips(before, word, rate, unit):
    text, value = rate
    sentence = f"全省进出口总额{before}{word}{text}{unit}，其中出口"
    found = find_growth(sentence)
    assert len(found) == 1, sentence
    expected = value * {"%": 1, "倍": 100, "成": 10}[unit] * (-1 if word in DOWN else 1)
    assert found[0].pct == pytest.approx(float(expected), abs=1e-9), sentence


@given(rates(), st.booleans())
def test_percentages_round_trip(rate, spelled):
    text, value = rate
    written = f"百分之{text}" if spelled and not text[0].isdigit() else f"{text}%"
    found = find_percents(f"对俄出口占全省出口的{written}，居全国前列")
    assert [round(v, 6) for _, _, v in found] == [round(float(value), 6)]


def test_percentage_points_and_a_decline_past_100_percent():
    assert find_growth("高于全国0.4个百分点") == []
    assert [g.pct for g in find_growth("同比下降150%")] == [-150]  # read as written; the schema rejects it


# --- dates and periods ----------------------------------------------------------------------------------

DATES = st.dates(dt.date(1990, 1, 1), dt.date(2035, 12, 31))


@given(DATES, st.booleans(), st.integers(1990, 2035), st.sampled_from(["日", "号"]))
def test_dates_round_trip(day, with_year, ref_year, suffix):
    written = (f"{day.year}年" if with_year else "") + f"{day.month}月{day.day}{suffix}"
    found = find_dates(f"记者获悉，{written}上午，签约仪式在南昌举行", ref_year)
    expected = day if with_year else day.replace(year=ref_year) if not (
        day.month == 2 and day.day == 29 and not calendar.isleap(ref_year)) else None
    assert [(d.first, d.last) for d in found] == ([(expected, None)] if expected else [])


@given(DATES, st.integers(1, 40), st.booleans())
def test_date_ranges_round_trip(first, length, same_month_form):
    last = first + dt.timedelta(days=length)
    if same_month_form and last.month == first.month and last.year == first.year:
        written = f"{first.year}年{first.month}月{first.day}日至{last.day}日"
    else:
        assume(last.year == first.year)
        written = f"{first.year}年{first.month}月{first.day}日至{last.month}月{last.day}日"
    found = find_dates(f"展会于{written}举办", 2000)
    assert [(d.first, d.last) for d in found] == [(first, last)]


@given(st.integers(1, 12), st.integers(1, 31), st.integers(1990, 2035))
def test_impossible_days_are_skipped_not_raised(month, day, year):
    found = find_dates(f"{year}年{month}月{day}日", 2023)
    valid = day <= calendar.monthrange(year, month)[1]
    assert len(found) == (1 if valid else 0)


MONTH_WORDS = {m: w for m, w in zip(range(1, 13), ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                                    "十一", "十二"])}


@st.composite
def periods(draw):
    """(written period, reference year, first day, last day)."""
    year = draw(st.integers(1995, 2035))
    ref = draw(st.integers(1995, 2035))
    explicit = draw(st.sampled_from(["year", "今年", "去年", "none"]))
    prefix, y = {"year": (f"{year}年", year), "今年": ("今年", ref), "去年": ("去年", ref - 1),
                 "none": ("", ref)}[explicit]
    kind = draw(st.sampled_from(["months", "first", "half", "quarter", "month", "year"]))
    chinese = draw(st.booleans())
    word = (lambda m: MONTH_WORDS[m]) if chinese else str
    if kind == "months":
        m1 = draw(st.integers(1, 11))
        m2 = draw(st.integers(m1 + 1, 12))
        sep = draw(st.sampled_from(["-", "至", "—"]))
        return f"{prefix}{word(m1)}{sep}{word(m2)}月", ref, dt.date(y, m1, 1), _month_end(y, m2)
    if kind == "first":
        n = draw(st.integers(2, 12))
        return f"{prefix}前{word(n)}个月", ref, dt.date(y, 1, 1), _month_end(y, n)
    if kind == "half":
        first_half = draw(st.booleans())
        return (f"{prefix}{'上' if first_half else '下'}半年", ref,
                dt.date(y, 1 if first_half else 7, 1), _month_end(y, 6 if first_half else 12))
    if kind == "quarter":
        q = draw(st.integers(1, 4))
        return f"{prefix}第{'一二三四'[q - 1]}季度", ref, dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    if kind == "month":
        m = draw(st.integers(1, 12))
        return f"{prefix}{word(m)}月份", ref, dt.date(y, m, 1), _month_end(y, m)
    assume(explicit != "none")
    return prefix, ref, dt.date(y, 1, 1), dt.date(y, 12, 31)


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


@given(periods())
def test_periods_round_trip(period):
    written, ref, first, last = period
    found = find_periods(f"{written}，全省对俄罗斯进出口总额", ref)
    assert [(p.first, p.last) for p in found] == [(first, last)], written


# --- nothing raises on arbitrary text --------------------------------------------------------------------

GRAMMAR_TOKENS = list("0123456789.,%，。、；：（）()-至年月日号万亿元多余前上下半季度第届百千零一二两三四五六七八九十\n \u3000") + [
    "进出口总额", "同比增长", "下降", "亿元", "万美元", "卢布", "第六届中国国际进口博览会", "11月7日至9日", "2023年",
    "前4个月", "1-8月", "占比", "个百分点", "江西", "俄罗斯", "签约", "采购", "项目", "交易团", "家", "吨", "以上",
    "约合", "(约合新台币", "今年", "去年", "次日", "合计", "累计", "超过", "不到", "倍", "成"]
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_PIECES = [SEED_TEXT[i:i + 60] for i in range(0, len(SEED_TEXT), 60)]
TEXTS = st.lists(st.one_of(st.sampled_from(GRAMMAR_TOKENS), st.sampled_from(GRAMMAR_TOKENS),
                           st.sampled_from(SEED_PIECES), st.text(max_size=8),
                           st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)),
                 max_size=80).map("".join)


@given(st.one_of(TEXTS, st.text()), st.integers(1900, 2100))
def test_grammar_never_raises(text, year):
    find_money(text)
    find_growth(text)
    find_percents(text)
    find_quantities(text)
    find_dates(text, year)
    find_periods(text, year)
    parse_count(text)


# Rows a text can legitimately lose to the schemas: figures that cannot be true, and what hangs off them.
IMPOSSIBLE_CHECKS = {"greater_than_or_equal_to(-100)", "period_end_not_after_reference_date", "percent_at_most_100"}


@settings(max_examples=examples(20))
@given(st.lists(st.tuples(st.one_of(TEXTS, st.text(min_size=1)),
                          st.sampled_from([None, "2023-11-12", "1995-06-30", "2024-02-29"])),
                min_size=1, max_size=6))
def test_extractor_never_raises_and_every_row_passes_the_schemas(docs):
    extractions = []
    for text, published in dict(docs).items():  # identical texts are one document (group_duplicates)
        try:  # the reader's verdict: text it would reject never reaches the extractor
            decode_bytes(text.encode("utf-8"))
            readable = any("\u3400" <= c <= "\u9fff" for c in text)
        except RejectedInput:
            readable = False
        ex = extract_text(text, published=published)  # never raises, readable or not
        if readable:
            extractions.append(ex)
    assume(extractions)
    frames, rejected = validate_tables(build_tables(extractions, "test"))
    direct = rejected[~rejected["check"].str.startswith("foreign_key:")]
    assert set(direct["check"]) <= IMPOSSIBLE_CHECKS, direct.to_string()
    assert len(frames["documents"]) == len({ex.document.doc_id for ex in extractions})


# --- the whole pipeline on mutated seeds ----------------------------------------------------------------

EDITS = st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "swap"]), st.sampled_from(["char", "line"]),
                           st.floats(0, 1), st.integers(1, 30)), min_size=1, max_size=25)


def mutate(text: str, edits) -> str:
    for op, unit, where, size in edits:
        items = list(text) if unit == "char" else text.split("\n")
        if not items:
            break
        i = int(where * (len(items) - 1))
        j = min(len(items), i + (size if unit == "char" else max(1, size // 10)))
        if op == "delete":
            items[i:j] = []
        elif op == "duplicate":
            items[i:i] = items[i:j]
        else:
            k = int((1 - where) * (len(items) - 1))
            items[i], items[k] = items[k], items[i]
        text = "".join(items) if unit == "char" else "\n".join(items)
    return text


@settings(max_examples=examples(4))
@given(st.lists(EDITS, min_size=3, max_size=3))
def test_mutated_seeds_always_publish_a_valid_package(tmp_path_factory, mutations):
    base = tmp_path_factory.mktemp("fuzz")
    raw = base / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "seed.txt")
    for i, edits in enumerate(mutations):
        (raw / f"mutant-{i}.txt").write_text(mutate(SEED_TEXT, edits), encoding="utf-8")
    summary = run_local(raw, base / "pkg", base / "reports")
    assert check_package(base / "pkg") == []
    rejected = rejected_documents(base / "reports")
    assert sorted([*documents_paths(base / "pkg"), *rejected]) == input_files(raw)
    assert summary.documents + len(rejected) >= 1


@given(st.integers(1, 10 ** 12 - 1), st.sampled_from(["元", "美元", "欧元"]))
@example(321825647211, "元")  # 23 characters: the longest numerals of this range
def test_money_written_in_chinese_numerals_reads_as_cn2an_writes_it(n, word):
    import cn2an

    written = cn2an.an2cn(n)
    found = find_money(f"合同金额{written}{word},")
    assert [m.amount for m in found] == [n], written
