"""The reference data the rules read: every file is there with its columns, every code is one the data contract
knows, and no word is read two ways."""
from __future__ import annotations

import csv
import re
from collections import defaultdict

import pycountry
import pytest

from schemas.fields import EVENT_TYPES, GROUP_CODES, PLACE_CODE
from tradenews.reference import DATA, event_series, place_by_code, places, read_tsv
from tradenews.reference.lexicon import list_names, mapping

COLUMNS = {
    "cn_cities.tsv": ["name", "province_code", "code", "aliases"],
    "cn_ports.tsv": ["name", "province_code", "code", "aliases"],
    "cn_province_aliases.tsv": ["name", "code", "kind"],
    "companies.tsv": ["name", "aliases", "country_code", "name_en", "kind"],
    "country_aliases.tsv": ["name", "code", "kind"],
    "currencies.tsv": ["word", "code"],
    "event_heads.tsv": ["head", "event_type"],
    "event_series.tsv": ["series", "aliases", "name_en", "event_type", "first_year", "interval_years", "city",
                         "country_code", "editions"],
    "foreign_cities.tsv": ["name", "country_code", "region_code", "code", "aliases"],
    "foreign_regions.tsv": ["name", "code", "country_code", "aliases"],
    "indicator_metrics.tsv": ["keyword", "metric", "unit_word", "unit"],
    "lexicon.tsv": ["list", "word", "value"],
}
PLACE_CODE_RE = re.compile(PLACE_CODE)


def test_every_reference_file_is_there_with_its_columns_and_no_blank_or_ragged_row():
    assert sorted(p.name for p in DATA.glob("*.tsv")) == sorted(COLUMNS)
    for name, columns in COLUMNS.items():
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
        assert rows[0] == columns, name
        for n, row in enumerate(rows[1:], 2):
            assert len(row) == len(columns), f"{name}:{n} has {len(row)} fields"
            assert row[0].strip(), f"{name}:{n} has no {columns[0]}"


def test_currency_words_name_iso_4217_currencies():
    for row in read_tsv("currencies.tsv"):
        assert pycountry.currencies.get(alpha_3=row["code"]) is not None, row


def test_place_codes_are_codes_of_the_data_contract():
    for name in ("cn_cities.tsv", "cn_ports.tsv", "cn_province_aliases.tsv", "country_aliases.tsv",
                 "foreign_cities.tsv", "foreign_regions.tsv"):
        for row in read_tsv(name):
            assert PLACE_CODE_RE.match(row["code"]), (name, row)
    for row in read_tsv("country_aliases.tsv"):
        if row["kind"] == "group" or row["code"] in GROUP_CODES:
            assert row["code"] in GROUP_CODES, row  # a bloc the schema's code list knows
        else:
            assert pycountry.countries.get(alpha_2=row["code"]) is not None, row
    for name in ("companies.tsv", "foreign_regions.tsv", "foreign_cities.tsv"):
        for row in read_tsv(name):
            if row["country_code"]:
                assert pycountry.countries.get(alpha_2=row["country_code"]) is not None, (name, row)


def test_no_name_is_read_as_two_places():
    codes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for name in ("cn_cities.tsv", "cn_ports.tsv", "foreign_cities.tsv", "foreign_regions.tsv"):
        for row in read_tsv(name):
            for word in [row["name"], *filter(None, row["aliases"].split("|"))]:
                codes[word].add((row["code"], row.get("province_code", "")))
    for row in read_tsv("country_aliases.tsv") + read_tsv("cn_province_aliases.tsv"):
        if row["kind"] != "context":
            codes[row["name"]].add((row["code"], ""))
    full, abbr = places()
    for word, found in codes.items():
        if len({code for code, _ in found}) < 2:
            continue
        if len(word) == 1:
            assert word not in abbr, word  # 吉: Jilin or Kyrgyzstan; the loader reads neither
        else:
            # a city named like its own province (吉林, the municipalities): the name is the province
            province = {code for code, parent in found if not parent}
            assert len(province) == 1 and all(parent in ("", *province) for _, parent in found), (word, found)
            assert full[word].code in province, word


def test_event_series_cities_are_known_places_and_types_are_the_schema_s():
    known = {ref.name for ref in place_by_code().values()}
    cities = {row["name"] for row in read_tsv("cn_cities.tsv") + read_tsv("foreign_cities.tsv")}
    for ref in event_series():
        assert ref.event_type in EVENT_TYPES, ref.series
        if ref.city:
            assert ref.city in cities or ref.city in known, (ref.series, ref.city)
    for row in read_tsv("event_heads.tsv"):
        assert row["event_type"] in EVENT_TYPES, row


@pytest.mark.parametrize("name", list_names())
def test_no_word_list_is_empty_and_no_word_has_two_values(name):
    words = mapping(name)
    assert words, name
    seen: dict[str, set[str]] = defaultdict(set)
    for row in read_tsv("lexicon.tsv"):
        if row["list"] == name:
            seen[row["word"]].add(row["value"])
    assert {w: v for w, v in seen.items() if len(v) > 1} == {}, name
