"""Artefacts of the pages a text was copied from, removed before anything is read.

- HTML remnants: tags (`<p class="...">`, `<br/>`) and character entities (`&nbsp;`, `&#x4e2d;`) left in
  text saved from a page. Block-level tags become line breaks, so paragraphs stay paragraphs.
- Mirror-site pinyin: some mirror sites insert the reading of a character after it (經(jīng)濟, 會(huì )).
  A bracketed Latin syllable is dropped only where it is a reading of the character before it
  (pypinyin's dictionary says so), so '(WTO)' or '(APEC)' stay.

- Spliced advertising: mirror sites splice site or app ads into sentences ('…国新办某某网页版-某某(中国)官方
  在线登录发布会'): a brand, a web/app word, the brand again and a login word, dropped whole.

Each function returns edits (start, end, replacement) over the text it is given; `apply_edits`
applies them and carries the map to original offsets along.
"""
from __future__ import annotations

import html
import re
import unicodedata
from array import array
from functools import lru_cache

from pypinyin import Style, pinyin

Edit = tuple[int, int, str]

TAG = re.compile(r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9]{0,10})\b[^<>]{0,400}?/?>|<!--.{0,2000}?-->", re.S)
BLOCK_TAGS = frozenset("p div br li tr h1 h2 h3 h4 h5 h6 table ul ol section article blockquote".split())
ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
# a bracketed Latin syllable with an optional tone mark, right after a CJK character
READING = re.compile(r"(?<=[\u3400-\u9fff])\((?P<syl>[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]{1,6}) ?\)")


def markup_edits(text: str) -> list[Edit]:
    """Tags and entities of an HTML remnant; text with no '<' or '&' costs one scan."""
    if "<" not in text and "&" not in text:
        return []
    edits: list[Edit] = []
    for m in TAG.finditer(text):
        name = (m.group("name") or "").lower()
        if m.group(0).startswith("<!--"):
            edits.append((m.start(), m.end(), ""))
        elif name in BLOCK_TAGS or name in ("span", "a", "b", "i", "strong", "em", "font", "img", "u", "sup", "sub"):
            edits.append((m.start(), m.end(), "\n" if name in BLOCK_TAGS else ""))
    for m in ENTITY.finditer(text):
        decoded = html.unescape(m.group(0))
        if decoded != m.group(0):
            edits.append((m.start(), m.end(), unicodedata.normalize("NFKC", decoded)))
    return sorted(edits)


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    found = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    out = {r for group in found for r in group}
    return frozenset(out | {_toneless(r) for r in out})


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c)).replace("ü", "v")


def reading_edits(text: str) -> list[Edit]:
    """Inserted pinyin readings such as the '(jīng)' of 經(jīng)濟."""
    if "(" not in text:
        return []
    edits = []
    for m in READING.finditer(text):
        syl = m.group("syl").lower()
        readings = _readings(text[m.start() - 1])
        if syl in readings or _toneless(syl) in readings:
            edits.append((m.start(), m.end(), ""))
    return edits


# '某某网页版-某某(中国)官方在线登录': a brand, a web/app word, the brand again, a login or download word
SPLICED_AD = re.compile(r"(?P<brand>[\u4e00-\u9fffA-Za-z]{2,4})(?:网页版|官网|官方网站|APP|App|app)[-—·\s]?(?P=brand)"
                        r"(?:\([^()]{1,6}\))?(?:官方|官网)?(?:在线)?(?:登录|登陆|入口|下载)(?:入口)?")


def spliced_ad_edits(text: str) -> list[Edit]:
    if "登录" not in text and "入口" not in text and "下载" not in text and "登陆" not in text:
        return []
    return [(m.start(), m.end(), "") for m in SPLICED_AD.finditer(text)]


def apply_edits(text: str, offsets: array, edits: list[Edit]) -> tuple[str, array]:
    """Apply non-overlapping edits in order; an inserted character maps to the start of what it replaces."""
    if not edits:
        return text, offsets
    parts, out, pos = [], array("q"), 0
    for start, end, repl in edits:
        if start < pos:
            continue  # overlaps the previous edit
        parts.append(text[pos:start])
        out.extend(offsets[pos:start])
        parts.append(repl)
        out.extend([offsets[start] if start < len(offsets) else (offsets[-1] + 1 if len(offsets) else 0)] * len(repl))
        pos = end
    parts.append(text[pos:])
    out.extend(offsets[pos:])
    return "".join(parts), out
