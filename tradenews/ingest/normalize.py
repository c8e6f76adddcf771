"""Normalize decoded text for extraction while keeping a map back to the original offsets.

Order matters: NFKC first (full-width digits and punctuation), then Traditional -> Simplified,
then page-layout line breaks inside a sentence are joined.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

TERMINAL = set("。！？!?…”」』\"')）:：；;")
CLAUSE_PUNCT = re.compile(r"[，,、；;]")
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_ALL = re.compile(r"[\u3400-\u9fff]")
LONG_LINE = 40  # a line this long without a sentence end was broken by the page layout


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


DROPPED_RE = re.compile("[\r\u200b\ufeff]")


def _nfkc_char(ch: str) -> str:
    if ch in "\r\u200b\ufeff":
        return ""
    return unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch


def _nfkc(text: str) -> tuple[list[str], list[int]]:
    """NFKC line by line; only a line whose length changes ('……' -> '......') is mapped char by char."""
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for line in text.split("\n"):
        norm = unicodedata.normalize("NFKC", line)
        if len(norm) == len(line) and not DROPPED_RE.search(line):
            chars.extend(norm)
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
    return chars, offsets


def _simplify(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int], int]:
    """Convert line by line; a line whose length would change is converted char by char."""
    out: list[str] = []
    out_offsets: list[int] = []
    changed = 0
    text = "".join(chars)
    pos = 0
    for line in text.split("\n"):
        conv = to_simplified(line)
        if len(conv) != len(line):
            conv = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in line)
        if conv != line:
            changed += sum(1 for a, b in zip(line, conv) if a != b)
        out.extend(conv)
        out_offsets.extend(offsets[pos:pos + len(line)])
        pos += len(line)
        if pos < len(chars):  # the newline itself
            out.append("\n")
            out_offsets.append(offsets[pos])
            pos += 1
    return out, out_offsets, changed


def _joins(prev: str, nxt: str) -> bool:
    """Is the break between these two lines a page-layout break inside a sentence?

    An indented next line opens a paragraph; a line with a '|' or a timestamp is page chrome.
    """
    if nxt[:1].isspace() or "|" in prev or re.search(r"\d{1,2}:\d{2}", prev):
        return False
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt or prev[-1] in TERMINAL:
        return False
    if not (CJK.match(nxt[0]) or nxt[0].isdigit()):
        return False
    return bool(CLAUSE_PUNCT.search(prev)) or len(prev) >= LONG_LINE


def _join_layout_breaks(chars: list[str], offsets: list[int]) -> tuple[str, list[int]]:
    text = "".join(chars)
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
    if not drops:
        return text, offsets
    parts, out_offsets, pos = [], [], 0
    for a, b in drops:
        parts.append(text[pos:a])
        out_offsets.extend(offsets[pos:a])
        pos = b
    parts.append(text[pos:])
    out_offsets.extend(offsets[pos:])
    return "".join(parts), out_offsets


def normalize_text(text: str) -> tuple[str, list[int], str]:
    """Return (normalized text, original offset of each char, script 'Hans' or 'Hant')."""
    chars, offsets = _nfkc(text)
    chars, offsets, changed = _simplify(chars, offsets)
    cjk = len(CJK_ALL.findall("".join(chars)))
    script = "Hant" if cjk and changed / cjk > 0.03 else "Hans"
    out, out_offsets = _join_layout_breaks(chars, offsets)
    return out, out_offsets, script
