"""Plain dataclasses passed between the stages (raw file -> Document -> mentions -> records)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceFile:
    """A raw text file as read from disk, decoded but not yet normalized."""

    source_path: str  # relative to the raw folder, '/'-separated
    sha256: str
    encoding: str
    text: str
    meta: dict
    meta_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One line/paragraph of the normalized text and what the layout pass thinks it is."""

    start: int
    end: int
    kind: str  # body | heading | boilerplate
    article_no: int


@dataclass
class Document:
    doc_id: str
    source_path: str
    text: str  # normalized: NFKC, Simplified, layout breaks joined
    original_offsets: Sequence[int]  # original_offsets[i] = offset in the decoded file of text[i]
    encoding: str
    script: str  # Hans | Hant
    title: str | None
    publisher: str | None
    url: str | None
    published_date: dt.date | None
    reference_date: dt.date
    reference_date_method: str  # metadata | inferred_from_text
    blocks: list[Block] = field(default_factory=list)
    home_region: str | None = None  # province code that 我省/本省/全省 refer to
    home_city: str | None = None  # city code that 我市/本市/全市 refer to
    source_paths: tuple[str, ...] = ()  # every path with these exact bytes

    @property
    def articles(self) -> int:
        return len({b.article_no for b in self.blocks if b.kind != "boilerplate"})

    def info(self) -> DocumentInfo:
        """What the documents table keeps of the document, without its text."""
        return DocumentInfo(self.doc_id, self.source_path, self.source_paths or (self.source_path,), self.title,
                            self.publisher, self.url, self.published_date, self.reference_date,
                            self.reference_date_method, self.script, self.encoding, len(self.text), self.articles)


@dataclass
class DocumentInfo:
    """A document once its facts are read: the row of the documents table. Extractions carry this, not
    the text, its offset map and its blocks, so that holding or moving the extractions of a big corpus
    between processes costs little."""

    doc_id: str
    source_path: str
    source_paths: tuple[str, ...]
    title: str | None
    publisher: str | None
    url: str | None
    published_date: dt.date | None
    reference_date: dt.date
    reference_date_method: str
    script: str
    encoding: str
    chars: int
    articles: int


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    amount: float
    currency: str
    qualifier: str


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    unit: str
    qualifier: str


@dataclass(frozen=True)
class Growth:
    start: int
    end: int
    pct: float


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    first: dt.date
    last: dt.date
    year_stated: bool = True  # False: the text gives no year ('12月单月'), the reader assumed one


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    first: dt.date
    last: dt.date | None  # set for ranges (11月7日至9日)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    name: str  # canonical Chinese name
    code: str
    kind: str  # country | region | city | port | group
    country_code: str | None


@dataclass(frozen=True)
class Org:
    start: int
    end: int
    name: str  # as written
    kind: str  # company | government | university | organization | delegation
    country_code: str | None


@dataclass
class Evidence:
    doc_id: str
    start: int
    end: int
    quote: str
    rule: str


@dataclass
class Event:
    name: str
    event_type: str
    doc_id: str
    evidence: list[Evidence]
    name_en: str | None = None
    series: str | None = None
    edition: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    city: str | None = None
    country_code: str | None = None
    venue: str | None = None
    parent_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    article_no: int = 0


@dataclass
class Deal:
    deal_type: str
    status: str
    party_a: str
    doc_id: str
    evidence: list[Evidence]
    party_a_country: str | None = None
    party_a_kind: str | None = None
    party_b: str | None = None
    party_b_country: str | None = None
    party_b_kind: str | None = None
    subject: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_qualifier: str | None = None
    deal_count: int | None = None
    aggregate: bool = False
    year: int | None = None
    event_name: str | None = None
    article_no: int = 0


@dataclass
class TradeFlow:
    reporter_code: str
    reporter_name: str
    partner_code: str
    partner_name: str
    flow: str
    period_start: dt.date
    period_end: dt.date
    doc_id: str
    evidence: list[Evidence]
    commodity: str | None = None
    value: float | None = None
    currency: str | None = None
    quantity: float | None = None
    quantity_unit: str | None = None
    value_qualifier: str | None = None
    growth_pct: float | None = None
    article_no: int = 0


@dataclass
class Indicator:
    subject: str
    metric: str
    value: float
    unit: str
    doc_id: str
    evidence: list[Evidence]
    qualifier: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    event_name: str | None = None
    article_no: int = 0


@dataclass(frozen=True)
class FigureFate:
    """What became of one money or quantity figure of a document's body (tradenews/records/fates.py)."""

    start: int
    end: int
    quote: str
    fate: str  # fact | part | left_out | unexplained
    rule: str
    reason: str = ""


@dataclass
class Extraction:
    """Everything read from one document."""

    document: DocumentInfo
    events: list[Event] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    trade_flows: list[TradeFlow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    figures: list[FigureFate] = field(default_factory=list)
    error: str | None = None  # set when reading facts from the document failed (the document still counts)
