"""Every published column, defined once: type, description, unit, constraints, keys.

The pandera models (schemas/models.py), the Arrow schemas for Parquet and the Frictionless
Table Schemas (schemas/tableschema.py) are all derived from these definitions.
"""
from __future__ import annotations

from dataclasses import dataclass

EVENT_TYPES = ("expo", "conference", "forum", "promotion", "matchmaking", "symposium", "signing_ceremony",
               "exhibition", "cultural", "other")
DEAL_TYPES = ("purchase", "sale", "investment", "cooperation", "project_signing", "other")
DEAL_STATUS = ("signed", "intended", "completed", "planned")
QUALIFIERS = ("exact", "over", "approx", "under", "at_least")
FLOWS = ("total", "export", "import")
ENTITY_KINDS = ("company", "government", "university", "organization", "delegation", "region", "country")
RECORD_TABLES = ("events", "deals", "trade_flows", "indicators")
ID_PATTERN = r"^[0-9a-f]{16}$"
# Groups of countries have no ISO code; the data contract names these.
GROUP_CODES = ("EU", "ASEAN", "AFRICA", "CENTRAL-ASIA", "LATIN-AMERICA", "MIDDLE-EAST", "BRI", "RCEP", "WORLD",
               "SOUTH-ASIA", "ARAB-STATES", "CEEC")
# ISO 3166-1 alpha-2, ISO 3166-2 (CN-JX, RU-NIZ, KZ-75), city and port codes (CN-JX-NANCHANG) and group codes.
PLACE_CODE = rf"^(?:[A-Z]{{2}}(?:-[A-Z0-9]{{1,3}}(?:-[A-Z0-9]+)?)?|[A-Z]{{2}}-[A-Z0-9]+|{'|'.join(GROUP_CODES)})$"
CURRENCY = r"^[A-Z]{3}$"

# Bounds of what the sources can state: a value outside them is a misreading (a wrong unit, digits run
# together, a year read as an amount), rejected with the failed check in rejected-rows.csv, never published.
# Amounts in base units (yuan, dollars, tonnes...): at least 1, at most 1e14 (100 trillion; China's yearly
# foreign trade is about 4e13 yuan).
AMOUNT_MIN, AMOUNT_MAX = 1, 1e14
COUNT_MAX = 1e14  # counts and physical amounts (people, tonnes, vehicles, deals)
# Year-on-year change in percent: -100 (all gone) up to 10000 (a hundredfold).
GROWTH_MIN, GROWTH_MAX = -100, 10_000
# Dates and periods: the sources report the economy of the People's Republic (from 1949) and plans up to
# 2100; publication and reference dates also at most DAYS_AHEAD days after the day of the run (checked by
# pandera when the package is built, since a descriptor cannot name "today").
EARLIEST, LATEST = "1949-01-01", "2100-12-31"
YEAR_MIN, YEAR_MAX = 1949, 2100
DAYS_AHEAD = 366


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean | date
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | str | None = None  # a number, or an ISO date for a date field
    maximum: float | str | None = None
    unique: bool = False
    unit: str | None = None
    days_ahead: int | None = None  # a date at most this many days after the day of the run

    @property
    def free_text(self) -> bool:
        """A string with no enum and no pattern: text from the input (names, titles, quotes, paths). Its CSV
        cells are neutralised against formula injection (tradenews/escape.py csv_text); Parquet keeps it."""
        return self.type == "string" and not self.enum and not self.pattern


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _id(name: str, what: str) -> Field:
    return Field(name, "string", f"Deterministic id of the {what}: 16 hex chars of a SHA-256 of its natural key.",
                 required=True, unique=True, pattern=ID_PATTERN)


def _date(name: str, description: str, required: bool = False, days_ahead: int | None = None) -> Field:
    if days_ahead:
        description += f" At most {days_ahead} days after the day the package was built."
    return Field(name, "date", description, required=required, minimum=EARLIEST, maximum=LATEST,
                 days_ahead=days_ahead)


def _ref(name: str, what: str) -> Field:
    return Field(name, "string", f"Id of the {what}, if any.", pattern=ID_PATTERN)


EVIDENCE_COLUMNS = (
    Field("doc_id", "string", "Document the row was read from (first evidence span).", required=True, pattern=ID_PATTERN),
    Field("char_start", "integer", "Start offset of the evidence in the document's normalized text.", required=True,
          minimum=0, unit="characters"),
    Field("char_end", "integer", "End offset (exclusive) of the evidence in the normalized text.", required=True,
          minimum=1, unit="characters"),
    Field("quote", "string", "The evidence: normalized text[char_start:char_end].", required=True),
    Field("article_no", "integer", "Which article of the page (0-based) the evidence is in.", required=True, minimum=0),
)
DOC_FK = ForeignKey(("doc_id",), "documents", ("doc_id",))

DOCUMENTS = Table(
    "documents", "Documents", "One row per distinct input text (identical files are one document).",
    (
        Field("doc_id", "string", "16 hex chars of the SHA-256 of the raw file bytes.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("source_path", "string", "Path of the file relative to the raw folder.", required=True),
        Field("source_paths", "string", "Every path with these exact bytes, '|'-separated.", required=True),
        Field("title", "string", "Title from the sidecar, else the first heading of the page."),
        Field("publisher", "string", "Publisher from the sidecar, e.g. 江西日报."),
        Field("url", "string", "Where the text was found."),
        _date("published_date", "Publication date from the sidecar.", days_ahead=DAYS_AHEAD),
        _date("reference_date", "The date relative expressions (今年, 次日, 11月7日) resolve against.",
              required=True, days_ahead=DAYS_AHEAD),
        Field("reference_date_method", "string", "Where reference_date comes from.", required=True,
              enum=("metadata", "inferred_from_text")),
        Field("script", "string", "Script of the source text (ISO 15924).", required=True, enum=("Hans", "Hant")),
        Field("encoding", "string", "Character encoding the file was decoded from.", required=True),
        Field("chars", "integer", "Length of the normalized text.", required=True, minimum=1, unit="characters"),
        Field("articles", "integer", "Number of articles found on the page.", required=True, minimum=0),
    ),
    ("doc_id",),
)

EVENTS = Table(
    "events", "Events", "Named, dated gatherings: expos, fairs, conferences, forums, promotion and matchmaking "
    "sessions, symposia, signing ceremonies, exhibitions, cultural weeks.",
    (
        _id("event_id", "event"),
        Field("name", "string", "Full name as written, e.g. 第六届中国国际进口博览会.", required=True),
        Field("name_en", "string", "English name where the series is known."),
        Field("event_type", "string", "Kind of gathering.", required=True, enum=EVENT_TYPES),
        Field("series", "string", "Recurring series, e.g. 中国国际进口博览会."),
        Field("edition", "integer", "Edition number: 6 for 第六届, 4 for 第四次会议.", minimum=1, maximum=1000),
        _date("start_date", "First day."),
        _date("end_date", "Last day (>= start_date)."),
        Field("city", "string", "City where it is held, e.g. 上海."),
        Field("country_code", "string", "ISO 3166-1 alpha-2 of the host country.", pattern=r"^[A-Z]{2}$"),
        Field("venue", "string", "Venue, e.g. 上海国际会议中心."),
        _ref("parent_event_id", "larger event this is a side event of"),
        Field("aliases", "string", "Other ways the text writes the name, '|'-separated."),
        *EVIDENCE_COLUMNS,
    ),
    ("event_id",),
    (ForeignKey(("parent_event_id",), "events", ("event_id",)), DOC_FK),
)

DEALS = Table(
    "deals", "Deals", "Agreements, purchases, investments and signed projects, with or without an amount. "
    "Aggregate rows (cumulative totals, N projects signed) have aggregate = true.",
    (
        _id("deal_id", "deal"),
        Field("deal_type", "string", "Kind of deal.", required=True, enum=DEAL_TYPES),
        Field("status", "string", "How far the deal has got.", required=True, enum=DEAL_STATUS),
        Field("party_a", "string", "Buyer, investor or first signatory, as written.", required=True),
        Field("party_a_country", "string", "ISO 3166-1 alpha-2 of party_a.", pattern=r"^[A-Z]{2}$"),
        _ref("party_a_entity_id", "entity party_a resolves to"),
        Field("party_b", "string", "Counterparty, as written."),
        Field("party_b_country", "string", "ISO 3166-1 alpha-2 of party_b.", pattern=r"^[A-Z]{2}$"),
        _ref("party_b_entity_id", "entity party_b resolves to"),
        Field("subject", "string", "What is bought, built or agreed, e.g. 电动车轮胎."),
        Field("amount", "number", "Amount in the base unit of currency (72.58亿元 -> 7258000000).",
              minimum=AMOUNT_MIN, maximum=AMOUNT_MAX,
              unit="currency base unit"),
        Field("currency", "string", "ISO 4217 code; present when amount is.", pattern=CURRENCY),
        Field("amount_qualifier", "string", "exact, over (超/逾/多), approx (约/近), under (不到), at_least (余).",
              enum=QUALIFIERS),
        Field("deal_count", "integer", "Number of deals or projects an aggregate row covers.", minimum=1,
              maximum=COUNT_MAX,
              unit="deals"),
        Field("aggregate", "boolean", "True for totals over several deals or a cumulative figure.", required=True),
        Field("year", "integer", "Year the deal is for or was made.", minimum=YEAR_MIN, maximum=YEAR_MAX),
        _ref("event_id", "event where it was signed"),
        *EVIDENCE_COLUMNS,
    ),
    ("deal_id",),
    (ForeignKey(("event_id",), "events", ("event_id",)), DOC_FK,
     ForeignKey(("party_a_entity_id",), "entities", ("entity_id",)),
     ForeignKey(("party_b_entity_id",), "entities", ("entity_id",))),
)

TRADE_FLOWS = Table(
    "trade_flows", "Trade flows", "Bilateral trade figures: one reporter, one partner, one direction, one period.",
    (
        _id("flow_id", "trade flow"),
        Field("reporter_code", "string", "ISO 3166-1/3166-2 (or bloc/city) code of the reporting side.",
              required=True, pattern=PLACE_CODE),
        Field("reporter_name", "string", "Reporter's Chinese name, e.g. 江西.", required=True),
        _ref("reporter_entity_id", "entity of the reporter"),
        Field("partner_code", "string", "Code of the partner side, e.g. RU.", required=True, pattern=PLACE_CODE),
        Field("partner_name", "string", "Partner's Chinese name, e.g. 俄罗斯.", required=True),
        _ref("partner_entity_id", "entity of the partner"),
        Field("flow", "string", "total (进出口/贸易额), export or import, from the reporter's side.", required=True,
              enum=FLOWS),
        _date("period_start", "First day of the period.", required=True),
        _date("period_end", "Last day of the period (closed).", required=True),
        Field("commodity", "string", "Goods the figure is for; empty for all goods."),
        Field("value", "number", "Money value in the base unit of currency.", minimum=AMOUNT_MIN, maximum=AMOUNT_MAX,
              unit="currency base unit"),
        Field("currency", "string", "ISO 4217 code; present when value is.", pattern=CURRENCY),
        Field("quantity", "number", "Physical amount, where given.", minimum=0, maximum=COUNT_MAX),
        Field("quantity_unit", "string", "Unit of quantity: t, vehicles, TEU, ..."),
        Field("value_qualifier", "string", "Qualifier of value (or quantity).", enum=QUALIFIERS),
        Field("growth_pct", "number", "Year-on-year change in percent (28 for 增长28%, -5 for 下降5%).",
              minimum=GROWTH_MIN, maximum=GROWTH_MAX, unit="percent"),
        *EVIDENCE_COLUMNS,
    ),
    ("flow_id",),
    (DOC_FK, ForeignKey(("reporter_entity_id",), "entities", ("entity_id",)),
     ForeignKey(("partner_entity_id",), "entities", ("entity_id",))),
)

INDICATORS = Table(
    "indicators", "Indicators", "Other figures stated about a subject: delegation sizes, capacities, shares, "
    "attendance.",
    (
        _id("indicator_id", "indicator"),
        Field("subject", "string", "What the figure is about, e.g. 江西交易团.", required=True),
        _ref("subject_entity_id", "entity of the subject"),
        Field("metric", "string", "snake_case English name of the measure.", required=True,
              pattern=r"^[a-z][a-z0-9_]*$"),
        Field("value", "number", "The figure.", required=True, minimum=0, maximum=COUNT_MAX),
        Field("unit", "string", "organizations, people, t, percent, an ISO 4217 code, ...", required=True),
        Field("qualifier", "string", "Qualifier of the figure.", enum=QUALIFIERS),
        _date("period_start", "First day the figure covers."),
        _date("period_end", "Last day the figure covers."),
        _ref("event_id", "event the figure is about"),
        *EVIDENCE_COLUMNS,
    ),
    ("indicator_id",),
    (ForeignKey(("event_id",), "events", ("event_id",)), DOC_FK,
     ForeignKey(("subject_entity_id",), "entities", ("entity_id",))),
)

ENTITIES = Table(
    "entities", "Entities", "Every organization and place a fact row names, resolved to one row each.",
    (
        _id("entity_id", "entity"),
        Field("name", "string", "Canonical Chinese name.", required=True),
        Field("name_en", "string", "English name where reference data knows it."),
        Field("kind", "string", "Kind of entity.", required=True, enum=ENTITY_KINDS),
        Field("country_code", "string", "ISO 3166-1 alpha-2 (or bloc code) of its country.", pattern=PLACE_CODE),
        Field("region_code", "string", "ISO 3166-2 (or city) code where it is a region.", pattern=PLACE_CODE),
        Field("aliases", "string", "Other spellings seen, '|'-separated."),
    ),
    ("entity_id",),
)

EVIDENCE = Table(
    "evidence", "Evidence", "Every text span that supports a fact row (a fact reported by two articles has two).",
    (
        Field("record_table", "string", "Table of the fact row.", required=True, enum=RECORD_TABLES),
        Field("record_id", "string", "Key of the fact row.", required=True, pattern=ID_PATTERN),
        Field("doc_id", "string", "Document of the span.", required=True, pattern=ID_PATTERN),
        Field("char_start", "integer", "Start offset in the normalized text.", required=True, minimum=0,
              unit="characters"),
        Field("char_end", "integer", "End offset (exclusive) in the normalized text.", required=True, minimum=1,
              unit="characters"),
        Field("quote", "string", "normalized text[char_start:char_end].", required=True),
        Field("rule", "string", "Pattern or rule that produced the row, for error analysis.", required=True),
        Field("extractor_version", "string", "Released version of the extraction rules that read the row (the "
              "exact code fingerprint of a publication is in datapackage.json, `extractor`).", required=True),
    ),
    ("record_table", "record_id", "doc_id", "char_start", "char_end"),
    (DOC_FK,),
)

TABLES: tuple[Table, ...] = (DOCUMENTS, ENTITIES, EVENTS, DEALS, TRADE_FLOWS, INDICATORS, EVIDENCE)
TABLE_BY_NAME = {t.name: t for t in TABLES}
