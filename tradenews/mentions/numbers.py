"""The genre's one grammar of figures: numbers, magnitudes, qualifiers, then a currency or a unit.

It reads every way the genre writes a figure: 72.58亿元, 1.2万亿元, 3025亿4800万美元 (parts added up),
一百零五, 十余亿, 5千万, 1,200万, 近两亿欧元, 300余万卢布, 1.5亿美元以上. Chinese numerals are
converted with cn2an on the extracted span only (over whole text it mangles words). The words
(numeral characters, magnitudes, qualifiers, currencies, units, growth words) come from the lexicon
(tradenews/reference/data/lexicon.tsv, currencies.tsv).

Every repetition is bounded and a number cannot start inside another number (lookbehinds), so a
scan is linear in the text: a run of 100,000 digits costs no more than 100,000 characters of prose.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import cn2an

from tradenews.model import Growth, Money, Quantity
from tradenews.reference import currencies
from tradenews.reference.lexicon import alternation, char_class, mapping

NUMERAL_CLASS = char_class("numeral")  # 零〇一二两三四五六七八九十百千
DECIMAL_DIGITS = "零〇一二三四五六七八九"
# An Arabic number: 16 digits at most, thousands separators, a decimal part; never the tail of a longer
# number ('1.2.3' and '12345678901234567890' are no figure at all).
ARABIC = r"(?<![\d.])(?<!\d,)(?:\d{1,3}(?:,\d{3}){1,5}|\d{1,16})(?:\.\d{1,8})?(?!\d|\.\d|,\d{3})"
# A Chinese numeral; not after 数/几 (数十亿 is 'several billion', no figure to publish).
# 万 and 亿 inside a Chinese numeral are part of it ('一亿二千三百四十五万六千七百八十九'); at its end they are its
# magnitude ('五千万': 五千 x 万), read by MAG.
CHINESE = (rf"(?<![数几万亿{NUMERAL_CLASS[1:-1]}]){NUMERAL_CLASS}(?:[{NUMERAL_CLASS[1:-1]}万亿]{{0,32}}{NUMERAL_CLASS})?"
           rf"(?:点[{DECIMAL_DIGITS}]{{1,8}})?(?!{NUMERAL_CLASS})")
NUM = rf"(?:{ARABIC}|{CHINESE})"
MAGNITUDES = {w: float(v) for w, v in mapping("magnitude").items()}
MAG = alternation("magnitude")
MULT = rf"(?:{MAG})?"  # kept for the indicator patterns: a number's optional magnitude
PREFIX_QUALIFIERS = mapping("qualifier_before")
SUFFIX_QUALIFIERS = mapping("qualifier_after_number")
AFTER_QUALIFIERS = mapping("qualifier_after_unit")
PREFIX_RE = alternation("qualifier_before")
SUFFIX_RE = char_class("qualifier_after_number")
AFTER_RE = alternation("qualifier_after_unit")
LEAD_RE = alternation("figure_lead")
CONVERSION = re.compile(rf"[(（]\s*(?:人民币|下同|,|，|\s)*(?:{alternation('conversion_mark')}|约)")
# the figure itself: NUM [多/余] MAG [多/余], and a second part for 3025亿4800万
FIGURE = (rf"(?P<num>{NUM})(?P<suf0>{SUFFIX_RE})?(?P<mult>{MAG})?"
          rf"(?:零?(?P<num2>{NUM})(?P<mult2>{MAG}))?(?P<suf>{SUFFIX_RE})?")

DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def parse_number(text: str) -> float:
    """'72.58' -> 72.58, '二十八' -> 28, '1,200' -> 1200, '三点五' -> 3.5."""
    text = text.replace(",", "")
    if DECIMAL.fullmatch(text):
        value = float(text)
    else:
        value = float(cn2an.cn2an(text, "smart"))
    if not math.isfinite(value):
        raise ValueError(f"number too large: {text[:20]}...")
    return value


def apply_multiplier(value: float, mult: str | None) -> float:
    return value * MAGNITUDES[mult] if mult else value


def figure_value(m: re.Match) -> float:
    """The value of a FIGURE match: 3025亿4800万 is 3025e8 + 4800e4; the second part must be smaller."""
    num, mult = m.group("num"), m.group("mult")
    if mult in ("万", "亿") and ("万" in num or "亿" in num):
        # '三千零二十五亿四千八百万': the closing 万 belongs to the section after 亿, as cn2an reads the whole
        value = parse_number(num + mult)
    else:
        value = apply_multiplier(parse_number(num), mult)
    if m.group("num2"):
        if not m.group("mult") or MAGNITUDES[m.group("mult2")] >= MAGNITUDES[m.group("mult")]:
            raise ValueError("a second part must be of a smaller magnitude")
        value += apply_multiplier(parse_number(m.group("num2")), m.group("mult2"))
    return _round(value)


def _round(value: float) -> float:
    # 72.58 * 1e8 is 7257999999.999999 in binary floating point; amounts are whole at this scale.
    if not math.isfinite(value):
        raise ValueError("number too large")
    return float(round(value, 2)) if abs(value) < 1e6 else float(round(value))


def qualifier_of(pre: str | None, suf: str | None, after: str | None) -> str:
    if pre:
        return PREFIX_QUALIFIERS[pre]
    if suf:
        return SUFFIX_QUALIFIERS[suf]
    if after:
        return AFTER_QUALIFIERS[after]
    return "exact"


@lru_cache(maxsize=16)
def _figure_re(units: tuple[str, ...]) -> re.Pattern:
    unit_re = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    return re.compile(rf"(?P<pre>{PREFIX_RE})?(?:{LEAD_RE})?{FIGURE}(?:个)?(?P<unit>{unit_re})(?P<after>{AFTER_RE})?")


@lru_cache(maxsize=16)
def _hint(units: tuple[str, ...]) -> re.Pattern:
    """The last characters of the unit words: a text with none of them holds no such figure."""
    return re.compile("[" + "".join(sorted({re.escape(u[-1]) for u in units})) + "]")


@lru_cache(maxsize=16)
def _bare_magnitude_re(units: tuple[str, ...]) -> re.Pattern:
    """'超过百亿元', '不足千亿美元': a round magnitude with no numeral, always after a qualifier."""
    unit_re = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    return re.compile(rf"(?P<pre>{PREFIX_RE})(?P<mult>万亿|千亿|百亿|千万|百万)(?P<unit>{unit_re})")


def _figures(text: str, units: tuple[str, ...]):
    """(start, end, value, unit word, qualifier, start of the number) of each figure with one of `units`."""
    if not _hint(units).search(text):
        return
    for m in _bare_magnitude_re(units).finditer(text) if ("百" in text or "千" in text) else ():
        yield m.start(), m.end(), MAGNITUDES[m.group("mult")], m.group("unit"), PREFIX_QUALIFIERS[m.group("pre")], \
            m.start("mult")
    for m in _figure_re(units).finditer(text):
        try:
            value = figure_value(m)
        except (ValueError, KeyError, IndexError):
            continue
        start = m.start("pre") if m.group("pre") else m.start("num")
        yield start, m.end(), value, m.group("unit"), qualifier_of(
            m.group("pre"), m.group("suf") or m.group("suf0"), m.group("after")), m.start("num")


def is_restatement(text: str, start: int) -> bool:
    """Inside '(约合新台币414.21亿元)' or '(人民币,下同,约3.9亿美元)': the figure before restated in another
    currency, not a figure of its own."""
    window = text[max(0, start - 16):start]
    opened = max(window.rfind("("), window.rfind("（"))
    return opened != -1 and ")" not in window[opened:] and bool(CONVERSION.match(window[opened:]))


# a figure with no unit of its own in a list whose last member names it: '422.3亿、294.4亿、290.7亿元'
LISTED = re.compile(rf"(?P<pre>{PREFIX_RE})?(?P<num>{NUM})(?P<suf0>{SUFFIX_RE})?(?P<mult>{MAG})(?P<suf>{SUFFIX_RE})?"
                    rf"(?:、|和|及|以及|与)$")


def _listed_before(text: str, start: int) -> list[tuple[int, int, float, str]]:
    """(start, end, value, qualifier) of the unit-less figures listed right before the figure at `start`."""
    out = []
    while True:
        window_start = max(0, start - 40)
        m = LISTED.search(text, window_start, start)
        if not m:
            return out[::-1]
        try:
            value = _round(apply_multiplier(parse_number(m.group("num")), m.group("mult")))
        except (ValueError, KeyError, IndexError):
            return out[::-1]
        s = m.start("pre") if m.group("pre") else m.start("num")
        out.append((s, m.start() + len(m.group(0).rstrip("、和及以与")), value,
                    qualifier_of(m.group("pre"), m.group("suf") or m.group("suf0"), None)))
        start = m.start()


def _currency_before(text: str, start: int, table: dict[str, str]) -> str | None:
    """'新台币2.4亿元', '港币5亿元': a currency named before a figure counted in 元 (the words ending in 币)."""
    window = text[max(0, start - 4):start]
    return next((table[w] for w in _CURRENCY_BEFORE if window.endswith(w)), None)


_CURRENCY_BEFORE = sorted((w for w in currencies() if w.endswith("币")), key=len, reverse=True)


def is_bare_yuan(text: str, start: int, end: int) -> bool:
    """Is the figure at [start, end) counted in 元 with no currency named ('8,270亿元', not '人民币5亿元')?"""
    figure = text[start:end]
    return figure.endswith("元") and "人民币" not in text[max(0, start - 4):end] and \
        not any(figure.endswith(w) for w in _YUAN_NAMED)


_YUAN_NAMED = [w for w in currencies() if w.endswith("元") and w != "元"]  # 美元, 港元, 澳门元...


# '若以新台币计,…8,270亿元': a currency the sentence reckons its 元 figures in
RECKONED = re.compile(rf"以(?P<cur>{'|'.join(sorted(currencies(), key=len, reverse=True))})(?:计价|计算|计)")


def find_money(text: str, offset: int = 0) -> list[Money]:
    table = currencies()
    out = []
    reckoned = [(m.end(), table[m.group("cur")]) for m in RECKONED.finditer(text)] if "以" in text else []
    for s, e, value, unit, qual, num_at in sorted(_figures(text, tuple(table))):
        if is_restatement(text, num_at):
            continue
        code = table[unit]
        if unit == "元" and "币" in text[max(0, s - 4):s]:
            code = _currency_before(text, s, table) or code
        elif unit == "元" and reckoned:
            code = next((c for at, c in reversed(reckoned) if at <= s and not re.search("[。;；]", text[at:s])), code)
        for ls, le, lvalue, lqual in _listed_before(text, s):
            if not out or out[-1].end - offset <= ls:
                out.append(Money(offset + ls, offset + le, lvalue, code, lqual))
        out.append(Money(offset + s, offset + e, value, code, qual))
    return out


QUANTITY_UNITS = mapping("quantity_unit")


def find_quantities(text: str, units: dict[str, str] | None = None, offset: int = 0) -> list[Quantity]:
    units = units or QUANTITY_UNITS
    return [Quantity(offset + s, offset + e, value, units[unit], qual)
            for s, e, value, unit, qual, _ in sorted(_figures(text, tuple(units)))]


GROWTH_UP = alternation("growth_up")
GROWTH_DOWN = alternation("growth_down")
GROWTH_UNITS = {w: float(v) for w, v in mapping("growth_unit").items()}
GROWTH_RE = re.compile(
    rf"(?:{alternation('growth_base')})?(?P<dir>{GROWTH_UP}|{GROWTH_DOWN})(?:{alternation('growth_link')})?(?:{PREFIX_RE})?"
    rf"(?:(?P<sign>-|负)?(?P<num>{NUM})(?P<unit>%|倍|个百分点|成)|(?P<unit_first>百分之)(?P<pnum>{NUM}))"
)
GROWTH_LISTED = re.compile(rf"(?:、|和|及|与)(?P<num>{NUM})(?:%|倍|成)")
GROWTH_HINT = re.compile(r"[%倍点成]|百分之")  # every unit GROWTH_RE reads
DOWN_RE = re.compile(rf"(?:{GROWTH_DOWN})")
# month on month (环比), multi-year averages (年均) and fixed base years (较2019年) are not year-on-year
NOT_YOY = re.compile(r"环比|年均|平均|(?:较|比)(?:19|20)\d{2}年")
PERCENT_RE = re.compile(rf"(?:(?P<num>{NUM})%|百分之(?P<cn>{NUMERAL_CLASS}{{1,6}}(?:点[{DECIMAL_DIGITS}]{{1,6}})?))")


def find_growth(text: str, offset: int = 0) -> list[Growth]:
    """Year-on-year growth in percent: 增长28% -> 28, 下降5% -> -5, 激增1.7倍 -> 170, 增长三成 -> 30.

    高出/高于...个百分点 is a difference between rates, not a growth rate, and is skipped.
    """
    out = []
    if not GROWTH_HINT.search(text):
        return out
    for m in GROWTH_RE.finditer(text):
        unit = "%" if m.group("unit_first") else m.group("unit")
        if unit == "个百分点" or NOT_YOY.search(text[max(0, m.start() - 8):m.start()] + m.group(0)[:4]):
            continue
        try:
            value = parse_number(m.group("num") or m.group("pnum")) * GROWTH_UNITS[unit]
        except (ValueError, KeyError, IndexError):
            continue
        sign = -1 if DOWN_RE.fullmatch(m.group("dir")) else 1
        if m.group("sign"):
            sign = -sign
        out.append(Growth(offset + m.start(), offset + m.end(), round(sign * value, 4)))
        # '分别增长12.3%、8.1%和31.7%': the rates listed after the first share its direction
        pos = m.end()
        while (more := GROWTH_LISTED.match(text, pos)) is not None:
            try:
                listed = parse_number(more.group("num")) * GROWTH_UNITS[unit]
            except (ValueError, KeyError, IndexError):
                break
            out.append(Growth(offset + more.start("num"), offset + more.end(), round(sign * listed, 4)))
            pos = more.end()
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


COUNT_RE = re.compile(rf"(?P<num>{NUM})(?P<suf>{SUFFIX_RE})?(?:个|项|份|宗|批)")


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
