"""Number, money, quantity and growth grammar of the genre.

Chinese numerals are converted with cn2an on the extracted span only (run over whole text it
mangles words); 万/亿 multipliers, qualifiers (超/近/约/余/多...) and currency words are read here.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import cn2an

from tradenews.model import Growth, Money, Quantity
from tradenews.reference import currencies

CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
MULT = r"(?:[百千]?(?:万亿|亿|万)|[百千](?=[万亿]))?"
MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
# Qualifier words before a figure and after it (spec: exact, over, approx, under, at_least).
PREFIX_QUALIFIERS = {"超过": "over", "超出": "over", "超": "over", "逾": "over", "高于": "over", "多于": "over",
                     "突破": "over",
                     "近": "approx", "约": "approx", "大约": "approx", "接近": "approx", "将近": "approx",
                     "不到": "under", "不足": "under", "低于": "under", "少于": "under",
                     "至少": "at_least", "不低于": "at_least", "不少于": "at_least"}
PREFIX_RE = "|".join(sorted(PREFIX_QUALIFIERS, key=len, reverse=True))
SUFFIX_QUALIFIERS = {"多": "over", "余": "at_least"}
AFTER_QUALIFIERS = {"以上": "over", "左右": "approx", "上下": "approx"}
CONVERSION = re.compile(r"[(（]\s*(?:约合|折合|合)")


DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def parse_number(text: str) -> float:
    """'72.58' -> 72.58, '二十八' -> 28, '1,200' -> 1200, '三点五' -> 3.5."""
    text = text.replace(",", "")
    if DECIMAL.fullmatch(text):
        value = float(text)
    else:
        value = float(cn2an.cn2an(text, "smart"))
    if not math.isfinite(value):  # a run of hundreds of digits is not a figure
        raise ValueError(f"number too large: {text[:20]}...")
    return value


def apply_multiplier(value: float, mult: str) -> float:
    for unit in ("万亿", "亿", "万"):
        if mult.endswith(unit):
            head = mult[: -len(unit)]
            return value * MULTIPLIERS[unit] * (MULTIPLIERS[head] if head else 1)
    return value * MULTIPLIERS[mult] if mult else value


def _round(value: float) -> float:
    # 72.58 * 1e8 is 7257999999.999999 in binary floating point; amounts are whole at this scale.
    if not math.isfinite(value):
        raise ValueError("number too large")
    return float(round(value, 2)) if abs(value) < 1e6 else float(round(value))


@lru_cache(maxsize=1)
def _money_re() -> re.Pattern:
    words = "|".join(sorted((re.escape(w) for w in currencies()), key=len, reverse=True))
    return re.compile(
        rf"(?P<pre>{PREFIX_RE})?(?:达到|达|为|共|合计|累计|总计)?(?P<num>{NUM})(?P<suf0>[多余])?(?P<mult>{MULT})(?P<suf>[多余])?"
        rf"(?P<cur>{words})(?P<after>以上|左右|上下)?"
    )


def qualifier_of(pre: str | None, suf: str | None, after: str | None) -> str:
    if pre:
        return PREFIX_QUALIFIERS[pre]
    if suf:
        return SUFFIX_QUALIFIERS[suf]
    if after:
        return AFTER_QUALIFIERS[after]
    return "exact"


def _is_conversion(text: str, start: int) -> bool:
    """Inside '(约合新台币414.21亿元)': a restatement in another currency, not a figure of its own."""
    window = text[max(0, start - 12):start]
    opened = window.rfind("(")
    return opened != -1 and ")" not in window[opened:] and bool(CONVERSION.search(window[opened:]))


@lru_cache(maxsize=1)
def _money_hint() -> re.Pattern:
    """The last characters of the currency words: a text with none of them names no money."""
    return re.compile("[" + "".join(sorted({re.escape(w[-1]) for w in currencies()})) + "]")


def find_money(text: str, offset: int = 0) -> list[Money]:
    out = []
    if not _money_hint().search(text):
        return out  # the money pattern opens with optional words: scanning costs even where nothing matches
    table = currencies()
    for m in _money_re().finditer(text):
        if _is_conversion(text, m.start()):
            continue
        try:
            amount = _round(apply_multiplier(parse_number(m.group("num")), m.group("mult")))
        except (ValueError, KeyError, IndexError):
            continue
        qual = qualifier_of(m.group("pre"), m.group("suf") or m.group("suf0"), m.group("after"))
        start = m.start("pre") if m.group("pre") else m.start("num")
        out.append(Money(offset + start, offset + m.end(), amount, table[m.group("cur")], qual))
    return out


QUANTITY_UNITS = {"吨": "t", "万吨": "t", "辆": "vehicles", "台": "units", "标箱": "TEU", "立方米": "m3",
                  "桶": "barrels", "头": "head", "只": "items", "件": "items", "千瓦": "kW", "兆瓦": "MW",
                  "人次": "person_visits", "人": "people", "家": "organizations", "个": "items", "项": "items",
                  "亩": "mu", "平方米": "m2"}


@lru_cache(maxsize=8)
def _quantity_re(units: tuple[str, ...]) -> re.Pattern:
    unit_re = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    return re.compile(rf"(?P<pre>{PREFIX_RE})?(?P<num>{NUM})(?P<suf0>[多余])?(?P<mult>{MULT})(?P<suf>[多余])?(?:个)?"
                      rf"(?P<unit>{unit_re})(?P<after>以上|左右)?")


def find_quantities(text: str, units: dict[str, str] | None = None, offset: int = 0) -> list[Quantity]:
    units = units or QUANTITY_UNITS
    out = []
    if not any(u[-1] in text for u in units):
        return out
    for m in _quantity_re(tuple(units)).finditer(text):
        try:
            value = _round(apply_multiplier(parse_number(m.group("num")), m.group("mult")))
        except (ValueError, KeyError, IndexError):
            continue
        unit = m.group("unit")
        start = m.start("pre") if m.group("pre") else m.start("num")
        out.append(Quantity(offset + start, offset + m.end(), value, units[unit],
                            qualifier_of(m.group("pre"), m.group("suf") or m.group("suf0"), m.group("after"))))
    return out


GROWTH_UP = r"增长|增加|上升|提高|上涨|激增|猛增|大增|剧增|增幅为|增幅达|增幅|增速为|增速达|增"
GROWTH_DOWN = r"下降|减少|下滑|降低|回落|下跌|降幅为|降幅达|降幅|萎缩|减"
GROWTH_RE = re.compile(
    rf"(?:同比|比上年同期|比去年同期|较上年同期|较去年同期|比上年|比去年|较上年|较去年)?(?P<dir>{GROWTH_UP}|{GROWTH_DOWN})了?"
    rf"(?P<num>{NUM})(?P<unit>%|倍|个百分点|成)"
)
GROWTH_HINT = re.compile(r"[%倍点成]")  # the last character of every unit GROWTH_RE reads
# month on month (环比), multi-year averages (年均) and fixed base years (较2019年) are not year-on-year
NOT_YOY = re.compile(r"环比|年均|平均|(?:较|比)(?:19|20)\d{2}年(?:同期)?$|(?:较|比)(?:19|20)\d{2}年")
PERCENT_RE = re.compile(rf"(?:(?P<num>{NUM})%|百分之(?P<cn>[{CN_DIGITS}点]+))")


def find_growth(text: str, offset: int = 0) -> list[Growth]:
    """Year-on-year growth in percent: 增长28% -> 28, 下降5% -> -5, 激增1.7倍 -> 170.

    高出/高于...个百分点 is a difference between rates, not a growth rate, and is skipped.
    """
    out = []
    if not GROWTH_HINT.search(text):
        return out
    for m in GROWTH_RE.finditer(text):
        unit = m.group("unit")
        if unit == "个百分点" or NOT_YOY.search(text[max(0, m.start() - 8):m.start()] + m.group(0)[:4]):
            continue
        try:
            value = parse_number(m.group("num"))
        except (ValueError, KeyError, IndexError):
            continue
        if unit == "倍":
            value *= 100
        elif unit == "成":
            value *= 10
        if re.fullmatch(GROWTH_DOWN, m.group("dir")):
            value = -value
        out.append(Growth(offset + m.start(), offset + m.end(), round(value, 4)))
    return out


def find_percents(text: str, offset: int = 0) -> list[tuple[int, int, float]]:
    out = []
    for m in PERCENT_RE.finditer(text):
        raw = m.group("num") or m.group("cn")
        try:
            out.append((offset + m.start(), offset + m.end(), parse_number(raw)))
        except (ValueError, KeyError, IndexError):
            continue
    return out


COUNT_RE = re.compile(rf"(?P<num>{NUM})(?P<suf>[多余])?(?:个|项|份|宗|批)")


def parse_count(text: str) -> tuple[int, str] | None:
    """'20个' -> (20, exact); '100多项' -> (100, over)."""
    m = COUNT_RE.search(text)
    if not m:
        return None
    try:
        count = int(parse_number(m.group("num")))
    except (ValueError, KeyError, IndexError):
        return None
    return (count, qualifier_of(None, m.group("suf"), None)) if count >= 1 else None
