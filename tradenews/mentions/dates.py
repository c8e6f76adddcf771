"""Date and period grammar: 2023年11月5日, 11月7日至9日, 5日-10日, 前4个月, 1-8月, 上半年, 今年/去年."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from tradenews.mentions.numbers import parse_number
from tradenews.model import DateMention, Period

CN_NUM = "一二两三四五六七八九十"
RANGE = r"(?:至|到|-|—|–|~|～)"
DATE_RE = re.compile(
    rf"(?:(?P<y>\d{{4}})年|(?P<rel>今年|明年|去年))?(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})(?:[日号]|(?=上午|下午|晚上|早上|中午|凌晨))"
    rf"(?:(?:上午|下午|晚|晚间|早)?{RANGE}(?:(?P<m2>\d{{1,2}})月)?(?P<d2>\d{{1,2}})[日号])?"
)
ISO_DATE_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
YEAR_RE = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})年")
RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
YEAR_PREFIX = rf"(?:(?P<y>(?:19|20)\d{{2}})年|(?P<rel>{'|'.join(RELATIVE_YEARS)}))?"
MONTH = rf"(?:\d{{1,2}}|[{CN_NUM}]{{1,2}})"
PERIOD_RES = [
    # 截至10月底: the year so far
    ("to_month_end", re.compile(rf"截至{YEAR_PREFIX}(?P<m>{MONTH})月(?:底|末)")),
    # 1-8月, 1至8月, 2018年1月至8月, 1—4月份
    ("months", re.compile(rf"{YEAR_PREFIX}(?P<m1>{MONTH})月?{RANGE}(?P<m2>{MONTH})月份?(?![\d日号])")),
    # 前4个月, 前三个月, 前两个月
    ("first_months", re.compile(rf"{YEAR_PREFIX}前(?P<n>{MONTH})个?月")),
    ("named", re.compile(rf"{YEAR_PREFIX}(?P<name>上半年|下半年|前三季度?|前两季度?|第?[一二三四1-4]季度|首季度?|第[一二三四1-4]季(?!度))")),
    # 8月份, 2022年12月 (not a day: 11月7日)
    ("month", re.compile(rf"{YEAR_PREFIX}(?P<m>{MONTH})月份?(?![\d{CN_NUM}]|[日号]|{RANGE})")),
    # 2022年, 去年, 今年 (not 2022年11月..., which the month forms take)
    # 2022年, 去年, 今年 (not 2022年11月..., which the month forms take; not the baseline of 比上年 or the
    # end of a range 2018年至2022年)
    ("year", re.compile(rf"(?<![比较])(?<!年[至到\-—~])(?:(?P<y>(?:19|20)\d{{2}})年(?:全年|度)?|"
                        rf"(?P<rel>今年|去年|上年|前年|本年|当年)(?:全年)?)"
                        rf"(?!\d|{MONTH}月|上半年|下半年|前|第|[一二三四1-4]季度|以来|同期|至|到|-|均)")),
]
# A character every match of the pattern contains: a sentence without any is skipped unscanned
# (the patterns open with an optional year, so the regex engine would try them at every position).
PERIOD_NEEDS = {"months": "月", "first_months": "月", "named": "年季", "month": "月", "to_month_end": "截", "year": "年"}
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _num(text: str) -> int:
    return int(parse_number(text))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, year: int, offset: int = 0) -> list[DateMention]:
    """Calendar dates; a date without a year takes `year` (the caller's reference year)."""
    out = []
    for m in DATE_RE.finditer(text) if "月" in text else ():
        y = int(m.group("y")) if m.group("y") else year + RELATIVE_YEARS.get(m.group("rel") or "", 0)
        first = _safe_date(y, int(m.group("m")), int(m.group("d")))
        if first is None:
            continue
        last = None
        if m.group("d2"):
            last = _safe_date(y, int(m.group("m2") or m.group("m")), int(m.group("d2")))
            if last is None or last < first:
                last = None
        out.append(DateMention(offset + m.start(), offset + m.end(), first, last))
    for m in ISO_DATE_RE.finditer(text):
        d = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if d:
            out.append(DateMention(offset + m.start(), offset + m.end(), d, None))
    return sorted(out, key=lambda d: d.start)


# a day without its month ('5日举行', '19日从…获悉', '7日至9日'), read against a month the caller knows
DAY_RE = re.compile(rf"(?<![\d月年./-])(?P<d>\d{{1,2}})[日号](?:(?:上午|下午|晚|晚间|早)?{RANGE}(?P<d2>\d{{1,2}})[日号])?")


def find_days(text: str, offset: int = 0) -> list[tuple[int, int, int, int | None]]:
    """(start, end, day, last day of a range or None) of each day written without its month."""
    out = []
    for m in DAY_RE.finditer(text) if "日" in text or "号" in text else ():
        d, d2 = int(m.group("d")), int(m.group("d2")) if m.group("d2") else None
        if 1 <= d <= 31 and (d2 is None or d < d2 <= 31):
            out.append((offset + m.start(), offset + m.end(), d, d2))
    return out


def _year_of(m: re.Match, year: int) -> int:
    if m.groupdict().get("y"):
        return int(m.group("y"))
    if m.groupdict().get("rel"):
        return year + RELATIVE_YEARS[m.group("rel")]
    return year


def find_periods(text: str, year: int, offset: int = 0) -> list[Period]:
    """Closed reporting periods; a period without a year takes `year` (context or reference)."""
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PERIOD_RES:
        if not any(ch in text for ch in PERIOD_NEEDS[kind]):
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if not m.group(0) or (kind == "year" and not (m.group("y") or m.group("rel"))):
                continue
            y = _year_of(m, year)
            try:
                if kind == "months":
                    m1, m2 = _num(m.group("m1")), _num(m.group("m2"))
                    if not (1 <= m1 < m2 <= 12):
                        continue
                    first, last = dt.date(y, m1, 1), month_end(y, m2)
                elif kind == "first_months":
                    n = _num(m.group("n"))
                    if not 1 <= n <= 12:
                        continue
                    first, last = dt.date(y, 1, 1), month_end(y, n)
                elif kind == "named":
                    name = m.group("name")
                    if name in ("上半年", "前两季度", "前两季"):
                        first, last = dt.date(y, 1, 1), month_end(y, 6)
                    elif name == "下半年":
                        first, last = dt.date(y, 7, 1), month_end(y, 12)
                    elif name in ("前三季度", "前三季"):
                        first, last = dt.date(y, 1, 1), month_end(y, 9)
                    else:
                        q = 1 if name.startswith("首") else QUARTERS[name.lstrip("第")[0]]  # Taiwan: 首季, 第一季
                        first, last = dt.date(y, 3 * q - 2, 1), month_end(y, 3 * q)
                elif kind == "to_month_end":
                    mo = _num(m.group("m"))
                    if not 1 <= mo <= 12:
                        continue
                    first, last = dt.date(y, 1, 1), month_end(y, mo)
                elif kind == "month":
                    mo = _num(m.group("m"))
                    if not 1 <= mo <= 12:
                        continue
                    first, last = dt.date(y, mo, 1), month_end(y, mo)
                else:
                    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
            except (ValueError, KeyError, IndexError):
                continue
            taken.append((m.start(), m.end()))
            stated = bool(m.groupdict().get("y") or m.groupdict().get("rel"))
            found.append(Period(offset + m.start(), offset + m.end(), first, last, stated))
    return sorted(found, key=lambda p: p.start)


def explicit_years(text: str) -> list[int]:
    return [int(m.group("y")) for m in YEAR_RE.finditer(text)]


# a report's dateline: '新华社沈阳2月5日电', '中央社记者台北2024年7月9日电', '台湾网4月25日消息'
# '新华社北京12月7日电', '台湾网4月25日消息', '中央社记者某某台北7日电' (the month is the report's own)
DATELINE = re.compile(r"(?:(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>\d{1,2})月|(?<![\d月年]))(?P<d>\d{1,2})日(?:电|消息|讯|报道)")


def dateline_at(text: str, pos: int) -> bool:
    """Does a dateline start at pos (so that a place right before it is where the report was filed)?"""
    return DATELINE.match(text, pos) is not None


RELATIVE_DAYS = {"次日": 1, "第二天": 1, "翌日": 1, "当天": 0, "当日": 0, "同日": 0, "同一天": 0}
RELATIVE_DAY_RE = re.compile("|".join(RELATIVE_DAYS))
