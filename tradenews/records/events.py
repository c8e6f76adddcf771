"""Named, dated gatherings: 第N届…博览会/论坛/推介会/对接会/座谈会/签约仪式/理事会第N次会议.

Names: read leftwards from an event head word (event_heads.tsv) to the clause start, then cut after
the last word that introduces an event (在, 举行了, 参加, 是... : lexicon `event_intro`) and after a
modifier ending in 的. A name needs a real left part: a place, an edition or year, a quoted or
bracketed part, a series, Latin letters, or words beyond the genre's generic vocabulary
(`event_generic`: 集中签约仪式, 综合性博览会 are descriptions). A description or a demonstrative
mention (此次论坛, 8项会议) names no new event: it refers back to one already named, or to none.

Dates: a date of the name's clause or of a time clause opening the sentence ('11月5日,'), else one after
the name before its verb ('于6月8日在厦门开幕'), else 今天/昨天 against the dateline; a day written
without its month (5日) takes the month of the dateline or of the last date the article gave. The verb
says what the date is: 开幕 a first day, 闭幕 a last day, 举行/召开 of a meeting, forum, session or
ceremony the one day it was held; ranges and durations (为期5天) give both ends.

Cities: '在X举行/开幕/召开…' (the city in X, a municipality, or a city the gazetteer knows), a city in
brackets in the name, the series' city, where visitors had arrived; an event held during another
(its name contains the other's, or its date falls within the other's days) takes that one's city;
an event on the dateline's day takes the dateline's city.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from tradenews.mentions.dates import DATELINE, RELATIVE_DAY_RE, RELATIVE_DAYS, find_days
from tradenews.mentions.numbers import parse_number
from tradenews.mentions.places import find_places
from tradenews.mentions.series import find_series, parse_edition
from tradenews.model import Document, Event, Place
from tradenews.records.context import Sentence
from tradenews.records.names import is_subsequence
from tradenews.reference import city_names, event_heads, event_series
from tradenews.reference.lexicon import alternation, mapping

NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()“”\"「」·\-—–]")
ABBREVIATION = re.compile(r"\((?:以下)?简称[“\"「]?(?P<alias>[^”\")」]+)[”\"」]?\)")
# a preposition, adverb or verb never opens a name ('对两岸合作与农业交流会有…', '都参与会议')
BAD_OPENING = re.compile(r"^(?:对(?!话)|与|[把被让使给要都也还就才又可能会并而且所以但愿])")
# what describes a gathering rather than names it: '规模最大的博览会', '为期5天的展会', '以…为主题的交流周'
DESCRIPTIVE = re.compile(r"最|为主题|为一体|一体的|规模|级别|为期|[\d一二两三四五六七八九十]天的|性的|之一|等")
# a count before the head describes several gatherings: '8项会议论坛', '3个分论坛', '4场主题分论坛'
COUNTED = re.compile(r"(?<![第\d一二三四五六七八九十])(?:\d+|[一二三四五六七八九十两几多数]+)[项个场届家名](?!目)")
VERB_INSIDE = re.compile(r"举行|举办|召开|参加|出席|签署|签约项目|表示|认为|指出|优化|发挥|可以|我们|应当|需要|实践|主持|致辞")
# internal government and party meetings are not cooperation events of the genre
INTERNAL_MEETING = re.compile(r"常委|常务会议|全体会议|全会|党组|党委|工作会议|视频会议|推进会|调度会|部署会|动员|表彰|"
                              r"培训|记者会|通气会|务虚会|办公会|专题会议|例会|人大|政协会议|发布会$")
DURATION = re.compile(r"(?:为期|历时|持续|会期)?(?P<n>\d+|[一二两三四五六七八九十]+)天(?![后前内里以])")
VENUE = re.compile(r"在(?P<venue>[^,，。;；在]{2,24}?(?:会议中心|展览中心|会展中心|博览中心|国际博览中心|酒店|宾馆|大厦|大会堂|[厅馆]))")
ARRIVED = re.compile(r"飞抵|抵达|到达|来到|访问|前往")
TIME_WORDS = re.compile(r"(?:上午|下午|晚上?|晚间|早上?|中午|凌晨|当天|当日|\d{1,2}[:：]\d{2}|\s)*")
TODAY = re.compile(r"今天|今日|昨天|昨日")
# what may open a sentence before its time: the dateline, the byline, the local time
BYLINE_IN_NAME = re.compile(r"^[(（][^)）]{0,20}(?:记者|通讯员|编辑|摄影|报道)[^)）]{0,20}[)）]")
BYLINE = re.compile(r"^(?:.{0,24}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯|消息|报道)\s*)?(?:[(（]?记者[^)）,，]{0,16}[)）]\s*)?"
                    r"(?:[\u4e00-\u9fff]{0,4}(?:当地时间|北京时间))?")
DAY_HELD = re.compile(rf"\d[日号](?:{TIME_WORDS.pattern})(?P<verb>{alternation('event_held')})的$")
FUTURE_DAY = re.compile(r"将")  # '将于26日闭幕': a day to come
THEME = re.compile(r"以[“\"「][^”\"」]{1,40}[”\"」]为(?:主题|题)的$")
SOME_DAYS_AGO = re.compile(r"日前|近日|前不久|此前|早前|近期|上周|本周|前些天")  # no day to publish
COORDINATION = re.compile(r"^[”\"」]?(?:和|与|及|、)[“\"「]?$")
MUNICIPALITIES = {"CN-BJ", "CN-SH", "CN-TJ", "CN-CQ"}
ONE_DAY_TYPES = {"conference", "forum", "promotion", "matchmaking", "symposium", "signing_ceremony", "other"}
CITY_WORD = re.compile(r"(?P<city>[\u4e00-\u9fff]{2,5}?)(?:市|城)(?![\u4e00-\u9fff]{0,1}(?:区|县|镇))")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    heads = sorted(event_heads(), key=len, reverse=True)
    held = alternation("event_held", "event_opening", "event_closing")
    return {
        "head": re.compile("|".join(re.escape(h) for h in heads)),
        "head_hint": re.compile("[" + "".join(sorted({re.escape(h[-1]) for h in heads})) + "]"),
        "intro": re.compile(alternation("event_intro")),
        "not_after": re.compile(f"(?:{alternation('event_not_after')})"),
        "demonstrative": re.compile(f"^(?:{alternation('event_demonstrative')})"),
        "generic": re.compile(alternation("event_generic")),
        "held": re.compile(alternation("event_held")),
        "head_duration": re.compile(rf"(?P<head>{'|'.join(re.escape(h) for h in heads)})"
                                    rf"(?:会期|为期|历时)(?P<n>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})天"),
        "parent_time": re.compile(rf"(?:^|[,，;；])(?P<w>{alternation('event_parent_time')})"),
        "opening": re.compile(alternation("event_opening")),
        "closing": re.compile(alternation("event_closing")),
        "lead": re.compile(held),
        "lead_before": re.compile(rf"(?:{held})了?$"),
        "held_after": re.compile(rf"(?P<where>[\u4e00-\u9fff]{{2,5}}?)(?:{alternation('event_held', 'event_opening')})"),
        "held_at": re.compile(rf"在(?P<where>[^,，。;；在]{{1,24}}?)(?:隆重|盛大|正式|成功|顺利)?(?:{held})"),
    }


@dataclass
class Candidate:
    start: int  # sentence offsets of the name
    end: int
    name: str
    event_type: str
    generic: bool  # a description ('集中签约仪式'), not a name
    demonstrative: bool  # '此次', '本届': refers back to an event named before


def _cut_intro(name: str, head_len: int) -> str:
    """Cut after the last word that introduces an event, outside quotes and brackets."""
    depth, last = 0, -1
    body = name[:-head_len]
    for m in _patterns()["intro"].finditer(body):
        depth = sum(1 for ch in body[:m.start()] if ch in "“「(") - sum(1 for ch in body[:m.start()] if ch in "”」)")
        if depth <= 0:
            last = m.end()
    return name[last:] if last > 0 else name


def _unopened_bracket(name: str) -> int:
    """Index of the last closing bracket that no bracket inside the name opened, or -1."""
    depth, last = 0, -1
    for i, ch in enumerate(name):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth:
                depth -= 1
            else:
                last = i
    return last


def _has_proper_part(part: str) -> bool:
    """Does the part of a name before its head name something (place, edition, year, quote, series, Latin
    letters, words beyond the generic vocabulary)?"""
    if re.search(r"\d|第[一二三四五六七八九十百]+[届次]|[“「(\"]|[A-Za-z]", part) or find_places(part) or find_series(part):
        return True
    rest = _patterns()["generic"].sub("", part)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 2


def candidate_names(text: str) -> list[Candidate]:
    """Event names of a sentence (sentence offsets)."""
    heads = event_heads()
    pats = _patterns()
    out: list[Candidate] = []
    if not pats["head_hint"].search(text):
        return out  # (the alternation of every head word costs a scan where none can end)
    for h in pats["head"].finditer(text):
        if pats["not_after"].match(text, h.end()):
            continue
        i = h.start()
        while i > 0 and NAME_CHARS.match(text[i - 1]):
            i -= 1
        name = text[i:h.end()]
        head = h.group(0)
        opened = max(name.rfind("“"), name.rfind("「"))
        if opened > 0 and "”" not in name[opened:] and "」" not in name[opened:]:
            name = name[opened:]
        # two names joined after a head: '…博览会和第二十八届哈洽会' (暨 joins the parts of one name)
        for prev in reversed(list(pats["head"].finditer(name[:-len(head)]))):
            if re.match(r"[”\"」]?(?:和|与|及|、|等)", name[prev.end():]):
                name = name[prev.end():].lstrip("”\"」")[1:]
                break
        name = ABBREVIATION.sub("", _cut_intro(name, len(head)))
        # 'X博览会开幕式暨Y交流会': an opening ceremony held as Y; Y is the gathering named
        name = re.sub(r"^.*?开幕(?:式|仪式)暨", "", name)
        closing = _unopened_bracket(name)
        if closing >= 0:
            name = name[closing + 1:]  # '某某)2022某某交流会': a byline's end is not the name's start
        name = BYLINE_IN_NAME.sub("", name)  # '(记者某某)2022某某交流会'
        cut = name.rfind("的")  # '以县域命名的进博会': a modifier ending in 的 is not the name
        if cut >= 0 and len(name) - cut - 1 - len(head) >= 2:
            name = name[cut + 1:]
        name = name.strip().strip("“”\"「」")
        demonstrative = bool(m := pats["demonstrative"].match(name))
        if m:
            name = name[m.end():]
        if not name.endswith(head) or len(name) - len(head) < 2 or BAD_OPENING.match(name) \
                or re.search(r"[对把被让向给与和]$", name[:-len(head)]) or COUNTED.search(name) \
                or DESCRIPTIVE.search(name[:-len(head)]) or VERB_INSIDE.search(name[:-len(head)]) \
                or INTERNAL_MEETING.search(name):
            continue
        series = find_series(name)
        if series and series[-1].end == len(name) and not series[-1].edition:
            year = re.search(r"(?:19|20)\d{2}年?$", name[:series[-1].start])
            if not year:
                continue  # '进博会' alone refers to the series (see _series_only_events)
            name = name[year.start():]
        start = h.end() - len(name)
        out.append(Candidate(start, h.end(), name, heads[head], not _has_proper_part(name[:-len(head)]),
                             demonstrative))
    # 'A对接会暨签约仪式', '俄中经贸活动周线上论坛': of overlapping names the longest is the name
    return [c for c in out if not any(o is not c and o.start <= c.start and c.end <= o.end
                                      and o.end - o.start > c.end - c.start for o in out)]


# --- when ------------------------------------------------------------------------------------------------

@dataclass
class ArticleTime:
    """What dates in an article are read against: its dateline, and the last date it gave."""

    year: int
    dateline: dt.date | None = None
    dateline_city: Place | None = None
    dateline_sentence: int = -1  # start of the sentence that opens with the dateline
    last: dt.date | None = None  # the last date the paragraph gave
    last_block: int = -1

    def day(self, d: int, said: dt.date | None = None, future: bool = False) -> dt.date | None:
        """A day of the month of the date just `said` in the sentence, else of the last date given, else of
        the dateline; a day after the dateline is in the month before it ('28日开幕' in a report of June 2)
        unless the text says it is to come ('将于26日闭幕')."""
        last = said or self.last
        base = last if last and not (self.dateline and last > self.dateline and not said) else self.dateline
        if base is None:
            return None
        try:
            day = dt.date(base.year, base.month, d)
        except ValueError:
            return None
        if base is self.dateline and day > base + dt.timedelta(days=1) and not future:
            prev = base.replace(day=1) - dt.timedelta(days=1)
            try:
                day = dt.date(prev.year, prev.month, d)
            except ValueError:
                return None
        return day


@dataclass
class When:
    start: dt.date | None = None
    end: dt.date | None = None


def _time_clause(sent: Sentence, pos: int) -> bool:
    """'11月7日晚,' — a clause that is only a date (and a time of day) sets the time of the sentence."""
    clause = sent.clauses[sent.clause_of(pos)]
    text = sent.doc.text[clause.start:clause.end]
    text = BYLINE.sub("", text)
    return bool(re.fullmatch(rf"{TIME_WORDS.pattern}(?:\d{{4}}年)?(?:\d{{1,2}}月)?\d{{1,2}}(?:[日号]|(?=上午|下午|晚|早|中午|凌晨))"
                             rf"(?:{TIME_WORDS.pattern})"
                             rf"(?:(?:至|到|-|—)(?:\d{{1,2}}月)?\d{{1,2}}[日号])?{TIME_WORDS.pattern}", text))


def _date_mentions(sent: Sentence, at: ArticleTime) -> list[tuple[int, int, dt.date, dt.date | None]]:
    """Full dates and days without a month, doc offsets, datelines left out."""
    out = [(d.start, d.end, d.first, d.last) for d in sent.dates(at.year)
           if not DATELINE.match(sent.doc.text, d.start)]
    full = list(out)
    for s, e, d, d2 in find_days(sent.text, sent.start):
        if any(a <= s < b for a, b, _, _ in out) or DATELINE.match(sent.doc.text, s):
            continue
        said = next((m[2] for m in reversed(full) if m[1] <= s), None)
        future = FUTURE_DAY.search(sent.doc.text, max(sent.start, s - 3), s) is not None
        first = at.day(d, said, future)
        if first:
            out.append((s, e, first, at.day(d2, said, future) if d2 else None))
    return sorted(out)


def event_when(sent: Sentence, cand: Candidate, at: ArticleTime, event_type: str) -> When:
    pats = _patterns()
    text = sent.doc.text
    name_start, name_end = sent.start + cand.start, sent.start + cand.end
    clause = sent.clause_of(name_start)
    mentions = _date_mentions(sent, at)
    before = [m for m in mentions if m[1] <= name_start and (sent.clause_of(m[0]) == clause or _time_clause(sent, m[0]))]
    after = [m for m in mentions if m[0] >= name_end and sent.clause_of(m[0]) in (clause, clause + 1)
             and pats["lead"].search(text, m[1], min(sent.end, m[1] + 16))]
    tail = text[name_end:sent.end]
    # 'NAME…举行', '今天举行NAME': said of the event itself (not '举行的NAME', which only names it); a theme
    # phrase may stand between the verb and the name ('举行以“…”为主题的推介会')
    lead_in = THEME.sub("", text[max(sent.start, name_start - 48):name_start])
    said_after = pats["lead"].search(tail[:40])
    predicate = said_after or pats["lead_before"].search(lead_in[-8:])
    # '19日举行的NAME上': the day it was held, said in passing
    held_on = DAY_HELD.search(lead_in[-12:])
    verb = predicate or held_on or pats["lead"].search(text[sent.start:name_start][-12:])
    # '昨天,在NAME上,…签约': what the sentence reports happened at a signing ceremony on that day
    framed = event_type == "signing_ceremony" and lead_in.endswith("在") and tail.lstrip("」”\"")[:1] == "上"
    # an opening said of this event (not of another one the sentence joins to it: '…开幕式暨NAME举行')
    opening = pats["opening"].search(cand.name) or pats["opening"].search(
        tail[:said_after.start()] if said_after else tail[:40])
    when = When()
    closes_after = bool(after) and pats["closing"].match(text, after[0][1], after[0][1] + 8) is not None
    chosen = after[0] if after and (not before or before[-1][3] is None and closes_after) else (
        before[-1] if before else None)
    if before and closes_after and before[-1][3] is None and before[-1][2] <= after[0][2]:
        chosen = (0, 0, before[-1][2], after[0][2])  # '22日在成都开幕,将于26日闭幕': both ends
    if chosen is None and (t := TODAY.search(text, sent.start, name_start) or TODAY.match(tail.lstrip(" ,，")[:2])) \
            and at.dateline and (verb or framed):
        day = at.dateline - dt.timedelta(days=1 if t.group(0).startswith("昨") else 0)
        chosen = (0, 0, day, None)
    elif chosen is None and at.dateline_sentence == sent.start and predicate and at.dateline \
            and not SOME_DAYS_AGO.search(sent.text):
        chosen = (0, 0, at.dateline, None)  # '哈通社阿拉木图5月15日电,第二届论坛在阿拉木图举行': that day
    elif chosen is None and at.last and (m := RELATIVE_DAY_RE.search(text, sent.start, name_start)):
        chosen = (0, 0, at.last + dt.timedelta(days=RELATIVE_DAYS[m.group(0)]), None)
    if chosen is None:
        return when
    _, _, first, last = chosen
    verb_text = (verb.group("verb") if verb is held_on else verb.group(0)).rstrip("了") if verb else ""
    if last:
        when.start, when.end = first, last
    elif pats["closing"].fullmatch(verb_text) or (not verb_text and pats["closing"].search(tail[:20])):
        when.end = first
    else:
        when.start = first
        opened = opening or pats["opening"].search(verb_text) or pats["opening"].match(tail.lstrip("」”\""))
        if event_type in ONE_DAY_TYPES and not DURATION.search(sent.text) and not opened:
            when.end = first  # a meeting, forum, session or ceremony on a day is held on that one day
    dur = DURATION.search(sent.text)
    if dur:
        try:
            days = int(parse_number(dur.group("n")))
        except (ValueError, KeyError, IndexError):
            days = 0
        if 1 <= days <= 60:
            if when.end and not when.start:
                when.start = when.end - dt.timedelta(days=days - 1)
            elif when.start and not when.end:
                when.end = when.start + dt.timedelta(days=days - 1)
    return when


# --- where -----------------------------------------------------------------------------------------------

def _city_in(phrase: str) -> tuple[str | None, str | None]:
    """The city a place phrase names: '宁夏银川市阅海会议中心' -> 银川; '北京人民大会堂' -> 北京."""
    for p in find_places(phrase):
        if p.kind in ("city", "port") or p.code in MUNICIPALITIES or p.name in city_names() \
                or (p.kind == "region" and p.name.endswith("市")):
            return p.name, p.country_code
    m = CITY_WORD.match(phrase)
    if m and not find_places(m.group("city")):
        return m.group("city"), None
    return None, None


ATTENDED_AT = re.compile(r"在(?P<where>[^,，。;；在]{1,12}?)(?:出席|参加|参与|举办|主办)(?:了)?[“「\"]?$")


def event_city(sent: Sentence, cand: Candidate) -> tuple[str | None, str | None]:
    text = sent.doc.text
    name_start, name_end = sent.start + cand.start, sent.start + cand.end
    pats = _patterns()
    # '…在X开幕', '在X举行的NAME', '在X举行了NAME'
    after = pats["held_at"].search(text, name_end, sent.end)
    befores = [m for m in pats["held_at"].finditer(text, sent.start, name_start)]
    for m in ([after] if after else []) + befores[::-1]:
        city = _city_in(m.group("where"))
        if city[0]:
            return city
    # '代表团在布达佩斯出席NAME': where the delegation attended it
    if (m := ATTENDED_AT.search(text, max(sent.start, name_start - 24), name_start)) and (city := _city_in(m.group("where")))[0]:
        return city
    # '在美国俄克拉荷马城,…对接会成功举办': a clause that only says where
    for c in sent.clauses[:sent.clause_of(name_start)]:
        m = re.fullmatch(r"\s*在(?P<where>[^,，]{2,20})\s*", text[c.start:c.end])
        if m and (city := _city_in(m.group("where")))[0]:
            return city
    # '鸡西市第二届中俄文化交流周', '米兰世博会': a name that opens with a city
    lead = re.sub(r"^(?:(?:19|20)\d{2}年?)?(?:第[\d一二三四五六七八九十百]+届)?(?:中国[·・]?)?", "", cand.name)
    places = find_places(lead)
    if places and places[0].start == 0 and (places[0].kind == "city" or places[0].code in MUNICIPALITIES
                                            or places[0].name in city_names()):
        return places[0].name, places[0].country_code
    m = pats["held_after"].match(text, name_end, sent.end)
    if m:
        for p in find_places(m.group("where")):
            if p.start == 0 and (p.kind == "city" or p.code in MUNICIPALITIES):
                return p.name, p.country_code
    for hint in re.findall(r"\(([^)]{2,8})\)", cand.name):
        city = _city_in(hint)
        if city[0]:
            return city
    head = text[sent.start:name_start]
    for m in ARRIVED.finditer(head):
        for p in find_places(head[m.end():m.end() + 10]):
            if p.start == 0 and (p.kind == "city" or p.code in MUNICIPALITIES or p.name.endswith("市")):
                return p.name, p.country_code
    return None, None


# --- the article -----------------------------------------------------------------------------------------

def _article_time(doc: Document, sents: list[Sentence]) -> ArticleTime:
    """The dateline ('新华社沈阳2月5日电', '台湾网4月25日消息'): the day of 今天, and a city. With no dateline,
    a published date stands for it (the report's 今天/昨日 are counted from it)."""
    at = ArticleTime(doc.reference_date.year)
    if doc.reference_date_method == "metadata":
        at.dateline = doc.reference_date
    for sent in sents[:8]:
        head = sent.text[:60]
        m = DATELINE.search(head)
        if not m:
            continue
        places = [p for p in find_places(head[:m.start()]) if p.kind in ("city", "region") or p.code in MUNICIPALITIES]
        if m.group("m") is None and not (places and places[-1].end == m.start()):
            continue  # a day alone is a dateline only right after the place the report was filed from
        ref = doc.reference_date
        try:
            if m.group("m") is None:
                day = int(m.group("d"))
                at.dateline = dt.date(ref.year, ref.month, day) if day <= ref.day + 1 else \
                    (ref.replace(day=1) - dt.timedelta(days=1)).replace(day=day)
            else:
                at.dateline = dt.date(int(m.group("y") or ref.year), int(m.group("m")), int(m.group("d")))
        except ValueError:
            break
        if at.dateline > doc.reference_date + dt.timedelta(days=2):
            at.dateline = at.dateline.replace(year=at.dateline.year - 1)
        at.dateline_sentence = sent.start
        if places and (places[-1].kind == "city" or places[-1].code in MUNICIPALITIES):
            at.dateline_city = places[-1]
        break
    return at


def extract_events(doc: Document, sents: list[Sentence]) -> list[Event]:
    events: list[Event] = []
    aliases: dict[str, str] = {}  # 以下简称 short form -> the long form it stands for
    at = _article_time(doc, sents)
    bare: list = []  # series named without an edition: '进博会', '本届进博会'
    for sent in sents:
        text = sent.text
        for m in ABBREVIATION.finditer(text):
            k = m.start()
            while k > 0 and NAME_CHARS.match(text[k - 1]):
                k -= 1
            long = text[k:m.start()]
            cut = _cut_intro(long + "会", 1)[:-1] if long else long
            aliases[m.group("alias")] = cut
        found = candidate_names(text)
        joined = _joined_series(sent)
        for start, end, etype in joined:  # sentence-local offsets
            if not any(c.start <= start < c.end or c.start < end <= c.end for c in found):
                found.append(Candidate(start, end, text[start:end], etype, False, False))
        for s in sent.series:
            if s.edition is None:
                bare.append((sent, s))
        new: list[Event] = []
        for cand in sorted(found, key=lambda c: c.start):
            ref = _series_ending_with(cand.name) if cand.generic else None
            if ref is not None:
                cand.generic = False  # '商务与投资峰会': the end of a recurring series' name is that series
            ev = _event(doc, sent, cand, at)
            if not (ev.start_date or ev.end_date or cand.generic or cand.demonstrative):
                _date_from_parent(ev, events, text[:cand.start])
            if ref is not None and ev.series is None:
                ev.series, ev.name_en, ev.event_type = ref.series, ref.name_en, ref.event_type
                ev.city, ev.country_code = ev.city or ref.city, ev.country_code or ref.country_code
            earlier = _referred(events, cand)
            if (cand.generic or cand.demonstrative) and earlier is not None:
                # a back-reference ('此次论坛', '签约仪式上'): its evidence and place go to the event named before;
                # its dates only where it states both ends (a verb near a back-reference may be another's)
                if not (ev.start_date and ev.end_date):
                    ev.start_date = ev.end_date = None
                _fill(earlier, ev, alias=not cand.demonstrative)
                continue
            if cand.demonstrative or (cand.generic and not (ev.start_date or ev.end_date)):
                continue  # refers to an event the text never names, or only describes one
            events.append(ev)
            new.append(ev)
        if len(new) > 1:
            _share_between_coordinated(new, sent)
        if "天" in text and not new:
            _last_day_from_duration(events, sent)
        if at.last_block != sent.block_no:
            at.last, at.last_block = None, sent.block_no  # a day without its month reads against its own paragraph
        if "日" in text or "号" in text:
            dated = _date_mentions(sent, at)
            if dated:
                at.last = dated[-1][2]
    events = _merge(_expand_aliases(events, aliases))
    events = _edition_only_names(events + _series_only_events(doc, events, bare))
    _this_edition_days(events, sents, at)
    _inherit_city(events, at)
    return events


THIS_EDITION_DAYS = re.compile(r"(?:本届|此届|该届|本次|此次)(?P<what>[\u4e00-\u9fff]{0,8}?(?:会|节|展|周))(?:于|自|从|在)?")


def _this_edition_days(events: list[Event], sents: list[Sentence], at: ArticleTime) -> None:
    """'本届广交会于10月15日开幕', '本届服贸会于9月12日至16日举办': days the text gives of the event it reports,
    named by a demonstrative; they fill that event's missing days (the one event of the article it can be)."""
    pats = _patterns()
    for sent in sents:
        if "届" not in sent.text and "次" not in sent.text:
            continue
        for m in THIS_EDITION_DAYS.finditer(sent.text):
            day = next((d for d in _date_mentions(sent, at) if d[0] == sent.start + m.end()), None)
            if day is None:
                continue
            what = m.group("what")
            series = {x.series.series for x in find_series(what)}
            targets = [e for e in events if e.article_no == sent.article_no and (
                (e.series is not None and e.series in series) or
                any(_norm(n).endswith(_norm(what)) for n in (e.name, *e.aliases)))]
            if len(targets) != 1:
                continue
            target, (_, end, first, last) = targets[0], day
            verb = sent.doc.text[end:end + 6]
            if last:
                start_day, end_day = first, last
            elif pats["closing"].match(verb):
                start_day, end_day = None, first
            else:
                start_day, end_day = first, None  # '于X日开幕', '自X日开幕以来', '于X日举办': the first day
            if target.start_date is None and start_day and (target.end_date is None or start_day <= target.end_date):
                target.start_date = start_day
            if target.end_date is None and end_day and (target.start_date is None or target.start_date <= end_day):
                target.end_date = end_day


def _last_day_from_duration(events: list[Event], sent: Sentence) -> None:
    """'交流周为期4天', '本届论坛会期两天': the duration of an event named before whose first day is known."""
    for m in _patterns()["head_duration"].finditer(sent.text):
        ev = next((e for e in reversed(events) if e.article_no == sent.article_no and e.name.endswith(m.group("head"))),
                  None)
        if ev is None or ev.start_date is None or ev.end_date is not None:
            continue
        try:
            days = int(parse_number(m.group("n")))
        except (ValueError, KeyError, IndexError):
            continue
        if 1 <= days <= 60:
            ev.end_date = ev.start_date + dt.timedelta(days=days - 1)


def _date_from_parent(ev: Event, events: list[Event], lead: str) -> None:
    """'闭幕式后,举行了签字仪式', '会上,…推介会': an event held at a point of the gathering just reported
    takes that day (a day within a gathering of several days only when the text says which)."""
    m = _patterns()["parent_time"].search(lead)
    parent = next((e for e in reversed(events) if e.article_no == ev.article_no and (e.start_date or e.end_date)),
                  None)
    if m is None or parent is None:
        return
    at = mapping("event_parent_time")[m.group("w")]
    one_day = parent.start_date is not None and parent.end_date == parent.start_date
    day = {"start": parent.start_date, "end": parent.end_date, "same": parent.start_date if one_day else None}[at]
    if day is not None:
        ev.start_date = day
        ev.end_date = day if ev.event_type in ONE_DAY_TYPES else None


def _event(doc: Document, sent: Sentence, cand: Candidate, at: ArticleTime) -> Event:
    name = cand.name
    series = find_series(name)
    ref = series[-1].series if series else None
    named_series = ref is not None and name.endswith(tuple([ref.series, *ref.aliases]))
    etype = ref.event_type if named_series else cand.event_type
    when = event_when(sent, cand, at, etype)
    city, country = event_city(sent, cand)
    if not city and ref and ref.city and named_series:
        city, country = ref.city, ref.country_code or "CN"
    venue = VENUE.search(sent.text, cand.end)
    return Event(
        name=name, event_type=etype, doc_id=doc.doc_id,
        evidence=[sent.evidence("event.name" if not cand.generic else "event.generic_name",
                                sent.start + cand.start, sent.start + cand.end)],
        name_en=ref.name_en if named_series else None, series=ref.series if named_series else None,
        edition=parse_edition(name), start_date=when.start, end_date=when.end, city=city, country_code=country,
        venue=venue.group("venue") if venue else None, article_no=sent.article_no)


@lru_cache(maxsize=4096)
def _series_ending_with(name: str):
    """The recurring series whose name or alias ends with this (generic-looking) name, if exactly one."""
    bare = _bare(name)
    if len(bare) < 5:
        return None
    found = {s.series: s for s in event_series() for n in (s.series, *s.aliases) if _bare(n).endswith(bare)}
    return next(iter(found.values())) if len(found) == 1 else None


def _referred(events: list[Event], cand: Candidate) -> Event | None:
    """The event a description or demonstrative mention refers back to: the latest one of the article with
    the same head whose name contains or ends like the mention."""
    head = cand.name[-2:]
    for e in reversed(events):
        if e.name.endswith(head) or _bare(cand.name) in _bare(e.name):
            return e
    return None


def _fill(twin: Event, e: Event, alias: bool = False) -> None:
    if alias and e.name != twin.name:
        twin.aliases.append(e.name)
    twin.evidence.extend(e.evidence)
    for attr in ("start_date", "end_date", "city", "country_code", "venue", "series", "name_en", "edition"):
        if getattr(twin, attr) is None and getattr(e, attr) is not None:
            setattr(twin, attr, getattr(e, attr))


def _series_only_events(doc: Document, events: list[Event], bare: list) -> list[Event]:
    """A recurring series named only by its short form ('在进博会上签约') is that year's edition."""
    out: list[Event] = []
    for sent, s in bare:
        ref = s.series
        if any(e.series == ref.series for e in events + out):
            continue
        # '本届中东欧博览会' after '第二届中国—中东欧国家博览会暨国际消费品博览会': the event whose name holds the series
        host = next((e for e in events if e.event_type == ref.event_type and e.article_no == sent.article_no
                     and any(m.series.series == ref.series for m in find_series(e.name))), None)
        if host is not None:
            written = sent.text[s.start:s.end]
            if written != host.name and written not in host.aliases:
                host.aliases.append(written)
            continue
        if re.search(r"[前历\d一二三四五六七八九十]届$|历届|每届|多届", sent.text[max(0, s.start - 3):s.start]):
            continue
        edition = ref.edition_of_year(doc.reference_date.year)
        start, end = sent.start + s.start, sent.start + s.end
        out.append(Event(name=doc.text[start:end], event_type=ref.event_type, doc_id=doc.doc_id,
                         evidence=[sent.evidence("event.series_mention", start, end)], name_en=ref.name_en,
                         series=ref.series, edition=edition, city=ref.city,
                         country_code=ref.country_code or ("CN" if ref.city else None), article_no=sent.article_no))
    return out


def _joined_series(sent: Sentence) -> list[tuple[int, int, str]]:
    """Series named with their editions, those joined by 暨 as one name ('第五届南博会暨第25届昆交会')."""
    out: list[tuple[int, int, str]] = []
    for s in sent.series:
        if not s.edition:
            continue
        if out and sent.text[out[-1][1]:s.start] == "暨":
            out[-1] = (out[-1][0], s.end, out[-1][2])
        else:
            out.append((s.start, s.end, s.series.event_type))
    return out


def _edition_only_names(events: list[Event]) -> list[Event]:
    """'第五届博览会' and a mention of '中国—东盟博览会' in one article: one event, that series' fifth edition."""
    out = list(events)
    for e in events:
        m = re.fullmatch(r"第[\d一二三四五六七八九十]+届(?P<head>.{2,4})", e.name)
        if not m or e.series:
            continue
        bare = [o for o in out if o.series and o.name.endswith(m.group("head"))
                and o.evidence[0].rule == "event.series_mention" and o.edition in (None, e.edition)]
        if len(bare) == 1:
            series = bare[0]
            e.series, e.name_en, e.aliases = series.series, series.name_en, sorted({*e.aliases, series.name})
            e.city, e.country_code = e.city or series.city, e.country_code or series.country_code
            e.evidence.extend(series.evidence)
            out.remove(series)
    return out


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
            if long in e.name or len(long) <= len(short) or (e.series and e.edition):
                continue
            if e.name.startswith((f"“{short}”", short)):
                e.aliases.append(e.name)
                e.name = (e.name.replace(f"“{short}”", long, 1) if f"“{short}”" in e.name
                          else long + e.name[len(short):]).strip("“”\"")
    return events


@lru_cache(maxsize=4096)
def _bare(name: str) -> str:
    return re.sub(r"[“”\"「」()·\-—–\s]", "", name)


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


@lru_cache(maxsize=4096)
def _editions(name: str) -> frozenset[tuple[str, int | None]]:
    """The (series, edition) pairs a name holds: '第五届南博会暨第25届昆交会' holds two."""
    return frozenset((m.series.series, m.edition) for m in find_series(name))


def _only_series(name: str) -> bool:
    """Is the name nothing but recurring series with their editions ('第五届南博会暨第25届昆交会')?"""
    covered = sum(m.end - m.start for m in find_series(name))
    return covered >= len(re.sub(r"暨|和|与|[“”\"]", "", name)) - 1


def _same(a: Event, b: Event) -> bool:
    na, nb = _norm(a.name), _norm(b.name)
    if na == nb:
        return True
    if a.series and a.series == b.series and (a.edition == b.edition or not a.edition or not b.edition):
        return na.endswith(nb) or nb.endswith(na) or (a.edition == b.edition and a.edition is not None)
    # '第二十三届哈洽会' = '第二十三届哈尔滨国际经济贸易洽谈会': one edition, a name written inside the series' own
    for x, y in ((a, b), (b, a)):
        if x.series and not y.series and x.edition and x.edition == y.edition and x.article_no == y.article_no:
            rest = re.sub(r"^(?:(?:19|20)\d{2}年?)?第[\d一二三四五六七八九十百]+届", "", _bare(y.name))
            if len(rest) >= 4 and is_subsequence(rest, _bare(x.series)):
                return True
    short_name, long_name = sorted((a.name, b.name), key=lambda n: len(_bare(n)))
    es, el = _editions(short_name), _editions(long_name)
    if es and es <= el and "暨" in long_name and a.article_no == b.article_no and _only_series(short_name) \
            and _only_series(long_name):
        return True  # '第五届南博会' names one of '第五届中国—南亚博览会暨第25届中国昆明进出口商品交易会'
    short, long = sorted((na, nb), key=len)
    if len(short) >= 5 and long.endswith(short):
        return True
    if a.edition is not None and a.edition == b.edition and a.event_type == b.event_type and \
            a.article_no == b.article_no and len(os.path.commonprefix([na[::-1], nb[::-1]])) >= 8:
        return True  # the same meeting of one council written in full and in short ('中俄东北—远东…委员会第二次会议')
    # '2019年「连江论坛」暨…交流会': a quoted part of a longer name is its short form
    short_bare, long_bare = _bare(short_name), _bare(long_name)
    if any(f"{o}{short_bare}{c}" in long_name for o, c in (("「", "」"), ("“", "”"), ('"', '"'))):
        return True
    # '两岸企业家峰会' = '2019两岸企业家紫金山峰会', '新辽经贸理事会会议' = '新加坡—辽宁经济贸易理事会第九次会议':
    # a short form keeps the long name's characters in order, and its head
    return len(short_bare) >= 6 and short_bare[-2:] == long_bare[-2:] and a.article_no == b.article_no \
        and is_subsequence(short_bare, long_bare)



def _merge(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        twin = next((o for o in out if _same(o, e)), None)
        if twin is None:
            out.append(e)
            continue
        if len(_bare(e.name)) > len(_bare(twin.name)):  # the fullest written form names the event
            twin.aliases.append(twin.name)
            twin.name, first = e.name, list(e.evidence)
            e.evidence = []
            _fill(twin, e)
            twin.evidence = first + twin.evidence
        else:
            _fill(twin, e, alias=True)
    for e in out:
        seen, kept = set(), []
        for ev in e.evidence:
            if (ev.start, ev.end) not in seen:
                seen.add((ev.start, ev.end))
                kept.append(ev)
        e.evidence = kept
        if e.start_date and e.end_date and e.end_date < e.start_date:
            e.end_date = None
        e.aliases = sorted(set(a for a in e.aliases if a != e.name))
    return out


def _inherit_city(events: list[Event], at: ArticleTime) -> None:
    """A side event takes the city of the event it is held during: its name contains the other's ('第六届
    进博会赣州招商引资专场推介会'), or its first day falls within the other's days in the same article.
    An event on the dateline's day takes the dateline's city."""
    for e in events:
        for o in events:
            if o is e:
                continue
            names = [o.name, *o.aliases]
            if o.series and any(len(_norm(n)) >= 3 and _norm(n) in _norm(e.name) and _norm(e.name) != _norm(n)
                                for n in names):
                e.parent_name = o.name
                if e.city is None and (e.start_date is None or o.start_date is None or o.end_date is None
                                       or o.start_date <= e.start_date <= o.end_date):
                    e.city, e.country_code = o.city, o.country_code
                break
    for e in events:
        if e.city or not e.start_date:
            continue
        for o in events:
            if o is not e and o.city and o.article_no == e.article_no and o.start_date and o.end_date \
                    and o.start_date <= e.start_date <= o.end_date and o.end_date > o.start_date:
                e.city, e.country_code = o.city, o.country_code
                break
    # the rest of an article's gatherings take the city of the gathering the article reports (its first with
    # a city, a recurring series first), unless their days fall outside that one's
    main = next((e for e in events if e.city and e.series), None) or next((e for e in events if e.city), None)
    if main is not None:
        lo = (main.start_date or main.end_date)
        hi = (main.end_date or main.start_date)
        for e in events:
            day = e.start_date or e.end_date
            if e.city is None and e.article_no == main.article_no and (
                    day is None or lo is None or lo - dt.timedelta(days=1) <= day <= hi + dt.timedelta(days=1)):
                e.city, e.country_code = main.city, main.country_code
    if at.dateline_city is not None:
        for e in events:
            if e.city is None and at.dateline and at.dateline in (e.start_date, e.end_date):
                e.city, e.country_code = at.dateline_city.name, at.dateline_city.country_code
