"""SourceFile -> Document: normalized text, layout blocks, reference date, home province."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from tradenews.ingest.layout import split_blocks
from tradenews.ingest.normalize import normalize_text, to_simplified
from tradenews.mentions.dates import ISO_DATE_RE, explicit_years, find_dates
from tradenews.mentions.places import find_places
from tradenews.mentions.series import find_series
from tradenews.model import Document, SourceFile

HEADER_DATE = re.compile(r"(?:发布时间|发布日期|时间|日期)?[:\s]*((?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2})")


def doc_id_of(sha256: str) -> str:
    return sha256[:16]


FUTURE = re.compile(r"将于|将在|明年|下一届|下届|计划于|拟于|定于")


def _sentence_around(text: str, pos: int) -> str:
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find("。", pos), text.find("\n", pos)) if i != -1]
    return text[start:min(ends) if ends else len(text)]


def infer_reference_date(text: str, blocks, published: dt.date | None) -> tuple[dt.date, str]:
    """Published date from metadata; else the year the text is about, dated by its latest day.

    The year: the edition of a recurring event (第六届进博会 = 2023) beats a page header date
    (pages are re-published), which beats the latest explicit year in the text.
    """
    if published:
        return published, "metadata"
    year = None
    # the latest edition the text names, but for editions still to come ('第十八届…将于明年举行')
    editions = [s.series.edition_year(s.edition) for s in find_series(text)
                if s.edition and not FUTURE.search(_sentence_around(text, s.start))]
    editions = [y for y in editions if y]
    if editions:
        year = max(editions)
    header = None
    for b in blocks[:8]:
        if b.kind == "heading" and len(text[b.start:b.end]) > 30:
            continue
        for m in ISO_DATE_RE.finditer(text[b.start:b.end]):
            try:
                header = dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            break
        if header:
            break
    if year is None and header:
        return header, "inferred_from_text"
    if year is None:
        years = [y for y in explicit_years(text) if 1949 <= y <= dt.date.today().year]
        if years:
            year = max(years)
    if year is None:
        return (header or dt.date.today().replace(month=1, day=1)), "inferred_from_text"
    if header and header.year == year:
        return header, "inferred_from_text"
    days = [d.last or d.first for d in find_dates(text, year) if (d.last or d.first).year == year]
    ref = max(days) if days else dt.date(year, 12, 31)
    if ref < dt.date(year, 12, 31) and _reports_full_year(text, year):
        # '1月20日宣布,2021年中国进口…': figures of a whole year are published after it, so the days
        # written without a year are in the next one
        later = [d.last or d.first for d in find_dates(text, year + 1) if not d.first.year == year]
        ref = max(later) if later else dt.date(year + 1, 1, 1)
    elif ref == dt.date(year, 12, 31) and _reports_full_year(text, year) and re.search(r"去年|上年", text):
        ref = dt.date(year + 1, 1, 1)  # the year reported whole is 去年 to the writer
    return ref, "inferred_from_text"


def _reports_full_year(text: str, year: int) -> bool:
    """Does the text report figures of the whole of `year` as past ('2021年,中国进口…7964万吨')?"""
    for m in re.finditer(rf"{year}年(?:全年)?(?![\d一二三四五六七八九十上下前第]|以来|同期)", text):
        sentence = _sentence_around(text, m.start())
        if not FUTURE.search(sentence) and not re.search(r"预计|目标|力争|有望|将", sentence) \
                and re.search(r"\d(?:亿|万)", sentence):
            return True
    return False


def infer_home_region(text: str, publisher: str | None, url: str | None) -> str | None:
    """The province 我省/本省 refer to: the publisher's where the text names it (a national site's article
    about another province is not its own), else the province the text names most."""
    places = find_places(text)
    counts = Counter(p.code if p.kind == "region" else "-".join(p.code.split("-")[:2])
                     for p in places if p.kind in ("region", "city", "port") and p.code.startswith("CN-"))
    if publisher:
        for p in find_places(publisher):
            code = p.code if p.kind == "region" else "-".join(p.code.split("-")[:2])
            if code.startswith("CN-") and p.kind in ("region", "city") and (counts.get(code) or not counts):
                return code
    return counts.most_common(1)[0][0] if counts else None


def infer_home_city(text: str, publisher: str | None, home_region: str | None) -> str | None:
    """The city 我市/本市 refer to: the publisher's (鄂州日报), else the home province's city the text names
    most, if it names one at least twice."""
    if publisher:
        for p in find_places(publisher):
            if p.kind == "city" and p.code.startswith("CN-"):
                return p.code
    counts = Counter(p.code for p in find_places(text) if p.kind == "city" and home_region
                     and p.code.startswith(home_region + "-"))
    if counts:
        code, n = counts.most_common(1)[0]
        return code if n >= 2 else None
    return None


def build_document(src: SourceFile) -> Document:
    text, offsets, script = normalize_text(src.text)
    blocks = split_blocks(text)
    meta = src.meta
    published = meta.get("published_date")
    ref_date, method = infer_reference_date(text, blocks, published)
    title = meta.get("title")
    if title:
        title = to_simplified(title)
    else:
        heads = [text[b.start:b.end] for b in blocks if b.kind == "heading"]
        title = heads[0] if heads else None
    publisher = to_simplified(meta["publisher"]) if meta.get("publisher") else None
    return Document(
        doc_id=doc_id_of(src.sha256), source_path=src.source_path, text=text,
        original_offsets=offsets,  # an array: 8 bytes a character, not a Python int each
        encoding=src.encoding, script=script, title=title, publisher=publisher, url=meta.get("url"),
        published_date=published, reference_date=ref_date, reference_date_method=method, blocks=blocks,
        home_region=(home := infer_home_region(text, publisher, meta.get("url"))),
        home_city=infer_home_city(text, publisher, home), source_paths=(src.source_path,),
    )
