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
LONG_LINE = 40  # a line this long without a sentence end was broken by the page layout


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def _nfkc(text: str) -> tuple[list[str], list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\r":
            continue
        norm = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        if ch in "\u3000\xa0\u200b\ufeff":
            norm = " " if ch != "\u200b" and ch != "\ufeff" else ""
        for c in norm:
            chars.append(c)
            offsets.append(i)
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
    keep = [True] * len(chars)
    content = [i for i, line in enumerate(lines) if line.strip()]
    for a, b in zip(content, content[1:]):
        if _joins(lines[a], lines[b]):
            # drop trailing spaces of a, the newlines and blank lines between, and leading spaces of b
            drop_from = starts[a] + len(lines[a].rstrip())
            drop_to = starts[b] + (len(lines[b]) - len(lines[b].lstrip()))
            for k in range(drop_from, drop_to):
                keep[k] = False
    out = "".join(c for c, k in zip(chars, keep) if k)
    out_offsets = [o for o, k in zip(offsets, keep) if k]
    return out, out_offsets


def normalize_text(text: str) -> tuple[str, list[int], str]:
    """Return (normalized text, original offset of each char, script 'Hans' or 'Hant')."""
    chars, offsets = _nfkc(text)
    chars, offsets, changed = _simplify(chars, offsets)
    cjk = sum(1 for c in chars if CJK.match(c))
    script = "Hant" if cjk and changed / cjk > 0.03 else "Hans"
    out, out_offsets = _join_layout_breaks(chars, offsets)
    return out, out_offsets, script
