"""Place mentions by gazetteer: longest match of reference names, short forms only in compounds."""
from __future__ import annotations

import re
from functools import lru_cache

from tradenews.mentions.gazetteer import Gazetteer
from tradenews.model import Place
from tradenews.reference import PlaceRef, contextual_places, places
from tradenews.reference.lexicon import mapping

# Short forms (俄, 华, 美, 赣...) name a place only in these compounds: 对俄, 中俄, 俄方, 俄对华, 访华.
ABBR_BEFORE = set("对与同赴访来在驻自从向")
ABBR_AFTER = re.compile(r"方(?!面|式|法|向|案|针|便|位|言)|对华|对中|籍|资企|企|商(?!务|品|业)|两国|双方|贸易|经贸|双边")
# ordinary words that contain a short form's character (同日 is 'the same day', not Japan)
COMMON_WORDS = {"同日", "当日", "次日", "今日", "昨日", "近日", "即日", "节日", "连日", "每日", "来日", "日前", "日常",
                "日益", "日趋", "日内", "其中", "在中", "对中", "当中", "从中", "向中", "同中", "集中",
                "来美", "美元", "美金", "对外", "新华", "来新", "在新", "新的", "新一", "澳门", "来自", "自主",
                "平台", "舞台", "出台", "台阶", "电台", "后台", "前台", "柜台", "阳台", "讲台", "台风", "台上", "台下",
                "贸港", "海港", "空港", "陆港", "商港", "渔港", "港口", "港区", "港务", "港湾", "拉动", "拉开", "拉近",
                "阿姨"}
# what follows a pair of short forms such as 中俄/俄中/中哈 when it names the two countries
PAIR_CONTEXT = re.compile(r"贸易|经贸|双边|两国|关系|合作|博览会|边境|友好|地方|务实|能源|投资|人文|青年|全面|战略|互市|货物|商品|"
                          r"口岸|班列|航线|界河|合资|企业|建交|元首|总理|外长|议会|政府|联合|睦邻|友谊|产业|科技|农业|交通|"
                          r"铁路|公路|大桥|跨境|物流|电商|之间|间|两地|两岸|友城")


@lru_cache(maxsize=1)
def _index() -> tuple[Gazetteer[PlaceRef], re.Pattern, dict[str, PlaceRef]]:
    """Every full name (longest match wins), and the short forms."""
    full, abbr = places()
    short = re.compile("[" + "".join(sorted(abbr)) + "]") if abbr else re.compile(r"(?!)")
    return Gazetteer(full), short, abbr


def _ref_place(ref: PlaceRef, start: int, end: int) -> Place:
    return Place(start, end, ref.name, ref.code, ref.kind, ref.country_code)


@lru_cache(maxsize=64)
def _places_cached(text: str) -> tuple[Place, ...]:
    return tuple(_find_places(text))


def find_places(text: str, offset: int = 0) -> list[Place]:
    """Place mentions (longest names first, short forms in compounds), offsets shifted by `offset`."""
    found = _places_cached(text)
    if not offset:
        return list(found)
    return [Place(p.start + offset, p.end + offset, p.name, p.code, p.kind, p.country_code) for p in found]


def _find_places(text: str, offset: int = 0) -> list[Place]:
    """Full names anywhere (longest first); one-character short forms in compounds such as 中俄, 对俄.

    A short form reads as the country or group the text names in full with that first character
    (中哥 after 哥伦比亚, 中巴 after 巴西, 新辽 after 新加坡); else as the fixed reading of the reference
    data; a character that starts two names of the text is left unread."""
    gazetteer, short, abbr = _index()
    out: list[Place] = []
    covered: list[tuple[int, int]] = []
    initials: dict[str, set[str]] = {}
    named: dict[str, PlaceRef] = {}
    for start, end, _, ref in gazetteer.find(text):
        out.append(_ref_place(ref, offset + start, offset + end))
        covered.append((start, end))
        if ref.kind in ("country", "group") or (ref.kind == "region" and not (ref.country_code or "").startswith("CN")):
            initials.setdefault(text[start], set()).add(ref.code)
            named[ref.code] = ref
    for word, ref in contextual_places().items():
        i = text.find(word)
        while i != -1:
            if not any(a <= i < b for a, b in covered) and _trading_context(text, i, len(word)):
                out.append(_ref_place(ref, offset + i, offset + i + len(word)))
                covered.append((i, i + len(word)))
            i = text.find(word, i + len(word))
    covered.sort()
    readings = abbr
    for ch, codes in initials.items():
        if ch in fixed_short_forms():
            continue
        if len(codes) == 1 and (ch not in abbr or abbr[ch].code not in codes):
            readings = dict(readings) if readings is abbr else readings
            readings[ch] = named[next(iter(codes))]
        elif len(codes) > 1 and ch in readings and readings[ch].code not in codes:
            readings = dict(readings) if readings is abbr else readings
            del readings[ch]  # 巴 with 巴西 and 巴拿马 named, neither of them Pakistan
    positions = [m.start() for m in short.finditer(text)]
    for ch in set(readings) - set(abbr):  # the text's own readings ('哥' after 哥伦比亚)
        i = text.find(ch)
        while i != -1:
            positions.append(i)
            i = text.find(ch, i + 1)
    k = 0
    for i in sorted(positions):
        if text[i] not in readings:
            continue
        while k < len(covered) and covered[k][1] <= i:
            k += 1
        if k < len(covered) and covered[k][0] <= i:
            continue
        if _abbr_context(text, i, readings):
            out.append(_ref_place(readings[text[i]], offset + i, offset + i + 1))
    out.sort(key=lambda p: p.start)
    return out


@lru_cache(maxsize=1)
def fixed_short_forms() -> frozenset[str]:
    return frozenset(mapping("short_form_fixed"))


@lru_cache(maxsize=1)
def _any_after() -> frozenset[str]:
    """Short forms that name a place after 对/与... whatever follows (对俄农产品, 对华货物)."""
    return frozenset(mapping("short_form_any_after"))


def _trading_context(text: str, i: int, length: int) -> bool:
    """'对大陆出口', '自大陆进口', '与内地的贸易', '大陆方面': the word names a side (not '欧亚大陆', '内地城市')."""
    before = text[i - 1] if i else ""
    after = text[i + length:i + length + 3]
    return bool(ABBR_AFTER.match(after)) or (before in ABBR_BEFORE and (
        after[:1] in "出进贸投的" or not _is_word_char(after[:1]) or text[max(0, i - 3):i - 1] in ("台湾", "香港", "澳门")))


def _abbr_context(text: str, i: int, abbr: dict[str, PlaceRef]) -> bool:
    if text[max(0, i - 1):i + 1] in COMMON_WORDS or text[i:i + 2] in COMMON_WORDS:
        return False
    before = text[i - 1] if i else ""
    after = text[i + 1:i + 4]
    if before in ABBR_BEFORE and (not after or not _is_word_char(after[0]) or ABBR_AFTER.match(after)
                                  or after[0] in "出进贸投合交开" or text[i] in _any_after()):
        return True
    if ABBR_AFTER.match(after):
        return True
    # a pair of short forms: 中俄, 俄中, 中哈, followed by a word such as 贸易/博览会/关系
    if after[:1] in abbr and before not in abbr and PAIR_CONTEXT.match(text[i + 2:i + 6]):
        return True
    if before in abbr and (i < 2 or text[i - 2] not in abbr) and PAIR_CONTEXT.match(text[i + 1:i + 5]):
        return True
    return False


def _is_word_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
