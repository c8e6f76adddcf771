"""The genre's word lists, read once from data/lexicon.tsv (columns: list, word, value).

Every list a rule reads (numerals, magnitudes, qualifiers, growth words, trade and deal verbs, words
that make a figure a target or a baseline...) is a block of rows there; the patterns are built from
them here, so adding a word is adding a row. An unknown list name is an error, never an empty list.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from tradenews.reference import read_tsv


@lru_cache(maxsize=1)
def _lists() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in read_tsv("lexicon.tsv"):
        out[row["list"]].setdefault(row["word"], row.get("value", ""))
    return dict(out)


def list_names() -> tuple[str, ...]:
    return tuple(sorted(_lists()))


def mapping(name: str) -> dict[str, str]:
    """word -> value of one list (KeyError for a list the lexicon does not have)."""
    return _lists()[name]


def words(*names: str) -> tuple[str, ...]:
    """The words of one or more lists, longest first (so that an alternation prefers 增幅为 to 增幅)."""
    seen: dict[str, None] = {}
    for name in names:
        seen.update(dict.fromkeys(mapping(name)))
    return tuple(sorted(seen, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=256)
def alternation(*names: str) -> str:
    """A regex alternation (no group) of the words of the lists, longest first."""
    return "|".join(re.escape(w) for w in words(*names))


@lru_cache(maxsize=256)
def char_class(*names: str) -> str:
    """A regex character class of the one-character words of the lists."""
    chars = sorted({w for w in words(*names) if len(w) == 1})
    return "[" + "".join(re.escape(c) for c in chars) + "]"
