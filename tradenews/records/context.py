"""Sentences and clauses of a document's readable blocks, with the mentions found in each.

Every record is read from one sentence (plus carried context: the paragraph's period, the last
pair of trading partners, the organization last named), so evidence spans stay short and exact.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from tradenews.mentions.dates import find_dates, find_periods
from tradenews.mentions.numbers import find_growth, find_money
from tradenews.mentions.orgs import find_orgs
from tradenews.mentions.places import find_places
from tradenews.mentions.series import SeriesMention, find_series
from tradenews.model import Document, Evidence

SENTENCE_END = re.compile(r"[。!?！？]+[”」』\"]?")
OPENERS, CLOSERS = "(“《「", ")”》」"
# brackets and quotes open and close; the rest separate (not the thousands comma of 1,446, nor the comma of
# a Latin name: 'Co., Ltd.')
CLAUSE_TOKEN = re.compile(r"[(“《「)”》」;；:：]|(?<![\dA-Za-z.]),|(?<=\d),(?!\d{3}(?!\d))|(?<=[A-Za-z.]),(?! ?[A-Za-z])|，")
CAPTION = re.compile(r"^(?:图为|图片|\(图|图:|上图|下图)")


class lazy:
    """A computed attribute, stored on first use (functools.cached_property takes a lock on every first
    use in Python 3.11, a measurable cost over tens of thousands of sentences)."""

    def __init__(self, fn):
        self.fn, self.name = fn, fn.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


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
    places: list = field(default_factory=list)  # filled from the document's places, found once
    doc_series: list = field(default_factory=list)  # the document's series mentions inside the sentence
    text: str = ""  # doc.text[start:end], set by sentences()
    _per_year: dict = field(default_factory=dict, repr=False)  # (finder, year) -> its mentions
    memo: dict = field(default_factory=dict, repr=False)  # what a rule read of this sentence once, by key

    @lazy
    def money(self):
        return find_money(self.text, self.start)

    @lazy
    def clauses(self) -> list[Clause]:
        return _clauses(self.text, self.start)

    @lazy
    def orgs(self):
        return find_orgs(self.text, self.start, self.places)

    @lazy
    def growth(self):
        return find_growth(self.text, self.start)

    @lazy
    def series(self):
        """Series mentions, sentence-local offsets."""
        return [SeriesMention(s.start - self.start, s.end - self.start, s.series, s.edition) for s in self.doc_series]

    def periods(self, year: int):
        return self._with_year(find_periods, year)

    def dates(self, year: int):
        return self._with_year(find_dates, year)

    def _with_year(self, find, year: int):
        """Mentions read with `year` as the default year, found once per (finder, year)."""
        key = (find, year)
        if key not in self._per_year:
            self._per_year[key] = find(self.text, year, self.start)
        return self._per_year[key]

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
    out, pos, depth = [], 0, 0
    for m in CLAUSE_TOKEN.finditer(text):
        ch, i = m.group(), m.start()
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1 if depth else 0
        elif depth == 0:
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
    all_series = find_series(doc.text)  # one pass over the document, not one per sentence
    series_starts = [s.start for s in all_series]
    for block_no, block in enumerate(doc.blocks):
        if block.kind == "boilerplate":
            continue
        text = doc.text[block.start:block.end]
        ends = [m.end() for m in SENTENCE_END.finditer(text)]
        if not ends or ends[-1] < len(text):
            ends.append(len(text))  # the block's last words, with no end mark
        pos = 0
        for end in ends:
            if end <= pos:
                continue
            raw = text[pos:end]
            lead = len(raw) - len(raw.lstrip())
            start = block.start + pos + lead
            stop = block.start + end
            if stop > start and not CAPTION.match(doc.text[start:stop]):
                s = Sentence(doc, start, stop, block_no, block.article_no, text=doc.text[start:stop])
                s.places = all_places[bisect_left(starts, start):bisect_left(starts, stop)]
                s.doc_series = [m for m in all_series[bisect_left(series_starts, start):bisect_left(series_starts, stop)]
                                if m.end <= stop]
                out.append(s)
            pos = end
    return out
