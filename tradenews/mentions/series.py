"""Recurring event series (进博会, 哈洽会...) and their edition numbers (第六届 -> 6)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tradenews.mentions.gazetteer import Gazetteer
from tradenews.mentions.numbers import parse_number
from tradenews.reference import SeriesRef, event_series

EDITION_RE = re.compile(r"第(?P<n>\d+|[一二三四五六七八九十百]+)(?:届|次|期)|(?P<first>首)届")


@dataclass(frozen=True)
class SeriesMention:
    start: int
    end: int
    series: SeriesRef
    edition: int | None


EDITION_BEFORE = re.compile(r"(?:第(?P<n>\d+|[一二三四五六七八九十百]+)|(?P<first>首))届[“\"]?$")


@lru_cache(maxsize=1)
def _series_index() -> Gazetteer[SeriesRef]:
    """Every series name and alias (longest match wins)."""
    names: dict[str, SeriesRef] = {}
    for s in event_series():
        for name in (s.series, *s.aliases):
            names.setdefault(name, s)
    return Gazetteer(names)


def find_series(text: str, offset: int = 0) -> list[SeriesMention]:
    found = _series_cached(text)
    if not offset:
        return list(found)
    return [SeriesMention(s.start + offset, s.end + offset, s.series, s.edition) for s in found]


@lru_cache(maxsize=1024)
def _series_cached(text: str) -> tuple[SeriesMention, ...]:
    return tuple(_find_series(text))


def _find_series(text: str, offset: int = 0) -> list[SeriesMention]:
    """Series names (longest first), each with the edition written before it (第六届“进博会)."""
    out = []
    for start, end, _, ref in _series_index().find(text):
        edition = None
        m = EDITION_BEFORE.search(text, max(0, start - 12), start)
        if m:
            start = m.start()
            try:
                edition = 1 if m.group("first") else int(parse_number(m.group("n"))) or None
            except (ValueError, KeyError, IndexError):
                edition = None
        out.append(SeriesMention(offset + start, offset + end, ref, edition))
    return out


def parse_edition(name: str) -> int | None:
    m = EDITION_RE.search(name)
    if not m:
        return None
    if m.group("first"):
        return 1
    try:
        edition = int(parse_number(m.group("n")))
    except (ValueError, KeyError, IndexError):
        return None
    return edition if edition >= 1 else None
