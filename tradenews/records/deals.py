"""Deals: purchases, investments, signed projects and agreements, with or without an amount.

Grammar: 'A与B签署/签订/达成…协议/意向', '分别签订X协议…、Y协议…' (paired in order),
'签约项目N个、总金额X', '采购/成交/投资 + amount', '累计/共/总' (aggregate), '双方' (the pair before).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tradenews.mentions.dates import dateline_at
from tradenews.mentions.numbers import parse_count, parse_number
from tradenews.mentions.places import find_places
from tradenews.mentions.series import find_series
from tradenews.model import Deal, Document, Money
from tradenews.records.context import Clause, Sentence
from tradenews.records.names import is_subsequence
from tradenews.reference import companies, place_by_code
from tradenews.reference.lexicon import alternation, mapping

SIGN = re.compile(alternation("deal_sign"))
AGREEMENT = re.compile(alternation("deal_agreement"))
AMOUNT_LINK = re.compile(alternation("deal_amount_noun"))
DEAL_TYPES = ("other", "purchase", "sale", "investment", "project_signing", "cooperation")  # first that matches decides
TYPE_WORDS = [(kind, re.compile("|".join(re.escape(w) for w, k in sorted(mapping("deal_type_word").items(),
                                                                        key=lambda kv: -len(kv[0])) if k == kind)))
              for kind in DEAL_TYPES]
# statistics of investment (固定资产投资, 实际使用外资) and targets are not deals
NOT_DEAL = re.compile(r"签约参展|签约仪式(?!上)|签约现场|目标|力争|预计|固定资产|实际使用|实际利用|利用外资|直接投资|"
                      r"营业额|(?:外商投资|外资|民营|国有|私营)企业进出口|以上的?项目|"
                      r"非金融类|投资增长|投资同比|"
                      # domestic economic statistics ('社会消费品零售总额完成121.6亿元'), never a deal
                      r"生产总值|GDP|社会消费品|财政收入|税收|增加值|营业收入|营收|利润|存款|余额|"
                      # credit and investment statistics of a year, and thresholds ('超过1亿美元的有5个')
                      r"新增[^,，。;；]{0,6}贷款|融资规模|年度计划投资|完成投资|年度投资计划|的(?:项目)?有[\d一二三四五六七八九十]+个")
AGGREGATE = re.compile(rf"{alternation('deal_aggregate')}|前[一二三四五六七八九十\d]+届")
INTENDED = re.compile(r"意向")
PLANNED = re.compile(r"将|计划|拟|准备|有望")
YEAR_IN = re.compile(r"((?:19|20)\d{2})年(?!\d|前|以来)")
PAIR = re.compile(r"与|同(?!日|时|期|比|样|一|年|月|天|类)|和")  # not 同日, 同时, 同比
SUBJECT = re.compile(r"(?:签署|签订|签约|达成)了?(?:(?:19|20)\d{2}年)?(?P<what>[^,，。;；、]{2,30}?)(?:协议书?|合同|备忘录|意向书)")
INVESTMENT_OBJECT = re.compile(r"(?:用于|建设|新建|扩建|设立|兴建|建)(?P<what>[^,，。;；]{2,24})")
MUTUAL = re.compile(alternation("pair_back_word"))
HOME_CITY = re.compile(r"我市|本市|全市")
COUNT_BREAKDOWN = re.compile(r"其中|累计|历届|年来|以来")
# '签订某某高速公路、某某工业区项目' (not '签约项目20个', a tally)
SIGNED_PROJECT = re.compile(r"(?:签订|签署|签定)了?(?![^,，。;；]{0,4}\d)[^,，。;；\d]{2,40}?项目")
# a sentence that tallies the signings of an event or a delegation
TALLY = re.compile(r"(?:签订|签约|签署|成交|达成)[^。]{0,12}?(?:项目|合同|协议)|(?:项目|合同)[^。]{0,6}?(?:签订|签约)")
TALLY_AMOUNT = re.compile(r"额|金额|总额|总值|成交")
TALLY_EXCEPTIONS = re.compile(r"利用外资|实际利用|直接投资")
STATISTIC = re.compile(r"增长|下降|增加|减少|同比|环比|成本")  # a rate of change: statistics, not a signing
CONTINUATION = re.compile(r"(?:其中)?(?:分别)?(?:为|达|达到|是|约为|共计|计|合计)?")
# an expo's own figures: its trade and orders are deals of the expo
# a gathering as the text names it, short forms included ('本届义博会', '广交会', '东博会')
EXPO_MENTION = re.compile(r"(?:本届|此次|这次|该)?[\u4e00-\u9fff]{0,2}?(?:博览会|交易会|洽谈会|展览会|展会|博会|交会|洽会)")
# the gathering is the subject of the figure: '博览会对外贸易额…', '本届博览会共成交…'
EXPO_SUBJECT = re.compile(rf"(?:{EXPO_MENTION.pattern})(?:期间|共|累计|总|对外)?[^,，上的在]{{0,6}}?(?:额|成交)")
EXPO_CONTEXT = re.compile(alternation("expo_context"))
THAT_PLACE = re.compile(r"该省|该市|该区")
THAT_COMPANY = re.compile(r"该企业|该公司|该集团|这家企业|这家公司")
# a counterpart named only as a kind ('全球合作伙伴', '外方客商') is no party
GENERIC_COUNTERPART = re.compile(r"^(?:全球|各国|国内外|境内外|海外|国外|外方|中外|相关|有关|美国|外国)?(?:合作伙伴|客商|企业|厂商|买家|伙伴)$")
CHANGE_BEFORE = re.compile(r"(?:比|较)(?:上届|去年|上年|往届)[^,，。]{0,6}(?:增加|增长|减少|下降|多|少)了?$")
LOCATION_MARK = re.compile(r"[在于赴到对]$|来自$")  # where it happens / whom it targets, not who signs
DEAL_WORD = re.compile(alternation("deal_cue"))
THIS_EDITION = re.compile(r"本届|此届|该届")
EXPO_PERIOD = re.compile(r"(?:展会|会展|博览会|交易会|洽谈会|展览会|展销会)期间")
PROMOTION = re.compile(r"招商|推介")
PAIR_VERB = re.compile(alternation("deal_pair_verb"))
MARKED_COUNT = re.compile(r"(?:签约|签署|签订)?(?:项目|协议|合同|备忘录)\D{0,6}?(\d+|[一二三四五六七八九十百]+)(多|余)?(?:个|项|份)|"
                          r"(\d+|[一二三四五六七八九十百]+)(多|余)?(?:个|项|份)[^,，。;；]{0,16}?(?:项目|协议|合同|备忘录)")


COUNTED_NOUN = re.compile(r"项目|协议|合同|备忘录")  # every MARKED_COUNT match names one of these


@dataclass
class Party:
    name: str
    country: str | None
    kind: str | None


def _deal_type(*texts: str) -> str:
    for text in texts:
        for kind, pattern in TYPE_WORDS:
            if pattern.search(text):
                return kind
    return "project_signing"


def _status(text: str) -> str:
    if INTENDED.search(text):
        return "intended"
    if PLANNED.search(text):
        return "planned"
    return "signed"


def _mentions_between(sent: Sentence, start: int, end: int) -> list[Party]:
    """Organizations and places in doc offsets [start, end), orgs first where they overlap."""
    return [p for _, _, p in _placed_mentions(sent, start, end)]


def _hosts_signing(sent: Sentence, org) -> bool:
    """Does the organization open the name of a signing it holds ('某某开发区…集中签约活动')?"""
    return org.kind in ("government", "organization") and any(
        a == org.start and "签约" in sent.doc.text[org.end:b] for a, b in sent.excluded)


def _placed_mentions(sent: Sentence, start: int, end: int) -> list[tuple[int, int, Party]]:
    """(start, end, party) of the mentions in [start, end); a country merged into the name after it starts it."""
    out: list[tuple[int, int, Party]] = []
    taken = list(sent.excluded)  # names inside event names (中国—非洲经贸博览会) are never parties
    for o in sent.orgs:
        # a delegation naming its own session ('某省交易团专场签约活动'), a zone or government its own signing
        # ('某某经济技术开发区二季度重大项目集中签约活动') is a party all the same
        if start <= o.start < end and (o.kind == "delegation" or not any(a <= o.start < b for a, b in sent.excluded)
                                       or _hosts_signing(sent, o)) \
                and not _is_source(sent, o.start):
            out.append((o.start, o.end, Party(o.name, o.country_code, o.kind)))
            taken.append((o.start, o.end))
    for p in sent.places:
        if start <= p.start < end and not any(a <= p.start < b for a, b in taken):
            if p.kind == "group" or LOCATION_MARK.search(sent.doc.text[max(0, p.start - 2):p.start]) \
                    or _is_source(sent, p.start) \
                    or dateline_at(sent.doc.text, p.end):
                continue  # '在济南签署', '新华社厦门9月8日电': where something happens or is reported from
            if p.end - p.start == 1 and sent.doc.text[p.end:p.end + 1] == "方":
                out.append((p.start, p.end + 1, Party(sent.doc.text[p.start:p.end + 1], p.country_code, "country")))
            else:
                out.append((p.start, p.end, Party(p.name, p.country_code, "region" if p.kind != "country" else "country")))
    ordered = sorted(out, key=lambda t: t[0])
    # '俄罗斯下诺夫哥罗德州', '法国米其林公司', '台湾「某某协会」': a country right before a name is that name's country
    merged: list[tuple[int, int, Party]] = []
    lead: int | None = None
    for i, (pos, stop, party) in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if (party.kind == "country" or (party.kind == "region" and nxt is not None
                                         and nxt[2].kind not in ("country", "region"))) and nxt is not None and (
                nxt[0] == stop or (nxt[0] == stop + 1 and sent.doc.text[stop] in "「“\"《")):
            if nxt[2].country is None:
                nxt[2].country = party.country
            lead = pos if lead is None else lead
            continue
        merged.append((pos if lead is None else lead, stop, party))
        lead = None
    return merged


SOURCE = re.compile(r"(?:从|据|来自)[^,，。;；]{0,20}?(?:获悉|了解到|得知|消息|介绍|统计|报道|透露)")


def _is_source(sent: Sentence, pos: int) -> bool:
    """Is the mention at pos the source of the news ('记者从商务部获悉', '据海关统计'), not a party?"""
    return any(a < pos - sent.start < b for a, b in _source_spans(sent.text))


@lru_cache(maxsize=4096)
def _source_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in SOURCE.finditer(text))


def _pair_in(sent: Sentence, clause: Clause) -> tuple[Party | None, list[Party]]:
    """'A与B、C签署…': (A, [B, C]); A may be missing (inherited from the sentence). Read once per clause."""
    key = ("pair", clause.start)
    if key not in sent.memo:
        sent.memo[key] = _read_pair(sent, clause)
    a, bs = sent.memo[key]
    return a, list(bs)


def _read_pair(sent: Sentence, clause: Clause) -> tuple[Party | None, list[Party]]:
    text = clause.text
    sign = SIGN.search(text) or PAIR_VERB.search(text)
    if not sign:
        return None, []
    limit = clause.start + sign.start()
    m = PAIR.search(text, 0, limit - clause.start)
    if not m:
        return None, []
    a_side = _mentions_between(sent, clause.start, clause.start + m.start())
    topic = re.search(r"就|在|围绕|关于|针对", text[m.end(): limit - clause.start])
    if topic:
        limit = clause.start + m.end() + topic.start()
    b_side = _mentions_between(sent, clause.start + m.end(), limit)
    segment = sent.doc.text[clause.start + m.end():limit]
    lead = find_places(segment)
    if len(b_side) == 1 and b_side[0].kind == "country" and lead and lead[0].start == 0 and lead[0].kind == "country" \
            and re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{1,14}", segment[lead[0].end:]):
        # '德国瓦克化学', '印尼中爪哇省': a company or a region the gazetteers do not know, written with its country
        rest = segment[lead[0].end:]
        b_side = [Party(rest, b_side[0].country, "region" if rest.endswith(("省", "州", "市", "区")) else "company")]
    if len(b_side) >= 2 and all(b.kind not in ("country", "region") for b in b_side[1:]) \
            and not re.search(r"[、和及与]", segment):
        # '与葡萄牙著名清洁用品制造商CLEAN & CLEAN.LDA': the country and the descriptors describe the company named last
        b_side = [Party(b_side[-1].name, b_side[-1].country or next((b.country for b in b_side if b.country), None),
                        b_side[-1].kind)]
    at = clause.start + m.start()
    inside_name = any(a <= at <= b or a == at + 1 for a, b in sent.excluded)
    if not b_side and not inside_name:  # '第四届中俄博览会和哈洽会共签署': 和 joins two names, not two parties
        raw = re.sub(r"^(?:参加论坛的|参会的|有关|相关)", "", text[m.end(): limit - clause.start])
        raw = re.split(r"就|在|于|达成|签|进行|开展|举行|共同", raw)[0]
        latin = LATIN_NAME.fullmatch(raw.strip())
        if (2 <= len(raw) <= 16 or latin) and not GENERIC_COUNTERPART.match(raw):
            # '与Al Noor Clean Energy Investment签署': a name in Latin script the suffix rules do not know
            b_side = [Party(raw.strip(), None, "company" if latin else "organization")]
    latin = LATIN_BEFORE_PAIR.search(sent.doc.text, clause.start, clause.start + m.start())
    if latin and (not a_side or a_side[-1].kind in ("region", "country")):
        # '印度车用零件大厂Sundaram Motorparts与…': a signer in Latin script after its country and descriptor
        a_side = [Party(latin.group("name"), next((p.country for p in a_side if p.kind == "country"), None),
                        "company")]
    if len(a_side) > 1 and all(p.kind in ("region", "country") for p in a_side):
        # '坦桑尼亚、尼日利亚、南非等非洲国家与…': the listed places together are one side
        a = Party("、".join(p.name for p in a_side), None, "region")
    else:
        a = a_side[-1] if a_side else None
    return a, b_side


def extract_deals(doc: Document, sents: list[Sentence], trade_money: set[tuple[int, int]],
                  main_event: str | None = None) -> list[Deal]:
    """`main_event`: the name of the event the article reports (its expo-wide totals are that event's)."""
    deals: list[Deal] = []
    earlier: list[Sentence] = []  # sentences read so far, for '该公司' (organizations found on demand)
    last_pair_by_block: dict[int, tuple[Party | None, list[Party]]] = {}
    for sent in sents:
        text = sent.text
        has_sign = bool(SIGN.search(text) or DEAL_WORD.search(text))
        money_all = [m for m in sent.money if (m.start, m.end) not in trade_money] if has_sign else []
        sentence_pair: tuple[Party | None, list[Party]] = (None, [])
        if MUTUAL.search(text) and sent.block_no in last_pair_by_block:
            sentence_pair = last_pair_by_block[sent.block_no]  # '双方'/'两地' are the pair just named
        elif MUTUAL.search(text):
            sentence_pair = _pair_of_gathering(sent, earlier)  # '双方36家企业' at the 中法企业家委员会
        used_clauses: set[int] = set()
        if has_sign:
            for ci, clause in enumerate(sent.clauses):
                a, bs = _pair_in(sent, clause)
                if a or bs:
                    if a is None:
                        a = sentence_pair[0] or _subject_before(sent, clause.start)
                    if bs:
                        sentence_pair = (a, bs)
                # '比上届减少53.2亿美元' is a change, not an amount
                money = [m for m in money_all if clause.start <= m.start < clause.end
                         and not CHANGE_BEFORE.search(doc.text[clause.start:m.start])]
                if not money:
                    continue
                prev = sent.clauses[ci - 1] if ci else None
                # '共签订投资项目1386个,总投资额4206亿元,其中利用外资1980亿元'; a breakdown of the sentence before
                tally = bool(TALLY.search(text)) or (text.startswith("其中") and bool(earlier) and
                                                     earlier[-1].block_no == sent.block_no and
                                                     TALLY.search(earlier[-1].text) is not None)
                # '外资项目投资额比例较重,为13.66亿美元': a clause that only states the figure continues the one before
                continues = prev is not None and CONTINUATION.fullmatch(doc.text[clause.start:money[0].start].strip())
                linked = SIGN.search(clause.text) or AMOUNT_LINK.search(clause.text) or \
                    any(p.search(clause.text) for k, p in TYPE_WORDS if k in ("other", "purchase", "sale", "investment")) or \
                    (prev is not None and SIGN.search(prev.text) and AGREEMENT.search(prev.text)) or \
                    (continues and (AMOUNT_LINK.search(prev.text) or SIGN.search(prev.text)
                                    or (DEAL_WORD.search(prev.text) and not STATISTIC.search(prev.text)))) or \
                    ((tally or EXPO_CONTEXT.search(text)) and TALLY_AMOUNT.search(clause.text)) or \
                    (tally and _subtotal(sent, ci))
                not_deal = NOT_DEAL.search(clause.text)
                if not_deal and tally and TALLY_EXCEPTIONS.fullmatch(not_deal.group(0)):
                    not_deal = None  # a tally's own subtotal ('其中利用外资1980亿元') is part of the signing
                if not_deal and not_deal.group(0) == "预计" and EXPECTED_VALUE.match(clause.text) and any(
                        SIGN.search(c.text) for c in sent.clauses[:ci]):
                    not_deal = None  # '…签订意向采购合同,…,预计成交额325万美元': the value of what was just signed
                if not linked or not_deal:
                    continue
                # '…与A、B签署采购协议,(年采购量6万吨,)签约总金额超2.6亿美元': the total is the agreement's amount
                back = _agreement_before(sent, ci, money_all) if AMOUNT_PHRASE.match(
                    doc.text, clause.start, money[0].start) else None
                if back is not None:
                    prev = sent.clauses[back]
                prev_agreement = back is not None
                context = clause.text if (SIGN.search(clause.text) and not prev_agreement) or not prev \
                    else prev.text + "," + clause.text
                linked_from = sent.clauses.index(prev) if prev is not None and context != clause.text else None
                used_clauses.update(set(range(linked_from, ci + 1)) if linked_from is not None else {ci})
                deals.extend(_money_deals(doc, sent, clause, context, money, sentence_pair, earlier,
                                          linked_from, main_event))
            # agreements without an amount; '甲公司与越南签订某某高速公路项目': a signed project between two named sides
            for ci, clause in enumerate(sent.clauses if SIGN.search(text) else ()):
                if ci in used_clauses or not SIGN.search(clause.text):
                    continue
                if not AGREEMENT.search(clause.text) and not (SIGNED_PROJECT.search(clause.text)
                                                              and all(_pair_in(sent, clause))):
                    continue
                if NOT_DEAL.search(clause.text) or any(clause.start <= m.start < clause.end for m in money_all):
                    continue
                nxt = sent.clauses[ci + 1] if ci + 1 < len(sent.clauses) else None
                if nxt is not None and any(nxt.start <= m.start < nxt.end for m in money_all) and not SIGN.search(nxt.text):
                    continue
                deals.extend(_agreement_deals(doc, sent, clause, sentence_pair))
            # '现场签约项目20个': a count of signed projects without an amount
            if not money_all and not any(d.evidence[0].start >= sent.start and d.evidence[0].end <= sent.end for d in deals):
                count = _count(text)
                if count and re.search(r"签约|签署|签订", text) and re.search(r"项目", text) and not NOT_DEAL.search(text):
                    # a count broken down ('其中…', '与东盟国家合作项目13个', '香港地区投资项目13个') or summed over
                    # the years ('累计签订合作项目1200多个') is not a signing of its own
                    breakdown = COUNT_BREAKDOWN.search(text) or any(
                        re.match(r"(?:地区|国家)?(?:合作|投资|贸易)?项目", doc.text[p.end:p.end + 8]) for p in sent.places)
                    orgs = [p for p in _mentions_between(sent, sent.start, sent.end) if p.kind not in ("region", "country")]
                    named = [p for p in _mentions_between(sent, sent.start, sent.end) if p.kind == "region"
                             and p.country == "CN"]  # '宜昌市现场签约项目20个': the city that signs
                    a = None if breakdown else (_promotion_host(sent) or (orgs[0] if orgs else None) or
                                                (sentence_pair[0] if MUTUAL.search(text) else None) or
                                                (named[0] if len(named) == 1 else None) or _home_party(doc, text))
                    if a:
                        deals.append(Deal("project_signing", "signed", a.name, doc.doc_id,
                                          [sent.evidence("deal.project_count")], party_a_country=a.country,
                                          party_a_kind=a.kind, deal_count=count[0], aggregate=True,
                                          article_no=sent.article_no))
        listed = _listed_projects(doc, sent, earlier) if SIGN.search(text) else []
        if listed:
            # the signers listed one by one: the sentence's count of projects is theirs, not another row
            deals = [d for d in deals if not (d.evidence[0].rule == "deal.project_count"
                                              and sent.start <= d.evidence[0].start < sent.end)]
            deals.extend(listed)
        if sentence_pair[0] and sentence_pair[1]:
            last_pair_by_block[sent.block_no] = sentence_pair
        earlier.append(sent)
    return _dedupe(_amounts_of_agreements(doc, deals))


# 'A、B、C等3个产业类项目…集中签约': the signers listed before a count that matches them
LISTED_PROJECTS = re.compile(r"(?P<list>(?:[^,，。;；、:：]{2,16}、){1,20}[^,，。;；、:：]{2,16})等"
                             r"(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})个[^,，。;；]{0,8}?项目")


def _listed_projects(doc: Document, sent: Sentence, earlier: list[Sentence]) -> list[Deal]:
    """One deal per project listed before '等N个项目' in a signing sentence, the count matching the list."""
    out = []
    for m in LISTED_PROJECTS.finditer(sent.text):
        items = [i.strip() for i in m.group("list").split("、")]
        try:
            n = int(parse_number(m.group("n")))
        except (ValueError, KeyError, IndexError):
            continue
        if n != len(items) or any(re.search(r"\d|领域|行业", i) for i in items):
            continue  # a list of figures or sectors, not of signers
        host = _host(earlier + [sent], sent.article_no) or _home_party(doc, sent.text)
        kind = "investment" if re.search(r"投资|产业|总部|工厂", m.group(0)) else "project_signing"
        start = sent.start + m.start()
        for item in items:
            if host is not None and item == host.name:
                continue
            out.append(Deal(kind, "signed", item, doc.doc_id, [sent.evidence("deal.listed_projects", start,
                                                                          sent.start + m.end())],
                            party_a_kind="company", party_b=host.name if host else None,
                            party_b_country=host.country if host else None, party_b_kind=host.kind if host else None,
                            article_no=sent.article_no))
    return out


def _pair_of_gathering(sent: Sentence, earlier: list[Sentence]) -> tuple[Party | None, list[Party]]:
    """The two sides a gathering of the paragraph is named after ('中法企业家委员会', '两岸企业家峰会'), for
    a 双方 with no pair named before it."""
    for s in [sent, *reversed([e for e in earlier if e.block_no == sent.block_no or e.article_no == sent.article_no])]:
        series_spans = [(s.start + m.start, s.start + m.end) for m in s.series]
        for a, b in s.excluded:
            name = s.doc.text[a:b]
            if any(sa <= a and b <= sb for sa, sb in series_spans) or find_series(name):
                continue  # a recurring expo (中俄博览会) is where sides meet, not the two sides
            if "两岸" in name:
                return Party("大陆", "CN", "region"), [Party("台湾", "TW", "region")]
            inside: list = []
            for p in s.places:
                if a <= p.start < b and p.code not in [q.code for q in inside]:
                    inside.append(p)
            if len(inside) == 2:
                first, second = inside
                return Party(first.name, first.country_code, "country"), [Party(second.name, second.country_code, "country")]
    return None, []


def _host(sents: list[Sentence], article_no: int) -> Party | None:
    """The organizer the article names most: a zone, a government, an organization (not a company)."""
    counts: dict[str, int] = {}
    kinds: dict[str, Party] = {}
    for s in sents:
        if s.article_no != article_no:
            continue
        for o in s.orgs:
            if o.kind in ("government", "organization"):
                counts[o.name] = counts.get(o.name, 0) + 1
                kinds.setdefault(o.name, Party(o.name, o.country_code, o.kind))
    if not counts:
        return None
    return kinds[max(counts, key=lambda n: (counts[n], len(n)))]


def _count(text: str) -> tuple[int, str] | None:
    if not COUNTED_NOUN.search(text):
        return None  # (MARKED_COUNT backtracks over every number of the text before failing)
    m = MARKED_COUNT.search(text)
    if not m:
        return None
    return parse_count(m.group(0)[m.group(0).find(m.group(1) or m.group(3)):])


def _event_text(sent: Sentence) -> str:
    """The longest event or series name the sentence holds."""
    a, b = max(sent.excluded, key=lambda span: span[1] - span[0])
    return sent.doc.text[a:b]


def _promotion_host(sent: Sentence) -> Party | None:
    """Projects signed at an investment-promotion session ('赣州招商引资专场推介会') are its host place's."""
    for a, b in sent.excluded:
        name = sent.doc.text[a:b]
        if PROMOTION.search(name):
            hosts = [p for p in sent.places if a <= p.start < b and p.kind in ("city", "region") and p.end - p.start > 1]
            if hosts:
                return Party(hosts[-1].name, hosts[-1].country_code, "region")
    return None


def _first_party(sent: Sentence, start: int, end: int) -> Party | None:
    found = _mentions_between(sent, start, end)
    return found[0] if found else None


def _home_party(doc: Document, text: str = "") -> Party | None:
    """我市/本市/全市: the home city; otherwise the home province."""
    for code in ([doc.home_city] if HOME_CITY.search(text) else []) + [doc.home_region]:
        ref = place_by_code().get(code) if code else None
        if ref:
            return Party(ref.name, "CN", "region")
    return None


def _named_before(earlier: list[Sentence], sent: Sentence, word: str) -> Party | None:
    """'该省'/'该市': the province or city the text named last before this sentence (not in a dateline)."""
    want = "region" if word.endswith(("省", "区")) else "city"
    for prev in reversed([*earlier, sent]):
        limit = sent.start + sent.text.find(word) if prev is sent else prev.end
        for p in reversed([p for p in prev.places if p.start < limit]):
            if p.country_code == "CN" and p.kind == want and not dateline_at(prev.doc.text, p.end):
                return Party(p.name, "CN", "region")
    return None


def _subject(context: str) -> str | None:
    titled = re.search(r"《(?P<title>[^》]{2,60})》", context)
    if titled and SIGN.search(context[: titled.start()]):
        return titled.group("title")  # '签署《…合作协议》': the agreement's own title
    m = SUBJECT.search(context)
    if not m:
        return None
    what = re.sub(r"^(?:了|一份|一项|合作|采购|进口|购买|\d+[多余]?[个项份批]|(?:价值|总额|金额)[^的]{1,16}的)+", "",
                  m.group("what"))
    if "《" in what or "》" in what:
        return None
    what = re.sub(r"^(?:采购|进口|购买)", "", what)
    return what or None


def _last_org_in_block(earlier: list[Sentence], block_no: int) -> Party | None:
    """The organization the paragraph named last before this sentence."""
    for prev in reversed(earlier):
        if prev.block_no != block_no:
            return None
        orgs = [o for o in prev.orgs if o.kind in ("company", "university", "organization", "delegation")]
        if orgs:
            return Party(orgs[-1].name, orgs[-1].country_code, orgs[-1].kind)
    return None


def _money_deals(doc, sent, clause, context, money: list[Money], sentence_pair, earlier, linked_from: int | None,
                 main_event: str | None = None):
    """The deals of the amounts of one clause; linked_from: the clause (index) the amount continues, if any."""
    text = sent.text
    a, bs = sentence_pair
    clause_a, clause_bs = _pair_in(sent, clause)
    if clause_a or clause_bs:
        # a clause with a signer of its own does not take another signer's counterparts
        a, bs = clause_a or a, clause_bs or (bs if clause_a is None or a is None or clause_a.name == a.name else [])
    elif own := _item_actor(sent, money[0].start):
        same = a is not None and _same_side(own[0].name, a.name)
        a, bs = own[0], own[1] or (bs if same else [])
    scope_start = sent.clauses[linked_from].start if linked_from is not None else clause.start
    count = _count(context) or (_count(sent.clauses[sent.clauses.index(clause) - 1].text)
                                if sent.clauses.index(clause) else None)
    ci = sent.clauses.index(clause)
    # a subtotal ('其中…'), a part of an aggregate clause before it, or an expo's own trade total
    aggregate = bool(AGGREGATE.search(context)) or bool(count and count[0] > 1) or _subtotal(sent, ci) or \
        any(AGGREGATE.search(c.text) for c in sent.clauses[:ci]) or \
        bool(EXPO_SUBJECT.search(text[: money[0].start - sent.start]))
    if a is None and THAT_COMPANY.search(text[: money[0].start - sent.start]):
        a = _last_org_in_block(earlier, sent.block_no)  # '该企业累计采购签约金额170多亿元': the company just named
    if a is None and len(money) == 1 and (after := _party_after_amount(sent, money[0])):
        a = after  # '总投资9300万美元的某某电子科技有限公司', '增资5000万美元的某某纸业有限公司'
    if a is None and (m := THAT_PLACE.search(text[: money[0].start - sent.start])):
        a = _named_before(earlier, sent, m.group(0))
    if a is None and (m := MARKET_DEAL.search(clause.text)):
        group = "market" if m.group("market") else "buyers"
        places = [p for p in sent.places if clause.start + m.start(group) <= p.start < clause.start + m.end(group)]
        if len({p.code for p in places}) == 1:
            places = places[-1:]  # '《区域全面经济伙伴关系协定》(RCEP)成员国': one bloc named twice
        if len(places) == 1 and group == "market":
            # a bloc as the text names it ('共建“一带一路”国家', 'RCEP成员国'), a country by its name
            name = sent.doc.text[places[0].start:places[0].end] if places[0].kind == "group" else places[0].name
            a = Party(name, places[0].country_code, "country" if places[0].kind == "country" else "region")
        elif len(places) == 1:
            a = Party(m.group("buyers"), places[0].country_code, "organization")  # the buyers as the text names them
    if a is None:
        # '…;宜昌市签约项目9个,合同外资1.28亿美元;…': items after a semicolon name their own subject
        item = max(text.rfind(";", 0, money[0].start - sent.start), text.rfind("；", 0, money[0].start - sent.start))
        before = (_mentions_between(sent, sent.start + item + 1, money[0].start) if item >= 0 else []) or \
            _mentions_between(sent, sent.start, money[0].start)
        orgs = [p for p in before if p.kind not in ("region", "country")]
        if orgs:
            a = orgs[-1]
        elif MUTUAL.search(text) and sentence_pair[0]:
            a = sentence_pair[0]
        elif not aggregate and not before and (named := _last_org_in_block(earlier, sent.block_no)):
            a = named  # '该公司' / quoted speech: the company just named
        elif before:
            a = before[0]
    if a is None and re.search(r"我省|本省|全省|我区|全区|我市|本市|全市", text):
        a = _home_party(doc, text)
    if a is None and THIS_EDITION.search(text) and sent.excluded:
        # '本届进博会意向成交金额达784.1亿美元': the whole event's total, no single party
        a, aggregate = Party(_event_text(sent), None, "organization"), True
    if a is None and aggregate and EXPO_CONTEXT.search(text) and sent.excluded:
        a = Party(_event_text(sent), None, "organization")  # an expo's own total
    if a is None and main_event and EXPO_PERIOD.search(text):
        a, aggregate = Party(main_event, None, "organization"), True  # '展会期间,外贸成交额达到21.3亿美元'
    if a is None and aggregate and EXPO_CONTEXT.search(text) and main_event:
        a = Party(main_event, None, "organization")  # '四届博览会…贸易成交达49.2亿美元' in an article about it
    if a is None and aggregate and (m := EXPO_MENTION.search(text)):
        a = Party(m.group(0), None, "organization")  # '本届洽谈会共签订…': the gathering as the text names it
    if a is None:
        a = _home_party(doc, text) if aggregate else None
    if a is None:
        return []
    # '在花莲采购' / '在江西投资': the place after 在 is the counterparty; '向遵义市提供贷款': so is the recipient
    if not bs:
        m = COUNTERPART_PLACE.search(clause.text)
        if m:
            group = "where" if m.group("where") else "to"
            span = (clause.start + m.start(group), clause.start + m.end(group))
            named = [p for p in _mentions_between(sent, *span) if p.name != a.name] if m.group(0)[0] in "向为" else []
            places = [p for p in sent.places if span[0] <= p.start < span[1]]
            if named:
                bs = [named[0]]
            elif places:
                bs = [Party(places[0].name, places[0].country_code, "region")]
    out = []
    pairs: list[tuple[Party | None, Money, str]]
    pairs_listed = _listed_pairs(sent, scope_start, money[0].start) if len(money) > 1 and "分别" in text else []
    if len(pairs_listed) == len(money):
        # 'A与B、C与D分别签订了5000万美元、702万美元的采购协议': one pair per amount
        return [Deal(_deal_type(context, text), _status(context), pa.name, doc.doc_id,
                     [sent.evidence("deal.respectively", clause.start, clause.end)], party_a_country=pa.country,
                     party_a_kind=pa.kind, party_b=pb.name, party_b_country=pb.country, party_b_kind=pb.kind,
                     amount=m.amount, currency=m.currency, amount_qualifier=m.qualifier, article_no=sent.article_no)
                for (pa, pb), m in zip(pairs_listed, money)]
    listed = _listed_parties(sent, scope_start, money[0].start) if len(money) > 1 and "分别" in text else []
    if len(listed) == len(money):
        # '湖南、安徽、江西代表团签约额分别为483.7亿元、455.2亿元和397.6亿元': one signer per amount
        out = []
        for party, m in zip(listed, money):
            out.append(Deal(_deal_type(context, text), _status(context), party.name, doc.doc_id,
                            [sent.evidence("deal.respectively", clause.start, clause.end)], party_a_country=party.country,
                            party_a_kind=party.kind, amount=m.amount, currency=m.currency,
                            amount_qualifier=m.qualifier, aggregate=True, article_no=sent.article_no))
        return out
    if len(money) > 1 and len(bs) == len(money) and "分别" in text:
        segments = _segments(clause, money)
        pairs = [(b, m, seg) for b, m, seg in zip(bs, money, segments)]
    elif len(money) == 1 and len(bs) > 1 and EACH.search(sent.doc.text, clause.start, money[0].start):
        # '分别与A、B、C签署…,各提供授信50亿元': the amount is each counterpart's
        pairs = [(b, money[0], seg) for b, seg in zip(bs, _segments(clause, money) * len(bs))]
    else:
        segments = _segments(clause, money)
        pairs = [(bs[0] if bs and len(bs) == 1 else None, m, seg) for m, seg in zip(money, segments)]
    for b, m, seg in pairs:
        kind = _deal_type(seg, context, text)
        built = INVESTMENT_OBJECT.match(sent.doc.text[m.end:clause.end]) if kind == "investment" else None
        if kind == "cooperation" and re.search(r"签约", seg + context) and not re.search(r"合作", seg):
            kind = "project_signing"
        year_m = YEAR_IN.search(context)
        out.append(Deal(
            deal_type=kind, status=_status(context), party_a=a.name, doc_id=doc.doc_id,
            evidence=[sent.evidence("deal.amount", min(scope_start, m.start), max(m.end, clause.end))],
            party_a_country=a.country, party_a_kind=a.kind,
            party_b=(b.name if b else ("、".join(p.name for p in bs) if len(bs) > 1 and len(money) == 1 else None)),
            party_b_country=b.country if b else None, party_b_kind=b.kind if b else None,
            subject=(built.group("what") if built else None) or _subject(seg) or _subject(context), amount=m.amount, currency=m.currency,
            amount_qualifier=m.qualifier, deal_count=count[0] if count else None,
            aggregate=aggregate or bool(count and count[0] > 1),
            year=int(year_m.group(1)) if year_m else None, article_no=sent.article_no))
    return out


EACH = re.compile(r"(?<![\u4e00-\u9fff])各(?:自)?(?:提供|获得|投资|签约|出资|授信|采购|给予|为|达)|均为|每家")
ITEM_LEAD = re.compile(r"(?:其中|此外|另外|同时|同日|当天|随后|还有|而|并)?[,，:：]?")
_THEN = r"(?:则|也|还|已|已经|成功|将|计划|拟|准备|分别)*"
BUY_FROM = re.compile(rf"{_THEN}向(?P<b>[^,，。;；]{{2,40}}?)(?:{alternation('deal_buy_from_verb')})")
WIN_ORDER = re.compile(rf"{_THEN}(?:{alternation('deal_win_verb')})了?(?P<b>[^,，。;；]{{2,40}}?)(?:批出|授予|的)?"
                       rf"[^,，。;；]{{0,24}}?(?:{alternation('deal_order_noun')})")
PROVIDE_TO = re.compile(rf"{_THEN}[^;；。]{{0,16}}?[向为](?P<b>[^,，。;；]{{2,40}}?)提供")
INVEST_IN = re.compile(rf"{_THEN}(?:在|于)(?P<b>[^,，。;；]{{2,12}}?)(?:{alternation('deal_capital_verb')}|新建|建设)")
OWN_CAPITAL = re.compile(rf"{_THEN}(?:{alternation('deal_capital_verb')})")
ATTRACT = re.compile(rf"{_THEN}(?:签约)?(?:{alternation('deal_attract_verb')})了?")
ATTRACTED_BY = re.compile(rf"(?P<host>[\u4e00-\u9fff]{{2,10}}?(?:新区|开发区|经开区|高新区|园区|省|市|区|县|镇))"
                          rf"(?:成功|签约)?(?:{alternation('deal_attract_verb')})了?")
LOCATED = re.compile(r"落户(?:于|在|到)?")
# a name in Latin script of two to nine words ('Sundaram Motorparts', 'Kiwi Dairy Co-op')
LATIN_WORDS = r"[A-Z][A-Za-z0-9&'’.\-]*(?: [A-Za-z0-9&'’.\-]+){1,8}"
LATIN_BEFORE_PAIR = re.compile(rf"(?<![A-Za-z0-9&'’.\- ])(?P<name>{LATIN_WORDS})$")
LATIN_OPENING = re.compile(rf"(?P<lead>[\u4e00-\u9fff]{{0,10}}?)(?P<name>{LATIN_WORDS}"
                           r"(?:[\u4e00-\u9fff]{0,4}?(?:公司|集团|银行|株式会社))?)")


def _opening_mention(sent: Sentence, start: int, end: int) -> tuple[int, int, Party] | None:
    """The party that opens an item: the first mention at its start, or a name in Latin script after a short
    descriptor ('孟买医材通路商MedAxis Healthcare')."""
    text = sent.doc.text
    placed = _placed_mentions(sent, start, end)
    latin = LATIN_OPENING.match(text, start, end)
    if latin and not any(a <= latin.start("name") < b for a, b, _ in placed):
        country = next((p.country for a, _, p in placed if a < latin.start("name") and p.kind == "country"), None)
        return latin.start("name"), latin.end("name"), Party(latin.group("name"), country, "company")
    if placed and placed[0][0] - start <= 10 and not re.search(r"[,，、与和同在对]", text[start:placed[0][0]]):
        return placed[0]
    return None


def _item_actor(sent: Sentence, money_start: int) -> tuple[Party, list[Party]] | None:
    """'C向D采购…,金额N', 'C获得D…订单', 'C将在D投资N', 'D引进C“…”项目', 'C增资N': an item (a sentence, or
    the part after a semicolon) that opens with its own actor is that actor's deal, not the pair named before."""
    text = sent.doc.text
    rel = money_start - sent.start
    start = sent.start + max(sent.text.rfind(";", 0, rel), sent.text.rfind("；", 0, rel)) + 1
    start = ITEM_LEAD.match(text, start, money_start).end()
    opening = _opening_mention(sent, start, money_start)
    if opening is None:
        return None
    begin, end, party = opening
    if aside := re.match(r"[(（][^()（）]{1,60}[)）]", text[end:money_start]):
        end += aside.end()  # '某某数据公司(Some Data Pte. Ltd.)投资建设': the name in another script
    host = ATTRACTED_BY.fullmatch(text, start, begin)
    if host and party.kind not in ("region", "country"):
        # '某某区引进某某科技有限公司“…”项目' with a district the gazetteer does not know
        return party, [Party(host.group("host"), "CN", "region")]
    if party.kind in ("region", "government", "organization") and (m := ATTRACT.match(text, end, money_start)):
        brought = _opening_mention(sent, m.end(), money_start)  # 'D引进C“…”项目': C invests in D
        if brought and brought[2].kind not in ("region", "country"):
            return brought[2], [party]
        return None
    if party.kind in ("region", "country"):
        return None  # a place opening an item reports or hosts; its pairs are read elsewhere
    for pattern in (BUY_FROM, WIN_ORDER, INVEST_IN, PROVIDE_TO):
        m = pattern.match(text, end, money_start)
        if m:
            named = _placed_mentions(sent, m.start("b"), m.end("b"))
            latin = LATIN_OPENING.fullmatch(m.group("b"))
            if named:
                return party, [named[0][2]]
            if latin:
                return party, [Party(latin.group("name"), None, "company")]
            return party, []
    if OWN_CAPITAL.match(text, end, money_start):
        # '由某某集团投资建设的…项目落户某某新区': where the project settles is the other side
        settled = LOCATED.search(text, end, money_start)
        seat = _opening_mention(sent, settled.end(), money_start) if settled else None
        return party, [seat[2]] if seat else []
    return None


# '其中对俄罗斯成交14.6亿美元', '中东客商成交1.86亿美元': an expo's sales to one market
MARKET_DEAL = re.compile(r"[对与](?P<market>[\u4e00-\u9fffA-Z“”\"《》()（）]{1,24}?)(?:市场)?(?:的)?(?:出口)?(?:意向)?"
                         r"(?:成交|(?:经贸|贸易|出口)?(?:合同|签约)(?:金额|额))|"
                         r"(?:^(?:其中)?|、|及)(?P<buyers>[\u4e00-\u9fff]{1,8}?(?:客商|采购商|买家))(?:的)?(?:意向)?成交")
EXPECTED_VALUE = re.compile(r"预计(?:成交|采购|合同|签约|交易)?(?:总)?(?:额|金额)")
LATIN_NAME = re.compile(LATIN_WORDS)
COUNTERPART_PLACE = re.compile(r"在(?P<where>[\u4e00-\u9fff]{2,10}?)(?:采购|投资|购买)|[向为](?P<to>[^,，。]{2,20}?)提供")
# '根据协议,…提供50亿元贷款': the amount of the agreement just reported
AGREEMENT_REF = re.compile(r"(?:根据|按照|依据)(?:该|上述|此)?(?:项)?(?:协议|合同|备忘录)|协议(?:约定|规定)")


def _amounts_of_agreements(doc: Document, deals: list[Deal]) -> list[Deal]:
    """An amount stated as the content of the agreement just reported is that agreement's amount, one row."""
    out: list[Deal] = []
    for d in deals:
        ev = d.evidence[0]
        agreement = next((o for o in reversed(out) if o.amount is None and o.article_no == d.article_no
                          and o.evidence[0].end <= ev.start), None) if d.amount is not None else None
        if agreement is not None and AGREEMENT_REF.match(doc.text, ev.start, ev.start + 12):
            agreement.amount, agreement.currency, agreement.amount_qualifier = d.amount, d.currency, d.amount_qualifier
            if d.deal_type not in ("project_signing", "cooperation"):
                agreement.deal_type = d.deal_type  # a loan, a purchase: what the agreement is
            agreement.evidence[:0] = d.evidence  # the quote that states the amount comes first
            continue
        out.append(d)
    return out


# a clause that only states an amount: '签约总金额超2.6亿美元', '首年合同金额约3.9亿美元', '金额达…'
AMOUNT_PHRASE = re.compile(r"(?:其中)?[\u4e00-\u9fff]{0,4}?(?:签约|合同|协议|成交|采购)?(?:总)?(?:金额|总额|额|货值|价值)"
                           r"(?:为|达|达到|约|超|超过|逾|近|共|合计|计)*$")


def _agreement_before(sent: Sentence, ci: int, money: list[Money]) -> int | None:
    """The agreement clause an amount clause continues: one of the two clauses before it that signs an
    agreement and states no amount of its own."""
    for back in (ci - 1, ci - 2):
        if back < 0:
            return None
        c = sent.clauses[back]
        if any(c.start <= m.start < c.end for m in money) or sent.doc.text[c.end:c.end + 1] in (";", "；"):
            return None  # an amount of its own, or an agreement of an earlier item
        if SIGN.search(c.text) and AGREEMENT.search(c.text):
            return back
    return None


def _subtotal(sent: Sentence, ci: int) -> bool:
    """Is clause ci part of a breakdown ('其中,出口订单额…,进口订单额…')?"""
    return any(c.text.startswith("其中") for c in sent.clauses[:ci + 1])


AFTER_AMOUNT = re.compile(r"的(?P<latin>[A-Z][A-Za-z0-9&\-]{1,15})?")


def _party_after_amount(sent: Sentence, m: Money) -> Party | None:
    """The company an amount is said of when it comes after it: '总投资X的ORG', '总投资为X的SKI动力电池项目'."""
    text = sent.doc.text
    before = text[max(sent.start, m.start - 6):m.start]
    if not re.search(r"(?:总投资|投资总额|投资额|增资|投资)(?:为|约|达)?$", before):
        return None
    tail = AFTER_AMOUNT.match(text, m.end)
    if not tail:
        return None
    org = next((o for o in sent.orgs if o.start == tail.start() + 1), None)
    if org is not None:
        return Party(org.name, org.country_code, org.kind)
    if tail.group("latin"):
        return Party(tail.group("latin"), None, "company")
    return None


def _listed_pairs(sent: Sentence, start: int, end: int) -> list[tuple[Party, Party]]:
    """'A与B、C与D分别…': the pairs listed between start and end (each item one side 与 the other)."""
    text = sent.doc.text
    stop = text.find("分别", start, end)
    if stop < 0:
        return []
    out, pos = [], start
    for item in text[start:stop].split("、"):
        joint = PAIR.search(item)
        if joint:
            a_side = _mentions_between(sent, pos, pos + joint.start())
            b_side = _mentions_between(sent, pos + joint.end(), pos + len(item))
            if a_side and b_side:  # '中国某某集团某某有限公司': the unit named last signs
                out.append((a_side[-1], b_side[-1]))
            else:
                return []
        else:
            return []
        pos += len(item) + 1
    return out if len(out) > 1 else []


def _listed_parties(sent: Sentence, start: int, end: int) -> list[Party]:
    """Places and organizations listed between start and end, joined by 、/和/及 ('湖南、安徽、山西代表团')."""
    orgs = [o for o in sent.orgs if start <= o.start < end]
    # a place inside an organization's name, or a country written right before one ('法国路易达孚公司'), is the
    # organization's
    spans = sorted([(o.start, o.end, Party(o.name, o.country_code, o.kind)) for o in orgs]
                   + [(p.start, p.end, Party(p.name, p.country_code, "region")) for p in sent.places
                      if start <= p.start < end and not any(o.start <= p.start < o.end or o.start == p.end
                                                                for o in orgs)])
    out: list[tuple[int, int, Party]] = []
    for item in spans:
        if out and sent.doc.text[out[-1][1]:item[0]] in ("、", "和", "及", "以及"):
            out.append(item)
        elif len(out) < 2:
            out = [item]
    if len(out) < 2:
        return []
    first = next((p.start for p in sent.places if p.end == out[0][0] and p.kind == "country"), out[0][0])
    if re.search(r"(?:与|同|和|跟)(?:[\u4e00-\u9fff]{1,4}国)?$", sent.doc.text[max(0, first - 6):first]):
        return []  # '与(澳大利亚)A、B分别签署…': a list of counterparts, not of signers
    return [p for _, _, p in out]


def _segments(clause: Clause, money: list[Money]) -> list[str]:
    """The clause text leading up to each amount: '采购铜精矿协议5000万美元' / '贷款授信服务协议2亿元'."""
    out, pos = [], clause.start
    for m in money:
        out.append(clause.text[pos - clause.start: m.end - clause.start])
        pos = m.end
    return out


def _subject_before(sent: Sentence, pos: int) -> Party | None:
    """The organization (else place) the sentence names before pos: the subject of '…,与B签署'."""
    prior = _mentions_between(sent, sent.start, pos)
    orgs = [p for p in prior if p.kind not in ("region", "country")]
    return orgs[-1] if orgs else (prior[0] if prior else None)


def _agreement_deals(doc, sent, clause, sentence_pair) -> list[Deal]:
    a, bs = _pair_in(sent, clause)
    if a is None and bs:
        a = sentence_pair[0] or _subject_before(sent, clause.start)
    if a is None:
        if MUTUAL.search(clause.text) and sentence_pair[0]:
            a, bs = sentence_pair[0], bs or sentence_pair[1]
        else:
            a = sentence_pair[0]
    if a is None:
        sign = SIGN.search(clause.text)
        before = _mentions_between(sent, clause.start, clause.start + sign.start())
        if len(before) > 1 and all(p.kind == "region" for p in before):
            a = Party("、".join(p.name for p in before), "CN" if all(p.country == "CN" for p in before) else None, "region")
        elif before:
            a = [p for p in before if p.kind not in ("region", "country")][-1:][0] if any(
                p.kind not in ("region", "country") for p in before) else before[0]
    if a is None:
        prior = _mentions_between(sent, sent.start, clause.start)
        orgs = [p for p in prior if p.kind not in ("region", "country")]
        a = orgs[-1] if orgs else (prior[0] if prior else None)
    if a is None:
        return []
    subject = _subject(clause.text)
    count = _count(clause.text)
    kind = _deal_type(clause.text)
    projects = SIGNED_PROJECT.search(clause.text) if not AGREEMENT.search(clause.text) else None
    if projects:
        kind = "project_signing"
    elif kind in ("project_signing",) and not count:
        kind = "cooperation"
    # '分别与越南签订某某高速公路、某某工业区项目': one deal per project listed
    subjects = [subject]
    if projects and "分别" in clause.text:
        listed = re.sub(r"^(?:签订|签署|签定)了?", "", projects.group(0))[:-2].split("、")
        subjects = [item + "项目" for item in listed if len(item) >= 2] or subjects
    elif projects:
        subjects = [re.sub(r"^(?:签订|签署|签定)了?", "", projects.group(0))]
    out = []
    for b in (bs or [None]):
        if b is not None and b.name == a.name:
            continue
        for what in subjects:
            out.append(Deal(kind, _status(clause.text), a.name, doc.doc_id,
                            [sent.evidence("deal.agreement", clause.start, clause.end)], party_a_country=a.country,
                            party_a_kind=a.kind, party_b=b.name if b else None,
                            party_b_country=b.country if b else None, party_b_kind=b.kind if b else None,
                            subject=what, deal_count=count[0] if count else None,
                            aggregate=bool(count and count[0] > 1), article_no=sent.article_no))
    return out


def _rounds(d: Deal, exact: Deal) -> bool:
    """Is d a rounded restatement of exact ('近34亿美元' of '33.9亿美元')?"""
    return (d.amount_qualifier not in (None, "exact") and exact.amount is not None and d.currency == exact.currency
            and abs(d.amount - exact.amount) <= 0.05 * max(d.amount, exact.amount)
            and (d.deal_count is None or exact.deal_count is None or d.deal_count == exact.deal_count))



# what a fuller name adds to a short one of the same signer: its seat or branch ('遵义' -> '遵义市人民政府')
BRANCH_OR_SEAT = re.compile(r"(?:[\u4e00-\u9fff]{0,6}?(?:分行|支行|分公司)|[省市县区]?(?:人民政府|政府)|[省市县区])")


def _same_side(a: str | None, b: str | None) -> bool:
    """The same signer named twice, once in short ('国家开发银行与遵义市签署…', '国家开发银行贵州省分行与遵义市
    人民政府签署…'): one name is the other's start."""
    if a is None or b is None:
        return a is b
    known = companies()
    a, b = (known[n].name if n in known else n for n in (a, b))  # '国开行' is 国家开发银行
    short, long = sorted((a, b), key=len)
    return long == short or (long.startswith(short) and len(short) >= 2 and BRANCH_OR_SEAT.fullmatch(long[len(short):])
                             is not None)


def _dedupe(deals: list[Deal]) -> list[Deal]:
    """One row per deal in a document: an amount restated (title, summary, total line) is one deal."""
    out: list[Deal] = []
    # a rounded restatement ('逾17亿美元' in the headline, '17.191亿美元' in the body) comes after the exact figure
    # (and a deal with its amount before a restatement without it)
    order = {id(d): i for i, d in enumerate(deals)}
    deals = sorted(deals, key=lambda d: (d.amount_qualifier not in (None, "exact"), d.amount is None))
    for d in deals:
        if d.party_b is not None and d.party_b == d.party_a:
            d.party_b = d.party_b_country = d.party_b_kind = None  # a side never signs with itself
        if d.amount is not None:
            twin = next((o for o in out if o.amount == d.amount and o.currency == d.currency
                         and (o.party_b is None or d.party_b is None or (o.party_a, o.party_b) == (d.party_a, d.party_b)
                              # a headline's total and the body's, with the sides named two ways
                              or (o.deal_count is not None and o.deal_count == d.deal_count
                                  and o.article_no == d.article_no))),
                        None) or next((o for o in out if _rounds(d, o)), None)
        else:
            twin = next((o for o in out if o.amount is None and _same_side(o.party_a, d.party_a)
                         and _same_side(o.party_b, d.party_b)
                         and (o.deal_type == d.deal_type or o.party_b is not None) and o.deal_count == d.deal_count
                         and (o.subject is None or d.subject is None or o.subject in d.subject
                              or d.subject in o.subject)), None) or next(
                (o for o in out if o.amount is not None and o.party_b and _same_side(o.party_a, d.party_a)
                 and _same_side(o.party_b, d.party_b) and o.article_no == d.article_no
                 and d.evidence[0].rule == "deal.agreement" and (
                     o.evidence[-1].rule == "deal.agreement"
                     # '签署合资协议,双方将…,注册资本1.5亿美元': the amount of the agreement just signed
                     or (abs(o.evidence[0].start - d.evidence[0].end) < 40 and not SIGN.search(o.evidence[0].quote)))),
                None)
            if twin is not None and twin.deal_type in ("project_signing", "cooperation") and \
                    d.deal_type not in ("project_signing", "cooperation"):
                twin.deal_type = d.deal_type  # '签署合资协议,…注册资本1.5亿美元': what the agreement is
        if twin is None and d.amount is None and d.party_b is None:
            # '国开行签署两项…合作协议' before or after the agreements one by one: a summary of them
            twin = next((o for o in out if o.party_b is not None and _same_side(o.party_a, d.party_a)
                         and o.article_no == d.article_no), None)
        if twin is None and d.deal_count:
            # a headline's '14个项目签约' and the lead's '签约14个项目,总金额X' are one deal
            twin = next((o for o in out if o.deal_count == d.deal_count and (o.amount is None or d.amount is None)
                         and o.article_no == d.article_no), None)
            if twin is not None and twin.amount is None and d.amount is not None:
                # the count restated with its amount: the row that states the amount names it
                for attr in ("amount", "currency", "amount_qualifier", "party_a", "party_a_country", "party_a_kind",
                             "party_b", "party_b_country", "subject", "deal_type"):
                    setattr(twin, attr, getattr(d, attr))
                twin.evidence[:0], d.evidence = d.evidence, []  # the quote that states the amount comes first
        if twin is None:
            out.append(d)
            continue
        twin.evidence.extend(d.evidence)
        if len(d.party_a) > len(twin.party_a) and is_subsequence(twin.party_a, d.party_a):
            twin.party_a = d.party_a  # '江苏省代表团' is the fuller form of '江苏代表团'
        if d.party_b and twin.party_b and len(d.party_b) > len(twin.party_b) and is_subsequence(twin.party_b, d.party_b):
            twin.party_b = d.party_b
        for attr in ("party_b", "party_b_country", "subject", "deal_count", "year", "event_name"):
            if getattr(twin, attr) is None and getattr(d, attr) is not None:
                setattr(twin, attr, getattr(d, attr))
    return sorted(out, key=lambda d: order[id(d)])  # in the order the text reports them
