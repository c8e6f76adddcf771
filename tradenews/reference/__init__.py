"""Reference knowledge (places, codes, currencies, companies, event series), loaded once from data/.

Country names in Chinese come from pycountry's ISO 3166 translations; everything pycountry does
not know (short forms, cities, foreign regions in Chinese, blocs) is in the TSV files beside this.
"""
from __future__ import annotations

import csv
import gettext
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class PlaceRef:
    name: str  # canonical Chinese name
    code: str
    kind: str  # country | group | region | city | port
    country_code: str | None
    province_code: str | None = None  # for Chinese cities: their province


@dataclass(frozen=True)
class CompanyRef:
    name: str
    country_code: str | None
    name_en: str | None
    kind: str


@dataclass(frozen=True)
class SeriesRef:
    series: str
    aliases: tuple[str, ...]
    name_en: str | None
    event_type: str
    first_year: int | None
    interval_years: float | None
    city: str | None
    country_code: str | None

    editions: tuple[tuple[int, int], ...] = ()  # (edition, year) where the series is not regular

    def edition_year(self, edition: int) -> int | None:
        known = dict(self.editions)
        if edition in known:
            return known[edition]
        if not self.first_year or not self.interval_years or self.interval_years <= 0:
            return None
        # a fair held twice a year (interval 0.5: 广交会's 136th session is in 2024) counts two editions a year
        return int(self.first_year + (edition - 1) * self.interval_years)

    def edition_of_year(self, year: int) -> int | None:
        """The edition held in `year`, where the series says (annual series, or a listed edition)."""
        for edition, y in self.editions:
            if y == year:
                return edition
        if self.first_year and self.interval_years == 1 and year >= self.first_year and not self.editions:
            return year - self.first_year + 1
        return None


def read_tsv(name: str) -> list[dict[str, str]]:
    path = DATA / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        # NFKC as the texts are: an alias written with full-width brackets matches the normalized text
        return [{k: unicodedata.normalize("NFKC", (v or "").strip()) for k, v in row.items()}
                for row in csv.DictReader(f, delimiter="\t")]


@lru_cache(maxsize=1)
def currencies() -> dict[str, str]:
    return {row["word"]: row["code"] for row in read_tsv("currencies.tsv")} or {"元": "CNY", "美元": "USD"}


def _zh(domain: str):
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext
    except OSError:
        return lambda s: s


@lru_cache(maxsize=1)
def places() -> tuple[dict[str, PlaceRef], dict[str, PlaceRef]]:
    """(names safe to match anywhere, short forms only safe in compounds such as 对俄/中俄/俄方)."""
    full: dict[str, PlaceRef] = {}
    abbr: dict[str, PlaceRef] = {}
    canonical: dict[str, str] = {}
    for row in read_tsv("country_aliases.tsv"):
        if row["kind"] in ("full", "group"):
            canonical.setdefault(row["code"], row["name"])
    zh = _zh("iso3166-1")
    for c in pycountry.countries:
        name = canonical.setdefault(c.alpha_2, zh(getattr(c, "common_name", c.name)))
        ref = PlaceRef(name, c.alpha_2, "country", c.alpha_2)
        for variant in {zh(c.name), zh(getattr(c, "common_name", c.name)), zh(getattr(c, "official_name", c.name))}:
            if any("\u4e00" <= ch <= "\u9fff" for ch in variant):
                full.setdefault(variant, ref)
    for row in read_tsv("country_aliases.tsv"):
        if row["kind"] == "context":
            continue  # read only where the words around make them a place (contextual_places)
        code = row["code"]
        kind = "group" if row["kind"] == "group" or len(code) != 2 else "country"
        ref = PlaceRef(canonical.get(code, row["name"]), code, kind, code if kind == "country" else None)
        # short forms are single characters read in compounds; a longer short form is safe anywhere
        (abbr if row["kind"] == "abbr" and len(row["name"]) == 1 else full)[row["name"]] = ref
    provinces = {}
    for row in read_tsv("cn_province_aliases.tsv"):
        provinces.setdefault(row["code"], row["name"])  # first full form is canonical
    zh2 = _zh("iso3166-2")
    for sub in pycountry.subdivisions.get(country_code="CN") or []:
        code = sub.code
        if code in ("CN-HK", "CN-MO", "CN-TW"):
            continue
        name = provinces.get(code) or zh2(sub.name)
        full.setdefault(zh2(sub.name), PlaceRef(name, code, "region", "CN"))
    ambiguous = set()
    for row in read_tsv("cn_province_aliases.tsv"):
        ref = PlaceRef(provinces[row["code"]], row["code"], "region", "CN")
        if row["kind"] == "abbr":
            if row["name"] in abbr and abbr[row["name"]].code != ref.code:
                ambiguous.add(row["name"])  # 吉: Jilin or Kyrgyzstan; 新: Xinjiang or Singapore
            abbr.setdefault(row["name"], ref)
        else:
            full.setdefault(row["name"], ref)
            for suffix in ("省", "市"):
                full.setdefault(row["name"] + suffix, ref)
    for short in ambiguous:
        del abbr[short]
    for row in read_tsv("cn_cities.tsv"):
        if row["code"] == row["province_code"] or row["name"] in full:
            continue  # municipalities are provinces already
        ref = PlaceRef(row["name"], row["code"], "city", "CN", row["province_code"])
        for name in [row["name"], row["name"] + "市", *filter(None, row.get("aliases", "").split("|"))]:
            full.setdefault(name, ref)
    for row in read_tsv("cn_ports.tsv"):  # border and river ports that report trade of their own
        ref = PlaceRef(row["name"], row["code"], "port", "CN", row["province_code"])
        for name in [row["name"], *filter(None, row.get("aliases", "").split("|"))]:
            full.setdefault(name, ref)
    for row in read_tsv("foreign_regions.tsv"):
        ref = PlaceRef(row["name"], row["code"], "region", row["country_code"])
        for name in [row["name"], *filter(None, row.get("aliases", "").split("|"))]:
            full.setdefault(name, ref)
    for row in read_tsv("foreign_cities.tsv"):
        ref = PlaceRef(row["name"], row["code"], "city", row["country_code"], row.get("region_code") or None)
        for name in [row["name"], *filter(None, row.get("aliases", "").split("|"))]:
            full.setdefault(name, ref)
    return full, abbr


@lru_cache(maxsize=1)
def contextual_places() -> dict[str, PlaceRef]:
    """Words that name a country only in a trading context: 大陆 (对大陆出口, not 欧亚大陆), 内地 (与内地贸易)."""
    out = {}
    for row in read_tsv("country_aliases.tsv"):
        if row["kind"] == "context":
            code = row["code"]
            known = place_by_code().get(code)
            out[row["name"]] = PlaceRef(known.name if known else row["name"], code, "country", code)
    return out


@lru_cache(maxsize=1)
def city_names() -> frozenset[str]:
    """Every name of a city, Chinese or foreign (莫斯科 is also a federal subject, 北京 a municipality)."""
    names = set()
    for file in ("cn_cities.tsv", "foreign_cities.tsv"):
        for row in read_tsv(file):
            names.update([row["name"], row["name"] + "市", *filter(None, row.get("aliases", "").split("|"))])
    return frozenset(names)


@lru_cache(maxsize=1)
def place_by_code() -> dict[str, PlaceRef]:
    full, abbr = places()
    out: dict[str, PlaceRef] = {}
    for ref in list(full.values()) + list(abbr.values()):
        out.setdefault(ref.code, ref)
    return out


@lru_cache(maxsize=1)
def companies() -> dict[str, CompanyRef]:
    out: dict[str, CompanyRef] = {}
    for row in read_tsv("companies.tsv"):
        ref = CompanyRef(row["name"], row.get("country_code") or None, row.get("name_en") or None,
                         row.get("kind") or "company")
        for name in [row["name"], *filter(None, row.get("aliases", "").split("|"))]:
            out.setdefault(name, ref)
    return out


@lru_cache(maxsize=1)
def event_series() -> list[SeriesRef]:
    out = []
    for row in read_tsv("event_series.tsv"):
        out.append(SeriesRef(
            row["series"], tuple(filter(None, row.get("aliases", "").split("|"))), row.get("name_en") or None,
            row.get("event_type") or "expo", int(row["first_year"]) if row.get("first_year") else None,
            float(row["interval_years"]) if row.get("interval_years") else None,
            row.get("city") or None, row.get("country_code") or None,
            tuple((int(e), int(y)) for e, y in (pair.split(":") for pair in filter(None, row.get("editions", "").split("|"))))))
    return out


@lru_cache(maxsize=1)
def event_heads() -> dict[str, str]:
    return {row["head"]: row["event_type"] for row in read_tsv("event_heads.tsv")}


@lru_cache(maxsize=1)
def indicator_metrics() -> list[dict[str, str]]:
    return sorted(read_tsv("indicator_metrics.tsv"), key=lambda r: -len(r["keyword"]))
