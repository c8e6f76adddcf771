"""One document -> its records; links deals and indicators to the event they were made at."""
from __future__ import annotations

import bisect
import re

from tradenews.model import Document, Event, Extraction
from tradenews.records.context import Sentence, sentences
from tradenews.records.deals import extract_deals
from tradenews.records.events import extract_events
from tradenews.records.fates import Fates, account_figures
from tradenews.records.indicators import extract_indicators
from tradenews.records.trade import extract_trade_flows

SEVERAL_EDITIONS = re.compile(r"[前\d一二三四五六七八九十]届$")


def _event_for(sent: Sentence, events: list[Event]) -> str | None:
    """The event a sentence's fact belongs to: one named in the sentence, else in its paragraph."""
    for scope in ((sent.start, sent.end), None):
        for e in events:
            for ev in e.evidence:
                if scope and scope[0] <= ev.start < scope[1]:
                    return e.name
        if scope:
            for s in sent.series:
                # '六届进博会' / '前五届进博会' span several editions: no single event
                if s.edition is None and SEVERAL_EDITIONS.search(sent.text[max(0, s.start - 3):s.start]):
                    continue
                for e in events:
                    if e.series == s.series.series and (s.edition is None or e.edition in (None, s.edition)):
                        return e.name
    return None


def extract_document(doc: Document) -> Extraction:
    sents = sentences(doc)
    events = extract_events(doc, sents)
    fates = Fates()
    flows = extract_trade_flows(doc, sents, fates)
    trade_spans = [(f.evidence[0].start, f.evidence[0].end) for f in flows]
    trade_money = {(m.start, m.end) for s in sents if any(s.start <= a < s.end for a, _ in trade_spans)
                   for m in s.money if any(a <= m.start < b for a, b in trade_spans)}
    event_spans = [(ev.start, ev.end) for e in events for ev in e.evidence]
    for s in sents:
        # names of events and of recurring series ('本届中俄博览会') are never parties
        s.excluded = [(a, b) for a, b in event_spans if s.start <= a < s.end] + \
            [(s.start + m.start, s.start + m.end) for m in s.series]
    main = next((e for e in events if e.series and e.edition), events[0] if events else None)
    deals = extract_deals(doc, sents, trade_money, main.name if main else None)
    indicators = extract_indicators(doc, sents)
    by_start = {s.start: s for s in sents}
    starts = sorted(by_start)

    def sentence_at(pos: int) -> Sentence | None:

        i = bisect.bisect_right(starts, pos) - 1
        return by_start[starts[i]] if i >= 0 else None

    for rec in [*deals, *indicators]:
        sent = sentence_at(rec.evidence[0].start)
        if sent is not None:
            rec.event_name = _event_for(sent, events)
    extraction = Extraction(doc.info(), events, deals, flows, indicators)
    extraction.figures = account_figures(doc, sents, extraction, fates)
    return extraction
