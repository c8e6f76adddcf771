"""Named, dated gatherings: 第N届…博览会/论坛/推介会/对接会/座谈会/签约仪式/理事会第N次会议.

A name is read leftwards from an event head word (reference data) to the clause start, then
trimmed after the words that introduce an event (在, 举行的, 通过, 为期N天的...).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from tradenews.mentions.dates import RELATIVE_DAYS, RELATIVE_DAY_RE
from tradenews.mentions.numbers import parse_number
from tradenews.mentions.places import find_places
from tradenews.mentions.series import find_series, parse_edition
from tradenews.model import Document, Event
from tradenews.records.context import Sentence
from tradenews.reference import event_heads, place_by_code

NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()“”\"·\-—–]")
INTRO = re.compile(
    r"^(?:提要|摘要|导读|核心提示)|^.*?(?:举行的|举办的|召开的|开幕的|闭幕的|期间的|为期[^的]{1,4}的|以[^的]{2,30}为主题的|相继举办了?|组织召开|组织开展|"
    r"开展|参加了?|出席了?|通过|借助|作为|举办了?|举行了?|召开了?|在|于|是|即|由|将|到|赴|与会|暨|[\u4e00-\u9fff]了)"
)
BARE = re.compile(r"^(?:本届|该|此次|这次|这个|此|历届|上届|每届|今年的?|去年的?|各类|多场|一场|系列|相关|其他|首次)")
NOT_AFTER = re.compile(r"^(?:中心|室|厅|馆|精神|纪要|期间|之旅|秘书处|主席|代表|机制|成员)")
ABBREVIATION = re.compile(r"\((?:以下)?简称[“\"]?(?P<alias>[^”\")]+)[”\"]?\)")
OPENING = re.compile(r"开幕|拉开帷幕|启幕|开展|启动|开启")
CLOSING = re.compile(r"闭幕|落下帷幕|落幕|圆满结束|闭馆")
LEAD = re.compile(r"举行|举办|召开|开幕|闭幕|落下帷幕|落幕|开启|启动|拉开帷幕|开展|出席|参加|亮相")
DURATION = re.compile(r"(?:为期)?(?P<n>\d+|[一二两三四五六七八九十]+)天")
HELD_AT = re.compile(r"在(?P<where>[^,，。;；]{1,20}?)(?:举行|举办|召开|开幕|闭幕|落下帷幕|落幕|开展)")
VENUE = re.compile(r"在(?P<venue>[^,，。;；在]{2,24}?(?:会议中心|展览中心|会展中心|博览中心|国际博览中心|酒店|宾馆|大厦|大会堂|[厅馆]))")
# internal government and party meetings are not cooperation events of the genre
INTERNAL_MEETING = re.compile(r"常委|常务会议|全体会议|全会|党组|党委|工作会议|视频会议|推进会|调度会|部署会|动员|表彰|"
                              r"培训|新闻发布会|记者会|通气会|务虚会|办公会|专题会议|例会")
ARRIVED = re.compile(r"飞抵|抵达|到达|来到|访问|前往")
HAS_DAY = re.compile(r"\d[日号]|\d-\d")
TIME_OF_DAY = re.compile(r"(?:上午|下午|晚上?|晚间|早上?|中午|凌晨|当天|当日)?")
TODAY = re.compile(r"今天|今日|昨天|昨日")
DATELINE = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:电|消息|讯)")
COORDINATION = re.compile(r"^[”\"]?(?:和|与|及|暨|、)[“\"]?$")
MUNICIPALITIES = {"CN-BJ", "CN-SH", "CN-TJ", "CN-CQ"}


@lru_cache(maxsize=1)
def _head_re() -> re.Pattern:
    heads = sorted(event_heads(), key=len, reverse=True)
    return re.compile("|".join(re.escape(h) for h in heads))


def _strip_quotes(name: str) -> str:
    name = name.strip("“”\"")
    if name.count("“") > name.count("”"):
        name = name.replace("“", "", 1) if name.startswith("“") else name
    return name


def _candidate_name(text: str, head_start: int, head_end: int) -> str | None:
    """The event name ending at text[head_end] (sentence-local offsets), or None."""
    if NOT_AFTER.match(text[head_end:]):
        return None
    i = head_start
    while i > 0 and NAME_CHARS.match(text[i - 1]):
        i -= 1
    name = text[i:head_end]
    # inside an open quote: the name starts at that quote
    opened = name.rfind("“")
    if opened > 0 and "”" not in name[opened:]:
        name = name[opened:]
    # two names joined by 和/与/暨/及 after a head ('...博览会和第二十八届哈洽会')
    heads = list(_head_re().finditer(name[:-(head_end - head_start)]))
    for h in reversed(heads):
        if re.match(r"[”\"]?(?:和|与|及|暨|、|等)", name[h.end():]):
            name = name[h.end():].lstrip("”\"")[1:]
            break
    name = INTRO.sub("", name) if INTRO.match(name) and len(INTRO.sub("", name)) >= 2 else name
    name = ABBREVIATION.sub("", name)
    name = _strip_quotes(name.strip())
    head = text[head_start:head_end]
    # '…以县域命名的进博会': a modifier phrase ending in 的 is not part of the name
    cut = name.rfind("的")
    if cut >= 0 and len(name) - cut - 1 - len(head) >= 2:
        name = name[cut + 1:]
    # a recurring series keeps only its edition: '主动承接进博会' -> no name, '第六届进博会' stays
    series = find_series(name)
    if series and series[-1].end == len(name):
        s = series[-1]
        year = re.search(r"(?:19|20)\d{2}年?$", name[:s.start])
        name = name[year.start() if year and not s.edition else s.start:]
        if not s.edition and not year:
            return None  # '进博会' alone refers to the series; see _series_only_events
    if len(name) - len(head) < 2 or BARE.match(name) or not name.endswith(head):
        return None
    if re.search(r"举行|举办|召开|参加|出席|签署|签约项目", name[:-len(head)]) or INTERNAL_MEETING.search(name):
        return None
    # '常务会议', '经贸洽谈会': a kind of meeting, not a name (a name has a place, number, quote or length)
    if not series and len(name) < 6 and not re.search(r"[\d“\"(]", name) and not find_places(name):
        return None
    return name


@lru_cache(maxsize=4096)
def _bare(name: str) -> str:
    return re.sub(r"[“”\"()·\-—–\s]", "", name)


@lru_cache(maxsize=4096)
def _norm(name: str) -> str:
    """Comparable form: no punctuation, series short forms spelled out (第六届进博会 = 第六届中国国际进口博览会)."""
    name = _bare(name)
    for s in find_series(name):
        if name[s.start:s.end].endswith(s.series.series):
            continue
        prefix = name[s.start:s.end]
        short = next((a for a in sorted(s.series.aliases, key=len, reverse=True) if prefix.endswith(a)), None)
        if short:
            name = name[:s.end - len(short)] + s.series.series + name[s.end:]
        break
    return name


def _city_of(sent: Sentence, name_end: int, name: str) -> tuple[str | None, str | None]:
    """City (and country) where the sentence says the event is held."""
    tail = sent.doc.text[name_end:sent.end]
    for pattern in (HELD_AT,):
        m = pattern.search(tail)
        if m:
            for p in find_places(m.group("where")):
                if p.kind == "city" or p.code in MUNICIPALITIES or (p.kind == "region" and p.name.endswith("市")):
                    return p.name, p.country_code
    m = re.match(r"(?P<where>[\u4e00-\u9fff]{2,5}?)(?:举行|举办|召开)", tail)
    if m:
        for p in find_places(m.group("where")):
            if p.start == 0 and (p.kind == "city" or p.code in MUNICIPALITIES):
                return p.name, p.country_code
    for hint in re.findall(r"\(([^)]{2,8})\)", name):
        for p in find_places(hint):
            if p.kind == "city" or p.code in MUNICIPALITIES:
                return p.name, p.country_code
    # '代表团飞抵花莲后…举行座谈会': held where the visitors had arrived
    head = sent.doc.text[sent.start:name_end - len(name)]
    for m in ARRIVED.finditer(head):
        for p in find_places(head[m.end():m.end() + 10]):
            if p.start == 0 and (p.kind == "city" or p.code in MUNICIPALITIES or p.name.endswith("市")):
                return p.name, p.country_code
    return None, None


def _time_adverbial(sent: Sentence, d) -> bool:
    """'11月7日晚,' — a clause that is only a date (and a time of day) sets the time of the sentence."""
    clause = sent.clauses[sent.clause_of(d.start)]
    rest = sent.doc.text[clause.start:d.start] + sent.doc.text[d.end:clause.end]
    return bool(TIME_OF_DAY.fullmatch(rest.strip()))


def _dates_for(sent: Sentence, name_start: int, year: int, last_date: dt.date | None, today: dt.date):
    """(start, end) from the sentence's dates, predicates (开幕/闭幕) and durations (为期五天)."""
    text = sent.text
    start = end = None
    name_clause = sent.clause_of(name_start)
    dates = [d for d in sent.dates(year) if d.start < name_start and not DATELINE.match(sent.doc.text, d.start)
             and (sent.clause_of(d.start) == name_clause or _time_adverbial(sent, d))]
    if not dates:
        # 'X4月15日在广州开幕', 'X于6月8日举行': a date after the name, in its clause, before the verb
        clause = sent.clauses[name_clause]
        dates = [d for d in sent.dates(year) if d.start > name_start and d.end <= clause.end
                 and LEAD.search(sent.doc.text[d.end:clause.end])]
    lead = LEAD.search(text)
    if not dates and (t := TODAY.search(sent.doc.text[sent.start:name_start])) and lead:
        start = today - dt.timedelta(days=1 if t.group(0).startswith("昨") else 0)
        if CLOSING.search(text):
            start, end = None, start
    elif dates and (lead or sent.clause_of(dates[-1].start) == name_clause):
        d = dates[-1]
        if d.last:
            start, end = d.first, d.last
        elif CLOSING.search(text):
            end = d.first
        else:
            start = d.first
    elif last_date and (m := RELATIVE_DAY_RE.search(text[: name_start - sent.start])):
        start = last_date + dt.timedelta(days=RELATIVE_DAYS[m.group(0)])
    dur = DURATION.search(text)
    if dur:
        try:
            days = int(parse_number(dur.group("n")))
        except (ValueError, KeyError, IndexError):
            days = 0
        if 1 <= days <= 60:
            if end and not start:
                start = end - dt.timedelta(days=days - 1)
            elif start and not end:
                end = start + dt.timedelta(days=days - 1)
    return start, end


def extract_events(doc: Document, sents: list[Sentence]) -> list[Event]:
    events: list[Event] = []
    aliases: dict[str, str] = {}  # 以下简称 short form -> the long form it stands for
    last_date: dt.date | None = None
    heads = event_heads()
    today = _dateline(doc)
    bare: list = []  # series named without an edition: '进博会', '本届进博会'
    for sent in sents:
        text = sent.text
        for m in ABBREVIATION.finditer(text):
            before = text[: m.start()]
            k = len(before)
            while k > 0 and NAME_CHARS.match(before[k - 1]):
                k -= 1
            aliases[m.group("alias")] = INTRO.sub("", before[k:]) if INTRO.match(before[k:]) else before[k:]
        found: list[tuple[int, int, str, str]] = []
        for h in _head_re().finditer(text):
            name = _candidate_name(text, h.start(), h.end())
            if name:
                found.append((h.end() - len(name), h.end(), name, heads[h.group(0)]))
        for s in sent.series:  # sentence-local offsets
            if not any(a <= s.end <= b for a, b, _, _ in found) and s.edition:
                found.append((s.start, s.end, text[s.start:s.end], s.series.event_type))
        for s in sent.series:
            if s.edition is None:
                bare.append((sent, s))
        for start, end, name, etype in found:
            abs_start = sent.start + start
            series = find_series(name)
            ref = series[-1].series if series else None
            edition = parse_edition(name)
            year = doc.reference_date.year
            first, last = _dates_for(sent, abs_start, year, last_date, today)
            city, country = _city_of(sent, sent.start + end, name)
            if not city and ref and ref.city:
                city, country = ref.city, ref.country_code or "CN"
            venue = VENUE.search(text[end:])
            events.append(Event(
                name=name, event_type=(ref.event_type if ref and name.endswith(tuple([ref.series, *ref.aliases])) else etype),
                doc_id=doc.doc_id, evidence=[sent.evidence("event.name", abs_start, sent.start + end)],
                name_en=ref.name_en if ref and name.endswith(tuple([ref.series, *ref.aliases])) else None,
                series=ref.series if ref and name.endswith(tuple([ref.series, *ref.aliases])) else None,
                edition=edition, start_date=first, end_date=last, city=city, country_code=country,
                venue=venue.group("venue") if venue else None, article_no=sent.article_no))
        if len(found) > 1:
            _share_between_coordinated(events[len(events) - len(found):], sent)
        if HAS_DAY.search(text):
            dated = sent.dates(doc.reference_date.year)
            if dated:
                last_date = dated[-1].first
    events = _merge(_expand_aliases(events, aliases))
    return events + _series_only_events(doc, events, bare)


def _series_only_events(doc: Document, events: list[Event], bare: list) -> list[Event]:
    """A recurring series named only by its short form ('在进博会上签约') is that year's edition."""
    out: list[Event] = []
    for sent, s in bare:
        ref = s.series
        if any(e.series == ref.series for e in events + out):
            continue
        if re.search(r"[前历\d一二三四五六七八九十]届$|历届|每届|多届", sent.doc.text[max(0, s.start - 3):s.start]):
            continue
        edition = None
        if ref.first_year and ref.interval_years == 1 and doc.reference_date.year >= ref.first_year:
            edition = doc.reference_date.year - ref.first_year + 1
        name = sent.doc.text[s.start:s.end]
        out.append(Event(name=name, event_type=ref.event_type, doc_id=doc.doc_id,
                         evidence=[sent.evidence("event.series_mention", s.start, s.end)], name_en=ref.name_en,
                         series=ref.series, edition=edition, city=ref.city,
                         country_code=ref.country_code or ("CN" if ref.city else None), article_no=sent.article_no))
    return out


def _dateline(doc: Document) -> dt.date:
    """'台湾网4月25日消息', '西宁11月8日电': the day the report speaks of as 今天; else the reference date."""
    for b in doc.blocks[:6]:
        m = DATELINE.search(doc.text[b.start:b.end][:60])
        if m:
            try:
                return dt.date(doc.reference_date.year, int(m.group("m")), int(m.group("d")))
            except ValueError:
                break
    return doc.reference_date


def _share_between_coordinated(events: list[Event], sent: Sentence) -> None:
    """'第四届中俄博览会和第二十八届哈洽会…在哈尔滨闭幕': coordinated events share date and city."""
    ordered = sorted(events, key=lambda e: e.evidence[0].start)
    for a, b in zip(ordered, ordered[1:]):
        between = sent.doc.text[a.evidence[0].end:b.evidence[0].start]
        if not COORDINATION.match(between):
            continue
        for attr in ("start_date", "end_date", "city", "country_code"):
            va, vb = getattr(a, attr), getattr(b, attr)
            if va is None and vb is not None:
                setattr(a, attr, vb)
            elif vb is None and va is not None:
                setattr(b, attr, va)


def _expand_aliases(events: list[Event], aliases: dict[str, str]) -> list[Event]:
    for e in events:
        for short, long in aliases.items():
            if e.series or long in e.name or len(long) <= len(short):
                continue
            if e.name.startswith((f"“{short}”", short)):
                e.aliases.append(e.name)
                e.name = _strip_quotes(e.name.replace(f"“{short}”", long, 1) if f"“{short}”" in e.name
                                       else long + e.name[len(short):])
    return events


def _same(a: Event, b: Event) -> bool:
    na, nb = _norm(a.name), _norm(b.name)
    if na == nb:
        return True
    if a.series and a.series == b.series and (a.edition == b.edition or not a.edition or not b.edition):
        return na.endswith(nb) or nb.endswith(na) or (a.edition == b.edition and a.edition is not None)
    short, long = sorted((na, nb), key=len)
    return len(short) >= 5 and long.endswith(short)


def _merge(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        twin = next((o for o in out if _same(o, e)), None)
        if twin is None:
            out.append(e)
            continue
        if len(_bare(e.name)) > len(_bare(twin.name)):  # the fullest written form names the event
            twin.aliases.append(twin.name)
            twin.name, twin.evidence = e.name, e.evidence + twin.evidence
        else:
            twin.aliases.append(e.name)
            twin.evidence.extend(e.evidence)
        for attr in ("start_date", "end_date", "city", "country_code", "venue", "series", "name_en", "edition"):
            if getattr(twin, attr) is None and getattr(e, attr) is not None:
                setattr(twin, attr, getattr(e, attr))
    # a side event named after a larger one: '第六届进博会赣州招商引资专场推介会'
    for e in out:
        for o in out:
            if o is not e and o.series and any(_norm(n) in _norm(e.name) and _norm(e.name) != _norm(n)
                                               for n in [o.name, *o.aliases] if len(_norm(n)) >= 3):
                e.parent_name = o.name
                if e.city is None and e.start_date and o.start_date and o.end_date and o.start_date <= e.start_date <= o.end_date:
                    e.city, e.country_code = o.city, o.country_code
                break
    out = [e for e in out if e.name]
    # an event held during another one of the same article, without a city of its own, is held there
    for e in out:
        if e.city or not e.start_date:
            continue
        for o in out:
            if o is not e and o.city and o.article_no == e.article_no and o.start_date and o.end_date \
                    and o.start_date <= e.start_date <= o.end_date and o.end_date > o.start_date:
                e.city, e.country_code = o.city, o.country_code
                break
    for e in out:
        if e.start_date and e.end_date and e.end_date < e.start_date:
            e.end_date = None
        e.aliases = sorted(set(a for a in e.aliases if a != e.name))
    return out
