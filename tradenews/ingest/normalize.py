"""Normalize decoded text for extraction while keeping a map back to the original offsets.

Order matters: NFKC first (full-width digits and punctuation), then the page's artefacts go (HTML
remnants, inserted pinyin readings: tradenews/ingest/artefacts.py), then Traditional -> Simplified,
then page-layout line breaks inside a sentence are joined.
"""
from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from functools import lru_cache

from opencc import OpenCC

from tradenews.ingest.artefacts import apply_edits, markup_edits, reading_edits, spliced_ad_edits

TERMINAL = set("。！？!?…”」』\"')）:：；;")
CLAUSE_PUNCT = re.compile(r"[，,、；;]")
CJK = re.compile(r"[\u3400-\u9fff]")
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}")
LONG_LINE = 40  # a line this long without a sentence end was broken by the page layout


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


DROPPED_RE = re.compile("[\r\u200b\u200c\u200d\u2060\ufeff]")  # invisible: never part of a word or a number


# Full-width ASCII (，：（）％１２) and the ideographic space: NFKC maps each to one ASCII character.
# Mapped first, most Chinese text then passes NFKC's quick check and skips the (slow) full normalization.
FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _nfkc_char(ch: str) -> str:
    if DROPPED_RE.match(ch):
        return ""
    return unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch


def _nfkc(text: str) -> tuple[str, array]:
    """NFKC with a map back to `text`. The whole text at once when no character changes length (the
    usual case: full-width punctuation and digits map one to one); else line by line, and only a line
    whose length changes ('……' -> '......') is mapped char by char."""
    pre = FULLWIDTH_RE.sub(lambda m: FULLWIDTH[m.group()], text)
    norm = pre if unicodedata.is_normalized("NFKC", pre) else unicodedata.normalize("NFKC", pre)
    if len(norm) == len(text) and not DROPPED_RE.search(text):
        return norm, array("q", range(len(text)))
    chars: list[str] = []
    offsets = array("q")
    pos = 0
    for line in text.split("\n"):
        norm = unicodedata.normalize("NFKC", line)
        if len(norm) == len(line) and not DROPPED_RE.search(line):
            chars.append(norm)
            offsets.extend(range(pos, pos + len(line)))
        else:
            for i, ch in enumerate(line, pos):
                for c in _nfkc_char(ch):
                    chars.append(c)
                    offsets.append(i)
        pos += len(line) + 1
        chars.append("\n")
        offsets.append(pos - 1)
    chars.pop()  # the split added one line break too many
    offsets.pop()
    return "".join(chars), offsets


def _simplify(text: str) -> tuple[str, int]:
    """Traditional -> Simplified, one character for one (the offset map stays valid); returns the
    text and the number of characters converted. Where the converter would change the length
    (a phrase rewritten), that line is converted char by char."""
    conv = to_simplified(text)
    if len(conv) != len(text):
        lines = []
        for line in text.split("\n"):
            c = to_simplified(line)
            if len(c) != len(line):
                c = "".join(s if len(s := to_simplified(ch)) == 1 else ch for ch in line)
            lines.append(c)
        conv = "\n".join(lines)
    changed = 0 if conv == text else sum(map(operator.ne, text, conv))
    return conv, changed


def _joins(prev: str, nxt: str) -> bool:
    """Is the break between these two lines a page-layout break inside a sentence?

    An indented next line opens a paragraph; a line with a '|' or a timestamp is page chrome.
    """
    if nxt[:1].isspace() or "|" in prev or CLOCK_TIME.search(prev):
        return False
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt or prev[-1] in TERMINAL:
        return False
    if not (CJK.match(nxt[0]) or nxt[0].isdigit()):
        return False
    return bool(CLAUSE_PUNCT.search(prev)) or len(prev) >= LONG_LINE


def _join_layout_breaks(text: str, offsets: array) -> tuple[str, array]:
    lines = text.split("\n")
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    drops: list[tuple[int, int]] = []
    content = [i for i, line in enumerate(lines) if line.strip()]
    for a, b in zip(content, content[1:]):
        if _joins(lines[a], lines[b]):
            # drop trailing spaces of a, the newlines and blank lines between, and leading spaces of b
            drops.append((starts[a] + len(lines[a].rstrip()), starts[b] + (len(lines[b]) - len(lines[b].lstrip()))))
    return apply_edits(text, offsets, [(a, b, "") for a, b in drops])


def normalize_text(text: str) -> tuple[str, array, str]:
    """Return (normalized text, original offset of each char, script 'Hans' or 'Hant')."""
    text, offsets = _nfkc(text)
    text, offsets = apply_edits(text, offsets, markup_edits(text))
    text, offsets = apply_edits(text, offsets, reading_edits(text))
    text, offsets = apply_edits(text, offsets, spliced_ad_edits(text))
    text, changed = _simplify(text)
    cjk = len(CJK.findall(text)) if changed else 0
    script = "Hant" if cjk and changed / cjk > 0.03 else "Hans"
    out, out_offsets = _join_layout_breaks(text, offsets)
    return out, out_offsets, script
