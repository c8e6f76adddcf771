"""Bilateral trade flows: reporter, partner, direction, period, value or quantity, growth.

Grammar of the genre: 'X对Y出口', 'X与Y双边贸易额', '中俄贸易额', 'Y对华出口', '两国贸易额',
lists such as '与美国17亿美元,增长40.5%;与欧盟...', and 'PLACE(AMOUNT)' enumerations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tradenews.mentions.numbers import find_quantities
from tradenews.mentions.places import find_places
from tradenews.model import Document, Place, TradeFlow
from tradenews.records.context import Sentence
from tradenews.reference import place_by_code

FLOW_WORDS = re.compile(r"进出口|出口|进口|贸易|交易额")
PARTNER_MARK = re.compile(r"[对与同和跟向自从]$")
SKIP_CLAUSE = re.compile(r"占|比重|份额|目标|预计|预期|力争|有望|计划|将达|年均|平均|排名|位居|第\d+位|"
                         r"^(?:而|比|较)?(?:去年|上年)同期")  # '去年同期为10亿元' is the baseline, not the figure
CHANGE_BEFORE = re.compile(r"(?:增加|增长|减少|下降|多|少)了?$")  # '增加2亿元' is a change, not a value
PAIR_FOLLOW = re.compile(r"^(?:两国)?(?:双边)?(?:贸易|经贸|进出口)")
HOME = re.compile(r"我省|本省|全省|该省|我区|全区|本区|我市|全市")
NATION = re.compile(r"我国|全国|中国")
PAIR_BACK = re.compile(r"两国|双边|双方|中外")
CARRY = re.compile(r"^(?:其中|同期|同时|此外)")
QTY_UNITS = {"吨": "t", "辆": "vehicles", "标箱": "TEU", "立方米": "m3", "桶": "barrels", "千瓦时": "kWh", "头": "head"}
FILLER = r"额|总额|总值|值|量|为|达到?|实现|完成|了|共|累计|约|近|超过?|首次|首度|再次|已经|已|突破|均|分别|合计|总计"
COMMODITY_STRIP = re.compile(rf"^(?:{FILLER})+|(?:{FILLER})+$")


@dataclass
class Side:
    code: str
    name: str


@dataclass
class State:
    """What a clause inherits from the text before it."""

    reporter: Side | None = None
    partner: Side | None = None
    flow: str | None = None
    period: tuple | None = None  # (first, last)
    growth: float | None = None  # a growth stated before its amount ('出口增长13.5%,达311亿美元')


def _side(place: Place) -> Side:
    return Side(place.code, place.name)


def _is_chinese(code: str) -> bool:
    return code == "CN" or code.startswith("CN-")


def _flow_of(word: str) -> str:
    return {"出口": "export", "进口": "import"}.get(word, "total")


def _home(doc: Document) -> Side | None:
    if not doc.home_region:
        return None
    ref = place_by_code().get(doc.home_region)
    return Side(doc.home_region, ref.name if ref else doc.home_region)


def _sides(clause_text: str, clause_start: int, places: list[Place], doc: Document, kw_pos: int):
    """Reporter and partner named in a clause before the flow keyword at kw_pos (clause offsets)."""
    reporter = partner = None
    before = [p for p in places if p.end - clause_start <= kw_pos + 1 or kw_pos < 0]
    pair = None
    for a, b in zip(before, before[1:]):
        if a.end == b.start and PAIR_FOLLOW.match(clause_text[b.end - clause_start:]):
            pair = (a, b)
    if pair:
        a, b = pair
        if _is_chinese(b.code) and not _is_chinese(a.code):
            a, b = b, a
        return _side(a), _side(b), True
    for p in before:
        rel = p.start - clause_start
        if PARTNER_MARK.search(clause_text[max(0, rel - 1):rel]) or clause_text[max(0, rel - 2):rel] in ("对于",):
            if partner is None:
                partner = _side(p)
        elif reporter is None and partner is None:
            reporter = _side(p)
    if partner is None and kw_pos >= 0:
        # '中国进口俄罗斯原油': a country right after the direction word is the partner
        after = [p for p in places if p.start - clause_start in (kw_pos + 2, kw_pos + 3)
                 and p.kind in ("country", "group", "region")]
        if after and FLOW_WORDS.match(clause_text, kw_pos):
            partner = _side(after[0])
    head = clause_text[:kw_pos if kw_pos >= 0 else len(clause_text)]
    if reporter is None and HOME.search(head):
        reporter = _home(doc)
    if reporter is None and NATION.search(head) and not (partner and partner.code == "CN"):
        reporter = Side("CN", "中国")
    return reporter, partner, False


def _listed_partners(text: str, clause_start: int, places: list[Place]) -> list[Place]:
    """Places listed after 对/与 and joined by 、/和 ('对日本、韩国'), in order."""
    out: list[Place] = []
    for p in places:
        rel = p.start - clause_start
        before = text[rel - 1:rel] if rel else ""
        if not out and PARTNER_MARK.search(before):
            out.append(p)
        elif out and text[out[-1].end - clause_start:rel] in ("、", "和", "及", "与"):
            out.append(p)
    return out


def _commodity(clause_text: str, kw_end: int, num_start: int) -> str | None:
    between = COMMODITY_STRIP.sub("", clause_text[kw_end:num_start])
    lead = find_places(between)
    if lead and lead[0].start == 0:
        between = between[lead[0].end:]  # '进口俄罗斯原油': the partner is not part of the goods
    if 2 <= len(between) <= 10 and re.fullmatch(r"[\u4e00-\u9fff]+", between) and not re.search(r"贸易|总|额|值", between):
        return between
    return None


def extract_trade_flows(doc: Document, sents: list[Sentence]) -> list[TradeFlow]:
    flows: list[TradeFlow] = []
    pending: list[tuple[tuple, float]] = []  # growth-only statements with a full key
    last_pair: tuple[Side, Side] | None = None
    state = State()
    prev_block = -1
    trade_blocks = {s.block_no for s in sents if FLOW_WORDS.search(s.text)}
    for sent in sents:
        if sent.block_no not in trade_blocks:
            continue  # a paragraph that never speaks of trade has no trade figure
        year = doc.reference_date.year
        if sent.block_no != prev_block:
            state = State()
            prev_block = sent.block_no
        elif not CARRY.match(sent.text) and not PAIR_BACK.search(sent.text[:12]):
            state = State(period=state.period)
        periods = sent.periods(year)
        for ci, clause in enumerate(sent.clauses):
            text = clause.text
            for p in periods:
                if clause.start <= p.start < clause.end:
                    state.period = (p.first, p.last)
            if SKIP_CLAUSE.search(text):
                continue
            places = [p for p in sent.places if clause.start <= p.start < clause.end]
            kw = None
            for m in FLOW_WORDS.finditer(text):
                kw = m
            money = [m for m in sent.money if clause.start <= m.start < clause.end
                     and not CHANGE_BEFORE.search(doc.text[clause.start:m.start])]
            qty = [q for q in find_quantities(text, QTY_UNITS, clause.start)] if kw else []
            growth = [g for g in sent.growth if clause.start <= g.start < clause.end]
            # enumerations 'PLACE(AMOUNT)': each place reports the same kind of flow
            paren = [(p, m) for m in money for p in places if m.start - p.end == 1 and doc.text[p.end] == "("]
            if paren and state.partner and state.flow and state.period:
                for p, m in paren:
                    flows.append(_flow(doc, sent, Side(p.code, p.name), state.partner, state.flow, state.period,
                                       m, None, None, "trade.enumeration", clause))
                continue
            if not kw and not money:
                # '江西与俄罗斯经贸往来日益密切': a pair named without a figure, for a later '双边贸易额'
                named = _sides(text, clause.start, places, doc, -1)
                if named[0] and named[1] and named[0].code != named[1].code:
                    last_pair = (named[0], named[1])
            if kw:
                flow = _flow_of(kw.group(0))
                reporter, partner, paired = _sides(text, clause.start, places, doc, kw.start())
                if paired or PAIR_BACK.search(text[:kw.start()]):
                    if not paired and last_pair and not (reporter and partner):
                        reporter, partner = last_pair
                    if reporter and partner:
                        last_pair = (reporter, partner)
                state.flow = flow
                if reporter:
                    state.reporter = reporter
                if partner:
                    state.partner = partner
                    if state.reporter and not paired:
                        last_pair = (state.reporter, partner)
                state.growth = None
            elif places and re.match(r"^[与同和对]", text) and (money or growth):
                # '与美国17亿美元': a new partner for the flow of the sentence so far
                state.partner = _side(places[0])
            elif not money:
                continue
            if not (state.reporter and state.partner and state.flow and state.period):
                continue
            if state.reporter.code == state.partner.code:
                continue
            own_growth = growth[0].pct if growth else None
            if not money and not qty:
                if own_growth is not None:
                    state.growth = own_growth
                    pending.append(((state.reporter.code, state.partner.code, state.flow, state.period), own_growth))
                continue
            if own_growth is None and state.growth is not None:
                own_growth, state.growth = state.growth, None
            if own_growth is None and ci + 1 < len(sent.clauses):
                nxt = sent.clauses[ci + 1]
                nxt_money = [m for m in sent.money if nxt.start <= m.start < nxt.end]
                nxt_growth = [g for g in sent.growth if nxt.start <= g.start < nxt.end]
                if nxt_growth and not nxt_money and not FLOW_WORDS.search(nxt.text):
                    own_growth = nxt_growth[0].pct
            commodity = None
            if kw and money:
                commodity = _commodity(text, kw.end(), money[0].start - clause.start)
            partners = _listed_partners(text, clause.start, places)
            if len(partners) > 1:
                # '对日本、韩国进出口分别为155亿元和132亿元': one figure per partner, in order
                if "分别" in text and len(money) == len(partners):
                    for p, m in zip(partners, money):
                        flows.append(_flow(doc, sent, state.reporter, _side(p), state.flow, state.period, m,
                                           None, None, "trade.respectively", clause))
                continue  # several partners and one figure: no single partner to report it for
            for m in money[:1]:
                flows.append(_flow(doc, sent, state.reporter, state.partner, state.flow, state.period, m,
                                   own_growth, commodity, "trade.clause", clause))
            if qty and not money:
                q = qty[0]
                com = _commodity(text, kw.end(), q.start - clause.start) if kw else None
                flows.append(TradeFlow(state.reporter.code, state.reporter.name, state.partner.code, state.partner.name,
                                       state.flow, state.period[0], state.period[1], doc.doc_id,
                                       [sent.evidence("trade.quantity", clause.start, clause.end)],
                                       commodity=com, quantity=q.value, quantity_unit=q.unit,
                                       value_qualifier=q.qualifier, growth_pct=own_growth,
                                       article_no=sent.article_no))
    return _attach_pending_growth(flows, pending)


def _flow(doc, sent, reporter, partner, flow, period, money, growth, commodity, rule, clause) -> TradeFlow:
    if flow == "total" and _is_chinese(partner.code) and not _is_chinese(reporter.code):
        reporter, partner = partner, reporter  # a total with no perspective is reported from the Chinese side
    return TradeFlow(reporter.code, reporter.name, partner.code, partner.name, flow, period[0], period[1], doc.doc_id,
                     [sent.evidence(rule, clause.start, clause.end)], commodity=commodity, value=money.amount,
                     currency=money.currency, value_qualifier=money.qualifier, growth_pct=growth,
                     article_no=sent.article_no)


def _attach_pending_growth(flows: list[TradeFlow], pending) -> list[TradeFlow]:
    """'2005年黑龙江省对俄贸易同比增长48.5%' said apart from its amount still belongs to it."""
    for key, pct in pending:
        for f in flows:
            if f.growth_pct is None and f.commodity is None and \
                    (f.reporter_code, f.partner_code, f.flow, (f.period_start, f.period_end)) == key:
                f.growth_pct = pct
                break
    return flows
