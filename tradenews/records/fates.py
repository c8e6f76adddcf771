"""Every figure accounted for: each money and quantity figure of an article's body ends in one fate.

- fact: the figure is the value of a published row;
- part: it is part of one (a component of a stated total, the value of a quantity row);
- left_out: a rule read it and left it out for a named reason (a baseline, a target, a share...);
- unexplained: no rule claimed it. Unexplained figures are where recall is lost on text without gold.

Rules record fates as they read; a later rule may turn a left-out figure into a fact (a figure the
trade rules leave out may be a deal), never the other way round.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from tradenews.mentions.numbers import find_quantities
from tradenews.model import Document, Extraction, FigureFate
from tradenews.reference.lexicon import alternation, mapping

if TYPE_CHECKING:
    from tradenews.records.context import Sentence

RANK = {"fact": 3, "part": 2, "left_out": 1, "unexplained": 0}
PHYSICAL_HINT = re.compile(r"[\d万亿千百十][吨辆箱桶头列架艘克方]|千瓦时|立方")  # a number right before a unit


class Fates:
    """The fates decided so far in one document, by the figure's start offset."""

    def __init__(self) -> None:
        self._by_start: dict[int, FigureFate] = {}

    def _set(self, fig, fate: str, rule: str, reason: str) -> None:
        old = self._by_start.get(fig.start)
        if old is None or RANK[fate] > RANK[old.fate]:
            self._by_start[fig.start] = FigureFate(fig.start, fig.end, "", fate, rule, reason)

    def fact(self, fig, rule: str) -> None:
        self._set(fig, "fact", rule, "")

    def part(self, fig, rule: str, reason: str) -> None:
        self._set(fig, "part", rule, reason)

    def leave(self, fig, rule: str, reason: str) -> None:
        self._set(fig, "left_out", rule, reason)

    def leave_all(self, figs, rule: str, reason: str) -> None:
        for f in figs:
            self.leave(f, rule, reason)

    def get(self, start: int) -> FigureFate | None:
        return self._by_start.get(start)


REASONS = {
    "target": "a target", "forecast": "a forecast", "investment_statistic": "investment statistics, not a deal or a flow",
    "domestic_statistic": "a domestic economic statistic", "no_partner_total": "a trade total with no partner",
    "baseline": "a baseline for a comparison",
}


@lru_cache(maxsize=1)
def _reason_re() -> re.Pattern:
    return re.compile(alternation("figure_reason"))


@lru_cache(maxsize=1)
def _baseline_re() -> re.Pattern:
    return re.compile(rf"(?:{alternation('baseline_before')})(?:[^,，;；]{{0,8}}的|(?:仅|只|才|约|分别)?(?:为|是|达|有))?$")


def is_baseline(before: str) -> bool:
    """Do the words right before a figure make it the baseline of a comparison ('较上年同期的210万吨')?"""
    return bool(_baseline_re().search(before))


def context_reason(clause_text: str, figure_at: int) -> tuple[str, str] | None:
    """(rule, reason) the clause gives for leaving the figure at figure_at out, or None."""
    if is_baseline(clause_text[max(0, figure_at - 10):figure_at]):
        return "figure.baseline", REASONS["baseline"]
    m = _reason_re().search(clause_text)
    if m:
        kind = mapping("figure_reason")[m.group(0)]
        return f"figure.{kind}", REASONS[kind]
    return None


def _row_figures(extraction: Extraction) -> list[tuple[int, int, float, str]]:
    """(evidence start, end, value, rule) of every published value."""
    out = []
    for rows in (extraction.trade_flows, extraction.deals, extraction.indicators):
        for r in rows:
            values = [getattr(r, a, None) for a in ("value", "amount", "quantity")]
            for ev in r.evidence:
                for v in values:
                    if v is not None:
                        out.append((ev.start, ev.end, float(v), ev.rule))
    return out


def account_figures(doc: Document, sents: list[Sentence], extraction: Extraction, fates: Fates) -> list[FigureFate]:
    """The fate of every money and physical-quantity figure of the document's body, in text order."""
    published = _row_figures(extraction)
    units = mapping("trade_quantity_unit")
    out: list[FigureFate] = []
    for sent in sents:
        figures = [(m.start, m.end, m.amount) for m in sent.money]
        if PHYSICAL_HINT.search(sent.text):
            figures += [(q.start, q.end, q.value) for q in find_quantities(sent.text, units, sent.start)]
        for start, end, value in sorted(figures):
            quote = doc.text[start:end]
            hit = next((rule for a, b, v, rule in published if a <= start < b and abs(v - value) <= 1e-6 * max(1, abs(v))),
                       None)
            decided = fates.get(start)
            if hit:
                fate = FigureFate(start, end, quote, "fact", hit)
            elif decided is not None and decided.fate != "fact":
                fate = FigureFate(start, end, quote, decided.fate, decided.rule, decided.reason)
            else:
                clause = sent.clauses[sent.clause_of(start)]
                named = context_reason(clause.text, start - clause.start)
                fate = FigureFate(start, end, quote, "left_out", *named) if named else \
                    FigureFate(start, end, quote, "unexplained", "", "")
            out.append(fate)
    return out
