"""Bilateral trade flows: reporter, partner, direction, period, value or quantity, growth.

The genre states a flow in one clause ('2022年,江西对俄罗斯进出口72.58亿元,增长28%') and leaves out
what the text before it said ('其中出口41亿元;对尼日利亚贸易额为31.1亿元'). Each clause is read by
`read_clause` against a `TradeContext` (reporter, partner, the pair last named, period) that the text
before it set; the context is a value passed from clause to clause, never shared state.

Rules (their names go into evidence.rule):
- trade.clause: one figure with its flow word, sides and period;
- trade.respectively: '对日本、韩国进出口分别为155亿元和132亿元', partners and figures in order;
- trade.enumeration: '是广东(28.3亿美元)、山东(21.7亿美元)的2倍', one reporter per bracketed figure;
- trade.from_to: '从2012年的2224亿美元增长到2022年的4314亿美元', each figure with its own year;
- trade.quantity: a physical figure (吨, 辆...) where no money is given; '价值X' after it adds the value.
Each figure a trade sentence holds gets a fate (tradenews.records.fates): a row, or the reason it is
left out (a share, a target, a baseline, a ranking, a balance, investment, no partner...).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from tradenews.mentions.dates import dateline_at
from tradenews.mentions.numbers import find_quantities, is_bare_yuan
from tradenews.mentions.places import find_places
from tradenews.model import Document, Place, TradeFlow
from tradenews.records.context import Clause, Sentence
from tradenews.records.fates import Fates, is_baseline
from tradenews.reference import place_by_code
from tradenews.reference.lexicon import alternation, mapping

CHANGE_BEFORE = re.compile(r"(?:增加|增长|减少|下降|多|少|扩大|缩小)了?$")  # '增加2亿元' is a change, not a value
DESCRIBED_PARTNER = re.compile(r"(?:从|自|向|对)[^,，;；从自向对]{2,16}(?:国|地区|国家|伙伴)$")  # '从全球最大的大豆出口国巴西'
RESTATED_VALUE = re.compile(r"^(?:价值|货值|金额|总值|总额)")  # '进口煤炭51.8万吨,价值0.9亿元'
RANK_ALONE = re.compile(r"^[^,，]{0,12}?第[一二三四五六七八九十\d]{1,2}(?:位|大)?$")  # '日本第三'
FROM_TO = re.compile(r"[由从].{0,30}?(?:增长?至|增长到|增加到|增加至|升至|提高到|提高至|扩大到|扩大至|达到|到|至)")
QTY_UNITS = mapping("trade_quantity_unit")
PERIOD_HINT = re.compile(r"[年月季]")
RESPECTIVELY = re.compile(r"分别|依次")
# an aside, not a statement of trade: a cause ('受俄方提高原木出口关税影响'), an explanation ('主要是汽车零部件进口
# 有所减少'), a comparison with another reporter ('增速高于全省对俄贸易9.3个百分点')
ASIDE = re.compile(r"^(?:主要|这|这主要)?(?:是)?(?:受|由于|因)[^,，;；]{1,30}(?:影响|带动|拉动|推动|冲击)|^(?:这)?(?:主要|主要原因|原因)(?:是|在于|由于|得益于)"
                   r"|^(?:这)?得益于|(?:高于|低于|快于|慢于|超过|超出)[^,，;；]{0,20}个百分点")
# '进口方面,…', '出口方面,…': a new topic, the partner named before is not carried into it
TOPIC = re.compile(r"^(?:进口|出口|进出口|贸易)方面$")
BACK_LIST = re.compile(r"上述|以上|这[两三四五六七八九十\d]+|[两三四五六七八九十\d]+国")  # '与上述四国', '与三国'
# a clause that opens with its subject place ('2020年辽宁发送中欧班列…'): the reporter of what follows
SUBJECT_FIRST = re.compile(r"^(?:(?:19|20)\d{2}年|今年|去年|上半年|前\S{1,3}个?月|[\d一二三四]季度)*(?:全省|全市|我省|我市)?"
                           r"[\u4e00-\u9fff]{2,6}?(?:省|市|自治区)?(?:发送|开行|实现|完成|共|累计)")
IN_NAME = re.compile(r"[^,，。;；]{0,8}?(?:公司|集团|银行|商会|协会|中心|有限)")  # a flow word inside a name
COMMODITY_FILLER = r"价值|货值|金额|额|总额|总值|值|量|为|达到?|实现|完成|了|共|累计|约|近|超过?|首次|首度|再次|已经|已|突破|均|分别|合计|总计|的"
COMMODITY_STRIP = re.compile(rf"^(?:{COMMODITY_FILLER})+|(?:{COMMODITY_FILLER})+$")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    words = mapping("trade_flow_word")
    # hard-wrapped print text leaves a space inside a word: '进 出口额'
    flow = "|".join(re.escape(w).replace("进出口", "进 ?出口") for w in sorted(words, key=len, reverse=True))
    return {
        "flow": re.compile(flow),
        "skip": re.compile(alternation("trade_skip")),
        "partner_mark": re.compile(f"(?:{alternation('partner_mark')})$"),
        "home_province": re.compile(alternation("home_province_word")),
        "home_city": re.compile(alternation("home_city_word")),
        "nation": re.compile(alternation("nation_word")),
        "pair_back": re.compile(alternation("pair_back_word")),
        "carry": re.compile(f"^(?:{alternation('carry_opener')})"),
        "enterprise": re.compile(alternation("enterprise_type")),
        "subject_filler": re.compile(rf"(?:{alternation('subject_filler')}|(?:19|20)\d{{2}}年|[前\d一二三四五六七八九十至-]+(?:个)?月份?|"
                                     rf"[上下]半年|[一二三四1-4]季度|今年|去年|上年|当年|本年)"),
        "pair_follow": re.compile(rf"^(?:两国|两地|双边|之间|间|的)?(?:{alternation('pair_back_word')}|贸易|经贸|进出口|外贸|货物|合作|经济|"
                                  rf"建交|关系|友好)"),
    }


@dataclass(frozen=True)
class Side:
    code: str
    name: str


class TradeContext(NamedTuple):
    """What a clause inherits from the text before it (an immutable value: each clause returns a new one)."""

    reporter: Side | None = None
    partner: Side | None = None
    pair: tuple[Side, Side] | None = None  # the pair last named, for 双边/两国/两地
    period: tuple[dt.date, dt.date] | None = None
    listed: tuple[Side, ...] = ()  # the places a clause last listed ('越南、缅甸、泰国、老挝为…'), for '与上述四国…分别'
    flow: str | None = None  # the flow word of an earlier clause of the same sentence
    growth: float | None = None  # a growth stated before its figure ('出口增长13.5%,达311亿美元')

    def next_sentence(self, same_block: bool) -> TradeContext:
        """Flow and pending growth do not cross a sentence; sides and period cross sentences and, within an
        article, paragraphs."""
        return self if self.flow is None and self.growth is None else self._replace(flow=None, growth=None)


def _side(place: Place) -> Side:
    return Side(place.code, place.name)


def is_chinese(code: str) -> bool:
    return code == "CN" or code.startswith("CN-")


def _home(doc: Document) -> Side | None:
    if not doc.home_region:
        return None
    ref = place_by_code().get(doc.home_region)
    return Side(doc.home_region, ref.name if ref else doc.home_region)


@dataclass
class Sides:
    """Who trades with whom in one clause, as written."""

    reporter: Side | None = None
    partners: list[Place] | None = None  # in order ('对日本、韩国')
    paired: bool = False  # named as a pair ('中俄', '江西与俄罗斯…贸易')
    unknown_subject: bool = False  # words right before the flow word that name no side ('加工贸易', '中X贸易')


def _partner_phrase(text: str, start: int, places: list[Place], kw_at: int) -> list[Place]:
    """Places listed after a partner mark and joined by 、/和/及 ('对日本、韩国'); a descriptor before the
    partner may stand between them ('从全球最大的大豆出口国巴西进口')."""
    out: list[Place] = []
    for p in places:
        rel = p.start - start
        if kw_at >= 0 and rel >= kw_at:
            break
        if not out and (_patterns()["partner_mark"].search(text[max(0, rel - 2):rel])
                        or DESCRIBED_PARTNER.search(text[max(0, rel - 20):rel])):
            out.append(p)
        elif out and text[out[-1].end - start:rel] in ("、", "和", "及", "与", "以及"):
            out.append(p)
    return out


def read_sides(text: str, start: int, places: list[Place], doc: Document, kw_at: int) -> Sides:
    """Reporter and partners a clause names before its flow word (at kw_at, clause offsets; -1: none)."""
    pats = _patterns()
    before = [p for p in places if kw_at < 0 or p.start - start < kw_at]
    # a pair: '中俄贸易', '俄中贸易额', '江西与俄罗斯双边贸易', '新辽贸易'
    for a, b in zip(before, before[1:]):
        gap = text[a.end - start:b.start - start]
        if gap in ("", "与", "和", "同", "跟", "-", "—") and pats["pair_follow"].match(text[b.end - start:]) \
                and a.code != b.code:
            if is_chinese(b.code) and not is_chinese(a.code):
                a, b = b, a
            return Sides(_side(a), [b], True)
    partners = _partner_phrase(text, start, places, kw_at)
    reporter = None
    for p in before:
        if p not in partners and (not partners or p.start < partners[0].start):
            reporter = _side(p)
            break
    if not partners and kw_at >= 0:
        # '中国进口俄罗斯原油', '出口到美国': a country right after the direction word is the partner
        after = [p for p in places if 0 <= p.start - start - kw_at <= 4 and p.kind in ("country", "group", "region")
                 and re.fullmatch(r"(?:进口|出口)(?:到|至|往)?", text[kw_at:p.start - start])]
        if after:
            partners = [after[0]]
    head = text[:kw_at if kw_at >= 0 else len(text)]
    if partners:
        head = head[:partners[0].start - start]
    if reporter is None and pats["home_city"].search(head) and (city := _home_city(doc)):
        reporter = city
    if reporter is None and pats["home_province"].search(head):
        reporter = _home(doc)
    if reporter is None and pats["nation"].search(head):
        reporter = Side("CN", "中国")
    unknown = False
    if reporter is None and not partners and kw_at > 0:
        residue = list(text[:kw_at])
        for p in places:
            for i in range(max(0, p.start - start), min(kw_at, p.end - start)):
                residue[i] = " "
        residue = pats["subject_filler"].sub(" ", "".join(residue))
        unknown = bool(re.search(r"[\u4e00-\u9fff]{2}\s*$", residue))
    return Sides(reporter, partners or None, False, unknown)


def _home_city(doc: Document) -> Side | None:
    code = getattr(doc, "home_city", None)
    if not code:
        return None
    ref = place_by_code().get(code)
    return Side(code, ref.name if ref else code)


def _listed(text: str, start: int, places: list[Place]) -> list[Place]:
    """Places a clause lists, joined by 、/和/及 ('德国、荷兰、英国分别为…')."""
    out: list[Place] = []
    for p in places:
        if out and text[out[-1].end - start:p.start - start] in ("、", "和", "及", "与", "以及"):
            out.append(p)
        elif len(out) < 2:
            out = [p]
        else:
            break
    return out if len(out) > 1 else []


def _commodity(text: str, kw_end: int, num_start: int, head: str = "") -> str | None:
    """Goods named between the flow word and the figure ('出口钢材26.9亿元'), or between the partner and the
    flow word ('与越南农产品进出口额')."""
    for between in (text[kw_end:num_start], head):
        between = COMMODITY_STRIP.sub("", between).lstrip("与对同和向自从")
        lead = find_places(between)
        if lead and lead[0].start == 0:
            between = COMMODITY_STRIP.sub("", between[lead[0].end:])
        if find_places(between):
            continue  # goods are never a place ('哈萨克斯坦与中国的贸易额')
        if 2 <= len(between) <= 12 and re.fullmatch(r"[\u4e00-\u9fff、和及]+", between) \
                and not re.search(r"贸易|总|额|值|双边|两国|外贸|货物$|规模|同比|比|增长|下降|是|在", between):
            return between
    return None


@dataclass
class Figure:
    start: int
    end: int
    value: float | None = None
    currency: str | None = None
    quantity: float | None = None
    unit: str | None = None
    qualifier: str | None = None


def _figures(sent: Sentence, clause: Clause, fates: Fates, flow_known: bool = True) -> list[Figure]:
    """Money (and, where no money is given, physical amounts) of a clause that are values, not changes."""
    doc_text = sent.doc.text
    out = []
    for m in sent.money:
        if not clause.start <= m.start < clause.end:
            continue
        if CHANGE_BEFORE.search(doc_text[clause.start:m.start]):
            fates.leave(m, "trade.change", "a change against an earlier figure, not a value")
            continue
        if is_baseline(doc_text[max(clause.start, m.start - 10):m.start]):
            fates.leave(m, "trade.baseline", "a baseline for a comparison")
            continue
        if doc_text[m.end:m.end + 1] == "/":
            fates.leave(m, "trade.price", "a price per unit ('元/吨')")
            continue
        out.append(Figure(m.start, m.end, value=m.amount, currency=m.currency, qualifier=m.qualifier))
    if not out and flow_known:
        for q in find_quantities(clause.text, QTY_UNITS, clause.start):
            if not CHANGE_BEFORE.search(doc_text[clause.start:q.start]) and \
                    not is_baseline(doc_text[max(clause.start, q.start - 10):q.start]):
                out.append(Figure(q.start, q.end, quantity=q.value, unit=q.unit, qualifier=q.qualifier))
    return out


def _growth_for(sent: Sentence, ci: int, fig: Figure, ctx: TradeContext) -> float | None:
    clause = sent.clauses[ci]
    after = [g for g in sent.growth if fig.end <= g.start < clause.end]
    if after:
        return after[0].pct
    before = [g for g in sent.growth if clause.start <= g.start < fig.start]
    if before:
        return before[-1].pct  # '同比增长4%至39亿美元'
    # the rate may follow in a later clause: '…5184.7亿美元,创历史新高,同比增长6.0%'; a clause with a figure,
    # a flow word or a place of its own ends the search
    for nxt in sent.clauses[ci + 1:ci + 3]:
        nxt_growth = [g for g in sent.growth if nxt.start <= g.start < nxt.end]
        if any(nxt.start <= m.start < nxt.end for m in sent.money) or _patterns()["flow"].search(nxt.text):
            break
        if nxt_growth:
            return nxt_growth[0].pct
        if any(nxt.start <= p.start < nxt.end for p in sent.places) or any(c.isdigit() for c in nxt.text):
            break
    return ctx.growth


def _listed_growth(sent: Sentence, ci: int, figures: list[Figure]) -> list[float | None]:
    """The rates of a list of figures, in order: '…分别进出口4亿、3亿元,分别增长5%、6%' (in the clause after
    the last figure or in the next clause with no figure of its own); none unless there is one per figure."""
    clause = sent.clauses[ci]
    rates = [g.pct for g in sent.growth if figures[-1].end <= g.start < clause.end]
    if not rates and ci + 1 < len(sent.clauses):
        nxt = sent.clauses[ci + 1]
        if not any(nxt.start <= m.start < nxt.end for m in sent.money):
            rates = [g.pct for g in sent.growth if nxt.start <= g.start < nxt.end]
    return rates if len(rates) == len(figures) else [None] * len(figures)


TERRITORY_YUAN = mapping("territory_yuan")


def _row(doc, sent, clause, reporter: Side, partner: Side, flow: str, period, fig: Figure, growth, commodity, rule,
         ) -> TradeFlow:
    if flow == "total" and is_chinese(partner.code) and not is_chinese(reporter.code):
        reporter, partner = partner, reporter  # a total with no perspective is reported from the Chinese side
    currency = fig.currency
    if currency == "CNY" and reporter.code in TERRITORY_YUAN and is_bare_yuan(doc.text, fig.start, fig.end):
        currency = TERRITORY_YUAN[reporter.code]  # Taiwan's or Hong Kong's own statistics count 元 in their dollar
    return TradeFlow(reporter.code, reporter.name, partner.code, partner.name, flow, period[0], period[1], doc.doc_id,
                     [sent.evidence(rule, clause.start, clause.end)], commodity=commodity, value=fig.value,
                     currency=currency, quantity=fig.quantity, quantity_unit=fig.unit,
                     value_qualifier=fig.qualifier, growth_pct=growth, article_no=sent.article_no)


def _periods_in(sent: Sentence, clause: Clause, year: int):
    return [p for p in _closed_periods(sent, year) if clause.start <= p.start < clause.end]


def _closed_periods(sent: Sentence, year: int):
    """The sentence's periods; one without a year that would end after the report ('12月单月' in a
    February report) is last year's."""
    found = sent.periods(year)
    ref = sent.doc.reference_date
    if all(p.last <= ref or p.year_stated for p in found):
        return found
    earlier = {p.start: p for p in sent.periods(year - 1)}
    return [earlier.get(p.start, p) if p.last > ref and not p.year_stated else p for p in found]


def _skip_reason(text: str) -> str | None:
    m = _patterns()["skip"].search(text)
    if m:
        return mapping("trade_skip")[m.group(0)]
    if RANK_ALONE.match(text):
        return "rank"
    return None


LAST_YEAR_SAME = re.compile(r"(?:而|但)?(?:去年|上年)同期[,，]")


def _year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February: the 28th, and a month's last day stays its last day)."""
    y = day.year - 1
    month_end = calendar.monthrange(y, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(y, day.month, month_end)
    return dt.date(y, day.month, min(day.day, month_end))


FREIGHT = re.compile(r"货运|运量|吞吐|总量")
# '木材是最大宗进口商品', '大宗商品进口稳中有变': a clause about goods with no figure describes, it reports no flow
GOODS_NOUN = re.compile(r"(?:进口|出口|进出口)(?:商品|产品|货物)|(?:商品|产品|货物)(?:进口|出口|进出口)")


def read_clause(doc: Document, sent: Sentence, ci: int, ctx: TradeContext, fates: Fates,
                rows: list[TradeFlow], pending: list, national: Side | None = None) -> TradeContext:
    """Read one clause: its flows go into `rows`, its figures' fates into `fates`; returns the context for
    the next clause."""
    pats = _patterns()
    clause = sent.clauses[ci]
    text = clause.text
    has_flow = pats["flow"].search(text) is not None
    has_money = any(clause.start <= m.start < clause.end for m in sent.money)
    quiet = not (has_flow or has_money or PERIOD_HINT.search(text) or pats["carry"].match(text))
    if quiet and not any(clause.start <= p.start < clause.end for p in sent.places):
        return ctx  # a clause with no side, flow word, period or figure changes nothing
    # the world is no partner: trade with 全球/世界 is a total, and the words mostly describe ('全球最大')
    places = [p for p in sent.places if clause.start <= p.start < clause.end and p.end <= clause.end
              and p.code != "WORLD" and not dateline_at(doc.text, p.end)]  # nor is where the report was filed
    if quiet and not places:
        return ctx
    year = doc.reference_date.year
    periods = _periods_in(sent, clause, year)
    kw = None
    figures = _figures(sent, clause, fates, bool(ctx.flow) or has_flow) if has_money or has_flow or ctx.flow else []
    first_fig = figures[0].start - clause.start if figures else len(text)
    for m in pats["flow"].finditer(text) if has_flow else ():
        at = clause.start + m.start()
        if IN_NAME.match(text, m.end()) and any(o.start <= at < o.end for o in sent.orgs):
            continue  # '进出口有限公司' names a company, not a flow
        if m.start() < first_fig or kw is None:
            kw = m
    kw_at = kw.start() if kw else -1
    if RESTATED_VALUE.match(text) and rows and rows[-1].value is None and rows[-1].quantity is not None \
            and len(figures) == 1 and figures[0].value is not None and rows[-1].article_no == sent.article_no:
        # '进口煤炭51.8万吨,价值0.9亿元', '…增长5.5%,货值7.43亿美元': the value of the quantity just read
        last = rows[-1]
        last.value, last.currency = figures[0].value, figures[0].currency
        last.evidence[0] = sent.evidence(last.evidence[0].rule, last.evidence[0].start, clause.end)
        fates.fact(figures[0], "trade.quantity")
        return ctx
    if FREIGHT.search(text) and not places and figures:
        # '口岸进出口货运总量1500万吨': a port's freight with no partner named is no flow with one
        fates.leave_all(figures, "trade.freight", "a freight volume with no partner")
        return ctx
    if ASIDE.search(text) and not figures:
        return ctx  # a cause, an explanation, a comparison: its places are no side of the flows around it
    if TOPIC.match(text):
        return ctx._replace(partner=None, pair=None)
    reason = _skip_reason(text)
    if reason is None and figures and not periods and ci:
        # '力争实现固定资产投资增长8%,外贸进出口突破1500亿元': a goal goes on through the clauses after it
        before = sent.text[:clause.start - sent.start]
        goal = _skip_reason(before) if ";" not in before and "；" not in before else None
        reason = goal if goal in ("target", "forecast") else None
    if reason and reason != "rank":
        # a share, a target, a balance...: its figures and the sides it names are not the flow's (the deal
        # rules read signings and investments, and decide those figures' fates)
        if reason not in ("deal", "investment"):
            fates.leave_all(figures, f"trade.{reason}", f"a {reason} figure, not a flow of the period")
        if reason == "share" and periods and not pats["nation"].search(text):
            # '前9月对大陆出口占比41.8%;同期对美国出口…': the period it names is the next clause's 同期
            return ctx._replace(period=(periods[0].first, periods[0].last))
        return ctx
    if figures:
        # enumerations 'PLACE(AMOUNT)': each place reports the same kind of flow
        paren = [(p, f) for f in figures for p in places if f.start - p.end == 1 and doc.text[p.end] == "("]
        if paren and ctx.partner and ctx.flow and ctx.period:
            for p, f in paren:
                rows.append(_row(doc, sent, clause, _side(p), ctx.partner, ctx.flow, ctx.period, f, None, None,
                                 "trade.enumeration"))
                fates.fact(f, "trade.enumeration")
            fates.leave_all([f for f in figures if all(f is not g for _, g in paren)], "trade.enumeration",
                            "a figure beside an enumeration")
            return ctx
    sides = read_sides(text, clause.start, places, doc, kw_at)
    # '其中原油出口1524万吨': before the flow word of a tonnage stand the goods, not an unknown subject
    goods_first = sides.unknown_subject and bool(figures) and not FREIGHT.search(text) and (
        all(f.value is None for f in figures)  # a port's freight volume ('口岸进出口货运总量') is no goods
        # '其中榴莲出口额达25.6亿美元': goods in the breakdown of the sides' flow (not 加工贸易, a regime)
        or (text.startswith("其中") and ctx.reporter is not None and ctx.partner is not None and kw_at > 0
            and _commodity("", 0, 0, _patterns()["subject_filler"].sub("", text[:kw_at])) is not None))

    # the context this clause sets
    reporter, partner, pair = ctx.reporter, ctx.partner, ctx.pair
    if reason == "rank":
        # '东盟成为我国第一大贸易伙伴', '东盟是香港的第二大贸易伙伴', '韩国位居第二': the ranked place is a
        # partner of the reporter, never the reporter
        ranked = [_side(p) for p in places]
        if len(ranked) >= 2:
            pair = (ranked[1], ranked[0]) if not is_chinese(ranked[0].code) or is_chinese(ranked[1].code) \
                else (ranked[0], ranked[1])
        elif len(ranked) == 1 and reporter and ranked[0].code != reporter.code:
            partner = ranked[0]
    elif sides.paired:
        reporter, partner = sides.reporter, _side(sides.partners[0])
        pair = (reporter, partner)
    elif sides.unknown_subject and not goods_first and (figures or not GOODS_NOUN.search(text)):
        reporter = partner = None  # a subject the text names in words no gazetteer knows: not the sides before
    else:
        if sides.partners:
            partner = _side(sides.partners[0])
            if sides.reporter:
                reporter = sides.reporter
        elif sides.reporter and (kw or figures or SUBJECT_FIRST.match(text)):
            # a new reporter with no partner: a total of its own, or a new paragraph's subject (the same
            # reporter again within a breakdown keeps its partner: '其中中国出口…,中国进口…')
            in_breakdown = any(c.text.startswith("其中") for c in sent.clauses[:ci])
            if not text.startswith("其中") and not (in_breakdown and sides.reporter == reporter):
                partner = None
            reporter = sides.reporter
        if reporter and partner and reporter.code != partner.code and (sides.reporter or sides.partners):
            pair = (reporter, partner)
    back = pats["pair_back"].search(text[:max(kw_at, 0) or len(text)])
    if back and back.group(0) == "两岸":
        pair = (Side("CN", "中国"), Side("TW", "台湾"))  # 两岸 are the mainland and Taiwan, never a province
    if not (sides.reporter and sides.partners) and not sides.paired and back and pair:
        reporter, partner = pair
    flow = mapping("trade_flow_word")[kw.group(0).replace(" ", "")] if kw else ctx.flow
    listed = _listed(text, clause.start, places)
    new_ctx = ctx._replace(reporter=reporter, partner=partner, pair=pair, flow=flow,
                      listed=tuple(_side(p) for p in listed) if len(listed) > 1 else ctx.listed)
    if periods and not figures:
        new_ctx = new_ctx._replace(period=(periods[-1].first, periods[-1].last))
    elif periods and periods[0].start < figures[0].start:
        new_ctx = new_ctx._replace(period=(periods[0].first, periods[0].last))

    if not figures:
        growth = [g for g in sent.growth if clause.start <= g.start < clause.end]
        if RESPECTIVELY.search(text) and len(listed) == len(growth) > 1:
            # '其中对越南、缅甸分别增长12.3%和31.7%': each growth is its partner's in the rows just read
            for p, g in zip(listed, growth):
                for r in reversed(rows):
                    if r.partner_code == p.code and r.growth_pct is None and r.article_no == sent.article_no:
                        r.growth_pct = g.pct
                        break
            return new_ctx
        if kw and growth:
            new_ctx = new_ctx._replace(growth=growth[0].pct)
            if reporter and partner and new_ctx.period:
                pending.append(((reporter.code, partner.code, flow, new_ctx.period), growth[0].pct))
        return new_ctx
    if reason == "rank" and not kw:
        fates.leave_all(figures, "trade.rank", "a ranking, not a flow")
        return new_ctx
    if not flow:
        return new_ctx  # not a trade figure: the deal and indicator rules read it
    if pats["enterprise"].search(text[:kw_at if kw_at >= 0 else first_fig]):
        fates.leave_all(figures, "trade.enterprise_type", "a breakdown by kind of enterprise")
        return new_ctx

    partners = [_side(p) for p in sides.partners] if sides.partners and not sides.paired else None
    listed_before = ci > 0 and len([p for p in sent.places if sent.clauses[ci - 1].start <= p.start < clause.start]) \
        == len(ctx.listed) and not places
    if (not partners or len(partners) < 2) and RESPECTIVELY.search(text) and len(figures) >= 2 \
            and (BACK_LIST.search(text) or listed_before) and len(ctx.listed) == len(figures):
        # '与上述四国的进出口额分别为…', '伙伴依次为A、B和C,进出口额依次为…': the places just listed
        partners = list(ctx.listed)
    if partners and len(partners) > 1:
        if RESPECTIVELY.search(text) and len(figures) == len(partners) and reporter and new_ctx.period:
            rates = _listed_growth(sent, ci, figures)
            for p, f, rate in zip(partners, figures, rates):
                if _valid_pair(reporter, p):
                    rows.append(_row(doc, sent, clause, reporter, p, flow, new_ctx.period, f, rate, None,
                                     "trade.respectively"))
                    fates.fact(f, "trade.respectively")
            return new_ctx._replace(partner=None)
        fates.leave_all(figures, "trade.several_partners", "one figure for several partners together")
        return new_ctx._replace(partner=None)

    if reporter is None and partner and national:
        reporter = national  # '财政部今天公布…对美国出口…': the statistics of the nation that releases them
    if not (reporter and partner):
        fates.leave_all(figures, "trade.no_partner" if reporter else "trade.no_reporter",
                        "a total with no partner" if reporter else "no reporter named or carried")
        return new_ctx
    if not _valid_pair(reporter, partner):
        fates.leave_all(figures, "trade.same_side", "both sides Chinese, or the same place")
        return new_ctx

    # from-to: '从2012年的2224亿美元,增长到2022年的4314亿美元' (one clause or two)
    own_periods = {}
    for f in figures:
        near = [p for p in _closed_periods(sent, year) if p.end <= f.start and re.fullmatch(r"的?", doc.text[p.end:f.start])]
        if near:
            own_periods[id(f)] = (near[-1].first, near[-1].last)
    moved = FROM_TO.search(text) or FROM_TO.search(sent.text[:clause.end - sent.start])
    if moved and own_periods:
        for f in figures:
            if id(f) in own_periods:
                rows.append(_row(doc, sent, clause, reporter, partner, flow, own_periods[id(f)], f, None,
                                 None, "trade.from_to"))
                fates.fact(f, "trade.from_to")
            else:
                fates.leave(f, "trade.from_to", "a from-to figure with no year of its own")
        return new_ctx
    period = own_periods.get(id(figures[0])) or new_ctx.period
    if period and id(figures[0]) not in own_periods and LAST_YEAR_SAME.match(sent.text) and \
            sent.clause_of(figures[0].start) <= 1:
        period = (_year_before(period[0]), _year_before(period[1]))  # '去年同期,我省对俄进出口为965.5亿元'
    if period is None:
        fates.leave_all(figures, "trade.no_period", "no period stated or carried")
        return new_ctx
    fig = figures[0]
    growth = _growth_for(sent, ci, fig, new_ctx)
    head = text[sides.partners[-1].end - clause.start:kw_at] if sides.partners and kw_at >= 0 else \
        _patterns()["subject_filler"].sub("", text[:kw_at]) if goods_first else ""
    commodity = _commodity(text, kw.end(), fig.start - clause.start, head) if kw else None
    rule = "trade.clause" if fig.value is not None else "trade.quantity"
    rows.append(_row(doc, sent, clause, reporter, partner, flow, period, fig, growth, commodity, rule))
    fates.fact(fig, rule)
    fates.leave_all(figures[1:], "trade.second_figure", "a second figure in the clause of a flow")
    return new_ctx._replace(growth=None)


def national_reporter(doc: Document, sents: list[Sentence]) -> Side | None:
    """The nation whose statistics an article reports when it cites a national authority (海关总署, 国家统计局,
    财政部...) and names no reporter: the country of its dateline, else China."""
    source = re.compile(alternation("national_statistics_source"))
    if not any(source.search(s.text) for s in sents[:12]):
        return None
    for s in sents[:6]:
        for p in s.places:
            if dateline_at(doc.text, p.end) and p.country_code:
                ref = place_by_code().get(p.country_code)
                return Side(p.country_code, ref.name if ref else p.country_code)
    return Side("CN", "中国")


def _valid_pair(reporter: Side, partner: Side) -> bool:
    """A flow crosses a border: one side foreign (Hong Kong, Macao and Taiwan count as customs territories)."""
    return reporter.code != partner.code and not (is_chinese(reporter.code) and is_chinese(partner.code))


def extract_trade_flows(doc: Document, sents: list[Sentence], fates: Fates | None = None) -> list[TradeFlow]:
    fates = fates if fates is not None else Fates()
    rows: list[TradeFlow] = []
    pending: list[tuple[tuple, float]] = []  # growth-only statements with a full key
    ctx = TradeContext()
    prev: tuple[int, int] = (-1, -1)
    flow_re, carry = _patterns()["flow"], _patterns()["carry"]
    trade_blocks = {s.block_no for s in sents if flow_re.search(s.text)}
    national = national_reporter(doc, sents)
    for sent in sents:
        if sent.article_no != prev[0]:
            ctx = TradeContext()
        else:
            ctx = ctx.next_sentence(sent.block_no == prev[1])
        prev = (sent.article_no, sent.block_no)
        if sent.block_no not in trade_blocks:
            continue  # a paragraph that never speaks of trade states no flow and names no trading side
        if not sent.places and not sent.money and not flow_re.search(sent.text) and not PERIOD_HINT.search(sent.text) \
                and not any(carry.match(c.text) for c in sent.clauses):
            continue  # every clause is quiet (read_clause would return the context unchanged)
        for ci in range(len(sent.clauses)):
            ctx = read_clause(doc, sent, ci, ctx, fates, rows, pending, national)
    return _dedupe(_attach_pending_growth(rows, pending))


def _attach_pending_growth(flows: list[TradeFlow], pending) -> list[TradeFlow]:
    """'2005年黑龙江省对俄贸易同比增长48.5%' said apart from its amount still belongs to it."""
    for key, pct in pending:
        for f in flows:
            if f.growth_pct is None and f.commodity is None and \
                    (f.reporter_code, f.partner_code, f.flow, (f.period_start, f.period_end)) == key:
                f.growth_pct = pct
                break
    return flows


def _key(f: TradeFlow) -> tuple:
    # a total is the same figure from either side ('哈中贸易额' in the headline, '哈萨克斯坦与中国的贸易额')
    sides = tuple(sorted((f.reporter_code, f.partner_code))) if f.flow == "total" else (f.reporter_code, f.partner_code)
    return (sides, f.flow, f.period_start, f.period_end, f.commodity, f.currency,
            f.quantity_unit if f.value is None else None)


def _measure(f: TradeFlow) -> float | None:
    return f.value if f.value is not None else f.quantity


def _dedupe(flows: list[TradeFlow]) -> list[TradeFlow]:
    """A flow restated (in the headline, the lead, rounded: 近52万吨 for 51.8万吨) is one row: the exact
    figure wins, its growth and evidence kept."""
    out: list[TradeFlow] = []
    for f in flows:
        twin = next((o for o in out if _key(o) == _key(f) and _restates(o, f)), None)
        if twin is None:
            out.append(f)
            continue
        keep, drop = (twin, f) if (twin.value_qualifier or "exact") == "exact" or \
            (f.value_qualifier or "exact") != "exact" else (f, twin)
        if keep is f:
            out[out.index(twin)] = f
        keep.growth_pct = keep.growth_pct if keep.growth_pct is not None else drop.growth_pct
        keep.evidence.extend(drop.evidence)
    return out


def _restates(a: TradeFlow, b: TradeFlow) -> bool:
    x, y = _measure(a), _measure(b)
    if x is None or y is None:
        return False
    if x == y:
        return True
    rounded = {a.value_qualifier, b.value_qualifier} - {"exact", None}
    if not rounded:
        return False
    if abs(x - y) <= 0.05 * max(abs(x), abs(y)):
        return True
    # '逾千亿美元' in a headline for the body's 1,082.5亿: a bound the exact figure keeps, within a round step
    (bound, q), exact = ((x, a.value_qualifier), y) if a.value_qualifier in rounded else ((y, b.value_qualifier), x)
    if q in ("over", "at_least"):
        return bound <= exact <= 1.25 * bound
    if q == "under":
        return 0.8 * bound <= exact <= bound
    return False
