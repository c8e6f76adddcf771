"""Records of all documents -> one row per fact (merged across documents), evidence, entities."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from schemas.dtypes import PANDAS
from schemas.fields import TABLE_BY_NAME
from tradenews.ids import stable_id
from tradenews.model import Evidence, Extraction
from tradenews.resolve.entities import EntityIndex

PUNCT = re.compile(r"[\s“”\"'()·\-—–,，、:：]")


def _key(text: str | None) -> str:
    return PUNCT.sub("", text or "")


TOGETHER = (("start_date", "end_date"), ("city", "country_code", "venue"), ("period_start", "period_end"))


def _fill_groups(row: dict) -> list[tuple[str, ...]]:
    grouped = {k for g in TOGETHER for k in g}
    return [g for g in TOGETHER if g[0] in row] + [(k,) for k in row if k not in grouped]


@dataclass
class Rows:
    """Fact rows by id, in first-seen order, with all their evidence."""

    rows: dict[str, dict] = field(default_factory=dict)
    evidence: dict[str, list[tuple[Evidence, int]]] = field(default_factory=dict)

    def add(self, row_id: str, row: dict, evidence: list[Evidence], article_no: int) -> None:
        if row_id not in self.rows:
            first = evidence[0]
            row.update(doc_id=first.doc_id, char_start=first.start, char_end=first.end, quote=first.quote,
                       article_no=article_no)
            self.rows[row_id] = row
        else:
            kept = self.rows[row_id]
            for group in _fill_groups(row):
                # a second article completes a row, never mixes: dates and places come as a whole
                if all(kept.get(k) is None for k in group) and any(row.get(k) is not None for k in group):
                    kept.update({k: row[k] for k in group})
        self.evidence.setdefault(row_id, []).extend((e, article_no) for e in evidence)


def build_tables(extractions: list[Extraction], extractor_version: str) -> dict[str, pd.DataFrame]:
    extractions = sorted(extractions, key=lambda x: x.document.doc_id)
    entities = EntityIndex()
    events, deals, flows, indicators = Rows(), Rows(), Rows(), Rows()
    documents = []
    for ex in extractions:
        doc = ex.document
        year = doc.reference_date.year
        documents.append({
            "doc_id": doc.doc_id, "source_path": doc.source_path, "source_paths": "|".join(doc.source_paths),
            "title": doc.title, "publisher": doc.publisher, "url": doc.url, "published_date": doc.published_date,
            "reference_date": doc.reference_date, "reference_date_method": doc.reference_date_method,
            "script": doc.script, "encoding": doc.encoding, "chars": doc.chars, "articles": doc.articles,
        })
        event_ids: dict[str, str] = {}
        for e in ex.events:
            if e.series and e.edition:
                eid = stable_id("event", e.series, e.edition)
            else:
                eid = stable_id("event", _key(e.name), e.start_date or year)
            event_ids[e.name] = eid
        for e in ex.events:
            eid = event_ids[e.name]
            events.add(eid, {
                "event_id": eid, "name": e.name, "name_en": e.name_en, "event_type": e.event_type,
                "series": e.series, "edition": e.edition, "start_date": e.start_date, "end_date": e.end_date,
                "city": e.city, "country_code": e.country_code, "venue": e.venue,
                "parent_event_id": event_ids.get(e.parent_name) if e.parent_name else None,
                "aliases": "|".join(e.aliases) or None,
            }, e.evidence, e.article_no)
        for d in ex.deals:
            a_id = _party_entity(entities, d.party_a, d.party_a_kind, d.party_a_country)
            b_id = _party_entity(entities, d.party_b, d.party_b_kind, d.party_b_country)
            did = stable_id("deal", d.deal_type, entities.by_id[a_id].name if a_id else d.party_a,
                            entities.by_id[b_id].name if b_id else d.party_b, d.amount, d.currency, d.subject,
                            d.deal_count, d.year or year)
            deals.add(did, {
                "deal_id": did, "deal_type": d.deal_type, "status": d.status, "party_a": d.party_a,
                "party_a_country": d.party_a_country or entities.country_of(a_id), "party_a_entity_id": a_id,
                "party_b": d.party_b, "party_b_country": (d.party_b_country or entities.country_of(b_id)) if b_id else None,
                "party_b_entity_id": b_id, "subject": d.subject, "amount": d.amount,
                "currency": d.currency, "amount_qualifier": d.amount_qualifier, "deal_count": d.deal_count,
                "aggregate": d.aggregate, "year": d.year, "event_id": event_ids.get(d.event_name),
            }, d.evidence, d.article_no)
        for t in ex.trade_flows:
            fid = stable_id("flow", t.reporter_code, t.partner_code, t.flow, t.period_start, t.period_end,
                            t.commodity, t.currency, t.value, t.quantity, t.quantity_unit)
            flows.add(fid, {
                "flow_id": fid, "reporter_code": t.reporter_code, "reporter_name": t.reporter_name,
                "reporter_entity_id": entities.resolve_place(t.reporter_code, t.reporter_name),
                "partner_code": t.partner_code, "partner_name": t.partner_name,
                "partner_entity_id": entities.resolve_place(t.partner_code, t.partner_name),
                "flow": t.flow, "period_start": t.period_start, "period_end": t.period_end,
                "commodity": t.commodity, "value": t.value, "currency": t.currency, "quantity": t.quantity,
                "quantity_unit": t.quantity_unit, "value_qualifier": t.value_qualifier, "growth_pct": t.growth_pct,
            }, t.evidence, t.article_no)
        for i in ex.indicators:
            sid = entities.resolve_name(i.subject, None, None)
            event_id = event_ids.get(i.event_name)
            iid = stable_id("indicator", entities.by_id[sid].name, i.metric, i.value, i.period_start, i.period_end,
                            event_id, year)
            indicators.add(iid, {
                "indicator_id": iid, "subject": i.subject, "subject_entity_id": sid, "metric": i.metric,
                "value": i.value, "unit": i.unit, "qualifier": i.qualifier, "period_start": i.period_start,
                "period_end": i.period_end, "event_id": event_id,
            }, i.evidence, i.article_no)
    evidence_rows = []
    for table, rows in (("events", events), ("deals", deals), ("trade_flows", flows), ("indicators", indicators)):
        for rid, evs in rows.evidence.items():
            seen = set()
            for e, _ in evs:
                k = (e.doc_id, e.start, e.end)
                if k in seen:
                    continue
                seen.add(k)
                evidence_rows.append({"record_table": table, "record_id": rid, "doc_id": e.doc_id,
                                      "char_start": e.start, "char_end": e.end, "quote": e.quote, "rule": e.rule,
                                      "extractor_version": extractor_version})
    return {
        "documents": frame("documents", documents),
        "entities": frame("entities", entities.rows()),
        "events": frame("events", list(events.rows.values())),
        "deals": frame("deals", list(deals.rows.values())),
        "trade_flows": frame("trade_flows", list(flows.rows.values())),
        "indicators": frame("indicators", list(indicators.rows.values())),
        "evidence": frame("evidence", evidence_rows),
    }


def _party_entity(entities: EntityIndex, name: str | None, kind: str | None, country: str | None) -> str | None:
    """One entity per named party; a list of several ('山西、安徽、江西') names no single entity."""
    if not name or "、" in name:
        return None
    return entities.resolve_name(name, kind, country)


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows -> a DataFrame with the published column order and explicit dtypes, sorted by key."""
    spec = TABLE_BY_NAME[table]
    data = {}
    for f in spec.fields:
        values = [r.get(f.name) for r in rows]
        if f.type == "string":
            values = [None if v is None or v == "" else str(v) for v in values]
        data[f.name] = pd.array(values, dtype=PANDAS[f.type])
    df = pd.DataFrame(data, columns=spec.names)
    if len(df):
        df = df.sort_values(list(spec.primary_key), kind="mergesort").reset_index(drop=True)
    return df
