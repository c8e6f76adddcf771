"""Longest non-overlapping matches of a fixed list of names in a text (Aho-Corasick, one pass).

The place, company and event-series finders share this; ahocorasick-rs runs the automaton in Rust
and returns character offsets of Python strings.
"""
from __future__ import annotations

from typing import Generic, TypeVar

from ahocorasick_rs import AhoCorasick, MatchKind

T = TypeVar("T")


class Gazetteer(Generic[T]):
    def __init__(self, entries: dict[str, T]):
        self.names = list(entries)
        self.values = [entries[n] for n in self.names]
        self._automaton = AhoCorasick(self.names, matchkind=MatchKind.LeftmostLongest) if self.names else None

    def __len__(self) -> int:
        return len(self.names)

    def find(self, text: str) -> list[tuple[int, int, str, T]]:
        """(start, end, name, value) of each match, left to right; where names overlap the leftmost wins,
        and of those starting there the longest."""
        if self._automaton is None or not text:
            return []
        names, values = self.names, self.values
        return [(start, end, names[i], values[i]) for i, start, end in self._automaton.find_matches_as_indexes(text)]
