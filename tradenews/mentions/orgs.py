"""Organization mentions: names that end in an organization suffix, plus known companies."""
from __future__ import annotations

import re
from functools import lru_cache

from tradenews.mentions.gazetteer import Gazetteer
from tradenews.mentions.places import find_places
from tradenews.model import Org, Place
from tradenews.reference import companies
from tradenews.reference.lexicon import alternation, mapping

# Suffix -> kind (lexicon `org_suffix`); longest first so 人民政府 wins over 政府.
SUFFIXES = mapping("org_suffix")
SUFFIX_RE = "|".join(sorted(SUFFIXES, key=len, reverse=True))
SUFFIX_LENGTHS = sorted({len(s) for s in SUFFIXES}, reverse=True)  # the longest suffix a name ends in decides
NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9()·&\-]"
# Scanning leftwards from the suffix, a name stops at punctuation or at one of these words.
# (single characters that also start common words inside names, such as 经济/共同/成都, are not here)
STOP_WORDS = ("与", "和", "及", "同", "在", "向", "对", "的", "了", "是", "从", "把", "被", "等",
              "并", "让", "给", "说", "称", "据", "率", "将与", "为", "由于", "以及", "已经", "还有", "也是",
              "分别", "表示", "介绍", "其中", "包括", "通过", "参加", "组织", "成立", "举办", "举行", "签署", "签订",
              "达成", "推动", "吸引", "来自", "设立", "作为", "之一", "旗下", "这家", "该", "各", "多家", "有关", "相关",
              "省内", "国内", "当地", "引进", "引入", "招引", "落户", "获得", "拿下", "赢得", "携手", "进博会", "博览会", "交易会", "期间", "本届", "上届", "论坛上", "会上")
SUFFIX_FIND = re.compile(SUFFIX_RE)
BRANCH_SUFFIXES = frozenset(("分行", "支行"))
MINISTRY_WITH_AND = re.compile(r"和[\u4e00-\u9fff]{1,4}(?:部|厅|局|委员会|委)$")
# '美敦力(上海)管理有限公司': a known company's own legal name after its short name
COMPANY_TAIL = re.compile(r"(?:\([^)]{1,6}\))?[\u4e00-\u9fff]{0,4}?(?:股份有限公司|有限责任公司|有限公司|集团公司|公司|集团)"
                          r"|[\u4e00-\u9fff]{1,6}?(?:分行|支行|分公司|子公司|办事处|代表处)"  # '国家开发银行贵州省分行'
                          r"|\([^)]{1,6}\)")
NAME_CHAR_RE = re.compile(NAME_CHAR)
MAX_NAME = 28
# a headcount ('400余人代表团') belongs to the description, not to the name
# 对 stops a name, but not in 对外 ('中国水利电力对外公司'); 据 not in 数据 ('某某数据公司')
STOP_RE = re.compile("|".join(sorted(STOP_WORDS, key=len, reverse=True)).replace("|对|", "|对(?!外)|").replace("|据|", "|(?<![数证])据|")
                     + r"|\d+[余多]?人")
ORG_RE = re.compile(rf"{NAME_CHAR}{{1,24}}?(?:{SUFFIX_RE})")
PART_OF_WORD = re.compile(r"[门长]")
# '外资企业', '世界知名公司', '参会企业': a kind of organization, not a name
GENERIC_RE = re.compile(rf"^(?:{alternation('org_generic_modifier')})+(?:企业|公司|集团|银行|厂商|客商)$")
LEADING_FILLER = re.compile(r"^(?:此次|这次|本次|本届|该|此|这|由)")  # '由某某集团投资建设': 由 is no part of it
# a demonstrative, a count or a verb never opens a name ('共300余家企业', '双方36家企业', '签47项…')
BAD_HEADS = re.compile(r"^(?:本|该|此|这|那|其|各|全|每|同|首|多|两|一|几|数|贵|共|约|超|双方|签|\d)")
GENERIC = frozenset(mapping("org_generic_name"))
# Foreign companies written in Latin script ('Danubia Logisztikai Zrt.', 'PT Samudra Biru'): words before a
# legal form, or after a legal form that opens the name
LATIN_LETTER = "A-Za-z\u00c0-\u024f"
LATIN_CHAR = re.compile(rf"[{LATIN_LETTER}0-9&'’.\-]")
LATIN_SUFFIX = re.compile(rf"(?<![{LATIN_LETTER}])(?:{alternation('org_latin_suffix')})(?![{LATIN_LETTER}])")
LATIN_PREFIX = re.compile(rf"(?<![{LATIN_LETTER}])(?:{alternation('org_latin_prefix')}) (?=[A-Z])")
LATIN_WORD = re.compile(rf"[{LATIN_LETTER}]{{2,}}")
MAX_LATIN = 80


@lru_cache(maxsize=1)
def _company_index() -> Gazetteer:
    return Gazetteer(companies())


def _suffix_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of name characters that ends in a suffix ('西部矿业集团有限公司' is one)."""
    spans: list[tuple[int, int]] = []
    for m in SUFFIX_FIND.finditer(text):
        end = m.end()
        if spans and m.start() - spans[-1][1] <= 1 and all(NAME_CHAR_RE.match(c) for c in text[spans[-1][1]:m.start()]):
            spans[-1] = (spans[-1][0], end)  # '集团' + '有限公司', '集团' + '子公司': one name
            continue
        floor = spans[-1][1] if spans else 0
        start = m.start()
        while start > floor and m.end() - start < MAX_NAME and NAME_CHAR_RE.match(text[start - 1]):
            start -= 1
        if spans and start == floor and m.group(0) in BRANCH_SUFFIXES and m.end() - spans[-1][0] <= MAX_NAME:
            spans[-1] = (spans[-1][0], end)  # '某某银行湖南省分行': the branch of the name before
        elif start < m.start():
            spans.append((start, end))
    return spans


def _trim_left(name: str, protected: list[tuple[int, int]] = ()) -> str:
    """Cut the name after the last stop word or leading filler (never inside a place name: 成都, 和田)."""
    last = None
    for m in STOP_RE.finditer(name):
        if any(a <= m.start() < b for a, b in protected):
            continue
        if m.group(0) == "和" and MINISTRY_WITH_AND.match(name, m.start()):
            continue  # '工业和贸易部', '文化和旅游厅': 和 inside the body's name
        last = m
    if last is not None:
        name = name[last.end():]
    name = re.sub(r"^[()\-·]+", "", name)
    name = LEADING_FILLER.sub("", name)
    return name


def find_orgs(text: str, offset: int = 0, places: list[Place] | None = None) -> list[Org]:
    """Organizations in a sentence-sized text, with a country where a prefix or reference data gives one.

    `places` are the text's place mentions (absolute offsets) when the caller has them already.
    """
    out: list[Org] = []
    taken: list[tuple[int, int]] = []
    local = [Place(p.start - offset, p.end - offset, p.name, p.code, p.kind, p.country_code)
             for p in (places if places is not None else find_places(text, offset))]
    # 1. known companies (米其林, 江铜集团...), extended over a directly following suffix;
    #    never inside a place name (托克 in 符拉迪沃斯托克)
    place_spans = [(p.start, p.end) for p in local if p.end - p.start > 1]
    for i, end, name, ref in _company_index().find(text):
        if any(a <= i < b for a, b in place_spans) and not any(a == i and b <= end for a, b in place_spans):
            continue
        if PART_OF_WORD.match(text[end:end + 1]) and name[-1] in "部局厅处":
            continue  # 商务部门, 商务部长: the known name is part of a longer word
        tail = COMPANY_TAIL.match(text, end)
        if tail and not STOP_RE.search(tail.group(0)) and tail.end() > end:
            end = tail.end()
        elif tail := SUFFIX_FIND.match(text, end):
            end = tail.end()
        # the text's own country prefix ('法国路易达孚公司') wins over reference data
        prefix = [p for p in local if p.end == i and p.kind == "country"]
        country = prefix[-1].country_code if prefix else ref.country_code
        out.append(Org(offset + i, offset + end, text[i:end], ref.kind, country))
        taken.append((i, end))
    # 2. names ending in an organization suffix: from each suffix, read leftwards over name characters
    for start, end in _suffix_spans(text):
        raw = text[start:end]
        name = _trim_left(raw, [(p.start - start, p.end - start) for p in local
                                if start <= p.start < end and p.end - p.start > 1])
        start = end - len(name)
        if any(s < end and start < e for s, e in taken):
            continue
        if len(name) < 3 or name in GENERIC or GENERIC_RE.match(name) or BAD_HEADS.match(name):
            continue
        kind = next(SUFFIXES[name[-n:]] for n in SUFFIX_LENGTHS if name[-n:] in SUFFIXES)
        country, bare_start = _leading_country(name, [p for p in local if start <= p.start < end], start)
        # '法国米其林公司' is 米其林公司 of France, '阿联酋迪拜经济发展部' Dubai's; '越南工业和贸易部' keeps its country
        bare = bare_start and len(name) - bare_start >= 3 and (kind == "company" or any(
            p.start == start + bare_start for p in local))
        out.append(Org(offset + start, offset + end, name[bare_start:] if bare else name, kind, country))
        taken.append((start, end))
    # 3. names in Latin script, with the country named right before them ('与匈牙利Danubia Logisztikai Zrt.')
    for start, end in _latin_spans(text):
        if any(s < end and start < e for s, e in taken):
            continue
        prefix = [p for p in local if p.end == start and p.kind == "country"]
        out.append(Org(offset + start, offset + end, text[start:end], "company",
                       prefix[-1].country_code if prefix else None))
        taken.append((start, end))
    return sorted(out, key=lambda o: o.start)


def _latin_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each company name in Latin script: words up to a legal form (Ltd., GmbH, S.p.A.), or
    words after one that opens the name (PT, OOO)."""
    if not LATIN_WORD.search(text):
        return []
    spans: list[tuple[int, int]] = []
    for m in LATIN_SUFFIX.finditer(text):
        j = m.start()
        while j > 0 and m.start() - j < MAX_LATIN and (LATIN_CHAR.match(text[j - 1]) or text[j - 1] in " ,"):
            j -= 1
        while j < m.start() and not LATIN_CHAR.match(text[j]) or text[j] in "&.-'’":
            j += 1
        if not LATIN_WORD.search(text, j, m.start()):
            continue  # a legal form alone is no name
        if spans and j <= spans[-1][1]:
            spans[-1] = (spans[-1][0], m.end())  # 'Alibaba Group Holding Limited': one name
        else:
            spans.append((j, m.end()))
    for m in LATIN_PREFIX.finditer(text):
        k = m.end()
        while k < len(text) and k - m.start() < MAX_LATIN and (LATIN_CHAR.match(text[k]) or text[k] == " "):
            k += 1
        end = k - (len(text[m.start():k]) - len(text[m.start():k].rstrip(" .,")))
        if not any(a <= m.start() < b for a, b in spans) and LATIN_WORD.search(text, m.end(), end):
            spans.append((m.start(), end))
    return sorted(spans)






def _leading_country(name: str, inside: list[Place], start: int) -> tuple[str | None, int]:
    """'法国米其林公司' -> ('FR', 2); '江西省人民政府' -> ('CN', 0) (a Chinese place is not stripped)."""
    if inside and inside[0].start == start:
        place = inside[0]
        end = place.end - start
        if place.kind == "country" and place.code != "CN" and place.end - place.start > 1 and len(name) - end >= 3:
            return place.country_code, end
        return place.country_code, 0
    return None, 0
