"""Recurring event series (进博会, 哈洽会...) and their edition numbers (第六届 -> 6)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from tradenews.mentions.numbers import parse_number
from tradenews.reference import SeriesRef, event_series

EDITION_RE = re.compile(r"第(?P<n>\d+|[一二三四五六七八九十百]+)(?:届|次|期)")


@dataclass(frozen=True)
class SeriesMention:
    start: int
    end: int
    series: SeriesRef
    edition: int | None


EDITION_BEFORE = re.compile(r"第(?P<n>\d+|[一二三四五六七八九十百]+)届[“\"]?$")


@lru_cache(maxsize=1)
def _series_index() -> tuple[ahocorasick.Automaton | None, dict[str, SeriesRef]]:
    """An Aho-Corasick automaton over every series name and alias (longest match wins)."""
    names: dict[str, SeriesRef] = {}
    for s in event_series():
        for name in (s.series, *s.aliases):
            names.setdefault(name, s)
    if not names:
        return None, names
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton, names


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
    automaton, names = _series_index()
    if automaton is None or not text:
        return []
    out = []
    for end, name in automaton.iter_long(text):
        start = end + 1 - len(name)
        edition = None
        m = EDITION_BEFORE.search(text, max(0, start - 12), start)
        if m:
            start = m.start()
            try:
                edition = int(parse_number(m.group("n"))) or None
            except (ValueError, KeyError, IndexError):
                edition = None
        out.append(SeriesMention(offset + start, offset + end + 1, names[name], edition))
    return out


def parse_edition(name: str) -> int | None:
    m = EDITION_RE.search(name)
    if not m:
        return None
    try:
        edition = int(parse_number(m.group("n")))
    except (ValueError, KeyError, IndexError):
        return None
    return edition if edition >= 1 else None
