"""Sentences and clauses of a document's readable blocks, with the mentions found in each.

Every record is read from one sentence (plus carried context: the paragraph's period, the last
pair of trading partners, the organization last named), so evidence spans stay short and exact.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property

from tradenews.mentions.dates import find_dates, find_periods
from tradenews.mentions.numbers import find_growth, find_money
from tradenews.mentions.orgs import find_orgs
from tradenews.mentions.places import find_places
from tradenews.model import Document, Evidence

SENTENCE_END = re.compile(r"[。!?！？]+[”」』\"]?|$")
CLAUSE_SEP = re.compile(r"[,;，；:：]")
BRACKETS = re.compile(r"[(“《「]")
CAPTION = re.compile(r"^(?:图为|图片|\(图|图:|上图|下图)")


@dataclass
class Clause:
    start: int
    end: int
    text: str


@dataclass
class Sentence:
    doc: Document
    start: int
    end: int
    block_no: int
    article_no: int
    excluded: list[tuple[int, int]] = field(default_factory=list)  # spans no party may come from

    @cached_property
    def text(self) -> str:
        return self.doc.text[self.start:self.end]

    @cached_property
    def money(self):
        return find_money(self.text, self.start)

    places: list = field(default_factory=list)  # filled from the document's places, found once

    @cached_property
    def clauses(self) -> list[Clause]:
        return _clauses(self.text, self.start)

    @cached_property
    def orgs(self):
        return find_orgs(self.text, self.start, self.places)

    @cached_property
    def growth(self):
        return find_growth(self.text, self.start)

    def periods(self, year: int):
        return find_periods(self.text, year, self.start)

    def dates(self, year: int):
        return find_dates(self.text, year, self.start)

    def clause_of(self, pos: int) -> int:
        for i, c in enumerate(self.clauses):
            if c.start <= pos < c.end:
                return i
        return len(self.clauses) - 1

    def evidence(self, rule: str, start: int | None = None, end: int | None = None) -> Evidence:
        s = self.start if start is None else start
        e = self.end if end is None else end
        return Evidence(self.doc.doc_id, s, e, self.doc.text[s:e], rule)


def _clauses(text: str, offset: int) -> list[Clause]:
    """Clauses split at commas, semicolons and colons outside brackets and quotes."""
    if not BRACKETS.search(text):
        out, pos = [], 0
        for m in CLAUSE_SEP.finditer(text):
            if m.start() > pos:
                out.append(Clause(offset + pos, offset + m.start(), text[pos:m.start()]))
            pos = m.end()
        if pos < len(text):
            out.append(Clause(offset + pos, offset + len(text), text[pos:]))
        return out
    out, pos = [], 0
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(“《「":
            depth += 1
        elif ch in ")”》」" and depth:
            depth -= 1
        elif depth == 0 and CLAUSE_SEP.match(ch):
            if i > pos:
                out.append(Clause(offset + pos, offset + i, text[pos:i]))
            pos = i + 1
    if pos < len(text):
        out.append(Clause(offset + pos, offset + len(text), text[pos:]))
    return out


def sentences(doc: Document) -> list[Sentence]:
    """Sentences of body and heading blocks; boilerplate and photo captions are not read."""
    out = []
    all_places = find_places(doc.text)
    starts = [p.start for p in all_places]
    for block_no, block in enumerate(doc.blocks):
        if block.kind == "boilerplate":
            continue
        text = doc.text[block.start:block.end]
        pos = 0
        for m in SENTENCE_END.finditer(text):
            end = m.end()
            if end <= pos:
                if m.end() == len(text):
                    break
                continue
            raw = text[pos:end]
            lead = len(raw) - len(raw.lstrip())
            start = block.start + pos + lead
            stop = block.start + end
            if stop > start and not CAPTION.match(doc.text[start:stop]):
                s = Sentence(doc, start, stop, block_no, block.article_no)
                s.places = all_places[bisect_left(starts, start):bisect_left(starts, stop)]
                out.append(s)
            pos = end
            if end == len(text):
                break
    return out
